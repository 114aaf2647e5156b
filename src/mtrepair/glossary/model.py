"""Glossary entries and the file format they live in (TOML, one ``[[term]]`` per entry).

TOML because a team reviews and merges the glossary in git: it allows comments,
one block per entry keeps diffs local, and blocks sorted by ``id`` make two
people's additions merge without conflicts. The schema is in the shipped file's
header and in the README; :func:`parse` enforces it and names file and line of
every problem.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtrepair.errors import ConfigError

TYPES = ("place", "base", "person", "organization", "weapon", "operation", "term")
ENTRY_FIELDS = frozenset({"id", "canonical", "type", "note", "context"})
CONTEXT_FIELDS = frozenset({"variants", "followed_by", "preceded_by", "never_after"})
_LANG = re.compile(r"[a-z]{2,3}\Z")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


class GlossaryError(ConfigError):
    """A glossary file is unreadable or breaks the schema."""


@dataclass(frozen=True)
class Context:
    """When ambiguous variants may change: a base word must follow, a title must not precede."""

    variants: tuple[str, ...]
    followed_by: tuple[str, ...] = ()
    preceded_by: tuple[str, ...] = ()
    never_after: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One term: its canonical English form and its variants per language."""

    id: str
    canonical: str
    type: str
    note: str = ""
    variants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    context: Context | None = None
    source: str = ""
    line: int = 0

    def preferred(self, lang: str) -> str:
        """The form to write in ``lang``: the canonical in English, else the first variant."""
        if lang == "en":
            return self.canonical
        forms = self.variants.get(lang, ())
        return forms[0] if forms else self.canonical

    def all_variants(self) -> list[tuple[str, str]]:
        return [(lang, v) for lang, forms in sorted(self.variants.items()) for v in forms]


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]
    sources: tuple[str, ...] = ()

    def get(self, key: str) -> Entry | None:
        """An entry by id or by canonical form (case-insensitive)."""
        low = key.lower()
        for e in self.entries:
            if e.id == key or e.canonical.lower() == low:
                return e
        return None


# What a term (canonical form, variant, context word) or a note cannot hold. The
# glossary round-trips through TBX, which is XML: XML has no way to write most
# control characters or U+FFFE/U+FFFF, turns a CR into a LF, and an import
# strips the spaces around a term. None of these belongs in a term anyway.
_BAD_TERM_CHAR = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
_BAD_NOTE_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def _clean_string(value: str, where: str, name: str, bad: re.Pattern[str]) -> str:
    found = bad.search(value)
    if found:
        raise GlossaryError(
            f"{where}: {name} {value!r} holds the control character U+{ord(found.group()):04X}; remove it"
        )
    return value


def _term(value: str, where: str, name: str) -> str:
    _clean_string(value, where, name, _BAD_TERM_CHAR)
    if value != value.strip():
        raise GlossaryError(f"{where}: {name} {value!r} has spaces at its ends; remove them")
    return value


def _strings(value: Any, where: str, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GlossaryError(f"{where}: {name} must be a list of non-empty strings")
    return tuple(_term(v, where, name) for v in value)


def header_lines(text: str) -> list[int]:
    """1-based line numbers of every ``[[term]]`` header, in order."""
    return [i for i, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[term]]"]


def _entry(raw: Any, where: str, source: str, line: int) -> Entry:
    if not isinstance(raw, dict):
        raise GlossaryError(f"{where}: [[term]] must be a table")
    unknown = [k for k in raw if k not in ENTRY_FIELDS and not _LANG.match(k)]
    if unknown:
        raise GlossaryError(
            f"{where}: unknown field(s) {', '.join(unknown)}; see the schema in the file header"
        )
    for key in ("id", "canonical", "type"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise GlossaryError(f"{where}: missing or empty {key!r}")
    if not _ID.match(raw["id"]):
        raise GlossaryError(f"{where}: id {raw['id']!r} must be lowercase words joined by dashes")
    if raw["type"] not in TYPES:
        raise GlossaryError(f"{where}: type {raw['type']!r} is not one of {', '.join(TYPES)}")
    variants = {k: _strings(v, where, k) for k, v in raw.items() if k not in ENTRY_FIELDS}
    context = None
    if "context" in raw:
        ctx = raw["context"]
        if not isinstance(ctx, dict) or set(ctx) - CONTEXT_FIELDS or "variants" not in ctx:
            raise GlossaryError(
                f"{where}: context needs 'variants' and only {', '.join(sorted(CONTEXT_FIELDS))}"
            )
        context = Context(**{k: _strings(v, where, f"context.{k}") for k, v in ctx.items()})
        known = {v for forms in variants.values() for v in forms}
        stray = [v for v in context.variants if v not in known]
        if stray:
            raise GlossaryError(f"{where}: context names {stray[0]!r}, which is not a variant of this entry")
    _term(raw["canonical"], where, "canonical")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise GlossaryError(f"{where}: note must be a string")
    _clean_string(note, where, "note", _BAD_NOTE_CHAR)
    return Entry(raw["id"], raw["canonical"], raw["type"], note, variants, context, source, line)


def parse(text: str, source: str) -> Glossary:
    """Parse and validate glossary text; errors name ``source`` and the line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else text.count("\n") + 1
        raise GlossaryError(
            f"{source}:{line}: not valid TOML ({exc}); fix that line, the file was not changed"
        ) from None
    extra = set(data) - {"term"}
    if extra:
        raise GlossaryError(
            f"{source}: unknown top-level key(s) {', '.join(sorted(extra))}; only [[term]] blocks"
        )
    terms = data.get("term", [])
    if not isinstance(terms, list):
        raise GlossaryError(f"{source}: 'term' must be written as [[term]] blocks")
    lines = header_lines(text)
    entries = []
    for i, raw in enumerate(terms):
        line = lines[i] if i < len(lines) else 0
        entries.append(_entry(raw, f"{source}:{line}", source, line))
    return Glossary(tuple(entries), (source,))


def read_text(path: Path) -> str:
    """The text of a glossary file, or a one-line :class:`GlossaryError` saying how to fix it.

    Glossaries are UTF-8 TOML (the TOML specification allows nothing else), so
    there is no ``--encoding`` for them: a Latin-1 or UTF-16 file gets an error
    naming the ``iconv`` command that converts it. A UTF-8 byte-order mark, as
    some editors write, is accepted and dropped.
    """
    import codecs

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise GlossaryError(f"{path}: no such glossary file") from None
    except IsADirectoryError:
        raise GlossaryError(f"{path}: is a folder; pass a .toml glossary file") from None
    except OSError as exc:
        raise GlossaryError(f"{path}: cannot read ({exc.strerror})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise GlossaryError(
            f"{path}: is UTF-16; glossaries are UTF-8 TOML: convert it (iconv -f utf-16 -t utf-8)"
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise GlossaryError(f"{path}: looks binary (NUL byte at byte {nul}); pass a .toml glossary file")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise GlossaryError(
            f"{path}: not UTF-8 at byte {exc.start}; glossaries are UTF-8 TOML: "
            "convert it (e.g. iconv -f latin-1 -t utf-8)"
        ) from None
    if "\r" in text.replace("\r\n", ""):
        raise GlossaryError(
            f"{path}: has lone CR line ends, which TOML does not allow; convert them (tr '\\r' '\\n')"
        )
    return text


def read(path: Path) -> Glossary:
    return parse(read_text(path), str(path))


def load(paths: list[Path]) -> Glossary:
    """Merge several glossary files (later files add entries; ids must stay unique)."""
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for path in paths:
        for e in read(path).entries:
            if e.id in seen:
                raise GlossaryError(f"{e.source}:{e.line}: id {e.id!r} already defined in {seen[e.id]}")
            seen[e.id] = f"{e.source}:{e.line}"
            entries.append(e)
    return Glossary(tuple(entries), tuple(str(p) for p in paths))


def validate(
    glossary: Glossary, *, lenient: bool = False, warn: Callable[[str], None] | None = None
) -> Glossary:
    """``glossary`` if ``glossary check`` finds no error in it; else refused, or trimmed when lenient.

    ``clean`` and ``detect`` call this once per run, in the main process, before
    the matcher is built (workers receive the built matcher): a glossary that
    ``check`` rejects would change the output silently (two entries claiming
    one variant: whichever the automaton keeps wins). Strict, the first error
    is raised as a :class:`GlossaryError`, the line ``check`` prints. Lenient
    (``--glossary-lenient``), each entry an error points at is left out and
    ``warn`` is told why; errors about a whole file (unsorted blocks) do not
    change matching and are only reported. Cost, once per process: about
    0.2 s more for a ``clean`` run (median of 8 runs on the seeds), mostly
    loading wordfreq's English list and the language subtag registry that
    ``check`` consults; the check itself takes a few milliseconds.
    """
    from mtrepair.glossary.lint import check

    entries = list(glossary.entries)
    told: set[str] = set()

    def tell(message: str) -> None:
        if warn is not None and message not in told:
            told.add(message)
            warn(message)

    while True:  # each round leaves out at least one entry, so this ends
        errors = [p for p in check(Glossary(tuple(entries), glossary.sources)) if p.severity == "error"]
        if errors and not lenient:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise GlossaryError(
                f"{errors[0]}{more}; the glossary fails `mtrepair glossary check`: fix it, or pass "
                "--glossary-lenient to skip the conflicting entries"
            )
        at = {f"{e.source}:{e.line}": e for e in entries}
        culprits = {p.where for p in errors if p.where in at}
        for p in errors:
            if p.where in at:
                tell(f"{p}; entry {at[p.where].id!r} skipped (--glossary-lenient)")
            else:
                tell(f"{p}; ignored (--glossary-lenient)")
        if not culprits:
            return Glossary(tuple(entries), glossary.sources)
        entries = [e for e in entries if f"{e.source}:{e.line}" not in culprits]


def load_valid(
    paths: list[Path], *, lenient: bool = False, warn: Callable[[str], None] | None = None
) -> Glossary:
    """:func:`load` then :func:`validate`: the glossaries ``clean`` and ``detect`` apply."""
    return validate(load(paths), lenient=lenient, warn=warn)


def default_paths() -> list[Path]:
    """The shipped glossary: ``glossaries/*.toml`` of the repository mtrepair runs from.

    Looked up (1) in ``$MTREPAIR_GLOSSARY_DIR``, (2) beside the source tree (an
    editable install from the repository, how the team works), (3) in
    ``./glossaries``. Empty when none exists, and then nothing is normalized.
    """
    import os

    candidates = []
    if os.environ.get("MTREPAIR_GLOSSARY_DIR"):
        candidates.append(Path(os.environ["MTREPAIR_GLOSSARY_DIR"]))
    candidates.append(Path(__file__).resolve().parents[3] / "glossaries")
    candidates.append(Path.cwd() / "glossaries")
    for folder in candidates:
        found = sorted(folder.glob("*.toml")) if folder.is_dir() else []
        if found:
            return found
    return []
