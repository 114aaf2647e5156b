"""The sentence aligner: units, the lexical backend, the DP, gold scoring, the CLI.

Real text throughout: MLQE-PE et-en (NMT output against a human reference) with
merges, splits, insertions and deletions injected at known places, and seed 002
(a garbled Reuters story) against seed 001 (another outlet's article sharing a
few of its paragraphs).
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

import numpy as np
import numpy.typing as npt
import pytest
from benchmarks import bench_align
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mtrepair.align import Bead
from mtrepair.align import core as align_core
from mtrepair.align.backends import BACKENDS, get_backend
from mtrepair.align.core import align
from mtrepair.align.gold import format_json, format_vecalign, parse_gold, read_gold, score_alignment
from mtrepair.align.lexical import LexicalBackend
from mtrepair.align.units import units
from mtrepair.cli import app
from mtrepair.errors import ConfigError, InputError
from tests.conftest import seed_path, seed_text

ET_EN = bench_align.DATA / "et-en-multiref"
needs_data = pytest.mark.skipif(not ET_EN.is_dir(), reason=f"MLQE-PE data not found at {ET_EN}")


def _lines(name: str, start: int = 0, count: int = 200) -> list[str]:
    return bench_align.read_lines(ET_EN / name)[start : start + count]


def _pool() -> list[str]:
    return bench_align.read_lines(bench_align.DATA / "et-en-dev" / "dev.mt")


def _case(start: int = 0, count: int = 200, seed: int = 0) -> bench_align.Case:
    return bench_align.inject(
        _lines("mt.en", start, count), _lines("ref-1.en", start, count), _pool(), seed=seed
    )


def _check_partition(beads: list[Bead], n: int, m: int, max_bead: int) -> None:
    """Every unit in exactly one bead, beads in order, runs contiguous and bounded."""
    g = [i for b in beads for i in b.garbled]
    c = [j for b in beads for j in b.clean]
    assert g == list(range(n))
    assert c == list(range(m))
    for b in beads:
        assert b.garbled or b.clean
        assert len(b.garbled) <= max_bead and len(b.clean) <= max_bead
        assert 0.0 <= b.score <= 1.0
        if not (b.garbled and b.clean):
            assert b.score == 0.0


# --- units -------------------------------------------------------------------


def test_sentence_units_keep_their_spans_on_seed_002() -> None:
    text = seed_text("002")
    found = units(text)
    assert len(found) > 40
    for u in found:
        assert text[u.start : u.end] == u.text
        assert u.text == u.text.strip()
    # The spurious paragraph break after "U.S." leaves a fragment: a unit of its own.
    assert any(u.text == "Army Colonel Colonel spokesman Wayne Marotto said." for u in found)


def test_line_units_skip_blank_lines_and_trim() -> None:
    text = "  first line \r\n\n   \nsecond\n"
    found = units(text, "lines")
    assert [u.text for u in found] == ["first line", "second"]
    assert [text[u.start : u.end] for u in found] == ["first line", "second"]


def test_unknown_unit_mode_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown unit mode"):
        units("text", "paragraphs")


# --- lexical backend -----------------------------------------------------------


def test_lexical_rows_are_unit_length_and_deterministic() -> None:
    texts = ["The rockets landed at the base.", "", "Rockets landed on the base!", "Kataib Hezbollah"]
    a = LexicalBackend().embed(texts)
    b = LexicalBackend().embed(texts)
    assert a.dtype == np.float32 and a.shape == (4, LexicalBackend().dim)
    assert np.array_equal(a, b)
    norms = np.linalg.norm(a, axis=1)
    assert norms[1] == 0.0
    assert np.allclose(norms[[0, 2, 3]], 1.0, atol=1e-5)
    assert a[0] @ a[2] > 0.6 > a[0] @ a[3]


def test_lexical_ignores_case_quotes_and_whitespace_runs() -> None:
    v = LexicalBackend().embed(["He said “no”.", 'he   said\n\n\n\n"no".'])
    assert float(v[0] @ v[1]) > 0.95


def test_lexical_backend_rejects_bad_settings() -> None:
    with pytest.raises(ValueError):
        LexicalBackend(orders=())
    with pytest.raises(ValueError):
        LexicalBackend(orders=(1, 2), weights=(1.0,))


# --- the aligner on injected damage -----------------------------------------------


@needs_data
@pytest.mark.parametrize(("start", "seed"), [(0, 0), (400, 1), (800, 2)])
def test_injected_damage_is_recovered(start: int, seed: int) -> None:
    case = _case(start, 200, seed)
    beads = align(case.garbled, case.clean)
    _check_partition(beads, len(case.garbled), len(case.clean), 2)
    scores = score_alignment(beads, case.gold)
    assert scores["f1_strict"] >= 0.96, scores
    found = {(b.garbled, b.clean) for b in beads}
    for kind, shape in (("merge", (1, 2)), ("split", (2, 1)), ("insert", (1, 0)), ("delete", (0, 1))):
        wanted = [g for g in case.gold if (len(g[0]), len(g[1])) == shape]
        assert wanted, kind
        hit = sum(g in found for g in wanted)
        assert hit >= 0.8 * len(wanted), (kind, hit, len(wanted))


@needs_data
def test_coarse_to_fine_band_finds_the_same_alignment() -> None:
    case = _case(200, 300, 3)
    whole = align(case.garbled, case.clean)
    with mock.patch.object(align_core, "FULL_CELLS", 400):
        banded = align(case.garbled, case.clean)
        narrow = align(case.garbled, case.clean, band=3)
    assert [(b.garbled, b.clean) for b in banded] == [(b.garbled, b.clean) for b in whole]
    assert [b.score for b in banded] == pytest.approx([b.score for b in whole], abs=1e-5)
    assert score_alignment(narrow, case.gold)["f1_strict"] >= 0.95
    _check_partition(narrow, len(case.garbled), len(case.clean), 2)


@needs_data
def test_identical_documents_align_one_to_one_with_high_scores() -> None:
    lines = _lines("ref-1.en", 0, 60)
    beads = align(lines, lines)
    assert [(b.garbled, b.clean) for b in beads] == [((i,), (i,)) for i in range(60)]
    assert min(b.score for b in beads) > 0.9


def test_empty_sides_give_only_unaligned_beads() -> None:
    assert align([], []) == []
    assert align(["a sentence."], []) == [Bead((0,), (), 0.0)]
    assert align([], ["x.", "y."]) == [Bead((), (0,), 0.0), Bead((), (1,), 0.0)]


def test_bad_parameters_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="max_bead"):
        align(["a"], ["b"], max_bead=0)
    with pytest.raises(ConfigError, match="band"):
        align(["a"], ["b"], band=0)
    with pytest.raises(ConfigError, match="min_score"):
        align(["a"], ["b"], min_score=1.5)
    with pytest.raises(ConfigError, match="skip"):
        align(["a"], ["b"], skip=0)


class _BadBackend:
    name = "bad"

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return np.zeros((1, 4), dtype=np.float32)


def test_a_backend_returning_the_wrong_shape_is_reported() -> None:
    with pytest.raises(ConfigError, match="backend 'bad'"):
        align(["a.", "b.", "c."], ["a.", "b."], backend=_BadBackend())


# --- property: coverage and monotonicity ------------------------------------------------

_WORDS = [
    "rockets",
    "base",
    "militia",
    "embassy",
    "Iraq",
    "Syria",
    "drone",
    "officials",
    "said",
    "attack",
    "fired",
    "two",
    "three",
    "the",
    "of",
    "a",
    "in",
    "on",
    "and",
    "Washington",
    "Institute",
    "troops",
    "Green",
    "Zone",
    "oil",
    "field",
]
_sentence = st.lists(st.sampled_from(_WORDS), min_size=0, max_size=12).map(lambda w: " ".join(w) + ".")


@settings(max_examples=60)
@given(
    garbled=st.lists(_sentence, max_size=40),
    clean=st.lists(_sentence, max_size=40),
    max_bead=st.integers(1, 3),
    min_score=st.sampled_from([0.0, 0.2, 0.5]),
    full_cells=st.sampled_from([16, 200, align_core.FULL_CELLS]),
)
def test_every_unit_is_in_exactly_one_bead_in_order(
    garbled: list[str], clean: list[str], max_bead: int, min_score: float, full_cells: int
) -> None:
    with mock.patch.object(align_core, "FULL_CELLS", full_cells):
        beads = align(garbled, clean, max_bead=max_bead, min_score=min_score)
    _check_partition(beads, len(garbled), len(clean), max_bead)
    for b in beads:
        if b.garbled and b.clean:
            assert b.score >= min_score


# --- comparable documents: seed 002 against seed 001 ----------------------------------------


def _index(found: list[str], needle: str) -> int:
    (k,) = [i for i, t in enumerate(found) if needle in t]
    return k


def test_seed_002_against_001_keeps_only_confident_beads() -> None:
    g = [u.text for u in units(seed_text("002"))]
    c = [u.text for u in units(seed_text("001"))]
    beads = align(g, c, min_score=0.2)
    _check_partition(beads, len(g), len(c), 2)
    pairs = {(i, j) for b in beads for i in b.garbled for j in b.clean}
    hamdi = (_index(g, "Hamdi Malik, an associate member"), _index(c, "Hamdi Malik called recent events"))
    quote = (_index(g, "It seems to me that they have a green light"), _index(c, "It seems to me they have"))
    same_time = (
        _index(g, "But at the same time, they don’t"),
        _index(c, "But at the same time, they do not"),
    )
    assert {hamdi, quote, same_time} <= pairs
    aligned = [b for b in beads if b.garbled and b.clean]
    assert all(b.score >= 0.2 for b in aligned)
    # Most of either article has no counterpart in the other: left unaligned.
    assert len(aligned) <= 12
    for needle in ("CLIMBING", "By Ahmed Rasheed"):
        assert (_index(g, needle),) in {b.garbled for b in beads if not b.clean}
    for needle in ("Powered by automated translation", "Why now?"):
        assert (_index(c, needle),) in {b.clean for b in beads if not b.garbled}


def test_without_min_score_unrelated_sentences_are_forced_together() -> None:
    g = [u.text for u in units(seed_text("002"))]
    c = [u.text for u in units(seed_text("001"))]
    forced = [b for b in align(g, c) if b.garbled and b.clean]
    kept = [b for b in align(g, c, min_score=0.2) if b.garbled and b.clean]
    assert len(forced) > 2 * len(kept)


# --- gold scoring and files ---------------------------------------------------------------

GOLD = [((0,), (0,)), ((1,), ()), ((2, 3), (1,)), ((), (2,)), ((4,), (3, 4))]


def test_perfect_prediction_scores_one() -> None:
    s = score_alignment(GOLD, GOLD)
    assert s == {k: 1.0 for k in s}


def test_strict_and_lax_follow_vecalign() -> None:
    pred = [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), ()), ((), (2,)), ((4,), (3,)), ((), (4,))]
    s = score_alignment(pred, GOLD)
    # Precision over all 7 predicted beads: strict hits (0)-(0), (1)-(), ()-(2); lax adds
    # (2)-(1) and (4)-(3), which overlap a gold bead on both sides.
    assert s["precision_strict"] == pytest.approx(3 / 7)
    assert s["precision_lax"] == pytest.approx(5 / 7)
    # Recall over the 3 gold beads with both sides: only (0)-(0) exact; all three overlap.
    assert s["recall_strict"] == pytest.approx(1 / 3)
    assert s["recall_lax"] == pytest.approx(1.0)
    assert s["f1_strict"] == pytest.approx(2 * (3 / 7) * (1 / 3) / (3 / 7 + 1 / 3))


def test_gold_round_trips_through_json_and_vecalign_text() -> None:
    beads = [Bead(g, c, 0.5) for g, c in GOLD]
    assert parse_gold(format_json(beads), "x.json") == GOLD
    assert parse_gold(format_vecalign(beads), "x.txt") == GOLD
    assert parse_gold(format_vecalign(GOLD), "x.txt") == GOLD
    assert parse_gold("[0]:[0, 1]\n[]:[2]\n\n[1, 2]:[]:0.25\n", "x") == [
        ((0,), (0, 1)),
        ((), (2,)),
        ((1, 2), ()),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"garbled": [0], "clean": [0]', "broken JSON"),
        ('{"garbled": [0]}', "expected a JSON list"),
        ('[{"garbled": [0]}]', '"garbled" and "clean"'),
        ('[{"garbled": [-1], "clean": [0]}]', "non-negative"),
        ('[{"garbled": ["a"], "clean": [0]}]', "non-negative"),
        ("[0]:[1]\nnonsense\n", "x:2: expected a bead"),
    ],
)
def test_bad_gold_files_are_input_errors(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_gold(text, "x")


def test_missing_gold_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such gold file"):
        read_gold(tmp_path / "none.json")


# --- backends registry ----------------------------------------------------------------------


def test_get_backend_lexical_and_unknown() -> None:
    assert get_backend("lexical").name == "lexical"
    with pytest.raises(ConfigError, match="known: lexical, minilm, use-multilingual, e5, hf"):
        get_backend("labse")
    with pytest.raises(ConfigError, match="takes no model path"):
        get_backend("lexical", Path("/tmp"))


def test_neural_names_are_delegated_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, Path | None]] = []

    def factory(name: str) -> object:
        def build(path: Path | None) -> LexicalBackend:
            calls.append((name, path))
            return LexicalBackend()

        return build

    fake = types.ModuleType("mtrepair.align.neural")
    fake.FACTORIES = {n: factory(n) for n in ("minilm", "use-multilingual", "e5", "hf")}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mtrepair.align.neural", fake)
    get_backend("e5")
    get_backend("hf", Path("model-dir"))
    assert calls == [("e5", None), ("hf", Path("model-dir"))]
    assert set(BACKENDS) == {"lexical", "minilm", "use-multilingual", "e5", "hf"}


def test_missing_neural_module_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "mtrepair.align.neural", None)
    with pytest.raises(ConfigError, match="install the neural extra"):
        get_backend("minilm")


# --- command line ---------------------------------------------------------------------------


def _run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["align", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def et_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    if not ET_EN.is_dir():
        pytest.skip(f"MLQE-PE data not found at {ET_EN}")
    case = _case(0, 120, 4)
    g, c, gold = tmp_path / "mt.txt", tmp_path / "ref.txt", tmp_path / "gold.txt"
    g.write_text("\n".join(case.garbled) + "\n", encoding="utf-8")
    c.write_text("\n".join(case.clean) + "\n", encoding="utf-8")
    gold.write_text(format_vecalign(case.gold), encoding="utf-8")
    return g, c, gold


def test_cli_json_lines_with_gold(runner: CliRunner, et_files: tuple[Path, Path, Path]) -> None:
    g, c, gold = et_files
    code, out, err = _run(runner, str(g), str(c), "--units", "lines", "--format", "json", "--gold", str(gold))
    assert code == 0, err
    beads = json.loads(out)
    assert all(set(b) == {"garbled", "clean", "score"} for b in beads)
    assert [i for b in beads for i in b["garbled"]] == list(range(len(g.read_text().splitlines())))
    assert "strict P" in err and "lax P" in err
    f1 = float(err.split("F1 ")[1].split()[0])
    assert f1 >= 0.95


def test_cli_tsv_and_output_file(
    runner: CliRunner, et_files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    g, c, _ = et_files
    out_path = tmp_path / "out" / "beads.tsv"
    code, out, err = _run(runner, str(g), str(c), "--units", "lines", "--format", "tsv", "-o", str(out_path))
    assert code == 0, err
    assert out == ""
    rows = out_path.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "garbled\tclean\tscore\tgarbled_text\tclean_text"
    assert all(len(r.split("\t")) == 5 for r in rows[1:])
    assert any(r.startswith("\t") for r in rows[1:])  # a lost line: no garbled index


def test_cli_text_view_of_the_seeds(runner: CliRunner) -> None:
    code, out, err = _run(runner, str(seed_path("002")), str(seed_path("001")), "--min-score", "0.2")
    assert code == 0, err
    assert "Hamdi Malik" in out
    assert "(none: inserted)" in out and "(none: lost)" in out
    assert "beads aligned" in out.splitlines()[-1]


def test_cli_json_on_seeds_is_the_brief_format(runner: CliRunner) -> None:
    code, out, _ = _run(runner, str(seed_path("002")), str(seed_path("001")), "--format", "json")
    assert code == 0
    beads = json.loads(out)
    assert isinstance(beads, list) and beads
    assert any(b["garbled"] == [] or b["clean"] == [] for b in beads)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["missing.txt", "SEED1"], 2, "no such file"),
        (["SEED2", "SEED1", "--format", "xml"], 5, "unknown format"),
        (["SEED2", "SEED1", "--units", "words"], 5, "unknown unit mode"),
        (["SEED2", "SEED1", "--model", "labse"], 5, "unknown alignment backend"),
        (["SEED2", "SEED1", "--min-score", "2"], 5, "min_score"),
        (["-", "-"], 2, "only one side"),
        (["BINARY", "SEED1"], 2, "looks binary"),
        (["SEED2", "SEED1", "--gold", "BADGOLD"], 2, "gold names garbled unit 999"),
        (["SEED2", "SEED1", "-o", "SEED1"], 4, "is also an input"),
    ],
)
def test_cli_bad_input_is_one_line(
    runner: CliRunner, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    bad_gold = tmp_path / "gold.json"
    bad_gold.write_text('[{"garbled": [999], "clean": [0]}]')
    names = {
        "SEED1": str(seed_path("001")),
        "SEED2": str(seed_path("002")),
        "BINARY": str(binary),
        "BADGOLD": str(bad_gold),
        "missing.txt": str(tmp_path / "missing.txt"),
    }
    got, _, err = _run(runner, *[names.get(a, a) for a in args])
    assert got == code, err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


# --- the benchmark script, on a tiny slice (behaviour, not figures) ------------------------------


@needs_data
def test_bench_align_writes_results_and_readme_section(tmp_path: Path) -> None:
    out = tmp_path / "align.json"
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\n## Other\n\nkept\n", encoding="utf-8")
    args = ["--lines", "40", "--backends", "lexical", "--baseline-band", "8", "--scale", "30"]
    args += ["--scale-repeats", "1", "-o", str(out), "--readme", str(readme)]
    assert bench_align.main(args) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    methods = {(r["pair"], r["method"]) for r in results["runs"]}
    assert ("mt.en vs ref-1.en", "lexical") in methods
    assert ("mt.en vs ref-1.en", "chrF DP baseline") in methods
    assert {"30", "120", "ratio"} <= set(results["scaling"])
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\n## Other\n\nkept\n\n## Alignment\n")
    # Running again replaces the section instead of appending a second one.
    assert bench_align.main(["--from-results", str(out), "--readme", str(readme)]) == 0
    assert readme.read_text(encoding="utf-8").count("## Alignment") == 1


def test_split_at_comma_keeps_both_halves_long_enough() -> None:
    assert bench_align.split_at_comma("one two three, four five six") == ("one two three,", "four five six")
    assert bench_align.split_at_comma("one, two three four five") is None
