"""Replay every input the fuzzer ever found (``tests/fuzz_regressions/TARGET.json``).

``make fuzz`` appends a failing input to its target's file with ``"status":
"open"``; it fails here until the library is fixed, then the case stays as a
regression test (``"status": "fixed"`` and a note of the fix). Each case runs
the same check the fuzzer ran (:mod:`fuzz.targets`), so it takes milliseconds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fuzz.targets import TARGETS

CASES_DIR = Path(__file__).resolve().parent / "fuzz_regressions"


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES_DIR.glob("*.json")):
        target = path.stem
        for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            out.append(pytest.param(target, case, id=f"{target}-{i}"))
    return out


def test_regression_files_name_known_targets() -> None:
    for path in CASES_DIR.glob("*.json"):
        assert path.stem in TARGETS, f"{path.name}: no fuzz target {path.stem!r}"
        for case in json.loads(path.read_text(encoding="utf-8")):
            assert {"input", "error", "found", "status", "fix"} <= case.keys(), case
            assert case["status"] in ("open", "fixed"), case
            assert case["status"] == "open" or case["fix"], f"{path.name}: a fixed case says how: {case}"


@pytest.mark.parametrize(("target", "case"), _cases())
def test_fuzz_regression(target: str, case: dict[str, Any]) -> None:
    t = TARGETS[target]
    t.check(t.from_json(case["input"]))
