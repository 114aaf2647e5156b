"""``mtrepair bench``: the benchmark suite (a thin wrapper around :func:`mtrepair.bench.run_bench`).

Heavy imports (matplotlib, the benchmark scripts, sacrebleu's significance code)
happen inside the command, so ``mtrepair --help`` stays fast.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from mtrepair.cli_common import cli_errors, err


def _split(value: str) -> list[str]:
    return [x.strip() for x in value.split(",") if x.strip()]


def bench(
    quick: Annotated[
        bool, typer.Option("--quick", help="Tiny sizes (seconds): a smoke test, not figures to quote.")
    ] = False,
    parts: Annotated[
        str,
        typer.Option(
            "--parts", help="Comma-separated: detect,repair,align,qe,speed,realworld,reference (or all)."
        ),
    ] = "all",
    seed: Annotated[int, typer.Option("--seed", help="Random seed of every generated input.")] = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Results folder (default: a fresh temp folder; with --record, benchmarks/results).",
        ),
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="The run of record: write into benchmarks/results and update benchmarks/README.md.",
        ),
    ] = False,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="MLQE-PE folder (default: ../shared/data/mlqe-pe beside the checkout)."),
    ] = None,
    benchmarks: Annotated[
        Path | None,
        typer.Option(
            "--benchmarks", help="The repository's benchmarks/ folder (default: found from the install)."
        ),
    ] = None,
    align_backends: Annotated[
        str,
        typer.Option(
            "--align-backends", help="Aligners besides the chrF baseline: lexical,minilm,use-multilingual,e5."
        ),
    ] = "lexical",
    qe_models: Annotated[
        str,
        typer.Option(
            "--qe-models", help="Neural QE models besides the model-free ones: e5,use-multilingual."
        ),
    ] = "",
    readme: Annotated[
        bool | None,
        typer.Option(
            "--readme/--no-readme",
            help="Update the suite section of benchmarks/README.md (default: only with --record).",
        ),
    ] = None,
) -> None:
    """Run the benchmark suite: JSON per part, report.md and PNG plots in the results folder.

    Detection P/R/F1 per rule on a labelled garble set, chrF/BLEU/CER before and
    after clean, alignment F1 and time, QE correlation with HTER, and speed and
    peak memory next to ftfy, the sacrebleu CLI and a naive aligner. Needs the
    repository checkout (benchmarks/ is not part of the installed package).
    """
    from mtrepair.bench import parse_parts, run_bench

    with cli_errors():
        result = run_bench(
            parts=parse_parts(parts),
            seed=seed,
            quick=quick,
            out=out,
            data=data,
            benchmarks=benchmarks,
            align_backends=_split(align_backends),
            qe_models=_split(qe_models),
            readme=readme,
            record=record,
            command=shlex.join(["mtrepair", *sys.argv[1:]])
            if sys.argv[1:2] == ["bench"]
            else "mtrepair bench",
            progress=lambda msg: err.print(msg, markup=False, highlight=False),
        )
        for note in result.notes:
            err.print(f"mtrepair: note: {note}", markup=False, soft_wrap=True)
        err.print(f"mtrepair: bench finished in {result.seconds:.0f} s; wrote:", markup=False)
        for path in result.written:
            print(path)
