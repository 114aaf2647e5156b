"""Parsing TMX/XLIFF safely, keeping where each element sits in the bytes.

The standard library's expat parses; a DTD is refused, so no entity can be declared
("billion laughs", external entities). ElementTree builds the tree; the byte offsets
of every element are recorded so that notes can be inserted into an exact copy.
"""

from __future__ import annotations

import codecs
import xml.parsers.expat
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder

from mtrepair.errors import InputError


@dataclass
class Doc:
    """A parsed file: the element tree, and where each element starts and ends in the bytes.

    The offsets let :func:`write_xliff_notes` insert notes into a byte-for-byte copy
    instead of re-serialising the tree (which would lose comments, prefixes, the
    declaration and the layout the CAT tool wrote).
    """

    root: Element
    data: bytes  # the bytes parsed: the offsets refer to them
    codec: str
    starts: dict[int, int] = field(default_factory=dict)  # id(element) -> byte offset of "<"
    ends: dict[int, int] = field(default_factory=dict)  # id(element) -> offset of "</" (after "<x/>")
    prefixes: dict[int, str] = field(default_factory=dict)  # id(element) -> its namespace prefix
    closed: dict[int, bool] = field(default_factory=dict)  # id(element) -> has an end tag


def _codec(data: bytes, declared: str | None) -> str:
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return name
    if declared:
        try:
            return codecs.lookup(declared).name
        except LookupError:
            return "utf-8"
    return "utf-8"


def _tag_name(name: str) -> tuple[str, str]:
    """expat's ``uri}local}prefix`` as ElementTree's ``{uri}local`` and the prefix."""
    parts = name.split("}")
    if len(parts) == 1:
        return name, ""
    uri, local = parts[0], parts[1]
    return "{" + uri + "}" + local, parts[2] if len(parts) > 2 else ""


def parse_xml(data: bytes, source: str) -> Doc:
    """Parse ``data`` with expat, refusing DTDs; a one-line InputError on anything malformed."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator="}")
    parser.namespace_prefixes = True
    parser.buffer_text = True
    builder = TreeBuilder()
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    prefixes: dict[int, str] = {}
    closed: dict[int, bool] = {}
    declared: list[str] = []

    def refuse_dtd(*_args: Any) -> None:
        raise InputError(
            f"{source}: has a DTD (<!DOCTYPE …>), refused: entity declarations can expand without "
            "bound; remove the DOCTYPE (TMX and XLIFF do not need it)"
        )

    def xml_decl(_version: str | None, encoding: str | None, _standalone: int) -> None:
        if encoding:
            declared.append(encoding)

    def start(name: str, attrs: dict[str, str]) -> None:
        tag, prefix = _tag_name(name)
        elem = builder.start(tag, {_tag_name(k)[0]: v for k, v in attrs.items()})
        starts[id(elem)] = parser.CurrentByteIndex
        prefixes[id(elem)] = prefix

    def end(name: str) -> None:
        elem = builder.end(_tag_name(name)[0])
        ends[id(elem)] = parser.CurrentByteIndex

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.XmlDeclHandler = xml_decl
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        where = f"line {exc.lineno}, column {exc.offset + 1}"
        raise InputError(
            f"{source}: not well-formed XML ({xml.parsers.expat.ErrorString(exc.code)}, {where}); "
            "fix the file or export it again from the CAT tool"
        ) from None
    root = builder.close()
    codec = _codec(data, declared[0] if declared else None)
    for elem in root.iter():
        # expat reports the end of an empty element <x/> after it, so an element has
        # its own end tag only when the bytes there spell it.
        local = split_tag(elem.tag)[1]
        qname = f"{prefixes[id(elem)]}:{local}" if prefixes[id(elem)] else local
        at = ends[id(elem)]
        closed[id(elem)] = any(
            data.startswith(f"</{qname}{after}".encode(codec, "replace"), at)
            for after in (">", " ", "\n", "\t", "\r")
        )
    return Doc(root, data, codec, starts, ends, prefixes, closed)


def split_tag(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return uri, local
    return "", tag


def local_name(elem: Element) -> str:
    return split_tag(elem.tag)[1] if isinstance(elem.tag, str) else ""
