"""Corpus-level boilerplate: lines a source repeats across its documents (issue 16a).

The counts come from a first pass over the corpus (:mod:`mtrepair.frequent`);
this rule only decides, inside one document, which of its repeated lines are
chrome. Frequency alone is not enough: a site repeats its template, but it also
repeats a story's background paragraph across updates, a section heading such as
"Syria", and its reporters' bylines. Position and shape tell them apart:

- the **edges** of a document (the lines before its first and after its last
  line of content) are where templates put headers, banners, datelines, share
  bars, comment forms and footers: a short line there goes at the base threshold
  (``--repeated-min-docs``, ``--repeated-share``: 5 documents and 30%);
- inside the **body** a short repeated line may be a section heading, so it goes
  only at the strict threshold (80% of the source's documents, and at least 4x
  the minimum), which an ad label or a widget reaches and a heading does not;
- **prose** (a sentence: at least :data:`PROSE_WORDS` words and a full stop,
  question or exclamation mark at the end) is removed only at an edge and only
  at the strict threshold (a disclaimer, a comment form on every page), never in
  the body, where a repeated paragraph is a story's own text; a short sentence
  opening many of a site's stories ("No one claimed the attack.") is content;
- **credits** (``By …``, ``Reporting by …``) are attribution and always stay;
- a **fragment** (a line the next line goes on from in lower case or after a
  comma: ``U.S.`` + a break + ``officials said``) is a broken sentence, not a
  line of its own, and stays for the break rules to rejoin.

A line of content (an anchor) is one the corpus does not repeat, a credit, a
fragment, or prose below the strict threshold. A document is never emptied: one
made only of repeated lines is a duplicate or an error page, which is a filter's
job, not a repair's. Every removal is its own edit, logged with the count as its
reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtrepair.config import Config
from mtrepair.frequent import RULE
from mtrepair.model import Finding
from mtrepair.registry import finding, rule
from mtrepair.segment import Document, Span

PROSE_WORDS = 4
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?…؟。][\"'”’»)\]]*\Z")
_CREDIT = re.compile(
    r"\A[\s(\[*•–—-]*(?:by|par|von|por|بقلم|(?:with\s+)?(?:additional\s+)?reporting|writing|editing"
    r"|compiled|written|reported)\b",
    re.IGNORECASE,
)
_CONTINUES = ",;:)–—"  # a line starting with one of these (or in lower case) goes on from the line before


def _ends_sentence(line: str) -> bool:
    # Only the end can match: search the last characters, not the whole paragraph.
    return _SENTENCE_END.search(line, max(0, len(line) - 12)) is not None


def is_prose(line: str) -> bool:
    """A sentence: at least :data:`PROSE_WORDS` words and a sentence-final mark at the end."""
    return _ends_sentence(line) and len(line.split(None, PROSE_WORDS - 1)) >= PROSE_WORDS


def is_credit(line: str) -> bool:
    """A byline or a wire credit (``By Ahmed Rasheed``, ``(Reporting by …)``): never chrome."""
    return _CREDIT.match(line) is not None


def is_fragment(line: str, following: str | None) -> bool:
    """Part of a sentence a scraper broke (``U.S.`` + a break + ``officials said``), not a line."""
    if following is None or is_credit(following):  # "Tyler Durden's Photo" + "by Tyler Durden"
        return False
    if _ends_sentence(line) and not line.endswith("."):  # "." may end an abbreviation
        return False
    first = following[0]
    return first.islower() or first in _CONTINUES


def removed_lines(doc: Document, config: Config) -> list[tuple[Span, str, int, bool]]:
    """The lines of ``doc`` the rule removes: span, text, count, and whether no kept line follows.

    Lazily: the edges are read from each end up to the first line of content, and
    inside the body only lines that are not prose are looked up, since prose
    there always stays. Most of a news article is body prose, so most lines are
    never normalized and hashed (the rule runs in every round of ``clean``).
    """
    learned = config.repeated
    if learned is None or not learned.counts:
        return []
    text = doc.text
    lines = [(span, text[span.start : span.end].strip()) for span in doc.lines]
    lines = [(span, line) for span, line in lines if line]
    total = len(lines)

    def count(i: int) -> int | None:
        """The count of line ``i`` if it is repeated and may be chrome (None: content)."""
        line = lines[i][1]
        n = learned.count(line)
        if n is None or is_credit(line) or is_fragment(line, lines[i + 1][1] if i + 1 < total else None):
            return None
        return n

    def prose_below_strict(i: int, n: int) -> bool:
        return n < learned.strict and is_prose(lines[i][1])

    # Every edge line is chrome: it is repeated (at least the base threshold) and,
    # if prose, at the strict one (else it would be an anchor).
    chosen: list[tuple[int, int]] = []
    first = last = None
    for i in range(total):
        n = count(i)
        if n is None or prose_below_strict(i, n):
            first = i
            break
        chosen.append((i, n))
    if first is None:  # no line of content: nothing is an edge, every line is body
        chosen = [(i, n) for i, n in chosen if n >= learned.strict and not is_prose(lines[i][1])]
    else:
        tail: list[tuple[int, int]] = []
        for i in range(total - 1, first, -1):
            n = count(i)
            if n is None or prose_below_strict(i, n):
                last = i
                break
            tail.append((i, n))
        # Inside the body only a line at the strict threshold can go.
        body = range(first + 1, last if last is not None and learned.reaches_strict else first + 1)
        for i in body:
            if not is_prose(lines[i][1]):
                n = count(i)
                if n is not None and n >= learned.strict:
                    chosen.append((i, n))
        chosen.extend(reversed(tail))
    if not chosen or len(chosen) == total:
        return []  # nothing, or everything: never empty a document
    removed = {i for i, _ in chosen}
    last_kept = max(i for i in range(total) if i not in removed)
    return [(lines[i][0], lines[i][1], n, i > last_kept) for i, n in chosen]


@rule(
    RULE,
    "boilerplate",
    "a line repeated across many documents of one source (learned from the corpus) is removed as "
    "site chrome, with its count",
)
def repeated_lines(doc: Document, config: Config) -> Iterator[Finding]:
    learned = config.repeated
    lines = removed_lines(doc, config)
    if learned is None or not lines:
        return
    text = doc.text
    of = f"of {learned.documents} documents of {learned.source}"
    at_least = "" if learned.exact else "at least "
    for span, line, n, tail in lines:
        if tail:
            # After the last kept line: take the separator before the line instead, so
            # the document ends where its content ends, with the line break it had.
            start, end = span.start, span.end
            while start and text[start - 1].isspace():
                start -= 1
        else:
            # The line and the blank lines after it, up to the start of the next line
            # (whose indentation stays): the next line moves up.
            blank = _SPACE.match(text, span.end)
            after = blank.end() if blank else span.end
            start, end = span.start, text.rfind("\n", span.end, after) + 1
        message = f"repeated line removed: {line!r} is in {at_least}{n} {of}"
        yield finding(RULE, text, start, end, "", message, 0.9)
