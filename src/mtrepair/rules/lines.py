"""Whole-line damage: glued metadata, boilerplate, stray whitespace."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cache

from mtrepair import langdata
from mtrepair.config import Config
from mtrepair.model import Finding
from mtrepair.registry import finding, rule
from mtrepair.segment import Document, Span

# A scraper's date field glued in front of the article (seeds 000, 002).
_GLUED_DATE = re.compile(r"\A[^\S\n]*date[ :]+(\d{4}-\d{2}-\d{2})(?:T[\d:.+Z-]+)?[^\S\n]+")
_MAX_BOILERPLATE_LINE = 200


def metadata_from(original: str) -> dict[str, str]:
    """Recover the metadata a ``metadata`` edit removed from the text."""
    m = _GLUED_DATE.match(original)
    return {"date": m.group(1)} if m else {}


@rule("metadata", "metadata", "a metadata field glued to the text is moved into metadata")
def metadata(doc: Document, config: Config) -> Iterator[Finding]:
    m = _GLUED_DATE.match(doc.text)
    if m and m.end() < len(doc.text):
        yield finding(
            "metadata",
            doc.text,
            m.start(),
            m.end(),
            "",
            f"scraper field 'date {m.group(1)}' glued to the text moved to metadata",
            0.95,
        )


@cache
def _matchers(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """All patterns as one alternation: one match attempt per line, whatever their number."""
    return re.compile("|".join(f"(?:{langdata.compile_glob(p).pattern})" for p in patterns), re.IGNORECASE)


def _boilerplate_line(line: str, matcher: re.Pattern[str]) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_BOILERPLATE_LINE:
        return False
    return matcher.match(stripped) is not None


@rule("boilerplate", "boilerplate", "comment forms, banners and widget text are removed (logged)")
def boilerplate(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    matchers = _matchers(config.boilerplate)
    hits = [ln for ln in doc.lines if _boilerplate_line(text[ln.start : ln.end], matchers)]
    runs: list[list[Span]] = []
    for ln in hits:
        if runs and not text[runs[-1][-1].end : ln.start].strip():
            runs[-1].append(ln)
        else:
            runs.append([ln])
    for run in runs:
        start, end = run[0].start, run[-1].end
        after = text[end:]
        if after.strip():
            # Take the lines and the blank lines after them: the next content moves up.
            end += len(after) - len(after.lstrip())
        else:
            # Last content in the document: take the separator before it instead.
            end = len(text)
            before = text[:start]
            start -= len(before) - len(before.rstrip())
        lines = "; ".join(repr(text[ln.start : ln.end].strip()) for ln in run)
        yield finding("boilerplate", text, start, end, "", f"boilerplate removed: {lines}", 0.95)


# A run is tried from its first character only, and whole (possessive): linear on
# a line of 100,000 spaces followed by a word (tests/test_redos.py). The pattern
# starts with the character class and checks the character before it afterwards:
# the scan then skips to whitespace instead of trying every character (2.5x).
_TRAILING = re.compile(r"[^\S\n](?<![^\S\n][^\S\n])[^\S\n]*+(?=\n|\Z)")
_LEADING = re.compile(r"\s+(?=\S)")


@rule("stray_whitespace", "whitespace", "spaces at line ends and before the first word are dropped")
def stray_whitespace(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    # Spaces at the very start that end the line are a line end's; any other
    # whitespace before the first word goes whole, blank lines included.
    first = _TRAILING.match(text) or _LEADING.match(text)
    rest = _TRAILING.finditer(text, first.end() if first else 0)
    for m in itertools.chain([first] if first else [], rest):
        yield finding(
            "stray_whitespace",
            text,
            m.start(),
            m.end(),
            "",
            "invisible whitespace at a line edge removed",
            0.9,
        )
