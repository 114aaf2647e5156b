"""The default similarity backend: hashed character n-gram profiles (chrF-like).

chrF compares two sentences by their character n-grams; sacrebleu computes it
pair by pair (~4,300 pairs/s, BRIEF §8), far too slow for the cells of an
alignment table. Here every text is turned ONCE into a fixed-size vector of its
character 1-5-gram counts (hashed into ``dim`` buckets, sublinear TF, each
n-gram order weighted, L2-normalized), so the similarity of any two texts is one
dot product and a whole band of an alignment table is one matrix product.

No model, no download, deterministic across runs and machines: the n-gram hash is
a fixed polynomial over code points, not Python's salted ``hash``. Cross-lingual
pairs share only names, numbers and cognates, so use a multilingual backend for
those; between two versions of a text in the same language this is strong.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_SPACE = 0x20
# Quote and dash styles differ between outlets and MT systems, not in content.
_FOLD = str.maketrans(
    {**dict.fromkeys("“”„‟«»〝〞", '"'), **dict.fromkeys("‘’‚‛‹›`´", "'"), **dict.fromkeys("‐‑‒–—―−", "-")}
)
# Multipliers of the rolling polynomial hash and of the final bucket mix (odd
# 64-bit constants; uint64 arithmetic wraps, which is what a hash wants).
_BASE = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)
# Texts per block when accumulating counts: bounds the temporary float64 table.
_BLOCK = 1024


def normalize(text: str) -> str:
    """Compatibility-normalize, case-fold, fold quote and dash styles, collapse whitespace.

    Why: a garbled copy differs from the clean one in quote styles, case after a
    broken sentence start and runs of newlines; none of that is content. The text
    is padded with one space on each side so word starts and ends form n-grams.
    """
    words = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD).split()
    return " " + " ".join(words) + " " if words else ""


class LexicalBackend:
    """Character n-gram profiles of texts, as L2-normalized float32 rows.

    ``orders``: the n-gram lengths used; ``dim``: hash buckets (collisions only
    add a little noise that the aligner's random-pair normalization absorbs);
    ``weights``: one weight per order (defaults favour 3-5-grams, which carry
    words and their pieces, over 1-2-grams, which every English pair shares).
    """

    name = "lexical"

    def __init__(
        self,
        *,
        orders: Sequence[int] = (1, 2, 3, 4, 5),
        dim: int = 2048,
        weights: Sequence[float] | None = None,
    ) -> None:
        if not orders or min(orders) < 1:
            raise ValueError("orders must be positive n-gram lengths")
        if dim < 16:
            raise ValueError("dim must be at least 16")
        self.orders = tuple(orders)
        self.dim = dim
        if weights is None:
            weights = [0.25 if n <= 2 else 1.0 for n in self.orders]
        if len(weights) != len(self.orders):
            raise ValueError("give one weight per n-gram order")
        self.weights = tuple(float(w) for w in weights)

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One row per text; an empty text gets the all-zero row."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), _BLOCK):
            block = texts[start : start + _BLOCK]
            self._embed_block(block, out[start : start + len(block)])
        return out

    def _embed_block(self, texts: Sequence[str], out: npt.NDArray[np.float32]) -> None:
        """Fill ``out`` (one row per text) with the texts' profiles."""
        normalized = [normalize(t) for t in texts]
        # All texts of the block in one code-point array, each followed by a NUL
        # separator; an n-gram is valid when no separator falls inside it.
        joined = "\0".join(normalized) + "\0"
        # surrogatepass: a lone surrogate (JSON can carry one) is a code point like any other.
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
        owner = np.repeat(np.arange(len(texts)), [len(t) + 1 for t in normalized])
        seps = np.concatenate(([0], np.cumsum(codes == 0)))
        cells: list[npt.NDArray[np.int64]] = []
        values: list[npt.NDArray[np.float64]] = []
        hashed = np.zeros(len(codes), dtype=np.uint64)
        for n in range(1, max(self.orders) + 1):
            length = len(codes) - n + 1
            if length <= 0:
                break
            hashed = hashed[:length] * _BASE + codes[n - 1 :]
            if n not in self.orders:
                continue
            valid = seps[n:] - seps[: len(seps) - n] == 0
            if n == 1:
                valid &= codes != _SPACE  # the padding space alone says nothing
            mixed = (hashed[valid] ^ np.uint64(n)) * _MIX
            buckets = ((mixed >> np.uint64(40)) % np.uint64(self.dim)).astype(np.int64)
            cell, count = np.unique(owner[:length][valid] * self.dim + buckets, return_counts=True)
            # Sublinear TF; each order scaled to unit length per text before its
            # weight, so the many short n-grams do not drown the rarer long ones.
            doc = cell // self.dim
            norm = np.sqrt(np.bincount(doc, weights=count, minlength=len(texts)))
            norm[norm == 0] = 1.0
            cells.append(cell)
            values.append(self.weights[self.orders.index(n)] * np.sqrt(count) / norm[doc])
        flat = np.bincount(
            np.concatenate(cells) if cells else np.zeros(0, dtype=np.int64),
            weights=np.concatenate(values) if values else None,
            minlength=len(texts) * self.dim,
        )
        out[:] = flat.reshape(len(texts), self.dim)
        norms = np.sqrt(np.einsum("ij,ij->i", out, out))
        norms[norms == 0] = 1.0
        out /= norms[:, None]
