"""``glossary suggest``: mine texts for spellings that look like glossary terms.

Names reach English through many transliterations (Maroto/Marotto, Asad/Assad,
Qasem/Qassem, Suleimani/Soleimani). A *skeleton* keeps what survives
transliteration: lowercase ASCII, no article prefix, doubled letters single,
vowels after the first letter dropped, and q/c -> k. Capitalized phrases of the
corpus whose skeleton is within a small Levenshtein distance (rapidfuzz) of a
glossary form's are candidate variants of that entry; unknown phrases that share
a skeleton with other unknown spellings are candidate new entries.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from mtrepair.glossary.model import Glossary
from mtrepair.glossary.normalize import key

_NAME = r"(?:[A-Z][\w'’]*(?:-[A-Z]?[\w'’]+)*|(?:al|el|ez|ad|as|bin)-[A-Z][\w'’]*)"
_PHRASE = re.compile(rf"\b{_NAME}(?:[ ]{_NAME}){{0,3}}")
_ARTICLE = re.compile(r"\b(?:al|el|ez|ed|ad|as|an|ash|at)[ -]")
_VOWELS = re.compile(r"(?<=.)[aeiouy]")
_ARTICLES = frozenset({"al", "el", "ez", "ad", "as", "an", "the", "of", "bin"})
MAX_EXAMPLES = 3


def skeleton(text: str) -> str:
    """The transliteration-stable core of a name (see module docstring)."""
    t = unicodedata.normalize("NFKD", text.lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = re.sub(r"['’`]", "", t)
    t = _ARTICLE.sub(" ", " " + t).strip()
    t = t.replace("ph", "f").replace("q", "k").replace("c", "k").replace("dh", "z")
    words = [re.sub(r"(.)\1+", r"\1", w) for w in re.split(r"[\s-]+", t) if w]
    return " ".join(_VOWELS.sub("", w) for w in words)


@dataclass
class Suggestion:
    candidate: str
    count: int
    entry: str | None  # the glossary entry it resembles; None for a new cluster
    near: str  # the glossary form (or the cluster's main spelling) it resembles
    distance: int
    examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "candidate": self.candidate,
            "count": self.count,
            "entry": self.entry,
            "near": self.near,
            "distance": self.distance,
            "examples": self.examples,
        }


@cache
def _common(word: str) -> bool:
    from wordfreq import zipf_frequency

    return bool(zipf_frequency(word, "en") >= 4.0)


def _phrases(texts: Iterable[str]) -> tuple[Counter[str], dict[str, list[str]]]:
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for text in texts:
        for m in _PHRASE.finditer(text):
            words = [re.sub(r"['’]s\Z", "", w) for w in m.group().split(" ")]
            for i in range(len(words)):
                for j in range(i + 1, min(len(words), i + 3) + 1):
                    if words[j - 1].lower() in _ARTICLES:
                        continue
                    phrase = " ".join(words[i:j])
                    counts[phrase] += 1
                    if len(examples[phrase]) < MAX_EXAMPLES:
                        s, e = m.start(), m.end()
                        examples[phrase].append(text[max(0, s - 40) : e + 40].replace("\n", " "))
    return counts, examples


def _tokens_close(a: str, b: str) -> bool:
    """Same number of words, and each word's skeleton at most one edit apart."""
    wa, wb = a.split(" "), b.split(" ")
    return len(wa) == len(wb) and all(
        x[0] == y[0] and Levenshtein.distance(x, y) <= 1 for x, y in zip(wa, wb, strict=True)
    )


def suggest(glossary: Glossary, texts: Iterable[str], *, min_count: int = 1) -> list[Suggestion]:
    """Ranked suggestions: near-variants of entries first, then new clusters."""
    counts, examples = _phrases(texts)
    known = {key(e.canonical) for e in glossary.entries}
    known |= {key(v) for e in glossary.entries for _, v in e.all_variants()}
    forms: list[tuple[str, str, str]] = []  # skeleton, form, entry id
    for e in glossary.entries:
        for form in (e.canonical, *(v for lang, v in e.all_variants() if lang == "en")):
            forms.append((skeleton(form), form, e.id))
    skeletons = [f[0] for f in forms]
    out: list[Suggestion] = []
    unknown: dict[str, list[str]] = defaultdict(list)
    for phrase, count in counts.items():
        k = key(phrase)
        if count < min_count or k in known or len(k) < 4:
            continue
        if " " not in k and _common(k):
            continue
        sk = skeleton(phrase)
        if not sk:
            continue
        limit = 0 if len(sk) <= 4 else 1 if len(sk) <= 10 else 2
        best = process.extractOne(sk, skeletons, scorer=Levenshtein.distance, score_cutoff=limit)
        if best is not None and _tokens_close(sk, best[0]):
            _, dist, idx = best
            out.append(Suggestion(phrase, count, forms[idx][2], forms[idx][1], int(dist), examples[phrase]))
        else:
            unknown[sk].append(phrase)
    for spellings in unknown.values():
        distinct = {_ARTICLE.sub(" ", " " + key(s)).strip() for s in spellings}
        if len(distinct) < 2:
            continue
        main = max(spellings, key=lambda s: counts[s])
        for s in spellings:
            if s != main:
                dist = Levenshtein.distance(s.lower(), main.lower())
                out.append(Suggestion(s, counts[s], None, main, dist, examples[s]))
    out.sort(key=lambda s: (s.entry is None, -s.count, s.candidate))
    return out
