"""Fluency signals: how garbled a sentence looks on its own, without any model download.

Every signal is oriented the same way: higher means more garbled, 0 is the clean
end. They are cheap on purpose (dictionary look-ups and a few regex passes, no
model), so a whole corpus can be screened; langdetect runs only on a sentence the
script and vocabulary checks already find suspicious (BRIEF §8: 2.3 ms a call).

Word statistics come from ``wordfreq`` (unigram Zipf frequencies, many
languages) and, for English, from the bigram counts that ship with
``symspellpy`` (Google Books n-grams): a bigram the counts never saw, or a
word that rarely follows the previous one, is what word salad and literal
renderings look like at the surface.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex

from mtrepair.qe.text import TOKEN, WORD, normalize

# Zipf frequency (log10 per billion words + 9) below which a word counts as rare:
# 2.5 is about one occurrence in 3 million words ("orgoly" 0, "blare" 2.4).
RARE_ZIPF = 2.5
# Surprisal (−log10 P(w2 | w1)) charged for a bigram the counts never saw.
UNSEEN_SURPRISAL = 6.0
# Sentences with at least this share of unknown lowercase words go to langdetect.
SUSPICIOUS_UNKNOWN = 0.4

# Finite verb forms that are frequent enough to decide "this sentence has a verb"
# without a tagger; suffix rules below catch most of the rest (-ed, -s after a
# pronoun are not attempted: the cost of a miss is one weak signal).
_VERB_LIST = """
am is are was were be been being has have had do does did will would shall should can could may
might must said says say made make makes took take takes gave give gives went go goes came come
comes got get gets saw see sees knew know knows thought think thinks found find finds told tell
tells became become becomes left leave leaves felt feel feels brought bring brings began begin
begins kept keep keeps held hold holds stood stand stands heard hear hears let lets meant mean means
set sets met meet meets ran run runs paid pay pays sat sit sits spoke speak speaks lay lies led lead
leads grew grow grows lost lose loses fell fall falls sent send sends built build builds understood
understand understands drew draw draws broke break breaks spent spend spends rose rise rises wrote
write writes won win wins bought buy buys sold sell sells shows show lived lives include includes
contains contain remains remain consists consist seems seem uses use
"""
_VERBS = frozenset(_VERB_LIST.split())
_VERB_SUFFIX = regex.compile(r"(?:ed|ize[sd]?|ise[sd]?|ify|ifies|ified|ates?)\Z")
_FINAL = regex.compile(r"[.!?…:;»”\"')\]]\s*\Z")
_ODD_PUNCT = regex.compile(
    r"([,;:])\s*[,;:.]|\.\s*,|\s[,.;:!?](?=\s|\Z)|^\s*[,.;:!?]|[!?]{3,}|\.{4,}|\(\s*\)|\"\s*\""
)
_LATIN = regex.compile(r"\p{Script=Latin}")
_LETTER = regex.compile(r"\p{L}")


@dataclass(frozen=True)
class Lexicon:
    """Word and bigram statistics for one language (bigrams only for English)."""

    lang: str
    freq: dict[str, float]  # wordfreq: share of all words
    left: dict[str, int]  # sum of the bigram counts starting with a word (en)
    bigram: dict[str, int]  # symspellpy counts keyed "first second" (en)

    def zipf(self, word: str) -> float:
        """Zipf frequency of ``word`` (0 when the list does not know it)."""
        f = self.freq.get(word)
        return math.log10(f) + 9.0 if f else 0.0


def _symspell_file(name: str) -> str:
    """A data file shipped inside the symspellpy package, read without importing it.

    Importing symspellpy costs ~0.7 s and we use none of its code, only its counts.
    """
    spec = importlib.util.find_spec("symspellpy")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("symspellpy is not installed")
    return (Path(spec.origin).parent / name).read_text(encoding="utf-8")


@cache
def lexicon(lang: str) -> Lexicon:
    """Load (once per process) the frequency data for ``lang``.

    ``wordfreq`` covers ~40 languages; an unsupported one gets empty tables, and
    the word-based signals then come out as ``nan`` (unknown, not clean), which
    the combiner replaces by the training mean.
    """
    import wordfreq

    freq: dict[str, float] = {}
    if lang in wordfreq.available_languages():
        freq = wordfreq.get_frequency_dict(lang)
    left: dict[str, int] = {}
    bigram: dict[str, int] = {}
    if lang == "en":
        # P(b | a) is estimated inside the bigram list (count(a b) / Σ count(a ·)): the
        # unigram list that ships beside it counts another corpus, and dividing by
        # it gives "probabilities" above 1.
        try:
            text = _symspell_file("frequency_bigramdictionary_en_243_342.txt")
        except FileNotFoundError:  # symspellpy missing: the bigram signals become nan
            text = ""
        for line in text.splitlines():
            pair, _, c = line.rpartition(" ")
            count = int(c)
            bigram[pair] = count
            first = pair.partition(" ")[0]
            left[first] = left.get(first, 0) + count
    return Lexicon(lang, freq, left, bigram)


def _has_verb(lowered: Sequence[str]) -> bool:
    return any(w in _VERBS or (len(w) > 4 and _VERB_SUFFIX.search(w)) for w in lowered)


def _repetition(lowered: Sequence[str]) -> float:
    """Share of word tokens that repeat an earlier bigram or an earlier content word.

    MT under stress loops (``Ayurvedika Ayurvedika``, ``tremendous or tremendous``);
    function words repeat in any sentence, so only words of 4+ letters count.
    """
    if len(lowered) < 2:
        return 0.0
    content = [w for w in lowered if len(w) >= 4]
    repeated_words = len(content) - len(set(content))
    pairs = list(itertools.pairwise(lowered))
    repeated_pairs = len(pairs) - len(set(pairs))
    return (repeated_words + repeated_pairs) / len(lowered)


def sentence_signals(text: str, lang: str = "en") -> dict[str, float]:
    """Fluency signals of one sentence (see :data:`FLUENCY_SIGNALS` for each meaning)."""
    lex = lexicon(lang)
    norm = normalize(text)
    tokens = [m.group() for m in TOKEN.finditer(norm)]
    ws = [m.group() for m in WORD.finditer(norm)]
    nan = math.nan
    out: dict[str, float] = {"length": math.log1p(len(tokens))}
    if not ws:
        out.update(
            rare_word_rate=nan,
            unknown_word_rate=nan,
            unknown_name_rate=nan,
            word_rarity=nan,
            unseen_bigram_rate=nan,
            bigram_surprisal=nan,
            repetition=0.0,
            no_verb=1.0,
            lowercase_start=0.0,
            no_final_punct=0.0 if _FINAL.search(norm) else 1.0,
            odd_punctuation=len(_ODD_PUNCT.findall(norm)) / max(1, len(tokens)),
            foreign_script=0.0,
            foreign_language=0.0,
        )
        return out
    lowered = [w.lower() for w in ws]
    have_zipf = bool(lex.freq)
    zipfs = [lex.zipf(w) for w in lowered]
    # Lowercase words carry the fluency signal; capitalized ones are mostly names.
    lower_idx = [i for i, w in enumerate(ws) if w[0].islower()]
    name_idx = [i for i, w in enumerate(ws) if w[0].isupper() and i > 0]
    if have_zipf:
        lz = [zipfs[i] for i in lower_idx]
        out["rare_word_rate"] = sum(z < RARE_ZIPF for z in lz) / len(lz) if lz else 0.0
        out["unknown_word_rate"] = sum(z == 0.0 for z in lz) / len(lz) if lz else 0.0
        out["unknown_name_rate"] = sum(zipfs[i] == 0.0 for i in name_idx) / len(ws)
        out["word_rarity"] = sum(max(0.0, 7.0 - z) for z in zipfs) / len(zipfs)
    else:
        out.update(rare_word_rate=nan, unknown_word_rate=nan, unknown_name_rate=nan, word_rarity=nan)
    if lex.bigram:
        unseen = 0
        surprisal = 0.0
        pairs = 0
        for a, b in itertools.pairwise(lowered):
            ca = lex.left.get(a)
            if ca is None or lex.zipf(b) < RARE_ZIPF:
                continue  # a rare or unknown word is charged by the unigram signals already
            pairs += 1
            cab = lex.bigram.get(f"{a} {b}")
            if cab is None:
                unseen += 1
                surprisal += UNSEEN_SURPRISAL
            else:
                surprisal += min(UNSEEN_SURPRISAL, -math.log10(cab / ca))
        out["unseen_bigram_rate"] = unseen / pairs if pairs else 0.0
        out["bigram_surprisal"] = surprisal / pairs if pairs else 0.0
    else:
        out["unseen_bigram_rate"] = nan
        out["bigram_surprisal"] = nan
    out["repetition"] = _repetition(lowered)
    out["no_verb"] = 0.0 if lang != "en" or _has_verb(lowered) else 1.0
    first = next((ch for ch in norm if ch.isalpha()), "")
    out["lowercase_start"] = 1.0 if first.islower() else 0.0
    out["no_final_punct"] = 0.0 if _FINAL.search(norm) else 1.0
    out["odd_punctuation"] = len(_ODD_PUNCT.findall(norm)) / max(1, len(tokens))
    letters = _LETTER.findall(norm)
    latin = len(_LATIN.findall(norm))
    latin_home = lang not in _NON_LATIN
    out["foreign_script"] = (1.0 - latin / len(letters)) if latin_home and letters else 0.0
    out["foreign_language"] = _foreign_language(norm, lang, lowered, zipfs, have_zipf)
    return out


_NON_LATIN = frozenset({"ar", "fa", "ur", "he", "ru", "uk", "bg", "mk", "el", "zh", "ja", "ko", "hi", "bn"})


def _foreign_language(
    norm: str, lang: str, lowered: Sequence[str], zipfs: Sequence[float], known: bool
) -> float:
    """Probability that the sentence is in another language; langdetect only when suspicious.

    Cheap gate first: at least 4 words, and either a large share unknown to
    ``lang``'s word list or a run of another language's stopwords (a large
    English list also holds "les", "une", "contre"). Only then is langdetect
    (2.3 ms) asked.
    """
    if not known or len(lowered) < 4:
        return 0.0
    unknown = sum(z == 0.0 for z in zipfs) / len(zipfs)
    foreign = sum(1 for w in lowered if w in _foreign_stopwords(lang))
    if unknown < SUSPICIOUS_UNKNOWN and foreign < max(2, 0.2 * len(lowered)):
        return 0.0
    from mtrepair.rules.language import _langdetect  # seeded, one shared wrapper

    detected = _langdetect(norm)
    if detected is None:
        return 0.0
    guess, prob = detected
    return prob if guess != lang else 1.0 - prob


@cache
def _foreign_stopwords(lang: str) -> frozenset[str]:
    """Stopwords of the other languages mtrepair ships data for, minus ``lang``'s own."""
    from mtrepair import langdata

    others = [langdata.load(o).stopwords for o in langdata.LANGUAGES if o not in (lang, "ar")]
    own = langdata.load(lang).stopwords if lang in langdata.LANGUAGES else frozenset()
    return frozenset().union(*others) - own


def fluency_signals(texts: Sequence[str], lang: str = "en") -> list[dict[str, float]]:
    """Fluency signals for each sentence of ``texts``, in order."""
    lexicon(lang)  # load once before the loop
    return [sentence_signals(t, lang) for t in texts]


def word_counts(text: str) -> Counter[str]:
    """Lower-cased word counts of ``text`` (used by the adequacy checks)."""
    return Counter(w.lower() for w in WORD.findall(normalize(text)))


FLUENCY_SIGNALS: dict[str, str] = {
    "length": "log(1 + tokens): not garble itself; longer sentences carry more edits",
    "rare_word_rate": f"share of lowercase words with Zipf frequency below {RARE_ZIPF}",
    "unknown_word_rate": "share of lowercase words the word list does not know (invented words)",
    "unknown_name_rate": "share of words that are capitalized mid-sentence and unknown (garbled names)",
    "word_rarity": "mean of (7 - Zipf frequency) over the words",
    "unseen_bigram_rate": "share of bigrams of common words never seen in the symspellpy bigram counts (en)",
    "bigram_surprisal": "mean -log10 P(word | previous word), unseen bigrams charged "
    f"{UNSEEN_SURPRISAL} (en)",
    "repetition": "share of tokens repeating an earlier content word or bigram",
    "no_verb": "1 when no finite verb form is found (a fragment; en only)",
    "lowercase_start": "1 when the sentence starts in lower case",
    "no_final_punct": "1 when the sentence does not end in final punctuation",
    "odd_punctuation": "odd punctuation sequences (,, or . , or a leading comma) per token",
    "foreign_script": "share of letters not in the output language's script",
    "foreign_language": "langdetect probability of another language (only asked when suspicious)",
}
