"""Document filters: drop a whole document, with its reason and score (``clean --filter FILE``).

Repairs fix what can be fixed; some documents are not worth keeping at all: garbled
beyond use, in a language the corpus does not want, (almost) nothing left after
repair, or mostly site chrome. A filter gives such a document a *score* and a
separate *accept* decision against a threshold (OpusFilter's split), so the same
scores can be inspected (:func:`document_scores`) before thresholds are chosen, and
the thresholds are data: a TOML file (:func:`load_filters`), not code.

Reasons, in the order :func:`judge` tries them (cheap first: the garble model runs
only when the cheaper filters kept the document and a garble threshold is set):

- ``boilerplate``: the share of the original's characters that the boilerplate
  rules (every rule of family ``boilerplate``: patterns, the per-line chrome
  classifier, photo credits, doubled lines, corpus-level repeated lines) removed
  or flagged. Read from the result's steps, so it costs nothing; a result without
  steps (a detached worker result) scores 0.
- ``too_short``: non-whitespace characters and words of the repaired text (a Han
  or kana character counts as one word: those scripts put no spaces between words).
- ``wrong_language``: the repaired text's language by :func:`mtrepair.langdata.guess_language`
  (cheap, one regex pass). A guess in the accepted list keeps the document. Any other
  guess (``und`` included) is checked with langdetect (seeded, so repeatable): the
  score is the probability it gives to the accepted languages together, and the
  document is dropped when that is below ``min_language_prob``. Both must agree to
  drop, so a short text the guess calls English by default is not lost, and languages
  the guess has no data for (Dutch, Polish: any of langdetect's 55) can be accepted.
  The language is always read from the text: ``--lang`` tells the rules which data
  to use, the filter checks what the document actually is.
- ``too_garbled``: the sentence garble scores of :func:`mtrepair.qe.sentences.garble_sentences`
  on the repaired text (English: predicted HTER of the learned model; other
  languages: fluency signals). Their mean, and the share of sentences scoring at
  least ``garbled_at`` (0.3: MLQE-PE's "heavy post-editing" line).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import regex

from mtrepair.errors import ConfigError
from mtrepair.model import Result

REASONS = ("too_garbled", "wrong_language", "too_short", "boilerplate")

# A Han or kana character is a word; elsewhere a run of letters, marks and digits is.
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}"
_WORD = regex.compile(rf"[{_CJK}]|(?:(?![{_CJK}])[\p{{L}}\p{{M}}\p{{N}}])+")
LANGUAGE_SAMPLE = 4000  # characters read for the language (the guess reads as many)

# Where every Filters field lives in the TOML file: (section, key).
_TOML_KEYS: dict[str, tuple[str, str]] = {
    "max_mean_garble": ("too_garbled", "max_mean"),
    "max_garbled_share": ("too_garbled", "max_share"),
    "garbled_at": ("too_garbled", "garbled_at"),
    "languages": ("wrong_language", "accept"),
    "min_language_prob": ("wrong_language", "min_prob"),
    "min_chars": ("too_short", "min_chars"),
    "min_words": ("too_short", "min_words"),
    "max_boilerplate_share": ("boilerplate", "max_share"),
}
_SHARES = ("max_mean_garble", "max_garbled_share", "garbled_at", "min_language_prob", "max_boilerplate_share")


def _label(name: str) -> str:
    section, key = _TOML_KEYS[name]
    return f"[{section}] {key}"


@cache
def accepted_codes() -> frozenset[str]:
    """Language codes a filter may accept: the guess's languages (``und``: any other) and langdetect's."""
    from mtrepair.langdata import LANGUAGES

    profiles = resources.files("langdetect") / "profiles"
    detected = {p.name.split("-")[0] for p in profiles.iterdir()}  # zh-cn, zh-tw: zh
    return frozenset(LANGUAGES) | frozenset(detected)


@dataclass(frozen=True)
class Filters:
    """Thresholds of the document filters; ``None`` (or an empty ``languages``) turns one off.

    The TOML file spells them ``[too_garbled] max_mean / max_share / garbled_at``,
    ``[wrong_language] accept / min_prob``, ``[too_short] min_chars / min_words``,
    ``[boilerplate] max_share``. Out-of-range values raise :class:`ConfigError`
    naming that spelling, so a file's error and an API caller's read the same.
    """

    max_mean_garble: float | None = None  # drop if the mean sentence garble score is above
    max_garbled_share: float | None = None  # drop if the share of sentences scoring >= garbled_at is above
    garbled_at: float = 0.3
    languages: tuple[str, ...] = ()  # accepted languages (ISO 639-1); empty = any
    min_chars: int | None = None  # after repair (non-whitespace characters)
    min_words: int | None = None  # after repair
    max_boilerplate_share: float | None = None  # share of the original's characters removed/flagged as chrome
    min_language_prob: float = 0.5  # langdetect's probability of the accepted languages needed to keep

    def __post_init__(self) -> None:
        for name in _SHARES:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ConfigError(f"{_label(name)} must be a number from 0 to 1, not {value!r}")
        for name in ("min_chars", "min_words"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ConfigError(f"{_label(name)} must be a whole number of at least 1, not {value!r}")
        if not isinstance(self.languages, tuple) or not all(isinstance(c, str) for c in self.languages):
            raise ConfigError(f'{_label("languages")} must be a tuple of language codes, such as ("en",)')
        unknown = [c for c in self.languages if c not in accepted_codes()]
        if unknown:
            raise ConfigError(
                f"{_label('languages')}: unknown language code {unknown[0]!r}; use ISO 639-1 codes "
                "such as en, fr, de, es, nl (any of langdetect's 55 languages), or und for any "
                "language mtrepair has no data for"
            )

    @property
    def active(self) -> bool:
        """True if at least one filter is on."""
        return bool(
            self.max_mean_garble is not None
            or self.max_garbled_share is not None
            or self.languages
            or self.min_chars is not None
            or self.min_words is not None
            or self.max_boilerplate_share is not None
        )

    @property
    def garble(self) -> bool:
        """True if a garble threshold is set (the only costly filter)."""
        return self.max_mean_garble is not None or self.max_garbled_share is not None


@dataclass(frozen=True)
class Verdict:
    """Why a document was dropped: the reason, its score and the threshold it crossed."""

    reason: str  # one of REASONS
    score: float
    threshold: float
    message: str  # one line, e.g. "too_garbled: mean garble 0.47 > 0.40"

    def as_dict(self) -> dict[str, Any]:
        """The fields an exclusion-file line carries (scores rounded to 4 places)."""
        return {
            "reason": self.reason,
            "score": round(self.score, 4),
            "threshold": self.threshold,
            "message": self.message,
        }


# --- the TOML file


def load_filters(path: Path) -> Filters:
    """Read the thresholds of a filter file (TOML; see :class:`Filters` for the keys).

    Every problem (missing, unreadable, not UTF-8, not TOML, an unknown section or
    key, a wrong type, a value out of range, no filter at all) is one
    :class:`ConfigError` naming the file, the key and the fix.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: filter file not found; give a TOML file of thresholds") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; give a TOML file of thresholds") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save the filter file as UTF-8 TOML") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the filter file ({exc.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix that line") from None
    try:
        filters = _from_toml(data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if not filters.active:
        raise ConfigError(
            f"{path}: no filter set; give at least one of the sections {', '.join(f'[{r}]' for r in REASONS)}"
        )
    return filters


def _from_toml(data: Mapping[str, Any]) -> Filters:
    sections = {section for section, _ in _TOML_KEYS.values()}
    values: dict[str, Any] = {}
    for section, table in data.items():
        if section not in sections:
            raise ConfigError(
                f"unknown section [{section}]; the sections are {', '.join(f'[{r}]' for r in REASONS)}"
            )
        if not isinstance(table, dict):
            raise ConfigError(f"{section} must be a section ([{section}] and its keys), not a value")
        known = {key: name for name, (sec, key) in _TOML_KEYS.items() if sec == section}
        for key, value in table.items():
            if key not in known:
                raise ConfigError(f"unknown key {key!r} in [{section}]; use {', '.join(sorted(known))}")
            name = known[key]
            if name == "languages":
                if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                    raise ConfigError(f'[{section}] {key} must be a non-empty list of codes, such as ["en"]')
                value = tuple(v.strip().lower() for v in value)
            values[name] = value
    if "garbled_at" in values and "max_garbled_share" not in values:
        raise ConfigError("[too_garbled] garbled_at needs max_share (the share of sentences at or above it)")
    if "min_language_prob" in values and "languages" not in values:
        raise ConfigError("[wrong_language] min_prob needs accept (the accepted languages)")
    return Filters(**values)


# --- scores


def boilerplate_share(result: Result) -> float:
    """The share of the original's characters that boilerplate-family rules removed or flagged."""
    if not result.original:
        return 0.0
    from mtrepair.registry import RULES
    from mtrepair.rules import PIPELINE  # registers every rule

    chrome = {name for name in PIPELINE if RULES[name].family == "boilerplate"}
    gone = 0
    for step in result.steps:
        if step.rule not in chrome:
            continue
        # Lengths, not offsets: each step's offsets are relative to its own input,
        # but the characters it removed add up across steps.
        gone += sum(len(e.original) - len(e.replacement or "") for e in step.edits)
        gone += sum(len(f.original) for f in step.flags)
    return min(1.0, max(0.0, gone / len(result.original)))


def word_count(text: str) -> int:
    """Words of ``text``: runs of letters and digits; each Han or kana character is one."""
    return sum(1 for _ in _WORD.finditer(text))


def char_count(text: str) -> int:
    """Characters of ``text`` other than whitespace."""
    return len(text) - sum(len(run) for run in regex.findall(r"\s+", text))


def _langdetect_probs(text: str) -> dict[str, float]:
    """langdetect's language probabilities for ``text`` (seeded: the same text, the same answer)."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        found = detect_langs(text)
    except LangDetectException:
        return {}
    probs: dict[str, float] = {}
    for item in found:
        code = str(item.lang).split("-")[0]
        probs[code] = probs.get(code, 0.0) + float(item.prob)
    return probs


@dataclass(frozen=True)
class _Language:
    prob: float  # probability of an accepted language (1.0: the cheap guess is accepted)
    guess: str
    detected: str  # langdetect's best language, "" when it was not asked or found nothing


def _language(text: str, accepted: tuple[str, ...]) -> _Language:
    from mtrepair.langdata import guess_language

    sample = text[:LANGUAGE_SAMPLE]
    guess = guess_language(sample)
    if guess in accepted:
        return _Language(1.0, guess, "")
    probs = _langdetect_probs(sample)
    if not probs:  # no letters to go by: too_short's business, not a wrong language
        return _Language(1.0, guess, "")
    best = max(probs, key=lambda code: probs[code])
    return _Language(min(1.0, math.fsum(p for c, p in probs.items() if c in accepted)), guess, best)


@dataclass(frozen=True)
class _Garble:
    mean: float
    share: float
    sentences: int


def _garble(text: str, lang: str, garbled_at: float) -> _Garble:
    from mtrepair.qe.sentences import garble_sentences

    scores = [g.score for g in garble_sentences(text, lang)]
    if not scores:
        return _Garble(0.0, 0.0, 0)
    share = sum(1 for s in scores if s >= garbled_at) / len(scores)
    return _Garble(math.fsum(scores) / len(scores), share, len(scores))


# --- each filter: its scores, then its decision (score separate from accept)

_Scored = tuple[dict[str, float], Verdict | None]
_Check = Callable[[Result, Filters, str], _Scored]


def _check_boilerplate(result: Result, filters: Filters, lang: str) -> _Scored:
    limit = filters.max_boilerplate_share
    if limit is None:
        return {}, None
    share = boilerplate_share(result)
    verdict = None
    if share > limit:
        verdict = Verdict(
            "boilerplate",
            share,
            limit,
            f"boilerplate: {share:.0%} of the characters removed or flagged as site chrome > {limit:.0%}",
        )
    return {"boilerplate_share": share}, verdict


def _check_short(result: Result, filters: Filters, lang: str) -> _Scored:
    scores: dict[str, float] = {}
    verdict = None
    if filters.min_chars is not None:
        chars = char_count(result.text)
        scores["chars"] = float(chars)
        if chars < filters.min_chars:
            verdict = Verdict(
                "too_short",
                float(chars),
                float(filters.min_chars),
                f"too_short: {chars} character{'' if chars == 1 else 's'} after repair < {filters.min_chars}",
            )
    if filters.min_words is not None:
        words = word_count(result.text)
        scores["words"] = float(words)
        if verdict is None and words < filters.min_words:
            verdict = Verdict(
                "too_short",
                float(words),
                float(filters.min_words),
                f"too_short: {words} word{'' if words == 1 else 's'} after repair < {filters.min_words}",
            )
    return scores, verdict


def _check_language(result: Result, filters: Filters, lang: str) -> _Scored:
    if not filters.languages:
        return {}, None
    found = _language(result.text, filters.languages)
    verdict = None
    if found.prob < filters.min_language_prob:
        accepted = "/".join(filters.languages)
        verdict = Verdict(
            "wrong_language",
            found.prob,
            filters.min_language_prob,
            f"wrong_language: guessed {found.guess}, langdetect {found.detected}; "
            f"P({accepted}) {found.prob:.2f} < {filters.min_language_prob:.2f}",
        )
    return {"language_prob": found.prob}, verdict


def _check_garble(result: Result, filters: Filters, lang: str) -> _Scored:
    if not filters.garble:
        return {}, None
    g = _garble(result.text, lang, filters.garbled_at)
    scores: dict[str, float] = {}
    verdict = None
    if filters.max_mean_garble is not None:
        scores["mean_garble"] = g.mean
        if g.mean > filters.max_mean_garble:
            verdict = Verdict(
                "too_garbled",
                g.mean,
                filters.max_mean_garble,
                f"too_garbled: mean garble {g.mean:.2f} > {filters.max_mean_garble:.2f} "
                f"({g.sentences} sentences)",
            )
    if filters.max_garbled_share is not None:
        scores["garbled_share"] = g.share
        if verdict is None and g.share > filters.max_garbled_share:
            verdict = Verdict(
                "too_garbled",
                g.share,
                filters.max_garbled_share,
                f"too_garbled: {g.share:.0%} of {g.sentences} sentences score >= {filters.garbled_at:.2f} "
                f"> {filters.max_garbled_share:.0%}",
            )
    return scores, verdict


# Cheap first: read from the steps, counted, one regex pass (+ langdetect), the garble model.
_CHECKS: tuple[_Check, ...] = (_check_boilerplate, _check_short, _check_language, _check_garble)


def document_scores(result: Result, filters: Filters, lang: str = "auto") -> dict[str, float]:
    """The scores the active filters read, by name, without deciding anything.

    Names: ``boilerplate_share``, ``chars``, ``words``, ``language_prob``
    (probability of an accepted language), ``mean_garble``, ``garbled_share``;
    only those of the filters that are on. ``lang`` is the document language for
    the garble model (``auto``: guessed).
    """
    scores: dict[str, float] = {}
    for check in _CHECKS:
        scores.update(check(result, filters, lang)[0])
    return scores


def judge(result: Result, filters: Filters, lang: str = "auto") -> Verdict | None:
    """Why ``result`` should be dropped (the first filter it fails, cheap first), or None to keep it."""
    for check in _CHECKS:
        verdict = check(result, filters, lang)[1]
        if verdict is not None:
            return verdict
    return None
