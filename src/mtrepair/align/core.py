"""Monotonic n-m sentence alignment by dynamic programming (Vecalign-like).

How it works, and why:

- Every run of up to ``max_bead`` consecutive units on each side ("overlaps") is
  embedded once by the backend. A bead joining garbled units ``i..i+a-1`` with
  clean units ``j..j+b-1`` is scored by the cosine of the two overlap vectors, so
  a sentence the garbled copy split in two (2-1) or two sentences it merged (1-2)
  compare as wholes.
- Cost of a bead: ``(1 - cos) / norm * (a + b) / 2 + 0.35 * (a + b - 2)``
  plus a length term, where ``norm`` is the mean dissimilarity of each side
  against random units of the other side (Vecalign's normalization: a short or
  generic sentence is similar to everything, and this stops it from attracting
  beads). Every unit pays half its bead's dissimilarity, and each unit beyond the
  first on a side pays a fixed price, so a merge must pay for itself: 2-1 wins
  only when it is clearly better than 1-1 plus a skip. (Vecalign's ``a * b``
  factor, used before, made true 2-2 and 2-3 beads all but impossible across
  languages; see :func:`_bead_weight`.)
- Skips (1-0: a garbled unit with no counterpart, 0-1: a lost clean unit) cost
  ``skip`` each, in the same normalized units (1.0 is a random pair). By default
  the skip is learnt from the two documents (:func:`_adaptive_skip`): half-way
  between what a unit's best link typically costs and what a random pair costs,
  never below the fixed 0.6 of earlier versions. That fixed skip, tuned on
  English against English, left far too many units out of a German-French pair,
  whose true links cost more (lower cross-lingual cosines); the adaptive one
  moves with the backend and the language pair.
- Runs of more than :data:`EMBED_RUNS` units are not embedded as texts: their
  vector is the normalized sum of their units' vectors. Beads of 3 or 4 units on
  a side then cost no extra embedding (measured: the same alignment as embedding
  the 3-unit concatenations, on de-fr and et-en), so ``max_bead`` can grow
  without the neural backends' time growing with it.
- Cost grows about linearly with length: small tables are solved whole; a large
  one is first solved on blocks of ``_FACTOR`` units (mean vectors, recursively),
  and the full-resolution table is then searched only in a band around the
  coarse path. The DP runs row by row; within a row every move is one numpy
  operation over the band, and the chain of 0-1 skips along a row is a running
  minimum (``np.minimum.accumulate``), so no Python loop visits single cells.
- ``min_score``: for comparable documents (another outlet's article sharing some
  paragraphs) beads whose cosine is below it are split into 1-0 and 0-1 beads:
  reported as unaligned rather than forced.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mtrepair.align import Backend, Bead
from mtrepair.errors import ConfigError

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

# Tables up to this many cells are solved whole, without a coarse pass.
FULL_CELLS = 160_000
# Units per block at each coarser level.
_FACTOR = 4
# Random units each overlap is compared with for the normalization.
_SAMPLES = 32
# The fixed skip of earlier versions (tuned on English against English); now the
# floor of the adaptive skip (see _adaptive_skip), which is the default.
DEFAULT_SKIP = 0.6
DEFAULT_LENGTH_WEIGHT = 0.65
DEFAULT_MAX_BEAD = 2
# Longest run of units embedded as one text; longer runs are pooled unit vectors.
EMBED_RUNS = 2
# Units per side whose best link is looked up for the adaptive skip: a sample
# keeps it linear in the document length (all units of shorter documents).
_SKIP_SAMPLE = 256
# Bounds of the adaptive skip (its formula gives 0.5..~1.1 in practice).
_SKIP_RANGE = (DEFAULT_SKIP, 1.5)
# Characters added to every length before its logarithm: short fragments differ
# a lot in relative length for little reason.
_LEN_SMOOTH = 10.0
# Fixed cost of each unit beyond the first on either side of a bead (see
# _bead_weight), in normalized units (1.0: a random pair). Chosen on the halves
# of the Bleualign de-fr dev document (0.3 and 0.35 best) and held to 0.35 by
# English against English: at 0.3 one injected line of the MLQE-PE et-en
# benchmark joins its neighbour's bead.
_EXTRA_UNIT = 0.35
# Units it takes for the side's mean to be removed by half (see _center).
_CENTER_SHRINK = 10.0


@dataclass(frozen=True)
class _Band:
    """Per row ``i`` (0..n) the searched columns ``lo[i]..hi[i]`` (inclusive)."""

    lo: I64
    hi: I64

    @property
    def width(self) -> int:
        return int((self.hi - self.lo).max()) + 1


@dataclass(frozen=True)
class _Side:
    """Overlap vectors of one side: ``vecs[a - 1][k]`` covers units ``k..k+a-1``."""

    vecs: list[F32]
    # Mean dissimilarity of each overlap to random units of the other side.
    rand: list[F64]
    # Log length (characters) of each overlap, shifted by the side's mean, so the
    # two sides compare whatever their languages' length ratio.
    loglen: list[F64]
    # Characters per unit (summed per block at coarse levels).
    lengths: F64
    # Overlaps as normalized sums of their unit vectors, each unit weighing the
    # same whatever its length (None where ``vecs`` already are that).
    pooled: list[F32] | None = None

    @property
    def size(self) -> int:
        return len(self.vecs[0])


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Run the band's many small matrix products on one BLAS thread.

    Why: a band is computed as hundreds of small products; a multi-threaded
    BLAS spends more time waking and syncing its threads than multiplying, and
    on a busy 2-core machine that was measured 100x slower (1.9 s against
    17 ms for the 1,000-line benchmark's band).
    """
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _bead_weight(a: int, b: int) -> float:
    """How many times a bead of ``a`` garbled and ``b`` clean units pays its dissimilarity.

    ``(a + b) / 2``: every unit pays half of its bead's normalized dissimilarity,
    as the two units of a 1-1 bead do, and merging costs :data:`_EXTRA_UNIT` per
    unit beyond the first on each side (see :func:`_dp`). Vecalign's ``a * b``
    (every unit pair of the bead paying in full) priced a 2-2 bead at four
    times its dissimilarity and a 2-3 at six: across languages, where even a true
    link costs about 0.4 of a random pair, a true 2-2 bead lost to two poor 1-1
    beads almost always (on the Bleualign de-fr dev document, e5 found 3 of the
    29 gold beads with two or more units on both sides; 11 now). ``(a + b) / 2``
    alone lets merged beads win too often (a merged bead's vector averages out
    noise, so its cosine rises): the fixed price per extra unit is what keeps
    the finer beads when they are as good.
    """
    return (a + b) / 2


def _moves(max_bead: int) -> list[tuple[int, int]]:
    """Bead shapes (garbled units, clean units), 1-0 first; 0-1 is handled apart."""
    shapes = [(1, 0)]
    shapes += [(a, b) for a in range(1, max_bead + 1) for b in range(1, max_bead + 1)]
    return shapes


def _unit_rows(out: F32) -> F32:
    """Scale the rows of ``out`` to unit length in place (zero rows stay zero)."""
    norms = np.sqrt(np.einsum("ij,ij->i", out, out))
    norms[norms == 0] = 1.0
    out /= norms[:, None]
    return out


def _normalize_rows(x: F64 | F32) -> F32:
    """A unit-row float32 copy of ``x``."""
    return _unit_rows(np.array(x, dtype=np.float32))


def _pooled_overlaps(units: F32, max_bead: int) -> list[F32]:
    """Overlaps as normalized sums of their unit vectors (each unit weighs the same)."""
    out = [units]
    for a in range(2, max_bead + 1):
        count = len(units) - a + 1
        if count <= 0:
            out.append(np.zeros((0, units.shape[1]), dtype=np.float32))
            continue
        total = units[:count].copy()
        for k in range(1, a):
            total += units[k : k + count]
        out.append(_unit_rows(total))
    return out


def _random_dissimilarity(vecs: list[F32], other: F32, rng: np.random.Generator) -> list[F64]:
    picked = rng.choice(len(other), size=min(_SAMPLES, len(other)), replace=False)
    sample = other[np.sort(picked)]
    out = []
    for v in vecs:
        if len(v) == 0:
            out.append(np.zeros(0))
            continue
        mean = 1.0 - (v @ sample.T).astype(np.float64).mean(axis=1)
        out.append(np.maximum(mean, 1e-3))
    return out


def _run_sums(values: F64, max_bead: int) -> list[F64]:
    """Sums of every run of 1..max_bead consecutive values (overlap lengths)."""
    csum = np.concatenate([[0.0], np.cumsum(values)])
    return [csum[a:] - csum[:-a] for a in range(1, max_bead + 1)]


def _sides(g: list[F32], c: list[F32], g_len: F64, c_len: F64, *, pooled: bool) -> tuple[_Side, _Side]:
    """Both sides with their random-pair normalizers and comparable log lengths."""
    rng = np.random.default_rng(0)
    max_bead = len(g)
    ratio = max(float(g_len.sum()), 1.0) / max(float(c_len.sum()), 1.0)
    g_log = [np.log(x + _LEN_SMOOTH) for x in _run_sums(g_len, max_bead)]
    c_log = [np.log(x * ratio + _LEN_SMOOTH) for x in _run_sums(c_len, max_bead)]
    g_pool = _pooled_overlaps(g[0], max_bead) if pooled else None
    c_pool = _pooled_overlaps(c[0], max_bead) if pooled else None
    return (
        _Side(g, _random_dissimilarity(g, c[0], rng), g_log, g_len, g_pool),
        _Side(c, _random_dissimilarity(c, g[0], rng), c_log, c_len, c_pool),
    )


def _full_band(n: int, m: int) -> _Band:
    return _Band(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))


def _band_from_path(path: list[tuple[int, int]], factor: int, n: int, m: int, width: int) -> _Band:
    """Fine-resolution band around a coarse path, ``width`` units either side.

    ``path`` holds the coarse (row, col) corner points from (0, 0) to the end.
    Between two corners the path is interpolated; a horizontal stretch (a lost
    clean block) covers all its columns at that row.
    """
    pmin = np.full(n + 1, m, dtype=np.int64)
    pmax = np.zeros(n + 1, dtype=np.int64)
    for (r0, c0), (r1, c1) in itertools.pairwise(path):
        fr0, fr1 = min(r0 * factor, n), min(r1 * factor, n)
        fc0, fc1 = min(c0 * factor, m), min(c1 * factor, m)
        rows = np.arange(fr0, fr1 + 1)
        if fr1 == fr0:
            lo_cols = np.array([fc0])
            hi_cols = np.array([fc1])
        else:
            cols = fc0 + (rows - fr0) * (fc1 - fc0) / (fr1 - fr0)
            lo_cols = np.floor(cols).astype(np.int64)
            hi_cols = np.ceil(cols).astype(np.int64)
        pmin[rows] = np.minimum(pmin[rows], lo_cols)
        pmax[rows] = np.maximum(pmax[rows], hi_cols)
    # The path is monotonic, so the window's extremes sit at its ends.
    idx = np.arange(n + 1)
    lo = pmin[np.maximum(idx - width, 0)] - width
    hi = pmax[np.minimum(idx + width, n)] + width
    lo = np.clip(np.minimum.accumulate(lo[::-1])[::-1], 0, m)
    hi = np.clip(np.maximum.accumulate(hi), 0, m)
    lo[0], hi[n] = 0, m
    # Consecutive rows must share a column, or no path could cross between them.
    lo[1:] = np.minimum(lo[1:], hi[:-1])
    return _Band(lo, hi)


def _band_sims(g: _Side, c: _Side, a: int, b: int, band: _Band, block: int = 64) -> tuple[F32, F64, F64]:
    """Cosine, normalizer and log-length gap of bead (a, b) ending at each band cell.

    Cell (i, lo[i] + k) ends the bead at garbled unit ``i`` and clean unit
    ``lo[i] + k``: garbled overlap ``i - a`` against clean overlap ``j - b``.
    Computed as dense products of row blocks (BLAS), then the band is gathered.
    Cells outside the table get NaN.
    """
    n = len(band.lo) - 1
    width = band.width
    sims = np.full((n + 1, width), np.nan, dtype=np.float32)
    norms = np.full((n + 1, width), np.nan, dtype=np.float64)
    lendiff = np.zeros((n + 1, width), dtype=np.float64)
    gv, cv = g.vecs[a - 1], c.vecs[b - 1]
    if len(gv) == 0 or len(cv) == 0:
        return sims, norms, lendiff
    for r0 in range(a, n + 1, block):
        r1 = min(r0 + block, n + 1)
        c0 = max(int(band.lo[r0]) - b, 0)
        c1 = min(int(band.hi[r1 - 1]) - b, len(cv) - 1)
        if c1 < c0:
            continue
        dense = gv[r0 - a : r1 - a] @ cv[c0 : c1 + 1].T
        if (a > 1 or b > 1) and g.pooled is not None and c.pooled is not None:
            # The concatenation's vector is dominated by its longest unit, so a
            # short heading riding along with a matching long sentence goes
            # unnoticed; the equal-weight sum notices it. Keep the lower one.
            balanced = g.pooled[a - 1][r0 - a : r1 - a] @ c.pooled[b - 1][c0 : c1 + 1].T
            dense = np.minimum(dense, balanced)
        rows = np.arange(r0, r1)
        cols = band.lo[rows, None] + np.arange(width)[None, :] - b
        ok = (cols >= c0) & (cols <= c1) & (cols + b <= band.hi[rows, None])
        safe = np.where(ok, cols, c0)
        sims[r0:r1] = np.where(ok, np.take_along_axis(dense, safe - c0, axis=1), np.nan)
        denom = (g.rand[a - 1][rows - a, None] + c.rand[b - 1][safe]) / 2.0
        norms[r0:r1] = np.where(ok, denom, np.nan)
        lendiff[r0:r1] = np.abs(g.loglen[a - 1][rows - a, None] - c.loglen[b - 1][safe])
    return sims, norms, lendiff


def _dp(
    g: _Side,
    c: _Side,
    band: _Band,
    max_bead: int,
    skip: float,
    length_weight: float,
    min_score: float = 0.0,
) -> list[tuple[int, int, float]]:
    """Best monotonic path through ``band``: (a, b, cosine) per bead, in order."""
    n, m = g.size, c.size
    width = band.width
    lo = band.lo
    shapes = _moves(max_bead)
    costs: list[F64 | None] = []
    sims_by_shape: list[F32 | None] = []
    for a, b in shapes:
        if b == 0:
            costs.append(None)
            sims_by_shape.append(None)
            continue
        sims, norms, lendiff = _band_sims(g, c, a, b, band)
        cost = (1.0 - sims.astype(np.float64)) / norms * _bead_weight(a, b) + length_weight * lendiff
        # A fixed price per extra unit (see _bead_weight): a merged bead must be
        # clearly better than the finer beads it replaces.
        cost += _EXTRA_UNIT * (a + b - 2)
        # Beads below min_score are not allowed at all: their units are skipped.
        banned = np.isnan(cost) | (sims < min_score) if min_score > 0 else np.isnan(cost)
        costs.append(np.where(banned, np.inf, cost))
        sims_by_shape.append(sims)
    # Gather tables, built once: for shape s and cell (i, lo[i] + k), where its
    # previous cell sits in the flattened ``total`` and what the step costs
    # (inf where the previous cell is outside the table or the band).
    steps = np.arange(width)
    rows = np.arange(n + 1)[:, None]
    cols = lo[:, None] + steps[None, :]
    inside = cols <= band.hi[:, None]
    prev_at = np.zeros((len(shapes), n + 1, width), dtype=np.int64)
    step_cost = np.full((len(shapes), n + 1, width), np.inf)
    for s, (a, b) in enumerate(shapes):
        prow = np.clip(rows - a, 0, n)
        pcol = cols - b
        ok = inside & (rows >= a) & (pcol >= lo[prow]) & (pcol <= band.hi[prow])
        prev_at[s] = np.where(ok, prow * width + pcol - lo[prow], 0)
        shape_cost = costs[s]
        step_cost[s] = np.where(ok, skip if shape_cost is None else shape_cost, np.inf)
    total = np.full((n + 1, width), np.inf)
    flat = total.ravel()  # a view: rows written below are seen by later gathers
    move = np.full((n + 1, width), -1, dtype=np.int8)
    left = len(shapes)  # the move code for "0-1 along the row"
    for i in range(n + 1):
        span = int(band.hi[i] - lo[i]) + 1
        cand = flat[prev_at[:, i, :span]] + step_cost[:, i, :span]
        arg = cand.argmin(axis=0)
        best = np.take_along_axis(cand, arg[None, :], axis=0)[0]
        if i == 0:
            best[0] = 0.0
        # 0-1 skips along the row: best[j] = min(best[j], best[j-1] + skip).
        # Compared in the shifted space, where no rounding can fake an improvement.
        ramp = steps[:span] * skip
        shifted = best - ramp
        run = np.minimum.accumulate(shifted)
        from_left = run < shifted
        best = np.where(from_left, run + ramp, best)
        arg = np.where(from_left, left, np.where(np.isinf(best), -1, arg))
        total[i, :span] = best
        move[i, :span] = arg
    # Trace back from (n, m).
    out: list[tuple[int, int, float]] = []
    i, j = n, m
    while i > 0 or j > 0:
        k = j - int(lo[i])
        s = int(move[i, k])
        if s == left:
            out.append((0, 1, 0.0))
            j -= 1
            continue
        if s < 0:
            raise RuntimeError("alignment band lost the path")  # a bug, not bad input
        a, b = shapes[s]
        shape_sims = sims_by_shape[s]
        score = 0.0 if shape_sims is None else float(shape_sims[i, k])
        out.append((a, b, score))
        i, j = i - a, j - b
    out.reverse()
    return out


def _solve(
    g: _Side,
    c: _Side,
    max_bead: int,
    skip: float,
    band: int | None,
    length_weight: float,
    min_score: float = 0.0,
) -> list[tuple[int, int, float]]:
    n, m = g.size, c.size
    if n * m <= FULL_CELLS:
        return _dp(g, c, _full_band(n, m), max_bead, skip, length_weight, min_score)
    cg, cc = _sides(
        _pooled_overlaps(_pool(g.vecs[0]), max_bead),
        _pooled_overlaps(_pool(c.vecs[0]), max_bead),
        _pool_lengths(g.lengths),
        _pool_lengths(c.lengths),
        pooled=False,
    )
    coarse = _solve(cg, cc, max_bead, skip, band, length_weight)
    corners = [(0, 0)]
    for a, b, _ in coarse:
        r, col = corners[-1]
        corners.append((r + a, col + b))
    width = band if band is not None else 2 * _FACTOR + 2
    fine = _band_from_path(corners, _FACTOR, n, m, width)
    return _dp(g, c, fine, max_bead, skip, length_weight, min_score)


def _pool_lengths(lengths: F64) -> F64:
    pad = (-len(lengths)) % _FACTOR
    out: F64 = np.concatenate([lengths, np.zeros(pad)]).reshape(-1, _FACTOR).sum(axis=1)
    return out


def _pool(units: F32) -> F32:
    """Mean vectors of consecutive blocks of ``_FACTOR`` units."""
    n = len(units)
    pad = (-n) % _FACTOR
    padded = np.concatenate([units, np.zeros((pad, units.shape[1]), dtype=np.float32)])
    summed = padded.reshape(-1, _FACTOR, units.shape[1]).sum(axis=1, dtype=np.float64)
    return _normalize_rows(summed)


def _center(vecs: list[F32]) -> list[F32]:
    """Remove each overlap size's mean vector, then renormalize.

    Why: every sentence of a news story shares n-grams ("the ", " said") or an
    embedding direction (topic, language) with every other; that common part
    makes unrelated sentences look similar (cosine ~0.2 for the lexical backend)
    and hides what is specific. Removing the side's mean (per language for a
    cross-lingual pair) roughly doubled the margin between true and random pairs
    on MLQE-PE et-en. A short text keeps most of its mean: the mean of a few
    units is mostly those units themselves.
    """
    out = []
    for v in vecs:
        if len(v) < 2:
            out.append(_normalize_rows(v))
            continue
        keep = len(v) / (len(v) + _CENTER_SHRINK)
        mean = (keep * v.mean(axis=0, dtype=np.float64)).astype(np.float32)
        out.append(_unit_rows(v - mean))
    return out


def _embed_overlaps(texts: Sequence[str], backend: Backend, max_bead: int) -> list[F32]:
    """Vectors of every run of 1..max_bead consecutive texts.

    Runs of up to :data:`EMBED_RUNS` texts are embedded (joined by a space) in
    one backend call; longer runs get the normalized sum of their unit vectors
    (the DP keeps the lower of the two cosines for multi-unit beads anyway, and
    that is the pooled one almost always), so they cost no embedding.
    """
    runs: list[str] = []
    counts: list[int] = []
    for a in range(1, min(max_bead, EMBED_RUNS) + 1):
        chunk = [" ".join(texts[k : k + a]) for k in range(len(texts) - a + 1)]
        runs.extend(chunk)
        counts.append(len(chunk))
    vecs = np.asarray(backend.embed(runs), dtype=np.float32)
    if vecs.ndim != 2 or len(vecs) != len(runs):
        raise ConfigError(f"backend {backend.name!r} returned {vecs.shape} vectors for {len(runs)} texts")
    out: list[F32] = []
    start = 0
    for count in counts:
        out.append(vecs[start : start + count])
        start += count
    if max_bead > EMBED_RUNS:
        out += _pooled_overlaps(_normalize_rows(out[0]), max_bead)[EMBED_RUNS:]
    return out


def _best_link_costs(a: _Side, b: _Side, length_weight: float, rng: np.random.Generator) -> F64:
    """Cost of the cheapest 1-1 bead of each of (a sample of) ``a``'s units with any unit of ``b``."""
    rows = np.arange(a.size)
    if a.size > _SKIP_SAMPLE:
        rows = np.sort(rng.choice(a.size, size=_SKIP_SAMPLE, replace=False))
    av, ar, al = a.vecs[0][rows], a.rand[0][rows], a.loglen[0][rows]
    best = np.full(len(rows), np.inf)
    for c0 in range(0, b.size, 4096):  # column blocks: memory stays bounded on long documents
        c1 = min(c0 + 4096, b.size)
        sims = (av @ b.vecs[0][c0:c1].T).astype(np.float64)
        norms = (ar[:, None] + b.rand[0][None, c0:c1]) / 2.0
        cost = (1.0 - sims) / norms + length_weight * np.abs(al[:, None] - b.loglen[0][None, c0:c1])
        best = np.minimum(best, cost.min(axis=1))
    return best


def _adaptive_skip(g: _Side, c: _Side, length_weight: float) -> tuple[float, float]:
    """(skip, typical): the skip learnt from the documents and the median it came from.

    ``typical`` is the median, over the units of both sides, of the cost of each
    unit's cheapest 1-1 bead with any unit of the other side (Bertalign's first
    step, finding each sentence's best matches, used here only for its costs).
    Most units have a true counterpart, so that median is what a true link costs
    with this backend and this language pair; a random pair costs 1.0 by
    construction of the normalization. The skip sits half-way between them:
    ``(1 + typical) / 2``. With English against English the links are cheap
    (typical ~0.2 for e5, ~0.5 for the lexical backend on an MT output against
    a human reference: skip ~0.6 and ~0.77); German against French with e5 they
    cost more (typical ~0.6: skip ~0.8), so leaving a unit out costs more too,
    instead of winning over a weaker but true link. No constant was fitted: on
    the data it was checked on (Bleualign de-fr dev; MLQE-PE en-en and en-et
    slices; three backends; 15 cases) it lands within 0.02 strict F1 of the
    best fixed skip of a 0.5..1.4 grid in every case.

    The skip never goes below :data:`DEFAULT_SKIP`, the fixed value of earlier
    versions: two near-identical versions of a text (a garbled copy against
    its clean original, typical ~0.01) would otherwise get ~0.5 and start
    leaving stray fragments out that 0.6 kept in their sentence's bead, with
    no evidence that this is better. The ceiling only guards degenerate input.
    """
    rng = np.random.default_rng(1)
    costs = np.concatenate(
        [_best_link_costs(g, c, length_weight, rng), _best_link_costs(c, g, length_weight, rng)]
    )
    typical = float(np.median(costs))
    low, high = _SKIP_RANGE
    return min(max((1.0 + typical) / 2.0, low), high), typical


@dataclass(frozen=True)
class Alignment:
    """The beads of :func:`align_detailed` and the skip cost they were found with."""

    beads: list[Bead]
    # The cost of leaving one unit unaligned, in normalized units.
    skip: float
    # True when the skip was learnt from the documents (see :func:`_adaptive_skip`).
    adaptive: bool
    # The median cheapest-link cost the adaptive skip came from (None otherwise).
    typical_cost: float | None = None


def align(
    garbled: Sequence[str],
    clean: Sequence[str],
    *,
    backend: Backend | None = None,
    max_bead: int = DEFAULT_MAX_BEAD,
    band: int | None = None,
    min_score: float = 0.0,
    skip: float | None = None,
    length_weight: float | None = None,
) -> list[Bead]:
    """Align two sequences of units monotonically; every unit is in exactly one bead.

    The beads of :func:`align_detailed` (which documents the parameters).
    """
    return align_detailed(
        garbled,
        clean,
        backend=backend,
        max_bead=max_bead,
        band=band,
        min_score=min_score,
        skip=skip,
        length_weight=length_weight,
    ).beads


def align_detailed(
    garbled: Sequence[str],
    clean: Sequence[str],
    *,
    backend: Backend | None = None,
    max_bead: int = DEFAULT_MAX_BEAD,
    band: int | None = None,
    min_score: float = 0.0,
    skip: float | None = None,
    length_weight: float | None = None,
) -> Alignment:
    """Align two sequences of units monotonically; every unit is in exactly one bead.

    ``max_bead``: most units per side in one bead (2 allows 1-2, 2-1, 2-2; 4,
    the ``mtrepair align`` default, also 1-3, 3-1, ... 4-4, which translations
    and badly torn copies need; the library default stays 2, what its callers,
    ``clean --reference`` among them, were written and checked against).
    ``band``: half-width, in units, of the search window around the coarse path
    for long documents (default: picked from the coarsening factor); tables of up
    to :data:`FULL_CELLS` cells are always searched whole.

    ``min_score`` > 0 is for *comparable* documents, which share only some
    sentences: no bead scoring below it is made (its units are reported as 1-0
    and 0-1 beads instead), leaving a unit costs ``(1 - min_score) / 2`` so that
    a bead is kept exactly when it beats that threshold, and lengths are ignored
    (two outlets' sentences about the same fact need not have the same length).
    With the default 0.0 (two versions or two translations of one text) ``skip``
    is learnt from the two documents (``(1 + typical) / 2``, at least
    :data:`DEFAULT_SKIP`; see :func:`_adaptive_skip`) and lengths count with
    :data:`DEFAULT_LENGTH_WEIGHT`.
    Both can be given explicitly; ``skip`` is in the normalized cost unit, where
    1.0 is what a random pair of units costs (:data:`DEFAULT_SKIP`, 0.6, is the
    fixed value of earlier versions).

    Scores are cosines of the centered overlap vectors (0 for a random pair),
    clipped to [0, 1]; 1-0 and 0-1 beads score 0.
    """
    if max_bead < 1:
        raise ConfigError(f"max_bead must be at least 1, not {max_bead}")
    if band is not None and band < 1:
        raise ConfigError(f"band must be at least 1, not {band}")
    if not 0.0 <= min_score < 1.0:
        raise ConfigError(f"min_score must be at least 0 and below 1, not {min_score}")
    comparable = min_score > 0
    if skip is None and comparable:
        skip = (1.0 - min_score) / 2
    if length_weight is None:
        length_weight = 0.0 if comparable else DEFAULT_LENGTH_WEIGHT
    if skip is not None and not (math.isfinite(skip) and skip > 0):
        raise ConfigError(f"skip must be a positive number, not {skip}")
    if length_weight < 0:
        raise ConfigError(f"length_weight must not be negative, not {length_weight}")
    n, m = len(garbled), len(clean)
    if n == 0 or m == 0:
        beads = [Bead((i,), (), 0.0) for i in range(n)] + [Bead((), (j,), 0.0) for j in range(m)]
        return Alignment(beads, DEFAULT_SKIP if skip is None else skip, adaptive=False)
    if backend is None:
        from mtrepair.align.lexical import LexicalBackend

        backend = LexicalBackend()
    g_vecs = _center(_embed_overlaps(garbled, backend, max_bead))
    c_vecs = _center(_embed_overlaps(clean, backend, max_bead))
    g_len = np.array([len(t) for t in garbled], dtype=np.float64)
    c_len = np.array([len(t) for t in clean], dtype=np.float64)
    g_side, c_side = _sides(g_vecs, c_vecs, g_len, c_len, pooled=True)
    typical: float | None = None
    with _one_blas_thread():
        if skip is None:
            skip, typical = _adaptive_skip(g_side, c_side, length_weight)
        path = _solve(g_side, c_side, max_bead, skip, band, length_weight, min_score)
    beads = []
    i = j = 0
    for a, b, score in path:
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), min(max(score, 0.0), 1.0)))
        i, j = i + a, j + b
    return Alignment(beads, skip, adaptive=typical is not None, typical_cost=typical)
