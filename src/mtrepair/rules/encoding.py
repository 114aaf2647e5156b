"""Character-level damage: line endings and mojibake."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

import ftfy
import ftfy.fixes
from ftfy.badness import is_bad
from ftfy.chardata import HTML_ENTITY_RE

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


# A paragraph that is about markup (an HTML tag or a comparison sign, code in
# backticks, or the words that name markup and its escapes) keeps its entities:
# there "&amp;" is what the author means. ftfy's own guard is the "<".
_MARKUP_TALK = re.compile(r"[<`]|\b(?:html|xml|sgml|markup|entit(?:y|ies)|escaped?)\b", re.IGNORECASE)


@rule("html_entities", "encoding", "HTML entities a scraper left (&quot; &amp; &#8217;) are decoded by ftfy")
def html_entities(doc: Document, config: Config) -> Iterator[Finding]:
    """Decode entities with ``ftfy.fixes.unescape_html``, one edit per entity.

    ftfy decodes only the unambiguous forms (named entities that end in a
    semicolon, numeric references), so informal text such as "this&not that" or
    "AT&T;" is left alone. Paragraphs that are themselves about markup are
    skipped, as ftfy skips text holding a "<".
    """
    text = doc.text
    if "&" not in text:
        return
    for block in doc.blocks:
        chunk = text[block.start : block.end]
        if "&" not in chunk or _MARKUP_TALK.search(chunk):
            continue
        for m in HTML_ENTITY_RE.finditer(chunk):
            decoded = ftfy.fixes.unescape_html(m.group())
            if decoded == m.group():
                continue
            yield finding(
                "html_entities",
                text,
                block.start + m.start(),
                block.start + m.end(),
                decoded,
                f"HTML entity {m.group()!r} is {decoded!r}",
                0.95,
            )
