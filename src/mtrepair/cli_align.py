"""``mtrepair align GARBLED CLEAN``: sentence alignment from the command line.

A thin wrapper: reading (through :mod:`mtrepair.io`, so the same one-line errors
as ``clean``), splitting into units, :func:`mtrepair.align.core.align`, and one
of three views of the beads. Unit indices are 0-based positions among the units
(sentences, or non-blank lines), the same in every format and in gold files.
"""

from __future__ import annotations

import math
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from mtrepair.align import Bead, Unit
from mtrepair.align.texts import COMPARABLE_MAX_BEAD, MAX_BEAD
from mtrepair.cli_common import cli_errors, err
from mtrepair.errors import ConfigError, InputError
from mtrepair.io import ReadProblems, atomic_writer, read_documents

FORMATS = ("json", "tsv", "text")


def _read_one(path: str, encoding: str) -> str:
    """The text of the single document at ``path`` (a file, or - for stdin)."""
    problems = ReadProblems()
    docs = list(read_documents([path], encoding=encoding, problems=problems))
    if len(docs) != 1:
        why = f" ({problems.messages[0]})" if not docs and problems.messages else ""
        raise InputError(f"{path}: holds {len(docs)} documents{why}; align takes one document per side")
    return docs[0].text


def _flat(text: str) -> str:
    """One line: a sentence may span a hard-wrapped line break or hold a tab."""
    return " ".join(text.split())


def _ids(indices: Sequence[int]) -> str:
    return ",".join(str(i) for i in indices)


def _tsv(beads: list[Bead], g: list[Unit], c: list[Unit]) -> str:
    rows = ["garbled\tclean\tscore\tgarbled_text\tclean_text"]
    for b in beads:
        gt = " ".join(_flat(g[i].text) for i in b.garbled)
        ct = " ".join(_flat(c[j].text) for j in b.clean)
        rows.append(f"{_ids(b.garbled)}\t{_ids(b.clean)}\t{b.score:.4f}\t{gt}\t{ct}")
    return "\n".join(rows) + "\n"


def _text(
    beads: list[Bead],
    g: list[Unit],
    c: list[Unit],
    width: int,
    langs: tuple[str, str] = ("en", "en"),
    structure: frozenset[tuple[str, int]] = frozenset(),
) -> str:
    """Side by side: garbled on the left, clean on the right, one block per bead.

    Under each aligned bead, its meaning-bearing word-level divergences, one per
    line (``~ substitution (content word): 'shouted' where the reference has
    'blared'``): what ``clean --reference`` flags, so the two commands agree.
    """
    from mtrepair.align.reference import divergences

    col = max(20, (width - 22) // 2)
    out = [f"{'garbled':<{col + 8}}  score  {'clean'}", "-" * min(width, 2 * col + 22)]
    for b in beads:
        apart = any(("g", i) in structure for i in b.garbled) or any(("c", j) in structure for j in b.clean)
        left = textwrap.wrap(" ".join(_flat(g[i].text) for i in b.garbled), col) or [
            "(structure line, not aligned)" if apart else "(none: lost)"
        ]
        right = textwrap.wrap(" ".join(_flat(c[j].text) for j in b.clean), col) or [
            "(structure line, not aligned)" if apart else "(none: inserted)"
        ]
        score = f"{b.score:.2f}" if b.garbled and b.clean else " -- "
        for k in range(max(len(left), len(right))):
            gl = left[k] if k < len(left) else ""
            cl = right[k] if k < len(right) else ""
            gid = _ids(b.garbled) if k == 0 else ""
            cid = _ids(b.clean) if k == 0 else ""
            mid = score if k == 0 else ""
            out.append(f"{gid:>6}  {gl:<{col}}  {mid:^5}  {cid:>6}  {cl}".rstrip())
        if b.garbled and b.clean:
            g_text = " ".join(_flat(g[i].text) for i in b.garbled)
            c_text = " ".join(_flat(c[j].text) for j in b.clean)
            for d in divergences(g_text, c_text, langs[0], langs[1]):
                out.extend(
                    textwrap.wrap(
                        d.describe(), width - 8, initial_indent="        ~ ", subsequent_indent="          "
                    )
                )
        out.append("")
    linked = sum(1 for b in beads if b.garbled and b.clean)
    inserted = sum(len(b.garbled) for b in beads if not b.clean)
    lost = sum(len(b.clean) for b in beads if not b.garbled)
    out.append(
        f"{len(g)} garbled and {len(c)} clean units: {linked} bead{'' if linked == 1 else 's'} aligned, "
        f"{inserted} garbled units unaligned (inserted), {lost} clean units unaligned (lost)"
    )
    return "\n".join(out) + "\n"


def _check_gold(gold: list[tuple[tuple[int, ...], tuple[int, ...]]], n: int, m: int, source: Path) -> None:
    for g_ids, c_ids in gold:
        for i in g_ids:
            if i >= n:
                raise InputError(f"{source}: gold names garbled unit {i}, but there are {n} (check --units)")
        for j in c_ids:
            if j >= m:
                raise InputError(f"{source}: gold names clean unit {j}, but there are {m} (check --units)")


def _write(text: str, output: Path | None, protect: tuple[Path, ...]) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with atomic_writer(output, protect=protect) as fh:
        fh.write(text)


def align(
    garbled: Annotated[str, typer.Argument(help="The damaged copy: a text file, or - for stdin.")],
    clean: Annotated[
        str, typer.Argument(help="The clean version (or another outlet's copy, or the source).")
    ],
    units_mode: Annotated[
        str, typer.Option("--units", help="sentences (segmented) or lines (non-blank lines).")
    ] = "sentences",
    fmt: Annotated[str, typer.Option("--format", help="text (side by side), json or tsv.")] = "text",
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "--backend",
            help="Similarity backend: lexical (no model), minilm, use-multilingual, e5, hf. "
            "Default: lexical when both sides are in one language, else e5 (or use-multilingual) "
            "if installed.",
        ),
    ] = None,
    model_path: Annotated[
        Path | None, typer.Option("--model-path", help="Local model directory or file, for hf (or others).")
    ] = None,
    max_bead: Annotated[
        int | None,
        typer.Option(
            "--max-bead",
            help=f"Most units per side in one bead (default {MAX_BEAD}; "
            f"{COMPARABLE_MAX_BEAD} with --min-score).",
            min=1,
        ),
    ] = None,
    skip: Annotated[
        float | None,
        typer.Option(
            "--skip",
            help="Cost of leaving one unit unaligned (1.0 = a random pair). Default: learnt from the "
            "two documents, half-way between a typical link's cost and a random pair's (at least 0.6).",
        ),
    ] = None,
    min_score: Annotated[
        float,
        typer.Option(
            "--min-score",
            help="For comparable documents (partial overlap): beads scoring below this are left "
            "unaligned; try 0.2 with the lexical backend. 0 aligns everything it can.",
        ),
    ] = 0.0,
    band: Annotated[
        int | None,
        typer.Option("--band", help="Search window half-width (units) for long documents.", min=1),
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option("--gold", help="Gold beads (JSON, or Vecalign's [0]:[0, 1] lines): print P/R/F1."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of GARBLED for segmentation.")] = "auto",
    clean_lang: Annotated[str, typer.Option("--clean-lang", help="Language of CLEAN.")] = "auto",
    encoding: Annotated[str, typer.Option("--encoding", help="Encoding of both inputs.")] = "utf-8",
    repair: Annotated[
        bool,
        typer.Option(
            "--repair/--raw",
            help="With --units sentences: segment the texts as clean repairs them (default), or as given.",
        ),
    ] = True,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Align a garbled copy with a clean version sentence by sentence (n-m beads)."""
    from mtrepair.align.backends import Choice
    from mtrepair.align.gold import format_json, read_gold, score_alignment
    from mtrepair.align.texts import align_texts
    from mtrepair.align.units import MODES

    with cli_errors():
        if fmt not in FORMATS:
            raise ConfigError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
        if units_mode not in MODES:
            raise ConfigError(f"unknown unit mode {units_mode!r}; use one of: {', '.join(MODES)}")
        if garbled == "-" and clean == "-":
            raise InputError("only one side can be read from stdin (-)")
        if skip is not None and not (math.isfinite(skip) and skip > 0):
            raise ConfigError(f"--skip must be a positive number, not {skip}")
        gold_beads = read_gold(gold) if gold is not None else None
        g_text, c_text = _read_one(garbled, encoding), _read_one(clean, encoding)

        def tell(choice: Choice) -> None:
            if choice.message is not None:
                level = "warning" if choice.warning else "note"
                err.print(f"mtrepair: {level}: {choice.message}", markup=False, soft_wrap=True)

        # Sentences of the story are aligned; headings, bylines, datelines and captions
        # stand apart (never merged into a sentence's bead). Lines are aligned as given.
        aligned = align_texts(
            g_text,
            c_text,
            units=units_mode,
            lang=lang,
            clean_lang=clean_lang,
            backend=model,
            model_path=model_path,
            max_bead=max_bead,
            min_score=min_score,
            skip=skip,
            band=band,
            repair=repair,
            on_choice=tell,
        )
        beads = list(aligned.beads)
        g_units, c_units = list(aligned.garbled_units), list(aligned.clean_units)
        g_kept, c_kept = aligned.garbled_prose, aligned.clean_prose
        g_lang, c_lang = aligned.garbled_lang, aligned.clean_lang
        if gold_beads is not None and gold is not None:
            _check_gold(gold_beads, len(g_units), len(c_units), gold)
        if fmt == "json":
            rendered = format_json(beads)
        elif fmt == "tsv":
            rendered = _tsv(beads, g_units, c_units)
        else:
            columns = shutil.get_terminal_size((120, 24)).columns
            structure = frozenset(
                [("g", i) for i in set(range(len(g_units))) - set(g_kept)]
                + [("c", j) for j in set(range(len(c_units))) - set(c_kept)]
            )
            rendered = _text(beads, g_units, c_units, columns, (g_lang, c_lang), structure)
        protect = tuple(Path(p) for p in (garbled, clean) if p != "-")
        _write(rendered, output, protect)
        if gold_beads is not None:
            s = score_alignment(beads, gold_beads)
            err.print(
                f"gold {gold}: strict P {s['precision_strict']:.4f} R {s['recall_strict']:.4f} "
                f"F1 {s['f1_strict']:.4f} | lax P {s['precision_lax']:.4f} R {s['recall_lax']:.4f} "
                f"F1 {s['f1_lax']:.4f}",
                markup=False,
                soft_wrap=True,
            )
