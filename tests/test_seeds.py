"""The issue's acceptance checks on the seed articles, stated as behaviour."""

from __future__ import annotations

import re

from mtrepair import clean_text, undo
from tests.conftest import SEED_IDS, seed_text


def lines_of(text: str) -> set[str]:
    return {ln.strip() for ln in text.splitlines()}


def test_seed_002_structure_is_repaired() -> None:
    out = clean_text(seed_text("002")).text
    assert "\n\n\n\n" not in out
    assert not re.search(r"U\.S\.\s*\n\s*[a-z]", out)
    assert "Air Force base, injuring two members of the American service." in out
    assert "Colonel Colonel" not in out and "Army Colonel spokesman Wayne Marotto said." in out
    kept = lines_of(out)
    assert "Smoke is seen in Baghdad, Anbar Province, Iraq, on July 7, 2021, after rocket attacks." in kept
    assert "By Ahmed Rasheed and Suleiman Al-Khalidi" in kept
    assert "2021/07/08 | 05:32 - Source: Iraq News" in kept
    assert "CLIMBING" in kept
    assert out.count("“") == out.count("”")


def test_seed_001_headings_stay_on_their_own_lines() -> None:
    kept = lines_of(clean_text(seed_text("001")).text)
    for heading in ("Why now?", "Syria", "Al Assad Air Base", "US Embassy", "A co-ordinated escalation"):
        assert heading in kept


def test_seed_003_comment_form_is_removed_and_logged() -> None:
    result = clean_text(seed_text("003"))
    assert "Please enter your" not in result.text
    removed = "".join(e.original for e in result.edits if e.rule == "boilerplate")
    assert "Please enter your comment!" in removed and "Please enter your name here" in removed


def test_seed_000_and_004_keep_their_prose() -> None:
    for seed in ("000", "004"):
        result = clean_text(seed_text(seed))
        assert {e.rule for e in result.edits} <= {"metadata", "boilerplate", "stray_whitespace"}


def test_every_seed_undoes_and_is_idempotent() -> None:
    for seed in SEED_IDS:
        text = seed_text(seed[:3])
        result = clean_text(text)
        assert undo(result.text, result.steps) == text
        again = clean_text(result.text)
        assert again.text == result.text and not again.edits
