"""Term normalization to the shared domain glossary (see :mod:`mtrepair.glossary`)."""

from __future__ import annotations

from collections.abc import Iterator

from mtrepair.config import Config
from mtrepair.glossary.normalize import key
from mtrepair.model import Finding
from mtrepair.registry import rule
from mtrepair.segment import Document


@rule(
    "glossary", "glossary", "a term variant (Maroto, Ain al-Assad, Grad missiles) becomes the glossary form"
)
def glossary(doc: Document, config: Config) -> Iterator[Finding]:
    if config.terms is None:
        return
    for m in config.terms.find(doc.text, doc.lang):
        # The edit touches only the words that differ ('Al Assad' -> 'al-Asad'); the
        # message names the whole match and the whole form, which a reviewer can check.
        kind = "spelling" if key(m.matched) == key(m.target) else "variant"
        yield Finding(
            "glossary",
            m.start,
            m.end,
            m.original,
            m.replacement,
            f"{m.entry.id} ({m.entry.type}): {m.matched!r} is a {kind} of {m.target!r}",
            0.9,
            m.entry.id,
        )
