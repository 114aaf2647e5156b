"""Language data shipped as JSON files (``data/lang/*.json``) and boilerplate patterns.

Data, not code: adding a language or an abbreviation is a data change a reviewer can
read. Each language file lists abbreviations (with their final period), the
abbreviations that never end a sentence (titles), words that typically start a
sentence, quotation-mark pairs, sentence-final marks, legitimate doubled words and
stopwords (for the cheap per-document language guess).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from mtrepair.errors import ConfigError

LANGUAGES: tuple[str, ...] = ("ar", "de", "en", "es", "fr")
_SINGLE = "‘’‚‹›'"


@dataclass(frozen=True)
class LangData:
    """Per-language facts used by the segmenter and the rules."""

    lang: str
    abbreviations: frozenset[str]
    title_abbreviations: frozenset[str]
    sentence_starters: frozenset[str]
    quotes: tuple[tuple[str, str], ...]
    sentence_end: str
    doubled_word_exceptions: frozenset[str]
    stopwords: frozenset[str]

    @property
    def double_quotes(self) -> tuple[tuple[str, str], ...]:
        """Quote pairs that are tracked for balance.

        Single quotes are left out: ’ is also the apostrophe (don’t), so counting
        it would see unclosed quotations everywhere.
        """
        return tuple((o, c) for o, c in self.quotes if o != c and o not in _SINGLE)

    @property
    def opening_quotes(self) -> str:
        return "".join(o for o, _ in self.double_quotes)

    @property
    def closing_quotes(self) -> str:
        return "".join(c for _, c in self.double_quotes)


def _data_text(name: str) -> str:
    return resources.files("mtrepair").joinpath("data", name).read_text(encoding="utf-8")


@cache
def load(lang: str) -> LangData:
    """The shipped data for ``lang`` (one of :data:`LANGUAGES`)."""
    if lang not in LANGUAGES:
        raise ConfigError(f"no language data for {lang!r}; known: {', '.join(LANGUAGES)}")
    raw = json.loads(_data_text(f"lang/{lang}.json"))
    return LangData(
        lang=lang,
        abbreviations=frozenset(raw["abbreviations"]),
        title_abbreviations=frozenset(raw["title_abbreviations"]),
        sentence_starters=frozenset(raw["sentence_starters"]),
        quotes=tuple((p[0], p[1]) for p in raw["quotes"]),
        sentence_end=raw["sentence_end"],
        doubled_word_exceptions=frozenset(w.lower() for w in raw["doubled_word_exceptions"]),
        stopwords=frozenset(raw["stopwords"]),
    )


_WORD = re.compile(r"[^\W\d_]+")
# Distinct stopwords a language other than English needs to be guessed at all.
MIN_STOPWORDS = 2
_ARABIC = re.compile("[\u0600-\u06ff]")
_LETTER = re.compile(r"[^\W\d_]")


def guess_language(text: str, sample: int = 4000) -> str:
    """Guess the document language from the distinct stopwords in a prefix.

    Costs one regex pass over ``sample`` characters, so it is usable per document
    on whole corpora, unlike langdetect (BRIEF §8). Arabic script wins outright
    when it dominates the letters. Otherwise English is the default and another
    language must show more *distinct* stopwords, and at least
    :data:`MIN_STOPWORDS` of them: counting distinct words keeps the guess stable
    when a repair deletes a repeated word or fixes one mis-decoded letter, so
    ``clean`` reads the repaired text in the language it read the input in.
    """
    head = text[:sample]
    # Counting letters is most of the cost and only matters when there is Arabic.
    if _ARABIC.search(head) is not None:
        arabic = len(_ARABIC.findall(head))
        letters = len(_LETTER.findall(head))
        if letters and arabic / letters > 0.5:
            return "ar"
    words = set(map(str.lower, _WORD.findall(head)))
    best, best_count = "en", max(len(words & load("en").stopwords), MIN_STOPWORDS - 1)
    for lang in LANGUAGES:
        if lang in ("ar", "en"):
            continue
        count = len(words & load(lang).stopwords)
        if count > best_count:
            best, best_count = lang, count
    return best


def compile_glob(pattern: str) -> re.Pattern[str]:
    """A whole-line, case-insensitive matcher for a boilerplate glob (use ``.match``).

    ``*`` stands for any run of characters; everything else is literal (escaped),
    so user patterns can never inject a regular expression. Each literal between
    two stars is matched at its first occurrence, in an atomic group that is never
    re-entered: that first occurrence leaves the most room for the rest, so the
    answer is the glob's, and ``*a*a*a*b`` costs one pass over a line, not one
    per way of placing the ``a``'s (3 s on a line of 200 ``a``'s before, growing
    some 40-fold with every further star; tests/test_redos.py).
    """
    parts = [re.escape(p) for p in pattern.split("*")]
    if len(parts) == 1:
        return re.compile(f"(?:{parts[0]})\\Z", re.IGNORECASE)
    middle = "".join(f"(?>.*?{p})" for p in parts[1:-1] if p)
    return re.compile(f"(?:{parts[0]}{middle}.*{parts[-1]})\\Z", re.IGNORECASE)


def _parse_boilerplate(text: str, source: str) -> tuple[str, ...]:
    patterns: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not stripped.replace("*", "").strip():
            raise ConfigError(
                f"{source}:{number}: pattern {stripped!r} matches every line; give it some literal text"
            )
        patterns.append(stripped)
    return tuple(patterns)


@cache
def default_boilerplate() -> tuple[str, ...]:
    """The shipped boilerplate patterns (``data/boilerplate.txt``)."""
    return _parse_boilerplate(_data_text("boilerplate.txt"), "boilerplate.txt")


def read_boilerplate(path: Path) -> tuple[str, ...]:
    """User patterns, one glob per line; ``#`` starts a comment."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: boilerplate file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read boilerplate patterns ({exc})") from None
    return _parse_boilerplate(text, str(path))
