"""Core value types: findings, edits and the per-step trace of a repair run.

Offsets are Python string indices (code points) into the text a step received.
Keeping every step's edits relative to that step's own input is what makes the
log replayable and undoable byte for byte, ftfy-style: a later repair may act on
text that an earlier repair produced, and no single coordinate system can express
that without loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of damage a rule saw: where, what, why, and (optionally) the fix.

    ``replacement`` is ``None`` for flag-only findings (damage we can point at
    but not repair safely, such as a fragment left in another language).
    """

    rule: str
    start: int
    end: int
    original: str
    replacement: str | None
    message: str
    confidence: float
    ref: str | None = None  # what the edit refers to: a glossary entry id, a reference position

    @property
    def repairs(self) -> bool:
        return self.replacement is not None


@dataclass(frozen=True, slots=True)
class Step:
    """One rule applied to one text: its repairing edits and its flags."""

    rule: str
    edits: tuple[Finding, ...]
    flags: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Result:
    """The outcome of cleaning one document."""

    original: str
    text: str
    steps: tuple[Step, ...]
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def edits(self) -> tuple[Finding, ...]:
        return tuple(e for s in self.steps for e in s.edits)

    @property
    def flags(self) -> tuple[Finding, ...]:
        return tuple(f for s in self.steps for f in s.flags)

    @property
    def changed(self) -> bool:
        return self.text != self.original
