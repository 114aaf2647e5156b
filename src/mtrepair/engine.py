"""Executors: where documents get cleaned. In this process, in a process pool, or on Dask.

datatrove's model: a run is a stream of documents through one pipeline, and the
executor is swappable. Here the pipeline is :func:`process` (clean one document,
optionally compare it with a reference and build its report entry); a failure
inside it excludes that document with its reason instead of ending the run.

- ``local``, one worker: :func:`process` inline, nothing to set up.
- ``local``, N workers: a :class:`~concurrent.futures.ProcessPoolExecutor`. The
  main process reads documents, sends them in small batches (a few hundred KB) to
  the workers, keeps a bounded window of batches in flight and yields the results
  back **in input order**, so every writer of the main process (stdout, the JSON
  report, the HTML review, per-shard outputs) works unchanged, and memory stays
  flat whatever the corpus size. Chunk-level rather than shard-level, so one
  big file is parallel too.
- ``dask``: every shard is one Dask task running :func:`mtrepair.shards.clean_shard`
  on a worker, which reads its input and writes its outputs itself (on a cluster,
  a shared filesystem); the main process only gathers the shard summaries.

What crosses a process boundary is a :class:`Job` pickled once: the configuration
(the glossary travels as its entries and patterns; the Aho-Corasick automaton is
built lazily on first use, so once per worker), the reference, and the repeated
lines the first pass learned. Workers keep it for their lifetime; models and word
lists load on first use, once per worker.

The first pass (corpus-level repeated lines, :mod:`mtrepair.frequent`) runs on
the same executors before the clean pass: :func:`count_shards` maps
:func:`~mtrepair.frequent.count_shard` over the shards (inline, in a process
pool, or as Dask tasks on the client the clean pass then uses) and the main
process folds the counts in input order.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import multiprocessing
import pickle
import signal
import uuid
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from mtrepair.config import Config
from mtrepair.errors import ConfigError, MtrepairError
from mtrepair.frequent import count_shard, source_fields
from mtrepair.io import ReadProblems, SourceDoc, read_file
from mtrepair.model import Result
from mtrepair.pipeline import clean_text
from mtrepair.report import document_entry

if TYPE_CHECKING:  # pragma: no cover - typing only
    from mtrepair.corpus import ReferenceSpec
    from mtrepair.filters import Filters, Verdict
    from mtrepair.frequent import LineCounts, RepeatedLines
    from mtrepair.shards import ShardSummary, ShardTask

ENGINES = ("local", "dask")
BATCH_DOCS = 16  # documents per batch sent to a worker
BATCH_BYTES = 256_000  # or fewer, when documents are long
WINDOW_PER_WORKER = 4  # batches in flight per worker: keeps workers busy, memory bounded


class WorkerError(MtrepairError):
    """A worker process died (killed, out of memory) or a cluster could not be reached."""

    exit_code = 1


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to clean documents; pickled once, kept per worker."""

    config: Config
    reference: ReferenceSpec | None = None
    entries: bool = False  # build each document's report entry in the worker (--report-dir)
    steps: bool = True  # send every step back to the main process (a --report or --html page reads them)
    garble: bool = False  # score every output sentence (mtrepair.qe.sentences) into the entry
    repeated: RepeatedLines | None = None  # what the first pass learned (rule repeated_lines)
    filters: Filters | None = None  # document filters (clean --filter): a dropped document has a verdict

    def config_for(self, doc: SourceDoc) -> Config:
        """The configuration for one document: with its source's repeated lines, if any."""
        if self.repeated is None:
            return self.config
        return self.config.for_document(self.repeated.lookup(doc))


@dataclass(frozen=True)
class Outcome:
    """One cleaned document, or why it could not be cleaned (``result`` is None).

    A document a filter dropped (:mod:`mtrepair.filters`) has no result either:
    its ``verdict`` says why, with the score, and ``error`` holds the verdict's message.

    ``edits`` and ``flags`` count the result's steps. They are kept apart because
    a worker of a run that needs no steps in the main process (no ``--report``,
    no ``--html``) sends back only the repaired text and metadata: unpickling 90
    edits per document made the main process the bottleneck of a two-worker run.
    Such a result comes back with no steps (``detached``) and, once it has
    arrived, the original text the main process kept.
    """

    result: Result | None
    extra: dict[str, Any] = field(default_factory=dict)
    entry: dict[str, Any] | None = None
    error: str | None = None
    edits: int = 0
    flags: int = 0
    detached: bool = False
    verdict: Verdict | None = None

    def travel(self) -> Outcome:
        """The outcome as a worker sends it when the main process needs no steps."""
        if self.result is None or self.detached:
            return self
        return replace(self, result=Result("", self.result.text, (), self.result.metadata), detached=True)

    def arrive(self, original: str) -> Outcome:
        """The travelled outcome with the original text put back."""
        if self.result is None or not self.detached:
            return self
        return replace(self, result=replace(self.result, original=original), detached=False)


def process(doc: SourceDoc, job: Job) -> Outcome:
    """Clean one document: the pipeline every engine runs.

    An exception inside a repair excludes this document (with its reason) and the
    run goes on: one odd document in a million must not cost the other 999,999.
    Domain errors (:class:`MtrepairError`: a bad option, a missing model) are the
    user's to fix and still stop the run. With ``job.filters`` the finished text
    (after a reference's adoptions) is judged before the costly report work, and a
    dropped document comes back without a result, with its verdict.
    """
    try:
        result = clean_text(doc.text, job.config_for(doc))
        extra: dict[str, Any] = {}
        if job.reference is not None:
            from mtrepair.align.reference import apply_reference, summarize

            ref = job.reference
            result, beads = apply_reference(
                result, ref.text, job.config, backend=ref.backend, min_score=ref.min_score, policy=ref.policy
            )
            extra["reference"] = {
                "source": ref.source,
                "beads": [b.as_dict() for b in beads],
                "summary": summarize(result, beads),
            }
        if job.filters is not None and job.filters.active:
            from mtrepair.filters import judge

            verdict = judge(result, job.filters, job.config.lang)
            if verdict is not None:
                return Outcome(None, error=verdict.message, verdict=verdict)
        if job.garble:
            from mtrepair.qe.sentences import garble_entry

            extra["garble"] = garble_entry(result.text, job.config.lang)
        entry = None
        if job.entries:
            entry = {**document_entry(doc.id, doc.source, result, encoding=doc.encoding), **extra}
    except MtrepairError:
        raise
    except Exception as exc:
        return Outcome(None, error=f"repair failed: {type(exc).__name__}: {exc}")
    edits = sum(len(s.edits) for s in result.steps)
    flags = sum(len(s.flags) for s in result.steps)
    return Outcome(result, extra, entry, edits=edits, flags=flags)


# --- the worker side: one Job per worker process, unpickled once

_JOBS: dict[str, Job] = {}


def job_from(job: Job | bytes) -> Job:
    """The Job itself, or the one these pickled bytes hold, unpickled once per process."""
    if isinstance(job, Job):
        return job
    digest = hashlib.sha256(job).hexdigest()
    cached = _JOBS.get(digest)
    if cached is None:
        cached = pickle.loads(job)
        if not isinstance(cached, Job):
            raise TypeError("not a pickled mtrepair Job")
        _JOBS.clear()  # one run at a time per worker: drop the previous run's models
        _JOBS[digest] = cached
    return cached


_WORKER_JOB: Job | None = None


def _init_worker(blob: bytes) -> None:
    """Pool initializer: keep the job; Ctrl-C is the main process's to handle."""
    global _WORKER_JOB
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_JOB = job_from(blob)


def _clean_batch(docs: list[SourceDoc]) -> list[Outcome]:
    job = _WORKER_JOB
    assert job is not None, "worker not initialized"
    outcomes = [process(doc, job) for doc in docs]
    return outcomes if job.steps else [o.travel() for o in outcomes]


def pickled(job: Job) -> bytes:
    """The job as bytes for the workers; a one-line error if something in it cannot travel."""
    try:
        return pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise ConfigError(
            f"this configuration cannot be sent to worker processes ({exc}); run with --workers 1"
        ) from None


# --- the stream the main process consumes


@dataclass(frozen=True)
class ShardStart:
    task: ShardTask


@dataclass(frozen=True)
class ShardEnd:
    task: ShardTask
    problems: ReadProblems


@dataclass(frozen=True)
class Processed:
    task: ShardTask
    doc: SourceDoc
    outcome: Outcome


Item = ShardStart | ShardEnd | Processed


def _read(tasks: Iterable[ShardTask], stdin: IO[bytes] | None) -> Iterator[ShardStart | ShardEnd | Processed]:
    """Every shard's documents in order, between a start and an end that carries its read problems.

    Documents come out as ``Processed`` with an empty outcome, filled in later.
    """
    empty = Outcome(None)
    for task in tasks:
        yield ShardStart(task)
        problems = ReadProblems()
        docs = read_file(
            Path(task.path),
            task.rel,
            encoding=task.encoding,
            problems=problems,
            stdin=stdin,
            tolerant=task.tolerant,
        )
        for doc in docs:
            yield Processed(task, doc, empty)
        yield ShardEnd(task, problems)


def local_stream(
    tasks: Iterable[ShardTask], job: Job, *, workers: int = 1, stdin: IO[bytes] | None = None
) -> Generator[Item, None, None]:
    """The cleaned documents of ``tasks`` in input order, with shard boundaries, on this machine."""
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, not {workers}")
    source = _read(tasks, stdin)
    if workers == 1:
        for item in source:
            yield replace(item, outcome=process(item.doc, job)) if isinstance(item, Processed) else item
        return
    yield from _pooled(source, pickled(job), workers)


def _context() -> BaseContext:
    # forkserver, not fork: the main process may run threads (a progress bar), and
    # a forked copy of a lock held by another thread deadlocks the child. Where
    # there is no forkserver (Windows), spawn.
    if "forkserver" in multiprocessing.get_all_start_methods():
        server = multiprocessing.get_context("forkserver")
        server.set_forkserver_preload(["mtrepair.engine"])
        return server
    return multiprocessing.get_context("spawn")


def _pool(blob: bytes, workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=_context(), initializer=_init_worker, initargs=(blob,)
    )


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def count_shards(tasks: list[ShardTask], *, workers: int = 1) -> Iterator[tuple[int, LineCounts]]:
    """The first pass on this machine: every shard's line counts, in input order.

    One task per shard (an input file), so one huge file is counted by one
    process; counting runs at tens of MB/s, far ahead of cleaning, so this costs
    a few percent of a run (README, "Repeated lines"). At most ``2 * workers``
    shards are in flight, which bounds the counts held here.
    """
    if workers == 1 or len(tasks) < 2:
        for task in tasks:
            yield task.index, count_shard(task)
        return
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(tasks)), mp_context=_context(), initializer=_ignore_interrupt
    )
    pending: deque[tuple[int, Future[LineCounts]]] = deque()
    try:
        for task in tasks:
            pending.append((task.index, pool.submit(count_shard, task)))
            while len(pending) >= 2 * workers:
                yield _counted(*pending.popleft())
        while pending:
            yield _counted(*pending.popleft())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _counted(index: int, future: Future[LineCounts]) -> tuple[int, LineCounts]:
    try:
        return index, future.result()
    except BrokenProcessPool:
        raise WorkerError("a worker process died (killed, or out of memory) while counting lines") from None


def _pooled(source: Iterator[Item], blob: bytes, workers: int) -> Iterator[Item]:
    pending: deque[tuple[list[Item], Future[list[Outcome]] | None]] = deque()
    window = workers * WINDOW_PER_WORKER
    batch: list[Item] = []
    docs: list[SourceDoc] = []
    size = 0

    def drain() -> Iterator[Item]:
        items, future = pending.popleft()
        try:
            outcomes = iter(future.result() if future is not None else ())
        except BrokenProcessPool:
            raise WorkerError(
                "a worker process died (killed, or out of memory); rerun with --resume to go on"
            ) from None
        for item in items:
            if isinstance(item, Processed):
                yield replace(item, outcome=next(outcomes).arrive(item.doc.text))
            else:
                yield item

    pool = _pool(blob, workers)
    try:
        for item in source:
            batch.append(item)
            if isinstance(item, Processed):
                # The record stays here; the worker needs the text, and the fields
                # that name the document's source (repeated lines are per source).
                docs.append(replace(item.doc, record=source_fields(item.doc.record)))
                size += len(item.doc.text)
            if len(docs) >= BATCH_DOCS or size >= BATCH_BYTES:
                pending.append((batch, pool.submit(_clean_batch, docs)))
                batch, docs, size = [], [], 0
                while len(pending) >= window:
                    yield from drain()
        if batch:
            pending.append((batch, pool.submit(_clean_batch, docs) if docs else None))
        while pending:
            yield from drain()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


# --- Dask


def _distributed() -> Any:
    try:
        # Any-typed: distributed's functions carry no annotations for strict mypy.
        return importlib.import_module("distributed")
    except ImportError:
        raise ConfigError(
            "--engine dask needs dask.distributed; install it: pip install 'mtrepair[dask]'"
        ) from None


@contextlib.contextmanager
def dask_client(*, workers: int = 1, scheduler: str | None = None, timeout: float = 30.0) -> Iterator[Any]:
    """A Dask client for one run: both passes (counting, cleaning) use it.

    Without ``scheduler`` a :class:`distributed.LocalCluster` of ``workers``
    single-threaded worker processes is started (and stopped) here; with it, the
    existing cluster at that address is used, and the input and output paths
    must be reachable from its workers.
    """
    distributed = _distributed()
    cluster: Any = None
    try:
        if scheduler is None:
            cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,  # logging.ERROR
            )
            client = distributed.Client(cluster, timeout=timeout, set_as_default=False)
        else:
            client = distributed.Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        where = scheduler or "a local cluster"
        raise WorkerError(f"cannot reach the Dask scheduler at {where} ({exc}); check --scheduler") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_map(client: Any, fn: Callable[..., Any], tasks: list[ShardTask], *args: Any) -> Iterator[Any]:
    """``fn(task, *args)`` for every task as Dask tasks; results as they finish."""
    distributed = _distributed()
    run = uuid.uuid4().hex[:8]  # keys unique per run: a long-lived scheduler must not reuse results
    name = getattr(fn, "__name__", "task")
    futures = [
        client.submit(fn, task, *args, key=f"mtrepair-{name}-{run}-{task.index}-{task.rel}") for task in tasks
    ]
    for future in distributed.as_completed(futures, loop=client.loop):
        yield future.result()


def dask_count_shards(client: Any, tasks: list[ShardTask]) -> Iterator[tuple[int, LineCounts]]:
    """The first pass on Dask: every shard's line counts, as the tasks finish (fold reorders them)."""
    yield from _dask_map(client, _indexed_count, tasks)


def _indexed_count(task: ShardTask) -> tuple[int, LineCounts]:
    """The Dask task of the first pass: a shard's counts, with its index for the ordered fold."""
    return task.index, count_shard(task)


def dask_shards(
    tasks: list[ShardTask],
    job: Job,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    timeout: float = 30.0,
    client: Any = None,
) -> Iterator[ShardSummary]:
    """Run :func:`~mtrepair.shards.clean_shard` for every task as Dask tasks; summaries as they finish.

    ``client`` is a :func:`dask_client` of this run (the first pass used it
    already); without one, a client is opened for this call (see there for
    ``workers`` and ``scheduler``).
    """
    from mtrepair.shards import clean_shard

    blob = pickled(job)
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(dask_client(workers=workers, scheduler=scheduler, timeout=timeout))
        shipped = client.scatter(blob, broadcast=True)
        yield from _dask_map(client, clean_shard, tasks, shipped)


def check_engine(engine: str, workers: int) -> None:
    """One-line errors for a bad ``--engine`` or ``--workers`` before anything starts."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; use {' or '.join(ENGINES)}")
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, not {workers}")
