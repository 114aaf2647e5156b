"""Matching normalization with an offset map back to the original text.

Variants differ in case, hyphens vs spaces (al-Asad, Al Asad, al Asad),
apostrophes (Kata'ib, Kataib), quotes around a word (“Grad” missiles) and, in
Arabic, alef forms, ta marbuta, alef maqsura, diacritics and tatweel. Text and
variants are both normalized the same way; matches in the normalized text map
back to exact spans of the original.

The work is ``str.lower`` plus regex passes that only touch the characters
that change and runs of separators, so normalization stays near regex
speed on ordinary text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

_DELETE = "'’ʼ‘`ʹ\u0640" + "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670"
_SPACE = '-‐‑‒–—_“”"«»„‟/\t\r\u00a0\u2009\u202f '
_ARABIC = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"}
_TABLE = {**{c: "\x00" for c in _DELETE}, **{c: " " for c in _SPACE if c != " "}, **_ARABIC}
# Substituting only the characters that change is much faster than str.translate
# on non-ASCII text, where translate takes its slow path for every character.
_MAPPED = re.compile("[" + re.escape("".join(_TABLE)) + "]")
_COLLAPSE = re.compile(r"[ \x00]{2,}|\x00")


@dataclass(frozen=True)
class Normalized:
    """Normalized text plus what is needed to map its offsets back."""

    text: str
    _at: tuple[int, ...]  # normalized positions where the shift changes
    _shift: tuple[int, ...]  # characters removed before each of those positions

    def original(self, pos: int) -> int:
        """Offset in the original text of normalized offset ``pos``."""
        i = bisect.bisect_right(self._at, pos) - 1
        return pos + (self._shift[i] if i >= 0 else 0)


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def normalize(text: str) -> Normalized:
    t = _MAPPED.sub(lambda m: _TABLE[m.group()], _lower(text))
    pieces: list[str] = []
    at: list[int] = []
    shift: list[int] = []
    pos = 0
    out_len = 0
    removed = 0
    for m in _COLLAPSE.finditer(t):
        pieces.append(t[pos : m.start()])
        out_len += m.start() - pos
        run = m.group()
        repl = " " if " " in run else ""
        # Positions up to the run start keep the old shift; the replacement space
        # (if any) maps to the run start, everything after skips the run.
        if repl:
            at.append(out_len)
            shift.append(removed)
            removed += len(run) - 1
            pieces.append(" ")
            out_len += 1
        else:
            removed += len(run)
        at.append(out_len)
        shift.append(removed)
        pos = m.end()
    pieces.append(t[pos:])
    return Normalized("".join(pieces), tuple(at), tuple(shift))


@cache
def key(text: str) -> str:
    """The normalized form of a variant, as stored in the automaton."""
    return normalize(text).text.strip()
