"""MT quality metrics through sacrebleu: corpus and sentence scores, signatures, significance.

Every number comes from sacrebleu's own metric classes with their defaults, so a
score here is the score the sacrebleu CLI prints for the same files, and every
score carries its sacrebleu signature. Paired significance tests are sacrebleu's
``PairedTest`` (paired bootstrap resampling or approximate randomization); its
seed (``SACREBLEU_SEED``, default 12345) makes them reproducible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sacrebleu.metrics.base import Metric
from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF
from sacrebleu.metrics.ter import TER
from sacrebleu.significance import PairedTest, Result

from mtrepair.errors import ConfigError, InputError

METRICS: dict[str, Callable[[], Metric]] = {
    "bleu": BLEU,
    "chrf": CHRF,
    "chrf++": lambda: CHRF(word_order=2),
    "ter": TER,
}
TESTS = {"paired-bs": "bs", "paired-ar": "ar"}


@dataclass(frozen=True)
class SystemScore:
    """One metric of one system; ``p_value``/``ci`` only from a significance test."""

    system: str
    metric: str
    score: float
    signature: str
    formatted: str
    p_value: float | None = None
    mean: float | None = None
    ci: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "system": self.system,
            "metric": self.metric,
            "score": self.score,
            "signature": self.signature,
            "formatted": self.formatted,
        }
        for k in ("p_value", "mean", "ci"):
            if getattr(self, k) is not None:
                out[k] = float(getattr(self, k))  # sacrebleu returns numpy scalars
        return out


def metric(name: str) -> Metric:
    try:
        return METRICS[name]()
    except KeyError:
        raise ConfigError(f"unknown metric {name!r}; use one of {', '.join(METRICS)}") from None


def check_lengths(systems: Sequence[tuple[str, Sequence[str]]], refs: Sequence[Sequence[str]]) -> None:
    """All files must have one line per segment, the same number everywhere."""
    n = len(refs[0]) if refs else 0
    for i, r in enumerate(refs):
        if len(r) != n:
            raise InputError(
                f"reference {i + 1} has {len(r)} lines, reference 1 has {n}; files must be line-aligned"
            )
    for name, hyps in systems:
        if len(hyps) != n:
            raise InputError(
                f"{name}: {len(hyps)} lines but the references have {n}; files must be line-aligned"
            )


def corpus_scores(
    systems: Sequence[tuple[str, Sequence[str]]], refs: Sequence[Sequence[str]], metrics: Sequence[str]
) -> list[SystemScore]:
    check_lengths(systems, refs)
    out = []
    for name, hyps in systems:
        for m in metrics:
            scorer = metric(m)
            s = scorer.corpus_score(list(hyps), [list(r) for r in refs])
            out.append(SystemScore(name, m, float(s.score), str(scorer.get_signature()), str(s)))
    return out


def sentence_scores(
    hyps: Sequence[str], refs: Sequence[Sequence[str]], metrics: Sequence[str]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Per-segment scores and their signatures (BLEU with effective order, as sacrebleu advises)."""
    check_lengths([("hyp", hyps)], refs)
    scorers = {m: metric(m) for m in metrics}
    if "bleu" in scorers:
        scorers["bleu"] = BLEU(effective_order=True)
    rows = []
    for i, h in enumerate(hyps):
        row: dict[str, Any] = {"segment": i + 1}
        for m, scorer in scorers.items():
            row[m] = round(float(scorer.sentence_score(h, [r[i] for r in refs]).score), 4)
        rows.append(row)
    return rows, {m: str(s.get_signature()) for m, s in scorers.items()}


def paired_test(
    systems: Sequence[tuple[str, Sequence[str]]],
    refs: Sequence[Sequence[str]],
    metrics: Sequence[str],
    test: str = "paired-bs",
    n_samples: int = 0,
) -> list[SystemScore]:
    """Compare every system with the first (the baseline), as ``sacrebleu --paired-*`` does."""
    if test not in TESTS:
        raise ConfigError(f"unknown test {test!r}; use {' or '.join(TESTS)}")
    if len(systems) < 2:
        raise ConfigError("a significance test needs at least two --hyp files (the first is the baseline)")
    check_lengths(systems, refs)
    ref_lists = [list(r) for r in refs]
    scorers: dict[str, Metric] = {}
    for m in metrics:
        factory = METRICS.get(m)
        if factory is None:
            raise ConfigError(f"unknown metric {m!r}; use one of {', '.join(METRICS)}")
        scorers[m] = factory()
    runner = PairedTest(
        [(n, list(h)) for n, h in systems], scorers, ref_lists, test_type=TESTS[test], n_samples=n_samples
    )
    signatures, results = runner()
    out = []
    names = results["System"]
    for key, column in results.items():
        if key == "System":
            continue
        m = next(name for name, s in scorers.items() if key.startswith(_short(s)))
        for name, r in zip(names, column, strict=True):
            assert isinstance(r, Result)
            out.append(
                SystemScore(
                    str(name),
                    m,
                    float(r.score),
                    str(signatures[key]),
                    f"{key} = {r.score:.2f}",
                    p_value=getattr(r, "p_value", None),
                    mean=getattr(r, "mean", None),
                    ci=getattr(r, "ci", None),
                )
            )
    return out


def _short(scorer: Metric) -> str:
    return {"BLEU": "BLEU", "CHRF": "chrF", "TER": "TER"}[type(scorer).__name__]


@dataclass(frozen=True)
class RepairEffect:
    """What ``clean`` did to a metric: before, after, significance, and each rule's share."""

    metric: str
    before: SystemScore
    after: SystemScore
    p_value: float | None
    attribution: dict[str, float]  # rule -> (score with all rules) - (score with that rule off)
    edits: dict[str, int]  # rule -> number of edits over the whole input

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "before": self.before.as_dict(),
            "after": self.after.as_dict(),
            "delta": self.after.score - self.before.score,
            "p_value": self.p_value,
            "attribution": self.attribution,
            "edits": self.edits,
        }


def repair_effect(
    hyps: Sequence[str],
    refs: Sequence[Sequence[str]],
    metrics: Sequence[str],
    config: Any,
    *,
    test: str = "paired-bs",
    n_samples: int = 0,
) -> list[RepairEffect]:
    """Score ``hyps`` before and after ``clean`` and attribute the change to rules by ablation.

    Each segment is cleaned on its own (segments stay line-aligned with the
    references). The attribution of a rule is the metric with every rule on minus
    the metric with only that rule off; attributions need not sum to the total
    change, since rules interact (a rejoin can enable a later repair).
    """
    from collections import Counter
    from dataclasses import replace

    from mtrepair.pipeline import clean_text

    check_lengths([("hyp", hyps)], refs)
    results = [clean_text(h, config) for h in hyps]
    repaired = [r.text for r in results]
    edits = Counter(e.rule for r in results for e in r.edits)
    tested = {
        (s.system, s.metric): s
        for s in paired_test([("before", hyps), ("after", repaired)], refs, metrics, test, n_samples)
    }
    ablated: dict[str, list[str]] = {
        rule: [clean_text(h, replace(config, disabled=config.disabled | {rule})).text for h in hyps]
        for rule in sorted(edits)
    }
    out = []
    for m in metrics:
        before, after = tested[("before", m)], tested[("after", m)]
        share = {}
        for rule, texts in ablated.items():
            without = metric(m).corpus_score(list(texts), [list(r) for r in refs]).score
            share[rule] = round(after.score - float(without), 4)
        out.append(RepairEffect(m, before, after, after.p_value, share, dict(edits)))
    return out
