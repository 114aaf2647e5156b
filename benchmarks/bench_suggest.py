"""Precision of ``glossary suggest`` on a labelled list of name pairs.

``tests/data/suggest_name_pairs.tsv`` holds pairs labelled ``variant`` (two
spellings of one name: the shipped glossary's own canonical/variant pairs and
transliterations seen in news from Iraq and Syria) or ``different`` (case
variants, derived names such as Baghdad / al-Baghdadi, different names that
look alike). Two rules are scored:

- ``variant_pair``: the rule that makes a phrase a suggested variant of a
  glossary entry (skeletons a few edits apart, not the same spelling, not
  derived);
- ``cluster``: the stricter rule for new clusters (the same skeleton, not the
  same spelling, not derived).

Precision is TP / (TP + FP) over the pairs a rule accepts, recall TP / (TP + FN)
over the variant pairs; each figure for all pairs and for the two sets of the
list: ``tuning`` (the rules were adjusted looking at their errors there) and
``heldout`` (written afterwards, scored once). Also runs ``suggest`` on
``seeds/`` with the shipped glossary and lists what it proposes.

    .venv/bin/python benchmarks/bench_suggest.py [--json] [--errors]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.make_corpus import ROOT
from mtrepair.glossary import load
from mtrepair.glossary.normalize import key
from mtrepair.glossary.suggest import different_names, skeleton, suggest, variant_pair

PAIRS = ROOT / "tests" / "data" / "suggest_name_pairs.tsv"
SHIPPED = ROOT / "glossaries" / "military-iraq-syria.toml"


def read_pairs(path: Path = PAIRS) -> list[dict[str, str]]:
    """The labelled pairs: dicts with a, b, label (variant | different) and kind."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]
    return list(csv.DictReader(lines, delimiter="\t"))


def cluster_rule(a: str, b: str) -> bool:
    """Would ``a`` and ``b`` be proposed as one cluster of new spellings?"""
    return key(a) != key(b) and skeleton(a) == skeleton(b) and not different_names(a, b)


def score(pairs: list[dict[str, str]], rule: Callable[[str, str], bool]) -> dict[str, Any]:
    """Confusion counts, precision and recall of ``rule`` on ``pairs``, and the misses."""
    tp = fp = fn = tn = 0
    false_pos: list[str] = []
    false_neg: list[str] = []
    for p in pairs:
        truth, said = p["label"] == "variant", rule(p["a"], p["b"])
        if truth and said:
            tp += 1
        elif said:
            fp += 1
            false_pos.append(f"{p['a']} ~ {p['b']} ({p['kind']})")
        elif truth:
            fn += 1
            false_neg.append(f"{p['a']} ~ {p['b']} ({p['kind']})")
        else:
            tn += 1
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
        "false_positives": false_pos,
        "false_negatives": false_neg,
    }


def seed_suggestions() -> list[str]:
    """What ``suggest`` proposes for the five seeds with the shipped glossary."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return [f"{s.candidate} ~ {s.near} ({s.entry or 'new'})" for s in suggest(load([SHIPPED]), texts)]


SETS = ("all", "tuning", "heldout")


def run() -> dict[str, Any]:
    pairs = read_pairs()
    chosen = {name: [p for p in pairs if name in ("all", p["set"])] for name in SETS}
    return {
        "pairs": {name: len(ps) for name, ps in chosen.items()},
        "variant_pairs": sum(1 for p in pairs if p["label"] == "variant"),
        "different_pairs": sum(1 for p in pairs if p["label"] != "variant"),
        "variant_pair": {name: score(ps, variant_pair) for name, ps in chosen.items()},
        "cluster": {name: score(ps, cluster_rule) for name, ps in chosen.items()},
        "seed_suggestions": seed_suggestions(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    parser.add_argument("--errors", action="store_true", help="List false positives and negatives.")
    args = parser.parse_args(argv)
    r = run()
    if args.json:
        print(json.dumps(r, ensure_ascii=False, indent=1))
        return 0
    print(
        f"{r['pairs']['all']} labelled pairs ({r['pairs']['tuning']} tuning, {r['pairs']['heldout']} "
        f"held out): {r['variant_pairs']} variant, {r['different_pairs']} different"
    )
    for name in ("variant_pair", "cluster"):
        for part in SETS:
            s = r[name][part]
            print(
                f"{name:>12} {part:>7}: precision {s['precision']} ({s['tp']}/{s['tp'] + s['fp']}), "
                f"recall {s['recall']} ({s['tp']}/{s['tp'] + s['fn']})"
            )
        if args.errors:
            for line in r[name]["all"]["false_positives"]:
                print(f"  false positive: {line}")
            for line in r[name]["all"]["false_negatives"]:
                print(f"  missed: {line}")
    print(f"suggest on seeds/: {len(r['seed_suggestions'])} suggestion(s)")
    for line in r["seed_suggestions"]:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
