"""Word-level comparison inside one aligned bead: where the translation changed the meaning.

The sentence aligner pairs a garbled sentence with its clean counterpart; this
module aligns their *words* and reports each place where they diverge, with both
sides' words and character offsets:

- ``substitution``: words of the garbled sentence stand where the clean one has
  others ("shouted" for "blared");
- ``omission``: clean words with no counterpart ("four", "not", "coalition");
- ``insertion``: garbled words with no counterpart;
- ``roles``: the same sentence said in the other voice (the clean sentence is
  passive, the garbled active, or back), where who did what may have turned.

How. Both sentences are cut into tokens (words, numbers, acronyms; a hyphenated
word is split at its hyphens, so "al-Omar" and "Al Omar" are the same tokens)
and each token gets a *key* that makes spelling variants of one thing equal:
case, a possessive "'s", the dots of an acronym ("U.N." / "UN"), a number word
and its digits ("four" / "4"), and a demonym and its country ("Iranian" /
"Iran", "Iraqi" / "Iraq", "Syrian" / "Syria"). The keys are aligned by a
Levenshtein dynamic programme (monotonic; n x m cells for sentences of tens of
words), and each run of non-matching tokens between two matches is one
divergence. A token that disappears in one place and reappears in another is a
move, not a loss: moved tokens are taken out of the divergences that hold them.

How much a divergence matters (``weight``): ``meaning`` when it involves a
number, a negation, a name (a capitalised word that is no stopword), or a
content word (not a stopword of the language); ``minor`` when only function
words, punctuation-level spelling or a near-identical spelling of a name
("Assad" / "Asad", character similarity 0.8 or more) differ. Reports show the
meaning-bearing ones; minor ones are counted.

Monolingual only: the keys compare words of one language. Across languages the
aligner's beads are still right, but this comparison is not run (see
:mod:`mtrepair.align.reference`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from rapidfuzz.distance import Levenshtein

from mtrepair import chrome, langdata
from mtrepair.errors import ConfigError

# Words (letters, with inner apostrophes and dots: "don't", "U.S."), and numbers.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’.][^\W\d_]+)*\.?")
_POSSESSIVE = re.compile(r"['’]s?\Z")
NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
}
# Number words of other languages (one to ten, twelve, twenty, a hundred).
_OTHER_NUMBER_WORDS: dict[str, dict[str, int]] = {
    lang: {w: n for w, n in zip(words.split(), (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 20, 100), strict=True)}
    for lang, words in {
        "fr": "un deux trois quatre cinq six sept huit neuf dix douze vingt cent",
        "de": "eins zwei drei vier fünf sechs sieben acht neun zehn zwölf zwanzig hundert",
        "es": "uno dos tres cuatro cinco seis siete ocho nueve diez doce veinte cien",
        "it": "uno due tre quattro cinque sei sette otto nove dieci dodici venti cento",
        "pt": "um dois três quatro cinco seis sete oito nove dez doze vinte cem",
        "ru": "один два три четыре пять шесть семь восемь девять десять двенадцать двадцать сто",
        "ar": "واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة اثنا عشرون مئة",
    }.items()
}
# Arabic counts agree with the noun: the other form of each number word, and the oblique "two".
_ARABIC_AGREEMENT = "واحدة اثنين ثلاث أربع خمس ست سبع ثماني تسع عشر"
_OTHER_NUMBER_WORDS["ar"].update(dict(zip(_ARABIC_AGREEMENT.split(), range(1, 11), strict=True)))
# Negation words, by language (an English contraction's "n't" is its own token key).
NEGATIONS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "not no never none nobody nothing neither nor without cannot denied",
        "fr": "ne pas non jamais aucun aucune rien personne sans ni",
        "de": "nicht kein keine keinen keinem keiner nie niemals nichts niemand ohne weder",
        "es": "no nunca ningún ninguna ninguno nada nadie sin ni jamás",
    }.items()
}
# Suffixes that make a demonym or adjective of a place name (Iran-ian, Iraq-i, Syria-n).
_DEMONYM_SUFFIXES = ("ian", "ean", "ese", "ish", "an", "i", "n")
# A name spelled nearly the same is a variant ("Assad" / "Asad", "Marotto" / "Maroto").
SPELLING_SIMILARITY = 0.8
# A passive clause: a form of "be" (or "get") and a participle ("were targeted", "was shot down").
_PASSIVE = re.compile(
    r"\b(?:was|were|is|are|been|being|be|got|get|gets)\s+(?:\w+ly\s+)?\w+(?:ed|en|wn|ung|ot|uck|it)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a sentence: its text, its span in the sentence, and its comparison key."""

    text: str
    start: int
    end: int
    key: str
    capital: bool  # starts with a capital letter (a name, unless sentence-initial or a stopword)


@dataclass(frozen=True, slots=True)
class Divergence:
    """One place where the two sentences differ; spans are offsets into each sentence."""

    kind: str  # substitution, omission, insertion, roles
    garbled: tuple[int, int]
    clean: tuple[int, int]
    garbled_words: str
    clean_words: str
    weight: str  # meaning or minor
    why: str  # what makes it matter: "number", "negation", "name", "content word", ...

    def describe(self) -> str:
        """One line a reviewer reads: what differs, on which side, and why it matters."""
        if self.kind == "omission":
            return f"omission ({self.why}): the reference has {self.clean_words!r} with no counterpart"
        if self.kind == "insertion":
            return f"insertion ({self.why}): {self.garbled_words!r} has no counterpart in the reference"
        if self.kind == "roles" and not self.garbled_words:
            return f"roles: {self.why}"
        if self.kind == "roles":
            return (
                f"roles ({self.why}): {self.garbled_words!r} where the reference has {self.clean_words!r}; "
                "who did what may be swapped"
            )
        return (
            f"substitution ({self.why}): {self.garbled_words!r} where the reference has {self.clean_words!r}"
        )


@cache
def _stopwords(lang: str) -> frozenset[str]:
    """Function words of ``lang``: the language data's and jusText's stoplist."""
    try:
        own = langdata.load(lang).stopwords
    except ConfigError:  # a language without data: jusText's list alone
        own = frozenset()
    return frozenset(own | chrome.stopwords(lang))


def key(word: str, lang: str = "en") -> str:
    """The comparison key of one token: case, possessive, acronym dots and number words folded.

    Number words are read in the sentence's language only: French "un" is 1,
    English "UN" the United Nations.
    """
    low = word.lower()
    numbers = NUMBER_WORDS if lang == "en" else _OTHER_NUMBER_WORDS.get(lang, {})
    if low in numbers:
        return str(numbers[low])
    if lang == "en" and low in _ORDINALS:
        return _ORDINALS[low]
    if low[:1].isdigit():
        low = low.replace(",", "")
        # "1st", "2nd", "3rd" and "10th" all end "th" here, as the ordinal words do.
        return re.sub(r"(?<=\d)(?:st|nd|rd)\Z", "th", low)
    low = _POSSESSIVE.sub("", low)
    bare = _POSSESSIVE.sub("", word).replace(".", "")
    if 2 <= len(bare) <= 6 and bare.isupper():
        return bare  # an acronym keeps its capitals: "U.S." and "US" are one, the pronoun "us" another
    if "." in low:
        low = low.replace(".", "")
    return low


def tokens(sentence: str, lang: str = "en") -> list[Token]:
    """The tokens of ``sentence``; a hyphen is no part of a token, so "al-Omar" is "al" + "Omar"."""
    out: list[Token] = []
    for m in _TOKEN.finditer(sentence):
        text = m.group()
        start = m.start()
        if text.endswith(".") and text.count(".") == 1 and len(text) > 2:
            text = text[:-1]  # a sentence's full stop, not an acronym's ("said." vs "U.S.")
        low = text.lower()
        if low.endswith(("n't", "n’t")) and len(text) > 3:
            # A contraction is its two words: "don't" is "do" + "not", "can't" "can" + "not".
            base = low[:-3]
            out.append(Token(text, start, start + len(text) - 3, _CONTRACTED.get(base, base), False))
            out.append(Token(text[-3:], start + len(text) - 3, start + len(text), "not", False))
            continue
        out.append(Token(text, start, start + len(text), key(text, lang), text[:1].isupper()))
    return out


# Contractions whose first word changes: "can't" is "can not", "won't" "will not".
_ORDINALS = {
    w: f"{n}th"
    for n, w in enumerate(
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"], 1
    )
}
_CONTRACTED = {"ca": "can", "wo": "will", "sha": "shall", "ai": "am"}


def _demonym_of(a: str, b: str) -> bool:
    """``b`` is a demonym or adjective of the place ``a`` (both keys): iran/iranian, syria/syrian."""
    if len(a) < 3 or not b.startswith(a[:-1]) or len(b) <= len(a):
        return False
    for stem in (a, a[:-1]):
        if b.startswith(stem) and b[len(stem) :] in _DEMONYM_SUFFIXES and len(stem) >= 3:
            return True
    return False


def same(a: Token, b: Token) -> bool:
    """Two tokens say the same thing: equal keys, a place and its demonym, or one word's inflections."""
    if a.key == b.key:
        return True
    if a.capital and b.capital:
        return _demonym_of(a.key, b.key) or _demonym_of(b.key, a.key)
    return not a.capital and not b.capital and _inflections(a.key, b.key)


def _inflections(a: str, b: str) -> bool:
    """Forms of one word ("rocket" / "rockets", "injured" / "injuring"): a long common beginning.

    Language-neutral: the two share their first letters up to 70% of the shorter
    word, and at least four (a tense or number is paraphrase, not meaning).
    """
    short = min(len(a), len(b))
    if short < 4 or a[:4] != b[:4] or a[:1].isdigit():
        return False
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= max(4, 0.7 * short)


def _variant(a: Token, b: Token) -> bool:
    """A name spelled nearly alike ("Assad" / "Asad"): a minor difference."""
    return a.capital and b.capital and Levenshtein.normalized_similarity(a.key, b.key) >= SPELLING_SIMILARITY


def _align(g: Sequence[Token], c: Sequence[Token]) -> list[tuple[int | None, int | None]]:
    """A monotonic alignment of the two token lists: pairs (i, j), (i, None) or (None, j).

    The longest common subsequence of the keys (a match costs 0, a token left
    out 1, no substitution): as many words as possible anchor the comparison,
    and the differences between anchors are the divergences.
    """
    n, m = len(g), len(c)
    match = [[same(gi, cj) for cj in c] for gi in g]
    # cost[i][j]: cheapest alignment of g[:i] with c[:j].
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = i
    for j in range(1, m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        row, prev, hits = cost[i], cost[i - 1], match[i - 1]
        for j in range(1, m + 1):
            best = min(prev[j], row[j - 1]) + 1
            if hits[j - 1] and prev[j - 1] < best:
                best = prev[j - 1]
            row[j] = best
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        if i and j and match[i - 1][j - 1] and cost[i][j] == cost[i - 1][j - 1]:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    pairs.reverse()
    return pairs


@dataclass
class _Run:
    """Non-matching tokens between two matches, and where the last match before them ends."""

    g: list[int]
    c: list[int]
    g_at: int  # end of the last matched garbled token before the run (0 at the start)
    c_at: int


def _runs(g: Sequence[Token], c: Sequence[Token], pairs: list[tuple[int | None, int | None]]) -> list[_Run]:
    """Runs of non-matching tokens between matches."""
    runs: list[_Run] = []
    g_at = c_at = 0
    cur = _Run([], [], 0, 0)
    for i, j in pairs:
        if i is not None and j is not None:  # only matches are paired (see _align)
            if cur.g or cur.c:
                runs.append(cur)
            g_at, c_at = g[i].end, c[j].end
            cur = _Run([], [], g_at, c_at)
            continue
        if i is not None:
            cur.g.append(i)
        if j is not None:
            cur.c.append(j)
    if cur.g or cur.c:
        runs.append(cur)
    return runs


def _values(words: Sequence[Token]) -> list[float]:
    """The numbers ``words`` say, a multiplier joined to the number before it ("ten thousand": 10000)."""
    out: list[float] = []
    joined = False
    for t in words:
        if t.key in _MULTIPLIERS and out and joined:
            out[-1] *= _MULTIPLIERS[t.key]
            continue
        joined = False
        if t.key[:1].isdigit():
            try:
                out.append(float(t.key.rstrip("stndrh")))
                joined = True
            except ValueError:
                continue
    return sorted(out)


_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def _weight(
    words: Sequence[Token], lang: str, first: int | None, *, numbers_differ: bool, negation_differs: bool
) -> str:
    """Why these words matter ("number", "negation", "name", "content word"), or "" if they do not.

    A number counts only when the two sides of the divergence say different
    numbers ("ten thousand" is "10,000"; a lone "one" is a pronoun as often as
    a number); a negation only when the two sentences hold a different count
    of them (a negation moved is paraphrase: "he failed" / "it did not work").
    """
    stops = _stopwords(lang)
    negations = NEGATIONS.get(lang, NEGATIONS["en"])
    whys = []
    for t in words:
        if t.key[:1].isdigit():
            if numbers_differ:
                whys.append("number")
        elif t.key in negations:
            if negation_differs:
                whys.append("negation")
            elif t.key not in stops:
                whys.append("content word")
        elif t.capital and t.key not in stops and t.start != first:
            whys.append("name")
        elif t.key not in stops and len(t.key) >= 3:
            whys.append("content word")
    for why in ("number", "negation", "name", "content word"):
        if why in whys:
            return why
    return ""


def _span(words: Sequence[Token], at: int) -> tuple[int, int]:
    return (words[0].start, words[-1].end) if words else (at, at)


def compare(garbled: str, clean: str, lang: str = "en") -> list[Divergence]:
    """Every divergence between two aligned sentences, meaning-bearing and minor."""
    g, c = tokens(garbled, lang), tokens(clean, lang)
    pairs = _align(g, c)
    runs = _runs(g, c, pairs)
    # Moves: a token missing in one run and present, unmatched, in another run of the
    # other side is reordered, not lost (word order is paraphrase).
    spare_g = {i for run in runs for i in run.g}
    spare_c = {j for run in runs for j in run.c}
    moved_g: set[int] = set()
    moved_c: set[int] = set()
    for i in sorted(spare_g):
        for j in sorted(spare_c - moved_c):
            if same(g[i], c[j]) or _variant(g[i], c[j]):
                moved_g.add(i)
                moved_c.add(j)
                break
    g_first = g[0].start if g else None
    c_first = c[0].start if c else None
    negations = NEGATIONS.get(lang, NEGATIONS["en"])
    negation_differs = sum(t.key in negations for t in g) != sum(t.key in negations for t in c)
    out: list[Divergence] = []
    for run in runs:
        gw = [g[i] for i in run.g if i not in moved_g]
        cw = [c[j] for j in run.c if j not in moved_c]
        if not gw and not cw:
            continue
        if gw and cw:
            kind = "substitution"
        elif cw:
            kind = "omission"
        else:
            kind = "insertion"
        g_values, c_values = _values(gw), _values(cw)
        # A lone "one" against nothing is a pronoun as often as a number.
        numbers_differ = g_values != c_values and {tuple(g_values), tuple(c_values)} != {(), (1.0,)}
        flags = {"numbers_differ": numbers_differ, "negation_differs": negation_differs}
        why_g, why_c = _weight(gw, lang, g_first, **flags), _weight(cw, lang, c_first, **flags)
        why = why_c or why_g
        if kind == "substitution" and len(gw) == 1 and len(cw) == 1 and _variant(gw[0], cw[0]):
            why = ""  # a spelling variant of one name
        g_span, c_span = _span(gw, run.g_at), _span(cw, run.c_at)
        out.append(
            Divergence(
                kind,
                g_span,
                c_span,
                garbled[g_span[0] : g_span[1]],
                clean[c_span[0] : c_span[1]],
                "meaning" if why else "minor",
                why or "function words or spelling",
            )
        )
    flip = _voice_flip(garbled, clean)
    if flip is not None:
        out.insert(0, flip)
    return out


def _subject(before_verb: str) -> set[str]:
    """The names just before a verb (its subject): the last eight tokens, stopwords aside.

    A dateline ("BAGHDAD (Reuters) –") or an opening clause further back is no
    subject, and a sentence-initial "The" no name.
    """
    stops = _stopwords("en")
    return {t.key for t in tokens(before_verb)[-8:] if t.capital and t.key not in stops}


def _voice_flip(garbled: str, clean: str) -> Divergence | None:
    """One sentence passive and the other active about the same thing: who did what may have turned.

    "U.S. diplomats and troops … were targeted" against "… U.S. diplomats and
    troops have fired": the same people, once acted on, once acting. Only the
    first clause is read (the lead clause carries who did what in news).
    """
    head_g, head_c = garbled[:160], clean[:160]
    pg, pc = _PASSIVE.search(head_g), _PASSIVE.search(head_c)
    if (pg is None) == (pc is None):
        return None
    passive = pc if pc is not None else pg
    assert passive is not None
    # The active side's verb: the first verb-looking word after the shared subject.
    other = head_g if pc is not None else head_c
    verb = re.search(r"\b(?:have|has|had)\s+\w+|\b\w+ed\b", other)
    if verb is None:
        return None
    # The subject the two share: a capitalised word before the passive verb on both sides.
    passive_side = head_c if pc is not None else head_g
    subject_words = _subject(passive_side[: passive.start()])
    other_words = _subject(other[: verb.start()])
    if not subject_words & other_words:
        return None
    if pc is not None:
        g_span, c_span = (verb.start(), verb.end()), (passive.start(), passive.end())
    else:
        g_span, c_span = (passive.start(), passive.end()), (verb.start(), verb.end())
    return Divergence(
        "roles",
        g_span,
        c_span,
        garbled[g_span[0] : g_span[1]],
        clean[c_span[0] : c_span[1]],
        "meaning",
        "active and passive voice flipped",
    )


# Negation words that only frame another (French "ne … pas"): not counted across languages.
_FRAMING = frozenset({"ne", "n"})


# The glossary entries a text mentions, each with its span: (entry id, start, end).
Mentions = Callable[[str, str], list[tuple[str, int, int]]]


def cross_compare(
    garbled: str, clean: str, g_lang: str, c_lang: str, mentions: Mentions | None = None
) -> list[Divergence]:
    """What can be compared across two languages: numbers, names and negation.

    Word order, synonyms and function words do not carry over between languages,
    so only three checks run, each on its own side's words: the numbers the two
    sentences say (digits and each language's number words), whether each holds a
    negation (each language's list), and names (capitalised words that are no
    stopword and not the first word) with no counterpart spelled alike on the
    other side (``Bagdad`` / ``Baghdad`` is alike; a name translated,
    ``Allemagne`` / ``Germany``, is reported, a known limit). With the glossary
    (``mentions``), a term is compared by its entry whatever its spelling in
    each language (``عين الأسد`` / ``Ain al-Asad``): an entry on one side only is
    a divergence, and the names inside entries both sides mention are not
    compared again. Names are compared by spelling only when both sides are
    written in a script with capitals.
    """
    g, c = tokens(garbled, g_lang), tokens(clean, c_lang)
    out: list[Divergence] = []
    g_nums = [t for t in g if t.key[:1].isdigit()]
    c_nums = [t for t in c if t.key[:1].isdigit()]
    if _values(g_nums) != _values(c_nums):
        out.append(
            Divergence(
                "substitution",
                _span(g_nums, len(garbled)),
                _span(c_nums, len(clean)),
                " ".join(t.text for t in g_nums),
                " ".join(t.text for t in c_nums),
                "meaning",
                "number",
            )
        )
    g_neg = [t for t in g if t.key in NEGATIONS.get(g_lang, frozenset()) and t.key not in _FRAMING]
    c_neg = [t for t in c if t.key in NEGATIONS.get(c_lang, frozenset()) and t.key not in _FRAMING]
    if bool(g_neg) != bool(c_neg):
        kind = "insertion" if g_neg else "omission"
        out.append(
            Divergence(
                kind,
                _span(g_neg, 0),
                _span(c_neg, 0),
                " ".join(t.text for t in g_neg),
                " ".join(t.text for t in c_neg),
                "meaning",
                "negation",
            )
        )
    g_seen = mentions(garbled, g_lang) if mentions else []
    c_seen = mentions(clean, c_lang) if mentions else []
    g_ids, c_ids = {m[0] for m in g_seen}, {m[0] for m in c_seen}
    for entry, a, b in g_seen:
        if entry not in c_ids:
            out.append(Divergence("insertion", (a, b), (0, 0), garbled[a:b], "", "meaning", "name"))
    for entry, a, b in c_seen:
        if entry not in g_ids:
            out.append(Divergence("omission", (0, 0), (a, b), "", clean[a:b], "meaning", "name"))
    if not (_cased(garbled) and _cased(clean)):
        return out
    g_names = [t for t in _names(g, g_lang) if not _inside(t, g_seen)]
    c_names = [t for t in _names(c, c_lang) if not _inside(t, c_seen)]
    for side, names, others in (("garbled", g_names, c_names), ("clean", c_names, g_names)):
        for t in names:
            if any(same(t, o) or _variant(t, o) for o in others):
                continue
            if side == "garbled":
                out.append(Divergence("insertion", (t.start, t.end), (0, 0), t.text, "", "meaning", "name"))
            else:
                out.append(Divergence("omission", (0, 0), (t.start, t.end), "", t.text, "meaning", "name"))
    return out


def _cased(text: str) -> bool:
    """Written in a script with capitals (Latin, Cyrillic, Greek…): names can be told by them."""
    return any(ch.isupper() for ch in text)


def _inside(t: Token, seen: list[tuple[str, int, int]]) -> bool:
    return any(a <= t.start and t.end <= b for _, a, b in seen)


def _names(words: Sequence[Token], lang: str) -> list[Token]:
    """Capitalised words that are no stopword, no common word of ``lang`` and not the first word.

    Common words (wordfreq zipf 3.5 or more) are left out: German nouns, and
    the days, months and countries a translation renders in its own words.
    """
    stops = _stopwords(lang)
    return [
        t
        for k, t in enumerate(words)
        if k and t.capital and t.key.lower() not in stops and not _common(t.key.lower(), lang)
    ]


# A capitalised word this common in its language is a word, not a name (see _names).
_COMMON_NAME_ZIPF = 3.5


@cache
def _common(word: str, lang: str) -> bool:
    from wordfreq import zipf_frequency

    try:
        return zipf_frequency(word, lang) >= _COMMON_NAME_ZIPF
    except LookupError:  # no word list for the language: every capitalised word may be a name
        return False
