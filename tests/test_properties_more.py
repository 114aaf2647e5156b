"""Properties over generated news WITH injected damage, as the CLI runs it (shipped glossary on).

``tests/test_properties.py`` states undo, replay and idempotence for the rules
alone. These add, on text built by :func:`fuzz.strategies.damaged_text` (doubled
words, breaks after ``U.S.``, orphan comma lines, stray quotes, mojibake of a
fragment, glossary variants such as ``Ain Al Assad`` and ``Maroto`` next to the
``Assad`` traps, boilerplate lines, hard wraps, CRLF):

- undo restores the input exactly, also through the JSON edit report;
- clean is idempotent;
- edit offsets never overlap and lie inside the text they apply to, and every
  edit and flag located in the input lies inside the input;
- glossary normalization changes nothing outside the occurrences of its forms,
  and never touches ``Bashar al-Assad``, ``President Assad``, ``pro-Assad``;
- alignment covers every sentence of both sides exactly once, in order.

The checks are the fuzz targets' (:mod:`fuzz.targets`), so ``make fuzz`` runs
the same properties at scale with fresh random inputs. Here the budgets keep the
file under a minute and the examples are derandomized (the same every run), so
``make test`` never fails on a new input by chance: exploring is the fuzzer's job,
and what it finds comes back as a regression case.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from fuzz import strategies as gen
from fuzz import targets
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mtrepair.align.core import align
from mtrepair.align.units import units
from mtrepair.cli import app
from mtrepair.config import Config
from mtrepair.langdata import guess_language
from mtrepair.pipeline import clean_text, detect_text
from mtrepair.registry import RULES

# The budget; the rest (no database, derandomized, no deadline) is tests/conftest.py's profile.
_PROPS = settings(max_examples=50)

_DAMAGED = (
    "The U.S.\n\n\n\ndiplomats said Colonel Colonel Wayne Maroto left Ain Al Assad air base."
    "\n\n, injuring two."
)


def _glossary_only() -> Config:
    return Config(terms=targets.glossary_config().terms, disabled=frozenset(RULES) - {"glossary"})


@_PROPS
@given(gen.damaged_text())
@example(_DAMAGED)
@example("Bashar al-Assad visited Asad base.\r\nPlease enter your comment!\r\n")
def test_undo_restores_damaged_input_exactly(text: str) -> None:
    result = clean_text(text, targets.glossary_config())
    targets.check_round_trip(text, result)
    targets.check_report_round_trip(text, result)


@_PROPS
@given(gen.damaged_text())
@example(_DAMAGED)
def test_clean_is_idempotent_on_damaged_input(text: str) -> None:
    targets.check_idempotent(text)


@_PROPS
@given(st.one_of(gen.damaged_text(), gen.hostile_text))
@example(_DAMAGED)
def test_edit_offsets_are_disjoint_and_inside_the_input(text: str) -> None:
    result = clean_text(text, targets.glossary_config())
    targets.check_step_edits(text, result.steps)
    targets.check_located(text, result.steps)
    for f in detect_text(text, targets.glossary_config()):
        assert 0 <= f.start <= f.end <= len(text), f


@_PROPS
@given(gen.damaged_text())
@example("Maroto said Ain Al Assad air base and Bashar al-Assad and the Assad regime. Near Al Asad base.")
def test_glossary_changes_only_matched_variants(text: str) -> None:
    config = _glossary_only()
    assert config.terms is not None
    result = clean_text(text, config)
    targets.check_matches_outside(text, result.steps, config.terms)
    for trap in gen.GLOSSARY_TRAPS:
        assert result.text.count(trap) == text.count(trap), trap
    for canonical in gen.GLOSSARY_CANONICAL:
        assert result.text.count(canonical) >= text.count(canonical), canonical


@_PROPS
@given(gen.damaged_text())
def test_glossary_changes_only_matched_variants_in_the_full_pipeline(text: str) -> None:
    config = targets.glossary_config()
    assert config.terms is not None
    result = clean_text(text, config)
    targets.check_matches_outside(text, result.steps, config.terms)


@settings(_PROPS, max_examples=30)
@given(gen.damaged_text())
def test_align_damaged_against_repaired_covers_every_sentence_once_in_order(text: str) -> None:
    repaired = clean_text(text, targets.glossary_config()).text
    g, c = units(text), units(repaired)
    for max_bead in (1, 2):
        beads = align([u.text for u in g], [u.text for u in c], max_bead=max_bead)
        targets.check_beads(beads, len(g), len(c), max_bead)


@_PROPS
@given(targets.align_case())
def test_align_covers_every_unit_once_in_order(case: dict[str, object]) -> None:
    targets.check_align_case(case)


@settings(_PROPS, max_examples=15)
@given(targets.align_case())
def test_align_cli_json_covers_every_sentence_once_in_order(case: dict[str, object]) -> None:
    for side in ("garbled", "clean"):
        text = str(case[side])
        # A file cannot hold a lone surrogate, and a NUL byte makes it binary (refused in one
        # line: tests/test_badinput.py); alignment is about the texts a file can hold.
        assume("\x00" not in text and not any("\ud800" <= ch <= "\udfff" for ch in text))
    with tempfile.TemporaryDirectory() as tmp:
        garbled, clean = Path(tmp) / "g.txt", Path(tmp) / "c.txt"
        garbled.write_text(str(case["garbled"]) or " ", encoding="utf-8", newline="")
        clean.write_text(str(case["clean"]) or " ", encoding="utf-8", newline="")
        texts = [p.read_bytes().decode("utf-8") for p in (garbled, clean)]
        # --raw: the units of the files as given; by default, of the texts as clean repairs them.
        for extra, (g_text, c_text) in (
            (["--raw"], texts),
            ([], [clean_text(t, Config(lang=guess_language(t))).text for t in texts]),
        ):
            result = CliRunner().invoke(app, ["align", str(garbled), str(clean), "--format", "json", *extra])
            assert result.exit_code == 0, result.output
            beads = json.loads(result.stdout)
            n, m = len(units(g_text)), len(units(c_text))
            assert [i for b in beads for i in b["garbled"]] == list(range(n))
            assert [j for b in beads for j in b["clean"]] == list(range(m))
