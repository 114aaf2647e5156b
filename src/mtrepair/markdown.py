"""Markdown table cells, for every report that writes a table (``score``, ``bench``)."""

from __future__ import annotations

import re


def md_cell(text: str, *, code: bool = False) -> str:
    """``text`` as one cell of a GitHub-flavoured Markdown table row.

    A ``|`` would end the cell (every sacrebleu signature is ``nrefs:1|case:mixed|...``,
    and a file name may hold one), so each becomes ``\\|``, which GFM reads as a
    literal pipe even inside a code span. In plain text a backslash is doubled
    first, so one that precedes a pipe cannot escape the escape. A code span
    (``code``) shows backslashes as they are, so there only pipes are escaped; it
    is fenced with more backticks than the text holds. Line breaks would end the
    row: they become spaces.
    """
    text = re.sub(r"[\r\n]+", " ", text)
    if not code:
        return text.replace("\\", "\\\\").replace("|", "\\|")
    text = text.replace("|", "\\|")
    fence = "`" * (1 + max((len(run) for run in re.findall("`+", text)), default=0))
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
