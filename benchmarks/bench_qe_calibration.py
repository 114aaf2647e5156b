"""Is the learned garble score calibrated across language pairs? (issue 18)

    .venv/bin/python benchmarks/bench_qe_calibration.py -o benchmarks/results/qe_calibration.json

The learned models predict HTER (the share of words a post-editor changes), clipped to
[0, 1]; a threshold on it should mean the same thing on every pair. For each MLQE-PE dev
pair (1,000 segments, never used in training), with and without the source, this reports:

- ``mean_pred`` / ``mean_hter``: the level (a model calibrated on average has them equal);
- ``slope``: least-squares slope of true HTER on predicted HTER (1 = the score's spread is
  right; below 1 = over-confident, above 1 = too timid);
- ``ece``: expected calibration error over 10 equal-width bins of the prediction, i.e. the
  mean |mean HTER − mean prediction| per bin weighted by the bin's share of segments;
- at the 0.3 threshold (``detect``'s default, "heavy post-editing"): precision and recall of
  "prediction ≥ 0.3" for "HTER ≥ 0.3", and the share of segments flagged against the share
  that truly needed it;
- ``auc_mt_vs_own_pe``: issue 18's separation test, ROC AUC of the MT sentences with HTER ≥ 0.3
  (positives) against their own post-edits (negatives), and ``mt_above_own_pe``, the share of
  those pairs where the MT scores above its post-edit. Run with the source too, it shows how
  much of the no-source shortfall the source would recover.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from mtrepair.qe import learned  # noqa: E402
from mtrepair.qe.train import PAIRS, read_split  # noqa: E402

THRESHOLD = 0.3


def calibration(pred: np.ndarray, hter: np.ndarray, bins: int = 10) -> dict[str, float]:
    """The figures of the module docstring for one pair."""
    edges = np.minimum((pred * bins).astype(int), bins - 1)
    ece = 0.0
    for b in range(bins):
        sel = edges == b
        if sel.any():
            ece += sel.mean() * abs(hter[sel].mean() - pred[sel].mean())
    slope = float(np.polyfit(pred, hter, 1)[0]) if pred.std() > 0 else float("nan")
    flagged, needed = pred >= THRESHOLD, hter >= THRESHOLD
    return {
        "mean_pred": float(pred.mean()),
        "mean_hter": float(hter.mean()),
        "slope": slope,
        "ece": float(ece),
        "precision_at_0.3": float((flagged & needed).sum() / max(1, flagged.sum())),
        "recall_at_0.3": float((flagged & needed).sum() / max(1, needed.sum())),
        "flagged_share": float(flagged.mean()),
        "needed_share": float(needed.mean()),
    }


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """ROC AUC of positives against negatives (ties count half), without scikit-learn."""
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "mlqe-pe")
    parser.add_argument("-o", "--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out: dict[str, dict[str, dict[str, float]]] = {"no_source": {}, "with_source": {}}
    for pair in PAIRS:
        rows = read_split(args.data, pair, "dev")
        hter = np.array([r.hter for r in rows])
        mts, srcs = [r.mt for r in rows], [r.src for r in rows]
        nosrc = np.array([q.garble for q in learned.score(mts)])
        withsrc = np.array([q.garble for q in learned.score_with_source(srcs, mts, pair.split("-")[0])])
        out["no_source"][pair] = calibration(nosrc, hter)
        out["with_source"][pair] = calibration(withsrc, hter)
        heavy = [r for r in rows if r.hter >= THRESHOLD]
        h_src = [r.src for r in heavy]
        lang = pair.split("-")[0]
        for mode, scorer in (
            ("no_source", lambda texts: learned.score(texts)),
            ("with_source", lambda texts: learned.score_with_source(h_src, texts, lang)),  # noqa: B023
        ):
            mt_s = np.array([q.garble for q in scorer([r.mt for r in heavy])])
            pe_s = np.array([q.garble for q in scorer([r.pe for r in heavy])])
            out[mode][pair]["auc_mt_vs_own_pe"] = auc(mt_s, pe_s)
            out[mode][pair]["mt_above_own_pe"] = float(np.mean(mt_s > pe_s))
    for mode in out.values():
        keys = next(iter(mode.values())).keys()
        mode["mean"] = {k: float(np.mean([mode[p][k] for p in PAIRS])) for k in keys}
    rounded = {m: {p: {k: round(v, 4) for k, v in f.items()} for p, f in d.items()} for m, d in out.items()}
    text = json.dumps(rounded, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
