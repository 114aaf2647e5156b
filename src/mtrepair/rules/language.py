"""Language mixing: fragments left in the source language.

Cheap passes before any expensive one (BRIEF §8): Unicode script runs catch
Arabic, Cyrillic, CJK… inside Latin text and Latin inside Arabic, Cyrillic or
Chinese text (the document's own script comes from its language, or from its
letters for a language we have no data for); letters foreign to the document's
alphabet catch a short phrase of another Latin-script language (a Vietnamese
motto in French); for longer Latin inside Latin, only sentences whose lowercase
words are mostly out of the document language's vocabulary go to langdetect,
and short phrases are told by wordfreq's frequencies. A Latin-script page in a
language wordfreq lacks (Estonian, any ``und`` page) gets the phrase search
alone, its home words read from the jusText stoplists the page shows most.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

import regex

from mtrepair import chrome, langdata
from mtrepair.config import Config
from mtrepair.model import Finding
from mtrepair.registry import finding, rule
from mtrepair.segment import Document, Span

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
_SEEN_LIMIT = 1 << 16
_COMMON_ZIPF = 3.0  # about one word in a million: "common" in a language (wordfreq)
_FUNCTION_RANK = 1000  # wordfreq's commonest words of a language, where its function words are
_KIN_SHARE = 0.1  # a stoplist holding this share of a text's distinct words is of its language or kin
_SAMPLE = 4000  # characters of an und document its kin are read from
_HOME_STOPWORD_ZIPF = 9.0  # without wordfreq: a home stopword is taken as common as words get
# What ends a clause after a two-word phrase: a mark, or only spaces to the end of the text.
_CLAUSE_END = regex.compile(r"[.,;:!?]|\s*\Z")


@dataclass(frozen=True)
class _Home:
    """What the phrase search knows of the document's own language.

    ``vocabulary``: the home words no phrase starts from (wordfreq's 50,000
    commonest); ``stopwords``: its function words, which a two-word phrase may
    not start with either (Romanian "le", English "per"). ``strict``: wordfreq
    has no list for the document's language (Estonian and every other ``und``
    document), so the home is what :func:`_kin_home` reads from the text, and a
    phrase needs the stronger evidence of :func:`_accepted`. ``measured``: the
    languages whose wordfreq zipf is taken for the home's (the document's, or
    its kin's that wordfreq lists). ``foreign``: the languages a phrase may be in.
    """

    lang: str
    vocabulary: frozenset[str]
    stopwords: frozenset[str]
    strict: bool
    foreign: tuple[str, ...]
    measured: tuple[str, ...]
    # Answers of seeds() so far: a home lives for the run (one per language), and
    # the same names and rare words recur across its documents.
    seen: dict[str, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def seeds(self, word: str) -> bool:
        """A phrase may start from ``word`` (lower case, out of the home vocabulary): see _foreign_phrases."""
        found = self.seen.get(word)
        if found is None:
            starts = _seed if self.strict else _fits
            found = any(starts(word, lang, self) for lang in self.foreign)
            if len(self.seen) >= _SEEN_LIMIT:
                self.seen.clear()
            self.seen[word] = found
        return found

    def zipf(self, word: str) -> float:
        """``word``'s zipf at home: the highest of its languages', a home stopword's as high as any."""
        if not self.strict:
            return _zipf(word, self.lang)
        if word in self.stopwords:
            return _HOME_STOPWORD_ZIPF
        return max((_zipf(word, lang) for lang in self.measured), default=0.0)


def _home(doc: Document) -> _Home:
    """The phrase search's view of ``doc``'s language: its wordfreq data, or its kin's."""
    if doc.lang in _wordfreq_languages():
        return _wordfreq_home(doc.lang)
    sample = {m.lower() for m in _PHRASE_WORD.findall(doc.text, 0, _SAMPLE)}
    hits = {lang: len(sample & stop) for lang, stop in _latin_stoplists().items()}
    needed = max(1.0, min(_KIN_SHARE * len(sample), max(hits.values(), default=0) / 2))
    return _kin_home(doc.lang, tuple(lang for lang, count in hits.items() if count >= needed))


@cache
def _wordfreq_home(lang: str) -> _Home:
    """The home of a language wordfreq lists: the same for each of its documents."""
    stopwords = langdata.load(lang).stopwords | chrome.stopwords(lang)
    foreign = tuple(other for other in _PHRASE_LANGUAGES if other != lang)
    return _Home(lang, _vocabulary(lang), stopwords, False, foreign, (lang,))


@lru_cache(maxsize=16)  # a few kinships recur (Estonian, Dutch…); each holds vocabularies of 50,000 words
def _kin_home(lang: str, kin: tuple[str, ...]) -> _Home:
    """The home of a document in a language without wordfreq data, told by the stoplists it shows.

    Its kin are the Latin-script stoplists of jusText that hold a tenth of the
    distinct words of its first 4,000 characters (a sample, as for the language
    guess: the share of a long text's distinct words falls as names pile up),
    or half as many as the fullest list does: its own language's and its
    neighbours'. A Catalan page shows a quarter of its words on the Spanish
    list; an Estonian page half on its own, 4 to 9 % on the Finnish one, up to
    4 % on any of ours. Their stopwords are home words, and so are the 50,000
    commonest words of those kin that wordfreq lists (a Dutch or an English
    page guessed ``und`` has more home words than its stoplist); their
    languages are never foreign: such a page is no page of Dutch or English
    phrases.
    """
    lists = _latin_stoplists()
    stopwords = frozenset().union(
        langdata.load(lang).stopwords, chrome.stopwords(lang), *(lists[k] for k in kin)
    )
    measured = tuple(k for k in kin if k in _wordfreq_languages())
    vocabulary = frozenset().union(stopwords, *(_vocabulary(k) for k in measured))
    foreign = tuple(other for other in _PHRASE_LANGUAGES if other not in kin and other != lang)
    return _Home(lang, vocabulary, stopwords, True, foreign, measured)


@cache
def _latin_stoplists() -> dict[str, frozenset[str]]:
    """jusText's stoplists of Latin-script languages, by code: what an ``und`` page may be in."""
    lists = {lang: chrome.stopwords(lang) for lang in chrome.JUSTEXT_STOPLISTS}
    return {
        lang: words
        for lang, words in lists.items()
        if words and 2 * sum(1 for w in words if _LETTERS["Latin"].match(w)) > len(words)
    }


@cache
def _function_words(lang: str) -> frozenset[str]:
    """The words a two-word phrase of ``lang`` may start with: the language's commonest.

    jusText's stoplist (drawn from Wikipedia) and wordfreq's 1,000 commonest
    words: the prepositions and articles that open a stranded phrase ("selon",
    "según"), and German "laut", which the Wikipedia list lacks.
    """
    from wordfreq import top_n_list

    return chrome.stopwords(lang) | frozenset(top_n_list(lang, _FUNCTION_RANK))


def _foreign_phrases(doc: Document, skip: list[tuple[int, int]]) -> Iterator[Finding]:
    """A phrase of three words or more, or a telling one of two, in another Latin-script language.

    "according to officials" in a French article, "según la agencia" in an English
    one, "selon le ministère" in German: too short for langdetect, and every word
    of it known to wordfreq. A phrase is adjacent words (only spaces between
    them, the first in lower case), each common in one other language (zipf >= 3)
    and at least 1.5 more common there than in the document's language, one of
    them out of the document language's 50,000 most common words; words common
    in both may stand inside ("le" of "selon le ministère" in Romanian). Only the
    words out of that vocabulary (names, rare words, foreign words: a few in a
    hundred) are looked up further, so the pass stays cheap. Two words are a
    phrase only on the stronger evidence of :func:`_accepted` (German "laut
    Angaben" closing an Estonian sentence), which loan phrases ("de facto",
    "per se") lack; names ("Juan de la Cruz") have words no other language knows
    better. A language without wordfreq data is searched on its stoplists alone
    (:func:`_home`), for phrases that open with a foreign function word.
    """
    text = doc.text
    words_of_doc = {m.lower() for m in _PHRASE_WORD.findall(text)}
    home = _home(doc)
    # A phrase starts from a word out of the home vocabulary that fits another
    # language (see _phrase_around); without wordfreq, from a foreign function
    # word. Finding those words first, once per document over its distinct
    # words, skips the walk over every sentence when there are none: most
    # documents (same output; benchmarks/README.md, "Throughput").
    seeds = {w for w in words_of_doc - home.vocabulary if home.seeds(w)}
    if not seeds:
        return
    for sent in _sentences_holding(doc, seeds):
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
                    f"a phrase in {lang} ({text[start:end]!r}) in {home.lang} text",
                    0.6,
                )
            k = j + 1


def _sentences_holding(doc: Document, seeds: set[str]) -> list[Span]:
    """The sentences of ``doc`` where one of ``seeds`` (lower case) may stand, in order.

    Found in the lower-cased text with ``str.find`` (a few seeds, one scan each)
    rather than by listing every sentence's words: a superset (a seed inside a
    longer word marks its sentence too), which the walk then reads word by word.
    Where lower-casing changes the text's length (Turkish "İ"), offsets would not
    match: every sentence's words are listed instead.
    """
    text, sentences = doc.text, doc.sentences
    lowered = text.lower()
    if len(lowered) != len(text):
        return [
            sent
            for sent in sentences
            if not seeds.isdisjoint(w.lower() for w in _PHRASE_WORD.findall(text, sent.start, sent.end))
        ]
    starts = [sent.start for sent in sentences]
    hit: set[int] = set()
    for seed in seeds:
        at = lowered.find(seed)
        while at >= 0:
            k = bisect.bisect_right(starts, at) - 1
            if k >= 0:
                hit.add(k)
            at = lowered.find(seed, at + len(seed))
    return [sentences[k] for k in sorted(hit)]


def _seed(word: str, lang: str, home: _Home) -> bool:
    """Without wordfreq, a phrase in ``lang`` is found from a function word of it that fits it."""
    return _fits(word, lang, home) and word in _function_words(lang)


def _fits(word: str, lang: str, home: _Home) -> bool:
    """``word`` (lower case) is common in ``lang`` and clearly more common there than at home."""
    there = _zipf(word, lang)
    return there >= _COMMON_ZIPF and there >= home.zipf(word) + 1.5


def _phrase_around(
    text: str, words: list[regex.Match[str]], k: int, home: _Home
) -> tuple[int, int, str] | None:
    """First word, last word and language of a foreign phrase holding ``words[k]``, or None.

    The runs of fitting words come first, in every language (what this function
    always found). Only when none is a phrase, a run may also step over single
    words common in the language (zipf >= 3) though common at home as well, each
    between two fitting words ("le" of "selon le ministère" in Romanian text).
    Without wordfreq a phrase opens with ``words[k]``, the foreign function word
    it was found from.
    """

    def fits(index: int, lang: str) -> bool:
        return _fits(words[index].group().lower(), lang, home)

    def adjacent(index: int) -> bool:  # words[index] follows words[index - 1] after spaces only
        return not text[words[index - 1].end() : words[index].start()].strip()

    def step(index: int, by: int, lang: str, bridge: bool) -> int:
        """How far the run goes on from ``words[index]`` towards ``by``: 0, 1 word, or 2 over a common one."""
        nxt = index + by
        if not 0 <= nxt < len(words) or not adjacent(max(index, nxt)) or (by < 0 and home.strict):
            return 0
        if fits(nxt, lang):
            return 1
        far = nxt + by
        if not bridge or not 0 <= far < len(words) or not adjacent(max(nxt, far)):
            return 0
        common = _zipf(words[nxt].group().lower(), lang) >= _COMMON_ZIPF
        return 2 if common and fits(far, lang) else 0

    def walk(lang: str, bridge: bool, run: tuple[int, int, int]) -> tuple[int, int, int]:
        """``run`` (first word, last word, how many fit) made the widest it goes, both ends fitting."""
        i, j, fitting = run
        while moved := step(i, -1, lang, bridge):
            i, fitting = i - moved, fitting + 1
        while moved := step(j, 1, lang, bridge):
            j, fitting = j + moved, fitting + 1
        return i, j, fitting

    runs = {lang: walk(lang, False, (k, k, 1)) for lang in home.foreign if fits(k, lang)}
    for lang, (i, j, fitting) in runs.items():
        if _accepted(text, words[i : j + 1], fitting, lang, home):
            return i, j, lang
    for lang, run in runs.items():  # every language's run of fitting words before any bridged one
        i, j, fitting = walk(lang, True, run)
        if (i, j) != run[:2] and _accepted(text, words[i : j + 1], fitting, lang, home):
            return i, j, lang
    return None


def _accepted(text: str, phrase: list[regex.Match[str]], fitting: int, lang: str, home: _Home) -> bool:
    """Whether the words of ``phrase`` (its ends fitting ``lang``, ``fitting`` in all) are a foreign phrase.

    In lower case ("of the Crusades", "School of Drawing and Fine Arts" are
    names), but for the nouns of German ("laut Angaben"). Three words or more,
    two of them fitting. Two words only when the first is a function word of
    ``lang`` (:func:`_function_words`), neither is a home word, and the phrase
    ends a clause: "laut Angaben." closing an Estonian sentence is stranded
    there, while a loan phrase has a word the home vocabulary holds ("de
    facto", "per se", "ad hoc", "fait accompli", "status quo", "vice versa",
    "savoir faire"); one with both words rare at home still passes ("sotto
    voce" in English). Without wordfreq data (``home.strict``), every phrase
    opens with such a function word.
    """
    capitals = [not w.group()[0].islower() for w in phrase]
    if capitals[0] or (lang != "de" and any(capitals)) or len(phrase) < 2 or fitting < 2:
        return False
    first = phrase[0].group().lower()
    opens = first in _function_words(lang) and first not in home.vocabulary and first not in home.stopwords
    if len(phrase) >= 3:
        return opens or not home.strict
    last = phrase[-1].group().lower()
    return opens and last not in home.vocabulary and _CLAUSE_END.match(text, phrase[-1].end()) is not None


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
        words = _LOWER_WORD.findall(chunk)  # lower case already: every letter of them is Ll
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
    if not any(ch.isalpha() for ch in doc.text):
        return
    if doc.lang in _wordfreq_languages():
        sentences = list(_foreign_sentences(doc))
        yield from sentences
        yield from _foreign_phrases(doc, [(f.start, f.end) for f in sentences])
    else:  # Estonian and every other und page: phrases on the evidence of stoplists alone
        yield from _foreign_phrases(doc, [])


@cache
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages())
