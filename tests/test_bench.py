"""`mtrepair bench` on a tiny configuration, and the garble set it scores detection on.

The suite's own figures are minutes of work; these tests run the smallest
configuration end to end (so the suite cannot rot) and check that every gold
span of the garble set points at the damage it claims, since per-rule precision
and recall are only as good as those spans. Seeds only: no MLQE-PE data needed.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from benchmarks import bench_detect
from benchmarks.bench_detect import Draft, Edit
from typer.testing import CliRunner

from mtrepair.bench import locate_benchmarks, parse_parts, worker
from mtrepair.cli import app
from mtrepair.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_quick_bench_writes_json_report_and_plots(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "results"
    readme = ROOT / "benchmarks" / "README.md"
    before = readme.read_bytes()

    result = runner.invoke(
        app,
        ["bench", "--quick", "--parts", "detect,repair", "--out", str(out), "--data", str(tmp_path / "none")],
    )

    assert result.exit_code == 0, result.output
    assert readme.read_bytes() == before  # a scratch run never rewrites the recorded section
    detect = json.loads((out / "suite_detect.json").read_text(encoding="utf-8"))
    repair = json.loads((out / "suite_repair.json").read_text(encoding="utf-8"))
    assert {"date", "machine", "load_start", "parts", "seed"} <= detect["run"].keys()
    d = detect["detect"]
    assert d["garble_set"]["mlqe_pe"] is None and set(d["garble_set"]["sources"]) <= {
        "seeds/000",
        "seeds/001",
        "seeds/003",
        "seeds/004",
    }
    expected_rules = set(bench_detect.KINDS.values()) | {"hyphenation"}
    assert expected_rules <= {r for r, row in d["per_rule"].items() if row["gold"]}
    for row in d["per_rule"].values():
        assert 0.0 <= row["precision"] <= 1.0 and 0.0 <= row["recall"] <= 1.0 and 0.0 <= row["f1"] <= 1.0
    assert 0 < d["macro"]["f1"] <= 1 and 0 < d["micro"]["f1"] <= 1
    assert d["negatives"]["documents"] > 0
    groups = repair["repair"]["groups"]
    assert {"all damaged", "negative", "mixed"} <= groups.keys()
    assert groups["all damaged"]["cer_after"] < groups["all damaged"]["cer_before"]
    assert "chrf" in repair["repair"]["signatures"] and "bleu" in repair["repair"]["signatures"]
    assert repair["repair"]["ablation"]["effects"]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## 1. Detection" in report and "## 2. Repair" in report and "| **macro**" in report
    assert "## 3. Alignment" not in report  # parts not asked for are not reported
    for name in ("suite_detect.png", "suite_repair.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"]({name})" in report
    assert str(out / "report.md") in result.stdout


def test_unknown_part_is_a_configuration_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "--parts", "detect,speling", "--out", str(tmp_path)])
    assert result.exit_code == 5
    assert "speling" in result.output
    assert parse_parts("repair,detect") == ("detect", "repair")
    assert parse_parts("all")[0] == "detect"


def test_missing_benchmarks_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pip install -e"):
        locate_benchmarks(tmp_path)
    assert locate_benchmarks() == (ROOT / "benchmarks").resolve()


def test_draft_keeps_gold_spans_on_the_damage_through_later_edits() -> None:
    draft = Draft("One two three.\nFour five.")
    draft.apply([Edit(3, 3, " one", "doubled_word", "doubled_word")])
    draft.apply([Edit(0, 0, " date 2021-07-01 ", "metadata", "metadata")])
    draft.apply(
        [Edit(m.start(), m.end(), "\r\n", "line_endings", "crlf") for m in re.finditer("\n", draft.text)]
    )
    spans = {g.rule: draft.text[g.start : g.end] for g in draft.gold}
    assert spans == {"doubled_word": " one", "metadata": " date 2021-07-01 ", "line_endings": "\r\n"}
    with pytest.raises(ValueError, match="overlapping"):
        draft.apply([Edit(0, 4, "x"), Edit(2, 5, "y")])


def test_every_gold_span_of_the_garble_set_points_at_its_damage() -> None:
    samples = bench_detect.build_set(seed=3, per_kind=3, mixed=4, negatives=3, data=None)
    again = bench_detect.build_set(seed=3, per_kind=3, mixed=4, negatives=3, data=None)
    assert [s.damaged for s in samples] == [s.damaged for s in again]  # same seed, same set
    assert {s.group for s in samples} >= set(bench_detect.KINDS) | {"mixed", "negative"}
    foreign = {sentence for _, sentence in bench_detect.FOREIGN_FIXED}
    variants = {v for _, forms in bench_detect.make_context(None, random.Random(0)).terms for v in forms}
    checks = {
        "crlf": lambda t: t == "\r\n",
        "metadata": lambda t: re.fullmatch(r" date 2021-07-\d\d ", t),
        "doubled_word": lambda t: re.fullmatch(r" [A-Za-z]{3,}", t),
        "sentence_joint": lambda t: t == "\n\n\n\n",
        "sentence_joint_plain": lambda t: t == "\n\n\n\n",
        "abbreviation_break": lambda t: t in ("\n\n", "\n\n\n\n"),
        "orphan_fragment": lambda t: t in (".\n\n", ".\n\n\n\n"),
        "quote_split": lambda t: t == "\n\n",
        "blank_lines": lambda t: t == "\n\n\n",
        "trailing_space": lambda t: t in ("  ", " ", "\t"),
        "stray_quote": lambda t: t in (" “", " “."),
        "boilerplate_seen": lambda t: t in bench_detect.BOILERPLATE_POOL,
        "boilerplate_unseen": lambda t: t in bench_detect.BOILERPLATE_POOL,
        "language_mix": lambda t: t in foreign,
        "mojibake": lambda t: t and not t.isascii(),
        "hard_wrap": lambda t: t in ("\n", "-\n"),
        "term_variant": lambda t: t in variants,
        "dropped_closing_quote": lambda t: "\n\n" not in t and len(t) > 20,
    }
    for s in samples:
        if s.group == "negative":
            assert s.damaged == s.clean and not s.gold
            continue
        assert s.gold and s.damaged != s.clean
        for g in s.gold:
            text = s.damaged[g.start : g.end]
            if s.group == g.kind:  # one-kind documents: nothing else moved the span
                assert checks[g.kind](text), (s.id, g, text)


def test_boilerplate_kinds_follow_the_shipped_patterns() -> None:
    ctx = bench_detect.make_context(None, random.Random(0))
    assert "Powered by automated translation" in ctx.boilerplate["boilerplate_seen"]
    assert "Comments are closed." in ctx.boilerplate["boilerplate_unseen"]
    # Context-gated variants ("Assad" alone is the president) are never injected.
    asad = dict(ctx.terms)["Ain al-Asad"]
    assert "Assad" not in asad and "Ain al-Assad" in asad


def test_detokenize_undoes_moses_tokens() -> None:
    line = 'On 17 June , Pétain declared it " With a heavy heart , I say " . He hadn \'t ( yet ) left .'
    assert bench_detect.detokenize(line) == (
        'On 17 June, Pétain declared it "With a heavy heart, I say". He hadn\'t (yet) left.'
    )


def test_speed_worker_measures_one_operation(tmp_path: Path) -> None:
    text = tmp_path / "text.txt"
    text.write_text("Rockets hit Ain al-Assad and Arbil airport. " * 200, encoding="utf-8")
    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps(
            {
                "benchmarks": str(ROOT / "benchmarks"),
                "text": str(text),
                "glossary": str(ROOT / "glossaries" / "military-iraq-syria.toml"),
                "variants": 200,
                "repeats": 1,
            }
        ),
        encoding="utf-8",
    )
    for op in ("glossary", "glossary-naive"):
        r = worker(op, spec)
        assert r["bytes"] == len(text.read_bytes()) and r["mb_per_s"] > 0 and r["peak_rss_mb"] > 0
        assert r["variants"] >= 200


MLQE = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "mlqe-pe"


@pytest.mark.skipif(not (MLQE / "ro-en-dev").is_dir(), reason="MLQE-PE sample not in ../shared")
def test_the_qe_part_reports_the_shipped_learned_models(tmp_path: Path) -> None:
    from mtrepair.bench import _learned_qe

    pairs = ["ro-en", "et-en"]
    hter: dict[str, list[float]] = {}
    for pair in pairs:
        (tmp_path / f"{pair}-dev").mkdir()
        for ext in ("src", "mt", "hter"):
            lines = (MLQE / f"{pair}-dev" / f"dev.{ext}").read_text(encoding="utf-8").splitlines()[:40]
            (tmp_path / f"{pair}-dev" / f"dev.{ext}").write_text("\n".join(lines) + "\n", encoding="utf-8")
        hter[pair] = [float(x) for x in lines]
    got = _learned_qe(tmp_path, pairs, hter)
    for mode in ("no_source", "with_source"):
        assert set(got[mode]) == set(pairs)
        assert all(-1.0 <= r <= 1.0 for r in got[mode].values())
    assert got["with_source_mean_pearson"] > 0.2  # ro-en and et-en are the easier pairs
