"""Import and export: TBX-Basic (ISO 30042) and CSV.

TBX is what terminology tools (Okapi, Xbench, memoQ, Trados) exchange. Each entry
becomes a ``conceptEntry``: the canonical form is the English
``preferredTerm-admn-sts``, English variants are ``deprecatedTerm-admn-sts`` (they
are to be replaced), other languages' forms are ``admittedTerm-admn-sts`` with
the first one preferred; type and note are ``subjectField`` and ``definition``;
a context rule, which TBX-Basic cannot express, rides in a ``note`` as JSON so a
round trip loses nothing. CSV has one row per variant.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import asdict
from pathlib import Path

from mtrepair.glossary.model import TYPES, Context, Entry, Glossary, GlossaryError

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTEXT_PREFIX = "mtrepair-context: "
CSV_FIELDS = ("id", "canonical", "type", "note", "lang", "variant", "context")


def _q(tag: str) -> str:
    return f"{{{TBX_NS}}}{tag}"


def to_tbx(glossary: Glossary) -> str:
    ET.register_namespace("", TBX_NS)
    root = ET.Element(_q("tbx"), {"style": "dca", "type": "TBX-Basic", XML_LANG: "en"})
    header = ET.SubElement(ET.SubElement(root, _q("tbxHeader")), _q("fileDesc"))
    ET.SubElement(ET.SubElement(header, _q("sourceDesc")), _q("p")).text = "mtrepair glossary"
    body = ET.SubElement(ET.SubElement(root, _q("text")), _q("body"))
    for e in glossary.entries:
        concept = ET.SubElement(body, _q("conceptEntry"), {"id": e.id})
        ET.SubElement(concept, _q("descrip"), {"type": "subjectField"}).text = e.type
        if e.note:
            ET.SubElement(concept, _q("descrip"), {"type": "definition"}).text = e.note
        if e.context:
            ET.SubElement(concept, _q("note")).text = CONTEXT_PREFIX + json.dumps(asdict(e.context))
        langs = {"en": [(e.canonical, "preferredTerm-admn-sts")]}
        langs["en"] += [(v, "deprecatedTerm-admn-sts") for v in e.variants.get("en", ())]
        for lang, forms in sorted(e.variants.items()):
            if lang != "en":
                langs[lang] = [
                    (v, "preferredTerm-admn-sts" if i == 0 else "admittedTerm-admn-sts")
                    for i, v in enumerate(forms)
                ]
        for lang, terms in langs.items():
            sec = ET.SubElement(concept, _q("langSec"), {XML_LANG: lang})
            for term, status in terms:
                ts = ET.SubElement(sec, _q("termSec"))
                ET.SubElement(ts, _q("term")).text = term
                ET.SubElement(ts, _q("termNote"), {"type": "administrativeStatus"}).text = status
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _context(raw: str, where: str) -> Context:
    try:
        data = json.loads(raw)
        return Context(**{k: tuple(v) for k, v in data.items()})
    except (json.JSONDecodeError, TypeError, AttributeError) as exc:
        raise GlossaryError(f"{where}: unreadable context rule ({exc})") from None


def from_tbx(text: str, source: str) -> Glossary:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise GlossaryError(f"{source}: DTDs and entities are not accepted in TBX imports")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise GlossaryError(f"{source}:{exc.position[0]}: not well-formed XML ({exc})") from None
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    entries = []
    for n, concept in enumerate(root.iter(f"{ns}conceptEntry"), start=1):
        where = f"{source}: conceptEntry {n}"
        ident = concept.get("id") or f"entry-{n}"
        type_, note, context = "term", "", None
        for d in concept.findall(f"{ns}descrip"):
            if d.get("type") == "subjectField" and (d.text or "") in TYPES:
                type_ = d.text or "term"
            elif d.get("type") == "definition":
                note = d.text or ""
        for nt in concept.findall(f"{ns}note"):
            if (nt.text or "").startswith(CONTEXT_PREFIX):
                context = _context((nt.text or "")[len(CONTEXT_PREFIX) :], where)
        canonical = ""
        variants: dict[str, list[str]] = {}
        for sec in concept.findall(f"{ns}langSec"):
            lang = (sec.get(XML_LANG) or "").split("-")[0].lower()
            for ts in sec.findall(f"{ns}termSec"):
                term = (ts.findtext(f"{ns}term") or "").strip()
                status = ts.findtext(f"{ns}termNote") or ""
                if not term:
                    continue
                if lang == "en" and status.startswith("preferred") and not canonical:
                    canonical = term
                else:
                    variants.setdefault(lang, []).append(term)
        if not canonical:
            raise GlossaryError(f"{where}: no preferred English term to use as the canonical form")
        entries.append(
            Entry(
                ident, canonical, type_, note, {k: tuple(v) for k, v in variants.items()}, context, source, 0
            )
        )
    return Glossary(tuple(entries), (source,))


def to_csv(glossary: Glossary) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for e in glossary.entries:
        ctx = json.dumps(asdict(e.context), ensure_ascii=False) if e.context else ""
        rows = e.all_variants() or [("", "")]
        for i, (lang, v) in enumerate(rows):
            writer.writerow([e.id, e.canonical, e.type, e.note, lang, v, ctx if i == 0 else ""])
    return buf.getvalue()


def from_csv(text: str, source: str) -> Glossary:
    # newline="": the csv module sees the line ends as written (LF, CRLF or a lone CR).
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _from_rows(reader, source)
    except csv.Error as exc:
        raise GlossaryError(f"{source}:{max(reader.line_num, 1)}: unreadable CSV ({exc})") from None


def _from_rows(reader: csv.DictReader[str], source: str) -> Glossary:
    missing = set(CSV_FIELDS[:6]) - set(reader.fieldnames or ())
    if missing:
        raise GlossaryError(f"{source}:1: CSV header lacks {', '.join(sorted(missing))}")
    order: list[str] = []
    data: dict[str, dict[str, object]] = {}
    for row in reader:
        where = f"{source}:{reader.line_num}"
        ident = (row.get("id") or "").strip()
        if not ident or not (row.get("canonical") or "").strip():
            raise GlossaryError(f"{where}: every row needs id and canonical")
        if ident not in data:
            order.append(ident)
            data[ident] = {
                "canonical": row["canonical"],
                "type": row.get("type") or "term",
                "note": row.get("note") or "",
                "variants": {},
                "context": None,
            }
        d = data[ident]
        if row.get("lang") and row.get("variant"):
            variants = d["variants"]
            assert isinstance(variants, dict)
            variants.setdefault(row["lang"], []).append(row["variant"])
        if row.get("context"):
            d["context"] = _context(row["context"], where)
    entries = []
    for ident in order:
        d = data[ident]
        variants = d["variants"]
        assert isinstance(variants, dict)
        context = d["context"]
        assert context is None or isinstance(context, Context)
        entries.append(
            Entry(
                ident,
                str(d["canonical"]),
                str(d["type"]),
                str(d["note"]),
                {k: tuple(v) for k, v in variants.items()},
                context,
                source,
                0,
            )
        )
    return Glossary(tuple(entries), (source,))


def read_exchange(path: Path, fmt: str | None = None, *, encoding: str = "utf-8") -> Glossary:
    """Read a TBX or CSV file (format from ``fmt`` or the file suffix).

    Decoded like every other input (:func:`mtrepair.io.decode`): strict
    ``encoding``, a UTF-16 byte-order mark (spreadsheet "Unicode text" exports)
    honoured, a UTF-8 one dropped; errors are one line and name ``--encoding``.
    """
    from mtrepair.errors import InputError
    from mtrepair.io import decode, sniff_encoding

    fmt = fmt or path.suffix.lstrip(".").lower()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GlossaryError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise GlossaryError(f"{path}: is a folder; pass a .tbx or .csv file") from None
    except OSError as exc:
        raise GlossaryError(f"{path}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise GlossaryError(f"{path}: empty file; nothing to import")
    try:
        text = decode(data, str(path), sniff_encoding(data, encoding)).removeprefix("\ufeff")
    except InputError as exc:
        raise GlossaryError(str(exc)) from None
    if fmt == "tbx":
        return from_tbx(text, str(path))
    if fmt == "csv":
        return from_csv(text, str(path))
    raise GlossaryError(f"{path}: unknown import format {fmt!r}; use --format tbx or csv")
