"""Corpus scale (issue 7): workers, shards, markers and --resume, exclusions, Dask, progress.

Every test builds its own small corpus in ``tmp_path`` from the seeds (the
benchmark's generator) and compares whole output folders byte for byte.
"""

from __future__ import annotations

import gzip
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from benchmarks.make_corpus import generate
from typer.testing import CliRunner

import mtrepair
from mtrepair.cli import app
from mtrepair.config import Config
from mtrepair.engine import Job, job_from, pickled

MTREPAIR = Path(sys.executable).parent / "mtrepair"


def make_shards(folder: Path, *, shards: int, kb: int, seed: int = 3) -> list[Path]:
    """``shards`` gzip JSONL files holding ``kb`` KB of seed-made documents between them."""
    folder.mkdir(parents=True)
    records = [r for r, _ in generate(kb * 1000, seed=seed)]
    paths = []
    for i in range(shards):
        path = folder / f"part-{i:02d}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records[i::shards])
        paths.append(path)
    return paths


def tree(folder: Path, *, hidden: bool = False) -> dict[str, bytes]:
    """Every file under ``folder`` (markers and temporary files are hidden) with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (hidden or not p.name.startswith("."))
    }


def plain() -> Config:
    return Config()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scale") / "in"
    make_shards(folder, shards=3, kb=120)
    (folder / "extra.jsonl").write_text(
        '{"id": "a", "text": "Army Colonel Colonel spokesman."}\n{broken\n{"id": "b", "text": "Fine."}\n',
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def reference_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One sequential run (workers=1, local engine): what every other engine must reproduce."""
    base = tmp_path_factory.mktemp("ref")
    summary = mtrepair.clean_corpus(
        [str(corpus)], config=plain(), out=f"{base}/out/", fmt="jsonl", report_dir=base / "edits"
    )
    assert summary.documents > 15 and summary.excluded == 1
    return base


def test_two_workers_write_byte_identical_outputs(corpus: Path, reference_run: Path, tmp_path: Path) -> None:
    summary = mtrepair.clean_corpus(
        [str(corpus)],
        config=plain(),
        out=f"{tmp_path}/out/",
        fmt="jsonl",
        report_dir=tmp_path / "edits",
        workers=2,
    )
    assert summary.excluded == 1 and summary.problems
    assert tree(tmp_path / "out") == tree(reference_run / "out")
    assert tree(tmp_path / "edits") == tree(reference_run / "edits")
    assert len(list((tmp_path / "out").glob(".*.done"))) == 4


def test_two_workers_keep_stdout_order_and_single_report(corpus: Path, tmp_path: Path) -> None:
    """The ordered stream: one stdout, one JSON report, same bytes with 1 and 2 workers."""
    outs = []
    for workers in (1, 2):
        out_file = tmp_path / f"stdout-{workers}.txt"
        with out_file.open("w", encoding="utf-8", newline="") as fh:
            mtrepair.clean_corpus(
                [str(corpus)],
                config=plain(),
                stdout=fh,
                fmt="text",
                workers=workers,
                report=tmp_path / f"edits-{workers}.json",
            )
        outs.append(out_file.read_bytes())
    assert outs[0] == outs[1] and b"==> a <==" in outs[0]
    assert (tmp_path / "edits-1.json").read_bytes() == (tmp_path / "edits-2.json").read_bytes()


def test_dask_local_cluster_matches_local_engine(corpus: Path, reference_run: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    summary = mtrepair.clean_corpus(
        [str(corpus)],
        config=plain(),
        out=f"{tmp_path}/out/",
        fmt="jsonl",
        report_dir=tmp_path / "edits",
        engine="dask",
        workers=2,
    )
    assert summary.excluded == 1 and summary.outputs
    assert tree(tmp_path / "out") == tree(reference_run / "out")
    assert tree(tmp_path / "edits") == tree(reference_run / "edits")


def test_killed_run_resumes_to_identical_output(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    make_shards(corpus, shards=6, kb=600, seed=5)
    out = tmp_path / "out"
    args = [str(MTREPAIR), "clean", str(corpus), "--format", "jsonl", "-o", f"{out}/", "--no-glossary"]
    proc = subprocess.Popen(
        [*args, "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 40
    while not list(out.glob(".*.done")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the main process and its pool workers
    proc.wait()
    finished = len(list(out.glob(".*.done")))
    assert 1 <= finished < 6, "the run should have been killed between its first and last shard"

    resumed = subprocess.run([*args, "--resume"], capture_output=True, check=False)
    assert resumed.returncode == 0, resumed.stderr
    files = "input file" if finished == 1 else "input files"
    assert f"{finished} {files} already done".encode() in resumed.stderr
    whole = tmp_path / "whole"
    mtrepair.clean_corpus([str(corpus)], config=plain(), out=f"{whole}/", fmt="jsonl")
    assert tree(out) == tree(whole)
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")], "temporary files left behind"


def test_resume_redoes_changed_inputs_and_settings(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    paths = make_shards(corpus, shards=2, kb=20)
    out = f"{tmp_path}/out/"
    first = mtrepair.clean_corpus([str(corpus)], config=plain(), out=out, fmt="jsonl")
    again = mtrepair.clean_corpus([str(corpus)], config=plain(), out=out, fmt="jsonl", resume=True)
    assert again.resumed == 2 and again.documents == 0
    os.utime(paths[0], ns=(0, 0))  # the input changed: redo it
    touched = mtrepair.clean_corpus([str(corpus)], config=plain(), out=out, fmt="jsonl", resume=True)
    assert touched.resumed == 1 and 0 < touched.documents < first.documents
    other = mtrepair.clean_corpus(
        [str(corpus)], config=Config(disabled=frozenset({"doubled_word"})), out=out, fmt="jsonl", resume=True
    )
    assert other.resumed == 0 and other.documents == first.documents  # other settings: redo all


def test_exclusion_file_lists_broken_records_and_failed_repairs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mtrepair.engine

    real = mtrepair.engine.clean_text

    def fragile(text: str, config: Config | None = None) -> mtrepair.Result:
        if "BOOM" in text:
            raise RuntimeError("a rule broke on this text")
        return real(text, config)

    monkeypatch.setattr(mtrepair.engine, "clean_text", fragile)
    src = tmp_path / "in" / "s.jsonl"
    src.parent.mkdir()
    src.write_text(
        '{"id": "1", "text": "Army Colonel Colonel spokesman."}\n'
        '{"id": "2", "text": "BOOM goes the rule."}\n'
        '{"id": "3", "text": \n'
        '{"id": "4", "text": "Fine."}\n',
        encoding="utf-8",
    )
    summary = mtrepair.clean_corpus([str(src.parent)], config=plain(), out=f"{tmp_path}/out/", fmt="jsonl")
    assert summary.documents == 2 and summary.excluded == 2
    assert any("excluded: repair failed: RuntimeError" in p for p in summary.problems)
    kept = [json.loads(x)["id"] for x in (tmp_path / "out" / "s.jsonl").read_text().splitlines()]
    assert kept == ["1", "4"]
    excluded = [json.loads(x) for x in (tmp_path / "out" / "s.excluded.jsonl").read_text().splitlines()]
    assert [(e["id"], e["line"]) for e in excluded] == [("2", 2), (None, 3)]
    assert excluded[0]["reason"].startswith("repair failed: RuntimeError: a rule broke")
    assert excluded[0]["record"]["text"] == "BOOM goes the rule."
    assert excluded[1]["reason"].startswith("broken JSON") and excluded[1]["raw"] == '{"id": "3", "text": '


def test_progress_lines_when_stderr_is_not_a_terminal(corpus: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["clean", str(corpus / "part-00.jsonl.gz"), "-o", f"{tmp_path}/o/", "--log-every", "0.001"]
    )
    assert result.exit_code == 0, result.stderr
    lines = [x for x in result.stderr.splitlines() if x.startswith("mtrepair: progress:")]
    assert len(lines) >= 2
    assert all("documents/s" in x and "MB/s" in x and " of " in x for x in lines)
    assert "ETA" in lines[-1]
    quiet = CliRunner().invoke(app, ["clean", str(corpus / "extra.jsonl"), "-o", f"{tmp_path}/q/"])
    assert "mtrepair: progress" not in quiet.stderr  # the default: a line every 30 s, none in a short run


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--workers", "0"], "--workers must be at least 1"),
        (["--engine", "spark"], "unknown engine 'spark'"),
        (["--resume"], "--resume needs an output folder"),
        (["--engine", "dask"], "--engine dask writes every shard on the workers"),
        (["--log-every", "-1"], "--log-every must be 0"),
    ],
)
def test_bad_scale_options_are_one_line_errors(corpus: Path, extra: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["clean", str(corpus / "extra.jsonl"), *extra])
    assert result.exit_code == 5
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_job_travels_once_and_is_kept_per_worker() -> None:
    """A worker unpickles the job (glossary included) once and reuses it for every shard."""
    from mtrepair.glossary import default_paths

    config = Config().with_glossary(default_paths())
    blob = pickled(Job(config))
    job = job_from(blob)
    assert job_from(blob) is job
    assert job.config.terms is not None and job.config.terms.find("Ain al-Assad air base")


def test_an_outcome_travels_without_its_steps_and_arrives_whole() -> None:
    """What a worker sends when no report needs the edits: text, metadata, counts; the original comes back."""
    from mtrepair.engine import process
    from mtrepair.io import SourceDoc

    text = "date: 2021-07-08 Army Colonel Colonel spokesman said.\r\n"
    doc = SourceDoc(id="d", text=text, source="x.txt", rel="x.txt", kind="text")
    full = process(doc, Job(plain()))
    assert full.result is not None and full.edits >= 2 and not full.detached
    slim = full.travel()
    assert slim.detached and slim.result is not None
    assert slim.result.steps == () and slim.result.original == ""
    assert len(pickle.dumps(slim)) < len(pickle.dumps(full)) / 2
    back = pickle.loads(pickle.dumps(slim)).arrive(text)
    assert back.result is not None and not back.detached
    assert back.result.original == text and back.result.text == full.result.text
    assert back.result.metadata == full.result.metadata and back.result.changed
    assert (back.edits, back.flags) == (full.edits, full.flags)
    assert back.arrive("other") is back  # arriving twice changes nothing


def test_two_workers_count_the_same_edits_without_sending_them(corpus: Path, tmp_path: Path) -> None:
    summaries = [
        mtrepair.clean_corpus([str(corpus)], config=plain(), out=f"{tmp_path}/w{n}/", fmt="jsonl", workers=n)
        for n in (1, 2)
    ]
    counts = [(s.documents, s.changed, s.edits, s.flags, s.excluded) for s in summaries]
    assert counts[0] == counts[1] and counts[0][2] > 0


def test_bench_scale_builds_shards_and_repeats_them(tmp_path: Path) -> None:
    """The benchmark's corpus plumbing (the timings themselves are not tested)."""
    from benchmarks import bench_scale

    info = bench_scale.build_shards(tmp_path / "shards", size_mb=0.06, shard_mb=0.02, seed=1)
    assert len(info["shards"]) >= 3 and info["text_bytes"] >= 60_000
    assert bench_scale.build_shards(tmp_path / "shards", size_mb=0.06, shard_mb=0.02, seed=1) == info
    nbytes, docs = bench_scale.link_corpus(tmp_path / "shards", info["shards"], tmp_path / "big", 0.2)
    links = list((tmp_path / "big").iterdir())
    assert nbytes >= 200_000 and docs > info["documents"] and all(p.is_symlink() for p in links)
