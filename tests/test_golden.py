"""Golden outputs for the five seed articles, with every edit justified.

A change in behaviour on the seeds shows up here as a diff to review; run
``python -m tests.regen_golden`` and justify each new edit in its ``why``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEED_IDS, seed_text
from tests.regen_golden import GOLDEN, edit_rows, key


@pytest.mark.parametrize("seed", SEED_IDS)
def test_seed_output_matches_golden(seed: str) -> None:
    text, rows = edit_rows(seed_text(seed[:3]))
    assert text == (GOLDEN / f"{seed}.clean.txt").read_text(encoding="utf-8")
    golden = json.loads((GOLDEN / f"{seed}.edits.json").read_text(encoding="utf-8"))
    assert [key(r) for r in rows] == [key(r) for r in golden]


@pytest.mark.parametrize("seed", SEED_IDS)
def test_every_golden_edit_is_justified(seed: str) -> None:
    golden = json.loads((GOLDEN / f"{seed}.edits.json").read_text(encoding="utf-8"))
    for row in golden:
        assert len(row["why"].split()) >= 3, f"unjustified edit in {seed}: {row}"


def test_golden_files_cover_every_seed() -> None:
    names = {p.name for p in Path(GOLDEN).iterdir()}
    for seed in SEED_IDS:
        assert {f"{seed}.clean.txt", f"{seed}.edits.json"} <= names
