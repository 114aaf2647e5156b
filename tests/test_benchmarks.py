"""The throughput benchmark and its corpus builder, on a tiny corpus (behaviour, not timings)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from benchmarks import bench_clean, make_corpus, profile_clean

from mtrepair.config import Config
from mtrepair.registry import RULES
from mtrepair.rules import PIPELINE


def test_bench_main_writes_results_with_positive_figures(tmp_path: Path) -> None:
    out = tmp_path / "results" / "clean_throughput.json"
    readme = tmp_path / "README.md"
    readme.write_text(f"# B\n\n{bench_clean.README_START}\nold\n{bench_clean.README_END}\ntail\n")

    code = bench_clean.main(
        [
            "--size-mb",
            "0.1",
            "--corpus-dir",
            str(tmp_path / "corpus"),
            "-o",
            str(out),
            "--readme",
            str(readme),
        ]
    )

    assert code == 0
    r = json.loads(out.read_text(encoding="utf-8"))
    assert {
        "date",
        "machine",
        "corpus",
        "warmup",
        "mtrepair_clean_text",
        "ftfy_fix_text",
        "ratio_mtrepair_to_ftfy",
        "peak_rss",
        "cli",
    } <= r.keys()
    assert {"nproc", "cpu_model", "python", "ftfy_version", "git_commit"} <= r["machine"].keys()
    assert r["machine"]["nproc"] >= 1 and r["machine"]["cpu_model"]
    assert r["corpus"]["text_bytes"] >= 100_000 and r["corpus"]["documents"] > 1
    for timed in ("mtrepair_clean_text", "ftfy_fix_text", "cli"):
        assert r[timed]["seconds"] > 0 and r[timed]["mb_per_s"] > 0 and r[timed]["docs_per_s"] > 0
    assert r["mtrepair_clean_text"]["edits"] > 0 and r["mtrepair_clean_text"]["changed_docs"] > 0
    for timed in ("mtrepair_clean_text", "ftfy_fix_text"):
        assert r[timed]["cpu_seconds"] > 0 and r[timed]["cpu_mb_per_s"] > 0
    assert r["ratio_mtrepair_to_ftfy"] > 0 and r["ratio_mtrepair_to_ftfy_cpu"] > 0
    assert r["peak_rss"]["after_clean_text_mb"] >= r["peak_rss"]["after_loading_corpus_mb"] > 0
    assert "getrusage" in r["peak_rss"]["method"]
    assert r["cli"]["exit_code"] == 0 and r["cli"]["output_bytes"] > 0 and r["cli"]["report_bytes"] > 0
    # The CLI cleaned every document of the corpus.
    assert f"{r['corpus']['documents']} documents" in r["cli"]["summary"]
    # The README block is replaced by the table of this run; text around it is kept.
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text and text.startswith("# B\n") and text.endswith("tail\n")
    assert f"{r['ratio_mtrepair_to_ftfy']:.2f}" in text and r["date"] in text


def test_bench_without_cli(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert (
        bench_clean.main(["--size-mb", "0.05", "--corpus-dir", str(tmp_path), "-o", str(out), "--no-cli"])
        == 0
    )
    assert json.loads(out.read_text(encoding="utf-8"))["cli"] is None


def test_readme_without_markers_is_refused(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n")
    with pytest.raises(ValueError, match="bench:start"):
        bench_clean.update_readme(readme, "table")
    assert readme.read_text() == "# no markers\n"


def test_corpus_is_deterministic_and_sized(tmp_path: Path) -> None:
    a = make_corpus.write_corpus(tmp_path / "a.jsonl", size_mb=0.2, seed=7)
    b = make_corpus.write_corpus(tmp_path / "b.jsonl", size_mb=0.2, seed=7)
    c = make_corpus.write_corpus(tmp_path / "c.jsonl", size_mb=0.2, seed=8)
    assert a.sha256 == b.sha256 and (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert c.sha256 != a.sha256
    assert 200_000 <= a.text_bytes < 200_000 + 40_000  # stops at the first document past the size
    records = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == a.documents
    assert all(set(r) == {"id", "text"} for r in records)
    assert len({r["id"] for r in records}) == len(records)


def test_corpus_mixes_every_damage_kind_and_untouched_documents(tmp_path: Path) -> None:
    info = make_corpus.write_corpus(tmp_path / "c.jsonl", size_mb=1.0, seed=0)
    assert set(info.damage) == {*make_corpus.DAMAGE_KINDS, make_corpus.UNTOUCHED, make_corpus.CLEAN_MIX}
    texts = [
        json.loads(line)["text"] for line in (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    seeds = set(make_corpus.load_seeds())
    assert sum(t in seeds for t in texts) >= info.damage[make_corpus.UNTOUCHED]
    joined = "\n".join(texts)
    for evidence in ("U.S.\n\n\n\n", ".\n\n, ", " “.", "â€", "\r\n", "Please enter your comment!"):
        assert evidence in joined, evidence


def test_damage_functions_on_seed_like_text() -> None:
    rng = random.Random(0)
    p = "Officials said on Wednesday, including at least 14 rockets targeting a U.S. air base."
    assert make_corpus.stray_quote(p, rng) == p[:-1] + " “."
    assert make_corpus.stray_quote(p[:-1] + " “.", rng) is None
    assert make_corpus.mojibake("it’s", rng) in ("itâ€™s", "itâ\x80\x99s")
    assert make_corpus.mojibake("plain ascii", rng) is None
    assert make_corpus.orphan_fragment(p, rng) is not None
    wrapped = make_corpus.hard_wrap(p * 4, 70, rng)
    assert all(len(line) <= 70 for line in wrapped.split("\n"))
    assert "\n" in wrapped
    assert wrapped.replace("-\n", "").replace("\n", " ") == p * 4  # p has no hyphen of its own


def test_rule_timing_covers_every_rule_and_restores_the_registry() -> None:
    before = dict(RULES)
    total, spent = profile_clean.time_rules(make_corpus.load_seeds())
    assert total > 0
    assert set(spent) == set(PIPELINE)
    assert all(seconds >= 0 for seconds in spent.values()) and sum(spent.values()) <= total
    assert before == RULES


def test_round_timing_starts_a_round_at_the_first_rule_and_restores_the_registry() -> None:
    before = dict(RULES)
    damaged = "Colonel Colonel Marotto said.\r\n\r\nThe U.S.\n\n\n\nofficials agreed.\n"
    total, by_round = profile_clean.time_rounds([*make_corpus.load_seeds(), damaged], Config())
    assert by_round.keys() >= {1, 2}  # every damaged document gets a confirming round
    assert sum(by_round.values()) <= total
    assert before == RULES
