"""Throughput of ``mtrepair clean`` at two commits, measured in one run, rounds interleaved.

    git worktree add /tmp/before <COMMIT>
    .venv/bin/python benchmarks/bench_before_after.py --before /tmp/before --size-mb 20

A change that adds rules must say what it costs. Timing the old and the new code
on different days measures the machine's mood as much as the code (this machine
has slow spells no load average shows), so both run here on the same scale
corpus (``bench_scale.build_shards``, the corpus of "Corpus scale"), in turns:
before, after, before, after, ... and the medians and the paired ratios are
reported. Each run is ``mtrepair clean CORPUS/ --format jsonl -o OUT/ --workers
1`` in a fresh interpreter whose ``PYTHONPATH`` puts that checkout's ``src``
first (the editable install of this checkout comes after it), so each side runs
its own rules, its own language data and its own shipped glossary.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_clean import _load_average, machine_info
from benchmarks.bench_scale import DEFAULT_CORPUS_DIR, build_shards
from benchmarks.make_corpus import MB, ROOT


def _git(checkout: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=checkout, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def run_once(checkout: Path, corpus: Path, out: Path) -> dict[str, float]:
    """One ``clean`` of the corpus with ``checkout``'s code: wall and CPU seconds of the process."""
    shutil.rmtree(out, ignore_errors=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(checkout / "src"),
        "MTREPAIR_GLOSSARY_DIR": str(checkout / "glossaries"),
    }
    code = "import sys; from mtrepair.cli import main; sys.argv[0] = 'mtrepair'; main()"
    command = [sys.executable, "-c", code, "clean", f"{corpus}/", "--format", "jsonl", "-o", f"{out}/"]
    started = time.perf_counter()
    before = os.times()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    after = os.times()
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 6):
        raise RuntimeError(f"clean failed with {checkout}: {done.stderr.decode(errors='replace')[-500:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--before", type=Path, required=True, help="checkout of the old commit (git worktree)"
    )
    parser.add_argument(
        "--after", type=Path, default=ROOT, help="checkout of the new code (default: this one)"
    )
    parser.add_argument(
        "--size-mb", type=float, default=20.0, help="MB of text of the scale corpus (default 20)"
    )
    parser.add_argument("--shard-mb", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS_DIR)
    parser.add_argument(
        "-o", "--output", type=Path, default=ROOT / "benchmarks" / "results" / "before_after.json"
    )
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    info = build_shards(args.corpus_dir, size_mb=args.size_mb, shard_mb=args.shard_mb, seed=0)
    text_bytes = info["text_bytes"]
    sides: dict[str, Any] = {
        "before": {"checkout": str(args.before), "commit": _git(args.before, "rev-parse", "--short", "HEAD")},
        "after": {"checkout": str(args.after), "commit": _git(args.after, "rev-parse", "--short", "HEAD")},
    }
    if _git(args.after, "status", "--porcelain", "--", "src"):
        sides["after"]["commit"] += " + uncommitted changes"
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    load_start = _load_average()
    with tempfile.TemporaryDirectory(prefix="mtrepair-before-after-") as tmp:
        for r in range(args.rounds):
            for side in ("before", "after"):
                run = run_once(Path(sides[side]["checkout"]), args.corpus_dir, Path(tmp) / side)
                run["mb_per_s"] = round(text_bytes / MB / run["seconds"], 3)
                runs[side].append(run)
                print(f"round {r + 1} {side}: {run['mb_per_s']} MB/s ({run['seconds']} s)", file=sys.stderr)
    for side in ("before", "after"):
        sides[side]["runs"] = runs[side]
        sides[side]["median_mb_per_s"] = statistics.median(x["mb_per_s"] for x in runs[side])
    paired = [a["mb_per_s"] / b["mb_per_s"] for a, b in zip(runs["after"], runs["before"], strict=True)]
    result = {
        "corpus": {
            "size_mb": round(text_bytes / MB, 2),
            "documents": info["documents"],
            "path": str(args.corpus_dir),
        },
        "machine": machine_info(),
        "load_start": load_start,
        "load_end": _load_average(),
        "rounds": args.rounds,
        "sides": sides,
        "paired_ratios": [round(x, 3) for x in paired],
        "median_ratio_after_over_before": round(statistics.median(paired), 3),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    b, a = sides["before"], sides["after"]
    print(
        f"| before `{b['commit']}` | after `{a['commit']}` | after/before (median of paired rounds) |\n"
        f"|---|---|---|\n"
        f"| {b['median_mb_per_s']:.3f} MB/s | {a['median_mb_per_s']:.3f} MB/s | "
        f"{result['median_ratio_after_over_before']:.3f} ({', '.join(f'{x:.3f}' for x in paired)}) |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
