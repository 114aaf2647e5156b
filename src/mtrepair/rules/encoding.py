"""Character-level damage: line endings and mojibake."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

import ftfy
from ftfy.badness import is_bad

from mtrepair.config import Config
from mtrepair.model import Finding
from mtrepair.registry import finding, rule
from mtrepair.segment import Document

_CR = re.compile(r"\r\n?")
# UTF-8 read as Latin-1/cp1252 always yields a character of U+0080..U+00FF (Ã, â, Â,
# C1 controls...). Lines without one cannot hold such mojibake, and curly quotes or
# dashes alone (U+2010..) do not wake the slower ftfy.badness check.
_SUSPECT = re.compile("[\u0080-\u00ff]")

# ftfy, but only the encoding repairs: quote style, ligatures, widths and Unicode
# normalization are the author's choices, not damage, and must survive.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=False,
    normalization=None,
    explain=False,
)


@rule("line_endings", "encoding", "CRLF and lone CR line breaks become LF")
def line_endings(doc: Document, config: Config) -> Iterator[Finding]:
    for m in _CR.finditer(doc.text):
        yield finding(
            "line_endings",
            doc.text,
            m.start(),
            m.end(),
            "\n",
            "Windows/old-Mac line break normalized to LF",
            1.0,
        )


@rule("mojibake", "encoding", "text decoded with the wrong codec (â€™ for ’) is re-decoded by ftfy")
def mojibake(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    if not _SUSPECT.search(text):
        return
    for line in doc.lines:
        chunk = text[line.start : line.end]
        if not _SUSPECT.search(chunk) or not is_bad(chunk):
            continue
        fixed = ftfy.fix_text(chunk, _FTFY)
        if fixed == chunk:
            continue
        matcher = difflib.SequenceMatcher(None, chunk, fixed, autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op == "equal":
                continue
            yield finding(
                "mojibake",
                text,
                line.start + a0,
                line.start + a1,
                fixed[b0:b1],
                f"mis-decoded text {chunk[a0:a1]!r} is {fixed[b0:b1]!r}",
                0.9,
            )
