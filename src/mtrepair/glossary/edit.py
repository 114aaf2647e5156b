"""Changing a glossary file safely: checked first, edited in place, locked, validated, atomic.

Edits go through tomlkit so comments and layout survive; blocks stay sorted by
id. A file that does not parse is never written (the error names file and line),
and a path that is not a glossary (a folder, a text file, a missing folder) is
refused before anything is created next to it. A lock file serializes
concurrent writers and is deleted when the write ends, so no ``FILE.lock`` is
left in the tree; the new text replaces the old in one rename, so eight
``glossary add`` at once keep all eight entries and a kill at any moment
leaves the old or the new file, never half of one.

Every write runs the checks of ``glossary check`` (:func:`mtrepair.glossary.lint.check`)
on the result and refuses one that adds an error: an edit that ``check`` would
reject never reaches the file, so the glossary ``clean`` loads stays valid.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomlkit
from tomlkit.items import AoT, Table

from mtrepair.glossary.model import TYPES, Entry, Glossary, GlossaryError, parse, read, read_text
from mtrepair.glossary.normalize import key
from mtrepair.io import atomic_writer

if TYPE_CHECKING:
    from mtrepair.glossary.lint import Problem

LOCK_TIMEOUT = 60.0
LOCK_SUFFIX = ".lock"

_HEADER = """\
# mtrepair glossary. Schema: one [[term]] block per entry, sorted by id;
# fields id, canonical, type, note, one list of variants per language code
# (en, ar, ...), optional [term.context]. See README.md, "Glossary".
"""
_NOTE = " the file was not changed"
# Ids that TBX and CSV tools generate (c1, e12, 0017): they say nothing about the
# term, so an imported entry with one gets an id made from its canonical form.
_GENERATED_ID = re.compile(r"[a-z]{0,3}-?[0-9]+\Z")


def slug(canonical: str) -> str:
    """An id for a new entry: ASCII letters and digits of the canonical form."""
    words = re.findall(r"[a-z0-9]+", canonical.lower())
    return "-".join(words) or "term"


def check_target(path: Path) -> None:
    """Refuse a path that is not a glossary file before anything is written or locked.

    A folder, a special file, a file that does not parse as a glossary, a file
    in a missing folder, or a new file whose name does not end in ``.toml``
    (the default glossary folder is searched for ``*.toml``) is an error, and
    no lock file is created beside it.
    """
    if path.is_dir():
        raise GlossaryError(f"{path}: is a folder; pass a .toml glossary file")
    if path.exists():
        if not path.is_file():
            raise GlossaryError(f"{path}: is not a regular file; pass a .toml glossary file")
        read(path)  # a non-glossary is refused here, with file and line
        return
    if not path.parent.is_dir():
        raise GlossaryError(f"{path}: folder {path.parent} does not exist; create it first")
    if path.suffix != ".toml":
        raise GlossaryError(f"{path}: a new glossary file must end in .toml (glossaries/*.toml are found)")


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive write lock of glossary ``path``; the lock file is gone afterwards.

    The lock is an advisory ``flock`` on ``PATH.lock``, deleted by its holder
    before it lets go. A writer that waited on a file that was deleted
    meanwhile finds, once it holds the lock, that the path names another file
    (or none), and starts over: only the holder of the file currently at
    ``PATH.lock`` writes. Without ``fcntl`` (Windows) filelock's lock is used
    and its file stays (``*.toml.lock`` is in .gitignore).
    """
    resolved = path.resolve()  # two names of one file (a symlink) share one lock
    lock_path = resolved.with_name(resolved.name + LOCK_SUFFIX)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        from filelock import FileLock, Timeout

        try:
            with FileLock(str(lock_path), timeout=timeout):
                yield
        except Timeout:
            raise GlossaryError(f"{path}: locked by another writer for {timeout:.0f}s; try again") from None
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError as exc:
            raise GlossaryError(f"{path}: cannot create the lock file {lock_path} ({exc.strerror})") from None
        try:
            _flock(fd, fcntl, deadline, path, timeout)
            held = os.fstat(fd)
            try:
                now = os.stat(lock_path)
            except FileNotFoundError:
                now = None
            if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the previous holder deleted it: take the new one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)


def _flock(fd: int, fcntl: Any, deadline: float, path: Path, timeout: float) -> None:
    """Wait for the exclusive lock on ``fd`` until ``deadline`` (polling: flock has no timeout)."""
    pause = 0.005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise GlossaryError(
                    f"{path}: locked by another writer for {timeout:.0f}s; try again"
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def _errors(entries: Sequence[Entry]) -> list[Problem]:
    from mtrepair.glossary.lint import check

    return [p for p in check(Glossary(tuple(entries))) if p.severity == "error"]


def validate_change(before: Glossary, after: Glossary, companions: Sequence[Glossary] = ()) -> list[str]:
    """Refuse ``after`` if ``glossary check`` finds an error in it that ``before`` did not have.

    ``companions`` are the other glossary files used together with this one
    (the default folder), so conflicts across files count too. Errors are
    compared by message, not by line (lines move when a block is inserted).
    Errors the file already had do not block an edit (``remove`` must be able
    to repair a broken glossary); they come back as warnings.
    """
    others = [e for g in companions for e in g.entries]
    old = _errors([*others, *before.entries])
    new = _errors([*others, *after.entries])
    known = Counter(_unplaced(p.message) for p in old)
    added = []
    for p in new:
        if known[_unplaced(p.message)] > 0:
            known[_unplaced(p.message)] -= 1
        else:
            added.append(p)
    if added:
        more = f" (and {len(added) - 1} more)" if len(added) > 1 else ""
        raise GlossaryError(f"refused: `mtrepair glossary check` would fail: {added[0]}{more};{_NOTE}")
    if new:
        return [f"the glossary already fails `mtrepair glossary check`: {p}" for p in new]
    return []


def _unplaced(message: str) -> str:
    """A check message without line numbers (``(also g.toml:12)``), which move when blocks are added."""
    return re.sub(r":\d+\b", ":", message)


def _modify(
    path: Path,
    change: Callable[[tomlkit.TOMLDocument], str],
    companions: Sequence[Path] = (),
    warn: Callable[[str], None] | None = None,
) -> str:
    """Check the target, lock, parse, change, validate and atomically replace ``path``."""
    check_target(path)
    others = [read(p) for p in companions if p.resolve() != path.resolve()]
    with locked(path):
        text = read_text(path) if path.exists() else _HEADER
        before = parse(text, str(path))  # refuse to touch a corrupt file
        doc = tomlkit.parse(text)
        message = change(doc)
        new_text = tomlkit.dumps(doc)
        try:
            after = parse(new_text, str(path))  # never write something we could not read back
        except GlossaryError as exc:
            raise GlossaryError(f"refused: the result would not load: {exc};{_NOTE}") from None
        notes = validate_change(before, after, others)
        if new_text != text or not path.exists():
            with atomic_writer(path) as fh:
                fh.write(new_text)
    for note in notes:
        if warn is not None:
            warn(note)
    return message


def _terms(doc: tomlkit.TOMLDocument) -> AoT:
    if "term" not in doc:
        doc.append("term", tomlkit.aot())
    terms = doc["term"]
    assert isinstance(terms, AoT)
    return terms


def _find(terms: AoT, term: str) -> Table | None:
    low = term.lower()
    for t in terms:
        if t.get("id") == term or str(t.get("canonical", "")).lower() == low:
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
    companions: Sequence[Path] = (),
    warn: Callable[[str], None] | None = None,
) -> str:
    """Add ``variants`` (in ``lang``) to the entry for ``term``, creating it if new.

    Refused (:class:`GlossaryError`, file untouched) when the result would fail
    ``glossary check``; ``companions`` and ``warn`` as in :func:`validate_change`.
    """
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
        have = list(forms) if forms is not None else []
        added = [v for v in dict.fromkeys(variants) if v not in have and v != term]
        if added and forms is None:
            forms = tomlkit.array()
            table[lang] = forms
        if added:
            forms.extend(added)
        return f"{created}: added {len(added)} {lang} variant(s)"

    return _modify(path, change, companions, warn)


def remove(
    path: Path,
    term: str,
    variants: list[str] | None = None,
    *,
    companions: Sequence[Path] = (),
    warn: Callable[[str], None] | None = None,
) -> str:
    """Remove an entry, or only some of its variants (refused like :func:`add`)."""

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

    return _modify(path, change, companions, warn)


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


def _new_id(incoming: Entry, taken: set[str]) -> str:
    """The id an imported entry gets: its own, unless generated (``c12``) or taken; else a slug."""
    if not _GENERATED_ID.match(incoming.id) and incoming.id not in taken:
        return incoming.id
    base = slug(incoming.canonical)
    ident, n = base, 1
    while ident in taken:
        n += 1
        ident = f"{base}-{n}"
    return ident


def merge(
    path: Path,
    incoming: list[Entry],
    *,
    companions: Sequence[Path] = (),
    warn: Callable[[str], None] | None = None,
) -> str:
    """Merge imported entries: known terms gain variants, new ones are inserted in id order.

    An imported entry is the same term as one of ours when it has the same id
    and the same canonical form, or else the same canonical form (TBX and CSV
    from other tools carry their own ids). A new entry keeps its id unless that
    id is tool-generated or already used by another term; then its id is made
    from the canonical form, as ``glossary add`` makes it. The result is
    refused, file untouched, if it would fail ``glossary check``.
    """

    def change(doc: tomlkit.TOMLDocument) -> str:
        terms = _terms(doc)
        new, grown = 0, 0
        for e in incoming:
            canon = key(e.canonical)
            same_id = [t for t in terms if t.get("id") == e.id]
            table = next((t for t in same_id if key(str(t.get("canonical", ""))) == canon), None)
            if table is None:
                table = next((t for t in terms if key(str(t.get("canonical", ""))) == canon), None)
            if table is None:
                e = _with_id(e, _new_id(e, {str(t.get("id")) for t in terms}))
                position = sum(1 for t in terms if str(t.get("id")) < e.id)
                terms.insert(position, _table(e))
                new += 1
                continue
            added_any = False
            for lang, forms in e.variants.items():
                current: Any = table.get(lang)
                have = list(current) if current is not None else []
                added = [v for v in dict.fromkeys(forms) if v not in have and v != table.get("canonical")]
                if not added:
                    continue
                if current is None:
                    current = tomlkit.array()
                    table[lang] = current
                current.extend(added)
                added_any = True
            grown += added_any
        return f"{new} new entries, {grown} entries with new variants"

    return _modify(path, change, companions, warn)


def _with_id(e: Entry, ident: str) -> Entry:
    from dataclasses import replace

    return e if e.id == ident else replace(e, id=ident)
