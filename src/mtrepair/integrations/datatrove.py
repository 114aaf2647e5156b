"""mtrepair as datatrove pipeline blocks: a cleaning step and a document filter.

:class:`MtrepairCleaner` repairs ``doc.text`` and records what it did in
``doc.metadata``; :class:`MtrepairFilter` repairs and drops the documents that
the thresholds of :mod:`mtrepair.filters` reject, with datatrove's
``dropped_<reason>`` stats and its exclusion writer. Both are ordinary datatrove
blocks: they run under any executor (local, Slurm, Ray), and they hold only
plain, picklable state (a :class:`~mtrepair.config.Config`, a
:class:`~mtrepair.filters.Filters`), because executors copy or pickle the
pipeline into every task.

Needs the ``datatrove`` extra: ``pip install 'mtrepair[datatrove]'``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

try:
    from datatrove.data import Document, DocumentsPipeline  # type: ignore[import-untyped]
    from datatrove.pipeline.base import PipelineStep  # type: ignore[import-untyped]
    from datatrove.pipeline.filters.base_filter import BaseFilter  # type: ignore[import-untyped]
    from datatrove.pipeline.writers.disk_base import DiskWriter  # type: ignore[import-untyped]
except ImportError as exc:
    raise ImportError(
        f"mtrepair.integrations.datatrove needs datatrove ({exc}): pip install 'mtrepair[datatrove]'"
    ) from exc

from mtrepair.config import Config
from mtrepair.errors import ConfigError
from mtrepair.filters import Filters, judge, load_filters
from mtrepair.integrations import EDITS, FLAGS, LOG, METADATA, config_for
from mtrepair.model import Result
from mtrepair.pipeline import clean_text
from mtrepair.report import document_entry

__all__ = ["MESSAGE", "SCORE", "THRESHOLD", "MtrepairCleaner", "MtrepairFilter"]

# What a dropped document carries besides datatrove's own ``filter_reason``.
SCORE = "mtrepair_score"
THRESHOLD = "mtrepair_threshold"
MESSAGE = "mtrepair_message"


def annotate(doc: Document, result: Result, *, keep_log: bool) -> None:
    """Record in ``doc.metadata`` what cleaning found: counts, split-off fields, the log.

    The counts are what a later filter or a dashboard reads. The metadata rule
    moves a glued date or source line out of the text; it lands here so that
    nothing is lost. The log (the document's edit-report entry) is what
    ``mtrepair undo`` needs to restore the original, so it is kept on request
    only: it is larger than the document.
    """
    doc.metadata[EDITS] = len(result.edits)
    doc.metadata[FLAGS] = len(result.flags)
    if result.metadata:
        doc.metadata[METADATA] = dict(result.metadata)
    if keep_log:
        source = str(doc.metadata.get("file_path", ""))  # set by datatrove's readers
        doc.metadata[LOG] = document_entry(str(doc.id), source, result)


def rule_stats(step: PipelineStep, result: Result) -> None:
    """Count edits and flags per rule in ``step``'s stats: which damage the corpus has."""
    step.stat_update("changed" if result.changed else "unchanged")
    for rule, n in Counter(e.rule for e in result.edits).items():
        step.stat_update(f"edits_{rule}", value=n)
    for rule, n in Counter(f.rule for f in result.flags).items():
        step.stat_update(f"flags_{rule}", value=n)


class MtrepairCleaner(PipelineStep):  # type: ignore[misc]
    """Repair every document's text with mtrepair's rules.

    ``config`` is the :class:`~mtrepair.config.Config` the library and the CLI
    take (default: every rule, no glossary; ``Config().with_glossary(paths)``
    normalizes terms); ``lang`` overrides its language (``"auto"`` guesses per
    document). Each document gets ``mtrepair_edits`` and ``mtrepair_flags``
    (numbers of edits and flags) in its metadata, ``mtrepair_metadata`` when the
    metadata rule split a date or source off the text, and with ``keep_log`` its
    edit-report entry as ``mtrepair_log``.

    Stats: ``changed`` and ``unchanged`` documents, and per rule ``edits_<rule>``
    and ``flags_<rule>`` (totals over the run, mean per document that had any).
    """

    name = "🩹 mtrepair"
    type = "✂️ - FORMAT"

    def __init__(self, config: Config | None = None, lang: str | None = None, keep_log: bool = False) -> None:
        super().__init__()
        self.config = config_for(config, lang)
        self.keep_log = keep_log

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Yield every document, repaired (datatrove's generator protocol)."""
        for doc in data or ():
            self.stat_update("total")
            with self.track_time():
                result = clean_text(doc.text, self.config)
                doc.text = result.text
                annotate(doc, result, keep_log=self.keep_log)
            rule_stats(self, result)
            yield doc


class MtrepairFilter(BaseFilter):  # type: ignore[misc]
    """Repair every document and drop those the document filters reject.

    ``filters`` is a :class:`~mtrepair.filters.Filters` or the path of a filter
    TOML file (``clean --filter`` reads the same file). Each document is judged
    as it reads after repair, on the steps of its own repair: the boilerplate
    share is the chrome *this* repair removed, so judge raw text, not the output
    of a :class:`MtrepairCleaner` (whose text has no chrome left to count).

    A kept document leaves with its repaired text and the metadata
    :class:`MtrepairCleaner` writes; with ``repair=False`` it leaves untouched
    (the filter only decides). A dropped document keeps the text it came with
    (what was dropped is what came in) and gets datatrove's ``filter_reason``
    (one of :data:`mtrepair.filters.REASONS`) plus ``mtrepair_score``,
    ``mtrepair_threshold`` and ``mtrepair_message``; it goes to
    ``exclusion_writer`` when one is given, and counts in the
    ``dropped_<reason>`` stat.
    """

    name = "🩹 mtrepair filter"

    def __init__(
        self,
        filters: Filters | str | Path,
        config: Config | None = None,
        lang: str | None = None,
        repair: bool = True,
        keep_log: bool = False,
        exclusion_writer: DiskWriter | None = None,
    ) -> None:
        super().__init__(exclusion_writer)
        self.filters = filters if isinstance(filters, Filters) else load_filters(Path(filters))
        if not self.filters.active:
            raise ConfigError("MtrepairFilter: no filter set; give Filters at least one threshold")
        self.config = config_for(config, lang)
        self.repair = repair
        self.keep_log = keep_log

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        """Keep (True) or drop with a reason (False, reason), as datatrove's BaseFilter expects."""
        result = clean_text(doc.text, self.config)
        verdict = judge(result, self.filters, self.config.lang)
        if verdict is not None:
            doc.metadata[SCORE] = round(verdict.score, 4)
            doc.metadata[THRESHOLD] = verdict.threshold
            doc.metadata[MESSAGE] = verdict.message
            return False, verdict.reason
        if self.repair:
            doc.text = result.text
            annotate(doc, result, keep_log=self.keep_log)
            rule_stats(self, result)
        return True
