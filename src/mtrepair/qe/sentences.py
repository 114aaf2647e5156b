"""Garble scores for the sentences of a whole document (``detect`` and ``clean --report``).

``mtrepair qe`` scores line-aligned files; a scraped article has no source and its
lines are paragraphs or worse, so here the text is cut into sentences by the
same abbreviation-aware segmenter the rules use, each sentence is scored with
the fluency-only weights (no source, no model, ~0.6 MB/s), and the scores keep
their character offsets so a reviewer can jump from a score to the text.

The fluency-only score is calibrated to post-editing effort on MLQE-PE, where
fluent-but-wrong output dominates: it ranges narrowly (most clean news
sentences score 0.3–0.45) and ranks sentences within a document better than it
judges one in isolation. Meaning errors in fluent English stay invisible
without a source or a clean version (``clean --reference`` finds those).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mtrepair.qe import estimate
from mtrepair.segment import Document

# ``detect --format text`` prints the sentences scoring at least this much; JSON has them all.
DEFAULT_SHOW = 0.45
# A sentence longer than this is scored on its first MAX_CHARS characters:
# the signals are rates and means, and a scraper's 50 MB "sentence" must stay linear.
MAX_CHARS = 2000


@dataclass(frozen=True)
class SentenceGarble:
    """The garble score of one sentence, located in the scored text."""

    start: int
    end: int
    line: int  # 1-based line of ``start``
    score: float
    reasons: tuple[str, ...]  # the signals that raised the score most

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
        }


def garble_sentences(text: str, lang: str = "auto") -> list[SentenceGarble]:
    """Every non-blank sentence of ``text`` with its fluency-only garble score.

    ``lang`` is the document language (``auto``: guessed as the rules guess it);
    it selects the word-frequency list of the fluency signals.
    """
    doc = Document(text, lang)
    spans = [s for s in doc.sentences if text[s.start : s.end].strip()]
    if not spans:
        return []
    sentences = [" ".join(text[s.start : min(s.end, s.start + MAX_CHARS)].split()) for s in spans]
    scored = estimate(sentences, mt_lang=doc.lang)
    return [
        SentenceGarble(
            s.start, s.end, doc.line_of(s.start), r.score, tuple(name for name, _ in r.top_reasons(2))
        )
        for s, r in zip(spans, scored, strict=True)
    ]


def garble_entry(text: str, lang: str = "auto") -> dict[str, Any]:
    """The ``garble`` block of a report entry: which weights scored it, then every sentence."""
    return {
        "weights": "fluency",
        "located_in": "output",
        "sentences": [g.as_dict() for g in garble_sentences(text, lang)],
    }
