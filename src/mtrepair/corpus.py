"""Clean many documents from many inputs: the engine behind ``mtrepair clean``.

Documents stream through one at a time: read, repair, write, log. Nothing but the
current document is held in memory, so a corpus of any size runs in flat memory.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from mtrepair.config import Config
from mtrepair.errors import OutputError
from mtrepair.io import ReadProblems, SourceDoc, atomic_writer, expand, is_jsonl, read_documents
from mtrepair.pipeline import clean_text
from mtrepair.report import ReportWriter, document_entry


@dataclass(frozen=True)
class ReferenceSpec:
    """A clean version to compare every document with (``clean --reference``)."""

    text: str
    source: str
    backend: Any = None  # an mtrepair.align.Backend; None: lexical
    min_score: float = 0.2
    policy: Any = None  # an mtrepair.align.reference.Policy; None: report only


@dataclass
class Summary:
    documents: int = 0
    changed: int = 0
    edits: int = 0
    flags: int = 0
    bytes: int = 0
    outputs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def output_format(paths: list[str], fmt: str | None) -> str:
    """``text`` or ``jsonl``: JSONL in means JSONL out unless asked otherwise."""
    if fmt is not None:
        if fmt not in ("text", "jsonl"):
            raise OutputError(f"unknown format {fmt!r}; use text or jsonl")
        return fmt
    return (
        "jsonl" if any(is_jsonl(p) or (Path(p).is_dir() and _has_jsonl(Path(p))) for p in paths) else "text"
    )


def _has_jsonl(folder: Path) -> bool:
    return any(is_jsonl(str(p)) for p in folder.rglob("*.jsonl*"))


def _record(doc: SourceDoc, text: str, metadata: dict[str, str], edits: int, flags: int) -> str:
    record: dict[str, Any] = dict(doc.record) if doc.record is not None else {"id": doc.id}
    record["text"] = text
    record["mtrepair"] = {"edits": edits, "flags": flags, "metadata": metadata}
    return json.dumps(record, ensure_ascii=False) + "\n"


def _mirror_name(rel: str, kind: str, fmt: str) -> str:
    if fmt == "jsonl" and kind == "text":
        return rel.removesuffix(".txt") + ".jsonl"
    return rel


def clean_corpus(
    paths: list[str],
    *,
    config: Config,
    out: str | None,
    stdout: IO[str],
    fmt: str | None = None,
    report: Path | None = None,
    encoding: str = "utf-8",
    on_document: Callable[[SourceDoc], None] | None = None,
    reference: ReferenceSpec | None = None,
) -> Summary:
    """Clean every document of ``paths`` and write the results.

    ``out`` is None (write to ``stdout``), a file (everything in it), or a folder
    (an existing folder, or a path ending in ``/``: one output per input file,
    mirroring relative paths). With ``reference``, each cleaned document is
    aligned with the clean version and a ``reference`` step reports (and, by
    policy, repairs) what translation broke. Broken JSONL records are skipped and listed in
    ``Summary.problems``; everything else that is wrong raises.
    """
    fmt = output_format(paths, fmt)
    inputs = [p for p, _ in expand(paths)]
    mirror = out is not None and (Path(out).is_dir() or out.endswith(("/", "\\")))
    out_path = Path(out) if out is not None else None
    headers = fmt == "text" and (len(inputs) > 1 or any(is_jsonl(str(p)) for p in inputs))
    problems = ReadProblems()
    summary = Summary()
    with contextlib.ExitStack() as stack:
        writer = None
        if report is not None:
            writer = ReportWriter(stack.enter_context(atomic_writer(report, protect=tuple(inputs))))
        sink: IO[str] | None = None
        if out_path is None:
            sink = stdout
        elif not mirror:
            sink = stack.enter_context(atomic_writer(out_path, protect=tuple(inputs)))
            summary.outputs.append(str(out))
        current_rel: str | None = None
        file_stack = contextlib.ExitStack()
        stack.enter_context(file_stack)
        for doc in read_documents(paths, encoding=encoding, problems=problems):
            if mirror and doc.rel != current_rel:
                assert out_path is not None
                file_stack.close()
                target = out_path / _mirror_name(doc.rel, doc.kind, fmt)
                sink = file_stack.enter_context(atomic_writer(target, protect=tuple(inputs)))
                summary.outputs.append(str(target))
                current_rel = doc.rel
            assert sink is not None
            result = clean_text(doc.text, config)
            extra: dict[str, Any] = {}
            if reference is not None:
                from mtrepair.align.reference import apply_reference

                result, beads = apply_reference(
                    result,
                    reference.text,
                    config,
                    backend=reference.backend,
                    min_score=reference.min_score,
                    policy=reference.policy,
                )
                extra["reference"] = {"source": reference.source, "beads": [b.as_dict() for b in beads]}
            n_edits, n_flags = len(result.edits), len(result.flags)
            if fmt == "jsonl":
                sink.write(_record(doc, result.text, result.metadata, n_edits, n_flags))
            else:
                if headers and not mirror:
                    sink.write(f"{'' if summary.documents == 0 else chr(10)}==> {doc.id} <==\n")
                sink.write(result.text)
                if headers and not result.text.endswith("\n"):
                    sink.write("\n")
            if writer is not None:
                writer.add({**document_entry(doc.id, doc.source, result), **extra})
            summary.documents += 1
            summary.changed += result.changed
            summary.edits += n_edits
            summary.flags += n_flags
            summary.bytes += doc.nbytes
            if on_document is not None:
                on_document(doc)
        file_stack.close()
        if writer is not None:
            writer.close()
    summary.problems = problems.messages
    return summary


def iter_results(
    paths: list[str], *, config: Config, encoding: str = "utf-8", problems: ReadProblems | None = None
) -> Iterator[tuple[SourceDoc, list[Any]]]:
    """Documents with their findings located in the original text (for ``detect``)."""
    from mtrepair.pipeline import detect_text

    for doc in read_documents(paths, encoding=encoding, problems=problems):
        yield doc, list(detect_text(doc.text, config))
