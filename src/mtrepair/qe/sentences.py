"""Garble scores for the sentences of a whole document (``detect``, ``clean --report``, review page).

``mtrepair qe`` scores line-aligned files; a scraped article has no source and its
lines are paragraphs or worse, so here the text is cut into sentences by the
same abbreviation-aware segmenter the rules use, each sentence is scored, and
the scores keep their character offsets so a reviewer can jump from a score to
the text.

Which model scores (:func:`garble_model`):

- English: the no-source model learned from MLQE-PE post-edits
  (:mod:`mtrepair.qe.learned`). The score is its predicted HTER clipped to
  [0, 1], "the share of words a post-editor would change", so 0.3 means the same
  thing on every document (:data:`DEFAULT_SHOW`); each sentence also carries the
  words whose P(BAD) passes the model's word threshold (tuned for MCC on train)
  with their offsets, and its reasons name the features with their values.
- Any other language: MLQE-PE has no post-edited text in it, so the fluency
  signals with the shipped ridge weights score it (:mod:`mtrepair.qe.fluency`),
  and the block says so (``weights: "fluency"`` and a ``note``).

Both models judge fluency only: a fluent sentence with a wrong word stays
invisible without a source or a clean version (``clean --reference`` finds those).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mtrepair.segment import Document

# ``detect --format text`` prints the sentences scoring at least this much; JSON has them all.
# 0.3 is MLQE-PE's "needed heavy post-editing" line (issue 18): a predicted HTER, so the same
# threshold means the same share of words to fix in every document.
DEFAULT_SHOW = 0.3
# A sentence longer than this is scored on its first MAX_CHARS characters:
# the signals are rates and means, and a scraper's 50 MB "sentence" must stay linear.
MAX_CHARS = 2000
LEARNED_LANGS = frozenset({"en"})  # target languages the learned model was trained on


@dataclass(frozen=True)
class SentenceGarble:
    """The garble score of one sentence, located in the scored text.

    ``words`` are (start, end, P(BAD)) of the tokens the learned model flags,
    offsets in the scored text (empty for the fluency model).
    """

    start: int
    end: int
    line: int  # 1-based line of ``start``
    score: float
    reasons: tuple[str, ...]  # the signals that raised the score most, "name=value"
    words: tuple[tuple[int, int, float], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
        }
        if self.words:
            out["words"] = [{"start": a, "end": b, "p_bad": round(p, 3)} for a, b, p in self.words]
        return out


def garble_model(lang: str) -> str:
    """``learned`` for a language the learned model covers, else ``fluency``."""
    return "learned" if lang in LEARNED_LANGS else "fluency"


@dataclass(frozen=True)
class Scored:
    """One text's score, its reasons ("name=value", with the words where they peak) and the
    words the learned model flags as (start, end, P(BAD)) offsets into that text."""

    score: float
    reasons: tuple[str, ...]
    words: tuple[tuple[int, int, float], ...] = ()


def score_texts(texts: Sequence[str], lang: str) -> list[Scored]:
    """Score each text (a sentence) with the model for ``lang`` (:func:`garble_model`).

    A text longer than :data:`MAX_CHARS` is scored on its first MAX_CHARS characters.
    """
    if not texts:
        return []
    cut = [t[:MAX_CHARS] for t in texts]
    flat = [" ".join(t.split()) for t in cut]
    if garble_model(lang) != "learned":
        from mtrepair.qe import estimate

        return [
            Scored(r.score, tuple(f"{name}={r.signals.get(name, 0.0):.3g}" for name, _ in r.top_reasons(2)))
            for r in estimate(flat, mt_lang=lang)
        ]
    from mtrepair.qe.learned import TOKEN, load_model, score

    model = load_model()
    out = []
    for text, r in zip(cut, score(flat, model=model), strict=True):
        # The tokens of the raw text are those of the whitespace-normalised one that was scored
        # (a token never spans whitespace), so the i-th match is the i-th token.
        words = tuple(
            (m.start(), m.end(), p)
            for m, p in zip(TOKEN.finditer(text), r.token_bad, strict=False)
            if p >= model.word_threshold and m.group()[0].isalnum()
        )
        out.append(Scored(r.garble, tuple(r.explain(contributions=False)), words))
    return out


def garble_sentences(text: str, lang: str = "auto", *, doc: Document | None = None) -> list[SentenceGarble]:
    """Every non-blank sentence of ``text`` with its garble score (see the module docstring).

    ``lang`` is the document language (``auto``: guessed as the rules guess it);
    ``doc`` a :class:`Document` of ``text`` already built by the caller.
    """
    if doc is None or doc.text != text:
        doc = Document(text, lang)
    spans = [(s.start, s.end) for s in doc.sentences if text[s.start : s.end].strip()]
    if not spans:
        return []
    scored = score_texts([text[a:b] for a, b in spans], doc.lang)
    return [
        SentenceGarble(
            a, b, doc.line_of(a), g.score, g.reasons, tuple((a + x, a + y, p) for x, y, p in g.words)
        )
        for (a, b), g in zip(spans, scored, strict=True)
    ]


def garble_entry(text: str, lang: str = "auto") -> dict[str, Any]:
    """The ``garble`` block of a report entry: which model scored it, then every sentence."""
    doc = Document(text, lang)
    block: dict[str, Any] = {"weights": garble_model(doc.lang), "located_in": "output"}
    if block["weights"] == "learned":
        from mtrepair.qe.learned import MODEL_FILE

        block["model"] = MODEL_FILE
        block["score"] = "predicted HTER (share of words a post-editor would change), clipped to [0, 1]"
    else:
        block["note"] = f"no learned model for {doc.lang!r} (MLQE-PE post-edits are English): fluency signals"
    block["sentences"] = [g.as_dict() for g in garble_sentences(text, lang, doc=doc)]
    return block
