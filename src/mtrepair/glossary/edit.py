"""Changing a glossary file safely: parsed first, edited in place, locked, atomic.

Edits go through tomlkit so comments and layout survive; blocks stay sorted by
id. A file that does not parse is never written (the error names file and line).
A lock file serializes concurrent writers, and the new text replaces the old in
one rename, so eight ``glossary add`` at once keep all eight entries and a kill
at any moment leaves the old or the new file, never half of one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomlkit
from filelock import FileLock, Timeout
from tomlkit.items import AoT, Table

from mtrepair.glossary.model import TYPES, Entry, GlossaryError, parse, read_text
from mtrepair.io import atomic_writer

LOCK_TIMEOUT = 60.0

_HEADER = """\
# mtrepair glossary. Schema: one [[term]] block per entry, sorted by id;
# fields id, canonical, type, note, one list of variants per language code
# (en, ar, ...), optional [term.context]. See README.md, "Glossary".
"""


def slug(canonical: str) -> str:
    """An id for a new entry: ASCII letters and digits of the canonical form."""
    words = re.findall(r"[a-z0-9]+", canonical.lower())
    return "-".join(words) or "term"


def _modify(path: Path, change: Callable[[tomlkit.TOMLDocument], str]) -> str:
    """Lock, parse, change, validate and atomically replace ``path``."""
    lock = FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT)
    try:
        with lock:
            text = read_text(path) if path.exists() else _HEADER
            parse(text, str(path))  # refuse to touch a corrupt file
            doc = tomlkit.parse(text)
            message = change(doc)
            new_text = tomlkit.dumps(doc)
            parse(new_text, str(path))  # never write something we could not read back
            with atomic_writer(path) as fh:
                fh.write(new_text)
            return message
    except Timeout:
        raise GlossaryError(f"{path}: locked by another writer for {LOCK_TIMEOUT:.0f}s; try again") from None


def _terms(doc: tomlkit.TOMLDocument) -> AoT:
    if "term" not in doc:
        doc.append("term", tomlkit.aot())
    terms = doc["term"]
    assert isinstance(terms, AoT)
    return terms


def _find(terms: AoT, key: str) -> Table | None:
    low = key.lower()
    for t in terms:
        if t.get("id") == key or str(t.get("canonical", "")).lower() == low:
            assert isinstance(t, Table)
            return t
    return None


def add(
    path: Path,
    term: str,
    variants: list[str],
    *,
    lang: str = "en",
    type_: str | None = None,
    note: str | None = None,
) -> str:
    """Add ``variants`` (in ``lang``) to the entry for ``term``, creating it if new."""
    if type_ is not None and type_ not in TYPES:
        raise GlossaryError(f"type {type_!r} is not one of {', '.join(TYPES)}")
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        raise GlossaryError(f"language {lang!r} must be a two- or three-letter code such as en or ar")

    def change(doc: tomlkit.TOMLDocument) -> str:
        terms = _terms(doc)
        table = _find(terms, term)
        if table is None:
            table = tomlkit.table()
            ident = slug(term)
            if any(t.get("id") == ident for t in terms):
                raise GlossaryError(f"{path}: id {ident!r} exists for another canonical form")
            table["id"] = ident
            table["canonical"] = term
            table["type"] = type_ or "term"
            table["note"] = note or ""
            position = sum(1 for t in terms if str(t.get("id")) < ident)
            terms.insert(position, table)
            created = f"new entry {ident!r}"
        else:
            if type_ is not None:
                table["type"] = type_
            if note is not None:
                table["note"] = note
            created = f"entry {table['id']!r}"
        forms: Any = table.get(lang)
        if forms is None:
            forms = tomlkit.array()
            table[lang] = forms
        added = [v for v in variants if v not in forms and v != term]
        forms.extend(added)
        return f"{created}: added {len(added)} {lang} variant(s)"

    return _modify(path, change)


def remove(path: Path, term: str, variants: list[str] | None = None) -> str:
    """Remove an entry, or only some of its variants."""

    def change(doc: tomlkit.TOMLDocument) -> str:
        terms = _terms(doc)
        table = _find(terms, term)
        if table is None:
            raise GlossaryError(f"{path}: no entry {term!r}; see `mtrepair glossary list`")
        if not variants:
            index = next(i for i, t in enumerate(terms) if t is table)
            del terms[index]
            return f"removed entry {table['id']!r}"
        removed = 0
        for lang in [k for k in table if k not in ("id", "canonical", "type", "note", "context")]:
            forms = table[lang]
            for v in variants:
                while v in forms:
                    forms.remove(v)
                    removed += 1
        if not removed:
            raise GlossaryError(f"{path}: entry {table['id']!r} has none of those variants")
        return f"entry {table['id']!r}: removed {removed} variant(s)"

    return _modify(path, change)


def entry_lines(e: Entry) -> list[str]:
    """A readable multi-line description of one entry (for ``glossary show``)."""
    lines = [f"{e.id}  [{e.type}]  {e.canonical}"]
    if e.note:
        lines.append(f"  note: {e.note}")
    for lang, forms in sorted(e.variants.items()):
        lines.append(f"  {lang}: {' | '.join(forms)}")
    if e.context:
        c = e.context
        lines.append(f"  context for {', '.join(c.variants)}:")
        if c.followed_by:
            lines.append(f"    followed by {', '.join(c.followed_by)}")
        if c.preceded_by:
            lines.append(f"    or preceded by {', '.join(c.preceded_by)}")
        if c.never_after:
            lines.append(f"    never after {', '.join(c.never_after)}")
    lines.append(f"  defined at {e.source}:{e.line}")
    return lines


def _table(e: Entry) -> Table:
    table = tomlkit.table()
    table["id"] = e.id
    table["canonical"] = e.canonical
    table["type"] = e.type
    table["note"] = e.note
    for lang, forms in sorted(e.variants.items()):
        arr = tomlkit.array()
        arr.extend(forms)
        table[lang] = arr
    if e.context:
        ctx = tomlkit.table()
        for name in ("variants", "followed_by", "preceded_by", "never_after"):
            values = getattr(e.context, name)
            if values:
                arr = tomlkit.array()
                arr.extend(values)
                ctx[name] = arr
        table["context"] = ctx
    return table


def merge(path: Path, incoming: list[Entry]) -> str:
    """Merge imported entries: new ids are inserted in order, known ids gain variants."""

    def change(doc: tomlkit.TOMLDocument) -> str:
        terms = _terms(doc)
        new, grown = 0, 0
        for e in incoming:
            table = next((t for t in terms if t.get("id") == e.id), None)
            if table is None:
                position = sum(1 for t in terms if str(t.get("id")) < e.id)
                terms.insert(position, _table(e))
                new += 1
                continue
            for lang, forms in e.variants.items():
                current: Any = table.get(lang)
                if current is None:
                    current = tomlkit.array()
                    table[lang] = current
                added = [v for v in forms if v not in current and v != table.get("canonical")]
                current.extend(added)
                grown += bool(added)
        return f"{new} new entries, {grown} entries with new variants"

    return _modify(path, change)
