"""``mtrepair undo`` and ``replay``: thin wrappers around :mod:`mtrepair.restore`.

Both accept every report ``clean`` writes (``--report`` JSON, one
``--report-dir`` file or the whole folder) and every output form it writes (one
file, a ``==> id <==`` stream, JSONL, a mirrored folder; gzip or not). One
document goes to stdout or ``-o FILE``; several need ``-o FOLDER/``, where each
is written under its input's relative name, atomically.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mtrepair.cli_common import cli_errors
from mtrepair.errors import OutputError
from mtrepair.io import atomic_writer
from mtrepair.restore import Restored, load_entries, replay_inputs, undo_outputs

OutputOpt = Annotated[
    str | None,
    typer.Option(
        "-o", "--output", help="Write here instead of stdout; a folder (existing, or ending in /) for many."
    ),
]


def _is_folder(output: str) -> bool:
    return output.endswith(("/", "\\")) or Path(output).is_dir()


def _write(data: bytes, target: Path, protect: tuple[Path, ...]) -> None:
    with atomic_writer(target, protect=protect) as fh:
        fh.flush()
        fh.buffer.write(data)  # a target named *.gz is compressed by atomic_writer


def write_restored(items: list[Restored], output: str | None, protect: tuple[Path, ...]) -> None:
    """One item to stdout or ``-o FILE``; any number into ``-o FOLDER/`` under their names."""
    if output is not None and _is_folder(output):
        folder = Path(output)
        for item in items:
            _write(item.data, folder / item.name, protect)
        return
    if len(items) != 1:
        raise OutputError(
            f"{len(items)} files to write (one per input of clean); pass -o FOLDER/ to write one file each"
        )
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(items[0].data)
        sys.stdout.buffer.flush()
        return
    _write(items[0].data, Path(output), protect)


def undo(
    repaired: Annotated[
        Path, typer.Argument(help="What clean wrote: a text or JSONL file (.gz too), or an output folder.")
    ],
    report: Annotated[
        Path,
        typer.Option("--report", help="clean's --report file, or a --report-dir folder or file."),
    ],
    output: OutputOpt = None,
) -> None:
    """Restore the original inputs, byte for byte, from clean's output and its report.

    A text input that was not UTF-8 (``clean --encoding``, or a UTF-16 file with a
    byte-order mark) is written back in its own encoding, which the report records.
    JSONL records get their original text back (re-serialized, without the
    ``mtrepair`` field). Several documents (a folder, a ``==> id <==`` stream)
    need ``-o FOLDER/``.
    """
    with cli_errors():
        items = undo_outputs(repaired, load_entries(report), str(report))
        write_restored(items, output, protect=(repaired, report))


def replay(
    originals: Annotated[
        list[str], typer.Argument(help="clean's inputs, as given to it: files, folders, or - for stdin.")
    ],
    report: Annotated[
        Path,
        typer.Option("--report", help="clean's --report file, or a --report-dir folder or file."),
    ],
    output: OutputOpt = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="clean's --format: text or jsonl (default: as clean's default)."),
    ] = None,
) -> None:
    """Re-apply a report's edits to the original inputs (reproduces clean's output).

    Each input is read in the encoding the report records (UTF-8 by default).
    Give the same input, ``--format`` and kind of ``-o`` as clean had: a folder
    input to ``-o FOLDER/`` gives one output per input, mirrored as clean mirrors.
    """
    with cli_errors():
        folder = output is not None and _is_folder(output)
        items = replay_inputs(originals, load_entries(report), str(report), fmt=fmt, folder=folder)
        protect = (report, *(Path(p) for p in originals if p != "-"))
        write_restored(items, output, protect=protect)
