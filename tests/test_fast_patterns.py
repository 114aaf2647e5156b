"""The fast scanning patterns find exactly what their plain forms find.

Several whole-document patterns were rewritten to start with their rare
character (a hyphen, a quote mark, a sentence mark, a space) instead of a
lookbehind or an optional group, so that ``re`` can skip ahead instead of
trying a match at every position (benchmarks/README.md, "Corpus scale"). The
plain forms are kept here as the specification: on generated text made of the
characters that matter, and on the seeds, both must give the same spans.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mtrepair import langdata
from mtrepair.config import Config
from mtrepair.rules import breaks, lines, tokens
from mtrepair.segment import _SPLIT_CANDIDATE, Document

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))

# The plain forms, as they were before the rewrite.
PLAIN_HYPHEN = re.compile(r"(?<=[^\W\d_])-[^\S\n]*\n[^\S\n]*(?=[^\W\d_])")
PLAIN_TRAILING = re.compile(r"(?<![^\S\n])[^\S\n]++(?=\n|\Z)|\A\s+(?=\S)")
PLAIN_SPLIT = re.compile(r"(?<![.!?…؟])[.!?…؟]++(?:[\"”“’‘»«›‹)\]]|[^\S\n][»›](?=\s))*(?=\s++\S)")


def plain_dangling(openers: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?:(?<![^\S\n])[^\S\n]++)?([{re.escape(openers)}])[^\S\n]*+([.!?,;]?)(?=[^\S\n]*(?:\n|\Z))"
    )


def texts(alphabet: str) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, max_size=40)


SETTINGS = settings(max_examples=400)  # derandomized, no database: tests/conftest.py


def spans(matches: Iterator[re.Match[str]]) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


def fast_trailing(text: str) -> list[tuple[int, int]]:
    """stray_whitespace's spans, read from its findings."""
    return [(f.start, f.end) for f in lines.stray_whitespace(Document(text, "en"), Config())]


@SETTINGS
@given(texts("ab1-_ \t\n\u00a0"))
def test_hyphen_break_pattern(text: str) -> None:
    assert spans(breaks._HYPHEN_BREAK.finditer(text)) == spans(PLAIN_HYPHEN.finditer(text))


@SETTINGS
@given(texts("a. \t\n\u00a0\u2003"))
def test_stray_whitespace_spans(text: str) -> None:
    assert fast_trailing(text) == spans(PLAIN_TRAILING.finditer(text))


@SETTINGS
@given(texts('a .!?…"»›”)\n\u00a0'), st.integers(0, 3), st.integers(0, 3))
def test_sentence_candidates_inside_a_block(text: str, cut_start: int, cut_end: int) -> None:
    start, end = min(cut_start, len(text)), max(0, len(text) - cut_end)
    fast = spans(_SPLIT_CANDIDATE.finditer(text, start, end))
    assert fast == spans(PLAIN_SPLIT.finditer(text, start, end))


@SETTINGS
@given(texts("a“”.,; \t\n\u00a0"))
def test_dangling_quote_spans(text: str) -> None:
    data = langdata.load("en")
    plain = plain_dangling(data.opening_quotes)
    fast = []
    for m in tokens._dangling(data.opening_quotes).finditer(text):
        first = m.start()
        while first and text[first - 1] != "\n" and text[first - 1].isspace():
            first -= 1
        fast.append((first, m.end()))
    assert fast == spans(plain.finditer(text))


def test_the_seeds_give_the_same_spans() -> None:
    data = langdata.load("en")
    plain = plain_dangling(data.opening_quotes)
    fast = tokens._dangling(data.opening_quotes)
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        assert spans(breaks._HYPHEN_BREAK.finditer(text)) == spans(PLAIN_HYPHEN.finditer(text))
        assert fast_trailing(text) == spans(PLAIN_TRAILING.finditer(text))
        assert spans(_SPLIT_CANDIDATE.finditer(text)) == spans(PLAIN_SPLIT.finditer(text))
        ends = [m.end() for m in fast.finditer(text)]
        assert ends == [m.end() for m in plain.finditer(text)]


def test_language_guess_skips_letter_counts_only_without_arabic() -> None:
    arabic = "قال المتحدث إن الهجوم وقع في الصباح"
    assert langdata.guess_language(arabic) == "ar"
    assert langdata.guess_language(arabic + " and the") == "ar"
    assert langdata.guess_language("\u0600") == "en"  # an Arabic-block sign, no letters
    mixed = " ".join(itertools.repeat("the officials said", 30)) + " " + arabic
    assert langdata.guess_language(mixed) == "en"
