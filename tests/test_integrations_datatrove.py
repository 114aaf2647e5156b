"""The datatrove integration, run by datatrove itself: a LocalPipelineExecutor over JSONL.

Nothing is mocked: the real datatrove (the ``datatrove`` extra) reads the JSONL
written here, runs mtrepair's blocks, writes the output, the exclusion file and
the stats, and the tests read those files as a user would.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from typer.testing import CliRunner

from mtrepair import Config
from mtrepair.cli import app
from mtrepair.errors import ConfigError
from mtrepair.filters import Filters
from mtrepair.integrations.datatrove import MtrepairCleaner, MtrepairFilter
from tests.conftest import readme_block
from tests.samples import NEWS_EN, NEWS_EN_CLEAN

ROOT = Path(__file__).resolve().parent.parent


def mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252, the scraper damage ftfy undoes (é -> Ã©)."""
    return text.encode("utf-8").decode("cp1252")


# Short invented news documents, damaged as the seeds are damaged.
EN = NEWS_EN
EN_CLEAN = NEWS_EN_CLEAN
FR_CLEAN = (
    "Le gouvernement a annoncé mardi une nouvelle réforme des retraites.\n\n"
    "Les syndicats ont appelé les salariés à manifester jeudi.\n"
)
FR = mojibake(FR_CLEAN)
DE = (
    "Die Regierung hat am Dienstag neue Regeln beschlossen.\n\n"
    "Der Minister Minister sagte, die Reform sei notwendig.\n"
)
DE_CLEAN = (
    "Die Regierung hat am Dienstag neue Regeln beschlossen.\n\n"
    "Der Minister sagte, die Reform sei notwendig.\n"
)
CHROME = (
    "Share on Facebook\nShare on Twitter\nPlease enter your comment!\nPlease enter your name here\n"
    "Powered by automated translation\nThe mayor resigned.\n"
)
SHORT = "The port reopened today.\n"
ES = (
    "El gobierno anunció el martes una nueva reforma de las pensiones "
    "y los sindicatos convocaron una huelga.\n"
)

DOCS = {"en-1": EN, "fr-1": FR, "de-1": DE}
DROPPED = {
    "chrome-1": (CHROME, "boilerplate"),
    "short-1": (SHORT, "too_short"),
    "es-1": (ES, "wrong_language"),
}
FILTERS_TOML = """\
[boilerplate]
max_share = 0.5

[too_short]
min_words = 5

[wrong_language]
accept = ["en", "fr", "de"]
"""


def write_jsonl(path: Path, docs: dict[str, str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({"id": k, "text": v, "site": "example.org"}, ensure_ascii=False) for k, v in docs.items()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_jsonl(folder: Path) -> dict[str, dict[str, Any]]:
    records = [
        json.loads(line)
        for path in sorted(folder.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    return {r["id"]: r for r in records}


def step_stats(logging_dir: Path, name: str) -> dict[str, Any]:
    """The merged stats datatrove saved for the block called ``name`` (logs/stats.json)."""
    blocks = json.loads((logging_dir / "stats.json").read_text(encoding="utf-8"))
    (block,) = [b for b in blocks if name in b["name"]]
    stats: dict[str, Any] = block["stats"]
    return stats


def total(stats: dict[str, Any], key: str) -> float:
    value = stats[key]
    return float(value["total"] if isinstance(value, dict) else value)


def run(pipeline: list[Any], logs: Path) -> None:
    LocalPipelineExecutor(pipeline=pipeline, tasks=1, workers=1, logging_dir=str(logs)).run()


def test_cleaner_repairs_a_jsonl_corpus_in_a_local_executor(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in" / "news.jsonl", DOCS)
    before = source.read_bytes()
    run(
        [
            JsonlReader(str(tmp_path / "in")),
            MtrepairCleaner(),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tmp_path / "logs",
    )
    out = read_jsonl(tmp_path / "out")
    assert {k: r["text"] for k, r in out.items()} == {"en-1": EN_CLEAN, "fr-1": FR_CLEAN, "de-1": DE_CLEAN}
    meta = {k: r["metadata"] for k, r in out.items()}
    # boilerplate line, break after U.S., doubled word; five mojibake sequences; one doubled word
    assert {k: m["mtrepair_edits"] for k, m in meta.items()} == {"en-1": 3, "fr-1": 5, "de-1": 1}
    assert all(m["mtrepair_flags"] == 0 for m in meta.values())
    assert all(m["site"] == "example.org" for m in meta.values())  # the input's fields are kept
    assert not any("mtrepair_log" in m for m in meta.values())  # only with keep_log
    stats = step_stats(tmp_path / "logs", "mtrepair")
    assert total(stats, "total") == 3
    assert total(stats, "changed") == 3
    assert total(stats, "edits_doubled_word") == 2
    assert total(stats, "edits_mojibake") == 5
    assert total(stats, "edits_abbreviation_break") == 1
    assert source.read_bytes() == before  # the input is never modified


def test_the_kept_log_restores_the_originals_with_mtrepair_undo(tmp_path: Path) -> None:
    """The per-document logs, one per line, are a report ``mtrepair undo`` reads."""
    docs = {**DOCS, "clean-1": "Nothing is wrong with this short report about the harbour.\n"}
    write_jsonl(tmp_path / "in" / "news.jsonl", docs)
    run(
        [
            JsonlReader(str(tmp_path / "in")),
            MtrepairCleaner(lang="auto", keep_log=True),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tmp_path / "logs",
    )
    (output,) = (tmp_path / "out").glob("*.jsonl")
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    log = records[0]["metadata"]["mtrepair_log"]
    assert log["id"] == "en-1"
    assert log["source"].endswith("news.jsonl")  # datatrove's file_path
    assert [e["rule"] for e in log["edits"]] == ["boilerplate", "abbreviation_break", "doubled_word"]
    assert records[3]["metadata"]["mtrepair_edits"] == 0
    report = tmp_path / "run.edits.jsonl"
    report.write_text(
        "".join(json.dumps(r["metadata"]["mtrepair_log"], ensure_ascii=False) + "\n" for r in records),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["undo", "--report", str(report), str(output)])
    assert result.exit_code == 0, result.output
    restored = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["id"]: r["text"] for r in restored} == docs


def test_filter_drops_with_reasons_exclusion_writer_and_stats(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in" / "news.jsonl", {**DOCS, **{k: text for k, (text, _) in DROPPED.items()}})
    filters = tmp_path / "filters.toml"
    filters.write_text(FILTERS_TOML, encoding="utf-8")
    run(
        [
            JsonlReader(str(tmp_path / "in")),
            MtrepairFilter(
                str(filters), exclusion_writer=JsonlWriter(str(tmp_path / "dropped"), compression=None)
            ),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tmp_path / "logs",
    )
    kept = read_jsonl(tmp_path / "out")
    assert {k: r["text"] for k, r in kept.items()} == {"en-1": EN_CLEAN, "fr-1": FR_CLEAN, "de-1": DE_CLEAN}
    assert kept["fr-1"]["metadata"]["mtrepair_edits"] == 5
    dropped = read_jsonl(tmp_path / "dropped")
    assert {k: r["metadata"]["filter_reason"] for k, r in dropped.items()} == {
        k: reason for k, (_, reason) in DROPPED.items()
    }
    assert {k: r["text"] for k, r in dropped.items()} == {k: text for k, (text, _) in DROPPED.items()}
    short = dropped["short-1"]["metadata"]
    assert (short["mtrepair_score"], short["mtrepair_threshold"]) == (4.0, 5.0)  # 4 words < 5
    assert short["mtrepair_message"] == "too_short: 4 words after repair < 5"
    assert dropped["chrome-1"]["metadata"]["mtrepair_score"] > 0.5
    assert dropped["es-1"]["metadata"]["mtrepair_score"] < 0.5  # P(en/fr/de)
    stats = step_stats(tmp_path / "logs", "mtrepair filter")
    assert (total(stats, "total"), total(stats, "forwarded"), total(stats, "dropped")) == (6, 3, 3)
    for reason in ("boilerplate", "too_short", "wrong_language"):
        assert total(stats, f"dropped_{reason}") == 1
    assert "dropped_too_garbled" not in stats


def doc(doc_id: str, text: str) -> Document:
    return Document(text=text, id=doc_id, metadata={})


def test_filter_without_repair_only_decides(tmp_path: Path) -> None:
    """``repair=False``: kept documents leave untouched; the drop decision is the same."""
    block = MtrepairFilter(Filters(min_words=5), repair=False)
    out = list(block.run(iter([doc("de-1", DE), doc("short-1", SHORT)])))
    assert [(d.id, d.text, d.metadata) for d in out] == [("de-1", DE, {})]
    assert block.stats["dropped_too_short"].total == 1


def test_filter_judges_the_repaired_text(tmp_path: Path) -> None:
    """Six words of which one is a doubled word and one is on a share-button line: 4 after repair."""
    block = MtrepairFilter(Filters(min_words=5))
    text = "Share on Facebook\nThe the port reopened today.\n"
    assert list(block.run(iter([doc("x", text)]))) == []
    assert block.stats["dropped_too_short"].total == 1


def test_blocks_survive_the_copies_executors_make(tmp_path: Path) -> None:
    """LocalPipelineExecutor deep-copies the pipeline per task and saves it as JSON; Slurm pickles it."""
    import copy
    import pickle

    from datatrove.executor.base import ExecutorJSONEncoder

    glossary = ROOT / "glossaries"
    config = Config(lang="en").with_glossary(sorted(glossary.glob("*.toml")))
    for block in (MtrepairCleaner(config, keep_log=True), MtrepairFilter(Filters(min_chars=3), config)):
        assert json.loads(json.dumps(block, cls=ExecutorJSONEncoder))["config"]["lang"] == "en"
        for clone in (copy.deepcopy(block), pickle.loads(pickle.dumps(block))):
            (out,) = clone.run(iter([doc("g", "Rockets hit Ain al-Assad air base on Tuesday.\n")]))
            assert out.text == "Rockets hit Ain al-Asad air base on Tuesday.\n"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: MtrepairFilter(p / "missing.toml"), "missing.toml: filter file not found"),
        (lambda p: MtrepairFilter(Filters()), "no filter set"),
        (lambda p: MtrepairCleaner(lang="xx"), "unknown language 'xx'"),
        (lambda p: MtrepairFilter(Filters(min_words=3), lang="xx"), "unknown language 'xx'"),
    ],
)
def test_bad_options_fail_when_the_block_is_built(tmp_path: Path, make: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        make(tmp_path)


def test_a_bad_filter_file_names_the_file_and_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "filters.toml"
    bad.write_text("[too_short]\nmin_word = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"filters\.toml: unknown key 'min_word' in \[too_short\]"):
        MtrepairFilter(bad)


def test_import_without_datatrove_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """With datatrove absent (hidden from the import system), the import error names the extra."""
    for name in [m for m in sys.modules if m == "datatrove" or m.startswith("datatrove.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "datatrove", None)
    monkeypatch.delitem(sys.modules, "mtrepair.integrations.datatrove")
    with pytest.raises(ImportError, match=re.escape("pip install 'mtrepair[datatrove]'")):
        importlib.import_module("mtrepair.integrations.datatrove")


def test_the_readme_datatrove_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's filters.toml and pipeline, copied as they are, then its undo recipe."""
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "articles" / "news.jsonl", {**DOCS, **{k: t for k, (t, _) in DROPPED.items()}})
    (tmp_path / "filters.toml").write_text(readme_block("integrations-filters-toml"), encoding="utf-8")
    exec(compile(readme_block("integrations-datatrove"), "README.md", "exec"), {})
    kept = read_jsonl(tmp_path / "clean")
    assert {k: r["text"] for k, r in kept.items()} == {"en-1": EN_CLEAN, "fr-1": FR_CLEAN, "de-1": DE_CLEAN}
    dropped = read_jsonl(tmp_path / "dropped")
    assert {k: r["metadata"]["filter_reason"] for k, r in dropped.items()} == {
        k: reason for k, (_, reason) in DROPPED.items()
    }
    stats = step_stats(tmp_path / "logs", "mtrepair filter")
    assert [total(stats, f"dropped_{r}") for r in ("boilerplate", "too_short", "wrong_language")] == [1, 1, 1]
    # "those entries, one per line in a file named NAME.edits.jsonl, are a report that undo reads"
    (output,) = (tmp_path / "clean").glob("*.jsonl")
    assert output.name == "00000.jsonl"
    logs = [r["metadata"]["mtrepair_log"] for r in kept.values()]
    report = tmp_path / "clean.edits.jsonl"
    report.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in logs), encoding="utf-8")
    result = CliRunner().invoke(app, ["undo", "--report", "clean.edits.jsonl", "clean/00000.jsonl"])
    assert result.exit_code == 0, result.output
    assert {r["id"]: r["text"] for r in map(json.loads, result.stdout.splitlines())} == DOCS
