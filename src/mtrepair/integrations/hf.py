"""mtrepair as plain functions for Hugging Face ``datasets``: ``map`` and ``filter``.

::

    ds = ds.map(clean_example)                    # one example at a time
    ds = ds.map(clean_batch, batched=True)        # a batch at a time (same result, faster)
    ds = ds.filter(keep_example, fn_kwargs={"filters": Filters(min_words=5)})

Options go through ``fn_kwargs`` (``text_column``, ``config``, ``lang``,
``keep_log``, ``filters``). Each example gets its text repaired in place and
two integer columns, ``mtrepair_edits`` and ``mtrepair_flags`` (numbers of
edits and flags); with ``keep_log`` a ``mtrepair_log`` column holds its
edit-report entry as a JSON string. Every added column has one type whatever
the text: Arrow fixes a column's type from the first batch it writes, so a
list column that starts out empty would make ``map`` fail at the first flag.

Filtering judges the text as it reads after repair, on the steps of that
repair (the boilerplate share is the chrome the repair removed), so it runs on
the raw text. Two ways, the same verdicts:

- ``ds.filter(keep_example, ...)`` drops the rejected examples; a later
  ``map(clean_batch)`` repairs the rest (each kept text is cleaned twice).
- ``ds.map(clean_batch, batched=True, fn_kwargs={"filters": f})`` cleans once
  and adds ``mtrepair_reason`` (``""``: kept, else one of
  :data:`mtrepair.filters.REASONS`); a rejected example keeps its original
  text, for review, as datatrove's exclusion writer keeps it (and an empty
  ``mtrepair_log``: there is no repair of it to undo). Then
  ``ds.filter(lambda r: not r["mtrepair_reason"])``.

The functions take and return plain dicts and lists, so this module imports
without ``datasets``; the ``hf`` extra installs it (``pip install 'mtrepair[hf]'``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from mtrepair.config import Config
from mtrepair.errors import ConfigError
from mtrepair.filters import Filters, judge
from mtrepair.integrations import EDITS, FLAGS, LOG, config_for
from mtrepair.pipeline import clean_text
from mtrepair.report import document_entry

__all__ = ["REASON", "clean_batch", "clean_example", "keep_batch", "keep_example"]

REASON = "mtrepair_reason"  # with filters: why the example should be dropped, "" to keep it


def _column(example: Mapping[str, Any], column: str) -> Any:
    """A column of an example or batch, or a ConfigError naming the columns there are."""
    try:
        return example[column]
    except KeyError:
        have = ", ".join(map(repr, example)) or "none"
        raise ConfigError(
            f"no column {column!r} (columns: {have}); pass text_column= the name of the text column"
        ) from None


def _text(value: object, column: str) -> str:
    if isinstance(value, str):
        return value
    raise ConfigError(
        f"column {column!r} holds {type(value).__name__}, not text; "
        "pass text_column= the name of the text column"
    )


def _filters(filters: object) -> Filters:
    """``filters`` checked once per call: a Filters with at least one threshold."""
    if not isinstance(filters, Filters):
        raise ConfigError(
            f"filters must be a mtrepair.filters.Filters (load a TOML file with load_filters), "
            f"not {type(filters).__name__}"
        )
    if not filters.active:
        raise ConfigError("no filter set; give Filters at least one threshold")
    return filters


def _clean_one(
    text: str, doc_id: str, config: Config, keep_log: bool, filters: Filters | None
) -> dict[str, Any]:
    """The new values of one example's columns: its text, the counts, the log, the verdict."""
    result = clean_text(text, config)
    verdict = None if filters is None else judge(result, filters, config.lang)
    row: dict[str, Any] = {EDITS: len(result.edits), FLAGS: len(result.flags)}
    if filters is not None:
        row[REASON] = "" if verdict is None else verdict.reason
    if verdict is not None:
        # What was dropped is what came in; no log, since no repaired text is kept to undo.
        row.update({"text": text, LOG: ""})
        return row
    row["text"] = result.text
    if keep_log:
        row[LOG] = json.dumps(document_entry(doc_id, "datasets", result), ensure_ascii=False)
    return row


def clean_example(
    example: Mapping[str, Any],
    idx: int | None = None,
    *,
    text_column: str = "text",
    config: Config | None = None,
    lang: str | None = None,
    keep_log: bool = False,
    filters: Filters | None = None,
) -> dict[str, Any]:
    """Repair one example's text: ``ds.map(clean_example)``.

    Returns the repaired text under ``text_column`` and the ``mtrepair_*``
    columns (datasets merges them into the example). The log's document id is
    the ``id`` column when there is one, else ``idx`` (``with_indices=True``).
    With ``filters``, adds ``mtrepair_reason`` (see the module docstring).
    """
    cfg = config_for(config, lang)
    text = _text(_column(example, text_column), text_column)
    doc_id = str(example.get("id", idx if idx is not None else ""))
    row = _clean_one(text, doc_id, cfg, keep_log, None if filters is None else _filters(filters))
    row[text_column] = row.pop("text")
    if not keep_log:
        row.pop(LOG, None)
    return row


def clean_batch(
    batch: Mapping[str, Sequence[Any]],
    indices: Sequence[int] | None = None,
    *,
    text_column: str = "text",
    config: Config | None = None,
    lang: str | None = None,
    keep_log: bool = False,
    filters: Filters | None = None,
) -> dict[str, list[Any]]:
    """Repair a batch of examples: ``ds.map(clean_batch, batched=True)``.

    The same columns as :func:`clean_example`, one list each; the options are
    checked once per batch rather than once per example.
    """
    cfg = config_for(config, lang)
    checked = None if filters is None else _filters(filters)
    texts = [_text(value, text_column) for value in _column(batch, text_column)]
    ids = batch.get("id") or indices or [""] * len(texts)
    names = [text_column, EDITS, FLAGS]
    if keep_log:
        names.append(LOG)
    if checked is not None:
        names.append(REASON)
    out: dict[str, list[Any]] = {name: [] for name in names}
    for text, doc_id in zip(texts, ids, strict=True):
        row = _clean_one(text, str(doc_id), cfg, keep_log, checked)
        row[text_column] = row.pop("text")
        for name in names:
            out[name].append(row[name])
    return out


def keep_example(
    example: Mapping[str, Any],
    *,
    filters: Filters,
    text_column: str = "text",
    config: Config | None = None,
    lang: str | None = None,
) -> bool:
    """True to keep the example: ``ds.filter(keep_example, fn_kwargs={"filters": f})``.

    Judges the text as it reads after repair (:func:`mtrepair.filters.judge`);
    the example itself is not changed (``filter`` cannot change it).
    """
    cfg = config_for(config, lang)
    result = clean_text(_text(_column(example, text_column), text_column), cfg)
    return judge(result, _filters(filters), cfg.lang) is None


def keep_batch(
    batch: Mapping[str, Sequence[Any]],
    *,
    filters: Filters,
    text_column: str = "text",
    config: Config | None = None,
    lang: str | None = None,
) -> list[bool]:
    """:func:`keep_example` for ``ds.filter(keep_batch, batched=True, fn_kwargs=...)``."""
    cfg = config_for(config, lang)
    checked = _filters(filters)
    texts = [_text(value, text_column) for value in _column(batch, text_column)]
    return [judge(clean_text(text, cfg), checked, cfg.lang) is None for text in texts]
