"""MT quality metrics through sacrebleu: corpus and sentence scores, signatures, significance.

Every number comes from sacrebleu's own metric classes, configured by
:class:`Options` the way the sacrebleu CLI configures them for the same flags
(``-tok``, ``-lc``, ``--force``, ``-w``, ``--chrf-word-order``), so a score here
is the score the sacrebleu CLI prints for the same files and flags, and every
score carries its sacrebleu signature. Paired significance tests are sacrebleu's
``PairedTest`` (paired bootstrap resampling or approximate randomization); its
seed (``SACREBLEU_SEED``, default 12345) makes them reproducible. One deliberate
difference: a system identical to the baseline gets p = 1 (see :func:`paired_test`)."""

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
# sacrebleu's SentencePiece tokenizers: each loads a model from SACREBLEU_DIR/models, or downloads it.
SPM_TOKENIZERS = {"spm", "flores101", "flores200", "spBLEU-1K"}
MAX_WIDTH = 16
# sacrebleu warns when this many hypotheses end in a space-separated period.
TOKENIZED_LINES = 100
IDENTICAL_NOTE = "identical to the baseline for this metric"


@dataclass(frozen=True)
class Options:
    """The sacrebleu CLI options that change numbers or signatures, with the CLI's meaning.

    As in sacrebleu, ``tokenize`` and ``lowercase`` are BLEU's (``-tok``, ``-lc``):
    chrF and TER keep their own case handling, so a score here stays the score
    ``sacrebleu -tok X -lc`` prints. ``force`` only silences the tokenized-input
    warning (sacrebleu's signature does not record it). ``chrf_word_order`` is
    ``--chrf-word-order`` for the ``chrf`` metric (0 chrF, 2 chrF++); ``chrf++``
    always means word order 2. ``width`` is ``-w``: decimals of printed scores.
    """

    tokenize: str | None = None
    lowercase: bool = False
    force: bool = False
    chrf_word_order: int | None = None
    width: int = 2

    def __post_init__(self) -> None:
        if not 0 <= self.width <= MAX_WIDTH:
            raise ConfigError(f"width {self.width} out of range; use 0 to {MAX_WIDTH} decimal places")
        if self.chrf_word_order is not None and not 0 <= self.chrf_word_order <= 6:
            raise ConfigError(
                f"chrF word order {self.chrf_word_order} out of range; use 0 (chrF) to 6 (2 is chrF++)"
            )
        if self.tokenize is not None:
            check_tokenizer(self.tokenize)


def check_tokenizer(name: str) -> None:
    """Fail in one line, before scoring, when a BLEU tokenizer cannot run here (and offline).

    sacrebleu would download a SentencePiece model on first use, or fail with a
    multi-line install hint for MeCab: both become a ConfigError that names the fix.
    """
    import os

    import sacrebleu.utils

    if name not in BLEU.TOKENIZERS:
        raise ConfigError(f"unknown tokenizer {name!r}; use one of {', '.join(BLEU.TOKENIZERS)}")
    if name in SPM_TOKENIZERS:
        from sacrebleu.tokenizers.tokenizer_spm import SPM_MODELS

        model = os.path.join(
            sacrebleu.utils.SACREBLEU_DIR, "models", os.path.basename(SPM_MODELS[name]["url"])
        )
        if not os.path.exists(model):
            raise ConfigError(
                f"tokenizer {name!r} needs its SentencePiece model at {model} and mtrepair does not "
                f"download; fetch it once with `sacrebleu -tok {name}` online, "
                "or use 13a, intl, zh, char or none"
            )
    try:
        BLEU(tokenize=name)  # builds the tokenizer: fails here if it cannot run
    except (ImportError, RuntimeError, AssertionError) as exc:
        extras = {"ja-mecab": "ja", "ko-mecab": "ko"}
        if name in extras:
            fix = f"MeCab and its dictionary are missing; pip install 'sacrebleu[{extras[name]}]'"
        else:
            fix = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise ConfigError(f"tokenizer {name!r} is not usable here: {fix}") from None


@dataclass(frozen=True)
class SystemScore:
    """One metric of one system; ``p_value``/``ci`` only from a significance test.

    ``name`` is sacrebleu's name for the metric as configured (``BLEU``,
    ``chrF2``, ``chrF2++``, ``TER``), the column title of its tables.
    """

    system: str
    metric: str
    score: float
    signature: str
    formatted: str
    p_value: float | None = None
    mean: float | None = None
    ci: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    name: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "system": self.system,
            "metric": self.metric,
            "score": self.score,
            "signature": self.signature,
            "formatted": self.formatted,
        }
        if self.name:
            out["name"] = self.name
        for k in ("p_value", "mean", "ci"):
            if getattr(self, k) is not None:
                out[k] = float(getattr(self, k))  # sacrebleu returns numpy scalars
        out.update(self.extra)
        return out


def metric(name: str, options: Options | None = None) -> Metric:
    """A sacrebleu metric configured as ``sacrebleu`` would be with the same CLI options."""
    opts = options or Options()
    if name not in METRICS:
        raise ConfigError(f"unknown metric {name!r}; use one of {', '.join(METRICS)}")
    if name == "bleu":
        # force=True: sacrebleu's own check logs three lines; tokenized_warning() says it in one.
        return BLEU(lowercase=opts.lowercase, force=True, tokenize=opts.tokenize)
    if name == "chrf":
        return CHRF(word_order=opts.chrf_word_order or 0)
    if name == "chrf++":
        if opts.chrf_word_order not in (None, 2):
            raise ConfigError(
                f"chrf++ is chrF with word order 2, not {opts.chrf_word_order}; use --metric chrf with it"
            )
        return CHRF(word_order=2)
    return METRICS[name]()


def tokenized_warning(
    system: str, hyps: Sequence[str], metrics: Sequence[str], options: Options
) -> str | None:
    """sacrebleu's check for tokenized BLEU input, as one line (None: nothing to say).

    sacrebleu warns, and still scores, when at least 100 hypotheses end in " ."
    unless ``--force`` says the text really is detokenized; so does mtrepair.
    """
    if options.force or "bleu" not in metrics:
        return None
    count = sum(1 for h in hyps if h.endswith(" ."))
    if count < TOKENIZED_LINES:
        return None
    return (
        f"{system}: {count} lines end in a tokenized period (' .'); BLEU expects detokenized text, "
        "which may change the score (pass --force if the text is detokenized)"
    )


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
    systems: Sequence[tuple[str, Sequence[str]]],
    refs: Sequence[Sequence[str]],
    metrics: Sequence[str],
    options: Options | None = None,
) -> list[SystemScore]:
    opts = options or Options()
    check_lengths(systems, refs)
    out = []
    for name, hyps in systems:
        for m in metrics:
            scorer = metric(m, opts)
            s = scorer.corpus_score(list(hyps), [list(r) for r in refs])
            out.append(
                SystemScore(
                    name,
                    m,
                    float(s.score),
                    str(scorer.get_signature()),
                    s.format(width=opts.width),
                    name=s.name,
                )
            )
    return out


def sentence_scores(
    hyps: Sequence[str],
    refs: Sequence[Sequence[str]],
    metrics: Sequence[str],
    options: Options | None = None,
    *,
    digits: int = 4,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Per-segment scores (rounded to ``digits``) and their signatures.

    BLEU uses effective order, as ``sacrebleu -sl`` does for sentence BLEU.
    """
    opts = options or Options()
    check_lengths([("hyp", hyps)], refs)
    scorers = {m: metric(m, opts) for m in metrics}
    if "bleu" in scorers:
        scorers["bleu"] = BLEU(
            lowercase=opts.lowercase, force=True, tokenize=opts.tokenize, effective_order=True
        )
    rows = []
    for i, h in enumerate(hyps):
        row: dict[str, Any] = {"segment": i + 1}
        for m, scorer in scorers.items():
            row[m] = round(float(scorer.sentence_score(h, [r[i] for r in refs]).score), digits)
        rows.append(row)
    return rows, {m: str(s.get_signature()) for m, s in scorers.items()}


def paired_test(
    systems: Sequence[tuple[str, Sequence[str]]],
    refs: Sequence[Sequence[str]],
    metrics: Sequence[str],
    test: str = "paired-bs",
    n_samples: int = 0,
    options: Options | None = None,
) -> list[SystemScore]:
    """Compare every system with the first (the baseline), as ``sacrebleu --paired-*`` does.

    One correction: a system whose segment statistics equal the baseline's (the
    same text, or text the metric cannot tell apart) gets p = 1 and a note.
    sacrebleu counts resampled differences strictly greater than the observed
    one, so zero differences everywhere give it p = 1/(n+1), e.g. 0.001, which
    reads as "significantly different" from itself.
    """
    if test not in TESTS:
        raise ConfigError(f"unknown test {test!r}; use {' or '.join(TESTS)}")
    if len(systems) < 2:
        raise ConfigError("a significance test needs at least two --hyp files (the first is the baseline)")
    opts = options or Options()
    check_lengths(systems, refs)
    ref_lists = [list(r) for r in refs]
    scorers = {m: metric(m, opts) for m in metrics}
    runner = PairedTest(
        [(n, list(h)) for n, h in systems], scorers, ref_lists, test_type=TESTS[test], n_samples=n_samples
    )
    signatures, results = runner()
    by_key = {_name(s): m for m, s in scorers.items()}
    identical = {
        m: [_same_statistics(s, systems[0][1], hyps, ref_lists) for _, hyps in systems]
        for m, s in scorers.items()
    }
    out = []
    names = results["System"]
    for key, column in results.items():
        if key == "System":
            continue
        m = by_key[key]
        for k, (name, r) in enumerate(zip(names, column, strict=True)):
            assert isinstance(r, Result)
            p_value = getattr(r, "p_value", None)
            extra: dict[str, Any] = {}
            if k > 0 and identical[m][k]:
                p_value, extra = 1.0, {"note": IDENTICAL_NOTE}
            out.append(
                SystemScore(
                    str(name),
                    m,
                    float(r.score),
                    str(signatures[key]),
                    f"{key} = {r.score:.{opts.width}f}",
                    p_value=p_value,
                    mean=getattr(r, "mean", None),
                    ci=getattr(r, "ci", None),
                    extra=extra,
                    name=key,
                )
            )
    return out


def _name(scorer: Metric) -> str:
    """sacrebleu's score name for a configured metric (``chrF2++``): PairedTest's result keys."""
    if isinstance(scorer, BLEU):
        return "BLEU"
    if isinstance(scorer, CHRF):
        return f"chrF{scorer.beta}" + "+" * scorer.word_order
    return "TER"


def _same_statistics(
    scorer: Metric, baseline: Sequence[str], hyps: Sequence[str], refs: list[list[str]]
) -> bool:
    """True when every segment gives the metric the same sufficient statistics as the baseline.

    Uses the statistics PairedTest itself resamples, so "the same" means exactly
    what makes every resampled difference zero.
    """
    if list(hyps) == list(baseline):
        return True
    import numpy as np

    a = scorer._extract_corpus_statistics(list(baseline), refs)
    b = scorer._extract_corpus_statistics(list(hyps), refs)
    return bool(np.array_equal(np.asarray(a), np.asarray(b)))


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
    options: Options | None = None,
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
        for s in paired_test([("before", hyps), ("after", repaired)], refs, metrics, test, n_samples, options)
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
            without = metric(m, options).corpus_score(list(texts), [list(r) for r in refs]).score
            share[rule] = round(after.score - float(without), 4)
        out.append(RepairEffect(m, before, after, after.p_value, share, dict(edits)))
    return out
