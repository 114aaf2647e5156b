"""The learned models over line-aligned files, as ``mtrepair qe`` and :func:`mtrepair.api.qe` run them.

One flow for the CLI and the API, so both give a line the same score: blank lines
are not scored (a blank MT line scores 1 when its source line has text, since
nothing was translated and every word is still to write, and 0 otherwise, as the
hand-weighted score does), the with-source model scores when it covers the source
language, and otherwise the no-source model scores and :attr:`LearnedLines.source`
says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mtrepair.errors import InputError
from mtrepair.qe.learned import LearnedQE


@dataclass(frozen=True)
class LearnedLines:
    """The learned estimates of every line: ``scored[i]`` for the non-blank line ``i`` (0-based).

    ``source`` describes the use of the source for a report: ``used``, ``lang``, and a
    ``note`` when it was not used.
    """

    n: int
    scored: dict[int, LearnedQE]
    blank_scores: dict[int, float]
    source: dict[str, Any] = field(default_factory=dict)

    def score(self, i: int) -> float:
        """The garble score of line ``i``."""
        hit = self.scored.get(i)
        return hit.garble if hit is not None else self.blank_scores[i]


def learned_lines(
    mts: Sequence[str], srcs: Sequence[str] | None = None, src_lang: str | None = None
) -> LearnedLines:
    """Score every line of ``mts`` (``srcs`` line-aligned, in ``src_lang``) with the learned models."""
    from mtrepair.qe.learned import SRC_MODEL_FILE, score, score_with_source, source_langs

    if srcs is not None and len(srcs) != len(mts):
        raise InputError(
            f"source has {len(srcs)} lines but the translation has {len(mts)}; qe compares them line by line"
        )
    keep = [i for i, t in enumerate(mts) if t.strip()]
    kept = [mts[i] for i in keep]
    source: dict[str, Any] = {"used": False, "note": "no source given"}
    if srcs is not None and src_lang is not None:
        lang = src_lang.strip().lower()
        covered = source_langs()
        if lang in covered:
            source = {"used": True, "lang": lang, "weights": SRC_MODEL_FILE}
            results = score_with_source([srcs[i] for i in keep], kept, lang)
        else:
            source = {
                "used": False,
                "lang": lang,
                "note": f"no learned with-source model for {lang!r} (have: {', '.join(covered)}); "
                "scored without the source",
            }
            results = score(kept)
    else:
        results = score(kept)
    blank = {
        i: 1.0 if srcs is not None and srcs[i].strip() else 0.0 for i in range(len(mts)) if not mts[i].strip()
    }
    return LearnedLines(len(mts), dict(zip(keep, results, strict=True)), blank, source)
