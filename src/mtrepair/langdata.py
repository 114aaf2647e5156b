"""Language data shipped as JSON files (``data/lang/*.json``), the language guess, and boilerplate patterns.

Data, not code: adding a language or an abbreviation is a data change a reviewer can
read. Each language file has three parts:

- facts no maintained source has, written by hand and kept small: quotation-mark
  pairs, sentence-final marks, whether words are separated by spaces, its script,
  and ``rules_off``: the rules that must not run on the language, each with why
  (Turkish reduplicates words on purpose, Chinese has no spaces to rejoin with);
- ``own``: short reviewed lists: abbreviations the maintained lists lack (``U.S.``,
  ``Cdr.``, ``т. е.``), titles that never end a sentence (``Col.``), legitimate
  doubled words (``had had``), and the few stopwords the English guess was tuned on;
- ``generated``: written by :mod:`mtrepair.langbuild`, never by hand, from the
  Moses non-breaking prefixes sacremoses ships (abbreviations, numeric-only ones
  kept apart), jusText's stoplists ranked by wordfreq (stopwords) and their
  capitalized head (sentence starters). ``tests/test_languages.py`` checks that
  it equals what the installed packages give.

:func:`load` merges ``own`` into ``generated``. ``und`` is the generic fallback for
every language we have no data for: script-level facts only (sentence marks and
quotes of the common scripts), no abbreviations, no word lists, and the rules that
would need them are off.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mtrepair.errors import ConfigError

GENERIC = "und"
"""The code of the generic fallback (BCP 47 / ISO 639-2 "undetermined")."""
LANGUAGES: tuple[str, ...] = ("ar", "de", "en", "es", "fa", "fr", "it", "pt", "ro", "ru", "tr", "zh", GENERIC)
_SINGLE = "‘’‚‹›'"
_OPENERS = '"“‘«»‹›(„‚['
_CLOSERS = '"”“’‘»«›‹)]'


@dataclass(frozen=True)
class LangData:
    """Per-language facts used by the segmenter and the rules.

    ``abbreviations`` holds every abbreviation with its final period, the spaced
    multi-part ones too ("z. B.", "EE. UU."); ``numeric_abbreviations`` is the part
    of it that continues a sentence only before a number ("No. 5", but "the
    answer was No."); ``title_abbreviations`` never end a sentence ("Col.").
    ``spaces_between_words`` is False where words are not separated by spaces
    (Chinese): a rule that rejoins text must glue with :attr:`word_space` there.
    ``rules_off`` names the rules the pipeline skips for this language, with why.
    """

    lang: str
    abbreviations: frozenset[str]
    title_abbreviations: frozenset[str]
    sentence_starters: frozenset[str]
    quotes: tuple[tuple[str, str], ...]
    sentence_end: str
    doubled_word_exceptions: frozenset[str]
    stopwords: frozenset[str]
    numeric_abbreviations: frozenset[str] = frozenset()
    name: str = ""
    script: str | None = "Latin"
    spaces_between_words: bool = True
    rules_off: tuple[tuple[str, str], ...] = ()
    flag_only: tuple[tuple[str, str], ...] = ()

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

    @property
    def word_space(self) -> str:
        """What goes between two words rejoined across a break: a space, or nothing (Chinese)."""
        return " " if self.spaces_between_words else ""

    @property
    def disabled_rules(self) -> frozenset[str]:
        """The rules that do not run on this language (the pipeline skips them)."""
        return frozenset(name for name, _ in self.rules_off)

    @property
    def flag_only_rules(self) -> frozenset[str]:
        """Repair rules that only flag on this language (``rules_flag_only``): the damage is
        shown, but a repair resting on facts about the language would be a guess."""
        return frozenset(name for name, _ in self.flag_only)

    def flag_only_reason(self, rule: str) -> str | None:
        return dict(self.flag_only).get(rule)

    def off_reason(self, rule: str) -> str | None:
        """Why ``rule`` is off for this language, or None when it runs."""
        return dict(self.rules_off).get(rule)

    def abbreviation_at_end(self, s: str) -> str | None:
        """The abbreviation ``s`` ends with, or None.

        Tried on the last two whitespace-separated tokens joined by one space
        first, so the spaced multi-part ones ("z. B.", "EE. UU.", "т. е.") are
        seen whole (their last token alone, "B.", is no abbreviation), then on the
        last token. Quotes and brackets around the tokens are ignored.
        """
        tokens = s.rsplit(None, 2)[-2:]
        if not tokens:
            return None
        last = tokens[-1].lstrip(_OPENERS).rstrip(_CLOSERS)
        if len(tokens) == 2:
            pair = f"{tokens[0].lstrip(_OPENERS)} {last}"
            if pair in self.abbreviations:
                return pair
        return last if last in self.abbreviations else None


def _data_text(name: str) -> str:
    return resources.files("mtrepair").joinpath("data", name).read_text(encoding="utf-8")


@cache
def raw_data(lang: str) -> dict[str, Any]:
    """The parsed ``data/lang/<lang>.json`` (own and generated parts apart), for reports."""
    if lang not in LANGUAGES:
        known = ", ".join(c for c in LANGUAGES if c != GENERIC)
        raise ConfigError(
            f"no language data for {lang!r}: use one of {known}, or {GENERIC} for any other language"
        )
    data: dict[str, Any] = json.loads(_data_text(f"lang/{lang}.json"))
    return data


def _merged(raw: dict[str, Any], key: str) -> list[str]:
    """``generated[key]`` followed by the ``own[key]`` entries it lacks."""
    items: list[str] = list(raw.get("generated", {}).get(key, []))
    items += raw.get("own", {}).get(key, [])
    return list(dict.fromkeys(items))


@cache
def load(lang: str) -> LangData:
    """The shipped data for ``lang`` (one of :data:`LANGUAGES`), own and generated merged."""
    raw = raw_data(lang)
    numeric = frozenset(_merged(raw, "numeric_abbreviations"))
    titles = frozenset(raw["own"]["title_abbreviations"]) - numeric
    return LangData(
        lang=lang,
        abbreviations=frozenset(_merged(raw, "abbreviations")) | numeric | titles,
        title_abbreviations=titles,
        sentence_starters=frozenset(_merged(raw, "sentence_starters")),
        quotes=tuple((p[0], p[1]) for p in raw["quotes"]),
        sentence_end=raw["sentence_end"],
        doubled_word_exceptions=frozenset(w.lower() for w in raw["own"]["doubled_word_exceptions"]),
        stopwords=frozenset(w.lower() for w in _merged(raw, "stopwords")),
        numeric_abbreviations=numeric,
        name=raw["name"],
        script=raw["script"],
        spaces_between_words=raw["spaces_between_words"],
        rules_off=tuple(sorted(raw["rules_off"].items())),
        flag_only=tuple(sorted(raw.get("rules_flag_only", {}).items())),
    )


def describe(lang: str) -> dict[str, str]:
    """Where each list of ``lang``'s data comes from, with counts: field → one line.

    ``mtrepair rules --lang`` prints these next to the rules that read them.
    """
    raw, data = raw_data(lang), load(lang)
    sources: dict[str, Any] = raw.get("sources", {})
    generated: dict[str, Any] = raw.get("generated", {})

    def origin(key: str, merged: frozenset[str], source: str) -> str:
        made = set(generated.get(key, []))
        if key == "abbreviations":  # the numeric-only ones are abbreviations too
            made |= set(generated.get("numeric_abbreviations", []))
        made &= merged
        parts = [f"{source}: {len(made)}"] if made else []
        if len(merged) > len(made):
            parts.append(f"own: {len(merged) - len(made)}")
        return f"{len(merged)} ({' + '.join(parts)})" if parts else "none"

    moses = f"sacremoses nonbreaking_prefix.{sources.get('sacremoses')}"
    justext = f"jusText {sources.get('justext')} ranked by wordfreq"
    titles = data.title_abbreviations
    out = {
        "abbreviations": origin("abbreviations", data.abbreviations, moses),
        "numeric_abbreviations": origin("numeric_abbreviations", data.numeric_abbreviations, moses),
        "title_abbreviations": f"{len(titles)} (own)" if titles else "none",
        "sentence_starters": origin("sentence_starters", data.sentence_starters, justext),
        "stopwords": origin("stopwords", data.stopwords, justext),
        "doubled_word_exceptions": (
            f"{len(data.doubled_word_exceptions)} (own)" if data.doubled_word_exceptions else "none"
        ),
        "quotes": " ".join(o + c for o, c in data.quotes) or "none",
        "sentence_end": data.sentence_end,
        "script": data.script or "any (read from the letters)",
        "spaces_between_words": "yes" if data.spaces_between_words else "no",
        "wordfreq": (
            f"'{sources['wordfreq']}'"
            if "wordfreq" in sources
            else "none (language_mix reads the page's language from the jusText stoplists its words match)"
            if lang == GENERIC
            else "none"
        ),
    }
    return out


# Which language data each rule reads (see the rules' code): what ``mtrepair rules
# --lang`` shows. A rule not listed reads none and works alike in every language.
RULE_DATA: dict[str, tuple[str, ...]] = {
    "hyphenation": ("wordfreq",),
    "hard_wrap": ("stopwords", "sentence_starters", "title_abbreviations", "spaces_between_words"),
    "paragraph_joint": (
        "abbreviations",
        "numeric_abbreviations",
        "title_abbreviations",
        "spaces_between_words",
    ),
    "abbreviation_break": ("abbreviations", "numeric_abbreviations", "title_abbreviations"),
    "orphan_fragment": ("abbreviations",),
    "quote_split": ("quotes", "spaces_between_words"),
    "missing_space": ("abbreviations",),
    "doubled_word": ("doubled_word_exceptions", "script", "wordfreq"),
    "stray_quote": ("quotes",),
    "unbalanced_quote": ("quotes",),
    "sentence_fragment": ("sentences", "stopwords"),
    "language_mix": ("script", "wordfreq", "sentences"),
    "boilerplate_line": ("line_stopwords",),
    "glossary": ("glossary",),
}
# The marks mtrepair.segment splits sentences at (its _SPLIT_CANDIDATE), whatever
# the language's ``sentence_end`` says.
SEGMENTER_MARKS = ".!?…؟"
_LABELS = {
    "abbreviations": "abbreviations",
    "numeric_abbreviations": "numeric-only abbreviations",
    "title_abbreviations": "titles",
    "sentence_starters": "sentence starters",
    "stopwords": "stopwords",
    "doubled_word_exceptions": "legitimate doubles",
    "quotes": "quotes",
    "sentence_end": "sentence marks",
    "script": "script",
    "spaces_between_words": "spaces between words",
    "wordfreq": "wordfreq list",
}


def guess_basis(lang: str) -> str:
    """How :func:`guess_language` recognises ``lang``, one line for ``mtrepair rules``."""
    if lang == "zh":
        return "Han script (kana too: Japanese, und)"
    if lang == GENERIC:
        decoys = raw_data(GENERIC)["generated"].get("decoys", {})
        return (
            f"a script we have no language for, prose whose stopwords are none of ours, or one of "
            f"{len(decoys)} languages recognised to be left alone ({', '.join(sorted(decoys))})"
        )
    info = describe(lang)
    script = {"ar": "Arabic script, then ", "fa": "Arabic script, then ", "ru": "Cyrillic script, then "}
    letters = {
        "ar": "; in a text too short for them, the letters ك ي ة",
        "fa": "; in a text too short for them, the letters پ چ ژ گ ک ی",
        "ru": "; in a text too short for them, no letter of Ukrainian, Belarusian or Serbian (і ї є ў ј)",
    }
    return f"{script.get(lang, '')}stopwords {info['stopwords']}{letters.get(lang, '')}"


def rule_data(lang: str, rule: str) -> str:
    """The data ``rule`` reads for ``lang``, one line ("abbreviations 172 (…)"), or ""."""
    info = describe(lang)
    parts = []
    for key in RULE_DATA.get(rule, ()):
        if key == "line_stopwords":
            from mtrepair import chrome  # the line classifier's own lists (jusText)

            count = len(chrome.stopwords(lang))
            name = chrome.JUSTEXT_STOPLISTS.get(lang, "single Han characters of wordfreq")
            parts.append(f"line stopwords {count} ({name})" if count else "line shape only (no stoplist)")
        elif key == "glossary":
            parts.append(f"the glossary's {lang} variants" if lang != GENERIC else "the glossary's variants")
        elif key == "sentences":
            waiting = "".join(m for m in info["sentence_end"] if m not in SEGMENTER_MARKS)
            note = f"; {waiting} not split points yet" if waiting else ""
            split = f"split at {SEGMENTER_MARKS} before a space, not after an abbreviation"
            parts.append(f"sentences ({split}{note})")
        else:
            parts.append(f"{_LABELS[key]} {info[key]}")
    return "; ".join(parts)


# --- the per-document language guess ---------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")
MIN_STOPWORDS = 2
"""Distinct stopwords a language needs to be guessed from its words at all."""
MIN_SHARE = 0.06
"""...and the share of the sample's distinct words they must make up (see :func:`guess_language`)."""
MIN_WORDS = 20
"""Distinct words below which Latin text without evidence is read as English, not ``und``."""
# In a string of letters: one outside the Latin blocks (Basic Latin to combining marks,
# Latin Extended Additional).
_NON_LATIN_LETTER = re.compile("[^\x00-\u036f\u1e00-\u1eff]")
_LATIN_RUN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]+")
_SCRIPT_RUN = {
    "Arabic": re.compile(
        "[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]+"
    ),
    "Cyrillic": re.compile("[\u0400-\u0481\u048a-\u052f]+"),
    "Han": re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"),
    "Kana": re.compile("[\u3041-\u309f\u30a1-\u30ff]+"),
    # Any other script: what is neither Latin, nor space, nor general punctuation.
    "other": re.compile("[^\\s\\d\x00-\u036f\u1e00-\u1eff\u2000-\u206f\u3000-\u303f\uff00-\uff20]+"),
}
# Letters that tell a short text apart when stopwords cannot: Persian writes پ چ ژ گ
# and its own kaf and yeh (ک ی) where Arabic writes ك ي; Urdu, Pashto, Kurdish and
# Sindhi have letters of their own; so do Ukrainian, Belarusian, Serbian, Macedonian.
_PERSIAN = re.compile("[پچژگکی]")
_ARABIC_ONLY = re.compile("[كية]")
_OTHER_ARABIC = re.compile("[ٹڈڑںےۓھہټډړږښګڼېۍێۆڵڕە]")
_OTHER_CYRILLIC = re.compile("[іїєґўјљњћџђѓќѕІЇЄҐЎЈЉЊЋЏЂЃЌЅ]")


def _count(pattern: re.Pattern[str], text: str) -> int:
    """Characters of ``text`` that ``pattern`` matches (deleting them is faster than listing them)."""
    return len(text) - len(pattern.sub("", text))


@cache
def _candidates(script: str) -> tuple[tuple[str, ...], frozenset[str], dict[str, tuple[int, ...]]]:
    """Every language the guess weighs for ``script`` in tie-break order, their words, an index.

    The index maps each stopword to the positions of the languages that list it,
    so counting costs one lookup per distinct word of the sample, however many
    languages there are. The shipped languages come first (English first of all,
    the default of a tie), then the decoys of ``und.json``: languages we have no
    rules for, present so that Romanian or Ukrainian is recognised as such (and
    gets ``und``) instead of being read as the shipped language it shares most
    function words with.
    """
    order = ["en", *(c for c in LANGUAGES if c not in ("en", GENERIC))]
    cands = [(c, load(c).stopwords) for c in order if load(c).script == script and load(c).stopwords]
    decoys: dict[str, list[str]] = raw_data(GENERIC)["generated"].get("decoys", {})
    scripts: dict[str, list[str]] = raw_data(GENERIC)["sources"]["decoys"]
    cands += [(c, frozenset(words)) for c, words in decoys.items() if scripts[c][1] == script]
    index: dict[str, list[int]] = {}
    for i, (_, stopwords) in enumerate(cands):
        for word in stopwords:
            index.setdefault(word, []).append(i)
    return tuple(c for c, _ in cands), frozenset(index), {w: tuple(ids) for w, ids in index.items()}


def _by_stopwords(words: set[str], script: str) -> str | None:
    """The language whose stopwords the words show most, if they show it clearly.

    Clearly: at least :data:`MIN_STOPWORDS` distinct stopwords, making at least
    :data:`MIN_SHARE` of the distinct words. Function words are a large share of
    any prose in its own language; a related language shares only a few of them
    (Romanian news shows 15% Romanian ones, 5% Spanish ones). A decoy must lead
    the shipped languages by two words to make the text :data:`GENERIC`: in a
    short text one shared word decides nothing ("в" and "им" are Bulgarian as
    well as Russian). Returns None when nothing is clear.
    """
    codes, union, index = _candidates(script)
    hits = words & union  # iterates the smaller set (a keys view would copy all keys)
    if len(hits) < MIN_STOPWORDS:
        return None
    counts = [0] * len(codes)
    for word in hits:
        for i in index[word]:
            counts[i] += 1
    best, shipped, decoy = "", 0, 0
    for code, count in zip(codes, counts, strict=True):
        if code in LANGUAGES:
            if count > shipped:
                best, shipped = code, count
        else:
            decoy = max(decoy, count)
    needed = max(MIN_STOPWORDS, MIN_SHARE * len(words))
    if decoy >= needed and decoy >= shipped + 2:
        return GENERIC
    if shipped >= needed and shipped >= decoy:
        return best
    return None


def _dominant_script(letters: str, first: str) -> str | None:
    """The script of ``first`` (one of ``letters``) if it outweighs Latin; else None.

    ``letters`` are the words of the sample run together: no spaces or
    punctuation to step over. Only the script of the first non-Latin letter is
    counted against Latin: two passes, not one per script, and none at all over
    text without a non-Latin letter.
    """
    latin = _count(_LATIN_RUN, letters)
    for name in ("Arabic", "Cyrillic"):
        if _SCRIPT_RUN[name].match(first):
            return name if _count(_SCRIPT_RUN[name], letters) > latin else None
    if _SCRIPT_RUN["Han"].match(first) or _SCRIPT_RUN["Kana"].match(first):
        han, kana = _count(_SCRIPT_RUN["Han"], letters), _count(_SCRIPT_RUN["Kana"], letters)
        if 3 * (han + kana) <= latin:  # a Han or kana character is a syllable: three letters' worth
            return None
        return "Han" if kana <= 0.05 * (han + kana) else "other"  # kana: Japanese
    return "other" if _count(_SCRIPT_RUN["other"], letters) > latin else None


def guess_language(text: str, sample: int = 4000) -> str:
    """Guess the document language (a code of :data:`LANGUAGES`) from a prefix.

    Costs about one regex pass over ``sample`` characters, so it is usable per
    document on whole corpora, unlike langdetect (BRIEF §8); ``clean`` calls it
    at least twice per document. The script decides first, when most letters are
    not Latin: Han is Chinese (with kana: Japanese, which is ``und``); Arabic
    script is Arabic or Persian, Cyrillic is Russian, by stopwords or, in a text
    too short for them, by the letters only one of them uses; another script is
    ``und``. Latin-script text is the language with the most *distinct*
    stopwords, if they are clear (:func:`_by_stopwords`); a text that shows none
    clearly is ``und`` if it has :data:`MIN_WORDS` distinct words or more and
    English (the default, as it always was) if it is too short to tell.
    Counting distinct words keeps the guess stable when a repair deletes a
    repeated word or fixes one mis-decoded letter, so ``clean`` reads the
    repaired text in the language it read the input in.
    """
    runs = _WORD.findall(text[:sample].lower())  # lower-casing the sample once: 15% faster
    words = set(runs)
    letters = "".join(runs)  # every letter of the sample, nothing else
    first = None if letters.isascii() else _NON_LATIN_LETTER.search(letters)
    script = _dominant_script(letters, first.group()) if first else None
    if script == "Han":
        return "zh"
    if script == "other":
        return GENERIC
    if script == "Arabic":
        found = _by_stopwords(words, "Arabic")
        if found is not None:
            return found
        if _count(_OTHER_ARABIC, letters) > 0.01 * _count(_SCRIPT_RUN["Arabic"], letters):
            return GENERIC
        return "fa" if _count(_PERSIAN, letters) > _count(_ARABIC_ONLY, letters) else "ar"
    if script == "Cyrillic":
        found = _by_stopwords(words, "Cyrillic")
        if found is not None:
            return found
        other = _count(_OTHER_CYRILLIC, letters) > 0.01 * _count(_SCRIPT_RUN["Cyrillic"], letters)
        return GENERIC if other else "ru"
    found = _by_stopwords(words, "Latin")
    if found is not None:
        return found
    return "en" if len(words) < MIN_WORDS else GENERIC


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


_BOILERPLATE_FILE = re.compile(r"boilerplate\.[a-z]{2,3}\.txt")


def boilerplate_files() -> tuple[str, ...]:
    """The shipped pattern files, one per language: ``data/boilerplate.<lang>.txt``."""
    folder = resources.files("mtrepair").joinpath("data")
    return tuple(sorted(p.name for p in folder.iterdir() if _BOILERPLATE_FILE.fullmatch(p.name)))


@cache
def default_boilerplate() -> tuple[str, ...]:
    """The shipped boilerplate patterns of every language, for every document.

    A page's chrome is often in another language than its article (an English
    translation keeps the Arabic site's "شاركها"), and the language guess of a
    short or mixed page can be wrong, so no file is chosen by language. The
    patterns are whole-line and specific enough not to meet prose.
    """
    return tuple(p for name in boilerplate_files() for p in _parse_boilerplate(_data_text(name), name))


def credits_text() -> str:
    """The shipped agency and credit-word lists of the ``photo_credit`` rule (``data/credits.txt``)."""
    return _data_text("credits.txt")


def read_boilerplate(path: Path) -> tuple[str, ...]:
    """User patterns, one glob per line; ``#`` starts a comment."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: boilerplate file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read boilerplate patterns ({exc})") from None
    return _parse_boilerplate(text, str(path))
