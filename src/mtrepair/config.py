"""One typed, immutable configuration shared by every rule.

Built once (from shipped data files plus user options) and passed down; rules never
read global state or CLI objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mtrepair import langdata
from mtrepair.errors import ConfigError


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

    def __post_init__(self) -> None:
        if self.lang != "auto" and self.lang not in langdata.LANGUAGES:
            known = ", ".join(sorted(langdata.LANGUAGES))
            raise ConfigError(f"unknown language {self.lang!r}: use auto or one of {known}")
        if self.max_rounds < 1:
            raise ConfigError("max_rounds must be at least 1")

    def with_boilerplate_file(self, path: Path) -> Config:
        """A copy that also removes the lines matched by the patterns in ``path``."""
        extra = langdata.read_boilerplate(path)
        return Config(
            lang=self.lang,
            disabled=self.disabled,
            boilerplate=self.boilerplate + extra,
            max_rounds=self.max_rounds,
            min_confidence=self.min_confidence,
        )
