"""The real-world damage corpus (issue 16): built deterministically, labelled exactly, scored soundly.

Why these tests: the figures of ``mtrepair bench --parts realworld`` mean something
only if (1) the committed corpus is what the generator makes, (2) every label
points at its damage and the gold text is the damaged text with every label
repaired, and (3) the scorer gives a perfect cleaner full marks, a cleaner that
does nothing none, and counts a wrong edit as wrong.
"""

from __future__ import annotations

import ast
import json
import random
from pathlib import Path

import pytest
from benchmarks import bench_realworld as bench
from benchmarks import make_realworld, realworld_damage
from benchmarks.bench_realworld import Edit, Run, Step

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / "realworld" / "corpus.jsonl"


@pytest.fixture(scope="module")
def pages() -> list[bench.Page]:
    return bench.load_corpus(CORPUS)


def test_rebuilding_gives_the_committed_bytes(tmp_path: Path) -> None:
    make_realworld.write(tmp_path)
    for name in ("corpus.jsonl", "README.md"):
        assert (tmp_path / name).read_bytes() == (CORPUS.parent / name).read_bytes(), name


def test_every_label_points_at_its_damage_and_the_gold_is_the_repaired_text(pages: list[bench.Page]) -> None:
    for page in pages:
        pos, parts = 0, []
        for label in page.labels:
            assert label.start >= pos, (page.id, label)  # sorted, never overlapping
            assert page.text[label.start : label.end] == label.text, (page.id, label)
            assert label.text != label.gold and label.end > label.start
            assert label.kind in realworld_damage.KINDS
            assert label.expect == realworld_damage.KINDS[label.kind][0]
            parts += [page.text[pos : label.start], label.gold]
            pos = label.end
        parts.append(page.text[pos:])
        assert "".join(parts) == page.gold, page.id
        assert page.clean == (not page.labels) and page.clean == (page.text == page.gold)


def test_size_languages_sites_and_clean_share(pages: list[bench.Page]) -> None:
    assert len(pages) >= 60
    langs = {p.lang for p in pages}
    assert len(langs) >= 6 and {"en", "fr", "de", "es", "ar", "ru"} <= langs
    assert sum(p.clean for p in pages) * 4 >= len(pages)
    for lang in langs:
        assert any(p.clean for p in pages if p.lang == lang), lang
    kinds = {label.kind for p in pages for label in p.labels}
    assert kinds == set(realworld_damage.KINDS)
    # Every kind is in at least six languages, and pages carry several kinds at once.
    for kind in kinds:
        assert len({p.lang for p in pages for x in p.labels if x.kind == kind}) >= 6, kind
    assert all(len({x.kind for x in p.labels}) >= 4 for p in pages if not p.clean)
    # A site's chrome recurs on its damaged pages (the corpus-level repeated-line pass needs it).
    for site in {p.site for p in pages}:
        chrome = [
            {x.text.strip() for x in p.labels if x.kind == "site_chrome"} for p in pages if p.site == site
        ]
        chrome = [c for c in chrome if c]
        assert len(chrome) >= 3 and set.intersection(*chrome), site


def test_headlines_and_bylines_are_in_the_gold_of_every_page(pages: list[bench.Page]) -> None:
    for page in pages:
        first = page.gold.split("\n\n")[:3]
        assert len(first) == 3 and all(line.strip() and "\n" not in line for line in first), page.id


def test_the_generator_is_deterministic_and_does_not_use_the_rules() -> None:
    text = (
        "The spokesman told Reuters that the attack on the U.S. base was repelled. Cdr. Sean Whitaker said "
        "the rockets, which were fired from a truck, struck open ground. “We are assessing,” he said.\n\n"
        "Officials said the rockets were fired from a pickup truck, according to police. No group claimed it."
    )
    for kind in realworld_damage.ORDER:
        first = realworld_damage.damage_text(kind, text, random.Random(5))
        assert first == realworld_damage.damage_text(kind, text, random.Random(5)), kind
        damaged, labels = first
        for label in labels:
            assert damaged[label.start : label.end] == label.text
    source = Path(realworld_damage.__file__).read_text(encoding="utf-8")
    imported = {
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not any(name.startswith("mtrepair") for name in imported), imported


def test_damage_reads_as_real_pages_show_it() -> None:
    rng = random.Random(1)
    page = realworld_damage.page_from_text("El país recibió turistas de EE. UU. durante el verano.", "es")
    page = realworld_damage.abbreviation_break(page, rng)
    assert "EE.\n\n" in page.damaged or "EE.\n\n\n\n" in page.damaged or "UU.\n\n" in page.damaged
    assert realworld_damage.garble("world’s Zamò", "macroman") == "world‚Äôs Zam√≤"
    assert realworld_damage.garble("world’s", "macroman-as-cp1252") == "worldÕs"
    assert realworld_damage.garble("it’s", "cp1252") == "itâ€™s"
    assert realworld_damage.garble("it’s", "cp1251") == "itвЂ™s"


def test_the_gold_run_scores_full_marks_and_the_unchanged_run_none(pages: list[bench.Page]) -> None:
    gold = bench.evaluate(pages, [bench.run_from_gold(p) for p in pages])
    assert gold["overall"]["repair_recall"] == 1.0 and gold["overall"]["repair_or_flag_recall"] == 1.0
    assert gold["overall"]["edit_precision"] == 1.0
    assert gold["overall"]["false_edits_on_clean_pages"] == 0
    assert all(gold["targets"]["met"].values())
    for per in gold["per_kind_language"].values():
        assert all(cell["repair_or_flag_recall"] == 1.0 for cell in per.values())
    none = bench.evaluate(pages, [bench.run_unchanged(p) for p in pages])
    assert none["overall"]["repair_or_flag_recall"] == 0.0 and none["overall"]["edits"] == 0
    assert not none["targets"]["met"]["recall"]


def test_wrong_edits_are_counted_and_flags_give_flag_recall(pages: list[bench.Page]) -> None:
    sample = [p for p in pages if p.clean][:4] + [p for p in pages if not p.clean][:4]
    runs = []
    for p in sample:
        # One space doubled, away from every label: wrong wherever it lands.
        at = next(
            i for i, ch in enumerate(p.text) if ch == " " and not any(x.start <= i < x.end for x in p.labels)
        )
        flags = Step("flagger", (), tuple((x.start, x.end) for x in p.labels))
        wrong = Step("bad", (Edit(at, at + 1, "  ", "bad"),))
        runs.append(Run(p.text[:at] + "  " + p.text[at + 1 :], (flags, wrong)))
    result = bench.evaluate(sample, runs)
    assert result["overall"]["false_edits_on_clean_pages"] == 4
    assert result["overall"]["false_edits_per_clean_page"] == 1.0
    assert result["overall"]["edit_precision"] == 0.0
    assert result["overall"]["flag_recall"] == 1.0 and result["overall"]["repair_recall"] == 0.0
    assert result["edits_by_rule"]["bad"]["precision"] == 0.0
    assert not result["targets"]["met"]["precision"] and not result["targets"]["met"]["false_edits"]


def test_a_repair_made_in_two_steps_that_overshoots_its_span_counts() -> None:
    text = "First line.\n\nComment (0)\n\nSecond line."
    gold = "First line.\n\nSecond line."
    label = bench.Instance("boilerplate", 13, 26, "Comment (0)\n\n", "", "repair", "")
    page = bench.Page("p", "en", "s", False, text, gold, (label,))
    # Step 1 removes the line with the separator before it (not the one the label names),
    # step 2 leaves it; the output is the gold all the same.
    step1 = Step("boilerplate", (Edit(11, 24, "", "boilerplate"),))
    out1 = text[:11] + text[24:]
    assert out1 == gold
    result = bench.evaluate([page], [Run(gold, (step1, Step("noop", ())))], {"boilerplate": "repair"})
    assert result["overall"]["repair_recall"] == 1.0 and result["overall"]["edit_precision"] == 1.0
    # A half repair (the line gone, an extra blank line left) is closer to the gold but not repaired.
    step = Step("boilerplate", (Edit(13, 24, "", "boilerplate"),))
    result = bench.evaluate([page], [Run(text[:13] + text[24:], (step,))], {"boilerplate": "repair"})
    assert result["overall"]["repair_recall"] == 0.0 and result["overall"]["edit_precision"] == 1.0


def test_positions_follow_insertions_and_deletions_through_steps() -> None:
    chain = bench.Chain(
        [
            Step("a", (Edit(2, 2, "xyz"), Edit(5, 8, ""))),  # insert 3 at 2, delete [5, 8)
            Step("b", (Edit(0, 1, "QQ"),)),  # replace [0, 1) by 2 characters
        ]
    )
    assert chain.forward(2, bench.LEFT) == 3 and chain.forward(2, bench.RIGHT) == 6
    assert chain.forward(6, bench.LEFT) == 9 and chain.forward(6, bench.RIGHT) == 9
    assert chain.forward(10, bench.LEFT) == 11
    assert chain.backward(1, 3, bench.LEFT) == 2 and chain.backward(1, 5, bench.RIGHT) == 2


def test_cleaning_two_pages_with_mtrepair_gives_a_scored_table(pages: list[bench.Page]) -> None:
    two = [next(p for p in pages if p.clean), next(p for p in pages if not p.clean and p.lang == "fr")]
    runs, info = bench.clean_pages(two)
    assert info["glossary"] and info["lang_mode"] == "given"
    result = bench.evaluate(two, runs)
    assert result["overall"]["instances"] == len(two[1].labels)
    assert 0.0 <= (result["overall"]["repair_or_flag_recall"] or 0.0) <= 1.0
    text = bench.render_markdown(result)
    assert "| kind | expect |" in text and "Per language:" in text
    json.dumps(result)  # the result is JSON as it stands


def test_the_bench_suite_has_a_realworld_part(tmp_path: Path) -> None:
    from mtrepair.bench import PARTS, parse_parts, run_bench

    assert "realworld" in PARTS and parse_parts("realworld") == ("realworld",)
    done = run_bench(parts=("realworld",), quick=True, out=tmp_path, data=tmp_path / "none")
    part = json.loads((tmp_path / "suite_realworld.json").read_text(encoding="utf-8"))["realworld"]
    assert part["run"]["pages_scored"] == len(bench.load_corpus(CORPUS)[::4])
    assert set(part["per_kind"]) <= set(realworld_damage.KINDS) and part["overall"]["instances"] > 0
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Real-world damage" in report and "| kind | expect |" in report
    assert tmp_path / "report.md" in done.written
