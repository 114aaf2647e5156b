"""Where ``clean_text`` spends its time, on a slice of the benchmark corpus.

Two views. First, each rule's share of the wall time, measured without a
profiler by timing every call of its detector (the document structure a rule is
the first to ask for, such as paragraphs or sentences, counts towards that rule;
"pipeline" is the rest: building documents, guessing the language, applying
edits). Second, cProfile's functions with the most own time; cProfile adds a
fixed cost per Python call, so it overstates code made of many tiny calls
(generator expressions), and the first view is the one to trust for shares.

    .venv/bin/python benchmarks/profile_clean.py --size-mb 2
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ftfy

import mtrepair
from benchmarks.make_corpus import MB, load_seeds, write_corpus
from mtrepair.config import Config
from mtrepair.glossary import default_paths
from mtrepair.model import Finding
from mtrepair.registry import RULES, Detector
from mtrepair.rules import PIPELINE
from mtrepair.segment import Document


def _warm_up() -> None:
    for text in load_seeds():  # lazy loads (language data, wordfreq, langdetect) stay out
        mtrepair.clean_text(text)


def _instrumented(
    texts: Sequence[str],
    config: Config,
    observe: Callable[[str, float], None],
    new_document: Callable[[], None],
) -> float:
    """Wall seconds of ``clean_text`` over ``texts``, telling ``observe`` each rule call's seconds."""

    def timed(name: str, detect: Detector) -> Detector:
        def run(doc: Document, cfg: Config) -> Iterable[Finding]:
            start = time.perf_counter()
            found = list(detect(doc, cfg))
            observe(name, time.perf_counter() - start)
            return found

        return run

    originals = dict(RULES)
    _warm_up()
    try:
        for name, r in originals.items():
            RULES[name] = dataclasses.replace(r, detect=timed(name, r.detect))
        start = time.perf_counter()
        for text in texts:
            new_document()
            mtrepair.clean_text(text, config)
        return time.perf_counter() - start
    finally:
        RULES.update(originals)


def time_rules(texts: Sequence[str]) -> tuple[float, dict[str, float]]:
    """Wall seconds of ``clean_text`` over ``texts`` and of each rule's detector within it."""
    spent: dict[str, float] = defaultdict(float)

    def observe(name: str, seconds: float) -> None:
        spent[name] += seconds

    total = _instrumented(texts, Config(), observe, lambda: None)
    return total, dict(spent)


def time_rounds(texts: Sequence[str], config: Config) -> tuple[float, dict[int, float]]:
    """Wall seconds of ``clean_text`` over ``texts`` and of all rule calls in each round.

    A round starts when the first rule of the pipeline is called. Round 1 is the
    work no implementation of the rules can skip; later rounds confirm the fixed
    point; the rest of the total is the pipeline (documents, language, edits).
    """
    first = next(name for name in PIPELINE if name not in config.disabled)
    by_round: dict[int, float] = defaultdict(float)
    current = [0]

    def observe(name: str, seconds: float) -> None:
        if name == first:
            current[0] += 1
        by_round[current[0]] += seconds

    def new_document() -> None:
        current[0] = 0

    total = _instrumented(texts, config, observe, new_document)
    return total, dict(by_round)


def time_ftfy(texts: Sequence[str]) -> float:
    """Wall seconds of ``ftfy.fix_text`` (defaults) over ``texts``, after one warm-up call."""
    ftfy.fix_text(texts[0])
    start = time.perf_counter()
    for text in texts:
        ftfy.fix_text(text)
    return time.perf_counter() - start


def profile(texts: Sequence[str]) -> pstats.Stats:
    _warm_up()
    profiler = cProfile.Profile()
    profiler.enable()
    for text in texts:
        mtrepair.clean_text(text)
    profiler.disable()
    return pstats.Stats(profiler)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=float, default=2.0, help="MB of corpus text to profile")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top", type=int, default=25, help="how many functions to list")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write_corpus(corpus, size_mb=args.size_mb, seed=args.seed)
        texts = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    total, spent = time_rules(texts)
    print(f"{len(texts)} documents, {nbytes / MB:.2f} MB, {total:.2f} s, {nbytes / MB / total:.3f} MB/s\n")
    print("rule                 seconds  share")
    for name, seconds in [
        *sorted(spent.items(), key=lambda kv: -kv[1]),
        ("pipeline", total - sum(spent.values())),
    ]:
        print(f"{name:<20} {seconds:7.2f}  {seconds / total:5.1%}")
    # The CLI's configuration (shipped glossary), split by round, next to ftfy.
    config = Config().with_glossary(default_paths())
    total, by_round = time_rounds(texts, config)
    ftfy_s = time_ftfy(texts)
    mb = nbytes / MB
    first_round = by_round.get(1, 0.0)
    later = sum(v for k, v in by_round.items() if k > 1)
    print(f"\nwith the shipped glossary: {total:.2f} s, {mb / total:.3f} MB/s")
    print(f"  round 1, rules only      {first_round:7.2f} s  {mb / first_round:.3f} MB/s")
    print(f"  confirming rounds        {later:7.2f} s")
    print(f"  pipeline                 {total - first_round - later:7.2f} s")
    print(f"  ftfy.fix_text (defaults) {ftfy_s:7.2f} s  {mb / ftfy_s:.3f} MB/s")
    stats = profile(texts)
    print(f"\ncProfile: {stats.total_tt:.2f} s under the profiler")  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
