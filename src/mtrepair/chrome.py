"""Site chrome in one document: a per-line boilerplate classifier in the manner of jusText.

The shipped pattern files (``data/boilerplate.<lang>.txt``) remove the chrome
somebody has seen before. This module recognises chrome nobody listed, from its
*shape*, one document at a time (no corpus needed), and is built to be
conservative: removing a real heading, byline, dateline, caption, list item or a
short real sentence is the worst outcome, so no single weak signal removes a line.

Every non-blank line gets one of three kinds:

``BAD``
    a line whose shape is chrome in any language: a URL alone (a source link), a
    bracketed ad marker (``[إعلان 2]``), a counter (``Comment (0)``), a menu or
    breadcrumb row (``Home | World | Iraq | Syria``), a row of share targets
    (``Facebook Twitter WhatsApp``), a site title glued to itself and a date
    (``Báo Quốc TếBáo Quốc Tế22/04/2024``) or a site's name and motto glued to
    a date (``RheinboteNachrichten aus der Region15/03/2024``), two or more teaser links in a row
    (short lines ending in an ellipsis), an ALL-CAPS row made only of stopwords
    (``MORE LESS``) unless a paragraph follows it (then it is a heading). Lines
    the pattern files match are ``BAD`` too (the ``boilerplate`` rule removes
    those; here they are context).
``WEAK``
    a line that *could* be chrome: short (jusText's 70 characters), no
    sentence-final mark (an ellipsis does not count: teasers end in one), not a
    list item, not a parenthesised credit, and either at most four words, a
    stopword density below jusText's 0.30, or short items between separators
    (``About us | Contact | Privacy policy``). Headings, bylines and datelines are
    ``WEAK`` too, which is why a ``WEAK`` line is never removed on its own.
``GOOD``
    everything else: sentences, paragraphs, section breaks (``* * *``).

jusText's context rules then decide the ``WEAK`` lines: a run of them goes when
the line above the run is ``BAD`` and the line below is ``BAD`` or the end of the
document. A line of the run stays when it is a heading: a paragraph of its own
that a ``GOOD`` line follows within 200 characters (jusText's
``max_heading_distance``), even with an ad slot between them. jusText knows
headings from their HTML tags; here a heading is a line with blank lines around
it (in a document that uses blank lines at all), so "Facebook" inside a share
bar's block goes while "Syria" between two ad slots stays. The top of the
document is not ``BAD``: a headline above a share bar stays.

Stopwords come from jusText's stoplists (Wikipedia frequency lists, 100
languages). Measured with wordfreq, the stoplist words make up 56-71% of running
text in every language the tool supports (en .66, fr .65, de .68, es .65, ar .71,
it .70, pt .67, tr .59, fa .56), so jusText's single threshold serves all of them.
jusText has no Chinese list and Chinese is not written in words: for ``zh`` the
units are Han characters and the "stopwords" are the single-character words among
wordfreq's 100 most frequent Chinese words (的, 是, 在, 了…); its short-line limit
is 30 characters. A language with no list (the generic fallback) is judged by
shape alone: a ``WEAK`` line there has at most four words.
"""

from __future__ import annotations

import enum
import importlib.util
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

# jusText's stoplist file for each language code the tool knows.
# jusText's stoplist file for each language code: the ones the tool claims, and
# others a corpus often holds, so a language added later has its list already.
JUSTEXT_STOPLISTS: dict[str, str] = {
    "ar": "Arabic",
    "bg": "Bulgarian",
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "nb": "Norwegian_Bokmal",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sr": "Serbian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
}
# jusText's defaults (justext.core): length_low, stopwords_low, max_heading_distance.
SHORT_LINE = 70
SHORT_LINE_HAN = 30
LOW_STOPWORD_DENSITY = 0.30
HEADING_DISTANCE = 200
# A line this short (in words; Han characters count as a quarter word) is WEAK
# whatever its stopwords: "Syria", "Why now", "Comments".
FEW_WORDS = 4
# Longer lines are never chrome by shape (the pattern files cap at 200 too).
MAX_CHROME_LINE = 200


class Kind(enum.Enum):
    GOOD = "good"
    WEAK = "weak"
    BAD = "bad"


@dataclass(frozen=True, slots=True)
class Verdict:
    """A line's kind and, for ``BAD``, the reason a reviewer reads in the edit log."""

    kind: Kind
    reason: str = ""
    # A BAD line that stays when a paragraph follows it directly (an ALL-CAPS heading).
    heading_shaped: bool = False
    teaser: bool = False
    # A counter line: alone it is a widget ("Comment (0)"), in a column of them a table.
    counter: bool = False
    # A shape a hard wrap can produce inside a sentence (a URL, a "(12)"): the
    # rule checks the neighbouring lines before trusting it.
    wrappable: bool = False
    # GOOD: a sentence or a long line, the text a heading stands above (a short
    # line dense in stopwords is GOOD too, but may itself be a headline).
    prose: bool = False
    # WEAK: three or more ALL-CAPS words and nothing else ("NEWS SPORT CULTURE"):
    # a menu row when chrome touches it, else a heading.
    caps_row: bool = False


GOOD = Verdict(Kind.GOOD)
PROSE = Verdict(Kind.GOOD, prose=True)
WEAK = Verdict(Kind.WEAK)
TEASER = Verdict(Kind.WEAK, teaser=True)
CAPS_ROW = Verdict(Kind.WEAK, caps_row=True)


# --- stopwords ----------------------------------------------------------------------

_TOKEN_EDGES = ".,;:!?()[]«»\"'“”„’‘-–—"


def _justext_dir() -> Path | None:
    """Where jusText's stoplists are, found without importing jusText (and lxml)."""
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "stoplists"


@cache
def stopwords(lang: str) -> frozenset[str]:
    """The lower-cased stopwords of ``lang``: jusText's list, or for ``zh`` Han characters.

    Empty for a language with no list; the classifier then relies on shape alone.
    Entries are stripped of the punctuation some lists carry (``года.``).
    """
    if lang == "zh":
        return _han_function_characters()
    name = JUSTEXT_STOPLISTS.get(lang)
    folder = _justext_dir()
    if name is None or folder is None or not (folder / f"{name}.txt").is_file():
        return frozenset()
    words = set()
    for raw in (folder / f"{name}.txt").read_text(encoding="utf-8").split():
        word = raw.strip(_TOKEN_EDGES).lower()
        if word and not any(c.isdigit() for c in word):
            words.add(word)
    return frozenset(words)


def _han_function_characters() -> frozenset[str]:
    """Single Han characters among wordfreq's 100 most frequent Chinese words."""
    try:
        from wordfreq import top_n_list
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        return frozenset()
    return frozenset(w for w in top_n_list("zh", 100) if len(w) == 1 and _HAN.match(w))


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def stopword_density(line: str, lang: str) -> tuple[int, float | None]:
    """(number of words, share of them that are stopwords); ``None`` without a list.

    For ``zh`` a "word" is a Han character, and four of them count as one word
    for the word count, so "Why now" and "为什么是现在" are both short.
    """
    stops = stopwords(lang)
    if lang == "zh":
        han = _HAN.findall(line)
        others = _WORD.findall(_HAN.sub(" ", line))
        units = len(han) + len(others)
        count = (len(han) + 3) // 4 + len(others)
        if not units or not stops:
            return count, None
        return count, sum(1 for c in han if c in stops) / units
    words = _WORD.findall(line)
    if not words or not stops:
        return len(words), None
    return len(words), sum(1 for w in words if w.lower() in stops) / len(words)


# --- shapes -------------------------------------------------------------------------

# A URL alone, or after a short label and a colon ("Source: https://…", "المصدر: www…").
_URL_LINE = re.compile(
    r"(?:[^\W\d_][^\s:：]{0,20}(?:[^\S\n][^\W\d_][^\s:：]{0,20}){0,2}[^\S\n]?[:：][^\S\n]*)?"
    r"[<(]?(?:https?://|www\.)[^\s<>()]+[>)]?",
    re.IGNORECASE,
)
# A short label alone in square brackets: "[إعلان 2]", "[Advertisement]", "【广告】".
_BRACKETED = re.compile(r"(?:\[[^\[\]\n]{1,40}\]|【[^【】\n]{1,20}】)")
# One to three words and a count in brackets: "Comment (0)", "Kommentare (12)".
_COUNTER = re.compile(
    r"(?:[^\W\d_][\w'’-]*[^\S\n]+){0,2}[^\W\d_][\w'’-]*[^\S\n]*[(\[][^\S\n]*\d{1,7}[^\S\n]*[)\]]"
)
# Menu and breadcrumb separators; "/" and "-" are left out (datelines use them).
_MENU_SEP = re.compile(r"[^\S\n]*[|»›•·►▸▶>][^\S\n]*")
_BREADCRUMB_SEP = frozenset("»›>►▸▶")
_MENU_CHARS = re.compile(r"[|»›•·►▸▶>]")
_SECTION_BREAK = re.compile(r"[\s*#=~_.·•—–…()\[\]-]+")
_SEPARATORS_ONLY = re.compile(r"[\s|•·»›/\\>]+")
_LIST_ITEM = re.compile(r"\s*(?:[-–—•*▪◦●►]|\(?\d{1,3}[.)]|[a-z][.)])\s")
_CLOSERS = '"”“’‘»«›‹)]）」』'
_SENTENCE_END = ".!?。！？؟"


@cache
def share_targets() -> frozenset[str]:
    """Services whose names make up a share bar (``data/share_targets.txt``), case-folded."""
    text = resources.files("mtrepair").joinpath("data", "share_targets.txt").read_text(encoding="utf-8")
    return frozenset(w.strip().casefold() for w in text.splitlines() if w.strip() and not w.startswith("#"))


_DATE_CHARS = " /.:,-0123456789"


def ends_sentence(line: str) -> bool:
    """Whether the line ends in a sentence-final mark; an ellipsis is a teaser's, not one."""
    core = line.rstrip().rstrip(_CLOSERS)
    if core.endswith(("...", "…")):
        return False
    return bool(core) and core[-1] in _SENTENCE_END


def is_teaser(line: str) -> bool:
    """A short line that trails off in an ellipsis: the shape of a related-article link."""
    return line.rstrip().rstrip(_CLOSERS).endswith(("...", "…"))


GLUED_TITLE = "a site title glued to itself"


def glued_title(line: str) -> bool:
    """A site title glued to itself, with or without a date after it.

    ``Báo Quốc TếBáo Quốc Tế22/04/2024`` and ``ReutersReuters`` are chrome;
    ``Bora Bora`` and ``New York, New York`` are not: a repeat with a space
    between needs a date after it, a glued one needs two words or a joint where a
    lower-case letter meets a capital. At most six words, no sentence-final mark.
    """
    return glued_title_name(line) is not None


def glued_title_name(line: str) -> str | None:
    """The site title of a :func:`glued_title` line (``Báo Quốc Tế``), else None."""
    if len(line) > 120:
        return None
    head = line.rstrip(_DATE_CHARS)
    tail = line[len(head) :]
    has_date = bool(head) and any(c.isdigit() for c in tail)
    if not has_date:
        head = line
    n = len(head)
    for gap in (0, 1, 2, 3):
        if (n - gap) % 2 or n - gap < 8:
            continue
        half = (n - gap) // 2
        first, joint, second = head[:half], head[half : half + gap], head[half + gap :]
        if first != second or joint.strip() or not _WORD.search(first):
            continue
        if len(first.split()) > 6 or ends_sentence(first):
            continue
        if gap:
            return first.strip() if has_date else None
        words = len(first.split())
        glued = has_date or words >= 2 or (first[-1].islower() and second[0].isupper())
        return first.strip() if glued else None
    return None


# "© 2024 El Meridiano.", "Copyright 2024 Daily Ledger Media Ltd", "(c) Rheinbote Verlag":
# the capitalised words after the mark and an optional year (range) are the owner's name.
_COPYRIGHT = re.compile(
    r"(?:©|\([cC]\)|\b[Cc]opyright\b)[^\S\n]*(?:\d{4}(?:[^\S\n]*[-–][^\S\n]*\d{4})?[^\S\n]*)?"
    r"(?P<name>[^\W\d_][\w'’&-]*(?:[^\S\n]+[^\W\d_][\w'’&-]*){0,4})"
)
_NAME_SEPARATORS = "—–-|:·•,"


def site_names(lines: Iterable[str], lang: str) -> frozenset[str]:
    """The names a page gives its site: a glued title's, or a copyright line's owner.

    From a copyright line every leading run of its capitalised words counts
    (``Daily Ledger Media Ltd`` names ``Daily Ledger``), but never a single
    stopword (``The``, ``El``), which would name nothing.
    """
    names: set[str] = set()
    stops = stopwords(lang)
    for line in lines:
        title = glued_title_name(line)
        if title:
            names.add(title)
        m = _COPYRIGHT.search(line) if ("©" in line or "opyright" in line or "(c)" in line.lower()) else None
        if m is None:
            continue
        words = []
        for word in m.group("name").split():
            if not (word[0].isupper()):
                break
            words.append(word)
        for k in range(1, len(words) + 1):
            if k == 1 and words[0].lower() in stops:
                continue
            names.add(" ".join(words[:k]))
    return frozenset(names)


def names_site(line: str, names: frozenset[str]) -> bool:
    """The line is a site's name, alone or before a separator: ``Daily Ledger — Independent since 1987``."""
    for name in names:
        if line == name:
            return True
        if line.startswith(name):
            rest = line[len(name) :].lstrip()
            if rest and rest[0] in _NAME_SEPARATORS and not ends_sentence(line):
                return True
    return False


def _menu_row(line: str) -> bool:
    """Four or more short items between separators, or three between breadcrumb arrows."""
    seps = _MENU_SEP.findall(line)
    if len(seps) < 2:
        return False
    items = [s for s in _MENU_SEP.split(line) if s.strip()]
    if any(any(c.isdigit() for c in s) or len(s.split()) > 3 or ends_sentence(s) for s in items):
        return False
    if any(not _WORD.search(s) for s in items):
        return False
    arrows = all(sep.strip() in _BREADCRUMB_SEP for sep in seps)
    return len(items) >= 4 or (len(items) >= 3 and arrows)


def _short_items(line: str) -> bool:
    """Two or more items of at most three words between menu separators."""
    if not _MENU_CHARS.search(line):
        return False
    items = [s for s in _MENU_SEP.split(line) if s.strip()]
    return len(items) >= 2 and all(len(s.split()) <= 3 for s in items)


# A full date glued to the letter before it: "…sans frontières15/03/2024".
_GLUED_DATE = re.compile(r"[^\W\d_](?:\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{4}-\d{2}-\d{2})\Z")
_MAX_HEADER_WORDS = 10


def glued_date(line: str) -> bool:
    """A site's name, motto and date glued together: ``RheinboteNachrichten aus der Region15/03/2024``.

    A full date written against the last letter of a word, with no space, is
    what a scraper makes of adjacent header fields; prose and datelines put a
    space or a comma there. Two fields must be glued before it too (a lower-case
    letter against a capital: ``RheinboteNachrichten``), or, in a script without
    capitals, there must be two words: a dateline that lost its space
    (``Bagdad15/03/2024``) is a dateline. Short lines only, no sentence end.
    """
    m = _GLUED_DATE.search(line)
    if m is None:
        return False
    head = line[: m.start() + 1]
    if len(head.split()) > _MAX_HEADER_WORDS or any(c in _SENTENCE_END for c in head):
        return False
    if any(a.islower() and b.isupper() for a, b in itertools.pairwise(head)):
        return True
    last = head[-1]
    return not (last.islower() or last.isupper()) and len(head.split()) >= 2


def _share_row(line: str) -> bool:
    targets = share_targets()
    if line.split(None, 1)[0].casefold().rstrip("|•·,/") not in targets:
        return False
    tokens = [t for t in re.split(r"[\s|•·,/]+", line.casefold()) if t]
    return len(tokens) >= 2 and all(t in targets for t in tokens)


def classify(line: str, lang: str) -> Verdict:
    """The kind of one line (stripped of its surrounding whitespace) in a ``lang`` document.

    A pure function of the line, so verdicts are cached: ``clean`` asks again in
    every round, and a site's chrome lines recur across its documents.

    >>> classify("Comment (0)", "en").kind.name, classify("Syria", "en").kind.name
    ('BAD', 'WEAK')
    >>> classify("The embassy itself was not hit, the Iraqi army said.", "en").kind.name
    'GOOD'
    """
    if not line:
        return GOOD
    if len(line) > MAX_CHROME_LINE:
        return PROSE
    return _classify(line, lang)


@lru_cache(maxsize=1 << 16)
def _classify(line: str, lang: str) -> Verdict:
    # Each shape is tried only when a character it needs is there (the common
    # line, a sentence, costs a few membership tests).
    if ("http" in line or "www." in line) and _URL_LINE.fullmatch(line):
        return Verdict(Kind.BAD, "a link alone on its line", wrappable=True)
    if (
        line[0] in "[【"
        and _BRACKETED.fullmatch(line)
        and len(line.split()) <= 3
        and _WORD.search(line)  # "[…]" marks a cut in a quotation
        and not ends_sentence(line[1:-1])
    ):
        return Verdict(Kind.BAD, "a bracketed marker, an ad slot")
    if line[-1] in ")]" and _COUNTER.fullmatch(line):
        return Verdict(Kind.BAD, "a widget counter", counter=True, wrappable=True)
    if not _WORD.search(line):
        # Section breaks (* * *, ---) are structure; a lone "|" or "0" may be chrome.
        if _SECTION_BREAK.fullmatch(line) and not _SEPARATORS_ONLY.fullmatch(line):
            return GOOD
        return WEAK
    if _MENU_CHARS.search(line) and _menu_row(line):
        return Verdict(Kind.BAD, "a menu or breadcrumb row")
    if _share_row(line):
        return Verdict(Kind.BAD, "a row of share buttons")
    if glued_title(line):
        return Verdict(Kind.BAD, GLUED_TITLE)
    if glued_date(line):
        return Verdict(Kind.BAD, "site header fields glued to a date")
    han = lang == "zh" or _HAN.search(line) is not None
    if len(line) > (SHORT_LINE_HAN if han else SHORT_LINE) or ends_sentence(line):
        return PROSE
    if _LIST_ITEM.match(line) or (line.startswith(("(", "（")) and line.endswith((")", "）"))):
        return GOOD
    if is_teaser(line):
        # Whatever its stopwords: a truncated title ("Shock the birth of a dog…").
        return TEASER
    if _short_items(line):
        # "About us | Contact | Privacy policy": its stopwords belong to separate links.
        return WEAK
    words, density = stopword_density(line, lang)
    if words > FEW_WORDS and (density is None or density >= LOW_STOPWORD_DENSITY):
        return GOOD
    tokens = _WORD.findall(line)
    if (
        len(tokens) >= 2
        and all(t.isupper() for t in tokens)
        and all(t.lower() in stopwords(lang) for t in tokens)
    ):
        return Verdict(Kind.BAD, "a row of ALL-CAPS interface words", heading_shaped=True)
    if len(tokens) >= 3 and all(len(t) >= 2 and t.isupper() for t in tokens):
        return CAPS_ROW
    return WEAK


# --- context ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank line: its span in the text and its verdict."""

    start: int
    end: int
    verdict: Verdict
    pattern: bool = False  # matched a pattern file: context only, the boilerplate rule removes it
    # A paragraph of its own (blank lines or the document's edges around it), or
    # any line of a document that never leaves a blank line: heading-shaped.
    alone: bool = True
    # The last line of its paragraph, three words or more: a headline a scraper
    # left under the menu without a blank line is heading-shaped too.
    closes: bool = False
    # Which paragraph (run of lines without a blank line) the line is in.
    paragraph: int = 0


def decide(lines: list[Line]) -> list[tuple[int, str]]:
    """Indexes of the lines to remove, with the reason, after jusText's context rules.

    Pattern lines are never returned (their own rule removes them) but count as
    ``BAD`` neighbours. See the module docstring for the rules.
    """
    kinds = [ln.verdict.kind for ln in lines]
    reasons = [ln.verdict.reason for ln in lines]

    def touches_bad(i: int) -> bool:  # a BAD line in the same paragraph, right above or below
        return any(
            0 <= k < len(lines) and kinds[k] is Kind.BAD and lines[k].paragraph == lines[i].paragraph
            for k in (i - 1, i + 1)
        )

    for i, ln in enumerate(lines):
        # An ALL-CAPS row a paragraph (a sentence, not a headline) follows directly is a heading.
        if ln.verdict.heading_shaped and i + 1 < len(lines) and lines[i + 1].verdict.prose:
            kinds[i] = Kind.GOOD
        # ALL-CAPS words in the paragraph of a chrome line, not a paragraph of their
        # own: the section menu of a masthead ("NEWS SPORT CULTURE WEATHER").
        if ln.verdict.caps_row and not ln.alone and touches_bad(i):
            kinds[i], reasons[i] = Kind.BAD, "a row of ALL-CAPS section names beside site chrome"
        # Counters in a column are a table ("Anbar (3)" / "Baghdad (2)"), or a
        # category widget: only chrome around them can tell.
        if ln.verdict.counter and any(
            0 <= k < len(lines) and lines[k].verdict.counter for k in (i - 1, i + 1)
        ):
            kinds[i] = Kind.WEAK
    # Two or more teasers in a row are a list of related-article links.
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and kinds[j] is Kind.WEAK and lines[j].verdict.teaser:
            j += 1
        if j - i >= 2:
            for k in range(i, j):
                kinds[k], reasons[k] = Kind.BAD, "one of several teaser links in a row"
        i = max(j, i + 1)
    # Where the next GOOD line starts, for the heading distance.
    next_good: list[int | None] = [None] * len(lines)
    upcoming: int | None = None
    for i in range(len(lines) - 1, -1, -1):
        next_good[i] = upcoming
        if kinds[i] is Kind.GOOD:
            upcoming = lines[i].start
    removed: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        if kinds[i] is not Kind.WEAK:
            if kinds[i] is Kind.BAD and not lines[i].pattern:
                removed.append((i, reasons[i]))
            i += 1
            continue
        j = i
        while j < len(lines) and kinds[j] is Kind.WEAK:
            j += 1
        above_bad = i > 0 and kinds[i - 1] is Kind.BAD
        below_bad = j == len(lines) or kinds[j] is Kind.BAD
        if above_bad and below_bad:
            for k in range(i, j):
                good = next_good[k]
                shaped = lines[k].alone or lines[k].closes
                heading = shaped and good is not None and good - lines[k].end <= HEADING_DISTANCE
                if not heading:
                    removed.append((k, "a short line between boilerplate lines"))
        i = j
    return removed


# --- photo credits --------------------------------------------------------------------


@dataclass(frozen=True)
class CreditData:
    """What ``data/credits.txt`` lists: agency names and the words a credit may hold.

    ``agencies`` are matched case-sensitively, longest first (``AP`` is not
    ``ap``); the word sets are case-folded. ``story`` words make a parenthesis
    a story credit (``(Reporting by …)``), which is part of the article.
    """

    agencies: tuple[str, ...]
    words: frozenset[str]
    photo_words: frozenset[str]
    story_words: frozenset[str]
    archive_words: frozenset[str] = frozenset()


def parse_credit_data(text: str) -> CreditData:
    """Read ``data/credits.txt``: ``[agencies]``, ``[words]``, ``[photo]``, ``[archive]``, ``[story]``."""
    sections: dict[str, list[str]] = {"agencies": [], "words": [], "photo": [], "archive": [], "story": []}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        if current is not None:
            current.append(line)
    photo = frozenset(w.casefold() for w in sections["photo"])
    archive = frozenset(w.casefold() for w in sections["archive"])
    return CreditData(
        agencies=tuple(sorted(set(sections["agencies"]), key=len, reverse=True)),
        words=frozenset(w.casefold() for w in sections["words"]) | photo | archive,
        photo_words=photo,
        story_words=frozenset(w.casefold() for w in sections["story"]),
        archive_words=archive,
    )


_CREDIT_SPLIT = re.compile(r"[\s/,;:|·•©–—-]+")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
# At most this many capitalised words besides agencies and credit words: a photographer.
_MAX_NAME_WORDS = 3


@cache
def _agency_pattern(agencies: tuple[str, ...]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(a) for a in agencies)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")


@lru_cache(maxsize=1 << 15)
def credit_kind(inner: str, data: CreditData) -> str | None:
    """What the text of a parenthesis is: ``"photo"``, ``"named"``, ``"agency"`` or ``None``.

    A credit names at least one agency; besides agencies it may hold credit
    words (Photo, via, Archive, أرشيف…) and up to three capitalised words (the
    photographer). Anything else, a lower-case verb in ``(Reuters reported)`` or
    a story word in ``(Reporting by Reuters)``, makes it prose: ``None``. It is
    ``"photo"`` with a photo word or a picture agency (``AP Photo/…``, ``Getty
    Images``), ``"named"`` with a photographer's name, else ``"agency"``
    (``(AFP)``, which may also sign a wire story). Without an agency, a photo
    word and an archive word make a photo credit too: ``(File photo)``,
    ``(صورة أرشيفية)``, ``(Foto: arhiiv)``.
    """
    if len(inner) > 80:
        return None
    pattern = _agency_pattern(data.agencies)
    found = pattern.findall(inner)
    if not found:
        tokens = {t.casefold().strip(".") for t in _CREDIT_SPLIT.split(inner) if t}
        if tokens & data.photo_words and tokens & data.archive_words and tokens <= data.words:
            return "photo"
        return None
    photo = any(a.casefold() in data.photo_words for a in found)
    names = 0
    for token in _CREDIT_SPLIT.split(pattern.sub(" ", inner)):
        if not token:
            continue
        low = token.casefold().strip(".")
        if low in data.story_words:
            return None
        if low in data.words:
            photo = photo or low in data.photo_words
        elif (token[0].isupper() and token[1:].islower()) or _INITIALS.fullmatch(token):
            names += 1
        else:
            return None
    if names > _MAX_NAME_WORDS:
        return None
    return "photo" if photo else "named" if names else "agency"


def defines_acronym(before: str, acronym: str) -> bool:
    """``Agence France-Presse (AFP)``: the words before spell the acronym out."""
    if not acronym.isupper() or not 2 <= len(acronym) <= 6:
        return False
    # Capitalised words only: "Middle East and North Africa (MENA)".
    words = [w for w in re.findall(r"[^\W\d_]+", before)[-2 * len(acronym) :] if w[0].isupper()]
    words = words[-len(acronym) :]
    return len(words) == len(acronym) and "".join(w[0] for w in words).upper() == acronym
