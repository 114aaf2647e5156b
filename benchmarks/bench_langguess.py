"""Speed and accuracy of the per-document language guess (``langdata.guess_language``).

``clean`` guesses the language of every document at least twice (once per round,
and the confirming round), so the guess must stay a small fraction of a clean.
This times it on the seeds and on the MLQE-PE sentences (BRIEF §5; read from
``../shared/data/mlqe-pe`` and never committed), grouped into documents of 15
lines, and prints what it guessed for each group of documents.

    .venv/bin/python benchmarks/bench_langguess.py [--repeat 20] [--mlqe DIR]

The MLQE-PE text is Moses-tokenized (``word ,``): close enough to scraped text
for a stopword count. Sources we ship no data for (ro, et, ne, si) should come
out as the generic ``und``; the English MT output and the seeds as ``en``; the
German MT output as ``de``; the Russian source as ``ru``.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from mtrepair import langdata

ROOT = Path(__file__).resolve().parents[1]
MLQE = ROOT.parent / "shared" / "data" / "mlqe-pe"
DOC_LINES = 15

# (folder, file, language of the file)
FILES = (
    ("ro-en-dev", "dev.src", "ro"),
    ("ro-en-dev", "dev.mt", "en"),
    ("ru-en-dev", "dev.src", "ru"),
    ("ru-en-dev", "dev.mt", "en"),
    ("et-en-dev", "dev.src", "et"),
    ("ne-en-dev", "dev.src", "ne"),
    ("si-en-dev", "dev.src", "si"),
    ("en-de-dev", "dev.src", "en"),
    ("en-de-dev", "dev.mt", "de"),
)


def documents(mlqe: Path) -> list[tuple[str, str]]:
    """(true language, text) of every benchmark document."""
    docs = [("en", p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for folder, name, lang in FILES:
        path = mlqe / folder / name
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for i in range(0, len(lines), DOC_LINES):
            docs.append((lang, "\n".join(lines[i : i + DOC_LINES])))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--mlqe", type=Path, default=MLQE)
    args = parser.parse_args()
    docs = documents(args.mlqe)
    texts = [t for _, t in docs]
    for t in texts[:50]:  # warm-up: loads the data once
        langdata.guess_language(t)
    best = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        for t in texts:
            langdata.guess_language(t)
        best = min(best, time.perf_counter() - start)
    size = sum(len(t[:4000].encode("utf-8")) for t in texts)
    print(
        f"{len(texts)} documents, best of {args.repeat}: {best * 1e6 / len(texts):.1f} µs per document, "
        f"{size / best / 1e6:.1f} MB/s of sampled text"
    )
    table: dict[str, Counter[str]] = {}
    for lang, text in docs:
        table.setdefault(lang, Counter())[langdata.guess_language(text)] += 1
    for lang, guesses in table.items():
        print(f"  {lang}: {dict(guesses.most_common())}")


if __name__ == "__main__":
    main()
