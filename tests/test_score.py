"""`score` gives sacrebleu's numbers, with signatures and working significance tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtrepair.cli import app

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mlqe-pe" / "ro-en-dev"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="MLQE-PE data (../shared) not present")


def test_corpus_scores_equal_the_sacrebleu_cli(runner: CliRunner) -> None:
    res = runner.invoke(
        app,
        [
            "score",
            "--hyp",
            str(DATA / "dev.mt"),
            "--ref",
            str(DATA / "dev.pe"),
            "--metric",
            "bleu",
            "--metric",
            "chrf",
            "--metric",
            "ter",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    ours = {r["metric"]: r for r in json.loads(res.stdout)}
    exe = Path(sys.executable).parent / "sacrebleu"
    proc = subprocess.run(
        [
            str(exe),
            str(DATA / "dev.pe"),
            "-i",
            str(DATA / "dev.mt"),
            "-m",
            "bleu",
            "chrf",
            "ter",
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = json.loads(proc.stdout)
    for m, t in zip(("bleu", "chrf", "ter"), theirs, strict=True):
        assert round(ours[m]["score"], 1) == t["score"]
        assert ours[m]["signature"].split("|")[0] == "nrefs:1"
        if m == "bleu":
            assert t["verbose_score"] in ours[m]["formatted"]


def test_sentence_scores_and_signatures(runner: CliRunner, tmp_path: Path) -> None:
    hyp = tmp_path / "h.txt"
    ref = tmp_path / "r.txt"
    hyp.write_text("the cat sat on the mat\nno match here\n")
    ref.write_text("the cat sat on the mat\nsomething else entirely\n")
    res = runner.invoke(
        app, ["score", "--hyp", str(hyp), "--ref", str(ref), "--sentence", "--format", "json"]
    )
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert out["segments"][0]["bleu"] == 100.0 and out["segments"][1]["bleu"] < 20
    assert "eff:yes" in out["signatures"]["bleu"]


@pytest.mark.parametrize("test", ["paired-bs", "paired-ar"])
def test_significance_between_systems(runner: CliRunner, test: str) -> None:
    res = runner.invoke(
        app,
        [
            "score",
            "--hyp",
            str(DATA / "dev.mt"),
            "--hyp",
            str(DATA / "dev.pe"),
            "--ref",
            str(DATA / "dev.pe"),
            "--significance",
            test,
            "--n-samples",
            "100",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = [r for r in json.loads(res.stdout) if r["metric"] == "bleu"]
    assert rows[1]["p_value"] is not None and rows[1]["p_value"] < 0.05
    assert ("bs:" if test == "paired-bs" else "ar:") in rows[0]["signature"]


def test_misaligned_files_are_one_line_errors(runner: CliRunner, tmp_path: Path) -> None:
    short = tmp_path / "s.txt"
    short.write_text("one line\n")
    res = runner.invoke(app, ["score", "--hyp", str(short), "--ref", str(DATA / "dev.pe")])
    assert res.exit_code == 2 and "line-aligned" in res.stderr
    res = runner.invoke(app, ["score", "--hyp", str(tmp_path / "missing"), "--ref", str(DATA / "dev.pe")])
    assert res.exit_code == 2 and "no such file" in res.stderr
    res = runner.invoke(app, ["score", "--hyp", str(short), "--ref", str(short), "--metric", "meteor"])
    assert res.exit_code == 5 and "unknown metric" in res.stderr


def test_repair_effect_with_rule_attribution(runner: CliRunner, tmp_path: Path) -> None:
    refs = (DATA / "dev.pe").read_text(encoding="utf-8").splitlines()[:60]
    hyps = (DATA / "dev.mt").read_text(encoding="utf-8").splitlines()[:60]
    damaged = [f"{h.split()[0]} {h}" if i % 3 == 0 else h for i, h in enumerate(hyps)]  # doubled first word
    (tmp_path / "g.txt").write_text("\n".join(damaged) + "\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("\n".join(refs) + "\n", encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "score",
            "--hyp",
            str(tmp_path / "g.txt"),
            "--ref",
            str(tmp_path / "r.txt"),
            "--repair",
            "--metric",
            "bleu",
            "--n-samples",
            "100",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    (effect,) = json.loads(res.stdout)
    assert effect["after"]["score"] > effect["before"]["score"]
    assert effect["edits"]["doubled_word"] >= 15
    assert effect["attribution"]["doubled_word"] > 0
    assert effect["p_value"] is not None
