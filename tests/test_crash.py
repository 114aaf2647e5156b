"""Crash safety (issue 8): a writer killed at any moment leaves old or complete files, never partial.

Every output goes through ``mtrepair.io.atomic_writer`` (a temporary file beside
the target, fsync, then one rename) and every glossary change through
``mtrepair.glossary.edit`` (a lock file, then the same atomic write). Two ways
of killing a writer check it:

* the real thing: ``mtrepair`` in a subprocess gets SIGKILL after a delay drawn
  from a seeded RNG (very early, during the run, near its end, after it);
* kills at exact moments, in a forked child: after N bytes of output reached
  the disk (the last write torn in two), just before or just after each rename.

After each kill every target is either absent or exactly its previous content,
or exactly what an uninterrupted run writes; anything else in the folder is a
hidden leftover temporary file (never read as an input) or a completion marker
of a complete shard; a glossary still parses and passes ``glossary check``, and
its lock is free again. Concurrent glossary edits are serialized by the lock:
``tests/test_glossary.py::test_eight_concurrent_adds_keep_all_eight``.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.make_corpus import generate
from typer.testing import CliRunner

from mtrepair.cli import app
from mtrepair.errors import OutputError
from mtrepair.glossary import load
from mtrepair.io import atomic_writer
from tests.conftest import ROOT

MTREPAIR = Path(sys.executable).parent / "mtrepair"
SHIPPED_GLOSSARY = ROOT / "glossaries" / "military-iraq-syria.toml"
RNG_SEED = 8
OLD_OUTPUT = "an output from an earlier run\n"
OLD_REPORT = '{"previous": "report"}\n'
ADD = [
    "glossary",
    "add",
    "Camp Taji",
    "--variant",
    "Taji camp",
    "--variant",
    "Camp Al-Taji",
    "--type",
    "base",
]


def write_corpus(path: Path, *, kb: int, seed: int) -> Path:
    records = [r for r, _ in generate(kb * 1000, seed=seed)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def kill_delays(first_file: float, duration: float, rng: random.Random, during: int) -> list[float]:
    """Very early, once while starting up, ``during`` times while writing, and near the end.

    ``first_file`` is when the uninterrupted run created its first (temporary)
    file, ``duration`` when it ended; a kill after the end is that run itself.
    """
    writing = sorted(rng.uniform(first_file, duration) for _ in range(during))
    return [0.0, rng.uniform(0.0, first_file), *writing, 0.98 * duration]


def run_and_kill(args: list[str], delay: float) -> None:
    """Start ``mtrepair ARGS`` and SIGKILL it (and any workers) after ``delay`` seconds."""
    proc = subprocess.Popen(
        [str(MTREPAIR), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def timed_run(args: list[str], folder: Path) -> tuple[float, float]:
    """Run ``mtrepair ARGS`` to the end: when a file first appeared in ``folder``, and when it ended."""
    before = set(folder.rglob("*"))
    start = time.monotonic()
    first = None
    proc = subprocess.Popen([str(MTREPAIR), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while proc.poll() is None:
        if first is None and set(folder.rglob("*")) - before:
            first = time.monotonic() - start
        time.sleep(0.005)
    end = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
    return (first if first is not None else 0.5 * end), end


def assert_old_or_complete(
    folder: Path, complete: dict[str, bytes], previous: dict[str, bytes], *, unchecked: tuple[str, ...] = ()
) -> None:
    """Each target is absent, its previous content, or complete; the rest is hidden leftovers.

    ``unchecked`` files (markers, the lock file) may be there and are checked by the caller.
    """
    found = files(folder)
    for name, data in found.items():
        if name in complete:
            assert data == complete[name] or data == previous.get(name), f"{name}: partial or mixed output"
        elif name in unchecked:
            continue
        else:
            base = Path(name).name
            assert base.startswith(".") and base.endswith(".tmp"), f"{name}: unexpected visible file"
            targets = [*complete, *unchecked]  # a marker's temporary file is ``..NAME.done.*.tmp``
            assert any(base.startswith(f".{Path(t).name}.") for t in targets), f"{name}: stray temp file"


# --- killed at random moments: the real process, the real signal ------------------------


def test_clean_to_one_file_killed_at_random_moments(tmp_path: Path) -> None:
    """``clean BIG --format text -o out.txt --report r.json``: old or complete, never partial."""
    big = write_corpus(tmp_path / "big.jsonl", kb=25, seed=11)
    reference = tmp_path / "reference"
    reference.mkdir()

    def args(folder: Path) -> list[str]:
        return [
            "clean",
            str(big),
            "--format",
            "text",
            "-o",
            str(folder / "out.txt"),
            "--report",
            str(folder / "r.json"),
            "--no-garble",
        ]

    first, duration = timed_run(args(reference), reference)
    complete = {
        "out.txt": (reference / "out.txt").read_bytes(),
        "r.json": (reference / "r.json").read_bytes(),
    }
    previous = {"out.txt": OLD_OUTPUT.encode(), "r.json": OLD_REPORT.encode()}
    for i, delay in enumerate(kill_delays(first, duration, random.Random(RNG_SEED), during=2)):
        folder = tmp_path / f"kill-{i}"
        folder.mkdir()
        (folder / "out.txt").write_text(OLD_OUTPUT, encoding="utf-8")
        (folder / "r.json").write_text(OLD_REPORT, encoding="utf-8")
        run_and_kill(args(folder), delay)
        assert_old_or_complete(folder, complete, previous)


def test_multi_shard_clean_killed_at_random_moments(tmp_path: Path) -> None:
    """``clean dir/ -o outdir/ --format jsonl``: each shard absent or complete, a marker only if complete."""
    corpus = tmp_path / "in"
    for i in range(4):
        write_corpus(corpus / f"part-{i}.jsonl", kb=10, seed=20 + i)
    reference = tmp_path / "reference"

    def args(out: Path) -> list[str]:
        return [
            "clean",
            str(corpus),
            "-o",
            f"{out}/",
            "--format",
            "jsonl",
            "--report-dir",
            str(out / "edits"),
        ]

    first, duration = timed_run(args(reference), reference)
    complete = {k: v for k, v in files(reference).items() if not Path(k).name.startswith(".")}
    markers = {k for k in files(reference) if k.endswith(".done")}
    assert len(complete) == 8 and len(markers) == 4
    folders = []
    for i, delay in enumerate(kill_delays(first, duration, random.Random(RNG_SEED + 1), during=2)):
        out = tmp_path / f"kill-{i}"
        run_and_kill(args(out), delay)
        if not out.exists():
            continue
        folders.append(out)
        found = files(out)
        assert_old_or_complete(out, complete, {}, unchecked=tuple(markers))
        for marker in markers & found.keys():
            shard = marker.removeprefix(".").removesuffix(".done")
            assert found.get(shard) == complete[shard], f"{marker} marks an incomplete shard"
    # A killed run resumes to the same outputs, and no temporary file is left.
    cut = [f for f in folders if len([k for k in files(f) if k.endswith(".done")]) < len(markers)]
    if cut:
        proc = subprocess.run([str(MTREPAIR), *args(cut[-1]), "--resume"], capture_output=True, check=False)
        assert proc.returncode == 0, proc.stderr.decode()
        resumed = files(cut[-1])
        assert {k: v for k, v in resumed.items() if not Path(k).name.startswith(".")} == complete
        assert not [k for k in resumed if k.endswith(".tmp")]


def test_glossary_add_killed_at_random_moments(tmp_path: Path) -> None:
    """``glossary add`` on a copy of the shipped glossary: old or new file, which parses and passes check."""
    original = SHIPPED_GLOSSARY.read_bytes()
    reference = tmp_path / "reference" / "g.toml"
    reference.parent.mkdir()
    reference.write_bytes(original)
    first, duration = timed_run([*ADD, "--glossary", str(reference)], reference.parent)
    complete = reference.read_bytes()
    assert complete != original
    for i, delay in enumerate(kill_delays(first, duration, random.Random(RNG_SEED + 2), during=1)):
        glossary = tmp_path / f"kill-{i}" / "g.toml"
        glossary.parent.mkdir()
        glossary.write_bytes(original)
        run_and_kill([*ADD, "--glossary", str(glossary)], delay)
        assert_glossary_intact(glossary, original, complete)


def assert_glossary_intact(glossary: Path, original: bytes, complete: bytes) -> None:
    """Old or complete; parses; passes check; the lock is free (the next add does not wait)."""
    assert glossary.read_bytes() in (original, complete), "partial glossary"
    assert_old_or_complete(
        glossary.parent, {"g.toml": complete}, {"g.toml": original}, unchecked=("g.toml.lock",)
    )
    load([glossary])
    runner = CliRunner()
    check = runner.invoke(app, ["glossary", "check", "--glossary", str(glossary)])
    assert check.exit_code == 0, check.output
    again = runner.invoke(app, [*ADD, "--glossary", str(glossary)])  # 60 s lock timeout if still held
    assert again.exit_code == 0, again.output
    assert glossary.read_bytes() == complete


# --- killed at exact moments: after N bytes on disk, around each rename --------------------


def _torn_writes_after(limit: int) -> None:
    """SIGKILL this process once ``limit`` bytes of atomic_writer output reached the disk.

    atomic_writer opens its temporary file with ``os.fdopen(fd, "wb")``; the file
    object returned here writes the bytes up to the limit (the last write torn in
    two, as a kill inside write() leaves it) and then the process dies.
    """
    written = 0

    class Torn(io.FileIO):
        def write(self, data: Any) -> int:
            nonlocal written
            view = memoryview(data).cast("B")
            if written + len(view) >= limit:
                super().write(view[: limit - written])
                os.kill(os.getpid(), signal.SIGKILL)
            written += len(view)
            return super().write(view)

    real = os.fdopen

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if mode == "wb" and not args and not kwargs:
            return io.BufferedWriter(Torn(fd, "w"))
        return real(fd, mode, *args, **kwargs)

    os.fdopen = fdopen


def _killed_at_rename(number: int, after: bool) -> None:
    """SIGKILL this process just before (or just after) its ``number``-th rename."""
    real = os.replace
    count = 0

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        nonlocal count
        count += 1
        if count == number and not after:
            os.kill(os.getpid(), signal.SIGKILL)
        real(src, dst, **kwargs)
        if count == number and after:
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace


def arm_kill(moment: list[Any] | None) -> None:
    """``["bytes", N]``: die after N bytes; ``["rename", K, after]``: around the K-th rename."""
    if moment is None:
        return
    if moment[0] == "bytes":
        _torn_writes_after(moment[1])
    else:
        _killed_at_rename(moment[1], moment[2])


# A single-threaded process that imports mtrepair once and forks one child per job:
# the child arms its kill, runs the command and dies (or exits); one JSON line back.
# Jobs without a moment run in the process itself, so the children start with the
# glossary, language data and models loaded (a fork per moment instead of a start).
ZYGOTE = """\
import json, os, signal, sys
from typer.testing import CliRunner
from mtrepair.cli import app
from tests.test_crash import arm_kill

for line in sys.stdin:
    job = json.loads(line)
    if job["moment"] is None:  # an uninterrupted run, here: it also warms every cache for the children
        code = CliRunner().invoke(app, job["args"]).exit_code
        print(json.dumps({"killed": False, "code": code}), flush=True)
        continue
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            arm_kill(job["moment"])
            code = CliRunner().invoke(app, job["args"]).exit_code
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    print(json.dumps({"killed": killed, "code": os.waitstatus_to_exitcode(status)}), flush=True)
"""

Runner = Callable[[list[str], "list[Any] | None"], bool]


@pytest.fixture(scope="module")
def killer() -> Iterator[Runner]:
    """Run a command in a fresh process killed at one exact moment; True if it was killed."""
    if not hasattr(os, "fork"):
        pytest.skip("needs fork")
    zygote = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert zygote.stdin is not None and zygote.stdout is not None

    def run(args: list[str], moment: list[Any] | None) -> bool:
        assert zygote.stdin is not None and zygote.stdout is not None
        zygote.stdin.write(json.dumps({"args": args, "moment": moment}) + "\n")
        zygote.stdin.flush()
        reply = json.loads(zygote.stdout.readline())
        assert reply["killed"] or reply["code"] == 0, reply
        return bool(reply["killed"])

    yield run
    zygote.stdin.close()
    zygote.wait(timeout=30)


def moments(total_bytes: int, renames: int, rng: random.Random, torn: int) -> list[list[Any]]:
    """The first byte, ``torn`` random byte counts, the last byte, and both sides of every rename."""
    counts = [1, *sorted(rng.randrange(2, total_bytes) for _ in range(torn)), total_bytes]
    renaming = [["rename", k, after] for k in range(1, renames + 1) for after in (False, True)]
    return [["bytes", n] for n in counts] + renaming


def test_clean_killed_at_every_stage_of_its_writes(tmp_path: Path, killer: Runner) -> None:
    """A gzip output and a report: torn anywhere in either, or around either rename."""
    big = write_corpus(tmp_path / "big.jsonl", kb=20, seed=12)
    reference = tmp_path / "reference"
    reference.mkdir()

    def args(folder: Path) -> list[str]:
        out = str(folder / "out.jsonl.gz")
        return ["clean", str(big), "-o", out, "--report", str(folder / "r.json"), "--no-garble"]

    assert not killer(args(reference), None)
    complete = files(reference)
    assert gzip.decompress(complete["out.jsonl.gz"]).count(b"\n") >= 2
    previous = {"out.jsonl.gz": gzip.compress(OLD_OUTPUT.encode()), "r.json": OLD_REPORT.encode()}
    total = sum(len(v) for v in complete.values())
    seen = set()
    for i, moment in enumerate(moments(total, 2, random.Random(RNG_SEED + 3), torn=4)):
        folder = tmp_path / f"kill-{i}"
        folder.mkdir()
        for name, data in previous.items():
            (folder / name).write_bytes(data)
        assert killer(args(folder), moment), f"{moment} is inside the run"
        assert_old_or_complete(folder, complete, previous)
        seen.add(tuple((folder / n).read_bytes() == complete[n] for n in sorted(complete)))
    # Each file is committed on its own: killed between the two renames, one is new.
    assert {(False, False), (True, False), (True, True)} <= seen


def test_glossary_add_killed_at_every_stage_of_its_write(tmp_path: Path, killer: Runner) -> None:
    original = SHIPPED_GLOSSARY.read_bytes()
    reference = tmp_path / "reference" / "g.toml"
    reference.parent.mkdir()
    reference.write_bytes(original)
    assert not killer([*ADD, "--glossary", str(reference)], None)
    complete = reference.read_bytes()
    for i, moment in enumerate(moments(len(complete), 1, random.Random(RNG_SEED + 4), torn=2)):
        glossary = tmp_path / f"kill-{i}" / "g.toml"
        glossary.parent.mkdir()
        glossary.write_bytes(original)
        assert killer([*ADD, "--glossary", str(glossary)], moment), moment
        assert_glossary_intact(glossary, original, complete)


# --- faults instead of kills: a full disk, a failed rename ---------------------------------


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_a_failed_write_keeps_the_old_file_and_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    target = tmp_path / "out.txt"
    target.write_text(OLD_OUTPUT, encoding="utf-8")
    full = OSError(28, "No space left on device")

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise full

    if where != "write":
        monkeypatch.setattr(os, where, fail)
    message = r"out\.txt: cannot write \(No space left on device\)"
    with pytest.raises(OutputError, match=message), atomic_writer(target) as fh:
        fh.write("x" * 100_000)
        if where == "write":
            raise full  # what TextIOWrapper.write raises when the disk is full
    assert target.read_text(encoding="utf-8") == OLD_OUTPUT
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"], "temporary file left behind"


def test_a_failed_rename_is_one_line_at_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("Army Colonel Colonel spokesman.\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    out.write_text(OLD_OUTPUT, encoding="utf-8")

    def fail(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", fail)
    result = runner.invoke(app, ["clean", str(source), "-o", str(out), "--no-glossary"])
    assert result.exit_code == 4 and not isinstance(result.exception, PermissionError)
    assert "cannot write (Permission denied); the previous file, if any, is unchanged" in result.output
    assert out.read_text(encoding="utf-8") == OLD_OUTPUT


def test_an_error_in_the_body_passes_through_and_removes_the_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(KeyError), atomic_writer(target) as fh:
        fh.write("half")
        raise KeyError("the caller's own error")
    assert list(tmp_path.iterdir()) == []


def test_stale_temp_files_of_a_shard_are_matched_literally(tmp_path: Path) -> None:
    """A killed run's leftovers are removed for the shard's own name only, even a name with [ ] or *."""
    from mtrepair.shards import _remove_stale

    names = [
        ".[1].jsonl.abc_123.tmp",
        ".x.jsonl.gz.k2j4h5g6.tmp",
        ".1.jsonl.zzz.tmp",
        ".x.jsonl.q1w2e3r4.tmp",
    ]
    for name in names:
        (tmp_path / name).write_text("", encoding="utf-8")
    _remove_stale(tmp_path / "[1].jsonl")
    _remove_stale(tmp_path / "x.jsonl")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([names[1], names[2]])
    _remove_stale(tmp_path / "*")
    assert len(list(tmp_path.iterdir())) == 2
    shutil.rmtree(tmp_path)
