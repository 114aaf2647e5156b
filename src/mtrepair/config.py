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

if TYPE_CHECKING:
    from mtrepair.glossary.matcher import Matcher


@dataclass(frozen=True)
class Config:
    """Everything that changes what detectors and repairs do.

    ``lang`` is the document language (``"auto"`` guesses it per document from
    stopwords, which is cheap enough for whole corpora). ``disabled`` names rules
    that neither detect nor repair. ``max_rounds`` bounds the repeat-until-stable
    loop that makes ``clean`` idempotent.
    """

    lang: str = "auto"
    disabled: frozenset[str] = frozenset()
    boilerplate: tuple[str, ...] = field(default_factory=langdata.default_boilerplate)
    max_rounds: int = 4
    min_confidence: float = 0.0
    terms: Matcher | None = None

    def __post_init__(self) -> None:
        if self.lang != "auto" and self.lang not in langdata.LANGUAGES:
            known = ", ".join(sorted(langdata.LANGUAGES))
            raise ConfigError(f"unknown language {self.lang!r}: use auto or one of {known}")
        if self.max_rounds < 1:
            raise ConfigError("max_rounds must be at least 1")

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
