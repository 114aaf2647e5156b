"""Learned no-source quality estimation: MT English vs post-edited English (issue 18, first slice).

Why: the hand-made fluency signals of :mod:`mtrepair.qe.fluency` barely tell a
garbled sentence from its own post-edit (NMT output is fluent even when wrong).
MLQE-PE's training split holds 35,000 English MT outputs with their human
post-edits and word-level OK/BAD tags; what post-editors fix again and again
(a word that is usually wrong, a collocation that only MT writes) can be
learned from it without the source. This module is the inference half: it
needs only numpy and the shipped file ``learned_qe.json.gz`` written by
:mod:`mtrepair.qe.train` (``benchmarks/train_qe.py``).

What the shipped file holds and how a sentence is scored:

- two pruned bigram language models over lower-cased tokens (digits mapped to
  ``0``), one of post-edited English (PE) and one of raw MT English, with
  interpolated absolute discounting; log-probabilities are quantized. Per
  token the log-likelihood ratio ``log P_mt − log P_pe`` says how much more an
  MT system than a post-editor writes this word after the previous one;
- per-word BAD rates from the MT word tags, smoothed towards the overall rate
  so that a word seen twice does not claim 0 or 1, and the same rate for a
  word after its previous word (for the stored bigrams), smoothed towards the
  word's own rate;
- two gradient-boosted tree ensembles (exported from scikit-learn to plain
  numbers, so inference does not need scikit-learn): one predicts HTER (the
  share of words a post-editor changes), one P(HTER ≥ 0.3);
- a logistic model for P(BAD) per token from the BAD rate, the LLR context and
  word rarity.

With the source (:func:`score_with_source`, second file ``learned_qe_src.json.gz``): per
source language (ro, ru, et, ne, si: MLQE-PE's X→English pairs) pruned IBM Model 1 tables in
both directions, source→post-edit and post-edit→source, and a gradient-boosted HTER model over
how well the MT words are explained by the source words, how well the source words are covered
by the MT words (omissions), length ratio, numbers, plus all no-source features and the
no-source predicted HTER. Another source language falls back to the no-source model.

Tokens are found by a regex that splits like Moses for English ("hadn't" →
``hadn 't``, "word," → ``word ,``) but does not depend on spacing, so running
text and MLQE-PE's Moses-tokenized lines yield the same tokens and scores.
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
from collections import Counter as Counter_
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import regex

from mtrepair.qe.fluency import lexicon, sentence_signals

MODEL_FILE = "learned_qe.json.gz"
BOS, EOS, UNK = "<s>", "</s>", "<unk>"
# A token whose bigram is this much (nats) more likely under the MT LM than the
# PE LM counts as "strongly MT-leaning".
STRONG_LLR = 1.0

TOKEN = regex.compile(
    r"(?i)"
    r"\p{L}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*"  # words, inner hyphens kept (as Moses does)
    r"|['’](?:s|t|re|ve|ll|d|m)(?![\p{L}\p{M}])"  # English clitics split off as Moses does: 't 's 're
    r"|\d+(?:[.,]\d+)*"
    r"|[^\s\p{L}\p{M}\d]"
)
_DIGIT = regex.compile(r"\d")
# Spacing that only tokenized text has: a space before a comma or final stop, a split clitic.
_TOKENIZED = regex.compile(r" [,.;:!?](?: |\Z)|\p{L} '(?:t|s|re|ve|ll|d|m)\b")

# Signals of mtrepair.qe.fluency used as features (length is replaced by token count).
FLUENCY_FEATURES = (
    "rare_word_rate",
    "unknown_word_rate",
    "unknown_name_rate",
    "word_rarity",
    "unseen_bigram_rate",
    "bigram_surprisal",
    "repetition",
    "no_verb",
    "lowercase_start",
    "no_final_punct",
    "odd_punctuation",
    "foreign_script",
)
LM_FEATURES = (
    "tokens",
    "llr_mean",
    "llr_max",
    "llr_min",
    "llr_strong_share",
    "uni_llr_mean",
    "uni_llr_max",
    "pe_logprob_mean",
    "pe_logprob_min",
    "oov_rate",
    "bad_rate_mean",
    "bad_rate_max",
    "bad_rate_top3",
    "ctx_bad_mean",
    "ctx_bad_max",
    "ctx_bad_top3",
)
FEATURES = LM_FEATURES + FLUENCY_FEATURES
# A sentence in another script or language is garbled for an English reader however its words
# look to the LMs (MLQE-PE's MT is always English, so no tree learned this): the score is at
# least these signals of mtrepair.qe.fluency, as the hand-weighted score does (qe/model.py).
FLOORS = ("foreign_script", "foreign_language")
# 0/1 flags: an absent flag (0) can route a tree towards higher HTER, but it does not
# explain a garbled sentence to a reader, so it is not offered as a reason.
_FLAGS = frozenset({"no_verb", "lowercase_start", "no_final_punct"})
# Features that are never a reason: length only sets the prior (long sentences need more edits).
_NOT_REASONS = frozenset({"tokens", "src_tokens", "llr_min", "len_ratio"})
# Features whose value at or below 0 means "nothing wrong here" (a rate of 0, an LLR that leans
# towards post-edited English): a tree may still route such a row upwards, but telling a reader
# "oov_rate=0" raised the score explains nothing, so these are reasons only above 0.
_CLEAN_AT_ZERO = frozenset(
    {
        "llr_mean",
        "llr_max",
        "llr_strong_share",
        "uni_llr_mean",
        "uni_llr_max",
        "oov_rate",
        "rare_word_rate",
        "unknown_word_rate",
        "unknown_name_rate",
        "unseen_bigram_rate",
        "repetition",
        "odd_punctuation",
        "foreign_script",
        "fwd_low_share",
        "rev_low_share",
        "mt_oov_rate",
        "src_oov_rate",
        "copy_share",
        "num_mismatch",
        "num_src_missing",
        "name_unmatched_share",
        "name_unmatched",
        "src_name_missing_share",
        "src_name_missing",
        *_FLAGS,
    }
)


def explains(feature: str, value: float, contribution: float) -> bool:
    """Whether a feature that raised a score by ``contribution`` is worth showing as a reason."""
    if contribution <= 0.005 or feature in _NOT_REASONS:
        return False
    return not (feature in _CLEAN_AT_ZERO and value <= 0)


WORD_FEATURES = (
    "bad_logit",
    "ctx_bad_logit",
    "seen_log",
    "llr_in",
    "llr_out",
    "pe_logprob",
    "zipf",
    "is_punct",
    "is_upper",
    "is_oov",
    "sentence_hter",
)

FEATURE_DESCRIPTIONS: dict[str, str] = {
    "tokens": "log(1 + tokens)",
    "llr_mean": "mean per-token log P_mt − log P_pe (bigram LMs of MT vs post-edited English)",
    "llr_max": "largest per-token MT-vs-PE bigram log-likelihood ratio",
    "llr_min": "smallest per-token MT-vs-PE bigram log-likelihood ratio",
    "llr_strong_share": f"share of tokens whose bigram is ≥ {STRONG_LLR} nats more MT-like",
    "uni_llr_mean": "mean per-word log P_mt − log P_pe (unigrams)",
    "uni_llr_max": "largest per-word MT-vs-PE unigram log-likelihood ratio",
    "pe_logprob_mean": "mean bigram log-probability under the post-edited-English LM",
    "pe_logprob_min": "lowest bigram log-probability under the post-edited-English LM",
    "oov_rate": "share of tokens outside the shipped vocabulary",
    "bad_rate_mean": "mean (smoothed) rate at which post-editors tagged the sentence's words BAD",
    "bad_rate_max": "highest word BAD rate in the sentence",
    "bad_rate_top3": "mean of the three highest word BAD rates",
    "ctx_bad_mean": "mean BAD rate of the words after their previous word (bigram context)",
    "ctx_bad_max": "highest BAD rate of a word after its previous word",
    "ctx_bad_top3": "mean of the three highest in-context BAD rates",
}


def tokens(text: str) -> list[str]:
    """Surface tokens of ``text``, split like Moses but independent of spacing."""
    return [m.group() for m in TOKEN.finditer(text)]


def token_key(token: str) -> str:
    """The LM key of a token: lower case, every digit ``0`` (numbers are not vocabulary)."""
    return str(_DIGIT.sub("0", token.lower()))


@dataclass(frozen=True)
class Tables:
    """The pruned LM and BAD-rate tables (see the module docstring), in nats.

    ``uni_*``, ``backoff_*``, ``bad`` and ``seen`` are indexed by :attr:`index`;
    index 0 is ``<unk>``, 1 ``<s>``, 2 ``</s>``. ``bigram`` maps (a, b) to
    (log P_pe, log P_mt); a pair not in it falls back to ``backoff[a] + uni[b]``.
    ``bigram_bad`` is the BAD rate of b after a (stored pairs only).
    """

    index: Mapping[str, int]
    uni_pe: np.ndarray
    uni_mt: np.ndarray
    backoff_pe: np.ndarray
    backoff_mt: np.ndarray
    bad: np.ndarray
    seen: np.ndarray
    bigram: Mapping[tuple[int, int], tuple[float, float]]
    bigram_bad: Mapping[tuple[int, int], float]

    def ids(self, toks: Sequence[str]) -> list[int]:
        """Vocabulary ids of the tokens (0 for out-of-vocabulary)."""
        return [self.index.get(token_key(t), 0) for t in toks]

    def bigram_logprobs(self, a: int, b: int) -> tuple[float, float]:
        """(log P_pe(b | a), log P_mt(b | a))."""
        hit = self.bigram.get((a, b))
        if hit is not None:
            return hit
        return (
            float(self.backoff_pe[a] + self.uni_pe[b]),
            float(self.backoff_mt[a] + self.uni_mt[b]),
        )


@dataclass(frozen=True)
class Forest:
    """A gradient-boosted tree ensemble as arrays: ``raw = init + rate · Σ trees``.

    Node arrays are (trees × nodes), padded; a leaf has ``left == -1``. ``value``
    holds every node's mean (inner nodes too), which gives per-feature
    contributions along the path (Saabas): the change of value at each split is
    credited to the split's feature.
    """

    init: float
    rate: float
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int

    def raw(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Raw predictions (rows) and per-feature contributions (rows × features).

        ``x`` is compared in float32 as scikit-learn does, so the exported trees
        route every row exactly as the fitted ones did.
        """
        x = np.asarray(x, dtype=np.float32).astype(np.float64)
        n_rows, n_feat = x.shape
        n_trees = self.feature.shape[0]
        trees = np.arange(n_trees)[None, :]
        node = np.zeros((n_rows, n_trees), dtype=np.int64)
        contrib = np.zeros((n_rows, n_feat))
        rows = np.arange(n_rows)[:, None].repeat(n_trees, axis=1)
        for _ in range(self.depth):
            left = self.left[trees, node]
            inner = left >= 0
            feat = np.where(inner, self.feature[trees, node], 0)
            go_left = x[rows, feat] <= self.threshold[trees, node]
            child = np.where(inner, np.where(go_left, left, self.right[trees, node]), node)
            delta = (self.value[trees, child] - self.value[trees, node]) * self.rate
            np.add.at(contrib, (rows[inner], feat[inner]), delta[inner])
            node = child
        total = self.init + self.rate * self.value[trees, node].sum(axis=1)
        return total, contrib


@dataclass(frozen=True)
class WordModel:
    """A logistic model of P(BAD) per token: standardized rows, coefficients, decision threshold."""

    features: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(BAD) of each row."""
        if len(rows) == 0:
            return np.zeros(0)
        z = (rows - self.mean) / self.std
        return np.asarray(1.0 / (1.0 + np.exp(-(z @ self.coef + self.intercept))))


def word_model_from_dict(d: Mapping[str, Any]) -> WordModel:
    """Rebuild a :class:`WordModel` from its JSON layout (the ``word`` block of a model file)."""
    return WordModel(
        features=tuple(d["features"]),
        mean=np.asarray(d["mean"], dtype=np.float64),
        std=np.asarray(d["std"], dtype=np.float64),
        coef=np.asarray(d["coef"], dtype=np.float64),
        intercept=float(d["intercept"]),
        threshold=float(d["threshold"]),
    )


@dataclass(frozen=True)
class LearnedModel:
    """Everything in the shipped file, ready to score."""

    tables: Tables
    features: tuple[str, ...]
    hter: Forest
    high: Forest  # log-odds of HTER >= 0.3
    word: WordModel  # P(BAD) per token (WORD_FEATURES)
    meta: Mapping[str, Any]

    @property
    def word_threshold(self) -> float:
        """P(BAD) at or above which a token counts as BAD (tuned for MCC on train)."""
        return self.word.threshold


@dataclass(frozen=True)
class LearnedQE:
    """The learned estimate for one sentence.

    ``garble`` is the predicted HTER clipped to [0, 1] ("expected share of words
    to fix"); ``p_high`` is P(HTER ≥ 0.3). ``token_bad[i]`` is P(BAD) of
    ``tokens[i]``; ``reasons`` are the (feature, value, contribution to the
    predicted HTER) of the features that raised it most.
    """

    garble: float
    p_high: float
    tokens: tuple[str, ...]
    token_bad: tuple[float, ...]
    reasons: tuple[tuple[str, float, float], ...]
    with_source: bool = False  # True when the with-source model of the source language scored it
    at: Mapping[str, str] = field(default_factory=dict)  # reason feature -> the words it peaks at
    floors: Mapping[str, float] = field(default_factory=dict)  # the FLOORS signals of the sentence

    def explain(self, contributions: bool = True) -> list[str]:
        """The reasons as short text: ``name=value at "words" (+contribution)``."""
        out = []
        for name, value, contribution in self.reasons:
            where = f' at "{self.at[name]}"' if name in self.at else ""
            added = f" (+{contribution:.2f})" if contributions else ""
            out.append(f"{name}={value:.3g}{where}{added}")
        return out


def _forest(d: Mapping[str, Any]) -> Forest:
    trees = d["trees"]
    width = max(len(t["left"]) for t in trees)

    def pad(key: str, fill: float, dtype: Any) -> np.ndarray:
        out = np.full((len(trees), width), fill, dtype=dtype)
        for i, t in enumerate(trees):
            out[i, : len(t[key])] = t[key]
        return out

    return Forest(
        init=float(d["init"]),
        rate=float(d["rate"]),
        feature=pad("feature", 0, np.int64),
        threshold=pad("threshold", 0.0, np.float64),
        left=pad("left", -1, np.int64),
        right=pad("right", -1, np.int64),
        value=pad("value", 0.0, np.float64),
        depth=int(d["depth"]),
    )


def tables_from_dict(d: Mapping[str, Any]) -> Tables:
    """Rebuild :class:`Tables` from the JSON layout written by :func:`mtrepair.qe.train.tables_to_dict`."""
    q = float(d["quantum"])
    vocab: list[str] = d["vocab"]
    bi = d["bigrams"]
    bigram = {
        (a, b): (pe * q, mt * q) for a, b, pe, mt in zip(bi["a"], bi["b"], bi["pe"], bi["mt"], strict=True)
    }
    return Tables(
        index={w: i for i, w in enumerate(vocab)},
        uni_pe=np.asarray(d["uni_pe"], dtype=np.float64) * q,
        uni_mt=np.asarray(d["uni_mt"], dtype=np.float64) * q,
        backoff_pe=np.asarray(d["backoff_pe"], dtype=np.float64) * q,
        backoff_mt=np.asarray(d["backoff_mt"], dtype=np.float64) * q,
        bad=np.asarray(d["bad"], dtype=np.float64) / 1000.0,
        seen=np.asarray(d["seen"], dtype=np.float64),
        bigram=bigram,
        bigram_bad={(a, b): r / 1000.0 for a, b, r in zip(bi["a"], bi["b"], bi["bad"], strict=True)},
    )


def model_from_dict(d: Mapping[str, Any]) -> LearnedModel:
    """Rebuild a :class:`LearnedModel` from the shipped JSON."""
    return LearnedModel(
        tables=tables_from_dict(d["tables"]),
        features=tuple(d["features"]),
        hter=_forest(d["hter"]),
        high=_forest(d["high"]),
        word=word_model_from_dict(d["word"]),
        meta=d.get("meta", {}),
    )


@cache
def load_model(path: Path | None = None) -> LearnedModel:
    """The shipped model (``learned_qe.json.gz`` beside this module) or ``path``; loaded once."""
    if path is None:
        data = (resources.files("mtrepair.qe") / MODEL_FILE).read_bytes()
    else:
        data = Path(path).read_bytes()
    return model_from_dict(json.loads(gzip.decompress(data)))


@dataclass(frozen=True)
class TokenStats:
    """Per-token numbers of one sentence, shared by the sentence and word features."""

    toks: list[str]
    ids: list[int]
    llr: list[float]  # bigram LLR of token i given token i-1 (<s> for the first)
    llr_eos: float  # LLR of </s> after the last token
    pe_lp: list[float]
    bad: list[float]
    ctx_bad: list[float]  # BAD rate of token i after token i-1 (the word's own rate if unseen)
    seen: list[float]  # how often the word was tagged in the MT training side


def token_stats(text: str, tables: Tables) -> TokenStats:
    """Look every token of ``text`` up in the tables."""
    toks = tokens(text)
    ids = tables.ids(toks)
    llr: list[float] = []
    pe_lp: list[float] = []
    prev = 1
    for i in ids:
        pe, mt = tables.bigram_logprobs(prev, i)
        llr.append(mt - pe)
        pe_lp.append(pe)
        prev = i
    pe, mt = tables.bigram_logprobs(prev, 2)
    bad = [float(tables.bad[i]) for i in ids]
    ctx_bad = [
        tables.bigram_bad.get((a, b), bad[k]) for k, (a, b) in enumerate(itertools.pairwise([1, *ids]))
    ]
    seen = [float(tables.seen[i]) for i in ids]
    return TokenStats(toks, ids, llr, mt - pe, pe_lp, bad, ctx_bad, seen)


def lm_features(stats: TokenStats, tables: Tables) -> dict[str, float]:
    """The LM and BAD-rate features of one sentence (see :data:`FEATURE_DESCRIPTIONS`)."""
    n = len(stats.toks)
    out: dict[str, float] = {"tokens": math.log1p(n)}
    if n == 0:
        out.update(
            llr_mean=stats.llr_eos,
            llr_max=stats.llr_eos,
            llr_min=stats.llr_eos,
            llr_strong_share=0.0,
            uni_llr_mean=0.0,
            uni_llr_max=0.0,
            pe_logprob_mean=0.0,
            pe_logprob_min=0.0,
            oov_rate=0.0,
            bad_rate_mean=0.0,
            bad_rate_max=0.0,
            bad_rate_top3=0.0,
            ctx_bad_mean=0.0,
            ctx_bad_max=0.0,
            ctx_bad_top3=0.0,
        )
        return out
    llr = [*stats.llr, stats.llr_eos]
    uni = [float(tables.uni_mt[i] - tables.uni_pe[i]) for i in stats.ids]
    top3 = sorted(stats.bad, reverse=True)[:3]
    ctx3 = sorted(stats.ctx_bad, reverse=True)[:3]
    out.update(
        llr_mean=sum(llr) / len(llr),
        llr_max=max(llr),
        llr_min=min(llr),
        llr_strong_share=sum(v >= STRONG_LLR for v in llr) / len(llr),
        uni_llr_mean=sum(uni) / n,
        uni_llr_max=max(uni),
        pe_logprob_mean=sum(stats.pe_lp) / n,
        pe_logprob_min=min(stats.pe_lp),
        oov_rate=sum(i == 0 for i in stats.ids) / n,
        bad_rate_mean=sum(stats.bad) / n,
        bad_rate_max=max(stats.bad),
        bad_rate_top3=sum(top3) / len(top3),
        ctx_bad_mean=sum(stats.ctx_bad) / n,
        ctx_bad_max=max(stats.ctx_bad),
        ctx_bad_top3=sum(ctx3) / len(ctx3),
    )
    return out


@cache
def _detokenizer() -> Any:
    from sacremoses import MosesDetokenizer  # type: ignore[import-untyped]

    return MosesDetokenizer(lang="en")


def detokenize(text: str) -> str:
    """Running text for the fluency signals: Moses-detokenized if ``text`` looks tokenized.

    MLQE-PE is Moses-tokenized and scraped text is not; the fluency signals look
    at spacing and quotes, so both forms are brought to running text. Text that
    does not look tokenized is left alone (the detokenizer is not idempotent on
    quotes).
    """
    if not _TOKENIZED.search(text):
        return text
    return str(_detokenizer().detokenize(text.split()))


def sentence_features(text: str, tables: Tables) -> tuple[dict[str, float], TokenStats]:
    """All sentence features (:data:`FEATURES`) of ``text`` and its token statistics.

    A fluency signal that is undefined (no words) counts as 0, its clean end.
    """
    stats = token_stats(text, tables)
    feats = lm_features(stats, tables)
    flu = sentence_signals(detokenize(text), "en")
    for name in FLUENCY_FEATURES:
        v = flu.get(name, 0.0)
        feats[name] = 0.0 if not math.isfinite(v) else v
    for name in FLOORS:  # not model features: they set a floor under the score (see :func:`score`)
        feats[name] = flu.get(name, 0.0)
    return feats, stats


def word_rows(stats: TokenStats, sentence_hter: float) -> np.ndarray:
    """Per-token features (:data:`WORD_FEATURES`) of one sentence, rows in token order.

    Why these: the BAD rate is what post-editors did to this word before; the
    LLR into and out of the token says whether its neighbourhood is one MT
    writes and editors undo; rarity and the sentence's predicted HTER set the
    prior (a token in a sentence that needs many edits is more often BAD).
    """
    lex = lexicon("en")
    rows = np.zeros((len(stats.toks), len(WORD_FEATURES)))
    out_llr = [*stats.llr[1:], stats.llr_eos]
    for i, tok in enumerate(stats.toks):
        b = min(max(stats.bad[i], 1e-3), 1 - 1e-3)
        cb = min(max(stats.ctx_bad[i], 1e-3), 1 - 1e-3)
        rows[i] = (
            math.log(b / (1 - b)),
            math.log(cb / (1 - cb)),
            math.log1p(stats.seen[i]),
            stats.llr[i],
            out_llr[i],
            stats.pe_lp[i],
            lex.zipf(tok.lower()) if tok[0].isalpha() else 7.0,
            0.0 if tok[0].isalnum() else 1.0,
            1.0 if tok[0].isupper() else 0.0,
            1.0 if stats.ids[i] == 0 else 0.0,
            sentence_hter,
        )
    return rows


def _argmax(values: Sequence[float]) -> int:
    return max(range(len(values)), key=lambda i: values[i])


def located(feature: str, stats: TokenStats, tables: Tables) -> str | None:
    """The words a per-token feature peaks at (its max or min; a mean's largest term), else None.

    A bigram feature names the word and the word before it ("sirens shouted"); a
    unigram feature the word alone.
    """
    toks = stats.toks
    if not toks:
        return None

    def pair(i: int) -> str:
        return " ".join(toks[max(0, i - 1) : i + 1])

    if feature in ("bad_rate_max", "bad_rate_top3", "bad_rate_mean"):
        return toks[_argmax(stats.bad)]
    if feature in ("ctx_bad_max", "ctx_bad_top3", "ctx_bad_mean"):
        return pair(_argmax(stats.ctx_bad))
    if feature in ("llr_max", "llr_mean", "llr_strong_share"):
        i = _argmax(stats.llr)
        return pair(i) if stats.llr[i] >= stats.llr_eos else f"{toks[-1]} (sentence end)"
    if feature in ("uni_llr_max", "uni_llr_mean"):
        return toks[_argmax([float(tables.uni_mt[i] - tables.uni_pe[i]) for i in stats.ids])]
    if feature in ("pe_logprob_min", "pe_logprob_mean"):
        return pair(_argmax([-v for v in stats.pe_lp]))
    return None


def feature_matrix(feats: Sequence[Mapping[str, float]], names: Sequence[str] = FEATURES) -> np.ndarray:
    """Rows of features in the model's column order."""
    return np.array([[f[n] for n in names] for f in feats], dtype=np.float64).reshape(len(feats), len(names))


def _floored(
    garble: float, why: tuple[tuple[str, float, float], ...], feats: Mapping[str, float], n: int
) -> tuple[float, tuple[tuple[str, float, float], ...]]:
    """``garble`` raised to the :data:`FLOORS`, the floor that did it first among the reasons."""
    name = max(FLOORS, key=lambda f: feats.get(f, 0.0))
    floor = float(feats.get(name, 0.0))
    if floor <= garble:
        return garble, why
    return floor, ((name, round(floor, 4), round(floor - garble, 4)), *why)[:n]


def _reasons(
    names: Sequence[str], x: np.ndarray, contrib: np.ndarray, n: int
) -> tuple[tuple[str, float, float], ...]:
    """The ``n`` features that raised one row's prediction most and explain it (:func:`explains`)."""
    order = np.argsort(-contrib, kind="stable")
    return tuple(
        (names[k], round(float(x[k]), 4), round(float(contrib[k]), 4))
        for k in order
        if explains(names[k], float(x[k]), float(contrib[k]))
    )[:n]


@dataclass(frozen=True)
class _Scored:
    """What :func:`score` computes on the way, kept for the with-source model (no second pass)."""

    results: list[LearnedQE]
    feats: list[dict[str, float]]
    stats: list[TokenStats]
    hter: np.ndarray  # the no-source trees' raw HTER predictions


def _score(texts: Sequence[str], m: LearnedModel, reasons: int) -> _Scored:
    feats: list[dict[str, float]] = []
    stats: list[TokenStats] = []
    for t in texts:
        f, s = sentence_features(t, m.tables)
        feats.append(f)
        stats.append(s)
    x = feature_matrix(feats, m.features)
    hter, contrib = m.hter.raw(x)
    high, _ = m.high.raw(x)
    out: list[LearnedQE] = []
    for r, s in enumerate(stats):
        garble = float(min(1.0, max(0.0, hter[r])))
        probs = m.word.probabilities(word_rows(s, float(hter[r])))
        why = _reasons(m.features, x[r], contrib[r], reasons)
        garble, why = _floored(garble, why, feats[r], reasons)
        at = {name: w for name, _v, _c in why if (w := located(name, s, m.tables)) is not None}
        out.append(
            LearnedQE(
                garble=garble,
                p_high=float(1.0 / (1.0 + math.exp(-float(high[r])))),
                tokens=tuple(s.toks),
                token_bad=tuple(float(p) for p in probs),
                reasons=why,
                at=at,
                floors={f: feats[r][f] for f in FLOORS},
            )
        )
    return _Scored(out, feats, stats, hter)


def score(texts: Sequence[str], *, model: LearnedModel | None = None, reasons: int = 3) -> list[LearnedQE]:
    """Score English sentences without their source; one :class:`LearnedQE` per text, in order.

    ``reasons`` caps how many raising features each result explains itself by
    (positive contributions above 0.005 HTER only).
    """
    m = model if model is not None else load_model()
    if not texts:
        return []
    return _score(texts, m, reasons).results


# --- With the source (issue 18, second slice) -------------------------------------------------
#
# A second shipped file, ``learned_qe_src.json.gz``, holds per language pair (source → English)
# two pruned IBM Model 1 lexical tables learned from train.src / train.pe (t(en | src) with a
# NULL source word, and t(src | en) with a NULL English word) and a gradient-boosted HTER model
# over the adequacy features below plus every no-source feature and the no-source predicted HTER.
# Only words are looked up (punctuation is left out), lower-cased with digits as ``0``.

SRC_MODEL_FILE = "learned_qe_src.json.gz"
NULL = "<null>"
LOW_T = 0.05  # a word whose best translation probability is below this counts as unexplained
_NUMBER = regex.compile(r"\d+(?:[.,]\d+)*")

SRC_FEATURES = (
    "fwd_mean",
    "fwd_min",
    "fwd_logmean",
    "fwd_low_share",
    "rev_mean",
    "rev_min",
    "rev_logmean",
    "rev_low_share",
    "mt_oov_rate",
    "src_oov_rate",
    "copy_share",
    "len_ratio",
    "src_tokens",
    "num_mismatch",
    "num_src_missing",
    "translit_share",
    "name_unmatched_share",
    "name_unmatched",
    "src_name_missing_share",
    "src_name_missing",
)
FEATURE_DESCRIPTIONS.update(
    {
        "fwd_mean": "mean over MT words of the best IBM-1 t(MT word | source word or NULL)",
        "fwd_min": "lowest best t(MT word | source) in the sentence (the least explained MT word)",
        "fwd_logmean": "mean log of the best t(MT word | source)",
        "fwd_low_share": f"share of MT words no source word translates with t ≥ {LOW_T}",
        "rev_mean": "mean over source words of the best t(source word | MT word or NULL)",
        "rev_min": "lowest best t(source word | MT) (the least covered source word)",
        "rev_logmean": "mean log of the best t(source word | MT)",
        "rev_low_share": f"share of source words no MT word covers with t ≥ {LOW_T} (omissions)",
        "mt_oov_rate": "share of MT words outside the English side of the lexical tables",
        "src_oov_rate": "share of source words outside the source side of the lexical tables",
        "copy_share": "share of MT words copied verbatim from the source",
        "len_ratio": "log((1 + MT words) / (1 + source words))",
        "src_tokens": "log(1 + source words)",
        "num_mismatch": "numbers in only one of source and MT, over the numbers in either",
        "num_src_missing": "numbers of the source missing from the MT",
        "translit_share": "share of MT words spelt like a source word once both are in Latin letters",
        "name_unmatched_share": "share of capitalised MT words (not sentence-initial) no source word "
        "spells like, in Latin letters (a name the source does not have)",
        "name_unmatched": "capitalised MT words (not sentence-initial) no source word spells like",
        "src_name_missing_share": "share of capitalised source words (not sentence-initial) no MT word "
        "spells like, in Latin letters (a name lost in translation)",
        "src_name_missing": "capitalised source words no MT word spells like",
        "nosrc_hter": "the no-source model's predicted HTER",
    }
)


def word_keys(text: str) -> list[str]:
    """Lexical-table keys of the words of ``text`` (punctuation dropped)."""
    return [token_key(t) for t in tokens(text) if t[0].isalnum()]


def src_word_keys(text: str, prefix: int = 0) -> list[str]:
    """Source-side keys: :func:`word_keys`, cut to ``prefix`` letters when ``prefix`` > 0."""
    words = word_keys(text)
    return [w[:prefix] for w in words] if prefix > 0 else words


def numbers(text: str) -> list[str]:
    """The numbers of ``text`` as digit strings (separators dropped, so 1,000 and 1.000 match)."""
    return [regex.sub(r"[.,]", "", m.group()) for m in _NUMBER.finditer(text)]


@dataclass(frozen=True)
class Lexicon:
    """Pruned IBM-1 tables of one pair: ``fwd[f][e] = t(e | f)``, ``rev[e][f] = t(f | e)``.

    Indexes: ``src_index`` and ``en_index``, id 0 is NULL on both sides.
    """

    src_index: Mapping[str, int]
    en_index: Mapping[str, int]
    fwd: Mapping[int, Mapping[int, float]]
    rev: Mapping[int, Mapping[int, float]]
    src_prefix: int = 0  # source words cut to their first N letters (a crude stem); 0 = whole words

    def src_keys(self, text: str) -> list[str]:
        """Table keys of the source words of ``text``."""
        return src_word_keys(text, self.src_prefix)


def _table(d: Mapping[str, Any]) -> dict[int, dict[int, float]]:
    out: dict[int, dict[int, float]] = {}
    for a, b, p in zip(d["given"], d["word"], d["p"], strict=True):
        out.setdefault(a, {})[b] = p / 1000.0
    return out


def lexicon_from_dict(d: Mapping[str, Any]) -> Lexicon:
    """Rebuild a :class:`Lexicon` from the layout written by :func:`mtrepair.qe.train.lexicon_to_dict`."""
    return Lexicon(
        src_index={w: i for i, w in enumerate(d["src_vocab"])},
        en_index={w: i for i, w in enumerate(d["en_vocab"])},
        fwd=_table(d["fwd"]),
        rev=_table(d["rev"]),
        src_prefix=int(d.get("src_prefix", 0)),
    )


def _best(
    words: Sequence[str], ids: Sequence[int], given: Sequence[int], given_words: set[str], table: Any
) -> list[float]:
    """Per word: the highest t(word | g) over g in ``given`` and NULL; 1 for a verbatim copy."""
    rows = [table.get(g) for g in (0, *given)]
    out = []
    for w, i in zip(words, ids, strict=True):
        if w in given_words:
            out.append(1.0)
            continue
        best = 0.0
        if i != 0:
            for r in rows:
                if r is not None:
                    best = max(best, r.get(i, 0.0))
        out.append(best)
    return out


def _side(best: Sequence[float], prefix: str) -> dict[str, float]:
    if not best:
        return {
            f"{prefix}_mean": 1.0,
            f"{prefix}_min": 1.0,
            f"{prefix}_logmean": 0.0,
            f"{prefix}_low_share": 0.0,
        }
    return {
        f"{prefix}_mean": sum(best) / len(best),
        f"{prefix}_min": min(best),
        f"{prefix}_logmean": sum(math.log(max(b, 1e-3)) for b in best) / len(best),
        f"{prefix}_low_share": sum(b < LOW_T for b in best) / len(best),
    }


def source_features(src: str, mt: str, lex: Lexicon) -> dict[str, float]:
    """The adequacy features (:data:`SRC_FEATURES`) of an MT sentence against its source."""
    s_words, m_words = lex.src_keys(src), word_keys(mt)
    s_ids = [lex.src_index.get(w, 0) for w in s_words]
    m_ids = [lex.en_index.get(w, 0) for w in m_words]
    s_set, m_set = set(s_words), set(m_words)
    out = _side(_best(m_words, m_ids, s_ids, s_set, lex.fwd), "fwd")
    out.update(_side(_best(s_words, s_ids, m_ids, m_set, lex.rev), "rev"))
    out["mt_oov_rate"] = sum(i == 0 for i in m_ids) / len(m_ids) if m_ids else 0.0
    out["src_oov_rate"] = sum(i == 0 for i in s_ids) / len(s_ids) if s_ids else 0.0
    out["copy_share"] = sum(w in s_set and w.isalpha() for w in m_words) / len(m_words) if m_words else 0.0
    out["len_ratio"] = math.log((1 + len(m_words)) / (1 + len(s_words)))
    out["src_tokens"] = math.log1p(len(s_words))
    s_num, m_num = Counter_(numbers(src)), Counter_(numbers(mt))
    either = sum((s_num | m_num).values())
    out["num_mismatch"] = sum(((s_num - m_num) + (m_num - s_num)).values()) / either if either else 0.0
    out["num_src_missing"] = float(sum((s_num - m_num).values()))
    out.update(name_features(src, mt))
    return out


# Two words count as the same name or loanword across scripts when, both transliterated to
# lower-case Latin letters (anyascii), they share their first 4 letters or their Indel
# similarity (rapidfuzz's ratio) is at least this. Words shorter than 3 letters only match as is.
NAME_SIMILARITY = 75.0


def _latin_words(text: str) -> list[tuple[str, bool, str]]:
    """(lower-case Latin spelling, capitalised and not first, the word) for the words of ``text``."""
    from anyascii import anyascii

    words = [t for t in tokens(text) if t[0].isalpha()]
    return [(anyascii(w).lower(), i > 0 and w[0].isupper(), w) for i, w in enumerate(words)]


def _spelt_like(word: str, others: Sequence[str]) -> bool:
    from rapidfuzz import fuzz, process

    if len(word) < 3:
        return word in others
    if any(o[:4] == word[:4] for o in others):
        return True
    return process.extractOne(word, others, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY) is not None


@dataclass(frozen=True)
class _Names:
    matched: int  # MT words of 3+ letters spelt like a source word
    mt_words: int  # MT words of 3+ letters
    mt_names: tuple[str, ...]  # capitalised MT words, not sentence-initial
    unmatched: tuple[str, ...]  # ... of them no source word is spelt like
    src_names: tuple[str, ...]  # capitalised source words of 3+ Latin letters, not sentence-initial
    missing: tuple[str, ...]  # ... of them no MT word is spelt like


def _names(src: str, mt: str) -> _Names:
    s_words = [w for w in _latin_words(src) if len(w[0]) >= 3]
    m_words = _latin_words(mt)
    s_all = [w for w, _, _ in s_words]
    m_long = [w for w, _, _ in m_words if len(w) >= 3]
    matched = sum(_spelt_like(w, s_all) for w in m_long) if s_all else 0
    caps = [(w, surface) for w, cap, surface in m_words if cap]
    s_caps = [(w, surface) for w, cap, surface in s_words if cap]
    return _Names(
        matched=matched,
        mt_words=len(m_long),
        mt_names=tuple(surface for _, surface in caps),
        unmatched=tuple(surface for w, surface in caps if not (s_all and _spelt_like(w, s_all))),
        src_names=tuple(surface for _, surface in s_caps),
        missing=tuple(surface for w, surface in s_caps if not (m_long and _spelt_like(w, m_long))),
    )


def name_features(src: str, mt: str) -> dict[str, float]:
    """Names and loanwords carried across scripts (the ``translit_*``/``name_*`` features).

    Why: IBM Model 1 tables hold the frequent words of 7,000 sentences, so a name (Iohannis,
    Путин, ओली) is "unexplained" to them whether it was translated right or not. Spelt in
    Latin letters a carried-over name matches its source word, and a name on one side only
    is a likely omission or invention.
    """
    n = _names(src, mt)
    return {
        "translit_share": n.matched / max(1, n.mt_words),
        "name_unmatched_share": len(n.unmatched) / len(n.mt_names) if n.mt_names else 0.0,
        "name_unmatched": float(len(n.unmatched)),
        "src_name_missing_share": len(n.missing) / len(n.src_names) if n.src_names else 0.0,
        "src_name_missing": float(len(n.missing)),
    }


def _located_with_source(
    why: Sequence[tuple[str, float, float]],
    src: str,
    mt: str,
    lex: Lexicon,
    stats: TokenStats,
    tables: Tables,
) -> dict[str, str]:
    """Where each with-source reason peaks: the least explained MT word, the least covered
    source word (a likely omission), or the no-source feature's words (:func:`located`).

    ``stats`` are ``mt``'s token statistics."""
    out: dict[str, str] = {}
    for name, _v, _c in why:
        side = name.split("_")[0]
        if name in ("fwd_min", "fwd_low_share", "rev_min", "rev_low_share"):
            if side == "fwd":  # the MT word no source word explains
                text, words, g_words = mt, word_keys(mt), lex.src_keys(src)
                ids = [lex.en_index.get(w, 0) for w in words]
                g_ids = [lex.src_index.get(w, 0) for w in g_words]
                best = _best(words, ids, g_ids, set(g_words), lex.fwd)
            else:  # the source word no MT word covers
                text, words, g_words = src, lex.src_keys(src), word_keys(mt)
                ids = [lex.src_index.get(w, 0) for w in words]
                g_ids = [lex.en_index.get(w, 0) for w in g_words]
                best = _best(words, ids, g_ids, set(g_words), lex.rev)
            surface = [t for t in tokens(text) if t[0].isalnum()]
            if best:
                out[name] = surface[min(range(len(best)), key=lambda i: best[i])]
            continue
        if name.startswith(("name_unmatched", "src_name_missing")):
            names = _names(src, mt)
            found = names.unmatched if name.startswith("name_") else names.missing
            if found:
                out[name] = " ".join(found[:3])
            continue
        where = located(name, stats, tables)
        if where is not None:
            out[name] = where
    return out


# Word level with the source: the no-source word features plus, per token, how well the source
# explains it (the best IBM-1 t(token | source word or NULL), its log, whether it is below
# LOW_T, whether it is copied from the source) and two sentence-level adequacy features (the
# shares of unexplained MT words and uncovered source words: omissions make an MT sentence's
# neighbours of the gap BAD).
SRC_WORD_FEATURES = (
    *WORD_FEATURES,
    "fwd_t",
    "fwd_logt",
    "fwd_low",
    "copied",
    "fwd_low_share",
    "rev_low_share",
)


def source_word_rows(
    stats: TokenStats, src: str, sentence_hter: float, lex: Lexicon, sentence: Mapping[str, float]
) -> np.ndarray:
    """Per-token features (:data:`SRC_WORD_FEATURES`) of one MT sentence against its source.

    ``sentence_hter`` is the no-source predicted HTER (as in :func:`word_rows`), ``sentence``
    the sentence's :func:`source_features`.
    """
    base = word_rows(stats, sentence_hter)
    s_words = lex.src_keys(src)
    s_ids = [lex.src_index.get(w, 0) for w in s_words]
    alnum = [i for i, t in enumerate(stats.toks) if t[0].isalnum()]
    keys = [token_key(stats.toks[i]) for i in alnum]
    best = _best(keys, [lex.en_index.get(k, 0) for k in keys], s_ids, set(s_words), lex.fwd)
    extra = np.zeros((len(stats.toks), 6))
    extra[:, 0] = 1.0  # punctuation is not a word to explain: treated as explained
    for i, k, b in zip(alnum, keys, best, strict=True):
        extra[i, 0] = b
        extra[i, 1] = math.log(max(b, 1e-3))
        extra[i, 2] = 1.0 if b < LOW_T else 0.0
        extra[i, 3] = 1.0 if k in s_words else 0.0
    extra[:, 4] = sentence["fwd_low_share"]
    extra[:, 5] = sentence["rev_low_share"]
    return np.hstack([base, extra])


@dataclass(frozen=True)
class PairModel:
    """The with-source model of one source language (``word``: its P(BAD) model, if shipped)."""

    pair: str
    lexicon: Lexicon
    features: tuple[str, ...]
    hter: Forest
    word: WordModel | None = None
    high: Forest | None = None  # log-odds of HTER >= 0.3 with the source


@dataclass(frozen=True)
class SourceModel:
    """Everything in ``learned_qe_src.json.gz``, keyed by source language."""

    langs: Mapping[str, PairModel]
    meta: Mapping[str, Any]


def source_model_from_dict(d: Mapping[str, Any]) -> SourceModel:
    """Rebuild a :class:`SourceModel` from the shipped JSON."""
    langs = {
        lang: PairModel(
            pair=p["pair"],
            lexicon=lexicon_from_dict(p["lexicon"]),
            features=tuple(p["features"]),
            hter=_forest(p["hter"]),
            word=word_model_from_dict(p["word"]) if "word" in p else None,
            high=_forest(p["high"]) if "high" in p else None,
        )
        for lang, p in d["langs"].items()
    }
    return SourceModel(langs=langs, meta=d.get("meta", {}))


@cache
def load_source_model(path: Path | None = None) -> SourceModel:
    """The shipped with-source model (``learned_qe_src.json.gz``) or ``path``; loaded once."""
    if path is None:
        data = (resources.files("mtrepair.qe") / SRC_MODEL_FILE).read_bytes()
    else:
        data = Path(path).read_bytes()
    return source_model_from_dict(json.loads(gzip.decompress(data)))


def source_langs(src_model: SourceModel | None = None) -> tuple[str, ...]:
    """The source languages the with-source model covers."""
    m = src_model if src_model is not None else load_source_model()
    return tuple(sorted(m.langs))


def with_source_matrix(
    srcs: Sequence[str],
    mts: Sequence[str],
    pm: PairModel,
    model: LearnedModel,
    *,
    feats: Sequence[Mapping[str, float]] | None = None,
    nosrc: np.ndarray | None = None,
) -> np.ndarray:
    """Feature rows of the with-source model (no-source features, its HTER, adequacy).

    ``feats`` and ``nosrc`` are the no-source features and raw HTER of ``mts`` when the
    caller already has them (:func:`score_with_source`).
    """
    if feats is None or nosrc is None:
        feats = [sentence_features(t, model.tables)[0] for t in mts]
        nosrc, _ = model.hter.raw(feature_matrix(feats, model.features))
    rows = []
    for f, h, s, t in zip(feats, nosrc, srcs, mts, strict=True):
        row = dict(f)
        row["nosrc_hter"] = float(h)
        row.update(source_features(s, t, pm.lexicon))
        rows.append(row)
    return feature_matrix(rows, pm.features)


def score_with_source(
    srcs: Sequence[str],
    mts: Sequence[str],
    src_lang: str,
    *,
    model: LearnedModel | None = None,
    src_model: SourceModel | None = None,
    reasons: int = 3,
) -> list[LearnedQE]:
    """Score MT English against its source; falls back to :func:`score` for an uncovered language.

    ``garble``, ``reasons`` and (when the pair's file has them) ``p_high`` and the per-token
    P(BAD) come from the with-source model (``with_source`` is True).
    """
    if len(srcs) != len(mts):
        raise ValueError(f"{len(srcs)} source lines for {len(mts)} MT lines")
    m = model if model is not None else load_model()
    sm = src_model if src_model is not None else load_source_model()
    if not mts:
        return []
    scored = _score(mts, m, reasons)
    base = scored.results
    pm = sm.langs.get(src_lang)
    if pm is None:
        return base
    x = with_source_matrix(srcs, mts, pm, m, feats=scored.feats, nosrc=scored.hter)
    hter, contrib = pm.hter.raw(x)
    p_high = [b.p_high for b in base]
    if pm.high is not None:
        p_high = [float(1.0 / (1.0 + math.exp(-float(v)))) for v in pm.high.raw(x)[0]]
    token_bad = [b.token_bad for b in base]
    if pm.word is not None:
        nosrc = pm.features.index("nosrc_hter")
        for r, src in enumerate(srcs):
            sentence = dict(zip(pm.features, (float(v) for v in x[r]), strict=True))
            rows = source_word_rows(scored.stats[r], src, float(x[r, nosrc]), pm.lexicon, sentence)
            token_bad[r] = tuple(float(p) for p in pm.word.probabilities(rows))
    out = []
    for r, b in enumerate(base):
        why = _reasons(pm.features, x[r], contrib[r], reasons)
        garble, why = _floored(float(min(1.0, max(0.0, hter[r]))), why, b.floors, reasons)
        out.append(
            LearnedQE(
                garble=garble,
                p_high=p_high[r],
                tokens=b.tokens,
                token_bad=token_bad[r],
                reasons=why,
                with_source=True,
                floors=b.floors,
                at=_located_with_source(why, srcs[r], mts[r], pm.lexicon, scored.stats[r], m.tables),
            )
        )
    return out
