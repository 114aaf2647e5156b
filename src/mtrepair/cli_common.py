"""What every command shares: the stderr console and the error boundary."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from mtrepair.errors import MtrepairError

err = Console(stderr=True, highlight=False)


def _announce_created() -> None:
    from mtrepair.io import created_folders

    for folder in created_folders():
        err.print(f"mtrepair: created folder {folder} (it did not exist)", markup=False, soft_wrap=True)


def _discard_created() -> None:
    """After a failed command: remove the folders it created that stayed empty (error stays one line)."""
    import os

    from mtrepair.io import created_folders

    for folder in created_folders():
        for root, _dirs, _files in sorted(os.walk(folder), key=lambda t: -len(t[0])):
            with contextlib.suppress(OSError):
                os.rmdir(root)  # fails, and keeps the folder, when something was written into it


def fail(message: str, code: int) -> typer.Exit:
    err.print(f"mtrepair: error: {message}", markup=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn library errors into one-line messages; nothing else reaches the user raw."""
    try:
        yield
    except MtrepairError as exc:
        _discard_created()
        raise fail(str(exc), exc.exit_code) from None
    except KeyboardInterrupt:
        _discard_created()
        raise fail("interrupted; outputs were not replaced", 130) from None
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(0) from None
    finally:
        # Also after typer.Exit (records skipped) and errors: the folder exists either way.
        with contextlib.suppress(OSError, ValueError):
            _announce_created()
