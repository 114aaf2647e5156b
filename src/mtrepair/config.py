"""One typed, immutable configuration shared by every rule.

Built once (from shipped data files plus user options) and passed down; rules never
read global state or CLI objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mtrepair import langdata
from mtrepair.errors import ConfigError
from mtrepair.frequent import DEFAULT_MIN_DOCS, DEFAULT_SHARE

if TYPE_CHECKING:
    from mtrepair.frequent import SourceLines
    from mtrepair.glossary.matcher import Matcher


@dataclass(frozen=True)
class Config:
    """Everything that changes what detectors and repairs do.

    ``lang`` is the document language (``"auto"`` guesses it per document from
    stopwords, which is cheap enough for whole corpora). ``disabled`` names rules
    that neither detect nor repair. ``max_rounds`` bounds the repeat-until-stable
    loop that makes ``clean`` idempotent.

    ``repeated_min_docs`` and ``repeated_share`` are the thresholds of the
    corpus-level ``repeated_lines`` rule (:mod:`mtrepair.frequent`): a line is
    chrome when at least that many, and that share, of its source's documents
    hold it. ``repeated`` is what the corpus pass learned for the document being
    cleaned (its source's repeated lines); the engine sets it per document, and
    without it (one document, stdin) the rule does nothing.
    """

    lang: str = "auto"
    disabled: frozenset[str] = frozenset()
    boilerplate: tuple[str, ...] = field(default_factory=langdata.default_boilerplate)
    max_rounds: int = 4
    min_confidence: float = 0.0
    terms: Matcher | None = None
    repeated_min_docs: int = DEFAULT_MIN_DOCS
    repeated_share: float = DEFAULT_SHARE
    repeated: SourceLines | None = None

    def __post_init__(self) -> None:
        if self.lang != "auto" and self.lang not in langdata.LANGUAGES:
            # A language without data is refused rather than mapped to und in silence:
            # the report would name a language whose rules did not run.
            known = ", ".join(c for c in langdata.LANGUAGES if c != langdata.GENERIC)
            raise ConfigError(
                f"unknown language {self.lang!r}: use auto, one of {known}, "
                f"or {langdata.GENERIC} for any other language (script-level rules only)"
            )
        if self.max_rounds < 1:
            raise ConfigError("max_rounds must be at least 1")
        if self.repeated_min_docs < 2:
            raise ConfigError(
                f"--repeated-min-docs must be at least 2 (a line in one document is not repeated), "
                f"not {self.repeated_min_docs}"
            )
        if not 0 < self.repeated_share <= 1:
            raise ConfigError(f"--repeated-share must be above 0 and at most 1, not {self.repeated_share}")

    def with_repeated_lines(self, *, min_docs: int, share: float, enabled: bool = True) -> Config:
        """A copy with the corpus-level repeated-line thresholds, or with the rule off."""
        disabled = self.disabled if enabled else self.disabled | {"repeated_lines"}
        return replace(self, repeated_min_docs=min_docs, repeated_share=share, disabled=disabled)

    def for_document(self, repeated: SourceLines | None) -> Config:
        """This configuration for one document of a corpus: its source's repeated lines."""
        if repeated is self.repeated:
            return self
        return replace(self, repeated=repeated)

    def with_boilerplate_file(self, path: Path) -> Config:
        """A copy that also removes the lines matched by the patterns in ``path``."""
        return replace(self, boilerplate=self.boilerplate + langdata.read_boilerplate(path))

    def with_glossary(
        self, paths: list[Path], *, lenient: bool = False, warn: Callable[[str], None] | None = None
    ) -> Config:
        """A copy that normalizes terms to the glossaries in ``paths`` (none: off).

        The glossaries are validated as ``glossary check`` validates them, once,
        here (workers get the built matcher): one that fails is refused with
        check's message, or with ``lenient`` its conflicting entries are left
        out and reported through ``warn`` (:func:`mtrepair.glossary.validate`).
        """
        from mtrepair.glossary import Matcher, load_valid

        if not paths:
            return replace(self, terms=None)
        return replace(self, terms=Matcher(load_valid(paths, lenient=lenient, warn=warn)))
