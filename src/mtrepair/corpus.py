"""Clean many documents from many inputs: the engine behind ``mtrepair clean``.

Documents stream through one at a time: read, repair, write, log. Nothing but the
current document (with ``workers`` > 1: a bounded window of small batches) is held
in memory, so a corpus of any size runs in flat memory. Each input file is a shard
(:mod:`mtrepair.shards`): with ``-o FOLDER/`` its output is committed atomically
with a completion marker, so ``resume`` can skip it; the executors live in
:mod:`mtrepair.engine`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from mtrepair.config import Config
from mtrepair.engine import Job, ShardEnd, ShardStart, check_engine, count_shards, local_stream
from mtrepair.errors import ConfigError, OutputError
from mtrepair.frequent import RULE, LineCounts, RepeatedLines, fold
from mtrepair.io import ReadProblems, SourceDoc, atomic_writer, expand, is_jsonl, read_documents
from mtrepair.progress import ProgressSink
from mtrepair.report import ReportWriter, document_entry
from mtrepair.shards import (
    EXCLUDED_SUFFIX,
    ShardTask,
    ShardWriter,
    exclusion,
    exclusion_message,
    fingerprint,
    input_bytes,
    is_done,
    plan_shards,
    render,
    skipped_exclusion,
)

if TYPE_CHECKING:  # pragma: no cover - typing only
    from mtrepair.filters import Filters, Verdict


@dataclass(frozen=True)
class ReferenceSpec:
    """A clean version to compare every document with (``clean --reference``)."""

    text: str
    source: str
    backend: Any = None  # an mtrepair.align.Backend; None: lexical
    min_score: float = 0.2
    policy: Any = None  # an mtrepair.align.reference.Policy; None: report only


@dataclass
class Summary:
    documents: int = 0
    changed: int = 0
    edits: int = 0
    flags: int = 0
    bytes: int = 0
    excluded: int = 0  # documents left out of the output, each with its reason (exclusion files)
    resumed: int = 0  # shards skipped by ``resume``: already done
    outputs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # With --reference: beads and divergences by kind, over every document.
    reference: Counter[str] = field(default_factory=Counter)
    # With filters: documents dropped, by reason (mtrepair.filters.REASONS); not in ``excluded``.
    filtered: Counter[str] = field(default_factory=Counter)
    exclusions: str | None = None  # the one exclusion file of a run without -o FOLDER/ (filters on)


def output_format(paths: list[str], fmt: str | None) -> str:
    """``text`` or ``jsonl``: JSONL in means JSONL out unless asked otherwise."""
    if fmt is not None:
        if fmt not in ("text", "jsonl"):
            raise ConfigError(f"unknown format {fmt!r}; use text or jsonl")
        return fmt
    return (
        "jsonl" if any(is_jsonl(p) or (Path(p).is_dir() and _has_jsonl(Path(p))) for p in paths) else "text"
    )


def _has_jsonl(folder: Path) -> bool:
    return any(is_jsonl(str(p)) for p in folder.rglob("*.jsonl*"))


def filtered_exclusion(doc: SourceDoc, verdict: Verdict) -> dict[str, Any]:
    """The exclusion-file line of a document a filter dropped: the failure line's fields,
    the reason as a code of :data:`mtrepair.filters.REASONS`, its score, threshold and message."""
    line = exclusion(doc, verdict.reason)
    record = line.pop("record")
    return {**line, **verdict.as_dict(), "record": record}


class FilteringShardWriter(ShardWriter):
    """A shard's outputs, whose exclusion file also takes the documents a filter dropped."""

    def drop(self, doc: SourceDoc, verdict: Verdict) -> None:
        """A document a filter dropped: kept out of the output, listed with its reason and score.

        Not a problem (no warning, no exit 6): dropping is what the filter was asked to do.
        """
        self._excluded.append((doc.line or 0, filtered_exclusion(doc, verdict)))
        self.summary.excluded += 1
        self.summary.bytes += doc.nbytes


_OUTPUT_SUFFIXES = (".jsonl.gz", ".jsonl", ".txt.gz", ".txt")


def exclusions_beside(output: str) -> Path:
    """The exclusion file beside one output file: ``out.jsonl`` gives ``out.excluded.jsonl``, as shards do."""
    for suffix in _OUTPUT_SUFFIXES:
        if output.endswith(suffix):
            return Path(output[: -len(suffix)] + EXCLUDED_SUFFIX)
    return Path(output + EXCLUDED_SUFFIX)


def _exclusions_path(out: str | None, mirror: bool, exclusions: Path | None, filtering: bool) -> Path | None:
    """Where the dropped documents of a run without an output folder go (None: per shard, or no filter)."""
    if exclusions is not None and (mirror or not filtering):
        raise ConfigError(
            "--exclusions goes with --filter and one output (a file or stdout); "
            "with -o FOLDER/ every input's drops go to NAME.excluded.jsonl beside its output"
        )
    if not filtering or mirror:
        return None
    if exclusions is not None:
        path = exclusions
    elif out is not None:
        path = exclusions_beside(out)
    else:
        raise ConfigError(
            "--filter writes every dropped document, with its reason and score, to an exclusion file: "
            "give -o FILE (drops beside it), -o FOLDER/, or --exclusions FILE"
        )
    if out is not None and path.resolve() == Path(out).resolve():
        raise OutputError(f"{path}: is the output too; give --exclusions another file")
    return path


def clean_corpus(
    paths: list[str],
    *,
    config: Config | None = None,
    out: str | None = None,
    stdout: IO[str] | None = None,
    fmt: str | None = None,
    report: Path | None = None,
    encoding: str = "utf-8",
    on_document: Callable[[SourceDoc], None] | None = None,
    reference: ReferenceSpec | None = None,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    report_dir: Path | None = None,
    progress: ProgressSink | None = None,
    html: Path | None = None,
    garble: bool | None = None,
    filters: Filters | None = None,
    exclusions: Path | None = None,
) -> Summary:
    """Clean every document of ``paths`` and write the results.

    ``out`` is None (write to ``stdout``), a file (everything in it), or a folder
    (an existing folder, or a path ending in ``/``: one output per input file,
    mirroring relative paths). With ``reference``, each cleaned document is
    aligned with the clean version and a ``reference`` step reports (and, by
    policy, repairs) what translation broke. With ``html``, a review page of every
    edit is written there (:mod:`mtrepair.review`), one section per document as it
    is cleaned. Broken JSONL records are skipped and listed in
    ``Summary.problems``; everything else that is wrong raises.

    Scale (issue 7): ``workers`` > 1 cleans in that many processes, results still
    written in input order. Each input file is a shard; with an output folder each
    shard's output is committed atomically with a ``.done`` marker and ``resume``
    skips shards whose marker matches. ``report_dir`` gets one JSONL of report
    entries per shard; documents whose repair fails go, with their reason, to
    ``<shard>.excluded.jsonl`` next to the output (and to ``Summary.problems``),
    as do broken records. ``engine="dask"`` runs every shard as a Dask task (a
    LocalCluster of ``workers`` processes, or the cluster at ``scheduler``); it
    needs an output folder, and writes no single ``report``. ``progress`` is told
    the total input bytes, then every document (every shard on Dask).
    ``garble`` adds every output sentence's fluency garble score to its report
    entry (:mod:`mtrepair.qe.sentences`); ``None`` means on when a ``report`` or
    ``html`` page is written and off for ``report_dir`` alone, where corpus
    throughput matters (it roughly halves it).
    ``filters`` (:mod:`mtrepair.filters`) drops whole documents after repair: a
    dropped document is not written; it goes, with its reason, score and threshold,
    to the exclusion file (``NAME.excluded.jsonl`` of its shard with an output
    folder; else ``exclusions``, by default beside ``out``; standard output needs
    ``exclusions``), which then also lists the failed and broken documents. The
    counts per reason are ``Summary.filtered``. Filters run on the local engine.
    ``config`` defaults to the shipped glossary, ``stdout`` to ``sys.stdout``.
    """
    fmt = output_format(paths, fmt)
    check_engine(engine, workers)
    if html is not None and engine == "dask":
        raise ConfigError("--html writes one page from this process; use the local engine (--workers N)")
    filtering = filters is not None and filters.active
    if filtering and engine == "dask":
        raise ConfigError(
            "--filter runs on the local engine (use --workers N): Dask shards cannot record "
            "the filter's reasons and scores yet"
        )
    if config is None:
        from mtrepair.glossary import default_paths

        config = Config().with_glossary(default_paths())
    stdout = stdout if stdout is not None else sys.stdout
    files = expand(paths)
    inputs = [p for p, _ in files]
    mirror = out is not None and (Path(out).is_dir() or out.endswith(("/", "\\")))
    out_path = Path(out) if out is not None else None
    headers = fmt == "text" and (len(inputs) > 1 or any(is_jsonl(str(p)) for p in inputs))
    if resume and not mirror:
        raise ConfigError("--resume needs an output folder: -o FOLDER/")
    dropped_path = _exclusions_path(out, mirror, exclusions, filtering)
    if engine == "dask" and (not mirror or report is not None or any(str(p) == "-" for p in inputs)):
        raise ConfigError(
            "--engine dask writes every shard on the workers: give -o FOLDER/ and file inputs, "
            "and --report-dir instead of --report"
        )
    # Planned before the first pass (it reads the shards); the fingerprint, which
    # includes what the first pass learns, is filled in after it (_prepare).
    tasks = plan_shards(
        files,
        fmt=fmt,
        encoding=encoding,
        fingerprint="",
        out_dir=out_path if mirror else None,
        report_dir=report_dir,
        newline=headers,
    )
    problems = ReadProblems()
    summary = Summary()
    if garble is None:
        garble = report is not None or html is not None
    # Only a single report and the review page read every step in this process.
    job = Job(
        config,
        reference,
        entries=report_dir is not None,
        garble=garble,
        steps=report is not None or html is not None,
        filters=filters if filtering else None,
    )
    prepare = functools.partial(
        _prepare, tasks, job, summary, fmt=fmt, encoding=encoding, newline=headers, resume=resume
    )
    if engine == "dask":
        from mtrepair.engine import dask_client, dask_count_shards

        with dask_client(workers=workers, scheduler=scheduler) as client:
            tasks, job = prepare(lambda todo: dask_count_shards(client, todo))
            if progress is not None:
                progress.start(sum(input_bytes(t.path) for t in tasks))
            return _clean_on_dask(tasks, job, summary, client=client, progress=progress)
    tasks, job = prepare(lambda todo: count_shards(todo, workers=workers))
    if progress is not None:
        progress.start(sum(input_bytes(t.path) for t in tasks))
    with contextlib.ExitStack() as stack:
        writer = None
        if report is not None:
            writer = ReportWriter(stack.enter_context(atomic_writer(report, protect=tuple(inputs))))
        review = None
        if html is not None:
            from mtrepair.review import review_writer

            review = stack.enter_context(
                review_writer(html, config=config, protect=tuple(inputs), reference=reference)
            )
        sink: IO[str] | None = None
        if out_path is None:
            sink = stdout
        elif not mirror:
            sink = stack.enter_context(atomic_writer(out_path, protect=tuple(inputs)))
            summary.outputs.append(str(out))
        dropped: IO[str] | None = None
        if dropped_path is not None:
            dropped = stack.enter_context(atomic_writer(dropped_path, protect=tuple(inputs)))
            summary.exclusions = str(dropped_path)
        shard: FilteringShardWriter | None = None
        file_stack = contextlib.ExitStack()
        stack.enter_context(file_stack)
        # closing(): an error here must stop the worker pool now, not at garbage collection.
        stream = stack.enter_context(contextlib.closing(local_stream(tasks, job, workers=workers)))
        for item in stream:
            if isinstance(item, ShardStart):
                if mirror or report_dir is not None:
                    shard = FilteringShardWriter(item.task)
                    file_stack.enter_context(shard)
                continue
            if isinstance(item, ShardEnd):
                problems.messages.extend(item.problems.messages)
                summary.excluded += len(item.problems.skipped)
                if dropped is not None:
                    _write_lines(dropped, [skipped_exclusion(s) for s in item.problems.skipped])
                if shard is not None:
                    summary.outputs.extend(shard.commit(item.problems).outputs)
                    file_stack.close()
                    shard = None
                continue
            doc, outcome = item.doc, item.outcome
            if outcome.verdict is not None:
                summary.filtered[outcome.verdict.reason] += 1
                if shard is not None:
                    shard.drop(doc, outcome.verdict)
                if dropped is not None:
                    _write_lines(dropped, [filtered_exclusion(doc, outcome.verdict)])
                if progress is not None:
                    progress.advance(1, doc.nbytes)
                continue
            if outcome.result is None:
                reason = outcome.error or "repair failed"
                problems.messages.append(exclusion_message(doc, reason))
                summary.excluded += 1
                if shard is not None:
                    shard.exclude(doc, reason)
                if dropped is not None:
                    _write_lines(dropped, [exclusion(doc, reason)])
                if progress is not None:
                    progress.advance(1, doc.nbytes)
                continue
            result, extra = outcome.result, outcome.extra
            n_edits, n_flags = outcome.edits, outcome.flags
            header = ""
            if headers and not mirror:
                header = f"{'' if summary.documents == 0 else chr(10)}==> {doc.id} <==\n"
            rendered = render(doc, outcome, fmt, header=header, newline=headers)
            if shard is not None:
                shard.add(doc, outcome, rendered)
            if not mirror:
                assert sink is not None
                sink.write(rendered)
            if writer is not None or review is not None:
                entry = {**document_entry(doc.id, doc.source, result, encoding=doc.encoding), **extra}
                if writer is not None:
                    writer.add(entry)
                if review is not None:
                    review.add(entry, original=doc.text, repaired=result.text)
            summary.documents += 1
            summary.changed += result.changed
            summary.edits += n_edits
            summary.flags += n_flags
            summary.bytes += doc.nbytes
            summary.reference.update(extra.get("reference", {}).get("summary", {}))
            if on_document is not None:
                on_document(doc)
            if progress is not None:
                progress.advance(1, doc.nbytes)
        file_stack.close()
        if writer is not None:
            writer.close()
    summary.problems = problems.messages
    if summary.exclusions is not None:
        summary.outputs.append(summary.exclusions)
    return summary


def _write_lines(fh: IO[str], lines: list[dict[str, Any]]) -> None:
    fh.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def _prepare(
    tasks: list[ShardTask],
    job: Job,
    summary: Summary,
    counter: Callable[[list[ShardTask]], Iterable[tuple[int, LineCounts]]],
    *,
    fmt: str,
    encoding: str,
    newline: bool,
    resume: bool,
) -> tuple[list[ShardTask], Job]:
    """The first pass, then the shards still to clean and the job that cleans them.

    The first pass learns the corpus's repeated lines from **every** input, the
    finished shards of a resumed run included: what a shard's output holds
    depends on the whole corpus, so a resumed run must learn exactly what the
    first run learned. What was learned enters the shards' fingerprint, so a
    changed corpus (an input added or edited) redoes the finished shards too.
    """
    config = job.config
    learned = None
    if RULE not in config.disabled:
        files = [t for t in tasks if t.path != "-"]  # stdin cannot be read twice: nothing to learn
        if files:
            counts = fold(counter(files), [t.index for t in files])
            learned = counts.learn(min_docs=config.repeated_min_docs, share=config.repeated_share)
    digest = fingerprint(
        config, fmt=fmt, encoding=encoding, newline=newline, reference=job.reference, repeated=learned
    )
    if job.filters is not None:
        # The filters decide which documents a shard's output holds: a changed threshold redoes it.
        digest = hashlib.sha256(f"{digest}|filters={job.filters!r}".encode()).hexdigest()
    tasks = [dataclasses.replace(t, fingerprint=digest) for t in tasks]
    if resume:
        todo = [t for t in tasks if not is_done(t)]
        summary.resumed = len(tasks) - len(todo)
        tasks = todo
    return tasks, dataclasses.replace(job, repeated=learned)


def _clean_on_dask(
    tasks: list[ShardTask],
    job: Job,
    summary: Summary,
    *,
    client: Any,
    progress: ProgressSink | None,
) -> Summary:
    """Every shard as one Dask task; the summaries come back as shards finish, kept in input order."""
    from mtrepair.engine import dask_shards

    done = []
    for shard in dask_shards(tasks, job, client=client):
        done.append(shard)
        if progress is not None:
            progress.advance(shard.documents, shard.bytes)
    for shard in sorted(done, key=lambda s: s.index):
        summary.documents += shard.documents
        summary.changed += shard.changed
        summary.edits += shard.edits
        summary.flags += shard.flags
        summary.bytes += shard.bytes
        summary.excluded += shard.excluded
        summary.outputs.extend(shard.outputs)
        summary.problems.extend(shard.problems)
    return summary


def learn_repeated(
    paths: list[str], *, config: Config, encoding: str = "utf-8", workers: int = 1
) -> RepeatedLines | None:
    """The first pass alone: the repeated lines of ``paths``, per source (None: the rule is off).

    What ``clean`` learns before it cleans the same inputs (:mod:`mtrepair.frequent`).
    """
    if RULE in config.disabled:
        return None
    # Planned as clean plans them (an unreadable input among several is skipped there too).
    planned = plan_shards(expand(paths), fmt="text", encoding=encoding, fingerprint="")
    tasks = [t for t in planned if t.path != "-"]
    if not tasks:
        return None
    counts = fold(count_shards(tasks, workers=workers), [t.index for t in tasks])
    return counts.learn(min_docs=config.repeated_min_docs, share=config.repeated_share)


def iter_results(
    paths: list[str], *, config: Config, encoding: str = "utf-8", problems: ReadProblems | None = None
) -> Iterator[tuple[SourceDoc, list[Any]]]:
    """Documents with their findings located in the original text (for ``detect``).

    The corpus's repeated lines are learned first, as ``clean`` learns them, so
    ``detect`` reports what ``clean`` would do.
    """
    from mtrepair.pipeline import detect_text

    # As in clean: with several inputs an unreadable one is reported and skipped.
    tolerant = len(expand(paths)) > 1
    learned = learn_repeated(paths, config=config, encoding=encoding)
    for doc in read_documents(paths, encoding=encoding, problems=problems, tolerant=tolerant):
        doc_config = config if learned is None else config.for_document(learned.lookup(doc))
        yield doc, list(detect_text(doc.text, doc_config))
