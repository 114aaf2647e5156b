"""Seed 002 against a faithful clean version: are the ten meaning errors found, and nothing else?

``benchmarks/reference/002.clean.txt`` is the project's own faithful English
account of the report seed 002 garbles (written from the facts of the story, not
copied). ``clean --reference`` must report each of the ten meaning errors issue 17
lists at the right garbled words, and raise no flag over a spelling variant of a
name or a structure line (caption, byline, dateline, heading).

    .venv/bin/python benchmarks/bench_reference.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "benchmarks" / "reference" / "002.clean.txt"
SEED = next((ROOT / "seeds").glob("002_*.txt"), ROOT / "seeds" / "002.txt")

# (garbled words a flag must cover or touch, words its message must quote from the reference)
TEN_ERRORS: list[tuple[str, str]] = [
    ("have fired", "were targeted"),  # the lead's agent/patient swap
    ("Air Force base", "Iraqi"),  # an Iraqi air base, not a U.S. Air Force base
    ("workers", "coalition"),  # the two injured were coalition members
    ("took the blow", "concussion"),
    ("has deflected", "intercepted"),  # C-RAM intercepted the rocket
    ("shouted", "blared"),
    ("were wounded", "escaped injury"),  # a lost negation: they escaped injury
    ("was done to", "caused no damage"),  # the drone attacks caused no damage
    ("attacks on the Iraqi-Syrian border", "four"),  # the four militia members killed
    ("Iraqi-backed", "Iran"),  # Iran-backed militias, not Iraqi-backed
]
# Spellings of one name that differ between the two texts: never a flag of their own.
NAME_VARIANTS = [
    "Iran-backed militias",
    "Baghdad Green Zone",
    "UN Security Council",
    "Ain al-Asad",
    "Marotto",
]
# Structure lines of the garbled copy: never an inserted sentence.
STRUCTURE_LINES = ["Smoke is seen in Baghdad", "By Ahmed Rasheed", "2021/07/08", "CLIMBING"]
# A flag this long covers a whole sentence (inserted, swapped roles), not a name.
_SENTENCE_FLAG = 60


def covering(text: str, flags: list[dict[str, Any]], words: str) -> list[dict[str, Any]]:
    """Flags whose span overlaps or touches any occurrence of ``words`` in ``text``."""
    found = []
    at = text.find(words)
    while at >= 0:
        end = at + len(words)
        found += [f for f in flags if int(f["start"]) <= end and at <= int(f["end"])]
        at = text.find(words, at + 1)
    return found


def evaluate(text: str, flags: list[dict[str, Any]]) -> dict[str, Any]:
    """Which errors are found, which variants and structure lines raised a flag (reference flags)."""
    found = [g for g, c in TEN_ERRORS if any(c in str(f["message"]) for f in covering(text, flags, g))]
    variant_alarms = [
        w
        for w in NAME_VARIANTS
        if any(int(f["end"]) - int(f["start"]) < _SENTENCE_FLAG for f in _overlapping(text, flags, w))
    ]
    structure_alarms = [w for w in STRUCTURE_LINES if _overlapping(text, flags, w)]
    return {
        "errors": len(TEN_ERRORS),
        "found": len(found),
        "missed": [g for g, _ in TEN_ERRORS if g not in found],
        "false_alarms_on_name_variants": variant_alarms,
        "false_alarms_on_structure_lines": structure_alarms,
        "flags": len(flags),
    }


def _overlapping(text: str, flags: list[dict[str, Any]], words: str) -> list[dict[str, Any]]:
    at = text.find(words)
    if at < 0:
        return []
    return [f for f in flags if int(f["start"]) < at + len(words) and at < int(f["end"])]


def run() -> dict[str, Any]:
    """Clean seed 002 with the reference, as ``mtrepair clean --reference`` does, and evaluate."""
    from mtrepair import clean_text
    from mtrepair.align.reference import apply_reference
    from mtrepair.config import Config
    from mtrepair.glossary import default_paths
    from mtrepair.report import document_entry

    text = SEED.read_text(encoding="utf-8")
    config = Config().with_glossary(default_paths())  # as the command runs, shipped glossary on
    result, _ = apply_reference(clean_text(text, config), REFERENCE.read_text(encoding="utf-8"), config)
    # The report locates every flag in the input as the user gave it.
    flags = [f for f in document_entry("002", str(SEED), result)["flags"] if f["rule"] == "reference"]
    return evaluate(text, flags)


def main() -> int:
    result = run()
    print(json.dumps(result, indent=2))
    return 0 if result["found"] == result["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
