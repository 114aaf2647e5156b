"""Cross-lingual similarity signals from a multilingual sentence encoder.

Why more than the plain cosine: a raw source–translation cosine mixes two things,
how well the translation matches its source and how "typical" each sentence is
for its language (every English sentence sits close to every other one in e5's
space). Removing each language's mean vector before the cosine (the centering
used for cross-lingual retrieval and bitext mining) leaves more of the first.
On MLQE-PE it lifts the correlation with HTER on every pair (e.g. ne-en 0.32 →
0.40) with no labels involved.

The mean vector of a side is taken from the file itself when it has at least
:data:`MIN_CENTROID_LINES` lines: an unsupervised, label-free statistic of the
input. Shorter inputs use the mean shipped for that language and model
(computed on MLQE-PE sentences, see ``weights.json``), and a language with
none is left uncentered (the signal is then the plain cosine).

Models load lazily through :func:`mtrepair.align.backends.get_backend` and are
cached per process; texts are embedded in batches, duplicates once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from mtrepair.qe.text import normalize

MIN_CENTROID_LINES = 20
Vector = npt.NDArray[np.float32]


PROGRESS_CHUNK = 64  # texts embedded between two progress reports


def embed_unique(
    model: str, texts: Sequence[str], progress: Callable[[int], None] | None = None
) -> npt.NDArray[np.float32]:
    """Embed ``texts`` with backend ``model``, each distinct (normalized) text once.

    ``progress`` (a progress bar's advance) is called with the number of input texts done.
    """
    from mtrepair.align.backends import get_backend

    backend = get_backend(model)
    norm = [normalize(t) for t in texts]
    unique = list(dict.fromkeys(norm))
    index = {t: i for i, t in enumerate(unique)}
    if progress is None or not unique:
        vectors = backend.embed(unique)
    else:
        parts = []
        for k in range(0, len(unique), PROGRESS_CHUNK):
            parts.append(backend.embed(unique[k : k + PROGRESS_CHUNK]))
            progress(
                round(len(texts) * min(len(unique), k + PROGRESS_CHUNK) / len(unique))
                - round(len(texts) * k / len(unique))
            )
        vectors = np.concatenate(parts, axis=0)
    return np.asarray(vectors[[index[t] for t in norm]], dtype=np.float32)


def centroid(vectors: Vector, lang: str, shipped: Mapping[str, Sequence[float]]) -> Vector | None:
    """The mean vector used to center one side (see the module docstring)."""
    if len(vectors) >= MIN_CENTROID_LINES:
        return np.asarray(vectors.mean(axis=0), dtype=np.float32)
    if lang in shipped:
        return np.asarray(shipped[lang], dtype=np.float32)
    return None


def _unit(rows: Vector) -> Vector:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return np.asarray(rows / norms, dtype=np.float32)


def similarity_signals(
    src_vecs: Vector,
    mt_vecs: Vector,
    *,
    src_center: Vector | None,
    mt_center: Vector | None,
) -> list[dict[str, float]]:
    """Three views of source–translation similarity, each oriented "higher = worse".

    - ``dissimilarity``: 1 − cosine, the plain baseline.
    - ``centered_dissimilarity``: 1 − cosine after removing each side's mean vector.
    - ``weak_margin``: how much closer the translation is to an average source
      sentence than to its own (m·s̄ − m·s); a translation that matches any
      sentence as well as its own says little about this one.
    """
    cos = np.einsum("ij,ij->i", src_vecs, mt_vecs)
    s = src_vecs - src_center if src_center is not None else src_vecs
    m = mt_vecs - mt_center if mt_center is not None else mt_vecs
    centered = np.einsum("ij,ij->i", _unit(s), _unit(m))
    generic = mt_vecs @ src_center if src_center is not None else np.zeros_like(cos)
    return [
        {
            "dissimilarity": float(1.0 - c),
            "centered_dissimilarity": float(1.0 - cc),
            "weak_margin": float(g - c),
        }
        for c, cc, g in zip(cos.tolist(), centered.tolist(), generic.tolist(), strict=True)
    ]


def as_list(vector: Vector | None) -> list[float] | None:
    """A centroid as plain floats for JSON (rounded: 6 digits are plenty for a mean)."""
    return None if vector is None else [round(float(x), 6) for x in vector]


def model_signals(
    model: str,
    srcs: Sequence[str],
    mts: Sequence[str],
    *,
    src_lang: str,
    mt_lang: str,
    shipped_centroids: Mapping[str, Any],
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, float]]:
    """Embed both sides with ``model`` and return :func:`similarity_signals` per pair."""
    src_vecs = embed_unique(model, srcs, progress)
    mt_vecs = embed_unique(model, mts, progress)
    return similarity_signals(
        src_vecs,
        mt_vecs,
        src_center=centroid(src_vecs, src_lang, shipped_centroids),
        mt_center=centroid(mt_vecs, mt_lang, shipped_centroids),
    )
