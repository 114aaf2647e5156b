"""Adequacy signals: does the translation say what the source says?

Two kinds. The cheap, model-free checks of a translation QA tool (Okapi
CheckMate, Xbench): length ratio, numbers and names present on one side only,
source words copied through untranslated, glossary terms lost. And the
cross-lingual similarity of a multilingual sentence encoder (``e5`` by default),
computed in :mod:`mtrepair.qe.embed` because it needs a model.

As in :mod:`mtrepair.qe.fluency`, every signal grows with the damage.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import regex

from mtrepair.qe.fluency import lexicon
from mtrepair.qe.text import WORD, normalize, numbers

if TYPE_CHECKING:  # pragma: no cover - typing only
    from mtrepair.glossary import Matcher

_LATIN_WORD = regex.compile(r"\A\p{Script=Latin}+(?:['’-]\p{Script=Latin}+)*\Z")
# Words a copy-through check must not count: they are spelled the same in many
# languages (names are handled by the entity check, numbers by the number check).
_MIN_COPY_LEN = 4
# Inputs with fewer lines compare the length ratio with 1:1 instead of their median.
MIN_MEDIAN_LINES = 20


def _names(ws: Sequence[str]) -> list[str]:
    """Capitalized words after the first: a cheap stand-in for named entities."""
    return [w for i, w in enumerate(ws) if i > 0 and w[0].isupper() and _LATIN_WORD.match(w)]


def _stem(word: str) -> str:
    # Inflected names (ro "Franței", et "Tallinnas") share their first letters with the English form.
    return word.lower()[:4]


def pair_signals(
    src: str, mt: str, *, src_lang: str, mt_lang: str = "en", matcher: Matcher | None = None
) -> dict[str, float]:
    """Model-free adequacy signals of one source/translation pair."""
    ns, nm = normalize(src), normalize(mt)
    sw, mw = WORD.findall(ns), WORD.findall(nm)
    out: dict[str, float] = {}
    # Length: characters are comparable across scripts only roughly, words even less;
    # the log ratio of non-space characters is what MT length checks use.
    sc = len(regex.sub(r"\s", "", ns)) or 1
    mc = len(regex.sub(r"\s", "", nm)) or 1
    out["log_length_ratio"] = math.log(mc / sc)
    out["src_length"] = math.log1p(len(sw))
    # Numbers on one side only, as a share of all numbers seen.
    sn, mn = Counter(numbers(ns)), Counter(numbers(nm))
    total = sum((sn | mn).values())
    out["number_mismatch"] = sum(((sn - mn) + (mn - sn)).values()) / total if total else 0.0
    # Names on one side only: only comparable when both sides are written in Latin script.
    s_latin = bool(sw) and sum(1 for w in sw if _LATIN_WORD.match(w)) >= 0.8 * len(sw)
    if s_latin:
        s_names = {_stem(w) for w in _names(sw)}
        m_names = {_stem(w) for w in _names(mw)}
        m_stems = {_stem(w) for w in mw}
        s_stems = {_stem(w) for w in sw}
        lost = len(s_names - m_stems)
        invented = len(m_names - s_stems)
        out["entity_mismatch"] = (lost + invented) / max(1, len(s_names) + len(m_names))
    else:
        out["entity_mismatch"] = 0.0
    out["copied_words"] = _copied(sw, mw, src_lang, mt_lang)
    out["src_rarity"] = _rarity(sw, src_lang)
    out["glossary_issues"] = float(_glossary_issues(matcher, src, mt, src_lang, mt_lang))
    return out


def _copied(sw: Sequence[str], mw: Sequence[str], src_lang: str, mt_lang: str) -> float:
    """Share of translation words that are source words the output language does not know.

    A word copied through untranslated (``orgolioase``) is spelled exactly as in
    the source and is not a word of the output language; names are excluded by
    looking only at lowercase words.
    """
    if src_lang == mt_lang or not mw:
        return 0.0
    src_words = {w.lower() for w in sw if len(w) >= _MIN_COPY_LEN}
    target = lexicon(mt_lang).freq
    copied = sum(1 for w in mw if w[0].islower() and w.lower() in src_words and w.lower() not in target)
    return copied / len(mw)


def _rarity(sw: Sequence[str], src_lang: str) -> float:
    """Mean rarity (7 − Zipf) of the source words: rare words are where MT goes wrong.

    ``nan`` when wordfreq has no list for the source language.
    """
    lex = lexicon(src_lang)
    if not lex.freq or not sw:
        return math.nan
    return sum(max(0.0, 7.0 - lex.zipf(w.lower())) for w in sw) / len(sw)


def _glossary_issues(matcher: Matcher | None, src: str, mt: str, src_lang: str, mt_lang: str) -> int:
    if matcher is None:
        return 0
    from mtrepair.glossary.qa import check_pair

    return len(check_pair(matcher, src, mt, src_lang=src_lang, tgt_lang=mt_lang))


@cache
def default_matcher() -> Matcher | None:
    """The shipped glossary as a matcher (``None`` when no glossary is installed)."""
    from mtrepair.glossary import Matcher, default_paths, load

    paths = default_paths()
    return Matcher(load(paths)) if paths else None


def adequacy_signals(
    srcs: Sequence[str],
    mts: Sequence[str],
    *,
    src_lang: str,
    mt_lang: str = "en",
    matcher: Matcher | None = None,
) -> list[dict[str, float]]:
    """Model-free adequacy signals for each line pair, in order."""
    lexicon(src_lang)
    lexicon(mt_lang)
    rows = [
        pair_signals(s, m, src_lang=src_lang, mt_lang=mt_lang, matcher=matcher)
        for s, m in zip(srcs, mts, strict=True)
    ]
    # The typical length ratio depends on the two languages (Sinhala script is
    # denser than English): deviation from the file's median is the signal.
    raw = [r.pop("log_length_ratio") for r in rows]
    ordered = sorted(raw)
    typical = ordered[len(ordered) // 2] if len(ordered) >= MIN_MEDIAN_LINES else 0.0
    for r, value in zip(rows, raw, strict=True):
        r["length_ratio"] = abs(value - typical)
    return rows


ADEQUACY_SIGNALS: dict[str, str] = {
    "length_ratio": "|log(translation chars / source chars) - its median over the input|",
    "src_length": "log(1 + source words): long sources carry more errors",
    "number_mismatch": "share of numbers found on one side only",
    "entity_mismatch": "share of capitalized names on one side only (Latin-script sources)",
    "copied_words": "share of translation words copied from the source that the output language lacks",
    "src_rarity": "mean (7 - Zipf frequency) of the source words (nan without a word list)",
    "glossary_issues": "glossary terms of the source missing or respelled in the translation",
}
