"""Train the learned no-source QE model (issue 18) on MLQE-PE and report dev figures.

    .venv/bin/python benchmarks/train_qe.py --data ../shared/data/mlqe-pe -o src/mtrepair/qe/

Writes ``<out>/learned_qe.json.gz`` (the shipped no-source model) and
``<out>/learned_qe_src.json.gz`` (the with-source models: IBM Model 1 tables and HTER trees
per source language), both deterministic bytes, and the dev figures to ``--results``
(default ``benchmarks/results/qe_learned.json``; with the source under ``with_source``).
Needs scikit-learn at training time only. See "Learned quality estimation
(issue 18)" in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from mtrepair.qe.train import IBM_TOP_N, PAIRS, TOP_N, train  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "mlqe-pe")
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "src" / "mtrepair" / "qe")
    parser.add_argument(
        "--results",
        default=str(ROOT / "benchmarks" / "results" / "qe_learned.json"),
        help="where to write the dev figures ('' for nowhere)",
    )
    parser.add_argument("--pairs", default=",".join(PAIRS))
    parser.add_argument("--limit", type=int, default=None, help="first N lines of every split")
    parser.add_argument("--trees", type=int, default=300)
    parser.add_argument("--top-n", type=int, default=TOP_N)
    parser.add_argument("--compare", action="store_true", help="also score dev with today's mtrepair qe")
    parser.add_argument("--src-trees", type=int, default=300, help="trees of each with-source model")
    parser.add_argument("--src-top-n", type=int, default=IBM_TOP_N, help="IBM-1 words kept per side")
    parser.add_argument("--no-source-only", action="store_true", help="skip the with-source models")
    args = parser.parse_args(argv)
    figures = train(
        args.data,
        args.out,
        pairs=[p for p in args.pairs.split(",") if p],
        limit=args.limit,
        n_estimators=args.trees,
        top_n=args.top_n,
        compare=args.compare,
        with_source=not args.no_source_only,
        src_trees=args.src_trees,
        src_top_n=args.src_top_n,
    )
    text = json.dumps(figures, indent=2, sort_keys=True)
    print(text)
    if args.results:
        results = Path(args.results)
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
