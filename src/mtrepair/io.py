"""Reading inputs (text, JSONL, gzip, folders, stdin) and writing outputs atomically.

Input files are only ever opened for reading. Every output file is written to a
temporary file in the same folder and renamed into place, so a crash or a kill
leaves either the old file or the complete new one, never a partial file.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import gzip
import io
import json
import os
import re
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from mtrepair.errors import InputError, OutputError

TEXT_SUFFIXES = (".txt", ".txt.gz")
GZIP_MAGIC = b"\x1f\x8b"
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
MAX_JSON_DEPTH = 100
"""JSONL records nested deeper than this are skipped with a reason (no real record
comes close; the limit keeps acceptance independent of the Python stack depth)."""

# Byte-order marks that decide the codec by themselves; UTF-32 first, since the
# UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class SourceDoc:
    """One document and where it came from.

    ``record`` holds the other fields of a JSONL record (kept in the output);
    ``rel`` is the path relative to the folder given on the command line, used to
    mirror folders in the output.
    """

    id: str
    text: str
    source: str
    rel: str
    kind: str  # "text" or "jsonl"
    record: dict[str, Any] | None = None
    line: int | None = None
    nbytes: int = 0
    encoding: str = "utf-8"  # the codec the text was decoded with (see sniff_encoding)


@dataclass(frozen=True)
class Skipped:
    """One record that could not be read, kept whole so an exclusion file can list it."""

    source: str
    line: int
    reason: str
    raw: str


@dataclass
class ReadProblems:
    """Records skipped while reading (broken JSONL lines), reported at the end.

    ``messages`` are the one-line warnings for the user; ``skipped`` holds the same
    records with their line and raw text, for the per-shard exclusion files.
    """

    messages: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def skip(self, source: str, line: int, reason: str, raw: bytes) -> None:
        self.messages.append(f"{source}:{line}: {reason}; record skipped")
        self.skipped.append(Skipped(source, line, reason, raw.decode("utf-8", "replace").rstrip("\r\n")))

    def skip_file(self, source: str, error: InputError) -> None:
        """A whole input that cannot be read (empty, binary, mis-encoded): line 0, no raw text."""
        self.messages.append(f"{error}; file skipped")
        self.skipped.append(Skipped(source, 0, str(error).removeprefix(f"{source}: "), ""))

    @property
    def files(self) -> list[str]:
        """The inputs skipped whole (:meth:`skip_file`)."""
        return [s.source for s in self.skipped if s.line == 0]


def is_jsonl(path: str) -> bool:
    return path.endswith(JSONL_SUFFIXES)


def _codec(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}; use a Python codec name such as utf-8") from None


def sniff_encoding(data: bytes, encoding: str = "utf-8") -> str:
    """The codec to decode ``data`` with: ``encoding``, unless a UTF-16/32 BOM says otherwise.

    Decision (README, "Decisions"): a file that starts with a UTF-16 or UTF-32
    byte-order mark is decoded as such even under the default ``utf-8``; the mark
    is unambiguous, and refusing would only make the user type ``--encoding``. The
    byte order comes from the mark and the mark is kept as U+FEFF at the start of
    the text, so ``undo`` writes the input back byte for byte (a UTF-8 BOM is
    likewise kept). An explicit other ``--encoding`` is always obeyed.
    """
    name = _codec(encoding)
    if name != "utf-8":
        return name
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return name


def decode(data: bytes, source: str, encoding: str = "utf-8") -> str:
    """Decode ``data`` strictly, refusing binary files with a fix in the message.

    ``encoding`` is used as given; call :func:`sniff_encoding` first to honour a
    UTF-16/32 byte-order mark.
    """
    codec = _codec(encoding)
    wide = codec.startswith(("utf-16", "utf-32"))
    nul = -1 if wide else data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"{source}: looks binary (NUL byte at byte {nul}); pass a text, .jsonl or .jsonl.gz file "
            "(if it is UTF-16 without a byte-order mark, pass --encoding utf-16-le)"
        )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not valid {encoding} at byte {exc.start}; "
            "pass --encoding with the file's real encoding (e.g. --encoding latin-1)"
        ) from None


def segment_lines(text: str) -> list[str]:
    """The lines of a one-segment-per-line file: split at LF, CRLF or a lone CR only.

    Not :meth:`str.splitlines`, which also splits at U+2028, U+0085 (the byte 0x85,
    an ellipsis in cp1252, decodes to it under ``--encoding latin-1``), form feeds
    and other separators inside a segment, and would silently misalign a
    hypothesis with its reference. A leading byte-order mark is dropped.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder where a file was expected") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied; make it readable") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


_GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


def _corrupt_gzip(source: object, exc: Exception) -> InputError:
    return InputError(f"{source}: corrupt gzip data ({exc}); re-download or re-compress it")


def gunzip(data: bytes, source: str) -> bytes:
    """The content of gzip ``data`` (what ``clean -o NAME.gz`` writes), or a one-line error."""
    try:
        return gzip.decompress(data)
    except _GZIP_ERRORS as exc:
        raise _corrupt_gzip(source, exc) from None


def _text_doc(path: Path, rel: str, encoding: str) -> SourceDoc:
    data = _read_bytes(path)
    if data.startswith(GZIP_MAGIC):
        # Whatever the name says: clean writes gzip for any -o ending in .gz, and
        # must read back every format it writes.
        data = gunzip(data, str(path))
    if not data:
        raise InputError(f"{path}: empty file; nothing to repair")
    codec = sniff_encoding(data, encoding)
    text = decode(data, str(path), codec)
    return SourceDoc(
        id=rel, text=text, source=str(path), rel=rel, kind="text", nbytes=len(data), encoding=codec
    )


def _is_gzip(path: Path) -> bool:
    with contextlib.suppress(OSError), open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC
    return False


def _jsonl_lines(path: Path) -> Iterator[bytes]:
    gz = str(path).endswith(".gz") or _is_gzip(path)
    opener: Callable[..., IO[bytes]] = gzip.open if gz else open  # type: ignore[assignment]
    try:
        with opener(path, "rb") as fh:
            yield from fh
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder where a file was expected") from None
    except _GZIP_ERRORS as exc:
        raise _corrupt_gzip(path, exc) from None


# A JSON escape of a surrogate (backslash, u, D800-DFFF): the only way an unpaired
# surrogate, which no file can hold as UTF-8, gets into a record. Searched in the
# raw line: only records that hold one pay for the check.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _writable(record: dict[str, Any]) -> bool:
    """Whether the record can be written as UTF-8 (no unpaired surrogate in any string)."""
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether JSON ``value`` nests more than ``limit`` levels (iterative: no recursion)."""
    # A scalar record (a bare number or string line) has no depth to walk.
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def _jsonl_docs(path: Path, rel: str, encoding: str, problems: ReadProblems) -> Iterator[SourceDoc]:
    """The records of a JSONL file; a bad line is skipped with its reason, the rest read.

    JSONL is read line by line, so it must use an encoding in which a newline is
    the byte 0x0A: UTF-16/32 JSONL (by BOM or ``--encoding``) is refused whole with
    a one-line error. A UTF-8 BOM before the first record is ignored. Records
    nested deeper than :data:`MAX_JSON_DEPTH` levels are skipped.
    """
    seen = 0
    too_deep = f"JSON nested deeper than {MAX_JSON_DEPTH} levels; flatten the record"
    for number, raw in enumerate(_jsonl_lines(path), start=1):
        if number == 1:
            codec = sniff_encoding(raw, encoding)
            if _codec(codec).startswith(("utf-16", "utf-32")):
                raise InputError(
                    f"{path}: JSONL in {codec} cannot be read line by line; "
                    f"convert it to UTF-8 first (iconv -f {codec} -t utf-8)"
                )
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        try:
            line = decode(raw, where, encoding)
            if number == 1:
                line = line.removeprefix("\ufeff")
            record = json.loads(line)
        except InputError as exc:
            problems.skip(str(path), number, str(exc).removeprefix(f"{where}: "), raw)
            continue
        except json.JSONDecodeError as exc:
            problems.skip(str(path), number, f"broken JSON ({exc})", raw)
            continue
        except ValueError:
            # json.loads refuses integers longer than sys.get_int_max_str_digits().
            limit = sys.get_int_max_str_digits()
            problems.skip(str(path), number, f"a JSON number too long to read (over {limit} digits)", raw)
            continue
        except RecursionError:
            problems.skip(str(path), number, too_deep, raw)
            continue
        if _depth_exceeds(record, MAX_JSON_DEPTH):
            problems.skip(str(path), number, too_deep, raw)
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            problems.skip(str(path), number, 'not an object with a string "text" field', raw)
            continue
        if _SURROGATE_ESCAPE.search(raw) and not _writable(record):
            problems.skip(str(path), number, "holds a lone surrogate escape (\\ud800-\\udfff), not text", raw)
            continue
        seen += 1
        doc_id = record.get("id")
        yield SourceDoc(
            id=str(doc_id) if doc_id is not None else f"{rel}:{number}",
            text=record["text"],
            source=str(path),
            rel=rel,
            kind="jsonl",
            record=record,
            line=number,
            nbytes=len(raw),
        )
    if seen == 0:
        problems.messages.append(f"{path}: no usable records")


def expand(paths: list[str]) -> list[tuple[Path, str]]:
    """Input files with their output-relative names; folders are walked in order."""
    out: list[tuple[Path, str]] = []
    for raw in paths:
        if raw == "-":
            out.append((Path("-"), "-"))
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and str(p).endswith(TEXT_SUFFIXES + JSONL_SUFFIXES)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise InputError(f"{path}: folder holds no .txt, .jsonl or .jsonl.gz files")
            out.extend((p, str(p.relative_to(path))) for p in found)
        elif path.exists() and not path.is_file():
            raise InputError(f"{path}: not a regular file")
        else:
            out.append((path, path.name))
    return out


def read_documents(
    paths: list[str],
    *,
    encoding: str = "utf-8",
    problems: ReadProblems | None = None,
    stdin: IO[bytes] | None = None,
    tolerant: bool = False,
) -> Iterator[SourceDoc]:
    """Stream the documents of every input, in order, one at a time.

    ``tolerant``: an input file that cannot be read at all (empty, binary, not
    in the encoding) is recorded in ``problems`` and skipped, as a broken JSONL
    record is, instead of ending the stream; pass ``problems`` to see it.
    """
    problems = problems if problems is not None else ReadProblems()
    for path, rel in expand(paths):
        yield from read_file(path, rel, encoding=encoding, problems=problems, stdin=stdin, tolerant=tolerant)


def read_file(
    path: Path,
    rel: str,
    *,
    encoding: str = "utf-8",
    problems: ReadProblems | None = None,
    stdin: IO[bytes] | None = None,
    tolerant: bool = False,
) -> Iterator[SourceDoc]:
    """Stream the documents of one input (a shard): a text file, a JSONL file, or ``-``.

    Separate from :func:`read_documents` so a worker can read its own shard and a
    resumed run can skip finished shards without opening them. ``tolerant``: a
    file that cannot be read is recorded in ``problems`` (:meth:`ReadProblems.skip_file`)
    instead of raising; a JSONL file that breaks midway keeps the records read so far.
    """
    problems = problems if problems is not None else ReadProblems()
    if not tolerant:
        yield from _read_one(path, rel, encoding, problems, stdin)
        return
    try:
        yield from _read_one(path, rel, encoding, problems, stdin)
    except InputError as exc:
        problems.skip_file(str(path), exc)


def _read_one(
    path: Path, rel: str, encoding: str, problems: ReadProblems, stdin: IO[bytes] | None
) -> Iterator[SourceDoc]:
    if str(path) == "-":
        data = (stdin or sys.stdin.buffer).read()
        if not data:
            raise InputError("<stdin>: empty input; pipe some text in")
        codec = sniff_encoding(data, encoding)
        yield SourceDoc(
            id="-",
            text=decode(data, "<stdin>", codec),
            source="-",
            rel="stdin.txt",
            kind="text",
            nbytes=len(data),
            encoding=codec,
        )
    elif is_jsonl(str(path)):
        yield from _jsonl_docs(path, rel, encoding, problems)
    else:
        yield _text_doc(path, rel, encoding)


def total_bytes(paths: list[str]) -> int:
    """Sum of input file sizes (0 when unknown, e.g. stdin), for progress bars."""
    total = 0
    for path, _ in expand(paths):
        with contextlib.suppress(OSError):
            total += path.stat().st_size if str(path) != "-" else 0
    return total


# Errors a write itself can raise (as opposed to errors of the caller's code in the
# ``with`` body, which atomic_writer passes through).
_WRITE_ERRNOS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EROFS") if hasattr(errno, name)
)


_CREATED: list[Path] = []


def _make_parents(folder: Path) -> None:
    """``mkdir -p``, remembering the top folder it had to create (see :func:`created_folders`)."""
    missing = None
    probe = folder
    while not probe.exists() and probe.parent != probe:
        missing, probe = probe, probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    if missing is not None:
        _CREATED.append(missing)


def created_folders() -> list[Path]:
    """Folders that writes of this process created because an output path named them, once each.

    Decision (README, "Decisions"): ``-o /new/dir/out.txt`` creates ``/new/dir``
    as ``mkdir -p`` would, and the command line says so, rather than refusing
    like ``cp``: a corpus run writes many outputs into folders that do not exist
    yet, and a typo becomes visible in that line.
    """
    found = list(dict.fromkeys(_CREATED))
    _CREATED.clear()
    # /new and then /new/deeper: only /new is news.
    return [f for f in found if not any(f != g and f.is_relative_to(g) for g in found)]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(target: Path, *, protect: tuple[Path, ...] = ()) -> Iterator[TextIO]:
    """Write ``target`` through a temp file + rename; refuse to overwrite an input."""
    resolved = target.resolve()
    if any(resolved == p.resolve() for p in protect if str(p) != "-"):
        raise OutputError(f"{target}: is also an input; inputs are never modified, choose another -o")
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name")
    parent = resolved.parent
    try:
        _make_parents(parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
        # mkstemp makes the file 0600; an output should get the permissions any
        # newly created file gets here (0666 less the umask), as `>` would give it.
        os.fchmod(fd, 0o666 & ~_umask())
    except OSError as exc:
        raise OutputError(f"{target}: cannot write here ({exc.strerror})") from None
    finishing = False
    try:
        with os.fdopen(fd, "wb") as raw:
            gz = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if target.name.endswith(".gz") else None
            fh = io.TextIOWrapper(gz or raw, encoding="utf-8", newline="")
            yield fh
            finishing = True
            fh.flush()
            fh.detach()
            if gz is not None:
                gz.close()  # writes the gzip trailer; raw stays open
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, resolved)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        # A full disk (while writing or when flushing) or a failed rename is one line,
        # not a traceback; other errors from the caller's own code pass through.
        if isinstance(exc, OSError) and (finishing or exc.errno in _WRITE_ERRNOS):
            raise OutputError(
                f"{target}: cannot write ({exc.strerror or exc}); the previous file, if any, is unchanged"
            ) from None
        raise
