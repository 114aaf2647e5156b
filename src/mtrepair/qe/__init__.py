"""Reference-free quality estimation: a per-sentence garble score with its signals.

``estimate`` gives every line of a translation a score in [0, 1] (0 clean,
1 garbled) and the signals behind it:

- fluency signals on the translation alone (:mod:`mtrepair.qe.fluency`), no model;
- with the source: model-free adequacy checks (:mod:`mtrepair.qe.adequacy`) and
  the cross-lingual similarity of a multilingual encoder (:mod:`mtrepair.qe.embed`);
- combined by a ridge regression fitted to post-editing effort (HTER) on MLQE-PE
  (:mod:`mtrepair.qe.model`, weights in ``weights.json``).

Which combination is used follows from the inputs: ``fluency`` without a source,
the encoder's name (``e5`` by default, ``use-multilingual``) with one, ``none``
for a source but no encoder (nothing beyond the base install is needed).

Optionally a local causal or masked language model (``lm_path``) adds
``lm_surprisal`` and ``lm_z`` (:mod:`mtrepair.qe.lm`); they change the score only
with an explicit ``lm_weight``, because no LM could be fitted on MLQE-PE here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mtrepair.callable_module import make_callable
from mtrepair.errors import ConfigError, InputError
from mtrepair.qe.adequacy import ADEQUACY_SIGNALS, adequacy_signals
from mtrepair.qe.fluency import FLUENCY_SIGNALS, fluency_signals
from mtrepair.qe.lm import LM_SIGNALS
from mtrepair.qe.model import Weights, load_weights

if TYPE_CHECKING:  # pragma: no cover - typing only
    from mtrepair.glossary import Matcher

MODELS = ("e5", "use-multilingual", "none")
SIMILARITY_SIGNALS: dict[str, str] = {
    "dissimilarity": "1 - cosine of the source and translation embeddings",
    "centered_dissimilarity": "1 - cosine after removing each language's mean embedding",
    "weak_margin": "similarity to an average source minus similarity to its own source",
}
SIGNALS: dict[str, str] = {**FLUENCY_SIGNALS, **ADEQUACY_SIGNALS, **SIMILARITY_SIGNALS, **LM_SIGNALS}


@dataclass(frozen=True)
class SentenceQE:
    """The estimate for one input line.

    ``signals`` holds every signal computed (see :data:`SIGNALS`; a blank line
    has only ``blank``), ``contributions`` each fitted signal's weight · z, so
    the score minus the intercept is their sum (before clipping and floors).
    """

    line: int  # 1-based
    score: float
    signals: dict[str, float] = field(default_factory=dict)
    contributions: dict[str, float] = field(default_factory=dict)

    def top_reasons(self, n: int = 3) -> list[tuple[str, float]]:
        """The signals that raised the score most, largest first (positive contributions only)."""
        ranked = sorted(self.contributions.items(), key=lambda kv: kv[1], reverse=True)
        return [(k, v) for k, v in ranked[:n] if v > 0.005]


MODES = ("auto", "learned", *MODELS)


def resolve_model(model: str, *, mt_lang: str = "en", hand_weighted_options: bool = False) -> str:
    """The scorer ``mtrepair qe --model`` asks for: ``learned`` or one of :data:`MODELS`.

    ``auto`` (the default) is the model learned from MLQE-PE post-edits
    (:mod:`mtrepair.qe.learned`) for English MT, unless an option of the
    hand-weighted scores is given (``--lm``, ``--weights``: they only exist
    there), in which case it is ``e5`` as before issue 18 (fluency-only without a
    source). MT in another language has no learned model: ``auto`` then means
    ``none`` (fluency signals, plus the model-free adequacy checks with a source),
    and an explicit ``learned`` is a :class:`ConfigError`.
    """
    if model not in MODES:
        raise ConfigError(f"unknown QE model {model!r}; use one of: {', '.join(MODES)}")
    if model == "learned" and mt_lang != "en":
        raise ConfigError(
            f"the learned QE model scores English MT only (MLQE-PE's post-edits), not {mt_lang!r}; "
            "drop --model learned or pass --model none"
        )
    if model != "auto":
        return model
    if hand_weighted_options:
        return "e5"
    return "learned" if mt_lang == "en" else "none"


def combination(src_given: bool, model: str) -> str:
    """Name of the weights to use for these inputs (see the module docstring)."""
    if model not in MODELS:
        raise ConfigError(f"unknown QE model {model!r}; use one of: {', '.join(MODELS)}")
    return model if src_given else "fluency"


def compute_signals(
    mts: Sequence[str],
    *,
    srcs: Sequence[str] | None = None,
    src_lang: str | None = None,
    mt_lang: str = "en",
    model: str = "e5",
    glossary: Matcher | None = None,
    centroids: dict[str, list[float]] | None = None,
    lm_path: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, float]]:
    """All signals of every line pair (blank lines included; their signals are empty).

    Separate from scoring so that a benchmark or a fit can compute signals once
    and combine them many ways. ``lm_path`` (a local Hugging Face causal or
    masked LM directory) adds ``lm_surprisal`` and ``lm_z``, z taken over the
    non-blank lines of ``mts``.
    """
    if srcs is not None:
        if src_lang is None:
            raise ConfigError("a source needs its language: pass --src-lang (e.g. ro, ru, ar)")
        if len(srcs) != len(mts):
            raise InputError(
                f"source has {len(srcs)} lines but the translation has {len(mts)}; "
                "qe compares them line by line"
            )
    keep = [i for i, t in enumerate(mts) if t.strip()]
    kept_mt = [mts[i] for i in keep]
    rows: list[dict[str, float]] = [{} for _ in mts]
    flu = fluency_signals(kept_mt, mt_lang)
    for i, sig in zip(keep, flu, strict=True):
        rows[i].update(sig)
    if lm_path is not None:
        from mtrepair.qe.lm import lm_signals

        for i, sig in zip(keep, lm_signals(kept_mt, lm_path), strict=True):
            rows[i].update(sig)
    if srcs is not None and src_lang is not None:
        kept_src = [srcs[i] for i in keep]
        adq = adequacy_signals(kept_src, kept_mt, src_lang=src_lang, mt_lang=mt_lang, matcher=glossary)
        for i, sig in zip(keep, adq, strict=True):
            rows[i].update(sig)
        if model != "none" and keep:
            from mtrepair.qe.embed import model_signals

            shipped = centroids if centroids is not None else _centroids(model)
            sims = model_signals(
                model,
                kept_src,
                kept_mt,
                src_lang=src_lang,
                mt_lang=mt_lang,
                shipped_centroids=shipped,
                progress=progress,
            )
            for i, sig in zip(keep, sims, strict=True):
                rows[i].update(sig)
    return rows


def _centroids(model: str) -> dict[str, list[float]]:
    return {k: list(v) for k, v in load_weights(model).centroids.items()}


def with_lm_weight(weights: Weights, lm_weight: float) -> Weights:
    """``weights`` plus ``lm_weight · lm_z`` in the linear part (the user's choice, not fitted).

    ``lm_z`` is already a z-score, so it enters with mean 0 and scale 1.
    """
    if not math.isfinite(lm_weight) or lm_weight < 0:
        raise ConfigError(
            f"--lm-weight must be a number >= 0 (higher surprisal = more garbled), not {lm_weight}"
        )
    if lm_weight == 0:
        return weights
    return replace(
        weights,
        signals=(*weights.signals, "lm_z"),
        mean=(*weights.mean, 0.0),
        std=(*weights.std, 1.0),
        weight=(*weights.weight, lm_weight),
    )


def score_rows(
    rows: Sequence[dict[str, float]],
    weights: Weights,
    *,
    srcs: Sequence[str] | None = None,
    lm_weight: float = 0.0,
) -> list[SentenceQE]:
    """Combine precomputed signals into :class:`SentenceQE` results.

    A blank translation line scores 1 when its source line has text (nothing
    was translated) and 0 otherwise (nothing to garble). ``lm_weight`` > 0 adds
    ``lm_weight · lm_z`` to the linear part (see :mod:`mtrepair.qe.lm`).
    """
    weights = with_lm_weight(weights, lm_weight)
    out: list[SentenceQE] = []
    for n, sig in enumerate(rows, start=1):
        if not sig:
            missing = srcs is not None and bool(srcs[n - 1].strip())
            out.append(SentenceQE(n, 1.0 if missing else 0.0, {"blank": 1.0}))
            continue
        out.append(SentenceQE(n, weights.score(sig), dict(sig), weights.contributions(sig)))
    return out


def estimate(
    mts: Sequence[str],
    *,
    srcs: Sequence[str] | None = None,
    src_lang: str | None = None,
    mt_lang: str = "en",
    model: str = "e5",
    glossary: Matcher | None = None,
    weights_path: Path | None = None,
    lm_path: Path | None = None,
    lm_weight: float = 0.0,
    progress: Callable[[int], None] | None = None,
) -> list[SentenceQE]:
    """Garble score and signals for every line of ``mts`` (``srcs`` line-aligned, optional).

    ``lm_path`` adds the LM signals; they move the score only when ``lm_weight`` > 0.
    ``progress`` is advanced as the encoder embeds (both sides: 2 per pair).
    """
    if lm_weight and lm_path is None:
        raise ConfigError("--lm-weight weighs the language model's signal: pass --lm DIR too")
    name = combination(srcs is not None, model)
    weights = load_weights(name, weights_path)
    scoring = with_lm_weight(weights, lm_weight)  # a bad weight fails before any model loads
    rows = compute_signals(
        mts,
        srcs=srcs,
        src_lang=src_lang,
        mt_lang=mt_lang,
        model=model,
        glossary=glossary,
        centroids={k: list(v) for k, v in weights.centroids.items()},
        lm_path=lm_path,
        progress=progress,
    )
    return score_rows(rows, scoring, srcs=srcs)


def finite(value: float) -> float | None:
    """``value`` for JSON (``None`` for nan: JSON has no NaN)."""
    return None if math.isnan(value) else value


__all__ = [
    "ADEQUACY_SIGNALS",
    "FLUENCY_SIGNALS",
    "LM_SIGNALS",
    "MODELS",
    "MODES",
    "SIGNALS",
    "SIMILARITY_SIGNALS",
    "SentenceQE",
    "Weights",
    "combination",
    "compute_signals",
    "estimate",
    "resolve_model",
    "score_rows",
    "with_lm_weight",
]


make_callable(__name__, "qe")  # mtrepair.qe(...) is mtrepair.api.qe(...)
