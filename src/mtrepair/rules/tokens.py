"""Token-level damage: doubled words, missing spaces, stray and unbalanced quotes, fragments, deleted text."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from functools import cache

import regex
from ftfy.badness import is_bad

from mtrepair.config import Config
from mtrepair.model import Finding
from mtrepair.registry import finding, rule
from mtrepair.rules.breaks import (
    _quote_chars,
    _quote_depth,
    _tail_offsets,
    ending_abbreviation,
    is_special_line,
)
from mtrepair.segment import Document

# A word and every immediate repeat of it: "the the the" must lose both repeats in
# one pass, or clean() would need one round per repeat to reach its fixed point.
# The word is possessive (``++``): a shorter prefix is never followed by a space, and
# not trying each one made this the fastest of the token rules again (1.6x).
_DOUBLED = re.compile(r"\b([^\W\d_]++)((?:[^\S\n]+\1\b)+)", re.IGNORECASE)
_REPEAT = re.compile(r"[^\S\n]+([^\W\d_]+)")


def _same_word(first: str, other: str) -> bool:
    """Same word, or a capitalized word repeated in lower case ("Do do").

    Other case differences ("US us", "AI Ai") are usually two different words.
    """
    return other == first or (first.istitle() and other == first.lower())


# The script a document's words are written in, by language (Latin otherwise).
_SCRIPT_WORD = {
    lang: regex.compile(rf"\p{{Script={script}}}+")
    for lang, script in {"ar": "Arabic", "fa": "Arabic", "ru": "Cyrillic", "zh": "Han"}.items()
}
_LATIN_WORD = regex.compile(r"\p{Script=Latin}+")
# A combining mark glued to a token: the token is part of a longer word that
# ``\b`` cut at the mark (Devanagari "र" of "र्याली", a decomposed "é").
_MARK = regex.compile(r"\p{M}")
_MIN_SINGLE_LETTER_ZIPF = 6.0  # "a", "I", "à", "y", "و": about one word in a thousand or more
_RESIDUE_CONTEXT = 40  # characters of the surrounding chunk that ftfy.badness reads


@cache
def _single_letter_word(letter: str, lang: str) -> bool:
    """Whether a one-letter token is a word of ``lang`` (wordfreq), not a stray letter."""
    from wordfreq import zipf_frequency

    try:
        return zipf_frequency(letter.lower(), lang) >= _MIN_SINGLE_LETTER_ZIPF
    except LookupError:  # no word list for the language ("und"): no letter is known to be a word
        return False


def _a_word_of(token: str, doc: Document) -> bool:
    """A token the rule may treat as a word: in the document's script and a word of its language.

    Only these repeats are MT doublings the rule knows: the repeat of a token in
    another script is a name or a quotation whose language the exception lists
    do not cover (Russian "да да"), and a repeated lone letter that is not a
    word is a list, an initial, or mojibake residue ("Ù Ù", Arabic digits
    read as Windows-1252), whose deletion loses data.
    """
    script = _SCRIPT_WORD.get(doc.lang, _LATIN_WORD)
    if not script.fullmatch(token):
        return False
    return len(token) > 1 or _single_letter_word(token, doc.lang)


def _mojibake_around(text: str, start: int, end: int) -> bool:
    """ftfy.badness finds mojibake in the whitespace-delimited chunk around ``text[start:end]``."""
    a = start
    while a > max(0, start - _RESIDUE_CONTEXT) and not text[a - 1].isspace():
        a -= 1
    b = end
    while b < min(len(text), end + _RESIDUE_CONTEXT) and not text[b].isspace():
        b += 1
    return is_bad(text[a:b])


@rule("doubled_word", "token", "a word repeated by MT (Colonel Colonel) loses the repeat")
def doubled_word(doc: Document, config: Config) -> Iterator[Finding]:
    """Drop the immediate repeats of a word, unless the language lists the pair as legitimate.

    Only real words count (:func:`_a_word_of`), whole (no combining mark glued
    to either end), and never inside text that ``ftfy.badness`` finds
    mis-decoded: there the "words" are residue ftfy could not decode, and they
    must reach the reader as they are.
    """
    text = doc.text
    exceptions = doc.data.doubled_word_exceptions
    for m in _DOUBLED.finditer(text):
        first = m.group(1)
        if (m.start() and _MARK.match(text, m.start() - 1)) or not _a_word_of(first, doc):
            continue
        repeats: list[re.Match[str]] = []
        for rep in _REPEAT.finditer(text, m.start(2), m.end(2)):
            if not _same_word(first, rep.group(1)) or _MARK.match(text, rep.end()):
                break
            repeats.append(rep)
        if not repeats or f"{first} {repeats[0].group(1)}".lower() in exceptions:
            continue
        end = repeats[-1].end()
        if _mojibake_around(text, m.start(), end):
            continue
        yield finding("doubled_word", text, m.start(2), end, "", f"{first!r} is repeated", 0.9)


def _block_start(text: str, pos: int) -> int:
    cut = text.rfind("\n\n", 0, pos)
    return 0 if cut < 0 else cut + 2


def _block_end(text: str, pos: int) -> int:
    cut = text.find("\n\n", pos)
    return len(text) if cut < 0 else cut


_AFTER_DANGLING = ".,;!?"  # with whitespace: what may follow a quote mark that opens nothing


@cache
def _dangling(openers: str) -> re.Pattern[str]:
    """An opening quote mark with nothing after it but ``.!?,;`` before its line ends.

    The quote mark comes first, so the scan skips to quote marks instead of trying
    a match at every character (4x faster on news text); the spaces before it are
    added by the caller. Every run is taken whole (possessive): linear on long
    runs of spaces (tests/test_redos.py).
    """
    return re.compile(rf"([{re.escape(openers)}])[^\S\n]*+([.!?,;]?)(?=[^\S\n]*(?:\n|\Z))")


class _Region:
    """The quote marks of one region between blank lines, for :func:`stray_quote`.

    Answers the two questions the rule asks about each match, in order, in
    amortized constant time; asking ``_quote_depth`` of the text before and after
    every match cost the length of the region each time, and a 200 KB region of
    50,000 lines each ending in a dangling quote did not finish in 5 minutes.
    Same answers as ``_quote_depth`` (checked against it in tests/test_redos.py).
    """

    def __init__(self, text: str, start: int, end: int, openers: str, closers: str) -> None:
        self.text, self.start, self.end = text, start, end
        self.openers, self.closers = openers, closers
        self.positions = [m.start() for m in _quote_chars(openers, closers).finditer(text, start, end)]
        # Scanning forward from a quotation left open (depth 1), every quote mark
        # moves the depth by a fixed step until it first reaches 0, because what
        # decides a mark's role (dangling, stray) is the text after it up to the end.
        dangling_from, text_end, stray_from = _tail_offsets(text[start:end])
        prefix = [0]
        for pos in self.positions:
            ch, after = text[pos], pos + 1 - start
            if ch in closers or ch == '"' or (ch in openers and after >= stray_from):
                step = -1
            elif dangling_from <= after < text_end:
                step = 0
            else:
                step = 1
            prefix.append(prefix[-1] + step)
        self.prefix = prefix
        self.lowest = list(itertools.accumulate(reversed(prefix), min))[::-1]  # min(prefix[i:])
        self._next = 0  # the quote marks before this index are folded into _depth
        self._depth = 0

    def closes_after(self, pos: int) -> bool:
        """``_quote_depth(text[pos:end], depth=1)[1]``: a quotation open at ``pos`` closes later."""
        first = bisect.bisect_left(self.positions, pos)
        return first < len(self.positions) and self.lowest[first + 1] <= self.prefix[first] - 1

    def last_nonspace(self, pos: int) -> int | None:
        """The offset of the last non-whitespace character before ``pos`` in the region."""
        i = pos
        while i > self.start and self.text[i - 1].isspace():
            i -= 1
        return i - 1 if i > self.start else None

    def depth_before(self, pos: int) -> int:
        """``_quote_depth(text[start:pos])[0]``; ``pos`` must not decrease between calls.

        A quote mark followed, before ``pos``, by anything but whitespace and
        ``.,;!?`` is neither dangling nor stray: its step is fixed and is folded
        into a running depth once. Only the tail of whitespace and ``.,;!?`` before
        ``pos`` and the character before it are left to ``_quote_depth``.
        """
        text, last = self.text, pos
        while last > self.start and (text[last - 1].isspace() or text[last - 1] in _AFTER_DANGLING):
            last -= 1
        last = max(self.start, last - 1)
        depth = self._depth
        while self._next < len(self.positions) and self.positions[self._next] < last:
            ch = text[self.positions[self._next]]
            if ch in self.closers or (ch == '"' and depth > 0):
                depth = max(0, depth - 1)
            elif ch in self.openers or ch == '"':
                depth += 1
            self._next += 1
        self._depth = depth
        return _quote_depth(text[last:pos], self.openers, self.closers, depth)[0]


@rule(
    "stray_quote",
    "token",
    "an opening quote left dangling at a line end is made the closing quote or removed",
)
def stray_quote(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    openers, closers = doc.data.opening_quotes, doc.data.closing_quotes
    if not openers:
        return
    pairs = dict(doc.data.quotes)
    region: _Region | None = None
    for m in _dangling(openers).finditer(text):
        # The finding takes the spaces before the quote mark too, back to the start of
        # their run. A match ends on its own line, so runs never overlap a match.
        first = m.start()
        while first and text[first - 1] != "\n" and text[first - 1].isspace():
            first -= 1
        if region is None or first >= region.end:
            # Regions come in order: look back for the blank line only as far as the last one.
            start = _block_start(text, first) if region is None else text.rfind("\n\n", region.end, first) + 2
            region = _Region(text, start, _block_end(text, m.end()), openers, closers)
        last = region.last_nonspace(first)
        if last is None:  # nothing before it in its block
            continue
        # A line wrapped right after an opening quote (`30 “` / `Grad” rockets`): the
        # quotation it opens closes later in the paragraph, so it is not dangling.
        if region.closes_after(m.end()):
            continue
        depth = region.depth_before(first)
        punct, previous = m.group(2), text[last]
        if depth > 0:
            closer = pairs[m.group(1)]
            repl = (punct if previous not in ".!?…" else "") + closer
            msg = f"dangling {m.group(1)!r} closes the open quotation"
        else:
            repl = "" if previous in ".!?…" + closers + '"' else punct
            msg = f"dangling {m.group(1)!r} after a closed quotation removed"
        yield finding("stray_quote", text, first, m.end(), repl, msg, 0.8)


# A quote mark between a space and a sentence mark: "a fact documented ”.", "l’heure
# de jeu “. L’égalisation", "45 ans ».". The quote mark comes first, the space
# before it is a lookbehind, so the scan jumps from quote mark to quote mark.
_QUOTE_BEFORE_STOP = re.compile(r"([“”„‟«»\"])(?<=[^\S\n][“”„‟«»\"])[.!?](?=\s|\Z)")
_DOUBLE_QUOTES = re.compile(r"[“”„‟«»\"]")


@rule(
    "quote_before_stop",
    "token",
    "a quote mark that opens or closes nothing, between a space and a full stop (documented ”.), is removed",
)
def quote_before_stop(doc: Document, config: Config) -> Iterator[Finding]:
    """Remove a quote mark a scraper or MT left before a sentence mark.

    A quote mark with a space before it and ``.!?`` after it opens nothing. When
    no quotation is open in its paragraph (counting every kind of double quote
    mark, by the language's pairs and by their usual roles, since scraped text
    mixes them), it is removed. When one is open, a closing mark closes it and
    stays (French « Nous gagnerons ». and English “a bad deal ”.), and an opening
    mark of the language is taken for that quotation's closing mark. The
    quotation depth is counted once over each paragraph, so the rule is linear.
    """
    text = doc.text
    pairs = dict(doc.data.double_quotes)
    openers, closers = doc.data.opening_quotes, doc.data.closing_quotes
    para_end = -1
    lang_depth, usual_depth, straight, open_quote, pos = 0, 0, 0, "", 0
    for m in _QUOTE_BEFORE_STOP.finditer(text):
        quote = m.start(1)
        first = quote
        while first and text[first - 1] != "\n" and text[first - 1].isspace():
            first -= 1
        if quote >= para_end:  # a new paragraph: count from its start
            pos, para_end = _block_start(text, quote), _block_end(text, quote)
            lang_depth, usual_depth, straight, open_quote = 0, 0, 0, ""
        for q in _DOUBLE_QUOTES.finditer(text, pos, quote):
            ch = q.group()
            if ch == '"':
                straight += 1
                continue
            if _opens(ch, openers, closers):
                lang_depth, open_quote = lang_depth + 1, ch
            else:
                lang_depth = max(0, lang_depth - 1)
            usual_depth = usual_depth + 1 if ch in _USUAL_OPENERS else max(0, usual_depth - 1)
        pos = quote + 1
        ch = m.group(1)
        if lang_depth == usual_depth == straight % 2 == 0:
            repl, msg = "", f"{ch!r} before a full stop opens and closes nothing: removed"
        elif ch != '"' and _opens(ch, openers, closers) and lang_depth > 0 and open_quote in pairs:
            repl, msg = pairs[open_quote], f"{ch!r} before a full stop closes the open quotation"
        else:
            straight += ch == '"'
            continue  # it closes the open quotation (French « oui ». spacing), or may
        lang_depth = max(0, lang_depth - 1) if repl else lang_depth
        yield finding("quote_before_stop", text, first, quote + 1, repl, msg, 0.8)


_USUAL_OPENERS = "“„‟«"


def _opens(ch: str, openers: str, closers: str) -> bool:
    """Whether a double quote mark opens, by the language's pairs, else by its usual role."""
    if ch in openers and ch not in closers:
        return True
    if ch in closers and ch not in openers:
        return False
    return ch in "“„‟«"


# A sentence mark glued to the next word: "reported.The", "said.“The", "قال.وأضاف".
# The mark comes first so the scan jumps from mark to mark; up to three quote
# marks or brackets may sit between it and the word (decided in Python).
_GLUED_JOINT = re.compile(r"[.!?؟](?P<quotes>[^\w\s]{0,3})(?=[^\W\d_])")
_TOKEN_BEFORE = re.compile(r"\S{1,80}\Z")
_INNER_SEPARATOR = re.compile("[-'’]")
_PROSE_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_WORD_AT = re.compile(r"[^\W\d_]+")
# What a token must not hold to be read as prose: URLs, e-mail addresses, paths,
# handles, code, dotted abbreviations and numbers ("U.S", "J.R.R", "2.0", "e.g").
_NOT_PROSE = frozenset("./@:\\_=#`<>{}|~^*+")
# Capitalized file extensions and domains: "CNN.Com" is no sentence joint.
_EXTENSIONS = frozenset(
    {"com", "org", "net", "gov", "edu", "info", "biz", "io", "html", "htm", "php", "aspx", "pdf", "doc"}
    | {"docx", "xls", "xlsx", "ppt", "jpg", "jpeg", "png", "gif", "txt", "csv", "xml", "json", "js", "py"}
    | {"exe", "zip"}
)
_QUOTE_MARKS = '"“”‘’«»„‚‹›()[]'


def _no_space_script(ch: str) -> bool:
    return bool(_NO_SPACE_SCRIPT.match(ch))


_NO_SPACE_SCRIPT = re.compile(
    "[\u2e80-\u2fff\u3001-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\u0e00-\u0e7f]"
)


def _glued_space_at(doc: Document, m: re.Match[str]) -> int | None:
    """Where the space goes for a glued sentence joint, or None if it is no joint.

    A joint is a word of two letters or more (or a number of three digits or
    more: "in 2021.The") that is no abbreviation of the language ("Mr.Smith",
    "St.Louis"), a mark, then a word that starts a sentence: a capital followed
    by lower case in scripts with case ("The", "Путин", not "NET", "JavaScript",
    "Js"), any word of two letters in scripts without it (Arabic "قال.وأضاف").
    Never inside a token that holds another dot, a slash or an @ (URLs, e-mail,
    "U.S", "J.R.R", "e.g", "2.0"), never in Chinese, Japanese or Thai.
    """
    text = doc.text
    before = _TOKEN_BEFORE.search(text, max(0, m.start() - 80), m.start())
    if before is None:
        return None
    token = before.group().lstrip(_QUOTE_MARKS)
    if any(ch in _NOT_PROSE for ch in token):
        return None
    core = token.rstrip(_QUOTE_MARKS)
    if _PROSE_TOKEN.fullmatch(core) is None:
        return None  # "$300", "10%": not a word
    left = _INNER_SEPARATOR.split(core)[-1]
    if left.isdigit():
        if len(left) < 3:
            return None  # "1.Introduction", German "12.Mai"
    elif not left.isalpha() or len(left) < 2 or (len(left) <= 3 and left.istitle()):
        return None  # "Dm.Bykov", "Sr.García": a short capitalized word is an abbreviation
    mark = text[m.start()]
    if mark == "." and (
        ending_abbreviation(doc, text[max(0, m.start() - 80) : m.end() - len(m.group("quotes"))])
    ):
        return None
    right = _WORD_AT.match(text, m.end())
    if right is None:
        return None
    word = right.group()
    after = text[right.end() : right.end() + 2]
    if _no_space_script(word[0]) or _no_space_script(left[-1]):
        return None
    if len(word) == 1 and not (after[:1] == " " and left[-1].islower()):
        return None  # a one-letter word ("I", "A", Russian "И") only after a lower-case word
    if word[0].isupper():
        if len(word) > 1 and not word[1:].islower():
            return None  # "ASP.NET", "Vue.JavaScript"
    elif word[0].islower() or not left[-1].isalpha() or left[-1].isupper() or left[-1].islower():
        return None  # lower case goes on ("example.com", "Node.js"); caseless only after caseless
    if word.lower() in _EXTENSIONS or (after[:1] in "._(@/" and after[1:2].strip() and after[:1]):
        return None  # "CNN.Com", "Foo.Bar.Baz", "Console.Write("
    quotes = m.group("quotes")
    if any(ch not in _QUOTE_MARKS for ch in quotes):
        return None
    return m.start() + 1 + _closers_length(doc, text, m.start(), quotes)


def _closers_length(doc: Document, text: str, mark: int, quotes: str) -> int:
    """How many of the quote marks after a sentence mark close its sentence.

    The space goes after those and before the ones that open the next sentence. A
    straight quote closes when an odd number of them precede it in its paragraph.
    """
    openers = doc.data.opening_quotes + "(["
    closers = doc.data.closing_quotes + ")]"
    n = 0
    for i, ch in enumerate(quotes):
        if ch == '"':
            start = _block_start(text, mark)
            closes = text.count('"', start, mark + 1 + i) % 2 == 1
        elif ch in closers and ch not in openers:
            closes = True
        elif ch in openers and ch not in closers:
            closes = False
        else:  # the same mark opens and closes in this language (German “): closes right after a mark
            closes = True
        if not closes:
            break
        n += 1
    return n


@rule(
    "missing_space",
    "token",
    "a sentence mark glued to the next sentence (reported.The, said.“The, قال.وأضاف) gets its space",
)
def missing_space(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    for m in _GLUED_JOINT.finditer(text):
        at = _glued_space_at(doc, m)
        if at is None:
            continue
        yield finding(
            "missing_space",
            text,
            at,
            at,
            " ",
            f"no space between two sentences at {text[max(0, at - 12) : at + 12]!r}",
            0.85,
        )


@rule(
    "unbalanced_quote", "token", "a paragraph whose quotes or brackets never close is flagged", repairs=False
)
def unbalanced_quote(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    openers, closers = doc.data.opening_quotes, doc.data.closing_quotes
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        chunk = text[block.start : block.end]
        depth, _ = _quote_depth(chunk, openers, closers)
        nxt = text[blocks[i + 1].start] if i + 1 < len(blocks) else ""
        if depth > 0 and not (nxt and (nxt in openers or nxt == '"')):
            yield finding(
                "unbalanced_quote",
                text,
                block.start,
                block.end,
                None,
                "a quotation opens in this paragraph and never closes",
                0.6,
            )
        if chunk.count("(") != chunk.count(")") or chunk.count("[") != chunk.count("]"):
            yield finding(
                "unbalanced_quote",
                text,
                block.start,
                block.end,
                None,
                "brackets in this paragraph do not balance",
                0.6,
            )


_COMPARATIVE_STARTS = frozenset(
    [
        "more",
        "less",
        "rather",
        "other",
        "better",
        "worse",
        "fewer",
        "greater",
        "higher",
        "lower",
        "larger",
        "smaller",
        "earlier",
        "later",
        "longer",
        "shorter",
        "faster",
        "slower",
        "no",
    ]
)
_TWO_WORDS = re.compile(r"[\"“«„(]*([^\W\d_][\w'’-]*)\s+(\w+)")
# A scraper's field: "date 2023-12", "updated 12:30", "posted 2021", "source: Reuters".
_FIELD = re.compile(
    r"(?P<key>[^\W\d_][\w-]*)(?: [^\W\d_][\w-]*){0,2}"
    r"(?::[^\S\n]*\S|[^\S\n]+(?:\d{4}|\d{1,4}[-:/.]\d)[\d:/.,-]*(?:\s|\Z))"
)


def _metadata_field(doc: Document, block: str) -> bool:
    """The block starts with a label and its value, not with a sentence that lost its start.

    A word and a date, a time or a year ("date 2023-12", "updated 12:30 GMT"),
    or "key: value": three clean professional articles had such a field, glued
    to their first paragraph, flagged as "a paragraph starting in lower case".
    The label is no function word ("the 2021 attacks" is a broken sentence).
    """
    m = _FIELD.match(block)
    return m is not None and m.group("key").lower() not in doc.data.stopwords


@rule(
    "sentence_fragment",
    "token",
    "a sentence that cannot stand alone (split off by translation) is flagged",
    repairs=False,
)
def sentence_fragment(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    for sent in doc.sentences:
        chunk = text[sent.start : sent.end]
        m = _TWO_WORDS.match(chunk)
        if m and m.group(2) == "than" and m.group(1).lower() not in _COMPARATIVE_STARTS:
            yield finding(
                "sentence_fragment",
                text,
                sent.start,
                sent.end,
                None,
                f"starts {m.group(1)} than…: the tail of a split sentence",
                0.6,
            )
    for block in doc.blocks:
        chunk = text[block.start : block.end]
        if chunk[0].islower() and not is_special_line(chunk) and not _metadata_field(doc, chunk):
            yield finding(
                "sentence_fragment",
                text,
                block.start,
                block.end,
                None,
                "paragraph starts in lower case: a fragment of a broken sentence",
                0.5,
            )


# "told . that": a full stop between spaces inside a sentence (the name after
# "told" was a link the scraper dropped). "told ..": two full stops, not three.
# "said. of security": a sentence that ends before a lower-case word.
# Each branch starts with its space or full stop, the letter before is a lookbehind.
_DELETED = re.compile(
    r"(?P<lone> \.(?<=[^\W\d_] \.)(?= [^\W\d_]))"
    r"|(?P<double>(?:\.\.(?<=[^\W\d_]\.\.)| \.\.(?<=[^\W\d_] \.\.))(?!\.))"
    r"|(?P<cut>\.(?<=[^\W\d_]\.)(?= [^\W\d_]))"
)
_TOKENIZED = re.compile(r"\w ,\s")


@rule(
    "deleted_text",
    "token",
    "punctuation left where the scraper deleted words (told . that, told .., said. of security) is flagged",
    repairs=False,
)
def deleted_text(doc: Document, config: Config) -> Iterator[Finding]:
    """Flag what only a reference could repair: the deleted words are gone.

    Never an ellipsis ("...", "…", ". . ."), an abbreviation ("U.S. officials",
    "e.g. the", "z. B. die", "etc.."), initials, a URL, or a Moses-tokenized
    document, where " . " is the style (three " , " or more). A title followed by
    a space and full stops ("Mme ..", "Dr ..") lost the name after it.
    """
    text = doc.text
    tokenized: bool | None = None
    for m in _DELETED.finditer(text):
        nxt = _WORD_AT.match(text, m.end() + 1) if text[m.end() : m.end() + 1] == " " else None
        if m.group("cut") is not None and (
            nxt is None or (nxt.group()[:1].isupper() and text[nxt.end() : nxt.end() + 1] != ".")
        ):
            # Most matches: a sentence ends and the next begins with a capital ("said. The"),
            # which only a stranded name ("Colonel. Tepp.") makes a cut: see _cut.
            continue
        before = _TOKEN_BEFORE.search(text, max(0, m.start() - 80), m.start())
        if before is None:
            continue
        word = before.group().lstrip(_QUOTE_MARKS)
        spaced = text[m.start()] == " "  # " ." and " ..": no abbreviation's own full stop
        window = text[max(0, before.start() - 12) : before.end()] + "."
        if any(ch in _NOT_PROSE for ch in word) or (
            not spaced and ending_abbreviation(doc, window) is not None
        ):
            continue  # "U.S..", "etc..", "e.g. the", "example. com"'s URL-ish kin
        if m.group("double") is not None:
            what = "two full stops"
        else:
            if tokenized is None:
                tokenized = len(_TOKENIZED.findall(text, 0, 20_000)) >= 3
            lone = m.group("lone") is not None
            tail = "" if nxt is None else text[nxt.end() : nxt.end() + 2]
            what = "" if tokenized or nxt is None else _cut(doc, word, nxt.group(), lone, tail)
            if not what:
                continue
        end = m.end() if nxt is None or m.group("double") is not None else nxt.end()
        yield finding(
            "deleted_text",
            text,
            before.start(),
            end,
            None,
            f"{what}: words were deleted here (unrepairable without the source)",
            0.6,
        )


_SPACED_STOP = re.compile(r"\S \.(?:\s|\Z)")
# Arabic pronoun suffixes: a preposition that carries one ("له", "بها") can end a sentence.
_PRONOUN_SUFFIX = "هيك"


def _cut(doc: Document, word: str, follower: str, lone: bool, tail: str = "") -> str:
    """Why a full stop between ``word`` and ``follower`` marks deleted words, or "".

    Lower case after it, in scripts with case ("told . that", "said. of
    security"), unless the word is an abbreviation written in lower case. A
    rare capitalized word standing alone as a sentence after a title (``tail``
    is what follows ``follower``): see :func:`_stranded_name`. Where
    case says nothing: a short lower-case word before a full stop between spaces
    (German "in . Elliott"), an Arabic particle of two letters before a
    full stop ("وإن. زاد", after its "و" or "ف"), or a full stop between spaces
    ("coordonate . M.") in a document that hardly ever puts a space before its
    full stops.
    """
    core = word.rstrip(_QUOTE_MARKS)
    if follower[0].islower():
        if (len(follower) > 1 and not follower[1:].islower()) or follower in _EXTENSIONS:
            return ""  # "iPhone", "eBay", "example. com" are no cut
        if lone:
            return "a full stop between spaces"
        if f"{core.lower()}." in doc.data.abbreviations:
            return ""  # an abbreviation written in lower case ("approx. five")
        if len(core) >= 3 or (len(core) == 2 and core.lower() in doc.data.stopwords):
            return "a sentence ends before a lower-case word"
        return ""
    if _stranded_name(doc, core, follower, tail):
        return "a name stands alone after a title"
    if not lone and not follower[0].isupper():  # a letter without case (Arabic, Hebrew…)
        particle = core[1:] if len(core) == 3 and core[0] in "وف" else core
        if len(particle) == 2 and particle in doc.data.stopwords and particle[-1] not in _PRONOUN_SUFFIX:
            return "a sentence ends after a particle"
    if not lone:
        return ""
    if core.islower() and len(core) <= 3:
        return "a full stop between spaces after a function word"  # "in . Elliott"
    # Elsewhere a space before a full stop is the cut only where the document does
    # not put spaces before its full stops anyway (sloppy typing, some Arabic sites).
    return "a full stop between spaces" if len(_SPACED_STOP.findall(doc.text, 0, 20_000)) <= 3 else ""


_COMMON_ZIPF = 3.0  # about one word in a million (wordfreq): below, a name more than a word
_LONGEST_WORD = 40  # letters; a longer run is an inlined blob, which wordfreq would take long to tokenize


def _stranded_name(doc: Document, word: str, follower: str, tail: str) -> bool:
    """``word. Follower.``: a name cut off from the title before it.

    "handed over the command to Lieutenant Colonel. Tepp. Then": the scraper
    deleted "Eero" and left the full stop of its link, so the surname stands as
    a sentence of one word after the title. A sentence of one word is otherwise
    a common word ("Yes. No.", "The U.S. Army. Nothing."), not a rare
    capitalized one after a capitalized common one. So: both words capitalized,
    of two letters or more and at most 40 (initials "J. R. R. Tolkien" and
    abbreviations "M. Dupont" are one letter; "Dr." and "z. B." are
    abbreviations the caller skips before); the follower ends on a full stop
    before a space or the end, and is neither a sentence starter, a stopword
    nor common in the document's language (wordfreq zipf below 3), while the
    word is common there (a title: "Colonel", "Oberstleutnant", "Coronel"; a
    photo credit "Mark Lennihan. Shutterstock." ends on a rare name). wordfreq
    is asked last, about these few candidates only. A language it lacks
    (``und``) cannot tell a name from a word: no flag there.
    """
    if not (tail[:1] == "." and tail[1:2] in ("", " ", "\n", "\t")):
        return False  # the next sentence goes on ("Colonel. Tepp then left") or "Tepp..."
    if not (3 <= len(word) <= _LONGEST_WORD and 2 <= len(follower) <= _LONGEST_WORD):
        return False
    if not (_capitalized(word) and _capitalized(follower)):
        return False
    if follower in doc.data.sentence_starters or follower.lower() in doc.data.stopwords:
        return False
    rare = _zipf_in(follower.lower(), doc.lang) < _COMMON_ZIPF
    return rare and _zipf_in(word.lower(), doc.lang) >= _COMMON_ZIPF


def _capitalized(word: str) -> bool:
    """A capital and lower-case letters: "Tepp", not "NATO", "iPhone" or "McCain"."""
    return word[0].isupper() and word[1:].islower()


@cache
def _zipf_in(word: str, lang: str) -> float:
    """``word``'s zipf frequency in ``lang`` (wordfreq's small list); 0 where wordfreq has no list."""
    from wordfreq import zipf_frequency

    try:
        return float(zipf_frequency(word, lang, wordlist="small"))
    except LookupError:  # "und": no list, so nothing is common, and no title precedes a name
        return 0.0
