"""The edit report: a JSON log of every edit, sufficient to review, replay and undo.

Schema (``"format": 1``)::

    {"format": 1, "tool": "mtrepair 0.1.0",
     "documents": [
       {"id": ..., "source": ..., "input_sha256": ..., "output_sha256": ...,
        "encoding": ...,  (only when the input was not UTF-8: the codec it was read with)
        "metadata": {...},
        "edits": [{"step": 0, "rule": ..., "start": ..., "end": ...,
                   "original": ..., "replacement": ..., "message": ...,
                   "confidence": ..., "input": {"start": ..., "end": ..., "line": ...}}],
        "flags": [{"rule": ..., "start": ..., "end": ..., "line": ..., "text": ...,
                   "message": ..., "confidence": ...}],
        "garble": {"weights": "fluency", "located_in": "output",
                   "sentences": [{"start": ..., "end": ..., "line": ..., "score": ...,
                                  "reasons": [...]}]}}]}

``start``/``end`` of an edit index the text as it was when its step ran (step 0
sees the input); edits sharing a ``step`` were applied together. ``input`` gives
the same edit located in the original input, for reviewers. Flags are located in
the original input. ``garble`` (``clean --garble``, on by default with
``--report``) scores every sentence of the repaired output
(:mod:`mtrepair.qe.sentences`); undo and replay ignore it. ``encoding`` (a text
input read with ``--encoding`` or through a UTF-16 byte-order mark) is the codec
``undo`` writes the restored original with and ``replay`` reads it with, so both
work byte for byte on non-UTF-8 inputs; outputs of ``clean`` are always UTF-8.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from mtrepair import __version__
from mtrepair.errors import ReportError
from mtrepair.model import Finding, Result, Step
from mtrepair.pipeline import locate
from mtrepair.segment import Document

FORMAT = 1


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def document_entry(doc_id: str, source: str, result: Result, *, encoding: str = "utf-8") -> dict[str, Any]:
    """The report entry of one cleaned document (``encoding``: the codec its input was read with)."""
    located = Document(result.original, "en")
    edits: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    step_index = 0
    for step, at in zip(result.steps, locate(result.steps), strict=True):
        for e, a in zip(step.edits, at.edits, strict=True):
            edits.append(
                {
                    "step": step_index,
                    "rule": e.rule,
                    "start": e.start,
                    "end": e.end,
                    "original": e.original,
                    "replacement": e.replacement,
                    "message": e.message,
                    "confidence": e.confidence,
                    "ref": e.ref,
                    "input": {"start": a.start, "end": a.end, "line": located.line_of(a.start)},
                }
            )
        flags.extend(
            {
                "rule": f.rule,
                "start": f.start,
                "end": f.end,
                "line": located.line_of(f.start),
                "text": result.original[f.start : f.end],
                "message": f.message,
                "confidence": f.confidence,
            }
            for f in at.flags
        )
        step_index += bool(step.edits)
    entry: dict[str, Any] = {
        "id": doc_id,
        "source": source,
        "input_sha256": sha256(result.original),
        "output_sha256": sha256(result.text),
    }
    if encoding != "utf-8":
        entry["encoding"] = encoding
    entry.update(metadata=result.metadata, edits=edits, flags=flags)
    return entry


class ReportWriter:
    """Streams a report, one document at a time, so corpora never sit in memory."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh
        self.count = 0
        fh.write(f'{{"format": {FORMAT}, "tool": "mtrepair {__version__}", "documents": [\n')

    def add(self, entry: dict[str, Any]) -> None:
        if self.count:
            self.fh.write(",\n")
        self.fh.write(json.dumps(entry, ensure_ascii=False))
        self.count += 1

    def close(self) -> None:
        self.fh.write("\n]}\n")


def read_report(path: Path) -> list[dict[str, Any]]:
    """The documents of a report, validated enough that undo cannot misapply it."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: no such report; pass the file written by clean --report") from None
    except IsADirectoryError:
        raise ReportError(f"{path}: is a folder; pass the report file") from None
    except UnicodeDecodeError:
        raise ReportError(f"{path}: not UTF-8 text; is this an mtrepair report?") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); the report is corrupt") from None
    except RecursionError:
        raise ReportError(f"{path}: JSON nested too deeply; not an mtrepair report") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("documents"), list):
        raise ReportError(f"{path}: not an mtrepair report (format {FORMAT})")
    docs: list[dict[str, Any]] = raw["documents"]
    for i, d in enumerate(docs):
        if not isinstance(d, dict) or not isinstance(d.get("edits"), list) or "input_sha256" not in d:
            raise ReportError(f"{path}: document {i} is malformed; the report is corrupt")
    return docs


def steps_of(entry: dict[str, Any], source: str = "report") -> list[Step]:
    """Rebuild the steps of one report entry."""
    grouped: dict[int, list[Finding]] = {}
    try:
        for e in entry["edits"]:
            f = Finding(
                str(e["rule"]),
                int(e["start"]),
                int(e["end"]),
                str(e["original"]),
                str(e["replacement"]),
                str(e.get("message", "")),
                float(e.get("confidence", 1.0)),
                e.get("ref"),
            )
            grouped.setdefault(int(e["step"]), []).append(f)
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"{source}: an edit of document {entry.get('id')!r} is malformed ({exc})") from None
    return [
        Step(edits[0].rule, tuple(sorted(edits, key=lambda f: f.start)))
        for _, edits in sorted(grouped.items())
    ]


def entries_by_id(docs: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for d in docs:
        yield str(d.get("id")), d
