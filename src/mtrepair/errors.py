"""Domain errors.

The library raises these; only the CLI turns them into one-line messages and exit
codes, so library users get exceptions they can catch and the CLI never prints a
traceback for bad input.
"""

from __future__ import annotations


class MtrepairError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""

    exit_code = 1


class InputError(MtrepairError):
    """An input file is missing, unreadable, binary, mis-encoded or malformed."""

    exit_code = 2


class ReportError(MtrepairError):
    """An edit report is corrupt or does not belong to the text it is applied to."""

    exit_code = 3


class OutputError(MtrepairError):
    """An output location is unusable (would overwrite an input, wrong kind of path)."""

    exit_code = 4


class ConfigError(MtrepairError):
    """A data file (boilerplate patterns, language data) or an option is invalid."""

    exit_code = 5
