"""Findings written back into a copy of the TMX/XLIFF file, as notes of their units."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from pathlib import Path

from mtrepair.bilingual.read import Malformed, Unit, first_child, read_units
from mtrepair.bilingual.xmlparse import Doc, local_name
from mtrepair.errors import InputError
from mtrepair.io import atomic_writer

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text: str) -> str:
    text = _INVALID_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _indent(data: bytes, offset: int, codec: str) -> str | None:
    """The blanks that start the line at ``offset``, if only blanks precede it there.

    Lets an inserted note line up with the file's own layout; None (insert inline)
    when the tag shares its line with other content or the codec is not ASCII-based.
    """
    if codecs.lookup(codec).name not in ("utf-8", "ascii", "latin-1", "iso8859-1", "cp1252"):
        return None
    line_start = data.rfind(b"\n", 0, offset) + 1
    blanks = data[line_start:offset]
    if line_start == 0 or blanks.strip(b" \t"):
        return None
    return blanks.decode("ascii")


def _insertion(fmt: str, doc: Doc, data: bytes, unit: Unit, lines: list[str]) -> tuple[int, str]:
    """Where in the bytes the notes of ``unit`` go, and the XML text to insert there."""
    elem = unit.elem
    pre = doc.prefixes.get(id(elem), "")
    q = f"{pre}:" if pre else ""
    attr = {"xliff-1.2": ' from="mtrepair"', "xliff-2": ' category="mtrepair"', "tmx": ""}[fmt]
    notes = [f"<{q}note{attr}>{_escape(t)}</{q}note>" for t in lines]

    def block(offset: int, inner: bool) -> tuple[int, str]:
        """``notes`` at ``offset``, one a line: inside the closing tag there (inner) or before a sibling."""
        ind = _indent(data, offset, doc.codec)
        if ind is None:
            return offset, "".join(notes)
        if inner:
            return offset, "".join(f"  {n}\n{ind}" for n in notes)
        return offset, "".join(f"{n}\n{ind}" for n in notes)

    if fmt == "xliff-1.2":
        return block(doc.ends[id(elem)], inner=True)
    if fmt == "tmx":
        first = next(c for c in elem if local_name(c) == "tuv")  # a unit is read only with a tuv
        return block(doc.starts[id(first)], inner=False)
    existing = first_child(elem, "notes")
    if existing is not None and doc.closed.get(id(existing), False):
        return block(doc.ends[id(existing)], inner=True)
    if existing is not None:
        raise Malformed(f"unit {elem.get('id')!r} has an empty <notes/> element, which XLIFF 2 forbids")
    first = next(c for c in elem if local_name(c) in ("originalData", "segment", "ignorable"))
    at = doc.starts[id(first)]
    ind = _indent(data, at, doc.codec)
    if ind is None:
        return at, f"<{q}notes>{''.join(notes)}</{q}notes>"
    inner = "".join(f"{ind}  {n}\n" for n in notes)
    return at, f"<{q}notes>\n{inner}{ind}</{q}notes>\n{ind}"


def write_xliff_notes(
    original: Path,
    out: Path,
    notes: Mapping[str, list[str]],
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
) -> None:
    """Write a copy of ``original`` with ``notes[segment id]`` added as notes of its units.

    The copy is the input byte for byte plus the inserted elements (comments,
    namespace prefixes, layout and unknown elements survive); the input is never
    modified and ``out`` is written atomically. XLIFF 1.2 gets ``<note
    from="mtrepair">`` in the trans-unit, XLIFF 2 ``<note category="mtrepair">`` in
    the unit's ``<notes>``, TMX ``<note>`` before the first ``<tuv>``. A note for one
    segment of a unit with several names the segment. Ids not in the file raise
    InputError (they would be silently lost otherwise). ``source_lang`` and
    ``target_lang`` are those given to :func:`read_bilingual` (a TMX needs them when
    its header names no source language or it holds several target languages).
    """
    bilingual, doc, units = read_units(original, source_lang, target_lang)
    known = {s.id for s in bilingual.segments}
    unknown = [k for k in notes if k not in known]
    if unknown:
        raise InputError(
            f"{original}: no segment with id {', '.join(map(repr, unknown[:3]))}; notes not written"
        )
    data = doc.data
    inserts: list[tuple[int, str]] = []
    for unit in units:
        lines = []
        for seg in unit.segments:
            for text in notes.get(seg.id, []):
                lines.append(text if len(unit.segments) == 1 else f"[{seg.id}] {text}")
        if lines:
            try:
                inserts.append(_insertion(bilingual.format, doc, data, unit, lines))
            except Malformed as exc:
                raise InputError(f"{original}: {exc}; notes not written") from None
    chunks, pos = [], 0
    for offset, text in sorted(inserts, key=lambda x: x[0]):
        chunks += [data[pos:offset], text.encode(doc.codec, "xmlcharrefreplace")]
        pos = offset
    chunks.append(data[pos:])
    with atomic_writer(out, protect=(original,)) as fh:
        fh.flush()
        fh.buffer.write(b"".join(chunks))
