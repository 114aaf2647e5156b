"""Shared text helpers for quality estimation: spacing normalization and word splitting.

Why normalize: MT output reaches us either as running text or Moses-tokenized
(MLQE-PE, most MT toolkits: ``hadn 't``, ``word ,``). The signals and the fitted
weights must not depend on which, so both sides are brought to running-text
spacing before anything is measured. The rules are the few that undo Moses
tokenization for English-like text; they never change a letter.
"""

from __future__ import annotations

import unicodedata

import regex

_SPACE_BEFORE = regex.compile(r"\s+([,.;:!?%)\]}»”]|'s\b|'re\b|'ve\b|'ll\b|'d\b|'m\b|n't\b|'t\b)")
_SPACE_AFTER = regex.compile(r"([(\[{«“])\s+")
_APOS = regex.compile(r"(\w) (n?'t|'s)\b")
_MULTI = regex.compile(r"[^\S\n]{2,}")

# A word: letters (any script) with inner apostrophes or hyphens; digits count separately.
WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*")
NUMBER = regex.compile(r"\d+(?:[.,]\d+)*")
TOKEN = regex.compile(r"\p{L}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*|\d+(?:[.,]\d+)*|[^\s\p{L}\d]")


def normalize(text: str) -> str:
    """Running-text spacing: ``word ,`` → ``word,``, ``hadn 't`` → ``hadn't``.

    >>> normalize("Who would have known if he hadn 't said it ( really ) , he said .")
    "Who would have known if he hadn't said it (really), he said."
    """
    text = _MULTI.sub(" ", text.strip())
    text = _APOS.sub(r"\1\2", text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    return str(_SPACE_AFTER.sub(r"\1", text))


def words(text: str) -> list[str]:
    """The words of ``text`` in order (letters only; numbers and punctuation left out)."""
    return [m.group() for m in WORD.finditer(text)]


def numbers(text: str) -> list[str]:
    """Digit runs as ASCII digits without inner separators.

    ``1,000`` and ``1000`` compare equal, and so do Devanagari ``२०१०`` and ``2010``:
    a Nepali source writes its own digits that the English output writes in ASCII.
    """
    return [
        "".join(str(unicodedata.digit(ch, ch)) for ch in m.group() if ch not in ".,")
        for m in NUMBER.finditer(text)
    ]
