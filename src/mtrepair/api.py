"""The public Python API: one typed function per thing mtrepair does, and a glossary class.

``clean`` repairs a text, ``detect`` says what it would repair, ``align`` pairs the
sentences of a garbled copy with a clean version, ``qe`` scores translated lines
0 (clean) to 1 (garbled), and :class:`Glossary` loads a team glossary for them.
Each is a thin wrapper over the library the CLI uses (:mod:`mtrepair.pipeline`,
:mod:`mtrepair.align`, :mod:`mtrepair.qe`, :mod:`mtrepair.glossary`), with the
CLI's defaults, so a script and ``mtrepair clean`` give the same answer (but for
the glossary, which a call names: see :func:`clean`). Bad
input raises :class:`~mtrepair.errors.MtrepairError` subclasses whose message is
the one line the CLI would print.

>>> import mtrepair
>>> mtrepair.clean("The U.S.\\n\\nembassy in Baghdad was targeted on Monday.\\n").text
'The U.S. embassy in Baghdad was targeted on Monday.\\n'

Every name is also on the package (``mtrepair.clean`` is this module's
``clean``). ``mtrepair.align`` and ``mtrepair.qe`` are the subpackages of the
same names, made callable: ``mtrepair.qe(lines)`` calls :func:`qe` whatever
else was imported, and ``mtrepair.qe.learned`` stays importable. A type checker
cannot see a module's ``__call__``, so typed code imports the functions from
here: ``from mtrepair.api import align, qe``.

>>> [(s.line, s.model) for s in mtrepair.qe(["The minister said the attack began at dawn."])]
[(1, 'learned')]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mtrepair.config import Config
from mtrepair.errors import ConfigError, InputError
from mtrepair.model import Finding, Result
from mtrepair.pipeline import clean_text, detect_text

if TYPE_CHECKING:  # the heavier subpackages load on first use, not on `import mtrepair`
    from mtrepair.align.texts import TextAlignment
    from mtrepair.glossary import Entry, Match, Matcher
    from mtrepair.glossary import Glossary as GlossaryModel
    from mtrepair.qe import SentenceQE
    from mtrepair.qe.learned import LearnedQE

__all__ = ["Glossary", "QEScore", "TextAlignment", "align", "clean", "detect", "qe"]


def __getattr__(name: str) -> object:
    """``TextAlignment`` lives in :mod:`mtrepair.align.texts`, loaded on first use (numpy)."""
    if name == "TextAlignment":
        from mtrepair.align.texts import TextAlignment

        return TextAlignment
    raise AttributeError(f"module 'mtrepair.api' has no attribute {name!r}")


def _text(value: object, name: str) -> str:
    """``value`` if it is a ``str``; bytes get the hint to decode them first."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        raise TypeError(
            f"{name} must be str, not bytes: decode it first (mtrepair.io.decode sniffs encodings)"
        )
    raise TypeError(f"{name} must be str, not {type(value).__name__}")


def _lines(value: object, name: str) -> list[str]:
    """``value`` as a list of lines; one ``str`` is refused (it would be scored letter by letter)."""
    if isinstance(value, str | bytes):
        raise TypeError(f"{name} must be a list of lines, not one string: pass text.splitlines()")
    if not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of lines, not {type(value).__name__}")
    return [_text(line, f"{name}[{i}]") for i, line in enumerate(value)]


def _config(lang: str, glossary: Glossary | None, disable: Iterable[str]) -> Config:
    if isinstance(disable, str):
        raise TypeError(f"disable must be a list of rule names, not one string: pass [{disable!r}]")
    if glossary is not None and not isinstance(glossary, Glossary):
        raise TypeError(
            f"glossary must be a mtrepair.Glossary, not {type(glossary).__name__}: "
            "load a file with mtrepair.Glossary(path)"
        )
    return Config(
        lang=lang,
        disabled=frozenset(disable),
        terms=glossary.matcher if glossary is not None else None,
    )


def clean(
    text: str, *, lang: str = "auto", glossary: Glossary | None = None, disable: Iterable[str] = ()
) -> Result:
    """Repair ``text`` with every rule, as ``mtrepair clean`` does; the result keeps the undo log.

    ``lang`` is the text's language (``"auto"`` guesses it from stopwords; a
    short text is safer with its code). ``glossary`` rewrites term variants to
    the glossary's forms; the default is none, where the CLI loads the shipped
    ``glossaries/*.toml``: a library call should not depend on the working
    folder (pass ``Glossary.default()`` for the CLI's choice). ``disable``
    names rules to skip (``mtrepair rules`` lists them). For every other option
    build a :class:`~mtrepair.config.Config` and call
    :func:`~mtrepair.pipeline.clean_text`.

    A paragraph broken after an abbreviation is joined again, a doubled word
    goes; ``result.edits`` say what changed and why:

    >>> r = clean("The U.S.\\n\\nembassy in Baghdad was targeted on Monday.\\n")
    >>> r.text
    'The U.S. embassy in Baghdad was targeted on Monday.\\n'
    >>> [(e.rule, e.original, e.replacement) for e in r.edits]
    [('abbreviation_break', '\\n\\n', ' ')]
    >>> clean("Das Ministerium hat hat den Angriff bestätigt.\\n", lang="de").text
    'Das Ministerium hat den Angriff bestätigt.\\n'

    A repeated word that German grammar allows (``die die``) stays, and so does
    a break before a capital, which may start a sentence:

    >>> clean("Die Regierung hat die die Angriffe verurteilt.\\n", lang="de").changed
    False

    The steps undo exactly:

    >>> from mtrepair import undo
    >>> undo(r.text, r.steps) == r.original
    True
    """
    return clean_text(_text(text, "text"), _config(lang, glossary, disable))


def detect(
    text: str, *, lang: str = "auto", glossary: Glossary | None = None, disable: Iterable[str] = ()
) -> list[Finding]:
    """What :func:`clean` would repair or flag, located in ``text`` itself (``mtrepair detect``).

    Each :class:`~mtrepair.model.Finding` has its span in ``text``, the rule,
    a message, and a ``replacement`` (``None`` for a flag: damage that is shown,
    not repaired). The options are :func:`clean`'s.

    >>> text = "Le ministre a a confirmé l'attaque. Les troupes de l'O.N.U.\\n\\nsont arrivées lundi.\\n"
    >>> for f in detect(text, lang="fr"):
    ...     print(f.rule, f.start, f.end, repr(f.original), repr(f.replacement))
    doubled_word 13 15 ' a' ''
    sentence_fragment 61 81 'sont arrivées lundi.' None
    """
    return detect_text(_text(text, "text"), _config(lang, glossary, disable))


def align(
    garbled: str,
    clean: str,
    *,
    units: str = "sentences",
    lang: str = "auto",
    clean_lang: str = "auto",
    backend: str | None = None,
    model_path: str | os.PathLike[str] | None = None,
    max_bead: int | None = None,
    min_score: float = 0.0,
    skip: float | None = None,
    band: int | None = None,
    repair: bool = True,
) -> TextAlignment:
    """Align a garbled copy with a clean version, sentence by sentence, as ``mtrepair align`` does.

    ``units`` is ``"sentences"`` or ``"lines"``; with sentences and ``repair``
    both texts are cut as :func:`clean` leaves them (a break after "U.S." makes
    no bead of its own), and headings, bylines and captions stand apart.
    ``backend`` is the similarity (``lexical``, ``minilm``, ``use-multilingual``,
    ``e5``, ``hf`` with ``model_path``); the default is ``lexical`` for two texts
    in one language, else a multilingual model if one is installed.
    ``max_bead`` (default 4; 2 with ``min_score``), ``min_score`` (for
    comparable documents), ``skip`` and ``band`` are the CLI's options of the
    same names (see :func:`mtrepair.align.core.align_detailed`).

    A sentence torn in two pairs with its whole (a 2-1 bead), and a sentence
    the garbled copy lost has an empty garbled side:

    >>> garbled = ("Officials said the attack began at dawn. Troops from the U.S.\\n\\n"
    ...            "Army were not hurt.\\n\\nA drone was shot down near the base.\\n")
    >>> original = ("Officials said the attack began at dawn. Troops from the U.S. Army were not hurt. "
    ...             "The airport closed briefly. A drone was shot down near the base.\\n")
    >>> result = align(garbled, original, lang="en", clean_lang="en")
    >>> result.backend
    'lexical'
    >>> [(b.garbled, b.clean) for b in result.beads]
    [((0,), (0,)), ((1, 2), (1,)), ((), (2,)), ((3,), (3,))]
    >>> result.pairs()[1][:2]
    ('Troops from the U.S. Army were not hurt.', 'Troops from the U.S. Army were not hurt.')
    >>> all(score > 0.9 for g, c, score in result.pairs() if g and c)
    True
    """
    from mtrepair.align.texts import align_texts

    return align_texts(
        _text(garbled, "garbled"),
        _text(clean, "clean"),
        units=units,
        lang=lang,
        clean_lang=clean_lang,
        backend=backend,
        model_path=Path(model_path) if model_path is not None else None,
        max_bead=max_bead,
        min_score=min_score,
        skip=skip,
        band=band,
        repair=repair,
    )


@dataclass(frozen=True)
class QEScore:
    """The quality estimate of one translated line.

    ``score`` is the predicted share of words a post-editor would change
    (HTER), 0 clean to 1 garbled; a blank line scores 0, or 1 when its source
    line has text (nothing was translated), and ``detail`` is ``None``.
    ``reasons`` are the features that raised it most, as text.
    ``model`` is the scorer: ``learned`` or ``learned-with-source`` (the
    default for English), else the hand-weighted ``fluency``, ``none``, ``e5``
    or ``use-multilingual``. ``detail`` is the scorer's own result
    (:class:`~mtrepair.qe.learned.LearnedQE` or
    :class:`~mtrepair.qe.SentenceQE`), with per-token P(BAD) or every signal.
    """

    line: int  # 1-based
    score: float
    reasons: tuple[str, ...]
    model: str
    detail: LearnedQE | SentenceQE | None = None


def _learned_scores(mts: list[str], srcs: list[str] | None, src_lang: str | None) -> list[QEScore]:
    """The learned model, as ``mtrepair qe`` runs it (:func:`mtrepair.qe.lines.learned_lines`)."""
    from mtrepair.qe.lines import learned_lines

    lines = learned_lines(mts, srcs, src_lang)
    out = []
    for i in range(len(mts)):
        r = lines.scored.get(i)
        if r is None:  # a blank line: untranslated (1) when its source has text, else nothing (0)
            out.append(QEScore(i + 1, lines.score(i), (), "learned"))
            continue
        model = "learned-with-source" if r.with_source else "learned"
        out.append(QEScore(i + 1, r.garble, tuple(r.explain()), model, r))
    return out


def qe(
    mts: Sequence[str],
    srcs: Sequence[str] | None = None,
    src_lang: str | None = None,
    *,
    lang: str = "en",
    model: str = "auto",
    glossary: Glossary | None = None,
) -> list[QEScore]:
    """Score translated lines 0 (clean) to 1 (garbled) without a reference, as ``mtrepair qe`` does.

    ``mts`` is a list of lines in ``lang``; ``srcs`` the line-aligned source
    in ``src_lang``, optional. ``model="auto"`` is the model learned from
    MLQE-PE post-edits for English, using the source when the with-source model
    covers its language (ro, ru, et, ne, si; another language is scored without
    it and ``QEScore.model`` says so); for MT in another language it is the
    hand-weighted ``none`` (fluency signals, plus model-free adequacy checks
    with a source). ``model`` may also be ``learned``, ``e5``,
    ``use-multilingual`` or ``none``. ``glossary`` adds the term check to the
    hand-weighted adequacy signals.

    >>> scores = qe(["The minister said the attack began at dawn.",
    ...              "Minister attack dawn said began the.", ""])
    >>> [s.line for s in scores], scores[0].model
    ([1, 2, 3], 'learned')
    >>> scores[1].score > scores[0].score, scores[2].score
    (True, 0.0)

    With the source, a translation that says something else scores high:

    >>> ro = ["Ministrul a spus că atacul a început în zori."] * 2
    >>> en = ["The minister said the attack began at dawn.", "The president visited the factory yesterday."]
    >>> [s.model for s in qe(en, ro, "ro")]
    ['learned-with-source', 'learned-with-source']
    >>> ok, wrong = qe(en, ro, "ro")
    >>> wrong.score > 0.5 > ok.score
    True
    """
    from mtrepair.qe import combination, estimate, resolve_model

    lines = _lines(mts, "mts")
    sources = _lines(srcs, "srcs") if srcs is not None else None
    if sources is None and src_lang is not None:
        raise ConfigError("src_lang describes srcs: pass the source lines too")
    if sources is not None and src_lang is None:
        raise ConfigError("srcs needs src_lang (the source language, e.g. 'ro')")
    if sources is not None and len(sources) != len(lines):
        raise InputError(
            f"source has {len(sources)} lines but the translation has {len(lines)}; "
            "qe compares them line by line"
        )
    mt_lang = lang.strip().lower().split("-")[0]
    s_lang = src_lang.strip().lower().split("-")[0] if src_lang is not None else None
    chosen = resolve_model(model, mt_lang=mt_lang)
    if chosen == "learned":
        return _learned_scores(lines, sources, s_lang)
    name = combination(sources is not None, chosen)
    results = estimate(
        lines,
        srcs=sources,
        src_lang=s_lang,
        mt_lang=mt_lang,
        model=chosen,
        glossary=glossary.matcher if glossary is not None and sources is not None else None,
    )
    return [
        QEScore(
            r.line,
            r.score,
            tuple(f"{k}=+{v:.2f}" for k, v in r.top_reasons(3)),
            name,
            r if "blank" not in r.signals else None,
        )
        for r in results
    ]


class Glossary:
    """A team glossary (TOML files), validated as ``mtrepair glossary check`` does, ready to match.

    ``Glossary("team.toml", "places.toml")`` merges the files; one that fails
    the check raises :class:`~mtrepair.glossary.GlossaryError` with check's
    line, unless ``lenient`` leaves the conflicting entries out (each named in
    ``warnings``). :meth:`default` loads the shipped ``glossaries/*.toml``.
    Pass it to :func:`clean`, :func:`detect` or :func:`qe`, or use it alone:

    >>> g = Glossary.default()
    >>> g.get("ain-al-asad").canonical
    'Ain al-Asad'
    >>> g.normalize("US forces at Ain al-Assad air base came under fire.")
    'US forces at Ain al-Asad air base came under fire.'

    Context rules keep what only looks like a variant: the president's name stays.

    >>> g.normalize("President Assad met the envoy.")
    'President Assad met the envoy.'
    >>> [(m.entry.id, m.original, m.replacement) for m in g.find("Troops left Ain Al Assad base.")]
    [('ain-al-asad', 'Al Assad', 'al-Asad')]
    >>> clean("Drones hit Ain al-Assad base.\\n", glossary=g).text
    'Drones hit Ain al-Asad base.\\n'
    """

    def __init__(self, *paths: str | os.PathLike[str], lenient: bool = False) -> None:
        from mtrepair.glossary import Matcher, load_valid

        if not paths:
            raise ConfigError(
                "Glossary() needs a glossary file: Glossary('team.toml'), or Glossary.default() "
                "for the shipped glossaries/*.toml"
            )
        found: list[str] = []
        self.model: GlossaryModel = load_valid([Path(p) for p in paths], lenient=lenient, warn=found.append)
        self.matcher: Matcher = Matcher(self.model)
        # With ``lenient``: why each left-out entry was left out (the CLI prints these as warnings).
        self.warnings: tuple[str, ...] = tuple(found)

    @classmethod
    def default(cls, *, lenient: bool = False) -> Glossary:
        """The shipped glossary, found as the CLI finds it (:func:`mtrepair.glossary.default_paths`)."""
        from mtrepair.glossary import GlossaryError, default_paths

        paths = default_paths()
        if not paths:
            raise GlossaryError(
                "no shipped glossary found: set MTREPAIR_GLOSSARY_DIR to a folder of *.toml glossaries "
                "or load one with Glossary(path)"
            )
        return cls(*paths, lenient=lenient)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry, in file order."""
        return self.model.entries

    @property
    def sources(self) -> tuple[str, ...]:
        """The files the entries come from."""
        return self.model.sources

    def __len__(self) -> int:
        return len(self.model.entries)

    def __repr__(self) -> str:
        return f"Glossary({', '.join(repr(s) for s in self.sources)}) with {len(self)} entries"

    def get(self, key: str) -> Entry | None:
        """An entry by id or canonical form (case-insensitive); ``None`` if there is none."""
        return self.model.get(key)

    def find(self, text: str, lang: str = "en") -> list[Match]:
        """The term variants in ``text`` (written in ``lang``) and what each becomes, left to right."""
        return self.matcher.find(_text(text, "text"), self._lang(text, lang))

    def normalize(self, text: str, lang: str = "en") -> str:
        """``text`` with its term variants rewritten, as the ``glossary`` rule of ``clean`` does."""
        from mtrepair.registry import RULES

        text = _text(text, "text")
        others = frozenset(RULES) - {"glossary"}
        return clean_text(text, Config(lang=self._lang(text, lang), disabled=others, terms=self.matcher)).text

    @staticmethod
    def _lang(text: str, lang: str) -> str:
        """``lang``, or for ``"auto"`` the guess ``clean`` makes."""
        from mtrepair.langdata import guess_language

        return guess_language(text) if lang == "auto" else lang
