"""Regenerate the seed golden files after a deliberate behaviour change.

    .venv/bin/python -m tests.regen_golden

Writes ``tests/golden/<seed>.clean.txt`` and ``<seed>.edits.json``. Every edit in
an ``edits.json`` carries a ``why``: a human justification. Justifications of
edits that are still produced are kept; new edits get an empty ``why``, which
makes ``tests/test_golden.py`` fail until someone has read the edit in its
context and written down why it is right.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mtrepair import Config, clean_text
from mtrepair.glossary import default_paths
from mtrepair.pipeline import locate
from mtrepair.segment import Document

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent / "seeds"
GOLDEN = HERE / "golden"


def edit_rows(text: str) -> tuple[str, list[dict[str, Any]]]:
    """``mtrepair clean``'s output (shipped glossary on) and its edits and flags, located in ``text``."""
    result = clean_text(text, Config().with_glossary(default_paths()))
    doc = Document(text, "en")
    rows: list[dict[str, Any]] = []
    for step, at in zip(result.steps, locate(result.steps), strict=True):
        for e, a in (*zip(step.edits, at.edits, strict=True), *zip(step.flags, at.flags, strict=True)):
            rows.append(
                {
                    "rule": e.rule,
                    "line": doc.line_of(a.start),
                    "original": e.original,
                    "replacement": e.replacement,
                    "context": text[max(0, a.start - 40) : a.end + 40],
                }
            )
    return result.text, rows


def key(row: dict[str, Any]) -> tuple[Any, ...]:
    return row["rule"], row["line"], row["original"], row["replacement"]


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        text, rows = edit_rows(seed.read_text(encoding="utf-8"))
        edits_path = GOLDEN / f"{seed.stem}.edits.json"
        old = json.loads(edits_path.read_text(encoding="utf-8")) if edits_path.exists() else []
        whys = {key(r): r.get("why", "") for r in old}
        for r in rows:
            r["why"] = whys.get(key(r), "")
        (GOLDEN / f"{seed.stem}.clean.txt").write_text(text, encoding="utf-8", newline="")
        edits_path.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        missing = sum(1 for r in rows if not r["why"])
        print(f"{seed.stem}: {len(rows)} edits/flags, {missing} without a justification")


if __name__ == "__main__":
    main()
