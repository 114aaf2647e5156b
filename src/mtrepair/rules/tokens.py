"""Token-level damage: doubled words, stray and unbalanced quotes, fragments."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mtrepair.config import Config
from mtrepair.model import Finding
from mtrepair.registry import finding, rule
from mtrepair.rules.breaks import _quote_depth, is_special_line
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
    pattern = re.compile(rf"[^\S\n]*([{re.escape(openers)}])[^\S\n]*([.!?,;]?)(?=[^\S\n]*(?:\n|\Z))")
    pairs = dict(doc.data.quotes)
    for m in pattern.finditer(text):
        before = text[_block_start(text, m.start()) : m.start()]
        if not before.strip():
            continue
        # A line wrapped right after an opening quote (`30 “` / `Grad” rockets`): the
        # quotation it opens closes later in the paragraph, so it is not dangling.
        _, closed = _quote_depth(text[m.end() : _block_end(text, m.end())], openers, closers, 1)
        if closed:
            continue
        depth, _ = _quote_depth(before, openers, closers)
        punct = m.group(2)
        if depth > 0:
            closer = pairs[m.group(1)]
            repl = (punct if not before.rstrip().endswith(tuple(".!?…")) else "") + closer
            msg = f"dangling {m.group(1)!r} closes the open quotation"
        else:
            repl = "" if before.rstrip()[-1:] in ".!?…" + closers + '"' else punct
            msg = f"dangling {m.group(1)!r} after a closed quotation removed"
        yield finding("stray_quote", text, m.start(), m.end(), repl, msg, 0.8)


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
