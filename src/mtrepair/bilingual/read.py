"""Reading TMX 1.4, XLIFF 1.2 and XLIFF 2.x into plain-text segments with tag identities."""

from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from mtrepair.bilingual.xmlparse import Doc, local_name, parse_xml, split_tag
from mtrepair.errors import InputError
from mtrepair.io import _read_bytes as read_bytes

SUFFIXES = (".tmx", ".xlf", ".xliff", ".xlf2")
FORMATS = ("tmx", "xliff-1.2", "xliff-2")

_XML_NS = "http://www.w3.org/XML/1998/namespace"
_XLIFF1_NS = ("urn:oasis:names:tc:xliff:document:1.2", "urn:oasis:names:tc:xliff:document:1.1")
_XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"

# Per format: codes whose content is native code (dropped), codes around text (kept), and
# empty placeholders. Annotations (mrk, sm, em) and unknown elements are not codes.
_NATIVE = {
    "tmx": frozenset({"bpt", "ept", "ph", "it", "ut"}),
    "xliff-1.2": frozenset({"bpt", "ept", "ph", "it"}),
    "xliff-2": frozenset(),
}
_AROUND_TEXT = {
    "tmx": frozenset({"hi"}),
    "xliff-1.2": frozenset({"g"}),
    "xliff-2": frozenset({"pc"}),
}
_PLACEHOLDER = {
    "tmx": frozenset(),
    "xliff-1.2": frozenset({"x", "bx", "ex"}),
    "xliff-2": frozenset({"ph", "sc", "ec"}),
}


@dataclass(frozen=True)
class Segment:
    """One source segment and its translation, as plain text plus inline-tag identities."""

    id: str
    source: str
    target: str  # "" when untranslated
    source_tags: tuple[str, ...] = ()
    target_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class BilingualFile:
    """A TMX/XLIFF file read: its format, its two languages and its segments in order."""

    path: str
    format: str  # "tmx", "xliff-1.2", "xliff-2"
    source_lang: str  # as written in the file (e.g. "en-US"); "" if absent
    target_lang: str
    segments: tuple[Segment, ...]


def _format_of(root: Element, source: str) -> str:
    uri, local = split_tag(root.tag)
    if local == "tmx" and uri == "":
        return "tmx"
    if local == "xliff":
        version = root.get("version", "")
        if uri == _XLIFF2_NS or version.startswith("2."):
            return "xliff-2"
        if uri in _XLIFF1_NS or (uri == "" and version.startswith("1.")):
            return "xliff-1.2"
        raise InputError(
            f"{source}: XLIFF version {version or '?'} in namespace {uri or 'none'} is not supported; "
            "export XLIFF 1.2 or 2.x"
        )
    raise InputError(
        f"{source}: root element <{local}> is neither TMX nor XLIFF; pass a .tmx or .xlf file, "
        "or a text file with one segment per line"
    )


_SPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _identity(elem: Element, fmt: str) -> str:
    """``name:id`` of an inline code; the two halves of a pair share the id (``bpt:1``/``ept:1``).

    So that a pair can be checked for order, a closing code is named by what links
    it to its opening one: TMX ``i``, XLIFF 1.2 ``rid``, XLIFF 2 ``startRef``.
    """
    name = local_name(elem)
    if fmt == "tmx":
        ident = elem.get("i") if name in ("bpt", "ept") else elem.get("x")
    elif fmt == "xliff-2" and name == "ec":
        ident = elem.get("startRef") or elem.get("id")
    elif fmt == "xliff-1.2" and name in ("bpt", "ept", "bx", "ex"):
        ident = elem.get("rid") or elem.get("id")
    else:
        ident = elem.get("id")
    return f"{name}:{ident}" if ident else name


class Malformed(Exception):
    """A structural problem found below the file level; :func:`read_units` adds the file name."""


_MAX_DEPTH = 200
"""Inline elements nested deeper than this are refused (no real segment comes close; the
limit keeps a crafted file from exhausting the Python stack)."""


def _flatten(elem: Element, fmt: str, text: list[str], tags: list[str], depth: int = 0) -> None:
    """Append the translatable text of ``elem``'s content to ``text`` and its codes to ``tags``."""
    if depth > _MAX_DEPTH:
        raise Malformed(f"inline elements nested more than {_MAX_DEPTH} deep; not a real segment")
    if elem.text:
        text.append(elem.text)
    for child in elem:
        name = local_name(child)
        if name in _NATIVE[fmt] or name in _PLACEHOLDER[fmt]:
            tags.append(_identity(child, fmt))
        elif name in _AROUND_TEXT[fmt]:
            tags.append(_identity(child, fmt))
            _flatten(child, fmt, text, tags, depth + 1)
        elif fmt == "xliff-2" and name == "cp":
            code = child.get("hex", "")
            if re.fullmatch(r"[0-9A-Fa-f]{1,6}", code) and int(code, 16) <= 0x10FFFF:
                text.append(chr(int(code, 16)))
        elif name not in ("sm", "em"):  # mrk and unknown elements: their text is text
            _flatten(child, fmt, text, tags, depth + 1)
        if child.tail:
            text.append(child.tail)


def _content(elem: Element | None, fmt: str) -> tuple[str, tuple[str, ...]]:
    if elem is None:
        return "", ()
    text: list[str] = []
    tags: list[str] = []
    _flatten(elem, fmt, text, tags)
    return _clean("".join(text)), tuple(tags)


def first_child(elem: Element, name: str) -> Element | None:
    return next((c for c in elem if local_name(c) == name), None)


def _children(elem: Element, name: str) -> list[Element]:
    return [c for c in elem if local_name(c) == name]


def _descendants(elem: Element, name: str) -> list[Element]:
    return [e for e in elem.iter() if local_name(e) == name]


@dataclass(frozen=True)
class Unit:
    """A translation unit (tu, trans-unit, unit) and the segments read from it."""

    elem: Element
    segments: tuple[Segment, ...]


def _segment(seg_id: str, source: Element | None, target: Element | None, fmt: str) -> Segment:
    s, s_tags = _content(source, fmt)
    t, t_tags = _content(target, fmt)
    return Segment(seg_id, s, t, s_tags, t_tags if t else ())


def _norm_lang(lang: str) -> str:
    return lang.strip().lower().replace("_", "-")


def _same_lang(written: str, wanted: str) -> bool:
    """``fr`` matches ``fr-FR``; ``fr-FR`` matches only ``fr-FR``."""
    a, b = _norm_lang(written), _norm_lang(wanted)
    return a == b or ("-" not in b and a.split("-")[0] == b)


def _tuv_lang(tuv: Element) -> str:
    return tuv.get(f"{{{_XML_NS}}}lang") or tuv.get("lang") or ""


def _tmx(
    root: Element, source: str, src_lang: str | None, tgt_lang: str | None
) -> tuple[str, str, list[Unit]]:
    header = first_child(root, "header")
    body = first_child(root, "body")
    tus = _children(body, "tu") if body is not None else []
    header_src = header.get("srclang", "") if header is not None else ""
    wanted_src = src_lang or (header_src if header_src and header_src != "*all*" else "")
    if not wanted_src:
        raise InputError(f"{source}: the TMX header names no source language (srclang); pass --src-lang")
    langs: dict[str, str] = {}  # normalized -> as written, in order of appearance
    for tu in tus:
        for tuv in _children(tu, "tuv"):
            written = _tuv_lang(tuv)
            if written:
                langs.setdefault(_norm_lang(written), written)
    src_written = next((w for w in langs.values() if _same_lang(w, wanted_src)), wanted_src)
    if tgt_lang:
        wanted_tgt = tgt_lang
    else:
        others = [w for w in langs.values() if not _same_lang(w, wanted_src)]
        if len(others) > 1:
            raise InputError(
                f"{source}: the TMX holds several target languages ({', '.join(others)}); "
                "choose one with --tgt-lang"
            )
        wanted_tgt = others[0] if others else ""
    tgt_written = next((w for w in langs.values() if wanted_tgt and _same_lang(w, wanted_tgt)), wanted_tgt)

    def pick(tu: Element, wanted: str) -> Element | None:
        if not wanted:
            return None
        tuv = next((v for v in _children(tu, "tuv") if _same_lang(_tuv_lang(v), wanted)), None)
        return first_child(tuv, "seg") if tuv is not None else None

    units = []
    for n, tu in enumerate(tus, start=1):
        src_seg = pick(tu, wanted_src)
        if src_seg is None:
            continue  # a unit without the source language holds nothing to check
        seg = _segment(tu.get("tuid") or str(n), src_seg, pick(tu, wanted_tgt), "tmx")
        units.append(Unit(tu, (seg,)))
    return src_written, tgt_written, units


def _xliff1(root: Element) -> tuple[str, str, list[Unit]]:
    files = _children(root, "file")
    src_lang = files[0].get("source-language", "") if files else ""
    tgt_lang = files[0].get("target-language", "") if files else ""
    units = []
    for n, tu in enumerate(_descendants(root, "trans-unit"), start=1):
        uid = tu.get("id") or str(n)
        source, target = first_child(tu, "source"), first_child(tu, "target")
        seg_source = first_child(tu, "seg-source")
        marks = (
            []
            if seg_source is None
            else [m for m in _descendants(seg_source, "mrk") if m.get("mtype") == "seg"]
        )
        if marks and target is not None:
            by_mid = {m.get("mid"): m for m in _descendants(target, "mrk") if m.get("mtype") == "seg"}
            if by_mid:
                segs = tuple(
                    _segment(f"{uid}:{m.get('mid') or i}", m, by_mid.get(m.get("mid")), "xliff-1.2")
                    for i, m in enumerate(marks, start=1)
                )
                units.append(Unit(tu, segs))
                continue
        units.append(Unit(tu, (_segment(uid, source, target, "xliff-1.2"),)))
    return src_lang, tgt_lang, units


def _xliff2(root: Element) -> tuple[str, str, list[Unit]]:
    units = []
    for n, unit in enumerate(_descendants(root, "unit"), start=1):
        uid = unit.get("id") or str(n)
        segments = _children(unit, "segment")
        segs = tuple(
            _segment(
                uid if len(segments) == 1 else f"{uid}:{seg.get('id') or i}",
                first_child(seg, "source"),
                first_child(seg, "target"),
                "xliff-2",
            )
            for i, seg in enumerate(segments, start=1)
        )
        if segs:
            units.append(Unit(unit, segs))
    return root.get("srcLang", ""), root.get("trgLang", ""), units


def _unique(units: list[Unit]) -> list[Unit]:
    """Units whose segment ids are unique in the file: a repeat gets ``#2``, ``#3``…"""
    seen: Counter[str] = Counter()
    out = []
    for unit in units:
        segs = []
        for seg in unit.segments:
            seen[seg.id] += 1
            if seen[seg.id] > 1:
                seg = Segment(
                    f"{seg.id}#{seen[seg.id]}", seg.source, seg.target, seg.source_tags, seg.target_tags
                )
            segs.append(seg)
        out.append(Unit(unit.elem, tuple(segs)))
    return out


def read_units(
    path: Path, source_lang: str | None, target_lang: str | None
) -> tuple[BilingualFile, Doc, list[Unit]]:
    data = read_bytes(path)
    if not data.strip():
        raise InputError(f"{path}: empty file; pass a TMX or XLIFF file with translation units")
    doc = parse_xml(data, str(path))
    fmt = _format_of(doc.root, str(path))
    try:
        if fmt == "tmx":
            src, tgt, units = _tmx(doc.root, str(path), source_lang, target_lang)
        else:
            src, tgt, units = _xliff1(doc.root) if fmt == "xliff-1.2" else _xliff2(doc.root)
    except Malformed as exc:
        raise InputError(f"{path}: {exc}") from None
    if fmt != "tmx":
        for given, written, option in ((source_lang, src, "--src-lang"), (target_lang, tgt, "--tgt-lang")):
            if given and written and not _same_lang(written, given) and not _same_lang(given, written):
                raise InputError(
                    f"{path}: the XLIFF says its {'source' if option == '--src-lang' else 'target'} "
                    f"language is {written!r}, not {given!r}; drop {option} or pass the right file"
                )
        src, tgt = src or (source_lang or ""), tgt or (target_lang or "")
    units = _unique(units)
    segments = tuple(s for u in units for s in u.segments)
    if not segments:
        raise InputError(f"{path}: holds no translation units; nothing to check")
    return BilingualFile(str(path), fmt, src, tgt, segments), doc, units


def is_bilingual(path: Path) -> bool:
    """Whether ``path`` is a TMX or XLIFF file: by its extension, else by its root element.

    Never raises: a path that cannot be read is not bilingual here, and the reader
    that is then chosen reports the problem.
    """
    if str(path) == "-":
        return False
    if path.suffix.lower() in SUFFIXES:
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom) :].decode(codec, "ignore").encode("utf-8")
    text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", "ignore").lstrip()
    if not text.startswith("<"):
        return False
    text = re.sub(r"<\?.*?\?>|<!--.*?-->", "", text, flags=re.S).lstrip()
    m = re.match(r"<(?:[\w.-]+:)?([\w.-]+)[\s/>]", text)
    return bool(m) and m is not None and m.group(1) in ("tmx", "xliff")


def read_bilingual(
    path: Path, *, source_lang: str | None = None, target_lang: str | None = None
) -> BilingualFile:
    """Read a TMX 1.4, XLIFF 1.2 or XLIFF 2.x file into plain-text segments.

    ``source_lang``/``target_lang`` choose the languages of a TMX (it may hold
    several); for XLIFF they must agree with the file's own. Raises InputError,
    naming the file, for a missing, empty, malformed or DTD-carrying file, a root
    that is neither TMX nor XLIFF, or one without translation units.
    """
    return read_units(path, source_lang, target_lang)[0]
