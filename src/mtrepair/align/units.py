"""The units an alignment is made of: sentences of a document, or its non-empty lines.

Units keep their character span in the original text, so a bead can always be
traced back to the exact characters it covers (the same convention as
:mod:`mtrepair.segment`). Indices in beads are positions in the returned list,
not line numbers: blank lines are never units.
"""

from __future__ import annotations

import re
from typing import Literal

from mtrepair.align import Unit
from mtrepair.errors import ConfigError
from mtrepair.segment import Document

UnitMode = Literal["sentences", "lines"]
MODES: tuple[str, ...] = ("sentences", "lines")

_LINE = re.compile(r"[^\n]+")


def units(text: str, mode: str = "sentences", lang: str = "auto") -> list[Unit]:
    """Split ``text`` into alignment units with their spans.

    ``sentences`` uses the project's segmenter (abbreviation-aware, never crossing
    a paragraph), so a garbled copy whose sentences were torn apart by spurious
    paragraph breaks yields fragments: the aligner's 2-1 beads put them back
    together. ``lines`` takes every line holding non-blank text, trimmed of outer
    whitespace (and of a CR), for line-aligned corpora such as MT test sets.
    """
    if mode == "lines":
        out: list[Unit] = []
        for m in _LINE.finditer(text):
            raw = m.group()
            stripped = raw.strip()
            if not stripped:
                continue
            start = m.start() + (len(raw) - len(raw.lstrip()))
            out.append(Unit(start, start + len(stripped), stripped))
        return out
    if mode == "sentences":
        doc = Document(text, lang)
        return [Unit(s.start, s.end, text[s.start : s.end]) for s in doc.sentences]
    raise ConfigError(f"unknown unit mode {mode!r}; use one of: {', '.join(MODES)}")
