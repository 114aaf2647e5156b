"""Shards: one input file is one unit of work, committed atomically with a completion marker.

A crawl is many files, and a run over it gets killed (out of memory, pre-empted,
Ctrl-C). A kill must cost the shards in flight, not the run, and must never leave
a half-written file that looks finished. So every output of a shard (the cleaned
documents, the per-document edit report of ``--report-dir``, the exclusion file)
goes to a temporary file and is renamed into place; a small ``.done`` marker is
written last, after the renames (hidden, ``.NAME.done`` beside the output, so the
folder lists only outputs), and names the input (path, size, mtime) and the
settings (a fingerprint of the configuration). ``--resume`` skips a shard whose
marker still matches and whose outputs are all there; anything else is redone
from scratch.

The local engines feed a :class:`ShardWriter` from the main process, in input
order; on Dask, :func:`clean_shard` reads, cleans and writes a whole shard on the
worker. Both render documents with :func:`render` and count them the same way,
which is what makes the engines' outputs byte-identical.
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import hashlib
import json
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from mtrepair import __version__
from mtrepair.errors import OutputError
from mtrepair.io import ReadProblems, Skipped, SourceDoc, atomic_writer, is_jsonl

if TYPE_CHECKING:  # pragma: no cover - typing only
    from mtrepair.config import Config
    from mtrepair.corpus import ReferenceSpec
    from mtrepair.engine import Outcome
    from mtrepair.frequent import RepeatedLines

MARKER_FORMAT = 1
MARKER_SUFFIX = ".done"
EXCLUDED_SUFFIX = ".excluded.jsonl"
EDITS_SUFFIX = ".edits.jsonl"
_SHARD_SUFFIXES = (".jsonl.gz", ".jsonl", ".txt.gz", ".txt")


@dataclass(frozen=True)
class ShardTask:
    """Everything a worker needs to clean one input file and commit its outputs.

    Paths are kept as the user gave them (relative paths stay relative): they end
    up in reports (``source``), which must not depend on the engine. On a real
    cluster give absolute paths on a filesystem every worker mounts.
    """

    index: int
    path: str
    rel: str
    fmt: str
    encoding: str
    fingerprint: str
    output: str | None = None  # the mirrored output file (``-o FOLDER/``)
    report: str | None = None  # the per-shard edit report (``--report-dir``)
    newline: bool = False  # text format: end every document with a newline
    tolerant: bool = False  # an unreadable input is skipped with its reason (one of several inputs)

    @property
    def marker(self) -> str | None:
        """``.NAME.done`` beside the output: hidden, so the folder lists just the outputs."""
        if self.output is None:
            return None
        out = Path(self.output)
        return str(out.with_name(f".{out.name}{MARKER_SUFFIX}"))

    @property
    def exclusions(self) -> str | None:
        return _stem(self.output) + EXCLUDED_SUFFIX if self.output is not None else None


@dataclass
class ShardSummary:
    """What one shard produced; also the body of its completion marker."""

    index: int
    documents: int = 0
    changed: int = 0
    edits: int = 0
    flags: int = 0
    bytes: int = 0
    excluded: int = 0
    outputs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _stem(path: str) -> str:
    for suffix in _SHARD_SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def mirror_name(rel: str, kind: str, fmt: str) -> str:
    """The output name of input ``rel``: the same relative path (``.txt`` becomes ``.jsonl`` for JSONL)."""
    if fmt == "jsonl" and kind == "text":
        if rel.endswith(".txt.gz"):
            return rel.removesuffix(".txt.gz") + ".jsonl.gz"
        return rel.removesuffix(".txt") + ".jsonl"
    return rel


def report_name(rel: str) -> str:
    """The per-shard edit report: the input's relative path with ``.edits.jsonl`` for its suffix."""
    return _stem(rel) + EDITS_SUFFIX


def _stable(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(repr(v) for v in value)
    return repr(value)


def fingerprint(
    config: Config,
    *,
    fmt: str,
    encoding: str,
    newline: bool,
    reference: ReferenceSpec | None = None,
    repeated: RepeatedLines | None = None,
) -> str:
    """A digest of every setting that changes a shard's bytes, so ``--resume`` redoes stale shards.

    The glossary enters by its entries (a Matcher's own repr is an address);
    sets enter sorted, because their order changes from one process to the next.
    ``repeated`` (what the first pass learned from the whole corpus) enters by its
    digest: a shard's output depends on the other inputs through it.
    """
    parts: dict[str, Any] = {"tool": __version__, "fmt": fmt, "encoding": encoding, "newline": newline}
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        if f.name == "terms":
            parts[f.name] = repr(value.glossary) if value is not None else None
        else:
            parts[f.name] = _stable(value)
    if reference is not None:
        parts["reference"] = [
            reference.source,
            hashlib.sha256(reference.text.encode("utf-8", "surrogatepass")).hexdigest(),
            reference.min_score,
            repr(reference.policy),
            type(reference.backend).__name__,
        ]
    if repeated is not None:
        parts["repeated_lines"] = repeated.digest()
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(blob.encode("ascii")).hexdigest()


def input_bytes(path: str) -> int:
    """The bytes of text a shard holds, for progress: a gzip file's uncompressed size (its trailer).

    The trailer gives the size modulo 4 GiB (of the last member), so a shard
    larger than that only makes the ETA wrong, never the output.
    """
    if path == "-":
        return 0
    try:
        size = os.stat(path).st_size
        if not path.endswith(".gz") or size < 18:
            return size
        with open(path, "rb") as fh:
            fh.seek(-4, os.SEEK_END)
            (isize,) = struct.unpack("<I", fh.read(4))
        return int(isize)
    except OSError:
        return 0


def _stat(path: str) -> dict[str, Any]:
    if path == "-":
        return {"path": path}
    st = os.stat(path)
    return {"path": path, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def is_done(task: ShardTask) -> bool:
    """True if the shard's marker matches its input, the settings, and every output exists."""
    if task.marker is None or task.path == "-":
        return False
    try:
        marker = json.loads(Path(task.marker).read_text(encoding="utf-8"))
        current = _stat(task.path)
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict) or marker.get("format") != MARKER_FORMAT:
        return False
    if marker.get("input") != current or marker.get("fingerprint") != task.fingerprint:
        return False
    outputs = marker.get("outputs")
    if not isinstance(outputs, dict) or task.output not in outputs:
        return False
    if task.report is not None and task.report not in outputs:
        return False
    for path, size in outputs.items():
        try:
            if os.stat(path).st_size != size:
                return False
        except OSError:
            return False
    return True


def jsonl_record(doc: SourceDoc, text: str, metadata: dict[str, str], edits: int, flags: int) -> str:
    """One output line: the input record with the repaired text and an ``mtrepair`` summary."""
    record: dict[str, Any] = dict(doc.record) if doc.record is not None else {"id": doc.id}
    record["text"] = text
    record["mtrepair"] = {"edits": edits, "flags": flags, "metadata": metadata}
    return json.dumps(record, ensure_ascii=False) + "\n"


def render(doc: SourceDoc, outcome: Outcome, fmt: str, *, header: str = "", newline: bool = False) -> str:
    """A cleaned document as written to the output: a JSONL line, or its text.

    ``header`` goes before the text (the ``==> id <==`` lines of several inputs
    on one stream); ``newline`` ends a text that does not end with one.
    """
    result = outcome.result
    if result is None:
        raise ValueError("a document that could not be cleaned has no output")
    if fmt == "jsonl":
        return jsonl_record(doc, result.text, result.metadata, outcome.edits, outcome.flags)
    tail = "\n" if newline and not result.text.endswith("\n") else ""
    return header + result.text + tail


def exclusion(doc: SourceDoc, reason: str) -> dict[str, Any]:
    """The exclusion-file line of a document whose repair failed: enough to find and redo it."""
    record = dict(doc.record) if doc.record is not None else {"id": doc.id, "text": doc.text}
    return {"id": doc.id, "source": doc.source, "line": doc.line, "reason": reason, "record": record}


def exclusion_message(doc: SourceDoc, reason: str) -> str:
    """The one-line warning for an excluded document."""
    where = f"{doc.source}:{doc.line}" if doc.line is not None else doc.source
    return f"{where}: document {doc.id!r} excluded: {reason}"


def skipped_exclusion(skip: Skipped) -> dict[str, Any]:
    """The exclusion-file line of a record that could not be read: its raw text, kept whole."""
    # line 0 is a whole input that could not be read (ReadProblems.skip_file): no line to name.
    line = skip.line or None
    return {"id": None, "source": skip.source, "line": line, "reason": skip.reason, "raw": skip.raw}


def _remove_stale(target: Path) -> None:
    """Drop temporary files a killed run left for ``target`` (atomic_writer's ``.NAME.*.tmp``).

    The name is escaped (an input called ``*.jsonl`` or ``[1].txt`` is not a
    pattern) and the random part mkstemp adds has no dot, so the temporary file of
    ``x.jsonl.gz``, which another worker may be writing, is not one of ``x.jsonl``'s.
    """
    prefix = f".{target.name}."
    with contextlib.suppress(OSError):
        for tmp in target.parent.glob(glob.escape(prefix) + "*.tmp"):
            if "." not in tmp.name[len(prefix) : -len(".tmp")]:
                tmp.unlink()


class ShardWriter:
    """The outputs of one shard, written as documents arrive and committed together.

    Use as a context manager; :meth:`commit` renames the outputs into place and
    then writes the marker. Leaving the context without committing (an error, an
    interrupt) removes the temporary files and leaves the previous outputs, and no
    marker, behind.
    """

    def __init__(self, task: ShardTask, *, protect: tuple[Path, ...] = ()) -> None:
        self.task = task
        self.protect = protect or ((Path(task.path),) if task.path != "-" else ())
        self.summary = ShardSummary(task.index)
        self.out: IO[str] | None = None
        self._report: IO[str] | None = None
        self._excluded: list[tuple[int, dict[str, Any]]] = []
        self._stack = contextlib.ExitStack()
        self._committed = False

    def __enter__(self) -> ShardWriter:
        task = self.task
        try:
            if task.marker is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(task.marker)
            for path in (task.output, task.report, task.exclusions, task.marker):
                if path is not None:
                    _remove_stale(Path(path))
            if task.output is not None:
                self.out = self._stack.enter_context(atomic_writer(Path(task.output), protect=self.protect))
            if task.report is not None:
                self._report = self._stack.enter_context(
                    atomic_writer(Path(task.report), protect=self.protect)
                )
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._committed:
            # atomic_writer removes its temporary file when an exception reaches it.
            error = exc if exc is not None else RuntimeError("shard left without commit")
            self._stack.__exit__(type(error), error, tb)

    def add(self, doc: SourceDoc, outcome: Outcome, rendered: str) -> None:
        """One cleaned document: its rendered output and (with ``--report-dir``) its report entry."""
        if outcome.result is None:
            raise ValueError("a document that could not be cleaned is excluded, not added")
        if self.out is not None:
            self.out.write(rendered)
        if self._report is not None:
            if outcome.entry is None:
                raise ValueError("a report entry is needed when the shard writes a report")
            self._report.write(json.dumps(outcome.entry, ensure_ascii=False) + "\n")
        s = self.summary
        s.documents += 1
        s.changed += outcome.result.changed
        s.edits += outcome.edits
        s.flags += outcome.flags
        s.bytes += doc.nbytes

    def exclude(self, doc: SourceDoc, reason: str) -> None:
        """A document whose repair failed: kept out of the output, listed in the exclusion file."""
        self._excluded.append((doc.line or 0, exclusion(doc, reason)))
        self.summary.excluded += 1
        self.summary.bytes += doc.nbytes
        self.summary.problems.append(exclusion_message(doc, reason))

    def commit(self, problems: ReadProblems | None = None) -> ShardSummary:
        """Write the exclusion file, rename every output into place, then write the marker."""
        task = self.task
        skipped = problems.skipped if problems is not None else []
        lines = self._excluded + [(s.line, skipped_exclusion(s)) for s in skipped]
        self.summary.excluded += len(skipped)
        if problems is not None and problems.files and not self.summary.documents:
            return self._commit_unreadable(lines)
        if task.exclusions is not None:
            if lines:
                lines.sort(key=lambda pair: pair[0])
                fh = self._stack.enter_context(atomic_writer(Path(task.exclusions), protect=self.protect))
                fh.writelines(json.dumps(line, ensure_ascii=False) + "\n" for _, line in lines)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(task.exclusions)
        self._committed = True
        self._stack.close()  # renames every output into place
        outputs = [p for p in (task.output, task.report) if p is not None]
        if task.exclusions is not None and lines:
            outputs.append(task.exclusions)
        self.summary.outputs = outputs
        if task.marker is not None:
            self._write_marker(task, task.marker, outputs)
        return self.summary

    def _commit_unreadable(self, lines: list[tuple[int, dict[str, Any]]]) -> ShardSummary:
        """An input that could not be read at all: no output (an empty file would pass
        for a cleaned one), its exclusion file with the reason, and no marker, so
        ``--resume`` tries the input again once it has been fixed."""
        task = self.task
        self._committed = True
        discard = RuntimeError("unreadable input: outputs discarded")
        self._stack.__exit__(type(discard), discard, None)  # atomic_writer drops its temp files
        outputs: list[str] = []
        if task.exclusions is not None:
            with atomic_writer(Path(task.exclusions), protect=self.protect) as fh:
                fh.writelines(json.dumps(line, ensure_ascii=False) + "\n" for _, line in lines)
            outputs.append(task.exclusions)
        self.summary.outputs = outputs
        return self.summary

    def _write_marker(self, task: ShardTask, marker: str, outputs: list[str]) -> None:
        s = self.summary
        body = {
            "format": MARKER_FORMAT,
            "tool": f"mtrepair {__version__}",
            "input": _stat(task.path),
            "fingerprint": task.fingerprint,
            "documents": s.documents,
            "changed": s.changed,
            "edits": s.edits,
            "flags": s.flags,
            "excluded": s.excluded,
            "bytes": s.bytes,
            "outputs": {p: os.stat(p).st_size for p in outputs},
        }
        with atomic_writer(Path(marker), protect=self.protect) as fh:
            fh.write(json.dumps(body, ensure_ascii=False, indent=1) + "\n")


def plan_shards(
    files: Iterable[tuple[Path, str]],
    *,
    fmt: str,
    encoding: str,
    fingerprint: str,
    out_dir: Path | None = None,
    report_dir: Path | None = None,
    newline: bool = False,
) -> list[ShardTask]:
    """One task per input file, with its output names; refuses outputs that would overwrite an input.

    With several input files, one that cannot be read is skipped with its reason
    (``tolerant``) and the rest is cleaned; a single input given alone fails with
    its one-line error, since there is nothing else to do.
    """
    files = list(files)
    tolerant = len(files) > 1
    tasks: list[ShardTask] = []
    inputs = {p.resolve() for p, _ in files if str(p) != "-"}
    for index, (path, rel) in enumerate(files):
        kind = "jsonl" if is_jsonl(str(path)) else "text"
        rel = "stdin.txt" if str(path) == "-" else rel
        output = str(out_dir / mirror_name(rel, kind, fmt)) if out_dir is not None else None
        report = str(report_dir / report_name(rel)) if report_dir is not None else None
        task = ShardTask(index, str(path), rel, fmt, encoding, fingerprint, output, report, newline, tolerant)
        for target in (task.output, task.report, task.exclusions, task.marker):
            if target is not None and Path(target).resolve() in inputs:
                raise OutputError(f"{target}: is also an input; inputs are never modified, choose another -o")
        tasks.append(task)
    return tasks


def clean_shard(task: ShardTask, job: Any) -> ShardSummary:
    """Read, clean and write one whole shard where it runs (a Dask worker): the per-shard function.

    ``job`` is an :class:`mtrepair.engine.Job` or its pickled bytes (what Dask
    ships once per worker); the worker unpickles it once and keeps it, so the
    glossary automaton and the models load once per worker, not once per shard.
    """
    from mtrepair.engine import job_from, process
    from mtrepair.io import read_file

    the_job = job_from(job)
    problems = ReadProblems()
    with ShardWriter(task) as writer:
        docs = read_file(
            Path(task.path), task.rel, encoding=task.encoding, problems=problems, tolerant=task.tolerant
        )
        for doc in docs:
            outcome = process(doc, the_job)
            if outcome.result is None:
                writer.exclude(doc, outcome.error or "repair failed")
                continue
            rendered = render(doc, outcome, task.fmt, newline=task.newline)
            writer.add(doc, outcome, rendered)
        summary = writer.commit(problems)
    summary.problems = problems.messages + summary.problems
    return summary
