"""Progress of a long ``clean``: a rich bar on a terminal, plain periodic lines in a log.

A run over a crawl takes hours. On a terminal the user wants a live bar
(documents/s, MB/s, ETA); under nohup, cron or a cluster job, stderr is a file,
where a redrawn bar is garbage and silence looks like a hang, so a plain line is
written every ``--log-every`` seconds instead. MB means 10^6 bytes of input text
(uncompressed), the unit of the benchmarks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text

MB = 1_000_000
BAR_MIN_BYTES = 1_000_000  # smaller runs finish before a bar is worth drawing


class ProgressSink(Protocol):
    """What :func:`mtrepair.clean_corpus` reports to: the total once, then increments."""

    def start(self, total_bytes: int) -> None: ...

    def advance(self, documents: int, nbytes: int) -> None: ...


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class LogProgress:
    """One plain line every ``every`` seconds (and none for runs shorter than that)."""

    def __init__(
        self, write: Callable[[str], None], every: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.write = write
        self.every = every
        self.clock = clock
        self.total = 0
        self.documents = 0
        self.nbytes = 0
        self.started = self.last = clock()

    def start(self, total_bytes: int) -> None:
        self.total = total_bytes
        self.started = self.last = self.clock()

    def advance(self, documents: int, nbytes: int) -> None:
        self.documents += documents
        self.nbytes += nbytes
        now = self.clock()
        if now - self.last >= self.every:
            self.last = now
            self.write(self.line(now))

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self.nbytes / elapsed
        parts = [f"mtrepair: progress: {self.documents:,} documents"]
        if self.total:
            share = min(self.nbytes / self.total, 1.0)
            parts.append(f"{self.nbytes / MB:.1f} of {self.total / MB:.1f} MB ({share:.0%})")
        else:
            parts.append(f"{self.nbytes / MB:.1f} MB")
        parts.append(f"{self.documents / elapsed:.1f} documents/s")
        parts.append(f"{rate / MB:.2f} MB/s")
        if self.total and rate > 0:
            parts.append(f"ETA {_clock(max(self.total - self.nbytes, 0) / rate)}")
        parts.append(f"elapsed {_clock(elapsed)}")
        return ", ".join(parts)


class _DocsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        docs = int(task.fields.get("docs", 0))
        elapsed = task.elapsed or 0.0
        rate = f"{docs / elapsed:,.1f}" if elapsed > 0 else "?"
        return Text(f"{docs:,} docs, {rate} docs/s", style="progress.data.speed")


class RichProgress:
    """A live bar on the terminal: documents, documents/s, MB/s and the time left."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            _DocsPerSecond(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self.task: TaskID | None = None
        self.documents = 0

    def start(self, total_bytes: int) -> None:
        if total_bytes < BAR_MIN_BYTES:
            return
        self.progress.start()
        self.task = self.progress.add_task("cleaning", total=total_bytes, docs=0)

    def advance(self, documents: int, nbytes: int) -> None:
        if self.task is None:
            return
        self.documents += documents
        self.progress.update(self.task, advance=nbytes, docs=self.documents)

    def stop(self) -> None:
        if self.task is not None:
            self.progress.stop()


@contextmanager
def reporter(console: Console, *, log_every: float) -> Iterator[ProgressSink | None]:
    """The progress display that suits ``console``: a bar, log lines, or none (``log_every`` 0)."""
    if console.is_terminal:
        bar = RichProgress(console)
        try:
            yield bar
        finally:
            bar.stop()
    elif log_every > 0:
        yield LogProgress(
            lambda line: console.print(line, markup=False, highlight=False, soft_wrap=True), log_every
        )
    else:
        yield None
