"""The rule registry: every detector/repair is a named pure function.

A rule takes a :class:`~mtrepair.segment.Document` and the :class:`Config` and
returns findings; findings with a replacement are repairs. Registration order is
pipeline order (encoding first, then whole lines, then structure, then tokens),
because later rules read text that earlier ones have already normalized.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mtrepair.config import Config
from mtrepair.model import Finding
from mtrepair.segment import Document

Detector = Callable[[Document, Config], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    name: str
    family: str
    explanation: str
    detect: Detector
    repairs: bool


RULES: dict[str, Rule] = {}


def rule(name: str, family: str, explanation: str, *, repairs: bool = True) -> Callable[[Detector], Detector]:
    """Register ``fn`` as rule ``name`` with a one-line explanation."""

    def register(fn: Detector) -> Detector:
        if name in RULES:
            raise ValueError(f"rule {name!r} registered twice")
        RULES[name] = Rule(name, family, explanation, fn, repairs)
        return fn

    return register


def finding(
    rule_name: str,
    text: str,
    start: int,
    end: int,
    replacement: str | None,
    message: str,
    confidence: float,
) -> Finding:
    """Build a finding whose ``original`` is read from the text itself."""
    return Finding(rule_name, start, end, text[start:end], replacement, message, confidence)
