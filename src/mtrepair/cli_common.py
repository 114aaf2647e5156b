"""What every command shares: the stderr console and the error boundary."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from mtrepair.errors import MtrepairError

err = Console(stderr=True, highlight=False)


def fail(message: str, code: int) -> typer.Exit:
    err.print(f"mtrepair: error: {message}", markup=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn library errors into one-line messages; nothing else reaches the user raw."""
    try:
        yield
    except MtrepairError as exc:
        raise fail(str(exc), exc.exit_code) from None
    except KeyboardInterrupt:
        raise fail("interrupted; outputs were not replaced", 130) from None
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(0) from None
