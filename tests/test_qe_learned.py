"""The learned no-source QE model (issue 18): the shipped file, scoring, and the training script.

The shipped model is checked against a number recorded when it was trained
(``meta.check`` in the file, copied here), so a change to feature code that
silently shifts every score fails here. The training test needs scikit-learn
and the MLQE-PE sample in ``../shared``; it is skipped with the reason otherwise.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

from mtrepair.qe.learned import (
    FEATURES,
    MODEL_FILE,
    SRC_MODEL_FILE,
    load_model,
    load_source_model,
    score,
    score_with_source,
    source_features,
    source_langs,
    tokens,
)

MLQE = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "mlqe-pe"
HAVE_SKLEARN = importlib.util.find_spec("sklearn") is not None

GARBLED = "Sources said the sirens shouted from the embassy inside the area."
# Predicted HTER of GARBLED by the scikit-learn model at training time (benchmarks/train_qe.py).
EXPECTED_GARBLED_HTER = 0.3731091547
# The minimal clean rewrite: the one wrong verb fixed.
REWRITE = "Sources said the sirens blared from the embassy inside the area."
# Seed 002's full line and its clean counterpart in seed 001 (the pair of tests/test_qe.py).
SEED_002 = (
    "Sources said the sirens shouted from the embassy inside the area, which houses government "
    "buildings and foreign missions."
)
SEED_001 = (
    "Shortly after the Ain Al Assad attack, three rockets were fired at the US Embassy in Iraq’s capital "
    "prompting sirens to blare in warning in Baghdad’s Green Zone which hosts a number of government "
    "buildings and embassies."
)
CLEAN = "The committee approved the new budget on Tuesday after a long debate."
SALAD = "The budget budget of approved committee the Tuesday debate long a on after new budget."


def test_shipped_model_scores_like_at_training_time() -> None:
    model = load_model()
    assert model.meta["check"]["text"] == GARBLED
    assert model.meta["check"]["hter"] == pytest.approx(EXPECTED_GARBLED_HTER, abs=1e-6)
    (result,) = score([GARBLED])
    assert result.garble == pytest.approx(EXPECTED_GARBLED_HTER, abs=1e-6)
    assert 0.0 <= result.p_high <= 1.0


def test_clean_counterpart_scores_lower_than_the_garbled_seed_line() -> None:
    garbled, clean = score([SEED_002, SEED_001])
    assert clean.garble < garbled.garble
    salad, fluent = score([SALAD, CLEAN])
    assert fluent.garble < salad.garble


@pytest.mark.xfail(
    strict=True,
    reason="without the source the learned model does not see the wrong verb: 'blared' is rarer in "
    "MLQE-PE's post-edits than 'shouted' (0.400 vs 0.373 with the shipped model); needs the "
    "with-source adequacy half of issue 18",
)
def test_minimal_rewrite_scores_lower_than_the_garbled_sentence() -> None:
    garbled, clean = score([GARBLED, REWRITE])
    assert clean.garble < garbled.garble


def test_word_probabilities_line_up_with_tokens() -> None:
    text = "The minister hadn't said it (really), he said at 10.30."
    (result,) = score([text])
    assert result.tokens == tuple(tokens(text))
    assert result.tokens[:5] == ("The", "minister", "hadn", "'t", "said")
    assert len(result.token_bad) == len(result.tokens)
    assert all(0.0 <= p <= 1.0 for p in result.token_bad)


def test_tokenized_and_running_text_score_alike() -> None:
    moses, running = score(
        [
            "Who would have known if he hadn 't said it ( really ) , he said .",
            "Who would have known if he hadn't said it (really), he said.",
        ]
    )
    assert moses.tokens == running.tokens
    assert moses.garble == pytest.approx(running.garble, abs=1e-9)


def test_reasons_name_features_that_raised_the_score() -> None:
    for result in score([GARBLED, "the the the of of budget"]):
        for name, value, contribution in result.reasons:
            assert name in FEATURES
            assert math.isfinite(value)
            assert contribution > 0


def test_blank_and_empty_inputs() -> None:
    assert score([]) == []
    blank, punct = score(["", " . "])
    assert blank.tokens == () and blank.token_bad == ()
    assert 0.0 <= blank.garble <= 1.0
    assert punct.tokens == (".",)


@pytest.mark.skipif(not HAVE_SKLEARN, reason="training needs scikit-learn")
@pytest.mark.skipif(not (MLQE / "ro-en-train").is_dir(), reason="MLQE-PE sample not in ../shared")
def test_training_is_deterministic_on_a_small_slice(tmp_path: Path) -> None:
    from mtrepair.qe.learned import model_from_dict
    from mtrepair.qe.train import read_split, train

    rows = read_split(MLQE, "ro-en", "train", limit=5)
    assert all(len(r.tags) == len(tokens(r.mt)) for r in rows)
    runs, src_runs = [], []
    for name in ("a", "b"):
        figures = train(
            MLQE,
            tmp_path / name,
            pairs=["ro-en"],
            limit=200,
            n_estimators=20,
            src_trees=20,
            log=lambda *_: None,
        )
        assert figures["export_max_abs_diff"] < 1e-6  # exported trees route rows as sklearn does
        assert figures["with_source"]["export_max_abs_diff"] < 1e-6
        runs.append((tmp_path / name / MODEL_FILE).read_bytes())
        src_runs.append((tmp_path / name / SRC_MODEL_FILE).read_bytes())
    assert runs[0] == runs[1]
    assert src_runs[0] == src_runs[1]
    import gzip
    import json

    small = model_from_dict(json.loads(gzip.decompress(runs[0])))
    (result,) = score([GARBLED], model=small)
    assert result.garble == pytest.approx(small.meta["check"]["hter"], abs=1e-6)


def test_cli_learned_flag(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from mtrepair.cli import app

    mt = tmp_path / "mt.txt"
    mt.write_text(f"{GARBLED}\n\n{CLEAN}\n", encoding="utf-8")
    runner = CliRunner()
    text = runner.invoke(app, ["qe", "--mt", str(mt), "--learned"])
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["1", "2", "3"]
    assert float(lines[1].split("\t")[2]) == 0.0
    out = runner.invoke(app, ["qe", "--mt", str(mt), "--learned", "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    first = doc["sentences"][0]
    assert first["score"] == pytest.approx(EXPECTED_GARBLED_HTER, abs=1e-4)
    assert [t for t, _p in first["tokens"]] == tokens(GARBLED)
    bad = runner.invoke(app, ["qe", "--mt", str(mt), "--src", str(mt), "--learned"])
    assert bad.exit_code != 0  # --src needs --src-lang
    lm = runner.invoke(app, ["qe", "--mt", str(mt), "--learned", "--lm", str(tmp_path)])
    assert lm.exit_code != 0


# --- With the source ---------------------------------------------------------------------------

RO_SRC, RO_MT = (
    "Surse au declarat că sirenele au sunat din ambasada din interiorul zonei.",
    "Sources said the sirens shouted from the embassy inside the area.",
)
# Predicted HTER of (RO_SRC, RO_MT) by the scikit-learn ro-en model at training time.
EXPECTED_RO_HTER = 0.3068957268
RO_OWN = (
    "Guvernul numește un prefect în fiecare județ pentru a fi reprezentantul său local.",
    "The government appoints a prefect in each county to be its local representative.",
)
UNRELATED_MT = "The football match ended with a late goal from the visiting team in the rain."


def test_shipped_source_model_scores_like_at_training_time() -> None:
    sm = load_source_model()
    assert set(source_langs(sm)) == {"ro", "ru", "et", "ne", "si"}
    check = sm.meta["check"]["ro"]
    assert (check["src"], check["mt"]) == (RO_SRC, RO_MT)
    assert check["hter"] == pytest.approx(EXPECTED_RO_HTER, abs=1e-6)
    (result,) = score_with_source([RO_SRC], [RO_MT], "ro")
    assert result.with_source
    assert result.garble == pytest.approx(EXPECTED_RO_HTER, abs=1e-6)


def test_unrelated_translation_scores_worse_than_its_own() -> None:
    own, unrelated = score_with_source([RO_OWN[0], RO_OWN[0]], [RO_OWN[1], UNRELATED_MT], "ro")
    assert own.garble + 0.2 < unrelated.garble
    feats = source_features(RO_OWN[0], RO_OWN[1], load_source_model().langs["ro"].lexicon)
    bad = source_features(RO_OWN[0], UNRELATED_MT, load_source_model().langs["ro"].lexicon)
    assert feats["rev_low_share"] < bad["rev_low_share"]  # the source's words go missing


def test_uncovered_source_language_falls_back_to_no_source() -> None:
    (fallback,) = score_with_source(["Die Sirenen heulten."], [GARBLED], "de")
    (plain,) = score([GARBLED])
    assert not fallback.with_source
    assert fallback.garble == plain.garble
    with pytest.raises(ValueError):
        score_with_source(["a", "b"], [GARBLED], "ro")


def test_cli_learned_with_source(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from mtrepair.cli import app

    src = tmp_path / "src.txt"
    mt = tmp_path / "mt.txt"
    src.write_text(f"{RO_SRC}\n\n", encoding="utf-8")
    mt.write_text(f"{RO_MT}\n\n", encoding="utf-8")
    runner = CliRunner()
    args = ["qe", "--mt", str(mt), "--src", str(src), "--learned", "--format", "json"]
    out = runner.invoke(app, [*args, "--src-lang", "ro"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["model"] == "learned-with-source" and doc["source"]["used"]
    assert doc["sentences"][0]["score"] == pytest.approx(EXPECTED_RO_HTER, abs=1e-4)
    assert doc["sentences"][1]["score"] == 0.0  # blank on both sides: nothing to garble
    untranslated = tmp_path / "untranslated.txt"
    untranslated.write_text("\nThe sirens blared.\n", encoding="utf-8")
    missing = runner.invoke(app, ["qe", "--mt", str(untranslated), "--src", str(src), "--src-lang", "ro"])
    assert missing.exit_code == 0, missing.output
    assert missing.output.splitlines()[0] == "1\t-\t1.000"  # a source line left untranslated
    other = runner.invoke(app, [*args, "--src-lang", "fr"])
    assert other.exit_code == 0, other.output
    doc = json.loads(other.output)
    assert doc["model"] == "learned" and not doc["source"]["used"]
    assert "no learned with-source model" in doc["source"]["note"]
    assert doc["sentences"][0]["score"] == pytest.approx(EXPECTED_GARBLED_HTER, abs=1e-4)


# --- The learned model by default, explanations, floors (issue 18, third slice) ----------------


def test_qe_uses_the_learned_model_by_default_and_the_old_scores_on_request(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from mtrepair.cli import app

    mt = tmp_path / "mt.txt"
    mt.write_text(f"{GARBLED}\n{CLEAN}\n", encoding="utf-8")
    runner = CliRunner()
    default = json.loads(runner.invoke(app, ["qe", "--mt", str(mt), "--format", "json"]).output)
    assert default["model"] == "learned"
    assert default["sentences"][0]["score"] == pytest.approx(EXPECTED_GARBLED_HTER, abs=1e-4)
    old = json.loads(
        runner.invoke(app, ["qe", "--mt", str(mt), "--model", "none", "--format", "json"]).output
    )
    assert old["model"] == "fluency" and "signals" in old["sentences"][0]
    german = runner.invoke(app, ["qe", "--mt", str(mt), "--lang", "de", "--format", "json"])
    assert german.exit_code == 0 and json.loads(german.output)["model"] == "fluency"
    for args, message in (
        (["--lang", "de", "--model", "learned"], "English MT only"),
        (["--learned", "--model", "e5"], "--learned is --model learned"),
        (["--model", "learned", "--lm-weight", "0.1"], "hand-weighted"),
        (["--lm-weight", "0.1"], "pass --lm DIR"),
        (["--model", "bert"], "unknown QE model"),
    ):
        run = runner.invoke(app, ["qe", "--mt", str(mt), *args])
        assert run.exit_code == 5 and message in run.stderr, (args, run.stderr)


def test_reasons_carry_values_and_the_words_they_peak_at() -> None:
    (colonel, capitals) = score(["Army Colonel Colonel spokesman Wayne Marotto said.", "CLIMBING"])
    for result in (colonel, capitals):
        assert result.reasons and all(contribution > 0.005 for _n, _v, contribution in result.reasons)
        # a length or an "everything is in the vocabulary" is never offered as why
        assert not {"tokens", "llr_min"} & {name for name, _v, _c in result.reasons}
        assert all(not (name == "oov_rate" and value == 0) for name, value, _c in result.reasons)
    assert capitals.at[capitals.reasons[0][0]] == "CLIMBING"
    assert all(t in colonel.tokens for name in colonel.at for t in colonel.at[name].split())
    text = capitals.explain()[0]
    assert text.startswith(f"{capitals.reasons[0][0]}=") and 'at "CLIMBING"' in text and "(+" in text


def test_with_source_reasons_name_the_uncovered_source_word() -> None:
    from mtrepair.qe.learned import _located_with_source, token_stats

    src = "Guvernul a anunțat ieri noi măsuri economice pentru agricultori."
    mt = "The government announced yesterday new measures."
    pm = load_source_model().langs["ro"]
    why = [("rev_min", 0.0, 0.1), ("fwd_min", 0.0, 0.1), ("src_name_missing", 1.0, 0.1)]
    tables = load_model().tables
    at = _located_with_source(why, src, mt, pm.lexicon, token_stats(mt, tables), tables)
    assert at["rev_min"] in {"economice", "agricultori", "pentru"}  # a source word the MT dropped
    assert at["fwd_min"] in tokens(mt)
    assert "src_name_missing" not in at  # the source has no name to lose
    (result,) = score_with_source([src], [mt], "ro")
    assert all(word in src or word in mt for word in result.at.values())


@pytest.mark.parametrize(
    "foreign",
    [
        "Les syndicats ont salué une mesure attendue mais jugent le montant insuffisant.",
        "Die Gewerkschaften begrüßten die Maßnahme, halten den Betrag aber für zu gering.",
        "Los sindicatos celebraron la medida pero consideran que la cantidad es insuficiente.",
        "Профсоюзы приветствовали эту меру, но считают сумму недостаточной.",
    ],
)
def test_a_sentence_in_another_language_scores_at_least_its_floor(foreign: str) -> None:
    (result,) = score([foreign])
    floor = max(result.floors.values())
    assert floor > 0.5
    assert result.garble >= floor
    assert result.reasons[0][0] in ("foreign_language", "foreign_script")
    (with_src,) = score_with_source([foreign], [foreign], "ro")  # an untranslated copy
    assert with_src.garble >= floor


def test_english_sentences_get_no_floor() -> None:
    for result in score([CLEAN, GARBLED, SEED_001]):
        assert max(result.floors.values()) < 0.5


@pytest.mark.parametrize(
    ("src", "mt", "unmatched", "missing"),
    [
        # Names carried across scripts match once both sides are in Latin letters.
        (
            "Președintele Iohannis a vizitat Parisul în 2019.",
            "President Iohannis visited Paris in 2019.",
            0,
            0,
        ),
        ("Президент Путин посетил Берлин.", "President Putin visited Berlin.", 0, 0),
        (
            "Peaminister Kallas kohtus Tallinnas Macroniga.",
            "Prime Minister Kallas met Macron in Tallinn.",
            0,
            0,
        ),
        # A name on one side only: invented in the MT, lost from the source.
        ("Ministrul Popescu a plecat la Viena.", "The minister Ionescu left for Vienna.", 1, 1),
        ("Министр Лавров прилетел в Анкару.", "The minister flew to Ankara with Smith.", 1, 1),
        # Scripts without case have no names to miss on the source side.
        ("प्रधानमन्त्री ओली काठमाडौं फर्किए।", "The prime minister Oli returned to Kathmandu.", 0, 0),
    ],
)
def test_name_features_match_names_across_scripts(src: str, mt: str, unmatched: int, missing: int) -> None:
    from mtrepair.qe.learned import name_features

    feats = name_features(src, mt)
    assert (feats["name_unmatched"], feats["src_name_missing"]) == (unmatched, missing)
    assert 0.0 <= feats["translit_share"] <= 1.0


def test_a_lost_name_is_named_in_the_reasons() -> None:
    src = "Ministrul de externe Popescu a discutat cu omologul său german Schmidt la Berlin."
    (result,) = score_with_source([src], ["The foreign minister talked with his German counterpart."], "ro")
    named = {
        result.at.get(k) for k in ("src_name_missing", "src_name_missing_share", "rev_min", "rev_low_share")
    }
    assert named & {"Popescu", "Schmidt", "Berlin", "Popescu Schmidt", "Popescu Schmidt Berlin"}, (
        result.reasons
    )


def test_with_source_word_model_marks_the_word_the_source_does_not_have() -> None:
    sm = load_source_model()
    assert all(pm.word is not None for pm in sm.langs.values())
    src = RO_OWN[0]
    inserted = "The government appoints a prefect in each county to be its local football representative."
    (with_src,) = score_with_source([src], [inserted], "ro")
    (no_src,) = score([inserted])
    assert with_src.tokens == no_src.tokens and len(with_src.token_bad) == len(with_src.tokens)
    assert all(0.0 <= p <= 1.0 for p in with_src.token_bad)
    p = dict(zip(with_src.tokens, with_src.token_bad, strict=True))
    # "football" has no source word; "government" and "prefect" translate Guvernul, prefect
    assert p["football"] > max(p["government"], p["prefect"])
    # with the source it is the sentence's most suspect word; without, the model points
    # elsewhere (it cannot know the word was added)
    assert max(p, key=lambda t: p[t]) == "football"
    q = dict(zip(no_src.tokens, no_src.token_bad, strict=True))
    assert max(q, key=lambda t: q[t]) != "football"


def test_with_source_p_high_reads_the_source() -> None:
    sm = load_source_model()
    assert all(pm.high is not None for pm in sm.langs.values())
    own, unrelated = score_with_source([RO_OWN[0], RO_OWN[0]], [RO_OWN[1], UNRELATED_MT], "ro")
    assert 0.0 <= own.p_high < unrelated.p_high <= 1.0
    # without the source both read as fluent English: the no-source P(HTER >= 0.3) cannot tell
    plain_own, plain_unrelated = score([RO_OWN[1], UNRELATED_MT])
    assert unrelated.p_high - own.p_high > abs(plain_unrelated.p_high - plain_own.p_high)
