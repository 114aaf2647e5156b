"""Similarity backends by name, built lazily (sacrebleu-style registry).

``lexical`` needs nothing beyond numpy and is the default. The neural names are
served by :mod:`mtrepair.align.neural`, imported only when one of them is asked
for: ``torch`` and ``transformers`` take seconds to import and are an optional
extra, and a user who never asks for them must not pay that or need them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from mtrepair.align import Backend
from mtrepair.errors import ConfigError

Factory = Callable[[Path | None], Backend]


def _lexical(model_path: Path | None) -> Backend:
    if model_path is not None:
        raise ConfigError("backend 'lexical' takes no model path (it needs no model)")
    from mtrepair.align.lexical import LexicalBackend

    return LexicalBackend()


def _neural(name: str) -> Factory:
    """A factory that imports the neural module on first use and defers to it."""

    def build(model_path: Path | None) -> Backend:
        try:
            module = importlib.import_module("mtrepair.align.neural")
        except ImportError as exc:
            raise ConfigError(
                f"backend {name!r} is unavailable ({exc}); install the neural extra: "
                "pip install 'mtrepair[neural]'"
            ) from None
        factories: dict[str, Factory] = module.FACTORIES
        return factories[name](model_path)

    return build


BACKENDS: dict[str, Factory] = {
    "lexical": _lexical,
    "minilm": _neural("minilm"),
    "use-multilingual": _neural("use-multilingual"),
    "e5": _neural("e5"),
    "hf": _neural("hf"),
}


def get_backend(name: str, model_path: Path | None = None) -> Backend:
    """The backend called ``name``; ``model_path`` for backends that load a model.

    Unknown names raise :class:`ConfigError` listing the known ones; a neural
    backend whose packages are missing raises one saying what to install.
    """
    factory = BACKENDS.get(name)
    if factory is None:
        raise ConfigError(f"unknown alignment backend {name!r}; known: {', '.join(BACKENDS)}")
    return factory(model_path)
