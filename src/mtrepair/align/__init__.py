"""Sentence alignment of a garbled copy against a clean version of the same story.

Public interface (stable; other modules and the CLI use only this):

- :class:`Bead`: ``garbled`` and ``clean`` unit indices aligned together (either
  may be empty: an inserted or a lost unit) and a similarity ``score`` in [0, 1].
- :class:`Unit`: a sentence or line with its character span in its document.
- :class:`Backend`: turns texts into L2-normalized vectors; ``get_backend(name,
  model_path)`` builds one lazily (``lexical`` needs no model).
- ``units(text, mode, lang)``, ``align(garbled_texts, clean_texts, ...)``,
  ``score_alignment(predicted, gold)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from mtrepair.callable_module import make_callable


@dataclass(frozen=True)
class Bead:
    garbled: tuple[int, ...]
    clean: tuple[int, ...]
    score: float

    def as_dict(self) -> dict[str, object]:
        return {"garbled": list(self.garbled), "clean": list(self.clean), "score": round(self.score, 4)}


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    text: str


class Backend(Protocol):
    """Sentence embeddings: rows L2-normalized, float32, one row per input text."""

    name: str

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


make_callable(__name__, "align")  # mtrepair.align(...) is mtrepair.api.align(...)
