"""Every rule, registered on import, and the order the pipeline applies them in.

Order matters: encoding is fixed before anything reads words; whole lines
(metadata, boilerplate) go before structure, so a removed banner cannot glue two
paragraphs; the paragraph-joint style is learned before the specific break rules
erase its evidence; token rules read the rejoined sentences; the glossary sees
finished words; flag-only rules run last, on the repaired text.
"""

from mtrepair.rules import breaks, encoding, language, lines, terms, tokens

PIPELINE: tuple[str, ...] = (
    "line_endings",
    "html_entities",
    "mojibake",
    "metadata",
    "boilerplate",
    "stray_whitespace",
    "hyphenation",
    "hard_wrap",
    "paragraph_joint",
    "abbreviation_break",
    "orphan_fragment",
    "quote_split",
    "excess_blank_lines",
    "doubled_word",
    "stray_quote",
    "glossary",
    "unbalanced_quote",
    "sentence_fragment",
    "language_mix",
)

__all__ = ["PIPELINE", "breaks", "encoding", "language", "lines", "terms", "tokens"]
