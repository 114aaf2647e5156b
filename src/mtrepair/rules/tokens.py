"""Token-level damage: doubled words, stray and unbalanced quotes, fragments."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from functools import cache

from mtrepair.config import Config
from mtrepair.model import Finding
from mtrepair.registry import finding, rule
from mtrepair.rules.breaks import _quote_chars, _quote_depth, _tail_offsets, is_special_line
from mtrepair.segment import Document

# A word and every immediate repeat of it: "the the the" must lose both repeats in
# one pass, or clean() would need one round per repeat to reach its fixed point.
# The word is possessive (``++``): a shorter prefix is never followed by a space, and
# not trying each one made this the fastest of the token rules again (1.6x).
_DOUBLED = re.compile(r"\b([^\W\d_]++)((?:[^\S\n]+\1\b)+)", re.IGNORECASE)
_REPEAT = re.compile(r"[^\S\n]+([^\W\d_]+)")


def _same_word(first: str, other: str) -> bool:
    """Same word, or a capitalized word repeated in lower case ("Do do").

    Other case differences ("US us", "AI Ai") are usually two different words.
    """
    return other == first or (first.istitle() and other == first.lower())


@rule("doubled_word", "token", "a word repeated by MT (Colonel Colonel) loses the repeat")
def doubled_word(doc: Document, config: Config) -> Iterator[Finding]:
    exceptions = doc.data.doubled_word_exceptions
    for m in _DOUBLED.finditer(doc.text):
        first = m.group(1)
        repeats: list[re.Match[str]] = []
        for rep in _REPEAT.finditer(doc.text, m.start(2), m.end(2)):
            if not _same_word(first, rep.group(1)):
                break
            repeats.append(rep)
        if not repeats or f"{first} {repeats[0].group(1)}".lower() in exceptions:
            continue
        end = repeats[-1].end()
        yield finding("doubled_word", doc.text, m.start(2), end, "", f"{first!r} is repeated", 0.9)


def _block_start(text: str, pos: int) -> int:
    cut = text.rfind("\n\n", 0, pos)
    return 0 if cut < 0 else cut + 2


def _block_end(text: str, pos: int) -> int:
    cut = text.find("\n\n", pos)
    return len(text) if cut < 0 else cut


_AFTER_DANGLING = ".,;!?"  # with whitespace: what may follow a quote mark that opens nothing


@cache
def _dangling(openers: str) -> re.Pattern[str]:
    """An opening quote mark with nothing after it but ``.!?,;`` before its line ends.

    The quote mark comes first, so the scan skips to quote marks instead of trying
    a match at every character (4x faster on news text); the spaces before it are
    added by the caller. Every run is taken whole (possessive): linear on long
    runs of spaces (tests/test_redos.py).
    """
    return re.compile(rf"([{re.escape(openers)}])[^\S\n]*+([.!?,;]?)(?=[^\S\n]*(?:\n|\Z))")


class _Region:
    """The quote marks of one region between blank lines, for :func:`stray_quote`.

    Answers the two questions the rule asks about each match, in order, in
    amortized constant time; asking ``_quote_depth`` of the text before and after
    every match cost the length of the region each time, and a 200 KB region of
    50,000 lines each ending in a dangling quote did not finish in 5 minutes.
    Same answers as ``_quote_depth`` (checked against it in tests/test_redos.py).
    """

    def __init__(self, text: str, start: int, end: int, openers: str, closers: str) -> None:
        self.text, self.start, self.end = text, start, end
        self.openers, self.closers = openers, closers
        self.positions = [m.start() for m in _quote_chars(openers, closers).finditer(text, start, end)]
        # Scanning forward from a quotation left open (depth 1), every quote mark
        # moves the depth by a fixed step until it first reaches 0, because what
        # decides a mark's role (dangling, stray) is the text after it up to the end.
        dangling_from, text_end, stray_from = _tail_offsets(text[start:end])
        prefix = [0]
        for pos in self.positions:
            ch, after = text[pos], pos + 1 - start
            if ch in closers or ch == '"' or (ch in openers and after >= stray_from):
                step = -1
            elif dangling_from <= after < text_end:
                step = 0
            else:
                step = 1
            prefix.append(prefix[-1] + step)
        self.prefix = prefix
        self.lowest = list(itertools.accumulate(reversed(prefix), min))[::-1]  # min(prefix[i:])
        self._next = 0  # the quote marks before this index are folded into _depth
        self._depth = 0

    def closes_after(self, pos: int) -> bool:
        """``_quote_depth(text[pos:end], depth=1)[1]``: a quotation open at ``pos`` closes later."""
        first = bisect.bisect_left(self.positions, pos)
        return first < len(self.positions) and self.lowest[first + 1] <= self.prefix[first] - 1

    def last_nonspace(self, pos: int) -> int | None:
        """The offset of the last non-whitespace character before ``pos`` in the region."""
        i = pos
        while i > self.start and self.text[i - 1].isspace():
            i -= 1
        return i - 1 if i > self.start else None

    def depth_before(self, pos: int) -> int:
        """``_quote_depth(text[start:pos])[0]``; ``pos`` must not decrease between calls.

        A quote mark followed, before ``pos``, by anything but whitespace and
        ``.,;!?`` is neither dangling nor stray: its step is fixed and is folded
        into a running depth once. Only the tail of whitespace and ``.,;!?`` before
        ``pos`` and the character before it are left to ``_quote_depth``.
        """
        text, last = self.text, pos
        while last > self.start and (text[last - 1].isspace() or text[last - 1] in _AFTER_DANGLING):
            last -= 1
        last = max(self.start, last - 1)
        depth = self._depth
        while self._next < len(self.positions) and self.positions[self._next] < last:
            ch = text[self.positions[self._next]]
            if ch in self.closers or (ch == '"' and depth > 0):
                depth = max(0, depth - 1)
            elif ch in self.openers or ch == '"':
                depth += 1
            self._next += 1
        self._depth = depth
        return _quote_depth(text[last:pos], self.openers, self.closers, depth)[0]


@rule(
    "stray_quote",
    "token",
    "an opening quote left dangling at a line end is made the closing quote or removed",
)
def stray_quote(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    openers, closers = doc.data.opening_quotes, doc.data.closing_quotes
    if not openers:
        return
    pairs = dict(doc.data.quotes)
    region: _Region | None = None
    for m in _dangling(openers).finditer(text):
        # The finding takes the spaces before the quote mark too, back to the start of
        # their run. A match ends on its own line, so runs never overlap a match.
        first = m.start()
        while first and text[first - 1] != "\n" and text[first - 1].isspace():
            first -= 1
        if region is None or first >= region.end:
            # Regions come in order: look back for the blank line only as far as the last one.
            start = _block_start(text, first) if region is None else text.rfind("\n\n", region.end, first) + 2
            region = _Region(text, start, _block_end(text, m.end()), openers, closers)
        last = region.last_nonspace(first)
        if last is None:  # nothing before it in its block
            continue
        # A line wrapped right after an opening quote (`30 “` / `Grad” rockets`): the
        # quotation it opens closes later in the paragraph, so it is not dangling.
        if region.closes_after(m.end()):
            continue
        depth = region.depth_before(first)
        punct, previous = m.group(2), text[last]
        if depth > 0:
            closer = pairs[m.group(1)]
            repl = (punct if previous not in ".!?…" else "") + closer
            msg = f"dangling {m.group(1)!r} closes the open quotation"
        else:
            repl = "" if previous in ".!?…" + closers + '"' else punct
            msg = f"dangling {m.group(1)!r} after a closed quotation removed"
        yield finding("stray_quote", text, first, m.end(), repl, msg, 0.8)


@rule(
    "unbalanced_quote", "token", "a paragraph whose quotes or brackets never close is flagged", repairs=False
)
def unbalanced_quote(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    openers, closers = doc.data.opening_quotes, doc.data.closing_quotes
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        chunk = text[block.start : block.end]
        depth, _ = _quote_depth(chunk, openers, closers)
        nxt = text[blocks[i + 1].start] if i + 1 < len(blocks) else ""
        if depth > 0 and not (nxt and (nxt in openers or nxt == '"')):
            yield finding(
                "unbalanced_quote",
                text,
                block.start,
                block.end,
                None,
                "a quotation opens in this paragraph and never closes",
                0.6,
            )
        if chunk.count("(") != chunk.count(")") or chunk.count("[") != chunk.count("]"):
            yield finding(
                "unbalanced_quote",
                text,
                block.start,
                block.end,
                None,
                "brackets in this paragraph do not balance",
                0.6,
            )


_COMPARATIVE_STARTS = frozenset(
    [
        "more",
        "less",
        "rather",
        "other",
        "better",
        "worse",
        "fewer",
        "greater",
        "higher",
        "lower",
        "larger",
        "smaller",
        "earlier",
        "later",
        "longer",
        "shorter",
        "faster",
        "slower",
        "no",
    ]
)
_TWO_WORDS = re.compile(r"[\"“«„(]*([^\W\d_][\w'’-]*)\s+(\w+)")


@rule(
    "sentence_fragment",
    "token",
    "a sentence that cannot stand alone (split off by translation) is flagged",
    repairs=False,
)
def sentence_fragment(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    for sent in doc.sentences:
        chunk = text[sent.start : sent.end]
        m = _TWO_WORDS.match(chunk)
        if m and m.group(2) == "than" and m.group(1).lower() not in _COMPARATIVE_STARTS:
            yield finding(
                "sentence_fragment",
                text,
                sent.start,
                sent.end,
                None,
                f"starts {m.group(1)} than…: the tail of a split sentence",
                0.6,
            )
    for block in doc.blocks:
        chunk = text[block.start : block.end]
        if chunk[0].islower() and not is_special_line(chunk):
            yield finding(
                "sentence_fragment",
                text,
                block.start,
                block.end,
                None,
                "paragraph starts in lower case: a fragment of a broken sentence",
                0.5,
            )
