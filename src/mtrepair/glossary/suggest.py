"""``glossary suggest``: mine texts for spellings that look like glossary terms.

Names reach English through many transliterations (Maroto/Marotto, Asad/Assad,
Qasem/Qassem, Suleimani/Soleimani). A *skeleton* keeps what survives
transliteration: lowercase ASCII, no article prefix, doubled letters single, a
final ``h`` after a vowel dropped (Fallujah/Falluja), vowels after the first
letter dropped, q/c -> k, and a mark for a word that ends in a vowel. Capitalized
phrases of the corpus whose skeleton is within a small Levenshtein distance
(rapidfuzz) of a glossary form's are candidate variants of that entry; unknown
phrases that share a skeleton with other unknown spellings are candidate new
entries.

Three kinds of look-alike are not spelling variants and are never proposed
(:func:`variant_pair`): the same spelling in another case or with other
hyphens and apostrophes (``BAGHDAD`` / ``Baghdad``: the matcher already treats
them as one); a name and a name derived from it, where one word is the other
plus an ending (``Baghdad`` / ``al-Baghdadi``, ``Jordan`` / ``Jordanian``) or
ends in a vowel where the other ends in a consonant (the Arabic nisba
``-i``: ``Suleiman`` / ``Soleimani``); and pairs an entry already covers (both
spellings are words of one entry's forms: ``Qasem`` / ``Qassem``).
Precision on a labelled list of name pairs: ``benchmarks/bench_suggest.py``.
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
# Marks a word that ends in a vowel. Never otherwise in a skeleton: vowels after
# the first letter are dropped, so Baghdad (bghdd) and Baghdadi (bghdd') differ.
FINAL_VOWEL = "'"
MAX_EXAMPLES = 3


def _core_words(text: str) -> list[str]:
    """The words of a name as transliteration leaves them comparable.

    Lowercase ASCII letters, article prefixes removed, ph/q/c/dh folded, doubled
    letters single, a final ``h`` after a vowel dropped; vowels still there.
    """
    t = unicodedata.normalize("NFKD", text.lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = re.sub(r"['’`ʼ‘]", "", t)
    t = _ARTICLE.sub(" ", " " + t).strip()
    t = t.replace("ph", "f").replace("q", "k").replace("c", "k").replace("dh", "z")
    words = [re.sub(r"(.)\1+", r"\1", w) for w in re.split(r"[\s-]+", t) if w]
    return [re.sub(r"(?<=[aeiouy])h\Z", "", w) if len(w) > 2 else w for w in words]


def _word_skeleton(word: str) -> str:
    mark = FINAL_VOWEL if len(word) > 1 and word[-1] in "aeiouy" else ""
    return _VOWELS.sub("", word) + mark


def skeleton(text: str) -> str:
    """The transliteration-stable core of a name (see module docstring)."""
    return " ".join(_word_skeleton(w) for w in _core_words(text))


def _derived(x: str, y: str) -> bool:
    """Core word ``x`` or ``y`` is the other plus an ending: a derived name, not a spelling.

    One is a strict prefix of the other (``baghdad`` / ``baghdadi``,
    ``jordan`` / ``jordanian``, ``zarka`` / ``zarkawi``) with an ending that is
    not a plural ``s``; or one ends in a vowel and the other in a consonant
    (``suleiman`` / ``soleimani``: the Arabic nisba ``-i``); or they differ only
    in a final ``a`` against ``i`` or ``y`` (``basra`` / ``basri``).
    """
    short, long_ = sorted((x, y), key=len)
    if long_ != short and long_.startswith(short) and long_[len(short) :] != "s":
        return True
    if (x[-1] in _VOWEL_LETTERS) != (y[-1] in _VOWEL_LETTERS):
        return True
    return x[:-1] == y[:-1] and {x[-1], y[-1]} in ({"a", "i"}, {"a", "y"})


_VOWEL_LETTERS = frozenset("aeiouy")
# Vowel classes of Arabic and Persian names in English: fatha a, kasra i, damma u.
# "e" stands for any of them (Ahmed/Ahmad, Qasem/Qasim, Yousef/Yusuf), and a
# diphthong with a and i/y (ai, ay) is an i (Husain/Hussein, Zayd/Zaid).
_CLASS = {"a": "a", "i": "i", "y": "i", "o": "u", "u": "u"}


def _slots(word: str) -> tuple[str, list[str]]:
    """Consonants of ``word`` and the vowel group before the first and after each of them."""
    consonants, groups = "", [""]
    for i, c in enumerate(word):
        if c in _VOWEL_LETTERS and not (c == "y" and i == 0):
            groups[-1] += c
        else:
            consonants += c
            groups.append("")
    return consonants, groups


def _vowel_class(group: str) -> frozenset[str] | None:
    """What a vowel group can stand for; None (anything) for none or one with an ``e``."""
    if not group or "e" in group:
        return None
    classes = {_CLASS[c] for c in group}
    if "a" in classes and "i" in classes:
        classes.discard("a")
    return frozenset(classes)


def _vowels_clash(x: str, y: str) -> bool:
    """Same consonants, but a vowel one name has where the other has another: two names.

    ``hassan`` / ``hussein`` (a against u), ``hamid`` / ``hamad``, ``saad`` /
    ``said``, ``mahmoud`` / ``mohammed``: Arabic names differ in their vowels
    as often as transliterations do, so only vowels that transliteration mixes
    up (any ``e``, a dropped vowel, o and u, the i sounds) count as one name.
    Words with different consonants are left to the skeleton distance.
    """
    cx, gx = _slots(x)
    cy, gy = _slots(y)
    if cx != cy:
        return False
    for a, b in zip(gx, gy, strict=True):
        ka, kb = _vowel_class(a), _vowel_class(b)
        if ka is not None and kb is not None and not ka & kb:
            return True
    return False


def different_names(a: str, b: str) -> bool:
    """Two names, not two spellings of one: a word derived from the other's, or clashing vowels."""
    wa, wb = _core_words(a), _core_words(b)
    if len(wa) != len(wb):
        return False
    return any(x != y and (_derived(x, y) or _vowels_clash(x, y)) for x, y in zip(wa, wb, strict=True))


def _limit(sk: str) -> int:
    """Skeleton edits allowed: none for short names, where one letter is another name."""
    core = sk.replace(FINAL_VOWEL, "")
    return 0 if len(core) <= 4 else 1 if len(core) <= 10 else 2


def _tokens_close(a: str, b: str) -> bool:
    """Same number of words, each word's skeleton at most one edit apart with the same first letter."""
    wa, wb = a.split(" "), b.split(" ")
    return len(wa) == len(wb) and all(
        x[0] == y[0] and Levenshtein.distance(x, y) <= 1 for x, y in zip(wa, wb, strict=True)
    )


def variant_pair(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` look like two spellings of one name.

    The rule behind every suggestion of a variant of an entry: skeletons
    within :func:`_limit` edits, word by word close, and neither the same
    spelling (same matching key) nor two names (:func:`different_names`).
    """
    if key(a) == key(b):
        return False
    sa, sb = skeleton(a), skeleton(b)
    if not sa or not sb or not _tokens_close(sa, sb):
        return False
    if Levenshtein.distance(sa, sb) > min(_limit(sa), _limit(sb)):
        return False
    return not different_names(a, b)


@dataclass
class Suggestion:
    """One proposed spelling, what it resembles, how often and where it was seen."""

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


def _covered_words(glossary: Glossary) -> dict[str, set[str]]:
    """Every run of words of every English form (matching key) -> the entries it is part of."""
    parts: dict[str, set[str]] = defaultdict(set)
    for e in glossary.entries:
        for form in (e.canonical, *e.variants.get("en", ())):
            words = key(form).split(" ")
            for i in range(len(words)):
                for j in range(i + 1, len(words) + 1):
                    parts[" ".join(words[i:j])].add(e.id)
    return parts


def suggest(glossary: Glossary, texts: Iterable[str], *, min_count: int = 1) -> list[Suggestion]:
    """Ranked suggestions: near-variants of entries first, then new clusters.

    A candidate is a capitalized phrase of the texts that the glossary does not
    know (by matching key). It is a variant of an entry when
    :func:`variant_pair` holds with one of the entry's English forms; else it
    joins the unknown phrases of the same skeleton, and a cluster proposes its
    spellings to its most frequent one, leaving out case variants (one
    spelling), derived names and pairs an entry already covers.
    """
    counts, examples = _phrases(texts)
    known = {key(e.canonical) for e in glossary.entries}
    known |= {key(v) for e in glossary.entries for _, v in e.all_variants()}
    covered = _covered_words(glossary)
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
        near = process.extract(sk, skeletons, scorer=Levenshtein.distance, score_cutoff=_limit(sk), limit=8)
        match = next((m for m in near if variant_pair(phrase, forms[m[2]][1])), None)
        if match is not None:
            _, dist, idx = match
            out.append(Suggestion(phrase, count, forms[idx][2], forms[idx][1], int(dist), examples[phrase]))
        else:
            unknown[sk].append(phrase)
    for spellings in unknown.values():
        out += _cluster(spellings, counts, examples, covered)
    out.sort(key=lambda s: (s.entry is None, -s.count, s.candidate))
    return out


def _cluster(
    spellings: list[str],
    counts: Counter[str],
    examples: dict[str, list[str]],
    covered: dict[str, set[str]],
) -> list[Suggestion]:
    """Suggestions from unknown phrases sharing one skeleton: each spelling -> the most frequent."""
    by_key: dict[str, list[str]] = defaultdict(list)  # case variants are one spelling
    for s in spellings:
        by_key[key(s)].append(s)
    if len({_ARTICLE.sub(" ", " " + k).strip() for k in by_key}) < 2:
        return []
    total = {k: sum(counts[s] for s in group) for k, group in by_key.items()}
    shown = {k: max(group, key=lambda s: (counts[s], s)) for k, group in by_key.items()}
    main_key = max(by_key, key=lambda k: (total[k], k))
    main = shown[main_key]
    out = []
    for k in sorted(by_key):
        if k == main_key or different_names(shown[k], main):
            continue
        if covered.get(k, set()) & covered.get(main_key, set()):
            continue  # both are words of one entry's forms: the glossary has this pair
        dist = Levenshtein.distance(shown[k].lower(), main.lower())
        out.append(Suggestion(shown[k], total[k], None, main, dist, examples[shown[k]]))
    return out
