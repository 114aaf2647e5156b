"""Training the learned no-source QE model (:mod:`mtrepair.qe.learned`) on MLQE-PE.

Run through ``benchmarks/train_qe.py``; needs scikit-learn (and scipy), which
inference does not: the fitted trees and the word-level logistic model are
exported as plain numbers.

Why out-of-fold: the LM and BAD-rate tables are learned from the same training
rows the tree models learn from. A sentence's own bigrams would then look
"seen in MT, never in PE" and its own tags would set its BAD rates, so the
trees would learn to trust the tables far more than they deserve on new text.
Each training row's features therefore come from tables built on the other
folds (5 by default); the shipped tables are built on all rows with the same
pruning and quantization, so training and inference see the same kind of
numbers. Everything is deterministic: fixed seeds, sorted vocabularies, a
gzip header without a timestamp.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import math
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mtrepair.qe import learned
from mtrepair.qe.learned import (
    BOS,
    EOS,
    FEATURES,
    MODEL_FILE,
    SRC_MODEL_FILE,
    UNK,
    WORD_FEATURES,
    LearnedModel,
    Tables,
    feature_matrix,
    model_from_dict,
    sentence_features,
    tables_from_dict,
    token_key,
    tokens,
    word_rows,
)

PAIRS = ("ro-en", "ru-en", "et-en", "ne-en", "si-en")
HIGH_HTER = 0.3
DISCOUNT = 0.75
UNI_K = 0.5
QUANTUM = 0.02  # nats per step of the stored log-probabilities
BAD_PRIOR_WEIGHT = 2.0  # pseudo-observations pulling a word's BAD rate to the overall rate
TOP_N = 20000
MIN_BIGRAM = 2
SEED = 0
CHECK_SENTENCE = "Sources said the sirens shouted from the embassy inside the area."
IBM_ITERS = 10
IBM_SRC_PREFIX = 6  # source words cut to 6 letters: a crude stem for ro/ru/et/ne/si inflection
IBM_TOP_K = 10  # translations kept per conditioning word
IBM_MIN_T = 0.01
IBM_TOP_N = 30000  # words kept per side (most frequent in the fitting rows)
SRC_LANG_CHECK = {
    "ro": (
        "Surse au declarat că sirenele au sunat din ambasada din interiorul zonei.",
        "Sources said the sirens shouted from the embassy inside the area.",
    )
}
SRC_FEATURE_NAMES = (*FEATURES, "nosrc_hter", *learned.SRC_FEATURES)


@dataclass
class Row:
    """One MLQE-PE segment: MT, post-edit, HTER, and the MT word tags per surface token."""

    pair: str
    mt: str
    pe: str
    hter: float
    tags: list[int]  # 1 = BAD, one per token of tokens(mt)
    moses: list[int]  # index of the Moses token each surface token came from
    moses_tags: list[int]  # 1 = BAD per Moses token
    src: str = ""  # the source sentence (empty when the split has no .src)


def read_split(data: Path, pair: str, split: str, limit: int | None = None) -> list[Row]:
    """Rows of ``<data>/<pair>-<split>/<split>.{mt,pe,hter,tags}``.

    The ``.tags`` line interleaves gap and word tags (WMT20): 2·n + 1 tags for n
    Moses tokens, the word tags at the odd positions. Each surface token of
    :func:`mtrepair.qe.learned.tokens` lies inside one Moses token and takes its tag.
    """
    base = data / f"{pair}-{split}"

    def lines(ext: str) -> list[str]:
        text = (base / f"{split}.{ext}").read_text(encoding="utf-8")
        out = text.split("\n")
        if out and out[-1] == "":
            out.pop()
        return out[:limit] if limit is not None else out

    mts, pes, hters, tags = lines("mt"), lines("pe"), lines("hter"), lines("tags")
    srcs = lines("src") if (base / f"{split}.src").is_file() else [""] * len(mts)
    rows: list[Row] = []
    for mt, pe, h, tg, src in zip(mts, pes, hters, tags, srcs, strict=True):
        moses = mt.split()
        all_tags = tg.split()
        if len(all_tags) != 2 * len(moses) + 1:
            raise ValueError(f"{base}: {len(all_tags)} tags for {len(moses)} tokens")
        word_tags = [1 if t == "BAD" else 0 for t in all_tags[1::2]]
        toks_tags: list[int] = []
        owner: list[int] = []
        for j, tok in enumerate(moses):
            for _ in tokens(tok):
                toks_tags.append(word_tags[j])
                owner.append(j)
        rows.append(Row(pair, mt, pe, float(h), toks_tags, owner, word_tags, src))
    return rows


def keys(text: str) -> list[str]:
    """LM keys of a sentence with its boundaries."""
    return [BOS, *(token_key(t) for t in tokens(text)), EOS]


@dataclass
class Counts:
    """Raw counts of one set of rows (string keys); additive, so folds can be subtracted."""

    uni: dict[str, Counter[str]] = field(default_factory=lambda: {"pe": Counter(), "mt": Counter()})
    bi: dict[str, Counter[tuple[str, str]]] = field(
        default_factory=lambda: {"pe": Counter(), "mt": Counter()}
    )
    bad: Counter[str] = field(default_factory=Counter)
    tagged: Counter[str] = field(default_factory=Counter)
    bad_bi: Counter[tuple[str, str]] = field(default_factory=Counter)
    tagged_bi: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, row: Row) -> None:
        for side, text in (("pe", row.pe), ("mt", row.mt)):
            k = keys(text)
            self.uni[side].update(k[1:])
            self.bi[side].update(itertools.pairwise(k))
        prev = BOS
        for tok, tag in zip(tokens(row.mt), row.tags, strict=True):
            key = token_key(tok)
            self.tagged[key] += 1
            self.bad[key] += tag
            self.tagged_bi[(prev, key)] += 1
            self.bad_bi[(prev, key)] += tag
            prev = key

    def minus(self, other: Counts) -> Counts:
        out = Counts()
        for side in ("pe", "mt"):
            out.uni[side] = self.uni[side] - other.uni[side]
            out.bi[side] = self.bi[side] - other.bi[side]
        out.bad = self.bad - other.bad
        out.tagged = self.tagged - other.tagged
        out.bad_bi = self.bad_bi - other.bad_bi
        out.tagged_bi = self.tagged_bi - other.tagged_bi
        return out


def count_rows(rows: Iterable[Row]) -> Counts:
    c = Counts()
    for r in rows:
        c.add(r)
    return c


def _q(logp: float) -> int:
    return round(logp / QUANTUM)


def tables_to_dict(c: Counts, top_n: int = TOP_N) -> dict[str, Any]:
    """Prune, smooth and quantize counts into the shipped JSON layout.

    Vocabulary: words seen ≥ 2 times (MT and PE together), the ``top_n`` most
    frequent; the rest become ``<unk>``. Each LM interpolates absolute
    discounting (D = 0.75) with an add-0.5 unigram; only bigrams seen ≥ 2 times
    with both words in the vocabulary are stored, any other pair backs off.
    """
    both = c.uni["pe"] + c.uni["mt"]
    both.pop(EOS, None)
    words = sorted((w for w, n in both.items() if n >= 2), key=lambda w: (-both[w], w))[:top_n]
    vocab = [UNK, BOS, EOS, *words]
    index = {w: i for i, w in enumerate(vocab)}
    size = len(vocab)
    out: dict[str, Any] = {"vocab": vocab, "quantum": QUANTUM}
    bi_ids: dict[str, Counter[tuple[int, int]]] = {}
    aux: dict[str, np.ndarray] = {}
    for side in ("pe", "mt"):
        uni = np.zeros(size)
        for w, n in c.uni[side].items():
            uni[index.get(w, 0)] += n
        p_uni = (uni + UNI_K) / (uni.sum() + UNI_K * size)
        bi: Counter[tuple[int, int]] = Counter()
        for (first, second), n in c.bi[side].items():
            bi[(index.get(first, 0), index.get(second, 0))] += n
        ctx = np.zeros(size)
        types = np.zeros(size)
        for (i, _j), n in bi.items():
            ctx[i] += n
            types[i] += 1
        with np.errstate(divide="ignore", invalid="ignore"):
            backoff = np.where(ctx > 0, DISCOUNT * types / np.maximum(ctx, 1), 1.0)
        bi_ids[side] = bi
        out[f"uni_{side}"] = [_q(math.log(p)) for p in p_uni]
        out[f"backoff_{side}"] = [_q(math.log(b)) for b in backoff]
        aux[f"p_uni_{side}"] = p_uni
        aux[f"backoff_{side}"] = backoff
        aux[f"ctx_{side}"] = ctx
    tagged = np.zeros(size)
    bad = np.zeros(size)
    for w, n in c.tagged.items():
        tagged[index.get(w, 0)] += n
        bad[index.get(w, 0)] += c.bad.get(w, 0)
    prior = float(bad.sum() / max(tagged.sum(), 1.0))
    rate = (bad + BAD_PRIOR_WEIGHT * prior) / (tagged + BAD_PRIOR_WEIGHT)
    out["bad"] = [round(1000 * r) for r in rate]
    out["seen"] = [int(n) for n in tagged]
    tagged_bi: Counter[tuple[int, int]] = Counter()
    bad_bi: Counter[tuple[int, int]] = Counter()
    for (first, second), n in c.tagged_bi.items():
        ids = (index.get(first, 0), index.get(second, 0))
        tagged_bi[ids] += n
        bad_bi[ids] += c.bad_bi.get((first, second), 0)
    pairs = sorted(
        p
        for p in set(bi_ids["pe"]) | set(bi_ids["mt"])
        if p[0] != 0 and p[1] != 0 and bi_ids["pe"][p] + bi_ids["mt"][p] >= MIN_BIGRAM
    )
    cols: dict[str, list[int]] = {"a": [], "b": [], "pe": [], "mt": [], "bad": []}
    for a, b in pairs:
        cols["a"].append(a)
        cols["b"].append(b)
        ctx_rate = (bad_bi[(a, b)] + BAD_PRIOR_WEIGHT * rate[b]) / (tagged_bi[(a, b)] + BAD_PRIOR_WEIGHT)
        cols["bad"].append(round(1000 * float(ctx_rate)))
        for side in ("pe", "mt"):
            n = bi_ids[side][(a, b)]
            c_a = float(aux[f"ctx_{side}"][a])
            disc = max(n - DISCOUNT, 0.0) / c_a if c_a > 0 else 0.0
            prob = disc + float(aux[f"backoff_{side}"][a] * aux[f"p_uni_{side}"][b])
            cols[side].append(_q(math.log(prob)))
    out["bigrams"] = cols
    return out


def _round(x: float, digits: int = 7) -> float:
    return float(f"{x:.{digits}g}")


def export_forest(model: Any, init: float) -> dict[str, Any]:
    """A fitted scikit-learn gradient-boosting model as plain lists (see :class:`learned.Forest`)."""
    trees = []
    depth = 0
    for est in model.estimators_[:, 0]:
        t = est.tree_
        depth = max(depth, int(t.max_depth))
        trees.append(
            {
                "feature": [max(int(f), 0) for f in t.feature],
                "threshold": [float(v) for v in t.threshold],
                "left": [int(v) for v in t.children_left],
                "right": [int(v) for v in t.children_right],
                "value": [_round(float(v)) for v in t.value[:, 0, 0]],
            }
        )
    return {"init": float(init), "rate": float(model.learning_rate), "depth": depth, "trees": trees}


def _init_of(model: Any, x: np.ndarray) -> float:
    """The ensemble's constant start, from a raw prediction minus its trees (public API only)."""
    raw = model.decision_function(x[:1]) if hasattr(model, "classes_") else model.predict(x[:1])
    trees = sum(est.predict(x[:1].astype(np.float32))[0] for est in model.estimators_[:, 0])
    return float(np.ravel(raw)[0] - model.learning_rate * trees)


def _folds(n: int, k: int) -> np.ndarray:
    return np.random.default_rng(SEED).permutation(n) % k


def _features(rows: Sequence[str], tables: Tables) -> tuple[list[dict[str, float]], list[learned.TokenStats]]:
    feats, stats = [], []
    for text in rows:
        f, s = sentence_features(text, tables)
        feats.append(f)
        stats.append(s)
    return feats, stats


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    if np.std(a) == 0 or np.std(b) == 0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import rankdata  # type: ignore[import-untyped]

    return _pearson(rankdata(a), rankdata(b))


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    if len(pos) == 0 or len(neg) == 0:
        return math.nan
    from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]

    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    return float(roc_auc_score(y, np.r_[pos, neg]))


def _mcc_f1(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    tp = float(np.sum(gold & pred))
    tn = float(np.sum(~gold & ~pred))
    fp = float(np.sum(~gold & pred))
    fn = float(np.sum(gold & ~pred))
    den = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    mcc = (tp * tn - fp * fn) / den if den else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return mcc, f1


def _best_threshold(gold: np.ndarray, score: np.ndarray, grid: np.ndarray, bad_below: bool) -> float:
    best, best_t = -2.0, float(grid[0])
    for t in grid:
        pred = score < t if bad_below else score >= t
        mcc, _ = _mcc_f1(gold, pred)
        if mcc > best + 1e-12:
            best, best_t = mcc, float(t)
    return best_t


def _moses_probs(row: Row, probs: Sequence[float]) -> np.ndarray:
    """Per Moses token: the highest P(BAD) of the surface tokens inside it (0 if none)."""
    out = np.zeros(len(row.moses_tags))
    for j, p in zip(row.moses, probs, strict=True):
        out[j] = max(out[j], p)
    return out


def _zipf_moses(row: Row) -> np.ndarray:
    from mtrepair.qe.fluency import lexicon

    lex = lexicon("en")
    return np.array([lex.zipf(t.lower()) if t[0].isalpha() else 7.0 for t in row.mt.split()])


def fit_word_model(rows: Sequence[Row], word_x: Sequence[np.ndarray], names: Sequence[str]) -> dict[str, Any]:
    """A logistic P(BAD) model on per-token rows (``word_x[i]`` for ``rows[i]``), as a JSON block.

    The decision threshold is tuned for MCC on the training rows' Moses tokens (the unit the
    tags are given for), as for the no-source word model.
    """
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    wx = np.vstack(word_x)
    wy = np.concatenate([np.array(r.tags, dtype=int) for r in rows])
    mean = wx.mean(axis=0)
    std = wx.std(axis=0)
    std[std == 0] = 1.0
    lr = LogisticRegression(max_iter=500).fit((wx - mean) / std, wy)
    coef = lr.coef_[0]
    p_tok = 1 / (1 + np.exp(-(((wx - mean) / std) @ coef + lr.intercept_[0])))
    pos = 0
    gold_m: list[np.ndarray] = []
    prob_m: list[np.ndarray] = []
    for r in rows:
        n = len(r.tags)
        prob_m.append(_moses_probs(r, p_tok[pos : pos + n].tolist()))
        gold_m.append(np.array(r.moses_tags, dtype=bool))
        pos += n
    threshold = _best_threshold(
        np.concatenate(gold_m),
        np.concatenate(prob_m),
        np.round(np.arange(0.05, 0.951, 0.01), 2),
        bad_below=False,
    )
    return {
        "features": list(names),
        "mean": [_round(float(v)) for v in mean],
        "std": [_round(float(v)) for v in std],
        "coef": [_round(float(v)) for v in coef],
        "intercept": _round(float(lr.intercept_[0])),
        "threshold": threshold,
    }


def train(
    data: Path,
    out_dir: Path,
    *,
    pairs: Sequence[str] = PAIRS,
    limit: int | None = None,
    folds: int = 5,
    n_estimators: int = 300,
    top_n: int = TOP_N,
    compare: bool = False,
    with_source: bool = True,
    src_trees: int = 300,
    src_top_n: int = IBM_TOP_N,
    log: Any = print,
) -> dict[str, Any]:
    """Fit on ``<pair>-train``, write ``out_dir/learned_qe.json.gz``, return dev figures.

    ``limit`` keeps the first lines of every split (tests); ``compare`` adds
    today's fluency-only ``mtrepair qe`` score to the dev figures.
    """
    from sklearn.ensemble import (  # type: ignore[import-untyped]
        GradientBoostingClassifier,
        GradientBoostingRegressor,
    )

    t0 = time.perf_counter()
    train_rows = [r for p in pairs for r in read_split(data, p, "train", limit)]
    dev_rows = {p: read_split(data, p, "dev", limit) for p in pairs}
    fold = _folds(len(train_rows), folds)
    fold_counts = [
        count_rows(r for r, f in zip(train_rows, fold, strict=True) if f == k) for k in range(folds)
    ]
    total = Counts()
    for fc in fold_counts:
        for side in ("pe", "mt"):
            total.uni[side].update(fc.uni[side])
            total.bi[side].update(fc.bi[side])
        total.bad.update(fc.bad)
        total.tagged.update(fc.tagged)
        total.bad_bi.update(fc.bad_bi)
        total.tagged_bi.update(fc.tagged_bi)
    feats: list[dict[str, float]] = [{} for _ in train_rows]
    stats: list[learned.TokenStats | None] = [None for _ in train_rows]
    for k in range(folds):
        tables = tables_from_dict(tables_to_dict(total.minus(fold_counts[k]), top_n))
        idx = [i for i in range(len(train_rows)) if fold[i] == k]
        f, s = _features([train_rows[i].mt for i in idx], tables)
        for i, fi, si in zip(idx, f, s, strict=True):
            feats[i], stats[i] = fi, si
    log(f"out-of-fold features: {time.perf_counter() - t0:.1f} s")
    x = feature_matrix(feats)
    y = np.array([r.hter for r in train_rows])
    yb = (y >= HIGH_HTER).astype(int)
    gb = {"n_estimators": n_estimators, "max_depth": 3, "learning_rate": 0.05, "subsample": 0.8}
    oof = np.zeros(len(y))
    for k in range(folds):
        m = GradientBoostingRegressor(random_state=SEED, **gb).fit(x[fold != k], y[fold != k])
        oof[fold == k] = m.predict(x[fold == k])
    reg = GradientBoostingRegressor(random_state=SEED, **gb).fit(x, y)
    clf = GradientBoostingClassifier(random_state=SEED, **gb).fit(x, yb)
    log(f"trees: {time.perf_counter() - t0:.1f} s")
    final_dict = tables_to_dict(total, top_n)
    final = tables_from_dict(final_dict)
    # Word level: OOF tables and OOF sentence predictions on train.
    word = fit_word_model(
        train_rows, [word_rows(s, oof[i]) for i, s in enumerate(stats) if s is not None], WORD_FEATURES
    )
    threshold = word["threshold"]
    # The rare-word baseline's threshold, tuned the same way (on Moses tokens, for MCC).
    g = np.concatenate([np.array(r.moses_tags, dtype=bool) for r in train_rows])
    zm = np.concatenate([_zipf_moses(r) for r in train_rows])
    rare_threshold = _best_threshold(g, zm, np.round(np.arange(0.5, 7.01, 0.25), 2), bad_below=True)
    secs = time.perf_counter() - t0
    log(f"word model: {secs:.1f} s (threshold {threshold}, rare-word zipf < {rare_threshold})")
    x_check = feature_matrix([sentence_features(CHECK_SENTENCE, final)[0]])
    model_dict: dict[str, Any] = {
        "version": 1,
        "features": list(FEATURES),
        "tables": final_dict,
        "hter": export_forest(reg, _init_of(reg, x)),
        "high": export_forest(clf, _init_of(clf, x)),
        "word": word,
        "meta": {
            "trained_on": [f"{p}-train" for p in pairs],
            "rows": len(train_rows),
            "high_hter": HIGH_HTER,
            "rare_word_threshold": rare_threshold,
            "check": {"text": CHECK_SENTENCE, "hter": _round(float(reg.predict(x_check)[0]), 10)},
        },
    }
    blob = json.dumps(model_dict, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MODEL_FILE).write_bytes(gzip.compress(blob, compresslevel=9, mtime=0))
    model = model_from_dict(json.loads(blob))
    figures = evaluate(model, dev_rows, rare_threshold, compare=compare, sklearn_reg=reg)
    figures["train_seconds"] = round(time.perf_counter() - t0, 1)
    figures["model_bytes"] = (out_dir / MODEL_FILE).stat().st_size
    if with_source and any(r.src for r in train_rows):
        t1 = time.perf_counter()
        src_dict, fitted = train_with_source(
            train_rows, feats, oof, fold, folds, stats=stats, n_estimators=src_trees, top_n=src_top_n, log=log
        )
        sm = learned.source_model_from_dict(json.loads(json.dumps(src_dict)))
        checks = {}
        for lang, (src, mt) in SRC_LANG_CHECK.items():
            if lang in sm.langs:
                xc = learned.with_source_matrix([src], [mt], sm.langs[lang], model)
                checks[lang] = {"src": src, "mt": mt, "hter": _round(float(fitted[lang].predict(xc)[0]), 10)}
        src_dict["meta"] = {
            "trained_on": [f"{p}-train" for p in pairs],
            "no_source_model_sha256": hashlib.sha256(blob).hexdigest(),
            "ibm1": {
                "src_prefix": IBM_SRC_PREFIX,
                "iterations": IBM_ITERS,
                "top_k": IBM_TOP_K,
                "min_t": IBM_MIN_T,
                "top_n": src_top_n,
            },
            "check": checks,
        }
        src_blob = json.dumps(src_dict, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        (out_dir / SRC_MODEL_FILE).write_bytes(gzip.compress(src_blob, compresslevel=9, mtime=0))
        sm = learned.source_model_from_dict(json.loads(src_blob))
        ws = evaluate_with_source(model, sm, dev_rows, compare=compare, fitted=fitted)
        ws["train_seconds"] = round(time.perf_counter() - t1, 1)
        ws["model_bytes"] = (out_dir / SRC_MODEL_FILE).stat().st_size
        figures["with_source"] = ws
    return figures


def evaluate_with_source(
    model: LearnedModel,
    sm: learned.SourceModel,
    dev: Mapping[str, Sequence[Row]],
    *,
    compare: bool = False,
    fitted: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Dev Pearson / Spearman with HTER per pair and mean: with the source, without, today's score."""
    out: dict[str, Any] = {"pairs": {}}
    max_diff = 0.0
    for pair, rows in dev.items():
        lang = pair.split("-")[0]
        if lang not in sm.langs or not rows or not rows[0].src:
            continue
        srcs, mts = [r.src for r in rows], [r.mt for r in rows]
        hter = np.array([r.hter for r in rows])
        t0 = time.perf_counter()
        res = learned.score_with_source(srcs, mts, lang, model=model, src_model=sm)
        secs = time.perf_counter() - t0
        g = np.array([q.garble for q in res])
        base_res = learned.score(mts, model=model)
        base = np.array([q.garble for q in base_res])
        fig = {
            "pearson": _pearson(g, hter),
            "spearman": _spearman(g, hter),
            "no_source_pearson": _pearson(base, hter),
            "no_source_spearman": _spearman(base, hter),
            "seconds_per_1000": secs * 1000 / len(rows),
        }
        high = hter >= HIGH_HTER
        if sm.langs[lang].high is not None and 0 < high.sum() < len(high):
            p_src = np.array([q.p_high for q in res])
            p_nosrc = np.array([q.p_high for q in base_res])
            fig["auc_high_within_mt"] = _auc(p_src[high], p_src[~high])
            fig["no_source_auc_high_within_mt"] = _auc(p_nosrc[high], p_nosrc[~high])
        word = sm.langs[lang].word
        if word is not None:
            gold = np.concatenate([np.array(r.moses_tags, dtype=bool) for r in rows])
            with_src = np.concatenate(
                [_moses_probs(r, q.token_bad) >= word.threshold for r, q in zip(rows, res, strict=True)]
            )
            no_src = np.concatenate(
                [
                    _moses_probs(r, q.token_bad) >= model.word_threshold
                    for r, q in zip(rows, base_res, strict=True)
                ]
            )
            fig["word_mcc"], fig["word_f1_bad"] = _mcc_f1(gold, with_src)
            fig["no_source_word_mcc"], fig["no_source_word_f1_bad"] = _mcc_f1(gold, no_src)
        if fitted is not None and lang in fitted:
            x = learned.with_source_matrix(srcs, mts, sm.langs[lang], model)
            raw, _ = sm.langs[lang].hter.raw(x)
            max_diff = max(max_diff, float(np.max(np.abs(raw - fitted[lang].predict(x)))))
        if compare:
            from mtrepair.qe import estimate

            old = np.array([q.score for q in estimate(mts, srcs=srcs, src_lang=lang, model="none")])
            fig["today_none_pearson"] = _pearson(old, hter)
            fig["today_none_spearman"] = _spearman(old, hter)
        out["pairs"][pair] = {k: round(v, 4) for k, v in fig.items()}
    keys_ = next(iter(out["pairs"].values())).keys() if out["pairs"] else []
    out["mean"] = {k: round(float(np.nanmean([v[k] for v in out["pairs"].values()])), 4) for k in keys_}
    if fitted is not None:
        out["export_max_abs_diff"] = max_diff
    return out


def evaluate(
    model: LearnedModel,
    dev: Mapping[str, Sequence[Row]],
    rare_threshold: float,
    *,
    compare: bool = False,
    sklearn_reg: Any = None,
) -> dict[str, Any]:
    """Dev figures per pair and their mean (see ``benchmarks/README.md``)."""
    out: dict[str, Any] = {"pairs": {}}
    max_diff = 0.0
    for pair, rows in dev.items():
        mts = [r.mt for r in rows]
        pes = [r.pe for r in rows]
        hter = np.array([r.hter for r in rows])
        t0 = time.perf_counter()
        res = learned.score(mts, model=model)
        secs = time.perf_counter() - t0
        pe_res = learned.score(pes, model=model)
        garble = np.array([q.garble for q in res])
        p_high = np.array([q.p_high for q in res])
        garble_pe = np.array([q.garble for q in pe_res])
        p_high_pe = np.array([q.p_high for q in pe_res])
        high = hter >= HIGH_HTER
        if sklearn_reg is not None:
            x = feature_matrix([sentence_features(t, model.tables)[0] for t in mts])
            raw, _ = model.hter.raw(x)
            max_diff = max(max_diff, float(np.max(np.abs(raw - sklearn_reg.predict(x)))))
        gold, pred, rare = [], [], []
        for r, q in zip(rows, res, strict=True):
            gold.append(np.array(r.moses_tags, dtype=bool))
            pred.append(_moses_probs(r, q.token_bad) >= model.word_threshold)
            rare.append(_zipf_moses(r) < rare_threshold)
        g, pr, ra = np.concatenate(gold), np.concatenate(pred), np.concatenate(rare)
        mcc, f1 = _mcc_f1(g, pr)
        rmcc, rf1 = _mcc_f1(g, ra)
        _, maj_f1 = _mcc_f1(g, np.zeros_like(g))
        fig: dict[str, float] = {
            "pearson": _pearson(garble, hter),
            "spearman": _spearman(garble, hter),
            "auc_mt_vs_pe": _auc(garble[high], garble_pe[high]),
            "auc_mt_vs_pe_p_high": _auc(p_high[high], p_high_pe[high]),
            "auc_high_within_mt": _auc(p_high[high], p_high[~high]),
            "word_mcc": mcc,
            "word_f1_bad": f1,
            "word_mcc_all_ok": 0.0,
            "word_f1_bad_all_ok": maj_f1,
            "word_mcc_rare": rmcc,
            "word_f1_bad_rare": rf1,
            "bad_share": float(g.mean()),
            "seconds_per_1000": secs * 1000 / max(1, len(rows)),
        }
        if compare:
            from mtrepair.qe import estimate

            old = np.array([q.score for q in estimate(mts)])
            old_pe = np.array([q.score for q in estimate(pes)])
            fig["today_pearson"] = _pearson(old, hter)
            fig["today_spearman"] = _spearman(old, hter)
            fig["today_auc_mt_vs_pe"] = _auc(old[high], old_pe[high])
        out["pairs"][pair] = {k: round(v, 4) for k, v in fig.items()}
    keys_ = next(iter(out["pairs"].values())).keys() if out["pairs"] else []
    out["mean"] = {k: round(float(np.nanmean([v[k] for v in out["pairs"].values()])), 4) for k in keys_}
    if sklearn_reg is not None:
        out["export_max_abs_diff"] = max_diff
    return out


# --- With the source (issue 18, second slice) -------------------------------------------------
#
# Per pair, IBM Model 1 in both directions (t(en | src) with a NULL source word and t(src | en)
# with a NULL English word), EM from uniform over train.src / train.pe words. Out of fold as the
# LM tables: a training row's adequacy features come from tables fitted on the other folds (the
# same fold split as the no-source model), pruned and quantized exactly like the shipped tables
# (fitted on all of train), and the no-source HTER feature of a training row is the no-source
# trees' out-of-fold prediction.


class Ibm1:
    """Co-occurrence arrays of one direction, t(word | given), for EM on any subset of sentences."""

    def __init__(self, given: Sequence[list[str]], words: Sequence[list[str]]) -> None:
        freq: Counter[str] = Counter(w for s in given for w in s)
        self.given_vocab = [learned.NULL, *sorted(freq, key=lambda w: (-freq[w], w))]
        wfreq: Counter[str] = Counter(w for s in words for w in s)
        self.word_vocab = [learned.NULL, *sorted(wfreq, key=lambda w: (-wfreq[w], w))]
        gi = {w: i for i, w in enumerate(self.given_vocab)}
        wi = {w: i for i, w in enumerate(self.word_vocab)}
        self.given_ids = [np.array([gi[w] for w in s], dtype=np.int64) for s in given]
        self.word_ids = [np.array([wi[w] for w in s], dtype=np.int64) for s in words]
        g_parts, w_parts, p_parts, s_parts = [], [], [], []
        pos = 0
        for k, (g, w) in enumerate(zip(self.given_ids, self.word_ids, strict=True)):
            g0 = np.r_[0, g]
            g_parts.append(np.tile(g0, len(w)))
            w_parts.append(np.repeat(w, len(g0)))
            p_parts.append(np.repeat(np.arange(pos, pos + len(w)), len(g0)))
            s_parts.append(np.full(len(w) * len(g0), k, dtype=np.int64))
            pos += len(w)
        self.n_pos = pos
        nw = len(self.word_vocab)
        key = np.concatenate(g_parts) * nw + np.concatenate(w_parts) if g_parts else np.zeros(0, np.int64)
        uniq, self.inv = np.unique(key, return_inverse=True)
        self.g_of = uniq // nw
        self.w_of = uniq % nw
        self.pos = np.concatenate(p_parts) if p_parts else np.zeros(0, np.int64)
        self.sent = np.concatenate(s_parts) if s_parts else np.zeros(0, np.int64)

    def fit(self, use: np.ndarray, iters: int = IBM_ITERS) -> np.ndarray:
        """t over the distinct (given, word) pairs after EM on the sentences where ``use``."""
        m = use[self.sent]
        inv, pos = self.inv[m], self.pos[m]
        n = len(self.g_of)
        t = np.ones(n)
        for _ in range(iters):
            p = t[inv]
            den = np.bincount(pos, p, minlength=self.n_pos)
            cnt = np.bincount(inv, p / den[pos], minlength=n)
            tot = np.bincount(self.g_of, cnt, minlength=len(self.given_vocab))
            with np.errstate(divide="ignore", invalid="ignore"):
                t = np.where(tot[self.g_of] > 0, cnt / tot[self.g_of], 0.0)
        return t

    def prune(self, t: np.ndarray, use: np.ndarray, top_n: int) -> list[tuple[str, str, int]]:
        """(given, word, round(1000 t)) kept: top-k per given word, t ≥ 0.01, frequent words only."""
        allowed = []
        for ids, vocab in ((self.given_ids, self.given_vocab), (self.word_ids, self.word_vocab)):
            used = [a for a, u in zip(ids, use, strict=True) if u]
            freq = np.bincount(np.concatenate(used) if used else np.zeros(0, np.int64), minlength=len(vocab))
            order = np.lexsort((np.arange(len(vocab)), -freq))
            ok = np.zeros(len(vocab), dtype=bool)
            ok[order[:top_n]] = True
            ok &= freq > 0
            ok[0] = True
            allowed.append(ok)
        q = np.round(t * 1000).astype(np.int64)
        keep = np.flatnonzero((q >= round(IBM_MIN_T * 1000)) & allowed[0][self.g_of] & allowed[1][self.w_of])
        keep = keep[np.lexsort((self.w_of[keep], -q[keep], self.g_of[keep]))]
        out = []
        prev, rank = -1, 0
        for i in keep:
            g = int(self.g_of[i])
            rank = rank + 1 if g == prev else 0
            prev = g
            if rank < IBM_TOP_K:
                out.append((self.given_vocab[g], self.word_vocab[int(self.w_of[i])], int(q[i])))
        return out


def lexicon_to_dict(
    fwd: list[tuple[str, str, int]], rev: list[tuple[str, str, int]], src_prefix: int = 0
) -> dict[str, Any]:
    """The shipped layout of one pair's tables (see :func:`mtrepair.qe.learned.lexicon_from_dict`)."""
    src_words = {f for f, _e, _p in fwd} | {f for _e, f, _p in rev}
    en_words = {e for _f, e, _p in fwd} | {e for e, _f, _p in rev}
    src_words.discard(learned.NULL)
    en_words.discard(learned.NULL)
    src_vocab = [learned.NULL, *sorted(src_words)]
    en_vocab = [learned.NULL, *sorted(en_words)]
    si = {w: i for i, w in enumerate(src_vocab)}
    ei = {w: i for i, w in enumerate(en_vocab)}

    def cols(entries: list[tuple[int, int, int]]) -> dict[str, list[int]]:
        entries = sorted(entries)
        return {
            "given": [a for a, _, _ in entries],
            "word": [b for _, b, _ in entries],
            "p": [p for *_, p in entries],
        }

    return {
        "src_prefix": src_prefix,
        "src_vocab": src_vocab,
        "en_vocab": en_vocab,
        "fwd": cols([(si[f], ei[e], p) for f, e, p in fwd]),
        "rev": cols([(ei[e], si[f], p) for e, f, p in rev]),
    }


def pair_lexicon(src: Sequence[list[str]], pe: Sequence[list[str]]) -> tuple[Ibm1, Ibm1]:
    return Ibm1(src, pe), Ibm1(pe, src)


def fit_lexicon(
    fwd: Ibm1, rev: Ibm1, use: np.ndarray, top_n: int = IBM_TOP_N, src_prefix: int = 0
) -> dict[str, Any]:
    return lexicon_to_dict(
        fwd.prune(fwd.fit(use), use, top_n), rev.prune(rev.fit(use), use, top_n), src_prefix
    )


def train_with_source(
    train_rows: Sequence[Row],
    feats: Sequence[Mapping[str, float]],
    nosrc_oof: np.ndarray,
    fold: np.ndarray,
    folds: int,
    *,
    stats: Sequence[learned.TokenStats | None] | None = None,
    n_estimators: int = 300,
    top_n: int = IBM_TOP_N,
    log: Any = print,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit the per-pair with-source models; returns (the shipped dict, the sklearn models by lang).

    With ``stats`` (every training row's out-of-fold token statistics) each pair also gets a
    word model (:data:`mtrepair.qe.learned.SRC_WORD_FEATURES`), fitted on out-of-fold rows.
    """
    from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

    t0 = time.perf_counter()
    pairs = sorted({r.pair for r in train_rows})
    langs: dict[str, Any] = {}
    fitted: dict[str, Any] = {}
    for pair in pairs:
        lang = pair.split("-")[0]
        idx = np.array([i for i, r in enumerate(train_rows) if r.pair == pair and r.src])
        if len(idx) == 0:
            continue
        rows = [train_rows[i] for i in idx]
        pf = fold[idx]
        src_words = [learned.src_word_keys(r.src, IBM_SRC_PREFIX) for r in rows]
        fwd, rev = pair_lexicon(src_words, [learned.word_keys(r.pe) for r in rows])
        x_rows: list[dict[str, float]] = [{} for _ in rows]
        w_rows: list[np.ndarray | None] = [None for _ in rows]
        for k in range(folds):
            lex = learned.lexicon_from_dict(fit_lexicon(fwd, rev, pf != k, top_n, IBM_SRC_PREFIX))
            for j in np.flatnonzero(pf == k):
                row = dict(feats[idx[j]])
                row["nosrc_hter"] = float(nosrc_oof[idx[j]])
                row.update(learned.source_features(rows[j].src, rows[j].mt, lex))
                x_rows[j] = row
                st = stats[idx[j]] if stats is not None else None
                if st is not None:
                    w_rows[j] = learned.source_word_rows(st, rows[j].src, row["nosrc_hter"], lex, row)
        lex_dict = fit_lexicon(fwd, rev, np.ones(len(rows), dtype=bool), top_n, IBM_SRC_PREFIX)
        x = feature_matrix(x_rows, SRC_FEATURE_NAMES)
        y = np.array([r.hter for r in rows])
        gb = {"n_estimators": n_estimators, "max_depth": 3, "learning_rate": 0.05, "subsample": 0.8}
        reg = GradientBoostingRegressor(random_state=SEED, **gb).fit(x, y)
        fitted[lang] = reg
        langs[lang] = {
            "pair": pair,
            "rows": len(rows),
            "features": list(SRC_FEATURE_NAMES),
            "lexicon": lex_dict,
            "hter": export_forest(reg, _init_of(reg, x)),
        }
        yb = (y >= HIGH_HTER).astype(int)
        if 0 < yb.sum() < len(yb):  # P(HTER >= 0.3) with the source (needs both classes)
            clf = GradientBoostingClassifier(random_state=SEED, **gb).fit(x, yb)
            langs[lang]["high"] = export_forest(clf, _init_of(clf, x))
        if all(w is not None for w in w_rows):
            langs[lang]["word"] = fit_word_model(
                rows, [w for w in w_rows if w is not None], learned.SRC_WORD_FEATURES
            )
        log(f"with source {pair}: {time.perf_counter() - t0:.1f} s")
    return {"version": 1, "langs": langs}, fitted
