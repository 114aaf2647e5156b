"""End-to-end behaviour of the command line on real articles and on bad input."""

from __future__ import annotations

import gzip
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtrepair.cli import app
from tests.conftest import SEEDS, seed_path, seed_text


def run(runner: CliRunner, *args: str, input: bytes | None = None) -> tuple[int, bytes, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout_bytes, result.stderr


def test_clean_report_undo_is_byte_exact(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "edits.json"
    code, fixed, _ = run(runner, "clean", str(seed_path("002")), "--report", str(report))
    assert code == 0
    assert b"\n\n\n\n" not in fixed
    fixed_path = tmp_path / "fixed.txt"
    fixed_path.write_bytes(fixed)
    code, original, _ = run(runner, "undo", "--report", str(report), str(fixed_path))
    assert code == 0
    assert original == seed_path("002").read_bytes()


def test_replay_reproduces_clean_output(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "edits.json"
    out = tmp_path / "fixed.txt"
    assert run(runner, "clean", str(seed_path("003")), "-o", str(out), "--report", str(report))[0] == 0
    code, replayed, _ = run(runner, "replay", "--report", str(report), str(seed_path("003")))
    assert code == 0
    assert replayed == out.read_bytes()


def test_report_logs_removed_boilerplate_and_metadata(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "edits.json"
    run(
        runner,
        "clean",
        str(SEEDS),
        "--format",
        "jsonl",
        "-o",
        str(tmp_path / "o.jsonl"),
        "--report",
        str(report),
    )
    docs = {d["id"]: d for d in json.loads(report.read_text())["documents"]}
    d003 = docs[seed_path("003").name]
    removed = [e["original"] for e in d003["edits"] if e["rule"] == "boilerplate"]
    assert any("Please enter your comment!" in r and "Please enter your name here" in r for r in removed)
    assert docs[seed_path("000").name]["metadata"] == {"date": "2021-07-07"}
    for d in docs.values():
        for e in d["edits"]:
            assert {"rule", "start", "end", "original", "replacement", "message", "confidence"} <= e.keys()


def test_detect_json_lists_findings_with_lines(runner: CliRunner) -> None:
    code, out, _ = run(runner, "detect", str(seed_path("002")), "--format", "json")
    assert code == 0
    findings = [row for row in json.loads(out) if row["kind"] == "finding"]
    rules = {f["rule"] for f in findings}
    assert {"abbreviation_break", "orphan_fragment", "doubled_word", "paragraph_joint"} <= rules
    text = seed_text("002")
    for f in findings:
        assert text[f["start"] : f["end"]] == f["text"]
        assert f["line"] == text.count("\n", 0, f["start"]) + 1
        assert 0 < f["confidence"] <= 1
    doubled = next(f for f in findings if f["rule"] == "doubled_word")
    assert doubled["text"] == " Colonel"


def test_detect_text_format_is_one_line_per_finding(runner: CliRunner) -> None:
    code, out, _ = run(runner, "detect", str(seed_path("003")))
    assert code == 0
    lines = out.decode().splitlines()
    assert any("boilerplate" in ln for ln in lines)
    assert all(ln.startswith(seed_path("003").name + ":") for ln in lines)


def test_jsonl_roundtrip_keeps_fields_order_and_undo(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "corpus.jsonl.gz"
    records = [
        {"id": "a", "text": seed_text("002"), "url": "https://example.org/a"},
        {"id": "b", "text": "Clean text stays.\n", "lang": "en"},
        {"id": "c", "text": seed_text("003")},
    ]
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    out = tmp_path / "cleaned.jsonl"
    report = tmp_path / "edits.json"
    code, _, _ = run(runner, "clean", str(src), "-o", str(out), "--report", str(report))
    assert code == 0
    cleaned = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in cleaned] == ["a", "b", "c"]
    assert cleaned[0]["url"] == "https://example.org/a"
    assert cleaned[1]["text"] == "Clean text stays.\n" and cleaned[1]["lang"] == "en"
    code, undone, _ = run(runner, "undo", "--report", str(report), str(out))
    assert code == 0
    restored = [json.loads(line) for line in undone.decode().splitlines()]
    assert restored == records


def test_broken_jsonl_record_is_reported_and_rest_processed(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "c.jsonl"
    src.write_text(
        '{"id": 1, "text": "Army Colonel Colonel spokesman."}\n{broken\n[1, 2]\n{"id": 2, "text": "Fine."}\n'
    )
    code, out, err = run(runner, "clean", str(src))
    assert code == 6
    assert f"{src}:2: broken JSON" in err and f"{src}:3:" in err
    ids = [json.loads(line)["id"] for line in out.decode().splitlines()]
    assert ids == [1, 2]
    assert "Traceback" not in err


def test_folder_mirrors_inputs(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, _ = run(runner, "clean", str(SEEDS), "-o", f"{out}/")
    assert code == 0
    # Hidden .NAME.done files are the shards' completion markers (for --resume).
    listed = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert listed == sorted(p.name for p in SEEDS.glob("*.txt"))
    markers = sorted(p.name for p in out.glob(".*.done"))
    assert markers == sorted(f".{p.name}.done" for p in SEEDS.glob("*.txt"))


def test_stdin_to_stdout(runner: CliRunner) -> None:
    code, out, _ = run(runner, "clean", "-", input=b"Army Colonel Colonel spokesman said.\n")
    assert code == 0
    assert out == b"Army Colonel spokesman said.\n"


@pytest.mark.parametrize(
    ("setup", "needle", "code"),
    [
        (lambda d: d / "missing.txt", "no such file", 2),
        (lambda d: d, "holds no .txt", 2),
        (lambda d: _write(d / "empty.txt", b""), "empty file", 2),
        (lambda d: _write(d / "bin.txt", b"\x7fELF\x00\x00\x01"), "looks binary", 2),
        (lambda d: _write(d / "latin.txt", "café\n".encode("latin-1")), "--encoding", 2),
        (lambda d: _write(d / "bad.jsonl.gz", b"not gzip at all"), "corrupt gzip", 2),
    ],
)
def test_bad_input_is_one_line_error(
    runner: CliRunner, tmp_path: Path, setup: object, needle: str, code: int
) -> None:
    path = setup(tmp_path)  # type: ignore[operator]
    exit_code, _, err = run(runner, "clean", str(path))
    assert exit_code == code
    assert needle in err and str(path) in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_output_never_overwrites_input(runner: CliRunner, tmp_path: Path) -> None:
    src = _write(tmp_path / "a.txt", b"Army Colonel Colonel spokesman.\n")
    code, _, err = run(runner, "clean", str(src), "-o", str(src))
    assert code == 4 and "is also an input" in err
    assert src.read_bytes() == b"Army Colonel Colonel spokesman.\n"


def test_latin1_with_encoding_option(runner: CliRunner, tmp_path: Path) -> None:
    src = _write(tmp_path / "latin.txt", "Le café café.\n".encode("latin-1"))
    code, out, _ = run(runner, "clean", "--encoding", "latin-1", str(src))
    assert code == 0 and out.decode() == "Le café.\n"


def test_undo_refuses_a_modified_file(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "e.json"
    out = tmp_path / "o.txt"
    run(runner, "clean", str(seed_path("002")), "-o", str(out), "--report", str(report))
    out.write_text(out.read_text() + "tampered")
    code, _, err = run(runner, "undo", "--report", str(report), str(out))
    assert code == 3 and "does not match" in err


def test_corrupt_report_is_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    report = _write(tmp_path / "e.json", b'{"format": 1, "documents": [')
    out = _write(tmp_path / "o.txt", b"x")
    code, _, err = run(runner, "undo", "--report", str(report), str(out))
    assert code == 3 and "not valid JSON" in err and str(report) in err


def test_unknown_rule_is_config_error(runner: CliRunner) -> None:
    code, _, err = run(runner, "clean", str(seed_path("000")), "--disable", "nonsense")
    assert code == 5 and "nonsense" in err


def test_disable_turns_a_rule_off(runner: CliRunner) -> None:
    code, out, _ = run(runner, "clean", str(seed_path("002")), "--disable", "doubled_word")
    assert code == 0 and b"Colonel Colonel" in out


def test_rules_command_lists_every_rule(runner: CliRunner) -> None:
    from mtrepair.rules import PIPELINE

    result = runner.invoke(app, ["rules"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name in PIPELINE:
        assert name in result.stdout


def test_installed_console_script_runs(tmp_path: Path) -> None:
    """The real entry point, as a user runs it: stdout bytes and exit code."""
    exe = Path(sys.executable).parent / "mtrepair"
    proc = subprocess.run([str(exe), "clean", str(seed_path("004"))], capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert b"Tyler Durden's Photo" not in proc.stdout
    assert b"by Tyler Durden\n" in proc.stdout
    proc = subprocess.run([str(exe), "clean", str(tmp_path / "nope.txt")], capture_output=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.decode().count("\n") == 1 and b"Traceback" not in proc.stderr


def test_outputs_get_ordinary_file_permissions(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o.txt"
    report = tmp_path / "r.json"
    assert run(runner, "clean", str(seed_path("000")), "-o", str(out), "--report", str(report))[0] == 0
    mask = os.umask(0o022)
    os.umask(mask)
    for path in (out, report):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
