"""Import and export: TBX (ISO 30042, 2008 and 2019 structures) and CSV.

TBX is what terminology tools (Okapi, Xbench, memoQ, Trados) exchange. The
export is TBX-Basic in the TBX 2019 structure: each entry becomes a
``conceptEntry``; the canonical form is the English ``preferredTerm-admn-sts``,
English variants are ``deprecatedTerm-admn-sts`` (they are to be replaced),
other languages' forms are ``admittedTerm-admn-sts`` with the first one
preferred; type and note are ``subjectField`` and ``definition``; a context
rule, which TBX-Basic cannot express, rides in a ``note`` as JSON so a round
trip loses nothing. CSV has one row per variant.

The import reads both TBX structures: TBX 2008 (``martif`` / ``termEntry`` /
``langSet`` / ``tig`` or ``ntig``/``termGrp``, as most tools still write) and
TBX 2019 (``tbx`` / ``conceptEntry`` / ``langSec`` / ``termSec``), with or
without a namespace and a DOCTYPE. Mapping, per entry (see README, "Glossary"):

- language: ``xml:lang`` of the language section, region dropped (``en-GB`` is ``en``);
- canonical form: the English term with the best ``administrativeStatus``
  (``normativeAuthorization`` in older files): preferred or standardized, then
  admitted, legal or regulated or no status, then deprecated or superseded;
  among equals the first. An entry without an English term has nothing to
  normalize to: it is skipped and said so;
- English variants: every other English term, whatever its status (the glossary
  writes one form), except abbreviations, acronyms and short forms
  (``termType``), which stay as written, as ``IRGC`` and ``SDF`` do;
- other languages: the best-status term first (the preferred form), the rest
  in file order;
- type: a ``subjectField`` that is one of the glossary's types, else ``term``;
  note: the first ``definition`` (entry level first, then English);
- id: the entry's id; a tool-generated id (``c12``) or one that is not a valid
  glossary id is replaced by one made from the canonical form when merged.

The XML is parsed with expat directly: a DOCTYPE is allowed (TBX 2008 files name
their DTD), but no DTD or external entity is ever read, and any entity
declaration (the billion-laughs and XXE attacks) or reference to an entity
defined outside the file is refused.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from xml.parsers import expat

from mtrepair.glossary.model import TYPES, Context, Entry, Glossary, GlossaryError

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTEXT_PREFIX = "mtrepair-context: "
CSV_FIELDS = ("id", "canonical", "type", "note", "lang", "variant", "context")
# TBX structures: root, entry, language section and term group names.
TBX_ROOTS = frozenset({"martif", "tbx"})
_ENTRY = frozenset({"termEntry", "conceptEntry"})
_LANG_SECTION = frozenset({"langSet", "langSec"})
_TERM_GROUP = frozenset({"tig", "ntig", "termSec"})
# Status rank (lower is better) of administrativeStatus / normativeAuthorization values.
_RANK = {
    "preferredterm": 0,
    "standardizedterm": 0,
    "admittedterm": 1,
    "legalterm": 1,
    "regulatedterm": 1,
    "deprecatedterm": 2,
    "supersededterm": 2,
}
_STATUS_TYPES = frozenset({"administrativeStatus", "normativeAuthorization"})
_ABBREVIATIONS = frozenset({"abbreviation", "acronym", "initialism", "shortform", "clippedterm"})
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


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


class _Refused(Exception):
    """Raised from an expat handler: the document uses a feature we never process."""


def parse_xml(text: str, source: str) -> ET.Element:
    """Parse ``text`` into an element tree without ever reading a DTD or an entity.

    expat directly, because ElementTree's parser does not expose the handlers
    needed to refuse entity declarations. A DOCTYPE line is fine (expat never
    loads the external DTD it names); an entity declaration, an external entity
    or a reference to an entity only an unread DTD could define is an error.
    """
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator=" ")

    def name(raw: str) -> str:
        uri, _, local = raw.rpartition(" ")
        return f"{{{uri}}}{local}" if uri else local

    def start(tag: str, attrs: dict[str, str]) -> None:
        builder.start(name(tag), {name(k): v for k, v in attrs.items()})

    def end(tag: str) -> None:
        builder.end(name(tag))

    def entity_decl(entity: str, *_: object) -> None:
        raise _Refused(f"declares the entity {entity!r}; entities are never expanded in imports")

    def external(context: object, base: object, system_id: object, public_id: object) -> int:
        raise _Refused(f"refers to the external entity {system_id!r}, which is never read")

    def skipped(entity: str, is_parameter: bool) -> None:
        raise _Refused(f"uses the entity &{entity}; defined outside the file, which is never read")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.EntityDeclHandler = entity_decl
    parser.UnparsedEntityDeclHandler = entity_decl
    parser.ExternalEntityRefHandler = external
    parser.SkippedEntityHandler = skipped
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(text, True)
    except _Refused as exc:
        raise GlossaryError(f"{source}:{parser.CurrentLineNumber}: {exc}") from None
    except expat.ExpatError as exc:
        raise GlossaryError(f"{source}:{exc.lineno}: not well-formed XML ({exc})") from None
    root = builder.close()
    assert isinstance(root, ET.Element)
    return root


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(node: ET.Element, names: frozenset[str]) -> Iterator[ET.Element]:
    return (c for c in node if _local(c.tag) in names)


def _descrips(node: ET.Element, kind: str) -> Iterator[str]:
    """Texts of ``descrip type=kind`` directly under ``node`` or in its ``descripGrp``.

    Kept as written, spaces included (a note round-trips exactly); empty ones are skipped.
    """
    for child in node:
        if _local(child.tag) == "descripGrp":
            yield from _descrips(child, kind)
        elif _local(child.tag) == "descrip" and child.get("type") == kind:
            text = "".join(child.itertext())
            if text:
                yield text


def _terms(section: ET.Element) -> Iterator[tuple[str, int, bool]]:
    """(term, status rank, is an abbreviation) of each term group of a language section."""
    for group in _children(section, _TERM_GROUP):
        term, rank, short = "", 1, False
        for node in group.iter():
            tag = _local(node.tag)
            if tag == "term" and not term:
                term = "".join(node.itertext()).strip()
            elif tag == "termNote":
                value = "".join(node.itertext()).strip()
                if node.get("type") in _STATUS_TYPES:
                    rank = _RANK.get(value.removesuffix("-admn-sts").lower(), 1)
                elif node.get("type") == "termType" and value.lower() in _ABBREVIATIONS:
                    short = True
        if term:
            yield term, rank, short


def from_tbx(text: str, source: str, *, notes: list[str] | None = None) -> Glossary:
    """The entries of a TBX 2008 or 2019 document (mapping in the module docstring).

    Entries that cannot be used (no English term) and terms left out
    (abbreviations) are described in ``notes`` when a list is given.
    """
    root = parse_xml(text, source)
    if _local(root.tag) not in TBX_ROOTS:
        raise GlossaryError(
            f"{source}: not a TBX file (root element <{_local(root.tag)}>, expected <martif> or <tbx>)"
        )
    entries = []
    said = notes if notes is not None else []
    for n, concept in enumerate((c for c in root.iter() if _local(c.tag) in _ENTRY), start=1):
        where = f"{source}: {_local(concept.tag)} {n}"
        ident = concept.get("id") or ""
        by_lang: dict[str, list[tuple[str, int, bool]]] = {}
        definitions = list(_descrips(concept, "definition"))
        subject = list(_descrips(concept, "subjectField"))
        for sec in _children(concept, _LANG_SECTION):
            lang = re.split(r"[-_]", sec.get(XML_LANG) or sec.get("lang") or "")[0].lower()
            by_lang.setdefault(lang, []).extend(_terms(sec))
            if lang == "en":
                definitions += _descrips(sec, "definition")
            subject += _descrips(sec, "subjectField")
        english = by_lang.pop("en", [])
        if not english:
            said.append(f"{where} ({ident or 'no id'}): no English term to normalize to; skipped")
            continue
        best = min(range(len(english)), key=lambda i: (english[i][1], english[i][2], i))
        canonical = english[best][0]
        variants: dict[str, list[str]] = {}
        for i, (term, _, short) in enumerate(english):
            if i == best:
                continue
            if short:
                said.append(f"{where}: abbreviation {term!r} of {canonical!r} left out (stays as written)")
                continue
            variants.setdefault("en", []).append(term)
        for lang, terms in by_lang.items():
            if not lang or not terms:
                continue
            first = min(range(len(terms)), key=lambda i: (terms[i][1], i))
            ordered = [terms[first][0]] + [t for i, (t, _, _) in enumerate(terms) if i != first]
            variants[lang] = ordered
        context = None
        for nt in _children(concept, frozenset({"note"})):
            if (nt.text or "").startswith(CONTEXT_PREFIX):
                context = _context((nt.text or "")[len(CONTEXT_PREFIX) :], where)
        type_ = next((s.strip() for s in subject if s.strip() in TYPES), "term")
        if not _ID.match(ident):
            from mtrepair.glossary.edit import slug

            ident = slug(canonical)
        entries.append(
            Entry(
                ident,
                canonical,
                type_,
                definitions[0] if definitions else "",
                {k: tuple(v) for k, v in variants.items()},
                context,
                source,
                0,
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


def read_exchange(
    path: Path, fmt: str | None = None, *, encoding: str = "utf-8", notes: list[str] | None = None
) -> Glossary:
    """Read a TBX or CSV file (format from ``fmt`` or the file suffix); refuse one with no entries.

    An import that finds nothing is an error, not a silent success: a TBX file
    in a structure we did not read, or whose entries all lack an English term,
    must not look as if it merged. ``notes`` receives what was left out.

    Decoded like every other input (:func:`mtrepair.io.decode`): strict
    ``encoding``, a UTF-16 byte-order mark (spreadsheet "Unicode text" exports)
    honoured, a UTF-8 one dropped; errors are one line and name ``--encoding``.
    """
    from mtrepair.errors import InputError
    from mtrepair.io import decode, sniff_encoding

    fmt = fmt or path.suffix.lstrip(".").lower()
    notes = notes if notes is not None else []
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
        glossary = from_tbx(text, str(path), notes=notes)
    elif fmt == "csv":
        glossary = from_csv(text, str(path))
    else:
        raise GlossaryError(f"{path}: unknown import format {fmt!r}; use --format tbx or csv")
    if not glossary.entries:
        why = f" ({notes[0]}{f' and {len(notes) - 1} more' if len(notes) > 1 else ''})" if notes else ""
        raise GlossaryError(f"{path}: no entries to import{why}; nothing was changed")
    return glossary
