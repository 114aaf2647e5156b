"""Every rule, registered on import, and the order the pipeline applies them in.

Order matters: encoding is fixed before anything reads words; whole lines
(metadata, boilerplate) go before structure, so a removed banner cannot glue two
paragraphs; the paragraph-joint style is learned before the specific break rules
erase its evidence; token rules read the rejoined sentences; the glossary sees
finished words; flag-only rules run last, on the repaired text. Corpus-level
repeated lines go right after hard_wrap: whole lines, like boilerplate, but read
once wrapped paragraphs are whole lines again, so a fragment of a wrapped
paragraph is never mistaken for a short repeated line.
"""

from mtrepair.rules import breaks, encoding, language, lines, repeated, terms, tokens

PIPELINE: tuple[str, ...] = (
    "line_endings",
    "html_entities",
    "mojibake",
    "lossy_encoding",
    "metadata",
    "boilerplate_line",
    "boilerplate",
    "photo_credit",
    "duplicate_line",
    "stray_whitespace",
    "hyphenation",
    "hard_wrap",
    "repeated_lines",
    "paragraph_joint",
    "abbreviation_break",
    "orphan_fragment",
    "quote_split",
    "excess_blank_lines",
    "missing_space",
    "doubled_word",
    "stray_quote",
    "quote_before_stop",
    "glossary",
    "unbalanced_quote",
    "sentence_fragment",
    "deleted_text",
    "language_mix",
)

__all__ = ["PIPELINE", "breaks", "encoding", "language", "lines", "repeated", "terms", "tokens"]
