"""Language mixing: fragments left in the source language.

Cheap passes before any expensive one (BRIEF §8): Unicode script runs catch
Arabic, Cyrillic, CJK… inside Latin text and Latin inside Arabic, Cyrillic or
Chinese text (the document's own script comes from its language, or from its
letters for a language we have no data for); letters foreign to the document's
alphabet catch a short phrase of another Latin-script language (a Vietnamese
motto in French); for longer Latin inside Latin, only sentences whose lowercase
words are mostly out of the document language's vocabulary go to langdetect.
"""

from __future__ import annotations

import unicodedata
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


# Scripts read together with a language's own: Japanese mixes kana with Han, Korean Han with Hangul.
_COMPANION_SCRIPTS: dict[str, tuple[str, ...]] = {"ja": ("Hiragana", "Katakana"), "ko": ("Hangul",)}


def home_scripts(doc: Document) -> tuple[str, ...]:
    """The scripts the document is written in: its language's, else its letters'.

    The generic fallback (``und``, a language without data) gets the script most
    letters of its first 4,000 characters are in: nothing language-specific that
    could be wrong.
    """
    if doc.data.script is not None and doc.data.script in _SCRIPTS:
        return (doc.data.script, *_COMPANION_SCRIPTS.get(doc.lang, ()))
    head = doc.text[:4000]
    counts = {name: len(_LETTERS[name].findall(head)) for name in _SCRIPTS}
    best = max(counts, key=lambda name: counts[name])
    if best in ("Hiragana", "Katakana"):
        return ("Han", "Hiragana", "Katakana")
    return (best,) if counts[best] else ("Latin",)


_LETTERS = {name: regex.compile(rf"\p{{Script={name}}}") for name in _SCRIPTS}


@cache
def _foreign_letter(home: tuple[str, ...]) -> regex.Pattern[str]:
    own = "".join(rf"\p{{Script={name}}}" for name in home)
    return regex.compile(rf"[^{own}\p{{Script=Common}}\p{{Script=Inherited}}]")


_LONGEST_WORD = 40  # letters; a longer token (an inlined blob) is in no word list


def _zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf frequency from its small lists (words of zipf >= 3 or so; 0 below).

    Every test here asks whether a word is common (zipf >= 3), which the small
    lists answer: they cost some 4 MB per language, the full ones 28 MB, and a
    phrase is looked up in nine languages in every worker. A token longer than
    any word is 0 without asking: wordfreq tokenizes what it is given, which on
    a 50 MB run of one letter took minutes and gigabytes (and the cache kept it).
    """
    if len(word) > _LONGEST_WORD:
        return 0.0
    return _zipf_cached(word, lang)


@cache
def _zipf_cached(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang, wordlist="small"))


# Where a short Latin run in Arabic, Cyrillic or Chinese text is looked up.
_LATIN_VOCABULARIES = ("en", "fr", "de", "es", "it", "pt")
_LATIN_TOKEN = regex.compile(r"\p{Script=Latin}[\p{Script=Latin}\p{M}'’-]*")
_EDGE_PUNCT = ",;:!?()[]\"“”«»'’.…"


def _latin_run_is_language(run: str) -> bool:
    """A Latin run in another script is a phrase, not a name, brand or acronym.

    Names and organisations are capitalized words with lowercase particles
    ("Bank of America", "al-Qaeda in Iraq", "Joe Biden", "CNN", "iPhone 13 Pro
    Max"); a phrase left in another language ("Exit mobile version", "Read
    more") has as many lowercase words as capitalized ones, and one of them a
    common word of a Latin-script language (wordfreq zipf >= 3). Two words at
    least.
    """
    # Words are whitespace-separated tokens of letters: "newtimes.ru", "km/h" and URLs are none.
    words = [t for t in run.split() if _LATIN_TOKEN.fullmatch(t.strip(_EDGE_PUNCT))]
    if len(words) < 2:
        return False
    words = [t.strip(_EDGE_PUNCT) for t in words]
    lower = [w for w in words if w.isalpha() and w.islower() and len(w) >= 2]
    if not lower or 2 * len(lower) < len(words):
        return False
    return any(_zipf(w, lang) >= 3.0 for w in lower for lang in _LATIN_VOCABULARIES)


def _script_runs(doc: Document) -> Iterator[Finding]:
    text = doc.text
    home = home_scripts(doc)
    if not _foreign_letter(home).search(text):
        return  # one pass instead of one per script when nothing foreign is there
    for name, pattern in _RUNS.items():
        if name in home:
            continue
        for m in pattern.finditer(text):
            run = m.group()
            letters = sum(1 for ch in run if ch.isalpha())
            if letters < 3 or (name == "Latin" and not _latin_run_is_language(run)):
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


# Letters of each Latin-script language beyond ASCII and Latin-1 (which every one
# of them takes in names and loanwords: café, Müller, señor, São Paulo).
_OWN_LETTERS: dict[str, str] = {
    "en": "",
    "fr": "œŒŸ",
    "de": "ẞ",
    "es": "",
    "it": "",
    "pt": "",
    "ca": "ŀĿ",
    "nl": "ĳĲ",
    "tr": "ğĞıİşŞ",
    "ro": "ăĂșȘțȚşŞţŢ",
    "et": "šŠžŽ",
}


@cache
def _foreign_latin_letter(lang: str) -> regex.Pattern[str]:
    """A Latin letter outside ``lang``'s alphabet (ligatures and fullwidth forms aside)."""
    allowed = "a-zA-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\ufb00-\ufb06\uff21-\uff3a\uff41-\uff5a"
    allowed += regex.escape(_OWN_LETTERS[lang])
    return regex.compile(rf"(?V1)[\p{{Script=Latin}}--[{allowed}]]")


# The letters of a word around a foreign letter; at most 40 on each side, so a
# text of one endless word is still read in one pass.
_WORD_LEFT = regex.compile(r"[\p{Script=Latin}\p{M}]{0,40}\Z")
_WORD_RIGHT = regex.compile(r"[\p{Script=Latin}\p{M}]{0,40}")


def _foreign_alphabet(doc: Document) -> Iterator[Finding]:
    """A short phrase in another Latin-script language, told by its letters.

    "Độc lập – Tự do – Hạnh phúc" in French text: two words or more, at most two
    words apart, holding letters the document's alphabet lacks, one of them in
    lower case. Names in their own spelling ("Nguyễn Phú Trọng", "Recep Tayyip
    Erdoğan") are capitalized word by word and stay unflagged. Decomposed accents
    are composed first (NFC), so "e" + U+0301 is "é", a Latin-1 letter.
    """
    if doc.lang not in _OWN_LETTERS:
        return  # an alphabet we do not know: nothing to compare with
    text = doc.text
    letter = _foreign_latin_letter(doc.lang)
    cluster: list[tuple[int, int]] = []
    end = -1
    for m in letter.finditer(text):
        if m.start() < end:
            continue  # another foreign letter of the word just taken
        left = _WORD_LEFT.search(text, max(0, m.start() - 40), m.start())
        right = _WORD_RIGHT.match(text, m.end())
        start = left.start() if left else m.start()
        end = right.end() if right else m.end()
        if letter.search(unicodedata.normalize("NFC", text[start:end])) is None:
            continue
        if cluster and _words_between(text, cluster[-1][1], start) > 2:
            yield from _flag_cluster(doc, cluster)
            cluster = []
        cluster.append((start, end))
    yield from _flag_cluster(doc, cluster)


_BETWEEN_WORD = regex.compile(r"\w+")
_SENTENCE_BREAK = regex.compile(r"[.!?;:\n]")


def _words_between(text: str, start: int, end: int) -> int:
    """Words between two offsets; a sentence break in between counts as many."""
    if end - start > 80 or _SENTENCE_BREAK.search(text, start, end):
        return 99
    return len(_BETWEEN_WORD.findall(text, start, end))


def _flag_cluster(doc: Document, cluster: list[tuple[int, int]]) -> Iterator[Finding]:
    text = doc.text
    if len(cluster) < 2 or not any(text[start].islower() for start, _ in cluster):
        return
    yield finding(
        "language_mix",
        text,
        cluster[0][0],
        cluster[-1][1],
        None,
        f"words with letters foreign to {doc.lang} (another Latin-script language) in {doc.lang} text",
        0.7,
    )


# Latin-script languages a short phrase is looked up in (all have wordfreq data).
_PHRASE_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "tr", "nl", "ro")
_PHRASE_WORD = regex.compile(r"\p{L}+(?:['’]\p{L}+)?")


def _foreign_phrases(doc: Document, skip: list[tuple[int, int]]) -> Iterator[Finding]:
    """A phrase of three words or more in another Latin-script language.

    "according to officials" in a French article, "según la agencia" in an English
    one, "selon le ministère" in German: too short for langdetect, and every word
    of it known to wordfreq. A phrase is three adjacent words or more (only
    spaces between them, the first in lower case), each common in one other
    language (zipf >= 3) and at least 1.5 more common there than in the
    document's language, one of them out of the document language's 50,000 most
    common words. Only the words out of that vocabulary (names, rare words,
    foreign words: a few in a hundred) are looked up further, so the pass stays
    cheap. Loan phrases of two words ("de facto", "per se") are too short;
    names ("Juan de la Cruz") have words no other language knows better.
    """
    text, home = doc.text, doc.lang
    known = _vocabulary(home)
    # A phrase starts from a word out of the home vocabulary that fits another
    # language (see _phrase_around). Finding those words first, once per document
    # over its distinct words, skips the walk over every sentence when there are
    # none: most documents (same output; benchmarks/README.md, "Throughput").
    others = [lang for lang in _PHRASE_LANGUAGES if lang != home]
    seeds = {
        w
        for w in {m.lower() for m in _PHRASE_WORD.findall(text)} - known
        if any(_fits(w, lang, home) for lang in others)
    }
    if not seeds:
        return
    for sent in doc.sentences:
        if seeds.isdisjoint(w.lower() for w in _PHRASE_WORD.findall(text, sent.start, sent.end)):
            continue  # no word a phrase could start from: no walk over the sentence
        words = list(_PHRASE_WORD.finditer(text, sent.start, sent.end))
        k = 0
        while k < len(words):
            if words[k].group().lower() not in seeds:
                k += 1
                continue
            found = _phrase_around(text, words, k, home)
            if found is None:
                k += 1
                continue
            i, j, lang = found
            start, end = words[i].start(), words[j].end()
            if not any(s < end and start < e for s, e in skip):
                yield finding(
                    "language_mix",
                    text,
                    start,
                    end,
                    None,
                    f"a phrase in {lang} ({text[start:end]!r}) in {home} text",
                    0.6,
                )
            k = j + 1


def _fits(word: str, lang: str, home: str) -> bool:
    """``word`` (lower case) is common in ``lang`` and clearly more common there than in ``home``."""
    there = _zipf(word, lang)
    return there >= 3.0 and there >= _zipf(word, home) + 1.5


def _phrase_around(
    text: str, words: list[regex.Match[str]], k: int, home: str
) -> tuple[int, int, str] | None:
    """First word, last word and language of a foreign phrase holding ``words[k]``, or None."""

    def fits(index: int, lang: str) -> bool:
        return _fits(words[index].group().lower(), lang, home)

    def adjacent(index: int) -> bool:  # words[index] follows words[index - 1] after spaces only
        return not text[words[index - 1].end() : words[index].start()].strip()

    for lang in _PHRASE_LANGUAGES:
        if lang == home or not fits(k, lang):
            continue
        i = k
        while i > 0 and adjacent(i) and fits(i - 1, lang):
            i -= 1
        j = k
        while j + 1 < len(words) and adjacent(j + 1) and fits(j + 1, lang):
            j += 1
        # A phrase is in lower case ("of the Crusades", "School of Drawing and Fine
        # Arts" are names), but for the nouns of German ("laut Angaben").
        capitals = [not w.group()[0].islower() for w in words[i : j + 1]]
        if j - i >= 2 and not capitals[0] and (lang == "de" or not any(capitals)):
            return i, j, lang
    return None


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
    if home_scripts(doc) != ("Latin",):
        return
    yield from _foreign_alphabet(doc)
    if doc.lang in _wordfreq_languages() and any(ch.isalpha() for ch in doc.text):
        sentences = list(_foreign_sentences(doc))
        yield from sentences
        yield from _foreign_phrases(doc, [(f.start, f.end) for f in sentences])


@cache
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages())
