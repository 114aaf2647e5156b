"""Corpus-level repeated lines (issue 16a): learn the lines a source repeats in its documents.

A line that recurs across many documents of one site is the site's chrome (a
comment form, a share bar, a translation banner, a dateline, a footer), not part
of any one story. No single document shows that; the corpus does. So a first pass
over the inputs counts, per **source**, in how many documents each line occurs,
and the ``repeated_lines`` rule (:mod:`mtrepair.rules.repeated`) removes, with
that count as its logged reason, the lines at or above a threshold.

What a source is (:func:`source_of`): a JSONL record's ``site`` field, else the
host of its ``url``, else its ``source`` field, else the input file; a text file's
source is its folder. ``site`` and ``url`` name one site's template, which is what
chrome belongs to; a ``source`` field often names a whole dataset or a wire
agency, so it comes after them.

What is counted (:func:`line_key`): each line once per document, whitespace
collapsed and case folded, as a 64-bit BLAKE2b digest (stable across processes,
unlike :func:`hash`; two different lines collide with probability about
``n**2 / 2**65``, nil for any corpus). Lines longer than
:data:`MAX_LINE_CHARS` are paragraphs, never chrome, and are not counted.

Bounded memory (:class:`SourceCounts`): per source a Misra-Gries summary
(mergeable, Agarwal et al. 2012) of at most ``2 * capacity`` counters. While a
source has fewer distinct lines than that, counts are exact; beyond, the table is
shrunk to ``capacity`` by subtracting the ``capacity + 1``-th largest count from
every counter. A count is then never above the truth and at most
``lines / (capacity + 1)`` below it (``lines``: line-document pairs of the
source), recorded as ``error``: any line whose share of documents is at least the
threshold plus ``lines / documents / (capacity + 1)`` is found for sure (with 40
distinct lines per document and the default capacity, 4 points of share).
Underestimates can only miss chrome, never remove a line below the threshold.
Memory: at most ``2 * capacity`` counters (about 100 bytes each, 200 KB) per
source, independent of the corpus size.

Map and reduce: every shard (input file) is counted on its own, wherever it runs
(inline, a worker process, a Dask task), and the shard counts are merged in input
order in the main process (:func:`fold`). Merging is a sum followed by the same
shrink; since the partition (one count per input file) and the merge order do not
depend on the engine, ``--workers N`` and Dask learn exactly what one worker learns.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mtrepair.io import ReadProblems, SourceDoc, read_file

if TYPE_CHECKING:  # pragma: no cover - typing only
    from mtrepair.shards import ShardTask

MAX_LINE_CHARS = 1000
CAPACITY = 1024
DEFAULT_MIN_DOCS = 5
DEFAULT_SHARE = 0.3
STRICT_SHARE = 0.8
STRICT_FACTOR = 4
RULE = "repeated_lines"

_blake2b = hashlib.blake2b


def line_key(line: str) -> int | None:
    """The counting key of one line: its normalized form's 64-bit digest (None: not counted).

    Whitespace runs collapse to one space and case folds, so a line that differs
    only in spacing, a CR or capitals is the same line; a leading byte-order mark
    is ignored (the pipeline reads a document without it).
    """
    if len(line) > MAX_LINE_CHARS:
        return None
    norm = " ".join(line.split()).lstrip("\ufeff")
    if not norm:
        return None
    data = norm.casefold().encode("utf-8", "surrogatepass")
    return int.from_bytes(_blake2b(data, digest_size=8).digest(), "little")


def document_keys(text: str) -> set[int]:
    """The keys of a document's lines, each once (a line repeated inside one document counts once)."""
    keys = set()
    for line in text.split("\n"):
        key = line_key(line)
        if key is not None:
            keys.add(key)
    return keys


_SOURCE_FIELDS = ("site", "url", "source")


def _site(value: str) -> str:
    host = value.strip().lower()
    return host.removeprefix("www.")


def source_of(doc: SourceDoc) -> str | None:
    """The source a document's chrome belongs to (None: stdin, nothing to learn from).

    ``site …`` (a record's ``site``, or its ``url``'s host, ``www.`` dropped),
    ``source …`` (a record's ``source`` field), ``file …`` (a JSONL file without
    those fields) or ``folder …`` (a text file's folder, as the path was given).
    """
    if doc.source == "-":
        return None
    record = doc.record
    if record is None:
        return f"folder {Path(doc.source).parent}"
    site = record.get("site")
    if isinstance(site, str) and site.strip():
        return f"site {_site(site)}"
    url = record.get("url")
    if isinstance(url, str) and url.strip():
        try:
            host = urlsplit(url.strip()).hostname
        except ValueError:  # a malformed URL (an unclosed IPv6 bracket): no host to read
            host = None
        if host:
            return f"site {_site(host)}"
    source = record.get("source")
    if isinstance(source, str) and source.strip():
        return f"source {source.strip()}"
    return f"file {doc.source}"


def source_fields(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """The fields of a record :func:`source_of` reads: what a worker needs of a record it does not write."""
    if record is None:
        return None
    return {k: record[k] for k in _SOURCE_FIELDS if k in record}


@dataclass
class SourceCounts:
    """A Misra-Gries summary of one source: per line key, the documents holding it (lower bound)."""

    documents: int = 0
    lines: int = 0  # (document, distinct line) pairs counted
    error: int = 0  # no count is more than this below the truth
    counts: dict[int, int] = field(default_factory=dict)

    def add(self, keys: Iterable[int], capacity: int = CAPACITY) -> None:
        """Count one document's distinct line keys."""
        counts = self.counts
        get = counts.get
        n = 0
        for key in keys:
            counts[key] = get(key, 0) + 1
            n += 1
        self.documents += 1
        self.lines += n
        if len(counts) > 2 * capacity:
            self._shrink(capacity)

    def merge(self, other: SourceCounts, capacity: int = CAPACITY) -> None:
        """Add ``other``'s counts to these (the reduce step); the bound still holds."""
        counts = self.counts
        get = counts.get
        for key, n in other.counts.items():
            counts[key] = get(key, 0) + n
        self.documents += other.documents
        self.lines += other.lines
        self.error += other.error
        if len(counts) > 2 * capacity:
            self._shrink(capacity)

    def _shrink(self, capacity: int) -> None:
        # Subtracting the (capacity+1)-th largest count m from every counter takes at
        # least m * (capacity + 1) from the total, which is why the sum of all m is at
        # most lines / (capacity + 1); at most `capacity` counters stay positive.
        m = heapq.nlargest(capacity + 1, self.counts.values())[-1]
        self.counts = {k: v - m for k, v in self.counts.items() if v > m}
        self.error += m


@dataclass
class LineCounts:
    """The counts of one shard, or of many merged: per source, a :class:`SourceCounts`."""

    capacity: int = CAPACITY
    sources: dict[str, SourceCounts] = field(default_factory=dict)

    def add(self, source: str, text: str) -> None:
        counts = self.sources.get(source)
        if counts is None:
            counts = self.sources[source] = SourceCounts()
        counts.add(document_keys(text), self.capacity)

    def merge(self, other: LineCounts) -> None:
        for source, theirs in other.sources.items():
            ours = self.sources.get(source)
            if ours is None:
                ours = self.sources[source] = SourceCounts()
            ours.merge(theirs, self.capacity)

    @property
    def documents(self) -> int:
        return sum(s.documents for s in self.sources.values())

    def learn(self, *, min_docs: int = DEFAULT_MIN_DOCS, share: float = DEFAULT_SHARE) -> RepeatedLines:
        """The lines at or above the threshold of their source (see :func:`thresholds`)."""
        learned: dict[str, SourceLines] = {}
        for source in sorted(self.sources):
            counts = self.sources[source]
            base, strict = thresholds(counts.documents, min_docs=min_docs, share=share)
            kept = {k: n for k, n in counts.counts.items() if n >= base}
            if kept:
                learned[source] = SourceLines(
                    source, counts.documents, dict(sorted(kept.items())), base, strict, counts.error == 0
                )
        return RepeatedLines(learned, documents=self.documents, sources=len(self.sources))


def thresholds(documents: int, *, min_docs: int, share: float) -> tuple[int, int]:
    """The two document counts a line of a source of ``documents`` must reach.

    ``base`` = max(min_docs, share x documents): chrome at a document's edge.
    ``strict`` = max(4 x min_docs, 80% x documents, base): inside the body, and a
    whole sentence at an edge; a site's template is on nearly every page, a
    story's background paragraph or a section heading is not.
    """
    base = max(min_docs, math.ceil(round(share * documents, 9)))
    strict = max(base, STRICT_FACTOR * min_docs, math.ceil(round(STRICT_SHARE * documents, 9)))
    return base, strict


@dataclass(frozen=True)
class SourceLines:
    """What the rule needs for one document: its source's repeated lines and thresholds.

    ``counts`` maps a line key to the documents of the source holding the line
    (only lines at or above ``base``); ``exact`` is False when the summary was
    shrunk, and the counts are then lower bounds.
    """

    source: str
    documents: int
    counts: Mapping[int, int]
    base: int
    strict: int
    exact: bool = True

    @classmethod
    def of(
        cls,
        lines: Mapping[str, int],
        *,
        documents: int,
        source: str = "site example.com",
        min_docs: int = DEFAULT_MIN_DOCS,
        share: float = DEFAULT_SHARE,
    ) -> SourceLines:
        """Built from lines and their document counts, as the first pass would learn them (tests, API)."""
        base, strict = thresholds(documents, min_docs=min_docs, share=share)
        counts: dict[int, int] = {}
        for line, n in lines.items():
            key = line_key(line)
            if key is not None and n >= base:
                counts[key] = n
        return cls(source, documents, counts, base, strict)

    def __hash__(self) -> int:
        # The counts are a dict; a Config holding this must stay hashable like any other.
        return hash((self.source, self.documents, self.base, self.strict, len(self.counts)))

    @cached_property
    def reaches_strict(self) -> bool:
        """Whether any line reaches the strict threshold (else no line inside a body can go)."""
        return any(n >= self.strict for n in self.counts.values())

    def count(self, line: str) -> int | None:
        """The documents holding ``line`` if it is a repeated line of this source, else None."""
        key = line_key(line)
        return None if key is None else self.counts.get(key)


@dataclass(frozen=True)
class RepeatedLines:
    """Everything the first pass learned: per source, its repeated lines (travels in the Job)."""

    by_source: Mapping[str, SourceLines]
    documents: int = 0
    sources: int = 0

    def lookup(self, doc: SourceDoc) -> SourceLines | None:
        """The repeated lines of ``doc``'s source, or None when it has none."""
        if not self.by_source:
            return None
        source = source_of(doc)
        return None if source is None else self.by_source.get(source)

    @property
    def lines(self) -> int:
        return sum(len(s.counts) for s in self.by_source.values())

    def digest(self) -> str:
        """A stable digest of what was learned: part of the shard fingerprint, so ``--resume``
        redoes finished shards when the learned lines change (an input was added or edited)."""
        h = hashlib.sha256()
        for source in sorted(self.by_source):
            s = self.by_source[source]
            head = [source, s.documents, s.base, s.strict, s.exact]
            h.update(json.dumps(head, ensure_ascii=False).encode("utf-8", "surrogatepass"))
            for key in sorted(s.counts):
                h.update(b"%d:%d;" % (key, s.counts[key]))
        return h.hexdigest()


def count_shard(task: ShardTask, capacity: int = CAPACITY) -> LineCounts:
    """The map step: count one input file's lines (inline, in a worker process, or as a Dask task).

    Reads the shard as the clean pass reads it; records it cannot read are the
    clean pass's to report, so they are only skipped here.
    """
    counts = LineCounts(capacity)
    if task.path == "-":
        return counts
    docs = read_file(
        Path(task.path), task.rel, encoding=task.encoding, problems=ReadProblems(), tolerant=task.tolerant
    )
    for doc in docs:
        source = source_of(doc)
        if source is not None:
            counts.add(source, doc.text)
    return counts


def fold(
    results: Iterable[tuple[int, LineCounts]], order: Sequence[int], capacity: int = CAPACITY
) -> LineCounts:
    """The reduce step: merge shard counts in input ``order``, whatever order they arrive in.

    A count that arrives early waits until every shard before it is merged (with
    one worker, or the ordered local pool, nothing waits), so the result never
    depends on which worker finished first.
    """
    total = LineCounts(capacity)
    waiting: dict[int, LineCounts] = {}
    position = 0
    for index, counts in results:
        waiting[index] = counts
        while position < len(order) and order[position] in waiting:
            total.merge(waiting.pop(order[position]))
            position += 1
    if waiting or position < len(order):
        raise ValueError("shard counts missing or unexpected: the first pass did not finish")
    return total
