"""Per-sentence garble scores in ``detect`` and ``clean --report`` (issue 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtrepair.cli import app
from mtrepair.qe.sentences import MAX_CHARS, garble_sentences
from mtrepair.segment import Document
from tests.conftest import seed_path, seed_text


def test_every_sentence_is_scored_and_located() -> None:
    text = seed_text("002")
    scored = garble_sentences(text)
    spans = [s for s in Document(text, "auto").sentences if text[s.start : s.end].strip()]
    assert [(g.start, g.end) for g in scored] == [(s.start, s.end) for s in spans]
    assert all(0.0 <= g.score <= 1.0 for g in scored)
    lines = text.splitlines()
    for g in scored:
        first_word = text[g.start : g.end].split()[0]
        assert first_word in lines[g.line - 1]


def test_doubled_title_scores_worse_than_its_clean_version() -> None:
    garbled = "Army Colonel Colonel spokesman Wayne Marotto said the attacks caused no injuries."
    clean = "Army Colonel and spokesman Wayne Marotto said the attacks caused no injuries."
    (g,), (c,) = garble_sentences(garbled, "en"), garble_sentences(clean, "en")
    assert g.score > c.score
    assert any(r.startswith("repetition=") for r in g.reasons), g.reasons


def test_blank_text_has_no_sentences_and_a_huge_sentence_is_capped() -> None:
    assert garble_sentences("\n \n\t\n") == []
    (g,) = garble_sentences("word " * (MAX_CHARS * 2), "en")
    assert (g.start, g.end) == (0, len("word " * (MAX_CHARS * 2)) - 1)


def test_detect_json_has_a_sentence_row_per_sentence(runner: CliRunner) -> None:
    result = runner.invoke(app, ["detect", "--format", "json", str(seed_path("002"))])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    sentences = [r for r in rows if r["kind"] == "sentence"]
    assert {r["kind"] for r in rows} == {"finding", "sentence"}
    assert len(sentences) == len(garble_sentences(seed_text("002")))
    text = seed_text("002")
    assert all(text[r["start"] : r["end"]] == r["text"] for r in sentences)


def test_detect_text_prints_scores_above_the_threshold_only(runner: CliRunner) -> None:
    path = str(seed_path("002"))
    everything = runner.invoke(app, ["detect", path, "--garble-min", "0"]).stdout
    shown = [line for line in everything.splitlines() if ": garble " in line]
    assert len(shown) == len(garble_sentences(seed_text("002")))
    none = runner.invoke(app, ["detect", path, "--garble-min", "1.01"]).stdout
    off = runner.invoke(app, ["detect", path, "--no-garble"]).stdout
    assert ": garble " not in none and none == off


def test_clean_report_scores_the_repaired_sentences(runner: CliRunner, tmp_path: Path) -> None:
    out, report = tmp_path / "out.txt", tmp_path / "r.json"
    result = runner.invoke(app, ["clean", str(seed_path("002")), "-o", str(out), "--report", str(report)])
    assert result.exit_code == 0, result.stderr
    (entry,) = json.loads(report.read_text(encoding="utf-8"))["documents"]
    garble = entry["garble"]
    repaired = out.read_text(encoding="utf-8")
    assert garble["located_in"] == "output"
    assert [(s["start"], s["end"]) for s in garble["sentences"]] == [
        (g.start, g.end) for g in garble_sentences(repaired)
    ]
    # The report stays a valid undo log with the extra block.
    undo = runner.invoke(app, ["undo", str(out), "--report", str(report)])
    assert undo.exit_code == 0 and undo.stdout_bytes == seed_path("002").read_bytes()


def _entries(folder: Path) -> list[dict[str, object]]:
    (path,) = folder.glob("*.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_garble_is_opt_in_for_report_dir_and_can_be_turned_off(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(seed_text("003"), encoding="utf-8")
    for n, extra in (("1", []), ("2", ["--garble"])):
        args = [
            "clean",
            str(src),
            "-o",
            f"{tmp_path / ('o' + n)}/",
            "--report-dir",
            str(tmp_path / ("e" + n)),
        ]
        assert runner.invoke(app, args + extra).exit_code == 0
    (first,) = _entries(tmp_path / "e1")
    (second,) = _entries(tmp_path / "e2")
    assert "garble" not in first
    assert second["garble"]
    report = tmp_path / "r.json"
    args = [
        "clean",
        str(src / "a.txt"),
        "-o",
        str(tmp_path / "x.txt"),
        "--report",
        str(report),
        "--no-garble",
    ]
    assert runner.invoke(app, args).exit_code == 0
    assert "garble" not in json.loads(report.read_text(encoding="utf-8"))["documents"][0]


def test_english_blocks_use_the_learned_model_with_words_inside_their_sentence() -> None:
    from mtrepair.qe.sentences import garble_entry

    text = seed_text("002")
    block = garble_entry(text, "en")
    assert block["weights"] == "learned" and block["model"] == "learned_qe.json.gz"
    words = [(s, w) for s in block["sentences"] for w in s.get("words", [])]
    assert words  # seed 002 is MT: some words are flagged
    for sentence, w in words:
        assert sentence["start"] <= w["start"] < w["end"] <= sentence["end"]
        assert text[w["start"] : w["end"]].strip() == text[w["start"] : w["end"]]
        assert text[w["start"]].isalnum() and 0.0 <= w["p_bad"] <= 1.0


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Le gouvernement a présenté mardi son budget. Les syndicats le jugent insuffisant."),
        ("de", "Die Regierung stellte am Dienstag den Haushalt vor. Die Gewerkschaften sind unzufrieden."),
        ("ar", "قدمت الحكومة الميزانية يوم الثلاثاء. وقالت النقابات إنها غير كافية."),
    ],
)
def test_other_languages_fall_back_to_the_fluency_signals_and_say_so(lang: str, text: str) -> None:
    from mtrepair.qe.sentences import garble_entry

    block = garble_entry(text, lang)
    assert block["weights"] == "fluency" and lang in block["note"]
    assert block["sentences"] and all("words" not in s for s in block["sentences"])
    assert all(0.0 <= s["score"] <= 1.0 for s in block["sentences"])


def test_detect_text_names_the_words_to_look_at(runner: CliRunner) -> None:
    out = runner.invoke(app, ["detect", str(seed_path("002")), "--garble-min", "0"]).stdout
    shown = [line for line in out.splitlines() if ": garble " in line]
    assert any(" look at: " in line for line in shown)
    assert any(' at "' in line for line in shown)  # a reason names where it peaks
