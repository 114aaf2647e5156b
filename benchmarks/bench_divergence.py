"""Word-level divergences against independent human references (MLQE-PE et-en multiref).

Two questions, as issue 17 asks them:

(a) Does the divergence score of a machine translation against a human reference
    (``mt.en`` vs ``ref-1.en``) follow the human direct-assessment scores
    (``DA-z.scores``)? Pearson and Spearman, next to sacrebleu's sentence chrF and
    BLEU on the same pairs (a reference-based score must beat chrF to be worth
    reading).
(b) How many meaning-bearing divergences does it report between two faithful
    human translations (``ref-2.en`` vs ``ref-1.en``)? Every one is a false alarm.

The divergence score of a pair is the share of its tokens inside divergences,
a meaning-bearing divergence counting fully and a minor one at 0.3 (function
words and spelling), so 0 is the same sentence and 1 nothing in common. It is
negated for the correlations (a higher DA is a better translation).

    .venv/bin/python benchmarks/bench_divergence.py -o benchmarks/results/divergence_et_en.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sacrebleu
from scipy.stats import pearsonr, spearmanr

from mtrepair.align.diff import compare, tokens

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "mlqe-pe" / "et-en-multiref"
MINOR_WEIGHT = 0.3


def divergence_score(garbled: str, clean: str) -> float:
    """The share of the pair's tokens inside divergences (minor ones weigh 0.3)."""
    total = max(1, len(tokens(garbled)) + len(tokens(clean)))
    inside = 0.0
    for d in compare(garbled, clean):
        size = len(tokens(d.garbled_words)) + len(tokens(d.clean_words))
        inside += size * (1.0 if d.weight == "meaning" else MINOR_WEIGHT)
    return min(1.0, inside / total)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _corr(xs: Sequence[float], ys: Sequence[float]) -> dict[str, float]:
    return {
        "pearson": round(float(pearsonr(xs, ys)[0]), 4),
        "spearman": round(float(spearmanr(xs, ys)[0]), 4),
    }


def run(data: Path) -> dict[str, Any]:
    mt, ref1, ref2 = _lines(data / "mt.en"), _lines(data / "ref-1.en"), _lines(data / "ref-2.en")
    da = [float(x) for x in (data / "DA-z.scores").read_text().split()]
    if not len(mt) == len(ref1) == len(ref2) == len(da):
        raise SystemExit(f"{data}: the files do not have one line per segment each")
    t0 = time.perf_counter()
    scores = [-divergence_score(m, r) for m, r in zip(mt, ref1, strict=True)]
    seconds = time.perf_counter() - t0
    chrf_metric, bleu_metric = sacrebleu.CHRF(), sacrebleu.BLEU(effective_order=True)
    chrf = [chrf_metric.sentence_score(m, [r]).score for m, r in zip(mt, ref1, strict=True)]
    bleu = [bleu_metric.sentence_score(m, [r]).score for m, r in zip(mt, ref1, strict=True)]
    kinds: Counter[str] = Counter()
    whys: Counter[str] = Counter()
    alarms = 0
    for a, b in zip(ref2, ref1, strict=True):
        for d in compare(a, b):
            if d.weight == "meaning":
                alarms += 1
                kinds[d.kind] += 1
                whys[d.why] += 1
    return {
        "data": "MLQE-PE et-en multiref (CC0)",
        "pairs": len(mt),
        "correlation_with_da": {
            "divergence": _corr(scores, da),
            "chrf": _corr(chrf, da),
            "bleu": _corr(bleu, da),
        },
        "signatures": {
            "chrf": str(chrf_metric.get_signature()),
            "bleu": str(bleu_metric.get_signature()),
        },
        "divergence_seconds": round(seconds, 2),
        "false_alarms_between_references": {
            "meaning_bearing_per_pair": round(alarms / len(ref1), 3),
            "by_kind": dict(kinds.most_common()),
            "by_why": dict(whys.most_common()),
        },
    }


def markdown(result: dict[str, Any]) -> str:
    c = result["correlation_with_da"]
    rows = [
        "| score (mt.en vs ref-1.en) | Pearson with DA | Spearman with DA |",
        "|---|---:|---:|",
    ]
    for name, label in (
        ("divergence", "mtrepair divergence (negated)"),
        ("chrf", "sentence chrF"),
        ("bleu", "sentence BLEU"),
    ):
        rows.append(f"| {label} | {c[name]['pearson']:.3f} | {c[name]['spearman']:.3f} |")
    fa = result["false_alarms_between_references"]
    rows.append("")
    rows.append(
        f"Meaning-bearing divergences between the two human references (ref-2 vs ref-1): "
        f"**{fa['meaning_bearing_per_pair']:.2f} per pair** (by why: "
        + ", ".join(f"{k} {v}" for k, v in fa["by_why"].items())
        + ")."
    )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("-o", "--output", type=Path, help="write the result JSON here")
    args = parser.parse_args(argv)
    if not (args.data / "mt.en").is_file():
        print(
            f"bench_divergence: {args.data}: no MLQE-PE et-en multiref files there (--data DIR)",
            file=sys.stderr,
        )
        return 2
    result = run(args.data)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
