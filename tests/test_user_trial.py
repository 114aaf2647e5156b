"""Defects a trial run as three new users found (issue 15), each through the console script.

Every test here failed before its fix: a byte-order mark that switched the
metadata rule off, HTML entities left encoded, a folder run stopped by one empty
file, cleaned folders and ``--report-dir`` reports that ``undo`` refused, a
``.txt.gz`` that ``clean`` wrote but could not read back, missing output folders
created silently, ``bench`` writing into the source tree, and wording.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import seed_path

EXE = Path(sys.executable).parent / "mtrepair"
RECORDS_SKIPPED = 6


def mtrepair(
    *args: str | Path, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """One command through the installed console script (what a user runs)."""
    return subprocess.run(
        [str(EXE), *map(str, args)], input=stdin, capture_output=True, timeout=300, cwd=cwd, check=False
    )


def report_docs(path: Path) -> list[dict[str, object]]:
    docs: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["documents"]
    return docs


# --- 3. a byte-order mark must not change what any rule sees ----------------------------


@pytest.mark.parametrize("bom", ["utf-8", "utf-16-le", "utf-16-be"])
def test_a_byte_order_mark_changes_no_repair(tmp_path: Path, bom: str) -> None:
    text = seed_path("000").read_text(encoding="utf-8")
    plain, marked = tmp_path / "plain.txt", tmp_path / "marked.txt"
    plain.write_text(text, encoding="utf-8")
    marked.write_bytes(("\ufeff" + text).encode(bom))
    runs = []
    for path in (plain, marked):
        report = tmp_path / f"{path.stem}.json"
        out = tmp_path / f"{path.stem}.out"
        done = mtrepair("clean", path, "-o", out, "--report", report)
        assert done.returncode == 0, done.stderr
        (doc,) = report_docs(report)
        runs.append((doc, out.read_text(encoding="utf-8")))
        undone = mtrepair("undo", "--report", report, out)
        assert undone.stdout == path.read_bytes()
    (plain_doc, plain_out), (marked_doc, marked_out) = runs
    assert marked_doc["metadata"] == plain_doc["metadata"] == {"date": "2021-07-07"}
    assert marked_out == "\ufeff" + plain_out
    assert len(marked_doc["edits"]) == len(plain_doc["edits"])  # type: ignore[arg-type]
    assert [e["rule"] for e in marked_doc["edits"]] == [e["rule"] for e in plain_doc["edits"]]  # type: ignore[union-attr]


def test_a_byte_order_mark_in_the_library_shifts_every_offset_by_one() -> None:
    from mtrepair import clean_text
    from mtrepair.pipeline import replay, undo

    text = seed_path("002").read_text(encoding="utf-8")
    plain, marked = clean_text(text), clean_text("\ufeff" + text)
    assert marked.text == "\ufeff" + plain.text
    assert [(e.start + 1, e.end + 1) for e in plain.edits] == [(e.start, e.end) for e in marked.edits]
    assert undo(marked.text, marked.steps) == "\ufeff" + text
    assert replay("\ufeff" + text, marked.steps) == marked.text


# --- 4. HTML entities are decoded, logged, undoable -------------------------------------


def test_html_entities_are_decoded_as_logged_edits(tmp_path: Path) -> None:
    src = tmp_path / "page.txt"
    src.write_text(
        "Officials told Reuters &quot;the base was hit&quot; on Wednesday&#8217;s night.\n\n"
        "Les forces de l&#39;ordre ont &eacute;t&eacute; d&eacute;ploy&eacute;es &amp; renforc&eacute;es.\n\n"
        "A tutorial paragraph: in HTML, write &amp;amp; for an ampersand.\n",
        encoding="utf-8",
    )
    out, report = tmp_path / "out.txt", tmp_path / "r.json"
    assert mtrepair("clean", src, "-o", out, "--report", report).returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "“" not in text and '"the base was hit"' in text and "Wednesday’s" in text
    assert "l'ordre ont été déployées & renforcées" in text
    assert "write &amp;amp; for" in text  # text about markup keeps its entities
    (doc,) = report_docs(report)
    rules = {e["rule"] for e in doc["edits"]}  # type: ignore[attr-defined]
    assert "html_entities" in rules
    assert mtrepair("undo", "--report", report, out).stdout == src.read_bytes()


# --- 5. one unreadable file in a folder or a list of paths does not stop the run ----------


def crawl(tmp_path: Path) -> Path:
    """A crawl folder: two damaged articles, an empty file, a binary file, a Latin-1 file."""
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.txt").write_text("Rockets hit the the base on Tuesday.\n", encoding="utf-8")
    (d / "b.txt").write_bytes(b"")
    (d / "c.txt").write_text("Drones flew over the U.S.\n\n\n\nembassy in Baghdad.\n", encoding="utf-8")
    (d / "e.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (d / "f.txt").write_bytes("Les forces ont été déployées.".encode("latin-1"))
    return d


def test_a_bad_file_in_a_folder_is_skipped_with_its_reason(tmp_path: Path) -> None:
    d = crawl(tmp_path)
    out = tmp_path / "out"
    done = mtrepair("clean", d, "-o", f"{out}/")
    assert done.returncode == RECORDS_SKIPPED
    err = done.stderr.decode()
    assert "b.txt: empty file" in err and "e.txt: looks binary" in err and "f.txt: not valid utf-8" in err
    assert "Traceback" not in err
    assert (out / "a.txt").read_text(encoding="utf-8") == "Rockets hit the base on Tuesday.\n"
    assert (out / "c.txt").read_text(encoding="utf-8") == "Drones flew over the U.S. embassy in Baghdad.\n"
    for bad, reason in (("b", "empty file"), ("e", "looks binary"), ("f", "not valid utf-8")):
        assert not (out / f"{bad}.txt").exists()  # no empty output that passes for a cleaned file
        (line,) = (out / f"{bad}.excluded.jsonl").read_text(encoding="utf-8").splitlines()
        record = json.loads(line)
        assert record["source"] == str(d / f"{bad}.txt") and record["reason"].startswith(reason)
    # to stdout and through detect: the same skip, the same exit code
    streamed = mtrepair("clean", d / "a.txt", d / "b.txt", d / "c.txt")
    assert streamed.returncode == RECORDS_SKIPPED
    assert b"==> a.txt <==" in streamed.stdout and b"==> c.txt <==" in streamed.stdout
    assert mtrepair("detect", d, "--no-garble").returncode == RECORDS_SKIPPED
    # --resume tries the unreadable file again (no marker), once it has been fixed
    (d / "b.txt").write_text("The the convoy was hit.\n", encoding="utf-8")
    resumed = mtrepair("clean", d, "-o", f"{out}/", "--resume")
    assert (out / "b.txt").read_text(encoding="utf-8") == "The convoy was hit.\n"
    assert resumed.returncode == RECORDS_SKIPPED  # e.txt and f.txt are still bad


def test_a_bad_path_given_alone_still_fails_with_one_line(tmp_path: Path) -> None:
    d = crawl(tmp_path)
    done = mtrepair("clean", d / "b.txt", "-o", tmp_path / "x.txt")
    assert done.returncode == 2
    assert done.stderr.decode().strip() == f"mtrepair: error: {d / 'b.txt'}: empty file; nothing to repair"
    assert not (tmp_path / "x.txt").exists()


# --- 6. undo and replay take every report and every output form clean writes ------------


def test_undo_and_replay_a_cleaned_folder(tmp_path: Path) -> None:
    d = tmp_path / "d"
    (d / "sub").mkdir(parents=True)
    (d / "a.txt").write_bytes(seed_path("002").read_bytes())
    (d / "sub" / "b.txt").write_bytes(seed_path("003").read_bytes())
    (d / "u16.txt").write_bytes(seed_path("000").read_text(encoding="utf-8").encode("utf-16"))
    out, report, report_dir = tmp_path / "out", tmp_path / "r.json", tmp_path / "edits"
    done = mtrepair("clean", d, "-o", f"{out}/", "--report", report, "--report-dir", report_dir)
    assert done.returncode == 0, done.stderr
    for rep in (report, report_dir, report_dir / "sub" / "b.edits.jsonl"):
        restored = tmp_path / f"restored-{rep.name}"
        undone = mtrepair(
            "undo",
            "--report",
            rep,
            out if rep.is_dir() or rep == report else out / "sub" / "b.txt",
            "-o",
            f"{restored}/",
        )
        assert undone.returncode == 0, undone.stderr
        names = ["sub/b.txt"] if rep.name.endswith(".edits.jsonl") else ["a.txt", "sub/b.txt", "u16.txt"]
        for name in names:
            assert (restored / name).read_bytes() == (d / name).read_bytes(), (rep, name)
    # many documents need a folder to go to: one line, exit 4
    refused = mtrepair("undo", "--report", report, out)
    assert refused.returncode == 4 and b"-o FOLDER/" in refused.stderr
    # replay rebuilds clean's folder byte for byte
    replayed = tmp_path / "replayed"
    assert mtrepair("replay", "--report", report_dir, d, "-o", f"{replayed}/").returncode == 0
    for name in ("a.txt", "sub/b.txt", "u16.txt"):
        assert (replayed / name).read_bytes() == (out / name).read_bytes()


def test_undo_a_stream_of_documents_jsonl_and_stdin(tmp_path: Path) -> None:
    a, b = seed_path("002"), seed_path("001")
    stream, report = tmp_path / "stream.txt", tmp_path / "r.json"
    done = mtrepair("clean", a, b, "-o", stream, "--report", report)
    assert done.returncode == 0
    assert stream.read_text(encoding="utf-8").startswith(f"==> {a.name} <==\n")
    restored = tmp_path / "restored"
    assert mtrepair("undo", "--report", report, stream, "-o", f"{restored}/").returncode == 0
    assert (restored / a.name).read_bytes() == a.read_bytes()
    assert (restored / b.name).read_bytes() == b.read_bytes()
    replayed = mtrepair("replay", "--report", report, a, b)
    assert replayed.returncode == 0 and replayed.stdout == stream.read_bytes()
    # JSONL out: the records get their original text back
    corpus = tmp_path / "c.jsonl"
    records = [
        {"id": "r1", "text": a.read_text(encoding="utf-8"), "site": "x"},
        {"id": "r2", "text": "The the end."},
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    cleaned, creport = tmp_path / "c.out.jsonl.gz", tmp_path / "c.json"
    assert mtrepair("clean", corpus, "-o", cleaned, "--report", creport).returncode == 0
    back = mtrepair("undo", "--report", creport, cleaned)
    assert [json.loads(line) for line in back.stdout.splitlines()] == records
    # stdin in, stdout out
    piped = mtrepair("clean", "-", "--report", report, stdin=a.read_bytes())
    (tmp_path / "piped.txt").write_bytes(piped.stdout)
    assert mtrepair("undo", "--report", report, tmp_path / "piped.txt").stdout == a.read_bytes()
    assert mtrepair("replay", "--report", report, "-", stdin=a.read_bytes()).stdout == piped.stdout


# --- 8. clean reads every format it writes ---------------------------------------------------


def test_clean_reads_back_the_gzip_it_writes(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Rockets hit the the base.\n\nThe U.S.\n\n\n\nembassy was hit.\n", encoding="utf-8")
    gz, report = tmp_path / "x.txt.gz", tmp_path / "r.json"
    assert mtrepair("clean", src, "-o", gz, "--report", report).returncode == 0
    assert gzip.decompress(gz.read_bytes()).decode() == "Rockets hit the base.\n\nThe U.S. embassy was hit.\n"
    again = mtrepair("clean", gz)
    assert again.returncode == 0, again.stderr
    assert again.stdout == gzip.decompress(gz.read_bytes())
    assert mtrepair("undo", "--report", report, gz).stdout == src.read_bytes()
    # a folder of .txt.gz is walked too, and mirrored as .txt.gz
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "x.txt.gz").write_bytes(gz.read_bytes())
    (folder / "y.txt").write_text("The the end.\n", encoding="utf-8")
    assert mtrepair("clean", folder, "-o", f"{tmp_path / 'o'}/").returncode == 0
    assert gzip.decompress((tmp_path / "o" / "x.txt.gz").read_bytes()) == gzip.decompress(gz.read_bytes())
    # corrupt gzip: one line naming the file
    bad = tmp_path / "bad.txt.gz"
    bad.write_bytes(gz.read_bytes()[:20])
    done = mtrepair("clean", bad)
    assert done.returncode == 2 and done.stderr.decode().count("\n") == 1 and b"corrupt gzip" in done.stderr


# --- 18. wording and exit codes ---------------------------------------------------------------


def test_summary_line_on_every_run_in_plain_english(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Rockets hit the the base.\n", encoding="utf-8")
    for args in ((), ("-o", tmp_path / "o.txt")):
        done = mtrepair("clean", src, *args)
        assert done.stderr.decode() == "mtrepair: 1 document, 1 changed, 1 edit, 0 flags\n"
    wrong = mtrepair("clean", src, "--format", "json")
    assert wrong.returncode == 5 and b"unknown format 'json'" in wrong.stderr


# --- 7. bench never writes into the source tree unless told to -------------------------


def tracked_state(root: Path) -> dict[str, bytes]:
    """Every file of the checkout's benchmarks/ folder with its bytes."""
    return {str(p): p.read_bytes() for p in sorted((root / "benchmarks").rglob("*")) if p.is_file()}


def test_bench_without_out_writes_to_a_fresh_folder_outside_the_tree(tmp_path: Path) -> None:
    import os

    root = Path(__file__).resolve().parent.parent
    before = tracked_state(root)
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [str(EXE), "bench", "--quick", "--parts", "detect", "--data", str(tmp_path / "none")],
        capture_output=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert tracked_state(root) == before
    written = [Path(line) for line in done.stdout.decode().splitlines()]
    assert written and all(p.is_relative_to(tmp_path) and p.exists() for p in written)
    assert any(p.name == "report.md" for p in written)


# --- 10. an output path in a folder that does not exist -----------------------------------


def test_missing_output_folders_are_created_and_said(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Rockets hit the the base.\n", encoding="utf-8")
    target = tmp_path / "new" / "deeper" / "out.txt"
    done = mtrepair("clean", src, "-o", target, "--report", tmp_path / "new" / "r.json")
    assert done.returncode == 0
    assert target.read_text(encoding="utf-8") == "Rockets hit the base.\n"
    assert f"mtrepair: created folder {tmp_path / 'new'} (it did not exist)\n".encode() in done.stderr
    assert done.stderr.count(b"created folder") == 1  # the top folder it made, once
    # a failed run leaves no empty folder behind, and its error stays one line
    (tmp_path / "empty.txt").write_bytes(b"")
    failed = mtrepair("clean", tmp_path / "empty.txt", "-o", tmp_path / "other" / "out.txt")
    assert failed.returncode == 2 and failed.stderr.count(b"\n") == 1
    assert not (tmp_path / "other").exists()
    # undo into a new folder says so too
    report = tmp_path / "new" / "r.json"
    undone = mtrepair("undo", "--report", report, target, "-o", f"{tmp_path / 'restored'}/")
    assert undone.returncode == 0 and b"created folder" in undone.stderr
    assert (tmp_path / "restored" / "a.txt").read_bytes() == src.read_bytes()
