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
from dataclasses import dataclass
from functools import cache, cached_property

from mtrepair.config import Config
from mtrepair.model import Finding
from mtrepair.registry import finding, rule
from mtrepair.segment import Document, Gap, Span

_TERMINAL_MARKS = ".!?…؟:"
_TERMINAL_CLOSERS = '"”’»)]'


def _ends_terminal(s: str) -> bool:
    """``s`` ends with a sentence mark, closing quotes or brackets after it allowed.

    Read from the end: a regex anchored at the end still tries every sentence
    mark of a paragraph, and this is asked of whole blocks.
    """
    core = s.rstrip(_TERMINAL_CLOSERS)
    return bool(core) and core[-1] in _TERMINAL_MARKS


_WORDS = re.compile(r"\w[\w'’.-]*")
_BYLINE = re.compile(r"\A(?:By|by|BY)\s+[A-Z\u0600-\u06ff]")
_DATELINE = re.compile(r"\d{4}[/-]\d{1,2}[/-]\d{1,2}|\|")
_LIST_ITEM = re.compile(r"\A(?:[-*•▪–—]\s|\d{1,3}[.)]\s|[a-z][.)]\s)")
_OPENERS = "“‘«„\"'(["
# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao,
# Khmer, Myanmar) and their punctuation: a break inside them is rejoined with nothing.
_NO_SPACE = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fff\u3001-\u303e\u3041-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60]"
)


def glue(text: str, start: int, end: int) -> str:
    """What replaces the break ``text[start:end]`` when its two sides are rejoined.

    One space, except between two characters of a script written without spaces
    ("的" + break + "空军" is "的空军"), where a space would split a word.
    """
    if start > 0 and end < len(text) and _NO_SPACE.match(text[start - 1]) and _NO_SPACE.match(text[end]):
        return ""
    return " "


def _text(doc: Document, span: Span) -> str:
    return doc.text[span.start : span.end]


def last_token(s: str) -> str:
    """The last whitespace-delimited token, without wrapping quotes or brackets."""
    parts = s.rsplit(None, 1)  # [] for blank text; no copy of a whole block as strip() makes
    tail = parts[-1] if parts else ""
    return tail.lstrip('"“‘«(„[').rstrip('"”’»)]')


def first_token(s: str) -> str:
    """The first whitespace-delimited token, without quotes, brackets or a trailing comma."""
    parts = s.split(None, 1)
    head = parts[0] if parts else ""
    return head.lstrip('"“‘«(„[').rstrip('"”’»)],;:')


_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")


def ending_abbreviation(doc: Document, s: str) -> str | None:
    """The abbreviation ``s`` ends with, or None.

    The language's list (:meth:`~mtrepair.langdata.LangData.abbreviation_at_end`
    sees the spaced multi-part ones whole: "z. B.", "EE. UU."), or a run of
    capital initials ("U.N.", "J.R.").
    """
    found = doc.data.abbreviation_at_end(s)
    if found is not None:
        return found
    last = last_token(s)
    return last if _INITIALS.fullmatch(last) else None


def ends_with_abbreviation(doc: Document, s: str) -> bool:
    return ending_abbreviation(doc, s) is not None


def splits_abbreviation(doc: Document, prev: str, nxt: str) -> bool:
    """The break falls inside one abbreviation: "EE." + break + "UU.", "z." + break + "B.".

    True when the last token before it and the first token after it, joined with
    or without a space, make an abbreviation of the language. Seen in Spanish
    scrapes, where "EE. UU." (Estados Unidos) was cut in two by four newlines.
    """
    left, right = last_token(prev), first_token(nxt)
    if not left.endswith(".") or not right.endswith("."):
        return False
    abbreviations = doc.data.abbreviations
    return f"{left} {right}" in abbreviations or f"{left}{right}" in abbreviations


def is_heading(s: str) -> bool:
    """A title, section heading, kicker or label: short, one line, no sentence end."""
    if "\n" in s:
        return False
    words = 0
    for _ in _WORDS.finditer(s):  # counted up to 13 only: this is asked of whole paragraphs
        words += 1
        if words > 12:
            return False
    if s.isupper():
        return True
    return not _ends_terminal(s) or (s.endswith("?") and words <= 5)


def is_special_line(s: str) -> bool:
    """Lines that are never glued to prose: bylines, datelines, list items, headings."""
    first = s.split("\n", 1)[0]
    return bool(
        _BYLINE.match(first)
        or (len(first) < 80 and _DATELINE.search(first))
        or _LIST_ITEM.match(first)
        or is_heading(s)
    )


def _block_pairs(doc: Document) -> Iterator[tuple[Gap, str, str]]:
    blocks = doc.blocks
    for i, gap in enumerate(doc.gaps):
        if i + 1 < len(blocks):
            yield gap, _text(doc, blocks[i]), _text(doc, blocks[i + 1])


def abbreviation_continues(doc: Document, prev: str, nxt: str) -> bool:
    """A block ends with an abbreviation and the sentence plainly goes on.

    Plainly: the next block starts in lower case ("U.S." + "diplomats"), the break
    cuts one abbreviation in two ("EE." + "UU."), the abbreviation is a title that
    never ends a sentence ("Col." + "Wayne", "Cdr." + "Sean"), or an article comes
    before it ("a U.S." + "Air Force base").
    """
    if not nxt or not _ends_in_full_stop(prev):
        return False
    if splits_abbreviation(doc, prev, nxt) or _middle_initial(doc, prev, nxt):
        return True
    token = ending_abbreviation(doc, prev)
    if token is None:
        # An ordinal ("juba 13." + "sajandil", "am 2." + "august"): a number with a
        # full stop before a lower-case word never ends a sentence.
        return _ORDINAL.search(prev, max(0, len(prev) - _TAIL)) is not None and nxt[0].islower()
    if nxt[0].islower():
        return True
    if token in doc.data.numeric_abbreviations:
        return nxt[0].isdigit()
    before = prev.rsplit(None, 2)
    article = len(before) >= 2 and before[-2].lower() in {"a", "an"}
    return is_title(doc, token) or article


# Closing quotes and brackets an abbreviation may stand before ("(U.S.)").
_ABBREVIATION_CLOSERS = '"”“’‘»«›‹)]'


def _ends_in_full_stop(prev: str) -> bool:
    """Whether ``prev`` can end with an abbreviation, an initial or an ordinal at all.

    Every one of them ends with a full stop (every language's list does, and so
    do initials and ordinals), so a line ending otherwise is not looked up: the
    common case, most line breaks of a wrapped page.
    """
    return prev.rstrip().rstrip(_ABBREVIATION_CLOSERS).endswith(".")


_ORDINAL = re.compile(r"(?<![\d.,])\d{1,4}\.\Z")
# How far from its end a pattern anchored there is searched: longer than any
# name, number or word it matches (lookbehinds still see the text before).
_TAIL = 200
# A name, an initial, a full stop: "Michael D." (+ "Higgins"), "Alexandru D." (+ "Xenopol").
_NAME_INITIAL = re.compile(
    r"(?<!\S)[A-Z\u00c0-\u00de\u0400-\u042f][^\W\d_]+ ([A-Z\u00c0-\u00de\u0400-\u042f])\.\Z"
)
_NAME_AFTER = re.compile(r"[A-Z\u00c0-\u00de\u0400-\u042f][^\W\d_]*[a-z\u00df-\u00ff\u0430-\u045f]")


def _middle_initial(doc: Document, prev: str, nxt: str) -> bool:
    """A name split after its middle initial: "Michael D." + break + "Higgins".

    A capitalized word, one capital letter and a full stop, then a capitalized word
    that is no sentence starter of the language ("The", "In"). Not "I" (the
    Roman one of kings and wars: "World War I." + "In 1918…").
    """
    if prev[-1:] != "." or prev[-3:-2] != " ":
        return False  # no " X." at the end: the pattern cannot match
    m = _NAME_INITIAL.search(prev, max(0, len(prev) - _TAIL))  # anchored at the end: read the tail
    if m is None or m.group(1) == "I":
        return False
    first = _NAME_AFTER.match(nxt)
    if first is None:
        return False
    word = _FIRST_WORD.match(nxt)
    return word is not None and word.group() not in doc.data.sentence_starters


def is_title(doc: Document, token: str | None) -> bool:
    """An abbreviation that never ends a sentence: "Col.", "Cdr.", "z. B." (listed as "z.B.")."""
    if token is None or token in doc.data.numeric_abbreviations:
        return False
    titles = doc.data.title_abbreviations
    return token in titles or token.replace(" ", "") in titles


def orphan_continues(nxt: str) -> bool:
    """A block that starts with punctuation that can only continue a sentence.

    Latin, Arabic ("،", "؛") and CJK ("，", "、", "；") commas and semicolons.
    """
    return bool(nxt) and nxt[0] in _ORPHAN_START and not _LIST_ITEM.match(nxt)


_ORPHAN_START = ",;:)،؛，、；）"


@rule(
    "abbreviation_break",
    "structure",
    "a line or paragraph break right after an abbreviation (U.S.) inside a sentence is rejoined",
)
def abbreviation_break(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    for m in re.finditer(r"\n(?:[^\S\n]*\n)*", text):
        if m.start() == 0 or text[m.start() - 1] not in _BEFORE_BREAK:
            continue  # no full stop before the break: no abbreviation (see _ends_in_full_stop)
        prev = text[max(0, m.start() - 60) : m.start()]
        nxt = text[m.end() : m.end() + 40]
        if not nxt.strip() or not prev.strip():
            continue
        gap_lines = m.group().count("\n")
        # One line break before a capital is a line of its own (a heading after a
        # label) unless the abbreviation cannot end anything: a title ("Cdr." +
        # "Sean") or half of a split abbreviation ("EE." + "UU.").
        if gap_lines == 1 and not nxt[0].islower() and not _title_or_split(doc, prev, nxt):
            continue
        if abbreviation_continues(doc, prev, nxt):
            token = ending_abbreviation(doc, prev) or last_token(prev)
            yield finding(
                "abbreviation_break",
                text,
                m.start(),
                m.end(),
                " ",
                f"break after {token!r} splits a sentence",
                0.95,
            )


# What the character before a break is when an abbreviation ends the line: its
# full stop, or a closer or a space after it.
_BEFORE_BREAK = frozenset(". \t\r" + _ABBREVIATION_CLOSERS)


def _title_or_split(doc: Document, prev: str, nxt: str) -> bool:
    if not _ends_in_full_stop(prev):
        return False
    return is_title(doc, ending_abbreviation(doc, prev)) or splits_abbreviation(doc, prev, nxt)


@rule(
    "orphan_fragment",
    "structure",
    "a block starting with a comma (, ، ，) is the tail of the previous sentence: rejoined",
)
def orphan_fragment(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    for m in re.finditer(r"\n(?:[^\S\n]*\n)*", text):
        if m.start() == 0 or m.end() >= len(text) or not orphan_continues(text[m.end() : m.end() + 2]):
            continue
        start = m.start()
        before = text[max(0, start - 60) : start]
        if before.endswith((".", "。")) and not ends_with_abbreviation(doc, before):
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
                    joint = "" if doc.text[gap.start - 1] in openers else glue(doc.text, gap.start, gap.end)
                    yield finding(
                        "quote_split",
                        doc.text,
                        gap.start,
                        gap.end,
                        joint,
                        "a break inside a quotation that the next block closes",
                        0.85,
                    )
                break
            if any(q in nxt for q in openers + closers + '"'):
                break
            j += 1
        i = max(i + 1, j)


def _continuation_evidence(doc: Document, prev: str, nxt: str) -> int:
    """How plainly the next block continues the sentence of this one.

    2: plainly (lower case, a comma, the second half of an abbreviation, the rest
    of a name after its initial); 1: the block ends with an abbreviation that may
    also end a sentence ("U.S."); 0: nothing says the sentence goes on.
    """
    if nxt[0].islower() or orphan_continues(nxt):
        return 2
    if not _ends_in_full_stop(prev):
        return 0  # the rest needs an abbreviation or an initial before the break
    if splits_abbreviation(doc, prev, nxt) or _middle_initial(doc, prev, nxt):
        return 2
    token = ending_abbreviation(doc, prev)
    return int(token is not None and not is_title(doc, token))


def learn_joint_lengths(doc: Document) -> frozenset[int]:
    """The gap lengths this document uses for sentence joints, not paragraphs.

    A length is a joint style when it is longer than the document's shortest gap
    and its gaps visibly split a sentence: one of them plainly (a lower-case or
    comma start, "EE." + "UU."), or two of them after an abbreviation that may
    also end a sentence ("U.S."); and a fifth of them show it. In seed 002 four
    newlines are joints and two are paragraphs; a document with one gap style has
    no joints. Once a length is seen splitting sentences, its gaps between two
    sentences are joints too (the scraped pages of issue 16: "village." + four
    newlines + "No group claimed responsibility." inside one paragraph).
    """
    if len({gap.newlines for gap in doc.gaps}) < 2:
        return frozenset()  # one gap style: nothing is longer than the shortest
    pairs = list(_block_pairs(doc))
    if not pairs:
        return frozenset()
    total: Counter[int] = Counter()
    plain: Counter[int] = Counter()
    maybe: Counter[int] = Counter()
    for gap, prev, nxt in pairs:
        total[gap.newlines] += 1
        evidence = _continuation_evidence(doc, prev, nxt)
        (plain if evidence == 2 else maybe)[gap.newlines] += evidence > 0
    shortest = min(total)
    learned = frozenset(
        n
        for n in total
        if n > shortest and (plain[n] >= 1 or maybe[n] >= 2) and plain[n] + maybe[n] >= 0.2 * total[n]
    )
    if learned or len(total) != 2:
        return learned
    # Two gap lengths and no visible split: the longer one is a joint style when it
    # is the rarer one and every gap of it stands between two sentences of prose.
    # A page whose blank lines vary (HTML read with get_text) has three lengths or
    # more, and its long gaps border headings and captions.
    longer = max(total)
    between_prose = all(
        _ends_terminal(prev) and not is_special_line(prev) and not is_special_line(nxt)
        for gap, prev, nxt in pairs
        if gap.newlines == longer
    )
    return frozenset({longer}) if between_prose and total[longer] < total[shortest] else frozenset()


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
            glue(doc.text, gap.start, gap.end),
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
# Characters that take two columns (CJK, Hangul, fullwidth forms): a line of 35
# Chinese characters is as wide as a line of 70 Latin ones.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)
# A line that starts with a label: "2020: 27 attacks", "Source: Reuters".
_LABEL = re.compile(r"[^\W_][\w ]{0,20}:\s")
_LAST_WORD = re.compile(r"[^\W\d_]+\Z")
_FIRST_WORD = re.compile(r"[^\W\d_]+")
_SOFT_END = ",،，、-–—(/"  # a line ending in one of these goes on
_CJK_TERMINAL = "。！？」』"
# A URL or path cut by the wrap: a space would not mend it, so the break stays.
_URLISH = re.compile(r"://|\Awww\.|[/@\\]")
# Code, tables and ASCII art are laid out in lines on purpose.
_LAID_OUT = re.compile(r"[{}`|]|\S(?:\t| {3,})\S| [=<>]=? |=>|\)\s*;")
# What any _LAID_OUT match holds: a block with none of these is searched no further.
_LAID_OUT_NEEDS = ("{", "}", "`", "|", "\t", "   ", "=", "<", ">", ";")


def _width(s: str) -> int:
    return len(s) + len(_WIDE.findall(s))


def _first_unit_width(s: str) -> int:
    """How wide the first word of a line is: the word a wider line would have taken."""
    if _WIDE.match(s):
        return 2
    return _width(s.split(None, 1)[0][:40]) if s.strip() else 0


def _starts_upper(s: str) -> bool:
    s = s.lstrip(_OPENERS)
    return bool(s) and s[0].isupper()


def _title_like(s: str) -> bool:
    """A headline in title case ("US Bases In Both Iraq & Syria Under Fresh Attacks")."""
    words = [w for w in _WORDS.findall(s) if len(w) >= 4]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


# How plainly a sentence goes on across a line break (see _wrap_evidence).
_ENDS, _MAY_GO_ON, _GOES_ON, _CANNOT_END = 0, 1, 2, 3


def _wrap_evidence(doc: Document, prev: str, nxt: str) -> int:
    """How plainly the sentence goes on across a line break.

    ``_CANNOT_END``: the line ends with a function word of the language ("of",
    "und", "على") or a title ("Cdr."), which no sentence or heading ends with.
    ``_GOES_ON``: the next line starts in lower case, or the line ends with a
    comma or a dash. ``_MAY_GO_ON``: the line ends in a word and the next starts
    with a capital, a digit or a letter without case. ``_ENDS``: the line ends a
    sentence.
    """
    head = nxt.lstrip(_OPENERS)
    word = _LAST_WORD.search(prev, max(0, len(prev) - _TAIL))
    if (
        word
        and (word.group().islower() or word.group().istitle())
        and word.group().lower() in doc.data.stopwords
    ):
        # "…carried out by" + "Iran-backed militias" goes on; "Why Iran strikes now" +
        # "The attacks…" is a headline above its text: a sentence starter follows it.
        first = _FIRST_WORD.match(head)
        if first is None or not first.group()[0].isupper() or first.group() not in doc.data.sentence_starters:
            return _CANNOT_END
    if is_title(doc, ending_abbreviation(doc, prev)):
        return _CANNOT_END
    if (head and head[0].islower()) or prev[-1] in _SOFT_END:
        return _GOES_ON
    if prev[-1] in ";؛；":  # before a capital: the end of an item in a list of lines
        return _MAY_GO_ON
    if _ends_terminal(prev) or prev[-1] in _CJK_TERMINAL:
        return _ENDS
    return _MAY_GO_ON


def _keeps_line_break(prev: str, nxt: str) -> bool:
    """Lines that stand on their own whatever their width: lists, bylines, datelines, URLs."""
    return bool(
        _LIST_ITEM.match(nxt)
        or (_LABEL.match(nxt) and not nxt[0].islower())
        or _BYLINE.match(nxt)
        or _BYLINE.match(prev)
        or (len(prev) < 60 and _DATELINE.search(prev))
        or (len(nxt) < 60 and _DATELINE.search(nxt))
        or _URLISH.search(prev.rsplit(None, 1)[-1])
        or _URLISH.match(nxt)
    )


@dataclass(frozen=True)
class _Block:
    """A block's line breaks and what the joins depend on (see :func:`_block_joins`)."""

    breaks: list[_Break]
    full: frozenset[int]  # indexes of the breaks whose line is full
    column: int
    uniform: bool
    wrapped: bool
    capitals: bool
    chunk: str  # the block's text
    paragraph: bool

    @cached_property
    def caseless(self) -> bool:
        """Written in a script without case (Arabic, Hebrew…): asked only where it decides."""
        return len(_CASELESS_LETTER.findall(self.chunk)) > 2 * len(_CASED_LETTER.findall(self.chunk))


def _read_block(doc: Document, start: int, end: int, width: int | None) -> _Block | None:
    """The breaks of ``text[start:end]`` that may be wraps, or None (laid out, poetry, none)."""
    text = doc.text
    chunk = text[start:end]
    if any(c in chunk for c in _LAID_OUT_NEEDS) and _LAID_OUT.search(chunk):
        return None
    lines = chunk.split("\n")
    # Every line starting with a capital: poetry or a list when the lines are
    # short; German prose (nouns) or a list of long items when they are not,
    # where only a line that plainly goes on is joined.
    capitals = len(lines) >= 3 and all(_starts_upper(ln.strip()) for ln in lines if ln.strip())
    if capitals and max(_width(ln.strip()) for ln in lines) < 55:
        return None
    breaks: list[_Break] = []
    line_start = 0
    for m in _LINE_BREAK.finditer(chunk):
        nxt_end = chunk.find("\n", m.end())
        prev = chunk[line_start : m.start()].strip()
        nxt = chunk[m.end() : len(chunk) if nxt_end < 0 else nxt_end].strip()
        first = line_start == 0
        line_start = m.end()
        if prev and nxt and not _keeps_line_break(prev, nxt):
            w = _width(prev)
            room = w + 1 + _first_unit_width(nxt)
            evidence = _wrap_evidence(doc, prev, nxt)
            breaks.append(
                _Break(start + m.start(), start + m.end(), prev, w, room, evidence, first, _width(nxt))
            )
    if not breaks:
        return None
    column = width if width is not None else max(b.width for b in breaks)
    slack = 0.6 if width is not None else 0.8
    full = frozenset(
        i
        for i, b in enumerate(breaks)
        if b.room > slack * column or (width is not None and b.width >= slack * width)
    )
    # Text without spaces (Chinese, Japanese) wraps at an exact column and gives no
    # case or function-word evidence: equal widths are the evidence there.
    uniform = (
        len(breaks) >= 2
        and column >= 20
        and min(b.width for b in breaks) >= column - 2
        and len(_NO_SPACE.findall(chunk)) > 0.5 * len(chunk)
    )
    wrapped = width is not None or (
        not capitals
        and 25 <= column <= 120
        and len(full) >= 2
        and (
            uniform
            or any(
                breaks[i].evidence >= _GOES_ON or (breaks[i].evidence == _MAY_GO_ON and not breaks[i].first)
                for i in full
            )
        )
    )
    paragraph = bool(_ends_terminal(lines[-1].strip()) or lines[-1].rstrip()[-1:] in _CJK_TERMINAL + ')»”"')
    return _Block(breaks, full, column, uniform, wrapped, capitals, chunk, paragraph)


def _block_joins(block: _Block, *, spaced: bool, wrapped_doc: bool) -> Iterator[tuple[int, int, bool]]:
    """The line breaks of a block that are wraps inside a paragraph.

    Each break is judged by how plainly its sentence goes on (:func:`_wrap_evidence`)
    and by whether its line is *full*: the next line's first word would not have
    fit on it, against the document's wrap column when it has one, else against
    the block's widest line with 20% slack for ragged layouts. So wraps at varying
    widths and wraps in only some paragraphs are found, not only a document
    wrapped at one column. A block is *wrapped* when two of its lines are full
    and one of them plainly goes on, or ends in a word in the middle of the
    block; there every full line is joined (a sentence that ends on a full line
    ends where the wrap fell), and any line whose sentence plainly goes on. Out
    of a wrapped block a break is joined when the line ends with a function word,
    or when the sentence goes on after a line of 40 columns or more, or, in a
    script without case (Arabic), when a line of 40 columns or more ends in a
    word inside a paragraph that ends with a sentence mark. Never in code,
    tables or poetry (every line starting with a capital), nor before a list
    item, a byline, a dateline, a label or after a URL.

    In a document that separates paragraphs by blank lines (``spaced``), a short
    line before a long one that goes on in lower case is joined (a lead's first
    words, "Plusieurs centaines" + "d'agriculteurs ont bloqué…"), and so is a line
    of 40 columns or more ending in a word before a capital inside a paragraph
    that ends with a sentence mark (German nouns: "ihren" + "Klassenkameraden.");
    a block's first line only when it is too long for a headline (100 columns) or
    the document is wrapped (``wrapped_doc``) and it is not in title case. In a
    wrapped document a line of 40 columns or more that ends a sentence before
    another such line is joined as well: there the wrap fell after a full stop.
    Each join is (start, end, whether its sentence plainly went on: the evidence
    that makes a document wrapped).
    """
    wrapped, capitals, paragraph = block.wrapped, block.capitals, block.paragraph
    for i, b in enumerate(block.breaks):
        plain = b.evidence == _CANNOT_END or b.evidence == _GOES_ON
        if b.evidence == _CANNOT_END or (b.evidence == _GOES_ON and (wrapped or b.width >= 40)):
            yield b.start, b.end, True
        elif wrapped and i in block.full:
            # A line that ends in a word goes on (unless it is a headline above its
            # text); a sentence that ends on a full line ends where the wrap fell.
            goes_on = b.evidence == _MAY_GO_ON and not (b.first and _title_like(b.prev))
            if goes_on or block.uniform or b.room > 0.95 * block.column:
                yield b.start, b.end, plain
        elif b.evidence == _MAY_GO_ON and block.caseless and paragraph and b.width >= 40:
            yield b.start, b.end, False
        elif not spaced:
            continue
        elif b.evidence == _GOES_ON and b.next_width >= 40:
            yield b.start, b.end, True  # a lead's first words on a line of their own
        elif b.evidence == _MAY_GO_ON and paragraph and b.width >= 40 and (wrapped_doc or not capitals):
            headline = b.first and (b.width < 100 and (not wrapped_doc or _title_like(b.prev)))
            if not headline:
                yield b.start, b.end, False
        elif b.evidence == _ENDS and wrapped_doc and paragraph and b.width >= 40 and b.next_width >= 40:
            yield b.start, b.end, False


@dataclass(frozen=True, slots=True)
class _Break:
    """One line break inside a block, with what :func:`_block_joins` weighs."""

    start: int
    end: int
    prev: str  # the line before it, stripped
    width: int  # its columns
    room: int  # its columns with the next line's first word
    evidence: int  # _wrap_evidence
    first: bool  # it is the block's first line
    next_width: int  # the columns of the line after the break


_CASED_LETTER = re.compile("[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f]")
# Hebrew, Arabic, Syriac, Thaana and the Indic scripts: letters without case.
_CASELESS_LETTER = re.compile("[\u05d0-\u05ea\u0620-\u064a\u066e-\u06d3\u0700-\u08ff\u0900-\u0dff]")


@rule(
    "hard_wrap",
    "structure",
    "lines hard-wrapped inside a paragraph (at one column, ragged, or in some paragraphs only) are unwrapped",
)
def hard_wrap(doc: Document, config: Config) -> Iterator[Finding]:
    """Unwrap every block; where the document shows plain wraps, also the subtler ones.

    A first pass joins what each block shows by itself. When it finds two wraps
    or more whose sentence plainly goes on (a lower-case word or a function word
    across the break) in a document that separates its paragraphs by blank lines,
    the document is *wrapped*, and a second pass also joins, inside paragraphs,
    long lines that end a sentence or end in a word before a capital (see
    :func:`_block_joins`): a scraper that wrapped some lines wrapped those too.
    """
    width = _wrap_width(doc)
    text = doc.text
    blocks = [b for b in doc.blocks if text.find("\n", b.start, b.end) >= 0]
    if not blocks:
        return
    spaced = len(doc.blocks) >= 3
    read = [blk for blk in (_read_block(doc, b.start, b.end, width) for b in blocks) if blk is not None]
    joins = [list(_block_joins(blk, spaced=spaced, wrapped_doc=False)) for blk in read]
    if spaced and sum(strong for block in joins for _, _, strong in block) >= 2:
        joins = [list(_block_joins(blk, spaced=True, wrapped_doc=True)) for blk in read]
    for block in joins:
        for start, end, _ in block:
            how = f"at column ~{width}" if width is not None else "mid-sentence"
            yield finding(
                "hard_wrap",
                text,
                start,
                end,
                glue(text, start, end),
                f"line wrapped {how} inside a paragraph",
                0.8,
            )
