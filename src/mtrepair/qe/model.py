"""Combining signals into one garble score: a ridge regression on standardized signals.

Why this model: the signals are few, correlated and individually weak; a linear
model on z-scores is the smallest thing that weighs them, its coefficients can
be read ("one standard deviation more centered dissimilarity adds 0.08 to the
expected HTER"), and it ships as a small JSON file reviewed in git.

The formula, per sentence::

    z_k    = (signal_k − mean_k) / std_k          (a missing signal: z_k = 0)
    hter   = intercept + Σ_k weight_k · z_k
    garble = clip(hter + GLOSSARY_PENALTY · glossary_issues, 0, 1)
    garble = max(garble, foreign_script, foreign_language)

``hter`` estimates the HTER of the sentence (the share of its words a
post-editor changes), so the score reads as "expected share of words to fix".
The two hard floors and the glossary penalty are fixed by hand, not fitted:
MLQE-PE has almost no foreign-script output and no glossary terms, so a fit
cannot learn them, yet a sentence left in Arabic is garbled whatever the
regression says.

Fitting (:func:`fit`) centers every signal and the target within each language
pair before solving: HTER levels differ between pairs (ne-en 0.66, ru-en 0.18)
for reasons the signals cannot see, and the score is meant to rank sentences,
so only within-pair covariation should set the weights. The intercept is the
mean HTER of the training pairs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from mtrepair.errors import ConfigError

GLOSSARY_PENALTY = 0.1
FLOORS = ("foreign_script", "foreign_language")
# Ridge penalty per training row on standardized signals: strong enough that a
# signal which helps on one pair only cannot take a large weight.
DEFAULT_ALPHA = 0.01


@dataclass(frozen=True)
class Weights:
    """One fitted combination: which signals, their scaling and their weights."""

    name: str
    signals: tuple[str, ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]
    weight: tuple[float, ...]
    intercept: float
    fitted_on: str = ""
    centroids: Mapping[str, Sequence[float]] = field(default_factory=dict)

    def linear(self, signals: Mapping[str, float]) -> float:
        """The estimated HTER before the hand-set adjustments."""
        total = self.intercept
        for name, mu, sd, w in zip(self.signals, self.mean, self.std, self.weight, strict=True):
            value = signals.get(name, math.nan)
            if not math.isnan(value):
                total += w * (value - mu) / sd
        return total

    def contributions(self, signals: Mapping[str, float]) -> dict[str, float]:
        """Each signal's share of the estimate (weight · z): the "why" behind a score."""
        out: dict[str, float] = {}
        for name, mu, sd, w in zip(self.signals, self.mean, self.std, self.weight, strict=True):
            value = signals.get(name, math.nan)
            out[name] = 0.0 if math.isnan(value) else w * (value - mu) / sd
        return out

    def score(self, signals: Mapping[str, float]) -> float:
        """The garble score in [0, 1] (see the module docstring for the formula)."""
        value = self.linear(signals) + GLOSSARY_PENALTY * signals.get("glossary_issues", 0.0)
        value = min(1.0, max(0.0, value))
        for name in FLOORS:
            floor = signals.get(name, 0.0)
            if not math.isnan(floor):
                value = max(value, floor)
        return value

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "fitted_on": self.fitted_on,
            "intercept": self.intercept,
            "signals": {
                s: {"mean": m, "std": sd, "weight": w}
                for s, m, sd, w in zip(self.signals, self.mean, self.std, self.weight, strict=True)
            },
            "centroids": {k: list(v) for k, v in self.centroids.items()},
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], source: str) -> Weights:
        try:
            sig = raw["signals"]
            names = tuple(sig)
            return cls(
                name=str(raw["name"]),
                signals=names,
                mean=tuple(float(sig[n]["mean"]) for n in names),
                std=tuple(float(sig[n]["std"]) or 1.0 for n in names),
                weight=tuple(float(sig[n]["weight"]) for n in names),
                intercept=float(raw["intercept"]),
                fitted_on=str(raw.get("fitted_on", "")),
                centroids={k: [float(x) for x in v] for k, v in raw.get("centroids", {}).items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ConfigError(f"{source}: not a QE weights file ({type(exc).__name__}: {exc})") from None


def fit(
    rows: Sequence[Mapping[str, float]],
    target: Sequence[float],
    groups: Sequence[str],
    signals: Sequence[str],
    *,
    name: str,
    alpha: float = DEFAULT_ALPHA,
    fitted_on: str = "",
) -> Weights:
    """Non-negative ridge regression of ``target`` on z-scored ``signals``, centered within each group.

    A missing (nan) signal is set to the training mean (z = 0) before fitting,
    exactly as :meth:`Weights.linear` treats it at prediction time.
    """
    if not rows or len(rows) != len(target) or len(rows) != len(groups):
        raise ValueError("rows, target and groups must be non-empty and of one length")
    x = np.array([[r.get(s, math.nan) for s in signals] for r in rows], dtype=np.float64)
    y = np.asarray(target, dtype=np.float64)
    mean = np.nanmean(np.where(np.isnan(x), np.nan, x), axis=0)
    mean = np.where(np.isnan(mean), 0.0, mean)
    std = np.nanstd(x, axis=0)
    std = np.where(np.isnan(std) | (std < 1e-12), 1.0, std)
    z = np.nan_to_num((x - mean) / std)
    zc = z.copy()
    yc = y.copy()
    labels = np.asarray(groups)
    for g in np.unique(labels):
        sel = labels == g
        zc[sel] -= zc[sel].mean(axis=0)
        yc[sel] -= yc[sel].mean()
    weight = _nonnegative_ridge(zc.T @ zc / len(y), zc.T @ yc / len(y), alpha)
    # Intercept: the pooled mean HTER, corrected for the mean z of the pooled rows
    # (zero by construction, kept explicit for clarity).
    intercept = float(y.mean() - z.mean(axis=0) @ weight)
    return Weights(
        name=name,
        signals=tuple(signals),
        mean=tuple(float(v) for v in mean),
        std=tuple(float(v) for v in std),
        weight=tuple(float(v) for v in weight),
        intercept=intercept,
        fitted_on=fitted_on,
    )


def _nonnegative_ridge(gram: np.ndarray, cov: np.ndarray, alpha: float, sweeps: int = 500) -> np.ndarray:
    """Minimize ½wᵀGw − cᵀw + ½α‖w‖² subject to w ≥ 0, by cyclic coordinate descent.

    Why non-negative: every signal is oriented so that more means more garbled.
    A fit that gives one a negative weight has learned a quirk of the training
    pairs (on MLQE-PE, long or rare-bigram sentences are sometimes easier), and
    such weights were what made the combination generalize worse to a held-out
    pair than the similarity alone. With the sign fixed, a signal either helps or
    drops out (weight 0).
    """
    n = len(cov)
    w = np.zeros(n)
    diag = np.diag(gram) + alpha
    for _ in range(sweeps):
        largest = 0.0
        for k in range(n):
            residual = cov[k] - gram[k] @ w + gram[k, k] * w[k]
            new = max(0.0, residual / diag[k])
            largest = max(largest, abs(new - w[k]))
            w[k] = new
        if largest < 1e-10:
            break
    return w


WEIGHTS_FILE = "weights.json"


@cache
def _shipped() -> dict[str, Any]:
    text = resources.files("mtrepair.qe").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def shipped_names() -> list[str]:
    """Names of the shipped combinations (``fluency``, ``none``, ``e5``, ...)."""
    return list(_shipped()["models"])


def load_weights(name: str, path: Path | None = None) -> Weights:
    """The combination called ``name`` from the shipped file or from ``path``."""
    if path is None:
        data, source = _shipped(), WEIGHTS_FILE
    else:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: weights file not found") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ConfigError(f"{path}: cannot read QE weights ({exc})") from None
        source = str(path)
    models = data.get("models") if isinstance(data, dict) else None
    if not isinstance(models, dict):
        raise ConfigError(f"{source}: not a QE weights file (no 'models' object)")
    if name not in models:
        raise ConfigError(f"{source}: no weights for {name!r}; it has: {', '.join(models)}")
    return Weights.from_dict(models[name], source)
