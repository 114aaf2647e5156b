"""Undo and replay for every report and every output form ``clean`` writes.

``clean`` writes one document to stdout or a file, several to one stream (text
with ``==> id <==`` headers, or JSONL), or a folder that mirrors the inputs; its
edits go to one JSON report (``--report``) or to one JSONL of report entries per
input file (``--report-dir``). Whatever the combination, ``undo`` restores every
document byte for byte from the repaired output and the report, and ``replay``
rebuilds the repaired output from the inputs and the report.

Documents are matched to report entries by their checksums (``output_sha256``
for undo, ``input_sha256`` for replay) and, among equal checksums, by id; every
edit is verified while it is undone, so a file edited since, or the wrong report,
fails loudly with the file named instead of producing a wrong "original".
"""

from __future__ import annotations

import codecs
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mtrepair.errors import InputError, ReportError
from mtrepair.io import (
    GZIP_MAGIC,
    JSONL_SUFFIXES,
    TEXT_SUFFIXES,
    SourceDoc,
    decode,
    expand,
    gunzip,
    is_jsonl,
    read_documents,
    read_file,
)
from mtrepair.pipeline import replay as replay_steps
from mtrepair.pipeline import undo as undo_steps
from mtrepair.report import read_report, sha256, steps_of
from mtrepair.shards import EDITS_SUFFIX, EXCLUDED_SUFFIX, mirror_name

Entry = dict[str, Any]


@dataclass(frozen=True)
class Restored:
    """One restored (or replayed) output: ``name`` relative to an output folder, and its bytes."""

    name: str
    data: bytes


# --- reading reports --------------------------------------------------------------------


def _check_entry(entry: Any, where: str) -> Entry:
    if not isinstance(entry, dict) or not isinstance(entry.get("edits"), list) or "input_sha256" not in entry:
        raise ReportError(f"{where}: not an mtrepair report entry; the report is corrupt")
    return entry


def _jsonl_entries(path: Path) -> list[Entry]:
    """The entries of one ``--report-dir`` file (``NAME.edits.jsonl``: one entry per line)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{path}: cannot read ({exc.strerror}); pass the report clean wrote") from None
    entries: list[Entry] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ReportError(f"{path}:{number}: not valid JSON; the report is corrupt") from None
        entries.append(_check_entry(value, f"{path}:{number}"))
    return entries


def load_entries(report: Path) -> list[Entry]:
    """Every document entry of a report: a ``--report`` JSON file, one ``--report-dir``
    file (``*.edits.jsonl``), or a ``--report-dir`` folder (all its ``*.edits.jsonl``,
    in name order)."""
    if report.is_dir():
        files = sorted(p for p in report.rglob(f"*{EDITS_SUFFIX}") if p.is_file())
        if not files:
            raise ReportError(
                f"{report}: folder holds no *{EDITS_SUFFIX} report files; pass clean's --report-dir"
            )
        return [e for f in files for e in _jsonl_entries(f)]
    if report.name.endswith(".jsonl"):
        if not report.exists():
            raise ReportError(f"{report}: no such report; pass the file written by clean --report-dir")
        return _jsonl_entries(report)
    return read_report(report)


def entry_encoding(entry: Entry, report: str) -> str:
    """The codec the original input was read with (UTF-8 unless the entry says otherwise)."""
    encoding = str(entry.get("encoding", "utf-8"))
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ReportError(f"{report}: unknown encoding {encoding!r}; the report is corrupt") from None
    return encoding


class _Index:
    """Report entries looked up by a checksum, then by id; each entry used once."""

    def __init__(self, entries: list[Entry], key: str) -> None:
        self.key = key
        self.by_sum: dict[str, list[Entry]] = {}
        for e in entries:
            self.by_sum.setdefault(str(e.get(key)), []).append(e)
        self.used: set[int] = set()

    def take(self, text: str, doc_id: str | None) -> Entry | None:
        candidates = [e for e in self.by_sum.get(sha256(text), []) if id(e) not in self.used]
        if not candidates:
            return None
        chosen = next((e for e in candidates if str(e.get("id")) == doc_id), candidates[0])
        self.used.add(id(chosen))
        return chosen

    def has(self, text: str) -> bool:
        return any(id(e) not in self.used for e in self.by_sum.get(sha256(text), []))

    def unused(self) -> list[Entry]:
        return [e for group in self.by_sum.values() for e in group if id(e) not in self.used]


# --- undo -------------------------------------------------------------------------------


def restore_text(text: str, entry: Entry, report: str, where: str) -> str:
    """The original of one document, verified against both checksums of its entry."""
    if sha256(text) != entry.get("output_sha256"):
        raise ReportError(
            f"{where}: does not match document {entry.get('id')!r} of {report} "
            "(edited since, or another report); pass the file clean wrote with this report"
        )
    original = undo_steps(text, steps_of(entry, report))
    if sha256(original) != entry.get("input_sha256"):
        raise ReportError(f"{report}: undo of {entry.get('id')!r} does not reproduce the input checksum")
    return original


def _encode(text: str, entry: Entry, report: str) -> bytes:
    encoding = entry_encoding(entry, report)
    try:
        return text.encode(encoding, "surrogatepass" if encoding == "utf-8" else "strict")
    except UnicodeEncodeError:
        raise ReportError(f"{report}: the restored text cannot be written as {encoding}") from None


def _read_output(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{path}: cannot read ({exc.strerror}); pass the output clean wrote") from None
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data, str(path))
    return decode(data, str(path))


def document_name(entry: Entry) -> str:
    """Where a restored document goes in an output folder: its input's relative path.

    A text input's id is its path relative to the folder given to clean (or its
    file name), stdin's is ``-``; a JSONL record printed as text gets
    ``SOURCE-STEM/ID.txt``. Anything that could climb out of the folder is refused.
    """
    doc_id, source = str(entry.get("id")), str(entry.get("source", ""))
    if doc_id == "-":
        name = "stdin.txt"
    elif is_jsonl(source):
        stem = Path(source).name
        for suffix in JSONL_SUFFIXES:
            stem = stem.removesuffix(suffix)
        name = f"{stem}/{doc_id.replace('/', '_')}.txt"
    else:
        name = doc_id
    parts = PurePosixPath(name).parts
    if not parts or name.startswith(("/", "\\")) or ".." in parts:
        raise ReportError(f"document id {doc_id!r} is not a relative file name; restore it to stdout")
    return name


def _safe_name(entry: Entry, fallback: str) -> str:
    """:func:`document_name`, or ``fallback`` for an id that is no file name."""
    try:
        return document_name(entry)
    except ReportError:
        return fallback


def _split_stream(text: str, entries: list[Entry], report: str, where: str) -> Iterator[tuple[Entry, str]]:
    """The documents of a text stream with ``==> id <==`` headers, in report order.

    clean writes ``==> id <==`` before each document, a newline after a text that
    does not end with one, and an empty line between documents. A text may itself
    hold a header-like line, so each cut is the one that gives the document's
    recorded checksum.
    """

    def fits(candidate: str, entry: Entry) -> str | None:
        want = entry.get("output_sha256")
        if sha256(candidate) == want:
            return candidate
        if candidate.endswith("\n") and sha256(candidate[:-1]) == want:
            return candidate[:-1]
        return None

    pos = 0
    for k, entry in enumerate(entries):
        header = f"{'' if k == 0 else chr(10)}==> {entry.get('id')} <==\n"
        if not text.startswith(header, pos):
            raise ReportError(
                f"{where}: expected the header of document {entry.get('id')!r} at offset {pos}; "
                f"pass the output clean wrote with {report}"
            )
        pos += len(header)
        found: str | None = None
        if k + 1 == len(entries):
            found = fits(text[pos:], entry)
            end = len(text)
        else:
            marker = f"\n==> {entries[k + 1].get('id')} <==\n"
            end = text.find(marker, pos)
            while end >= 0:
                found = fits(text[pos:end], entry)  # the marker starts with the separating newline
                if found is not None:
                    break
                end = text.find(marker, end + 1)
        if found is None:
            raise ReportError(
                f"{where}: document {entry.get('id')!r} does not match {report} "
                "(edited since, or another report)"
            )
        yield entry, found
        pos = end if k + 1 < len(entries) else len(text)


def _undo_jsonl(path: Path, index: _Index, report: str, name: str) -> list[Restored]:
    """The records of a JSONL output with their original text (one restored JSONL file).

    When every record came from a text input (``clean --format jsonl`` on .txt
    files), the inputs themselves are restored instead, byte for byte, each under
    its own name.
    """
    out: list[str] = []
    texts: list[Restored] = []
    for doc in read_documents([str(path)]):
        entry = index.take(doc.text, doc.id)
        if entry is None:
            raise ReportError(
                f"{path}:{doc.line}: document {doc.id!r} is not in {report} with this text "
                "(edited since, or another report)"
            )
        original = restore_text(doc.text, entry, report, f"{path}:{doc.line}")
        if not is_jsonl(str(entry.get("source", ""))) and str(entry.get("source")) != "-":
            texts.append(Restored(document_name(entry), _encode(original, entry, report)))
        record = dict(doc.record or {})
        record.pop("mtrepair", None)
        record["text"] = original
        out.append(json.dumps(record, ensure_ascii=False) + "\n")
    if texts and len(texts) == len(out):
        return texts
    return [Restored(name, "".join(out).encode("utf-8", "surrogatepass"))]


def _undo_text_file(
    path: Path, index: _Index, entries: list[Entry], report: str, name: str
) -> list[Restored]:
    text = _read_output(path)
    alone = index.take(text, name)
    if alone is None and text.endswith("\n") and not text.startswith("==> "):
        # Several inputs mirrored into a folder: clean ends each text with a newline.
        text = text[:-1]
        alone = index.take(text, name)
    if alone is not None:
        original = _encode(restore_text(text, alone, report, str(path)), alone, report)
        return [Restored(_safe_name(alone, name), original)]
    if not text.startswith("==> "):
        raise ReportError(
            f"{path}: does not match any document of {report} (edited since, or another report); "
            "pass the file clean wrote with this report"
        )
    restored = []
    for entry, doc in _split_stream(text, [e for e in entries if id(e) not in index.used], report, str(path)):
        index.used.add(id(entry))
        restored.append(
            Restored(
                document_name(entry), _encode(restore_text(doc, entry, report, str(path)), entry, report)
            )
        )
    return restored


def _outputs(folder: Path) -> list[Path]:
    """The outputs clean mirrored into ``folder``: no markers, exclusion or report files."""
    found = [
        p
        for p in folder.rglob("*")
        if p.is_file()
        and str(p).endswith(TEXT_SUFFIXES + JSONL_SUFFIXES)
        and not p.name.endswith((EXCLUDED_SUFFIX, EDITS_SUFFIX))
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(found)


def undo_outputs(repaired: Path, entries: list[Entry], report: str) -> list[Restored]:
    """The originals behind ``repaired`` (a file, a ``==> id <==`` stream, JSONL, or a folder).

    A folder gives one restored file per output, under the same relative name;
    every document of the report must be found and every output must belong to it.
    """
    if not entries:
        raise ReportError(f"{report}: holds no documents; nothing to undo")
    if repaired.is_dir():
        outputs = _outputs(repaired)
        if not outputs:
            raise InputError(f"{repaired}: folder holds no outputs of clean (.txt, .jsonl, .jsonl.gz)")
        restored: list[Restored] = []
        index = _Index(entries, "output_sha256")
        for path in outputs:
            rel = path.relative_to(repaired).as_posix()
            if is_jsonl(rel):
                restored.extend(_undo_jsonl(path, index, report, rel))
            else:
                restored.extend(_undo_text_file(path, index, entries, report, rel))
        missing = index.unused()
        if missing:
            raise ReportError(
                f"{repaired}: {len(missing)} document(s) of {report} have no output here "
                f"(first: {missing[0].get('id')!r}); pass the folder clean wrote with this report"
            )
        return restored
    if not repaired.exists():
        raise InputError(f"{repaired}: no such file; pass the output clean wrote")
    index = _Index(entries, "output_sha256")
    if is_jsonl(str(repaired)):
        return _undo_jsonl(repaired, index, report, repaired.name)
    return _undo_text_file(repaired, index, entries, report, repaired.name)


# --- replay -----------------------------------------------------------------------------


def replay_inputs(
    paths: list[str], entries: list[Entry], report: str, *, fmt: str | None = None, folder: bool = False
) -> list[Restored]:
    """clean's output rebuilt from its inputs and the report, byte for byte.

    ``fmt`` is clean's ``--format`` (None: clean's default, JSONL when an input
    is JSONL). With ``folder`` (clean ran with ``-o FOLDER/``) one item per input
    file under its mirrored name; otherwise one stream, with ``==> id <==``
    headers where clean writes them. Each input is read in the encoding its
    entry records.
    """
    from mtrepair.corpus import output_format
    from mtrepair.engine import Outcome
    from mtrepair.model import Result
    from mtrepair.shards import render

    fmt = output_format(paths, fmt)
    files = expand(paths)
    headers = fmt == "text" and (len(files) > 1 or any(is_jsonl(str(p)) for p, _ in files))
    index = _Index(entries, "input_sha256")
    parts: dict[str, list[str]] = {}
    for count, doc in enumerate(_inputs(files, entries, index, report)):
        entry = index.take(doc.text, doc.id)
        if entry is None:
            where = f"{doc.source}:{doc.line}" if doc.line is not None else doc.source
            raise ReportError(f"{report}: was not made from {where} (no document with its checksum)")
        text = replay_steps(doc.text, steps_of(entry, report))
        if sha256(text) != entry.get("output_sha256"):
            raise ReportError(
                f"{report}: replay of {entry.get('id')!r} does not reproduce the output checksum"
            )
        metadata = {str(k): str(v) for k, v in dict(entry.get("metadata") or {}).items()}
        outcome = Outcome(
            Result(doc.text, text, (), metadata),
            edits=len(entry["edits"]),
            flags=len(entry.get("flags") or []),
        )
        header = ""
        if headers and not folder:
            header = f"{'' if count == 0 else chr(10)}==> {doc.id} <==\n"
        name = mirror_name(doc.rel, doc.kind, fmt) if folder else Path(files[0][0]).name
        parts.setdefault(name, []).append(render(doc, outcome, fmt, header=header, newline=headers))
    return [
        Restored(name, "".join(chunks).encode("utf-8", "surrogatepass")) for name, chunks in parts.items()
    ]


def _inputs(
    files: list[tuple[Path, str]], entries: list[Entry], index: _Index, report: str
) -> Iterator[SourceDoc]:
    """Every input document, each file decoded in the encoding its entry records.

    The report records a codec per document (``clean --encoding``, a UTF-16
    byte-order mark); a file is read with the first of UTF-8 and those codecs
    whose documents all have an entry, so a folder mixing encodings replays too.
    """
    codecs_tried = ["utf-8", *sorted({entry_encoding(e, report) for e in entries} - {"utf-8"})]
    for path, rel in files:
        error: InputError | None = None
        docs: list[SourceDoc] | None = None
        for codec in codecs_tried:
            try:
                candidate = list(read_file(path, rel, encoding=codec))
            except InputError as exc:
                error = error or exc
                continue
            if all(index.has(d.text) for d in candidate):
                docs = candidate
                break
        if docs is None:
            if error is not None:
                raise error
            raise ReportError(f"{report}: was not made from {path} (no document with its checksum)")
        yield from docs


def gzip_bytes(data: bytes) -> bytes:
    """``data`` compressed as clean compresses (no timestamp), for outputs named ``*.gz``."""
    return gzip.compress(data, mtime=0)
