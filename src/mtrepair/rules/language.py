"""Language mixing: fragments left in the source language.

Two cheap passes before any expensive one (BRIEF §8): Unicode script runs catch
Arabic, Cyrillic, CJK… inside Latin text (and Latin inside Arabic); for Latin
inside Latin, only sentences whose lowercase words are mostly out of the document
language's vocabulary go to langdetect.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import regex

from mtrepair import langdata
from mtrepair.config import Config
from mtrepair.model import Finding
from mtrepair.registry import finding, rule
from mtrepair.segment import Document

_SCRIPTS = {
    "Arabic": "ar",
    "Cyrillic": "ru",
    "Hebrew": "he",
    "Greek": "el",
    "Han": "zh",
    "Hiragana": "ja",
    "Katakana": "ja",
    "Hangul": "ko",
    "Devanagari": "hi",
    "Thai": "th",
    "Armenian": "hy",
    "Sinhala": "si",
    "Tamil": "ta",
    "Bengali": "bn",
    "Georgian": "ka",
    "Latin": "latin",
}
_RUNS = {
    name: regex.compile(
        rf"\p{{Script={name}}}[\p{{Script={name}}}\p{{M}}]*"
        rf"(?:[\s\p{{P}}\d]+\p{{Script={name}}}[\p{{Script={name}}}\p{{M}}]*)*"
    )
    for name in _SCRIPTS
}
_LOWER_WORD = regex.compile(r"\b\p{Ll}[\p{Ll}'’-]*\b")


@cache
def _vocabulary(lang: str) -> frozenset[str]:
    from wordfreq import top_n_list

    return frozenset(top_n_list(lang, 50000))


def _langdetect(text: str) -> tuple[str, float] | None:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # langdetect is random without a seed
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return None
    return str(best.lang), float(best.prob)


_FOREIGN_LETTER = {
    "Latin": regex.compile(r"[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]"),
    "Arabic": regex.compile(r"[^\p{Script=Arabic}\p{Script=Common}\p{Script=Inherited}]"),
}


def _script_runs(doc: Document) -> Iterator[Finding]:
    text = doc.text
    home = "Arabic" if doc.lang == "ar" else "Latin"
    if not _FOREIGN_LETTER[home].search(text):
        return  # one pass instead of one per script when nothing foreign is there
    for name, pattern in _RUNS.items():
        if name == home:
            continue
        for m in pattern.finditer(text):
            run = m.group()
            letters = sum(1 for ch in run if ch.isalpha())
            words = len(run.split())
            if letters < 3 or (name == "Latin" and words < 4):
                continue
            guess = _SCRIPTS[name]
            if len(run) >= 15 and name != "Latin":
                detected = _langdetect(run)
                if detected:
                    guess = detected[0]
            yield finding(
                "language_mix",
                text,
                m.start(),
                m.end(),
                None,
                f"{name}-script fragment ({guess}) in {doc.lang} text",
                0.9,
            )


@cache
def _foreign_stopwords(lang: str) -> frozenset[str]:
    """Stopwords of the other Latin-script languages we ship, minus ``lang``'s own."""
    others = (langdata.load(o).stopwords for o in langdata.LANGUAGES if o not in (lang, "ar"))
    return frozenset().union(*others) - langdata.load(lang).stopwords


def _suspicious(words: list[str], lang: str) -> bool:
    """Cheap pre-filter: is this sentence worth a langdetect call?

    Mostly out-of-vocabulary words are one sign. A large vocabulary also holds
    the function words of its neighbours (English web text has "de", "et",
    "une", "les"), so a French sentence can pass as known words; a run of
    another language's stopwords is the second sign.
    """
    known, foreign_words = _vocabulary(lang), _foreign_stopwords(lang)
    unknown = len(words) - sum(map(known.__contains__, words))
    foreign = sum(map(foreign_words.__contains__, words))
    return unknown >= 0.5 * len(words) or foreign >= max(2, 0.2 * len(words))


def _foreign_sentences(doc: Document) -> Iterator[Finding]:
    text = doc.text
    for sent in doc.sentences:
        chunk = text[sent.start : sent.end]
        words = [w.lower() for w in _LOWER_WORD.findall(chunk)]
        if len(words) < 4 or not _suspicious(words, doc.lang):
            continue
        detected = _langdetect(chunk)
        if detected and detected[0] != doc.lang and detected[1] >= 0.8:
            yield finding(
                "language_mix",
                text,
                sent.start,
                sent.end,
                None,
                f"sentence looks like {detected[0]} (p={detected[1]:.2f}), not {doc.lang}",
                round(detected[1] * 0.9, 2),
            )


@rule(
    "language_mix",
    "language",
    "a fragment in another language or script than the document is flagged",
    repairs=False,
)
def language_mix(doc: Document, config: Config) -> Iterator[Finding]:
    yield from _script_runs(doc)
    if doc.lang != "ar" and any(ch.isalpha() for ch in doc.text):
        yield from _foreign_sentences(doc)
