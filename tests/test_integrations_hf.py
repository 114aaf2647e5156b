"""The Hugging Face integration, run by ``datasets`` itself on in-memory datasets.

Nothing is mocked: ``datasets.Dataset.from_dict`` builds the dataset and its own
``map`` and ``filter`` call mtrepair's functions, batched and not, so the Arrow
column types they produce are checked by Arrow.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import datasets
import pytest

from mtrepair import Config, undo
from mtrepair.errors import ConfigError
from mtrepair.filters import Filters
from mtrepair.integrations.hf import clean_batch, clean_example, keep_batch, keep_example
from mtrepair.report import steps_of
from tests.conftest import readme_block
from tests.samples import NEWS_EN, NEWS_EN_CLEAN

EN = NEWS_EN
EN_CLEAN = NEWS_EN_CLEAN
FR_CLEAN = "Le gouvernement a annoncé mardi une nouvelle réforme des retraites.\n"
FR = FR_CLEAN.encode("utf-8").decode("cp1252")  # mojibake: é read as Ã©
DE = "Der Minister Minister sagte am Dienstag, die Reform sei notwendig.\n"
DE_CLEAN = "Der Minister sagte am Dienstag, die Reform sei notwendig.\n"
# Nothing to repair, one flag: a quotation that never closes.
QUOTE = 'The spokesman said the attack was "unacceptable and would not be forgotten.\n'
SHORT = "The port reopened today.\n"
ES = (
    "El gobierno anunció el martes una nueva reforma de las pensiones "
    "y los sindicatos convocaron una huelga.\n"
)

FILTERS = Filters(min_words=5, languages=("en", "fr", "de"))


def dataset(texts: dict[str, str], column: str = "text") -> datasets.Dataset:
    return datasets.Dataset.from_dict({"id": list(texts), column: list(texts.values())})


def test_map_unbatched_and_batched_repair_alike() -> None:
    ds = dataset({"en": EN, "fr": FR, "de": DE, "quote": QUOTE})
    one = ds.map(clean_example)
    many = ds.map(clean_batch, batched=True, batch_size=3)
    for out in (one, many):
        assert out["text"] == [EN_CLEAN, FR_CLEAN, DE_CLEAN, QUOTE]
        assert out["mtrepair_edits"] == [3, 2, 1, 0]
        assert out["mtrepair_flags"] == [0, 0, 0, 1]
        assert out["id"] == ["en", "fr", "de", "quote"]  # other columns kept
        assert out.features["mtrepair_edits"] == datasets.Value("int64")
    assert one.to_list() == many.to_list()
    assert ds["text"][0] == EN  # map returns a new dataset; the input is unchanged


def test_column_types_hold_when_the_first_batch_has_nothing_to_report() -> None:
    """Arrow types a column from its first batch: one without edits or flags must not break a later one."""
    ds = dataset({"clean": "The harbour reopened on Monday after the storm.\n", "quote": QUOTE, "en": EN})
    for out in (
        ds.map(clean_batch, batched=True, batch_size=1, fn_kwargs={"keep_log": True}),
        ds.map(clean_example, writer_batch_size=1, fn_kwargs={"keep_log": True}),
    ):
        assert out["mtrepair_flags"] == [0, 1, 0]
        assert out["mtrepair_edits"] == [0, 0, 3]


def test_the_log_column_undoes_each_repair() -> None:
    ds = dataset({"en": EN, "fr": FR}).map(clean_batch, batched=True, fn_kwargs={"keep_log": True})
    for row, original in zip(ds, [EN, FR], strict=True):
        entry = json.loads(row["mtrepair_log"])
        assert entry["id"] == row["id"]
        assert undo(row["text"], steps_of(entry)) == original
    assert [e["rule"] for e in json.loads(ds[0]["mtrepair_log"])["edits"]] == [
        "boilerplate",
        "abbreviation_break",
        "doubled_word",
    ]
    # Without an id column the log is keyed by the row index (map's with_indices=True).
    plain = datasets.Dataset.from_dict({"text": [DE, FR]})
    for fn, batched in ((clean_example, False), (clean_batch, True)):
        out = plain.map(fn, with_indices=True, batched=batched, fn_kwargs={"keep_log": True})
        assert [json.loads(log)["id"] for log in out["mtrepair_log"]] == ["0", "1"]


def test_options_text_column_lang_and_config() -> None:
    ds = dataset({"de": DE}, column="body")
    out = ds.map(clean_batch, batched=True, fn_kwargs={"text_column": "body", "lang": "de"})
    assert out["body"] == [DE_CLEAN]
    assert "text" not in out.column_names
    disabled = Config(disabled=frozenset({"doubled_word"}))
    out = ds.map(clean_example, fn_kwargs={"text_column": "body", "config": disabled})
    assert out["body"] == [DE]
    assert out["mtrepair_edits"] == [0]


def test_a_wrong_column_is_a_config_error_naming_the_columns() -> None:
    ds = dataset({"de": DE}, column="body")
    with pytest.raises(ConfigError, match=re.escape("no column 'text' (columns: 'id', 'body')")):
        ds.map(clean_example)
    with pytest.raises(ConfigError, match="column 'id' holds int, not text"):
        clean_batch({"id": [1]}, text_column="id")
    with pytest.raises(ConfigError, match="unknown language 'xx'"):
        clean_example({"text": DE}, lang="xx")


def test_filter_with_keep_example_and_keep_batch() -> None:
    ds = dataset({"en": EN, "short": SHORT, "fr": FR, "es": ES})
    kwargs: dict[str, Any] = {"filters": FILTERS}
    one = ds.filter(keep_example, fn_kwargs=kwargs)
    many = ds.filter(keep_batch, batched=True, batch_size=3, fn_kwargs=kwargs)
    for out in (one, many):
        assert out["id"] == ["en", "fr"]
        assert out["text"] == [EN, FR]  # filter decides; map(clean_batch) repairs
    assert ds.filter(keep_example, fn_kwargs={"filters": Filters(min_words=5), "lang": "en"})["id"] == [
        "en",
        "fr",
        "es",
    ]


def test_map_with_filters_marks_the_reason_and_keeps_dropped_originals() -> None:
    ds = dataset({"en": EN, "short": SHORT, "fr": FR, "es": ES})
    out = ds.map(clean_batch, batched=True, fn_kwargs={"filters": FILTERS, "keep_log": True})
    assert out["mtrepair_reason"] == ["", "too_short", "", "wrong_language"]
    assert out["text"] == [EN_CLEAN, SHORT, FR_CLEAN, ES]
    assert [bool(log) for log in out["mtrepair_log"]] == [True, False, True, False]
    kept = out.filter(lambda row: not row["mtrepair_reason"])
    assert kept["id"] == ["en", "fr"]
    one = ds.map(clean_example, fn_kwargs={"filters": FILTERS})
    assert one["mtrepair_reason"] == out["mtrepair_reason"]
    assert "mtrepair_log" not in one.column_names


@pytest.mark.parametrize("filters", [None, Filters(), "filters.toml"])
def test_bad_filters_are_refused(filters: Any) -> None:
    with pytest.raises(ConfigError, match="filter"):
        keep_example({"text": EN}, filters=filters)
    if filters is not None:
        with pytest.raises(ConfigError, match="filter"):
            clean_batch({"text": [EN]}, filters=filters)


def test_the_readme_example_prints_what_its_comments_say(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    code = readme_block("integrations-hf")
    exec(compile(code, "README.md", "exec"), {})
    expected = [line.split("#", 1)[1].strip() for line in code.splitlines() if line.startswith("print(")]
    assert len(expected) == 2
    assert capsys.readouterr().out.splitlines() == expected
