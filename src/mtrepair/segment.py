"""The document model: lines, blocks (paragraphs), the gaps between them, sentences.

Everything is a span of character offsets into one immutable string, so a finding
made at any level points back at the exact characters it is about. Structures are
computed lazily: most rules need only one of them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from mtrepair import langdata


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Gap:
    """The blank-line separator between two blocks: ``text[start:end]``.

    ``newlines`` is the count of line breaks in it: 2 for one blank line, 4 for
    three blank lines (seed 002's sentence joints).
    """

    start: int
    end: int
    newlines: int


# A gap: a line break followed by at least one blank (or whitespace-only) line.
_GAP = re.compile(r"\n(?:[^\S\n]*\n)+")
# Sentence-final marks and the closers glued to them. Any quote mark glued to the
# mark closes (English ”, German “ and ‘, French », German «); a guillemet after a
# space closes too when a space follows it (French « Oui. » Puis…), while one
# glued to the next word opens the next sentence (German ». »Dann…).
# A candidate starts only where a run of marks starts, and takes the run whole
# (possessive): a match can never start or end inside a run, and this keeps
# finditer linear on a run of 100,000 full stops (tests/test_redos.py). The mark
# comes first and the check that no mark precedes it second, so the scan jumps
# from mark to mark instead of trying every character (3x).
_CLOSERS = '"”“’‘»«›‹)]'
_SPLIT_CANDIDATE = re.compile(
    rf"[.!?…؟](?<![.!?…؟][.!?…؟])[.!?…؟]*+(?:[{re.escape(_CLOSERS)}]|[^\S\n][»›](?=\s))*(?=\s++\S)"
)
_LAST_TOKEN = re.compile(r"\S+\Z")
_NEXT_TOKEN = re.compile(r"[^\s\"”“’‘»«›‹)\],;:]+")
_FIRST_WORD = re.compile(r"[^\W\d_][\w'’-]*")


class Document:
    """One text in one language, with lazily computed structure."""

    def __init__(self, text: str, lang: str = "auto") -> None:
        self.text = text
        self.lang = langdata.guess_language(text) if lang == "auto" else lang
        self.data = langdata.load(self.lang)

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        starts.extend(m.end() for m in re.finditer(r"\n", self.text))
        return starts

    def line_of(self, offset: int) -> int:
        """1-based line number of ``offset``."""
        return bisect.bisect_right(self.line_starts, offset)

    @cached_property
    def lines(self) -> list[Span]:
        """Line spans without their line break."""
        ends = [s - 1 for s in self.line_starts[1:]] + [len(self.text)]
        return [Span(s, e) for s, e in zip(self.line_starts, ends, strict=True)]

    @cached_property
    def gaps(self) -> list[Gap]:
        """Blank-line separators between blocks, in order (none at the very ends)."""
        out: list[Gap] = []
        stripped = self.text.strip()
        if not stripped:
            return out
        first = self.text.index(stripped[0])  # first non-space character
        last = len(self.text.rstrip())  # end of the last non-space character
        for m in _GAP.finditer(self.text):
            if m.start() <= first or m.end() >= last:
                continue
            out.append(Gap(m.start(), m.end(), m.group().count("\n")))
        return out

    @cached_property
    def blocks(self) -> list[Span]:
        """Paragraph-like blocks: text between gaps, stripped of outer whitespace."""
        bounds = [0]
        for g in self.gaps:
            bounds.extend((g.start, g.end))
        bounds.append(len(self.text))
        out = []
        for s, e in zip(bounds[::2], bounds[1::2], strict=True):
            chunk = self.text[s:e]
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            if chunk.strip():
                out.append(Span(s + lead, e - trail))
        return out

    @cached_property
    def sentences(self) -> list[Span]:
        """Sentence spans, abbreviation-aware, never crossing a block boundary."""
        out: list[Span] = []
        for block in self.blocks:
            out.extend(split_sentences(self.text, block.start, block.end, self.data))
        return out


def _ends_sentence(text: str, dot_end: int, next_start: int, data: langdata.LangData) -> bool:
    """Decide whether the punctuation ending at ``dot_end`` closes a sentence."""
    nxt = text[next_start]
    if nxt.islower():
        return False
    token_match = _LAST_TOKEN.search(text, max(0, dot_end - 40), dot_end)
    token = token_match.group().lstrip('"“‘«»‹›(„‚[') if token_match else ""
    token = token.rstrip(_CLOSERS)
    if len(token) <= 5 and token not in data.abbreviations:
        # The parts of a spaced abbreviation ("z. B.", "EE. UU.", "т. е.") are none alone.
        after = _NEXT_TOKEN.match(text, next_start)
        if after is not None and f"{token} {after.group()}" in data.abbreviations:
            return False  # "EE." + "UU.": the mark is inside the abbreviation
        token = data.abbreviation_at_end(text[max(0, dot_end - 40) : dot_end]) or token
    if token in data.numeric_abbreviations:
        return not nxt.isdigit()  # "No. 5" goes on; "the answer was No." ends
    if token in data.title_abbreviations:
        return False
    if token in data.abbreviations or re.fullmatch(r"(?:[A-Z]\.)+", token):
        # "U.S. officials" continues, "attacks on the U.S. The next day" ends. A
        # lone initial ("J. Smith") continues unless a typical starter follows.
        word = _FIRST_WORD.match(text, next_start)
        return bool(word and word.group() in data.sentence_starters)
    return True


def split_sentences(text: str, start: int, end: int, data: langdata.LangData) -> list[Span]:
    """Split ``text[start:end]`` into sentences (spans trimmed of outer whitespace)."""
    spans: list[Span] = []
    cur = start
    for m in _SPLIT_CANDIDATE.finditer(text, start, end):
        nxt = m.end()
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if nxt >= end:
            break
        if _ends_sentence(text, m.end(), nxt, data):
            spans.append(Span(cur, m.end()))
            cur = nxt
    if cur < end:
        spans.append(Span(cur, end))
    return [s for s in spans if text[s.start : s.end].strip()]
