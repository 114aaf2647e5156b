"""Similarity backends by name, built lazily (sacrebleu-style registry).

``lexical`` needs nothing beyond numpy and is the default. The neural names are
served by :mod:`mtrepair.align.neural`, imported only when one of them is asked
for: ``torch`` and ``transformers`` take seconds to import and are an optional
extra, and a user who never asks for them must not pay that or need them.

:func:`choose_backend` picks one for two documents when the user named none:
``lexical`` for two texts in one language, a multilingual model (``e5``, else
``use-multilingual``) when their languages differ, because character n-grams
shared by a German and a French sentence say next to nothing about whether one
translates the other. It returns the message the user should see instead of
printing it (library code never prints; the CLI does).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
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


# Multilingual backends, in order of preference for two sides in different
# languages: e5 covers ~100 languages; USE-multilingual 16 (not Estonian, say).
MULTILINGUAL: tuple[str, ...] = ("e5", "use-multilingual")
# Backends that cannot compare two languages: character n-grams, an English-only model.
MONOLINGUAL: frozenset[str] = frozenset({"lexical", "minilm"})


@dataclass(frozen=True)
class Choice:
    """The backend picked for two documents, and what to tell the user about it."""

    backend: Backend
    name: str
    # One line for the user, or None when there is nothing to say.
    message: str | None = None
    # True when ``message`` is a warning (results are likely poor), False for a note.
    warning: bool = False


def languages_differ(garbled_lang: str, clean_lang: str) -> bool:
    """Whether two language codes (declared, or guessed by ``langdata.guess_language``) differ.

    Codes compare case-blind. Two undetermined sides (``und`` and ``und``) count
    as the same language: nothing says they differ. One ``und`` side against a
    known language does differ: the guesser says ``und`` only for a script it
    has no language for, or for text long enough to show stopwords that shows
    none of its languages' (Estonian or Dutch against English, say).
    """
    return garbled_lang.strip().lower() != clean_lang.strip().lower()


def choose_backend(
    name: str | None,
    model_path: Path | None,
    garbled_lang: str,
    clean_lang: str,
) -> Choice:
    """The backend for aligning a ``garbled_lang`` text with a ``clean_lang`` one.

    ``name`` given: that backend, with a warning when it is monolingual and the
    languages differ. ``name`` None: ``lexical`` when the languages are the same;
    otherwise the first multilingual backend that can be built (a note says
    which), or ``lexical`` with a warning when none is installed.
    """
    build = get_backend
    differ = languages_differ(garbled_lang, clean_lang)
    pair = f"GARBLED is {garbled_lang} and CLEAN {clean_lang}"
    if name is not None:
        backend = build(name, model_path)
        if differ and name in MONOLINGUAL:
            what = (
                "compares character n-grams, which two languages share little of beyond names and numbers"
                if name == "lexical"
                else "is an English-only model"
            )
            return Choice(
                backend,
                name,
                f"{pair}: backend {name!r} {what}; use --model {' or '.join(MULTILINGUAL)}",
                warning=True,
            )
        return Choice(backend, name)
    if model_path is not None:
        raise ConfigError("--model-path needs --model NAME (the backend that loads it)")
    if not differ:
        return Choice(build("lexical", None), "lexical")
    missing: list[str] = []
    for candidate in MULTILINGUAL:
        try:
            backend = build(candidate, None)
        except ConfigError:
            missing.append(candidate)
            continue
        return Choice(
            backend,
            candidate,
            f"{pair}: aligning with the multilingual backend {candidate!r} (--model NAME chooses another)",
        )
    return Choice(
        build("lexical", None),
        "lexical",
        f"{pair} and no multilingual backend is installed ({', '.join(missing)}: pip install "
        "'mtrepair[neural]'): falling back to 'lexical', whose character n-grams two languages "
        "share little of beyond names and numbers",
        warning=True,
    )
