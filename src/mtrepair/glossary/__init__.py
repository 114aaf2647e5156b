"""The shared domain glossary: model, matching, maintenance, exchange and term QA."""

from mtrepair.glossary.matcher import Match, Matcher
from mtrepair.glossary.model import (
    Context,
    Entry,
    Glossary,
    GlossaryError,
    default_paths,
    load,
    load_valid,
    validate,
)

__all__ = [
    "Context",
    "Entry",
    "Glossary",
    "GlossaryError",
    "Match",
    "Matcher",
    "default_paths",
    "load",
    "load_valid",
    "validate",
]
