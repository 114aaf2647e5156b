"""Structural damage: line and paragraph breaks where a sentence or word continues.

Scrapers and MT pipelines write sentence joints as paragraph breaks, break after
"U.S.", leave orphan fragments that start with a comma, and hard-wrap and
hyphenate lines. The rules here share small predicates over a gap (the blank-line
separator between two blocks) so each one claims only the gaps it explains best.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import cache

from mtrepair.config import Config
from mtrepair.model import Finding
from mtrepair.registry import finding, rule
from mtrepair.segment import Document, Gap, Span

_TERMINAL = re.compile(r"[.!?…؟:][\"”’»)\]]*\Z")
_WORDS = re.compile(r"\w[\w'’.-]*")
_BYLINE = re.compile(r"\A(?:By|by|BY)\s+[A-Z\u0600-\u06ff]")
_DATELINE = re.compile(r"\d{4}[/-]\d{1,2}[/-]\d{1,2}|\|")
_LIST_ITEM = re.compile(r"\A(?:[-*•▪–—]\s|\d{1,3}[.)]\s|[a-z][.)]\s)")
_OPENERS = "“‘«„\"'(["


def _text(doc: Document, span: Span) -> str:
    return doc.text[span.start : span.end]


def last_token(s: str) -> str:
    """The last whitespace-delimited token, without wrapping quotes or brackets."""
    tail = s.rsplit(None, 1)[-1] if s.strip() else ""
    return tail.lstrip('"“‘«(„[').rstrip('"”’»)]')


def ends_with_abbreviation(doc: Document, s: str) -> bool:
    token = last_token(s)
    return token in doc.data.abbreviations or bool(re.fullmatch(r"(?:[A-Z]\.){2,}", token))


def is_heading(s: str) -> bool:
    """A title, section heading, kicker or label: short, one line, no sentence end."""
    if "\n" in s:
        return False
    words = _WORDS.findall(s)
    if len(words) > 12:
        return False
    if s.isupper():
        return True
    return not _TERMINAL.search(s) or (s.endswith("?") and len(words) <= 5)


def is_special_line(s: str) -> bool:
    """Lines that are never glued to prose: bylines, datelines, list items, headings."""
    first = s.split("\n", 1)[0]
    return bool(
        _BYLINE.match(first)
        or (_DATELINE.search(first) and len(first) < 80)
        or _LIST_ITEM.match(first)
        or is_heading(s)
    )


def _block_pairs(doc: Document) -> Iterator[tuple[Gap, str, str]]:
    blocks = doc.blocks
    for i, gap in enumerate(doc.gaps):
        if i + 1 < len(blocks):
            yield gap, _text(doc, blocks[i]), _text(doc, blocks[i + 1])


def abbreviation_continues(doc: Document, prev: str, nxt: str) -> bool:
    """A block ends with an abbreviation and the sentence plainly goes on."""
    if not ends_with_abbreviation(doc, prev) or not nxt:
        return False
    token = last_token(prev)
    before = prev.rsplit(None, 2)
    article = len(before) >= 2 and before[-2].lower() in {"a", "an"}
    return nxt[0].islower() or token in doc.data.title_abbreviations or article


def orphan_continues(nxt: str) -> bool:
    """A block that starts with punctuation that can only continue a sentence."""
    return bool(nxt) and nxt[0] in ",;:)" and not _LIST_ITEM.match(nxt)


@rule(
    "abbreviation_break",
    "structure",
    "a line or paragraph break right after an abbreviation (U.S.) inside a sentence is rejoined",
)
def abbreviation_break(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    for m in re.finditer(r"\n(?:[^\S\n]*\n)*", text):
        prev = text[max(0, m.start() - 60) : m.start()]
        nxt = text[m.end() : m.end() + 40]
        if m.start() == 0 or not nxt.strip() or not prev.strip():
            continue
        gap_lines = m.group().count("\n")
        if gap_lines == 1 and not nxt[0].islower():
            continue
        if abbreviation_continues(doc, prev, nxt):
            yield finding(
                "abbreviation_break",
                text,
                m.start(),
                m.end(),
                " ",
                f"break after {last_token(prev)!r} splits a sentence",
                0.95,
            )


@rule(
    "orphan_fragment",
    "structure",
    "a block starting with a comma is the tail of the previous sentence: rejoined",
)
def orphan_fragment(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    for m in re.finditer(r"\n(?:[^\S\n]*\n)*", text):
        if m.start() == 0 or m.end() >= len(text) or not orphan_continues(text[m.end() : m.end() + 2]):
            continue
        start = m.start()
        before = text[max(0, start - 60) : start]
        if before.endswith(".") and not ends_with_abbreviation(doc, before):
            start -= 1  # the spurious full stop MT put before the fragment
        yield finding(
            "orphan_fragment",
            text,
            start,
            m.end(),
            "",
            f"fragment {text[m.end() : m.end() + 30]!r}… continues the previous sentence",
            0.9,
        )


def _quote_depth(s: str, openers: str, closers: str, depth: int = 0) -> tuple[int, bool]:
    """Quote nesting after ``s`` and whether ``s`` closed a quote opened before it.

    Only the quote characters are visited (one regex pass), not every character,
    and what follows a quote mark is judged from offsets computed once (see
    :func:`_tail_offsets`), so the pass stays linear in a block full of quote marks.
    """
    closed_outer = False
    start_depth = depth
    dangling_from, text_end, stray_from = _tail_offsets(s)
    for m in _quote_chars(openers, closers).finditer(s):
        ch, after = m.group(), m.end()
        stray = ch in openers and depth > 0 and after >= stray_from
        if ch in closers or (ch == '"' and depth > 0) or stray:
            depth = max(0, depth - 1)
            if depth < start_depth:
                closed_outer = True
                start_depth = depth
        elif (ch in openers or ch == '"') and not dangling_from <= after < text_end:
            depth += 1
    return depth, closed_outer


@cache
def _quote_chars(openers: str, closers: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(openers + closers + '"') + "]")


def _tail_offsets(s: str) -> tuple[int, int, int]:
    """Where the tails that decide a quote mark's role begin in ``s``.

    A quote mark ending at offset ``after`` is *dangling* (`` “.``: it opens
    nothing) when ``s[after:]`` is whitespace, then only ``.,;!?``, then
    whitespace, with at least one such mark: that is ``dangling_from <= after <
    text_end``. (A bare opener at the end, `he said. “` + break, does open the next
    block.) An opener is *stray*, a misplaced closer, when only spaces and
    ``.,;!?`` follow it: ``after >= stray_from``.
    """
    text_end = len(s.rstrip())
    run = len(s[:text_end].rstrip(".,;!?"))  # where the final run of .,;!? begins
    dangling_from = len(s[:run].rstrip()) if run < text_end else text_end
    return dangling_from, text_end, len(s.rstrip(" .,;!?"))


@rule("quote_split", "structure", "a quotation split over blocks that do not reopen the quote is rejoined")
def quote_split(doc: Document, config: Config) -> Iterator[Finding]:
    openers = doc.data.opening_quotes
    closers = doc.data.closing_quotes
    blocks, gaps = doc.blocks, doc.gaps
    i = 0
    while i < len(gaps):
        depth, _ = _quote_depth(_text(doc, blocks[i]), openers, closers)
        if depth == 0:
            i += 1
            continue
        # Follow up to three quote-free continuation blocks to the one that closes.
        j = i + 1
        joined: list[int] = []
        while j < len(blocks) and j - i <= 3:
            nxt = _text(doc, blocks[j])
            if nxt[0] in openers or nxt[0] == '"' or is_special_line(nxt):
                break
            joined.append(j - 1)
            _, closed = _quote_depth(nxt, openers, closers, depth)
            if closed:
                for g in joined:
                    gap = gaps[g]
                    # `he said. “` + break + `We…`: the quote mark belongs to the next word.
                    glue = "" if doc.text[gap.start - 1] in openers else " "
                    yield finding(
                        "quote_split",
                        doc.text,
                        gap.start,
                        gap.end,
                        glue,
                        "a break inside a quotation that the next block closes",
                        0.85,
                    )
                break
            if any(q in nxt for q in openers + closers + '"'):
                break
            j += 1
        i = max(i + 1, j)


def _continuation_evidence(doc: Document, prev: str, nxt: str) -> bool:
    return (
        nxt[0].islower()
        or orphan_continues(nxt)
        or (ends_with_abbreviation(doc, prev) and last_token(prev) not in doc.data.title_abbreviations)
    )


def learn_joint_lengths(doc: Document) -> frozenset[int]:
    """The gap lengths this document uses for sentence joints, not paragraphs.

    A length is a joint style when it is longer than the document's shortest gap
    and at least two of its gaps (and a fifth of them) visibly split a sentence
    (a lowercase or comma start, a block ending in "U.S."). In seed 002 four
    newlines are joints and two are paragraphs; a document with one gap style has
    no joints.
    """
    if len({gap.newlines for gap in doc.gaps}) < 2:
        return frozenset()  # one gap style: nothing is longer than the shortest
    pairs = list(_block_pairs(doc))
    if not pairs:
        return frozenset()
    total: Counter[int] = Counter()
    evidence: Counter[int] = Counter()
    for gap, prev, nxt in pairs:
        total[gap.newlines] += 1
        if _continuation_evidence(doc, prev, nxt):
            evidence[gap.newlines] += 1
    shortest = min(total)
    return frozenset(n for n, c in evidence.items() if n > shortest and c >= 2 and c >= 0.2 * total[n])


@rule(
    "paragraph_joint",
    "structure",
    "a sentence joint written as a paragraph break (the document's learned joint style) is rejoined",
)
def paragraph_joint(doc: Document, config: Config) -> Iterator[Finding]:
    joints = learn_joint_lengths(doc)
    if not joints:
        return
    for gap, prev, nxt in _block_pairs(doc):
        if gap.newlines not in joints:
            continue
        # A heading or label never runs on into a lower-case word: "the attack" +
        # joint + "was the third" is one sentence even though "the attack" has no
        # full stop and so looks like a heading on its own.
        runs_on = nxt[0].islower() and not _LIST_ITEM.match(nxt)
        if not runs_on and (is_special_line(prev) or is_special_line(nxt)):
            continue
        if abbreviation_continues(doc, prev, nxt) or orphan_continues(nxt):
            continue  # the more specific rules own these
        yield finding(
            "paragraph_joint",
            doc.text,
            gap.start,
            gap.end,
            " ",
            f"{gap.newlines}-newline gap is this document's sentence joint, not a paragraph",
            0.8,
        )


@rule("excess_blank_lines", "structure", "runs of blank lines between paragraphs collapse to one blank line")
def excess_blank_lines(doc: Document, config: Config) -> Iterator[Finding]:
    for gap in doc.gaps:
        if doc.text[gap.start : gap.end] != "\n\n":
            yield finding(
                "excess_blank_lines",
                doc.text,
                gap.start,
                gap.end,
                "\n\n",
                f"{gap.newlines - 1} blank lines between paragraphs become one",
                0.7,
            )


@cache
def _zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang))


# Anchored on the rare "-<newline>" so the scan does not start a match at every word.
# The hyphen comes first, the letter before it is a lookbehind behind it: a pattern
# that starts with a literal lets the scan jump from hyphen to hyphen (50x faster
# than one starting with the lookbehind, which tries every character).
_HYPHEN_BREAK = re.compile(r"-(?<=[^\W\d_]-)[^\S\n]*\n[^\S\n]*(?=[^\W\d_])")
_WORD_BEFORE = re.compile(r"[^\W\d_]+\Z")
_WORD_AFTER = re.compile(r"[^\W\d_]+")


@rule(
    "hyphenation",
    "structure",
    "a word hyphenated across a line end is rejoined; real compounds keep their hyphen",
)
def hyphenation(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    for m in _HYPHEN_BREAK.finditer(text):
        before = _WORD_BEFORE.search(text, max(0, m.start() - 100), m.start())
        after = _WORD_AFTER.match(text, m.end())
        if before is None or after is None:
            continue
        left, right = before.group(), after.group()
        if right[0].islower():
            joined = _zipf((left + right).lower(), doc.lang)
            compound = _zipf(f"{left}-{right}".lower(), doc.lang)
            keep = "" if joined > 0 and joined >= compound else "-"
        elif right[0].isupper():
            # Word-division never splits before a capital: "pro-" + "Iran" and
            # "Al-" + "Khalidi" are compounds and names whose hyphen is real. Left
            # alone, hard_wrap would turn the break into a space ("pro- Iran").
            keep = "-"
        else:
            continue
        what = f"{left}{keep}{right}"
        yield finding(
            "hyphenation",
            text,
            m.start(),
            m.end(),
            keep,
            f"{left}-/{right} split across lines is {what!r}",
            0.85 if keep else 0.8,
        )


def _wrap_width(doc: Document) -> int | None:
    """The column a hard-wrapped document was wrapped at, or None.

    Needs at least five lines that are followed by another line of the same
    block, most of them within 25% of the longest such line (40–100 columns).
    """
    inner: list[int] = []
    text = doc.text
    for block in doc.blocks:
        if text.find("\n", block.start, block.end) < 0:
            continue  # one line: no line is followed by another of its block
        lines = text[block.start : block.end].split("\n")
        inner.extend(len(ln.rstrip()) for ln in lines[:-1])
    if len(inner) < 5:
        return None
    width = sorted(inner)[int(0.9 * (len(inner) - 1))]
    if not 40 <= width <= 100:
        return None
    near = sum(1 for n in inner if 0.75 * width <= n <= width + 5)
    return width if near >= 0.8 * len(inner) else None


# A line break with the spaces around it; leading spaces only from the start of
# their run (linear on a long run of spaces that ends in a word, not a newline).
_LINE_BREAK = re.compile(r"(?:(?<![^\S\n])[^\S\n]++)?\n[^\S\n]*")


@rule("hard_wrap", "structure", "lines hard-wrapped at a fixed column inside a paragraph are unwrapped")
def hard_wrap(doc: Document, config: Config) -> Iterator[Finding]:
    width = _wrap_width(doc)
    if width is None:
        return
    text = doc.text
    for block in doc.blocks:
        for m in _LINE_BREAK.finditer(text[block.start : block.end]):
            start, end = block.start + m.start(), block.start + m.end()
            line_start = text.rfind("\n", 0, start) + 1
            line = text[line_start:start]
            nxt = text[end : end + 4]
            if len(line) < 0.6 * width or _LIST_ITEM.match(nxt) or not nxt.strip():
                continue
            yield finding(
                "hard_wrap", text, start, end, " ", f"line wrapped at column ~{width} inside a paragraph", 0.8
            )
