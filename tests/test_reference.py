"""Reference-guided repair: mismatches per aligned bead, adoption policy, undo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mtrepair import clean_text
from mtrepair.align.reference import Policy, apply_reference, compare, numbers
from mtrepair.cli import app
from mtrepair.config import Config
from mtrepair.errors import ConfigError
from tests.conftest import seed_path


def test_numbers_compare_words_and_digits() -> None:
    assert numbers("three rockets and 14 drones") == numbers("14 drones and 3 rockets")
    (found,) = compare("at least 14 rockets hit", "three rockets hit")
    assert found.startswith("substitution (number)") and "'at least 14'" in found and "'three'" in found


def test_names_negation_and_swapped_roles() -> None:
    found = compare("Wayne Marotto said the base was hit.", "Wayne Marotto said the base was not hit.")
    assert found == ["omission (negation): the reference has 'not' with no counterpart"]
    assert compare("they don’t want it", "they do not want it") == []
    found = compare("He met Hamdi Malik in Baghdad.", "He met Hamdi Malik in Erbil.")
    assert any("Erbil" in p for p in found) and any("Baghdad" in p for p in found)
    swapped = compare(
        "Iraqi and Syrian U.S. diplomats and troops have fired three rockets at Iran-backed militias",
        "Iran-backed militias have fired three rockets at U.S. diplomats and troops in Iraq and Syria",
    )
    assert any("swapped" in p for p in swapped)
    assert compare("The rockets landed at the base.", "The rockets landed at the base.") == []


def test_policy_parsing() -> None:
    assert Policy.parse("below:0.5").below == 0.5
    assert Policy.parse("mismatch").on_mismatch
    assert Policy.parse(None) == Policy()
    for bad in ("below:2", "below:x", "always"):
        with pytest.raises(ConfigError):
            Policy.parse(bad)


def test_clean_with_reference_reports_mismatches_and_undoes(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "edits.json"
    res = runner.invoke(
        app, ["clean", str(seed_path("002")), "--reference", str(seed_path("001")), "--report", str(report)]
    )
    assert res.exit_code == 0, res.output
    (doc,) = json.loads(report.read_text())["documents"]
    beads = doc["reference"]["beads"]
    assert any(b["garbled"] and b["clean"] for b in beads)
    ref_flags = [f for f in doc["flags"] if f["rule"] == "reference"]
    assert any(f["message"].startswith(("substitution", "omission", "insertion")) for f in ref_flags)
    assert any(f["message"].startswith("inserted") for f in ref_flags)
    fixed = tmp_path / "fixed.txt"
    fixed.write_bytes(res.stdout_bytes)
    undone = runner.invoke(app, ["undo", "--report", str(report), str(fixed)])
    assert undone.stdout_bytes == seed_path("002").read_bytes()


FAITHFUL_002 = Path(__file__).parent.parent / "benchmarks" / "reference" / "002.clean.txt"


def _adopt(runner: CliRunner, tmp_path: Path, reference: Path, *extra: str) -> tuple[str, dict[str, Any]]:
    report = tmp_path / "edits.json"
    res = runner.invoke(
        app,
        ["clean", str(seed_path("002")), "--reference", str(reference), "--report", str(report), *extra],
    )
    assert res.exit_code == 0, res.output
    (doc,) = json.loads(report.read_text())["documents"]
    return res.stdout, doc


def test_adopt_replaces_weak_beads_with_the_reference(runner: CliRunner, tmp_path: Path) -> None:
    out, doc = _adopt(runner, tmp_path, FAITHFUL_002, "--adopt", "below:0.99")
    adopted = [e for e in doc["edits"] if e["rule"] == "reference"]
    assert adopted and all(e["ref"].startswith("clean:") and "bead score" in e["message"] for e in adopted)
    for e in adopted:
        assert e["replacement"] in out
    assert "sirens blared" in out  # the garbled "sirens shouted" sentence was replaced


def test_an_unrelated_reference_is_flagged_and_never_adopted_unless_forced(
    runner: CliRunner, tmp_path: Path
) -> None:
    _, doc = _adopt(runner, tmp_path, seed_path("001"), "--adopt", "below:0.99")
    assert not [e for e in doc["edits"] if e["rule"] == "reference"]
    (first,) = [f for f in doc["flags"] if "related article" in f["message"]]
    assert "nothing adopted (--force-adopt" in first["message"]
    # Forced, adoption is allowed again (still only in beads whose pairing is certain).
    _, doc = _adopt(runner, tmp_path, seed_path("001"), "--adopt", "below:0.99", "--force-adopt")
    (first,) = [f for f in doc["flags"] if "related article" in f["message"]]
    assert "nothing adopted" not in first["message"]
    # A faithful copy is no related article.
    _, doc = _adopt(runner, tmp_path, FAITHFUL_002)
    assert not [f for f in doc["flags"] if "related article" in f["message"]]
    res = runner.invoke(
        app, ["clean", str(seed_path("002")), "--reference", str(FAITHFUL_002), "--force-adopt"]
    )
    assert res.exit_code == 5 and "--force-adopt" in res.stderr


def test_adoption_never_swaps_a_sentence_for_a_structure_line(tmp_path: Path) -> None:
    garbled = (
        "Smoke rises over the base after the attack.\n\n"
        "The base was hit by rockets on Monday. Nobody was hurt in the strike, officials said.\n"
    )
    clean = (
        "By John Smith\n\n"
        "The base was hit by three rockets on Monday. Nobody was hurt in the attack, officials said.\n"
    )
    result = clean_text(garbled, Config(lang="en"))
    fixed, beads = apply_reference(result, clean, Config(lang="en"), policy=Policy(below=1.0, force=True))
    assert "By John Smith" not in fixed.text
    assert fixed.text.startswith("Smoke rises over the base")
    assert beads


def test_reference_options_are_validated(runner: CliRunner) -> None:
    res = runner.invoke(app, ["clean", str(seed_path("002")), "--adopt", "mismatch"])
    assert res.exit_code == 5 and "--reference" in res.stderr
    res = runner.invoke(app, ["clean", str(seed_path("002")), "--reference", "missing.txt"])
    assert res.exit_code == 2 and "missing.txt" in res.stderr
