"""Character-level damage: line endings, HTML entities, mojibake, letters lost to "?".

Detection is kept apart from repair, as in ftfy: a cheap scan finds the few lines
that can hold damage, and only those go to the slower decider (``ftfy.badness``)
and repair (``ftfy.fix_encoding``).
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator

import ftfy
import ftfy.bad_codecs  # registers ftfy's "sloppy-windows-*" codecs
import ftfy.fixes
from ftfy.chardata import ALTERED_UTF8_RE, CHARMAP_ENCODINGS, HTML_ENTITY_RE, LOSSY_UTF8_RE

from mtrepair.config import Config
from mtrepair.model import Finding
from mtrepair.registry import finding, rule
from mtrepair.segment import Document

_CR = re.compile(r"\r\n?")


@rule("line_endings", "encoding", "CRLF and lone CR line breaks become LF")
def line_endings(doc: Document, config: Config) -> Iterator[Finding]:
    for m in _CR.finditer(doc.text):
        yield finding(
            "line_endings",
            doc.text,
            m.start(),
            m.end(),
            "\n",
            "Windows/old-Mac line break normalized to LF",
            1.0,
        )


# --- mojibake -------------------------------------------------------------------------
#
# UTF-8 read in a single-byte codec turns every non-ASCII character into a lead
# byte (0xC0..0xF4) followed by continuation bytes (0x80..0xBF), each shown as the
# character the codec gives that byte. ftfy reads mojibake in ten codecs
# (``CHARMAP_ENCODINGS``: Latin-1, Windows-1250..1257, ISO 8859-2, MacRoman,
# cp437), and ``ftfy.fix_encoding`` changes a text only when it can be
# re-encoded in one of them and decoded as UTF-8 (with two repairs of the bytes
# first: a space put back to the 0xA0 it replaced, and a "?" or U+FFFD standing
# for a lost continuation byte), or when it holds C1 control characters. So a
# line can only be changed if it holds a C1 control, or a lead character
# followed by a continuation character, a space or a "?" in one of those codecs.
# The sets are read from ftfy's own codecs and byte patterns, so they follow ftfy.
#
# Pairs are checked codec by codec: pooling the sets would pair MacRoman's leads
# (its curly quotes, dashes and ellipsis) with Windows-1252's continuations (the
# same marks), and every English "…”" would wake ``is_bad``. What the scan skips
# is what makes it fast: English text with curly quotes and dashes, Arabic, CJK
# and Indic text. French, German or Spanish lines with accented letters, and
# Cyrillic or Greek ones, do reach ``is_bad``, as Latin-1 text did before.


def _decode_each(encoding: str, byte_values: Iterable[int]) -> str:
    """The characters single bytes decode to in ``encoding`` (ftfy's codecs decode all 256)."""
    return "".join(sorted({bytes([b]).decode(encoding) for b in byte_values}))


def _char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(set(chars))) + "]"


def _mojibake_scan() -> re.Pattern[str]:
    """One pattern that finds every character that may start a repairable sequence."""
    lead_bytes = range(0xC0, 0xF5)
    # ftfy's restore_byte_a0 reads "lead, space" as "lead, 0xA0" (not in MacRoman);
    # its replace_lossy_sequences reads "lead, ?" as a lost byte (sloppy codecs only).
    # The lead bytes are those ftfy's own byte patterns accept there.
    space_bytes = [b for b in lead_bytes if ALTERED_UTF8_RE.match(bytes([b, 0x20, 0xA1, 0xA1]))]
    lossy_bytes = [b for b in lead_bytes if LOSSY_UTF8_RE.match(bytes([b, 0x3F, 0x80, 0x80]))]
    heads: set[str] = set()
    cases: dict[str, None] = {}  # ordered and without repeats
    for encoding in CHARMAP_ENCODINGS:
        leads = _decode_each(encoding, lead_bytes)
        # A continuation byte, or one already lost (U+FFFD, which ftfy encodes as 0x1A).
        continuations = _decode_each(encoding, range(0x80, 0xC0)) + "\ufffd\x1a"
        heads.update(leads)
        cases[f"(?<={_char_class(leads)})(?={_char_class(continuations)})"] = None
        if encoding != "macroman":
            cases[f"(?<={_char_class(_decode_each(encoding, space_bytes))})(?=[ ])"] = None
        if encoding.startswith("sloppy"):
            cases[f"(?<={_char_class(_decode_each(encoding, lossy_bytes))})(?=[?])"] = None
    c1 = "\x80-\x9f"  # C1 controls: ftfy reads them as Windows-1252
    # One character class first, so ``re`` skips from candidate to candidate; the
    # lookarounds then check the pair in each codec.
    head = _char_class(heads)[:-1] + c1 + "]"
    return re.compile(f"{head}(?:(?<=[{c1}])|{'|'.join(cases)})")


_SUSPECT = _mojibake_scan()

# The apostrophe of a MacRoman text read as Latin-1 or Windows-1252: MacRoman's
# ’ is byte 0xD5, which those codecs show as Õ ("worldÕs", "donÕt"). ftfy does not
# repair mix-ups between two single-byte codecs; this one is certain in an
# English contraction after a Latin letter: in Portuguese, Estonian or
# Vietnamese words Õ follows only capitals (CORAÇÕES, PÕE); lower case is õ.
_MACROMAN_APOSTROPHE = re.compile(r"Õ(?<=[A-Za-z]Õ)(?=(?:s|t|d|m|ll|re|ve)\b)")


# ASCII letters and digits: fix_encoding leaves them as they are (mojibake is made
# of non-ASCII characters, plus the spaces and "?" that stand for lost bytes).
_ANCHOR = re.compile(r"[A-Za-z0-9]+")
_DIFFLIB_LIMIT = 2_000  # characters: difflib is quadratic on long, repetitive lines


def _trimmed(old: str, new: str, a: int, b: int) -> tuple[int, int, int, int]:
    """``old[a:]`` and ``new[b:]`` without their common prefix and suffix, as spans."""
    a1, b1 = len(old), len(new)
    while a < a1 and b < b1 and old[a] == new[b]:
        a, b = a + 1, b + 1
    while a1 > a and b1 > b and old[a1 - 1] == new[b1 - 1]:
        a1, b1 = a1 - 1, b1 - 1
    return a, a1, b, b1


def _changed_runs(old: str, new: str) -> Iterator[tuple[int, int, int, int]]:
    """The spans ``(a0, a1, b0, b1)`` where ``old[a0:a1]`` became ``new[b0:b1]``.

    In linear time: the ASCII words and numbers between the changes are the same,
    in the same order, on both sides, so each gap between two of them is compared
    with its counterpart. If they are not (ftfy changed one, which happens only on
    exotic input), difflib aligns the line, or on a long line one edit covers
    everything between the first and the last change.
    """
    old_anchors, new_anchors = list(_ANCHOR.finditer(old)), list(_ANCHOR.finditer(new))
    if [m.group() for m in old_anchors] == [m.group() for m in new_anchors]:
        bounds_old = [0, *(i for m in old_anchors for i in m.span()), len(old)]
        bounds_new = [0, *(i for m in new_anchors for i in m.span()), len(new)]
        for k in range(0, len(bounds_old), 2):
            a0, a1, b0, b1 = bounds_old[k], bounds_old[k + 1], bounds_new[k], bounds_new[k + 1]
            if old[a0:a1] != new[b0:b1]:
                x0, x1, y0, y1 = _trimmed(old[a0:a1], new[b0:b1], 0, 0)
                yield a0 + x0, a0 + x1, b0 + y0, b0 + y1
    elif max(len(old), len(new)) <= _DIFFLIB_LIMIT:
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op != "equal":
                yield a0, a1, b0, b1
    else:
        yield _trimmed(old, new, 0, 0)


def _redecoded(text: str, at: int, old: str, new: str, what: str, confidence: float) -> Iterator[Finding]:
    """One ``mojibake`` edit per run where ``old`` (at offset ``at`` of ``text``) became ``new``."""
    for a0, a1, b0, b1 in _changed_runs(old, new):
        yield finding(
            "mojibake",
            text,
            at + a0,
            at + a1,
            new[b0:b1],
            f"{what}{old[a0:a1]!r} is {new[b0:b1]!r}",
            confidence,
        )


def _line_fixes(doc: Document, touched: set[int]) -> Iterator[Finding]:
    """``ftfy.fix_encoding`` on every line the scan finds, one edit per changed run.

    The lines it changes are added to ``touched``, so the code-page repairs
    below never edit a line twice.
    """
    text = doc.text
    starts = doc.line_starts
    m = _SUSPECT.search(text)
    while m is not None:
        index = bisect.bisect_right(starts, m.start()) - 1
        line = doc.lines[index]
        chunk = text[line.start : line.end]
        fixed = ftfy.fix_encoding(chunk)  # returns at once unless ftfy.badness.is_bad(chunk)
        if fixed != chunk:
            touched.add(index)
            yield from _redecoded(text, line.start, chunk, fixed, "mis-decoded text ", 0.9)
        m = _SUSPECT.search(text, line.end + 1)


# --- code pages ftfy does not read ------------------------------------------------------
#
# Arabic UTF-8 read as Windows-1256: every Arabic letter is two bytes, lead 0xD8
# or 0xD9 (which Windows-1256 shows as ط and ظ) and a continuation byte, so the
# damage is ط or ظ glued before every other character ("ظپط§ط²" for "فاز").
# Real Arabic uses ط and ظ too, but never at that density, and its Windows-1256
# bytes are not UTF-8: the round trip is what makes a repair certain.

_CP1256_PAIR = re.compile(r"[طظ]\S")
_WORD_RUN = re.compile(r"\S+")


def _is_arabic_text(text: str) -> bool:
    """Every letter of ``text`` is ASCII or Arabic script (what the repair must give)."""
    return all(c.isascii() or not c.isalpha() or unicodedata.name(c, "").startswith("ARABIC") for c in text)


def _cp1256_decoded(chunk: str) -> str | None:
    """``chunk`` re-encoded as Windows-1256 and read as UTF-8, if that is certain Arabic."""
    try:
        fixed = chunk.encode("cp1256").decode("utf-8")
    except UnicodeError:
        return None
    if fixed == chunk or not _is_arabic_text(fixed):
        return None
    if len(_CP1256_PAIR.findall(fixed)) >= len(_CP1256_PAIR.findall(chunk)):
        return None
    return fixed


def _cp1256_runs(chunk: str) -> Iterator[tuple[int, int, str]]:
    """The repairs of a line: the whole line, or else each maximal run of words that decodes.

    A run is made of words that each round-trip (ASCII words such as numbers
    may sit between them), and must itself hold two or more ط/ظ pairs, so a
    single real word never qualifies by accident.
    """
    fixed = _cp1256_decoded(chunk)
    if fixed is not None:
        yield 0, len(chunk), fixed
        return
    run: list[tuple[int, int]] = []  # spans of words that decode, ASCII words between them
    for m in [*_WORD_RUN.finditer(chunk), None]:
        if m is not None:
            word = m.group()
            if (word.isascii() and run) or _cp1256_decoded(word) is not None:
                run.append(m.span())
                continue
        while run and chunk[run[-1][0] : run[-1][1]].isascii():
            run.pop()
        if run:
            a, b = run[0][0], run[-1][1]
            piece = chunk[a:b]
            fixed = _cp1256_decoded(piece) if len(_CP1256_PAIR.findall(piece)) >= 2 else None
            if fixed is not None:
                yield a, b, fixed
        run = []


def _cp1256_fixes(doc: Document, touched: set[int]) -> Iterator[Finding]:
    """Arabic UTF-8 shown through Windows-1256, on lines dense with ط/ظ pairs."""
    text = doc.text
    if "ط" not in text and "ظ" not in text:
        return
    for index, line in enumerate(doc.lines):
        if index in touched:
            continue
        chunk = text[line.start : line.end]
        pairs = len(_CP1256_PAIR.findall(chunk))
        # Mojibake Arabic is half ط/ظ; real Arabic a few per cent.
        if pairs < 3 or pairs * 5 < sum(not c.isspace() for c in chunk):
            continue
        for a, b, fixed in _cp1256_runs(chunk):
            touched.add(index)
            piece = chunk[a:b]
            yield from _redecoded(
                text, line.start + a, piece, fixed, "Arabic UTF-8 read as Windows-1256: ", 0.9
            )


# MacRoman text read as Windows-1252 (no UTF-8 involved): each non-ASCII
# character becomes the one Windows-1252 gives its MacRoman byte, "õ" (0x9B)
# becomes "›", "ä" (0x8A) "Š", "é" (0x8E) "Ž", "’" (0xD5) "Õ", "«" (0xC7) "Ç".
# The signs of it are characters no word holds: a mark of Windows-1252's
# 0x80-0x9F range between two letters ("p›hjuslik"), a capital Š Ž Œ Ÿ after a
# lower-case letter ("vŠljaspool", "bloquŽ"), Ÿ before one ("Ÿlikooli"), Õ
# between a lower-case letter and a letter ("lÕautoroute"). Š and Ž that start
# a word ("Škoda", "Žilina"), lower-case š and ž, curly quotes, dashes and the
# German „ are real text and never count.

_CP1252_HIGH = bytes(range(0x80, 0xA0)).decode("sloppy-windows-1252")
_MR_MARKS = frozenset(_CP1252_HIGH) - frozenset("ŠšŽžŒœŸƒ‘’“”–—…„‚‹")
_MR_CAPITALS = frozenset("ŠŽŒŸ")
_MR_CANDIDATE = re.compile("[" + re.escape("".join(sorted(_MR_MARKS | _MR_CAPITALS))) + "Õ]")
_MR_MIN_SIGNS = 2  # "several": one odd character may be a typo or a brand sign
_WORDFREQ_LANGS: frozenset[str] | None = None
_APOSTROPHE = re.compile("['’]")
_EDGE_PUNCT = "\"'.,;:!?()[]«»“”‘’„…–—-"


def _macroman_signs(chunk: str) -> int:
    """How many characters of ``chunk`` show MacRoman read as Windows-1252."""
    count = 0
    for m in _MR_CANDIDATE.finditer(chunk):
        i, c = m.start(), m.group()
        before = chunk[i - 1] if i else " "
        after = chunk[i + 1] if i + 1 < len(chunk) else " "
        if c in _MR_MARKS:
            count += before.isalpha() and after.isalpha()
        elif c == "Õ":
            count += before.islower() and after.isalpha()
        else:
            count += before.islower() or (c == "Ÿ" and after.islower())
    return count


def _known_words(lang: str) -> bool:
    global _WORDFREQ_LANGS
    if _WORDFREQ_LANGS is None:
        try:
            import wordfreq
        except ImportError:  # pragma: no cover - wordfreq is a dependency
            _WORDFREQ_LANGS = frozenset()
        else:
            _WORDFREQ_LANGS = frozenset(wordfreq.available_languages())
    return lang in _WORDFREQ_LANGS


def _odd(c: str) -> bool:
    """A character no prose holds: a C0/C1 control, a private or unassigned one, a math sign."""
    return not c.isascii() and (c in _MR_MARKS or unicodedata.category(c) in {"Cc", "Co", "Cn", "Sm", "So"})


def _macroman_certain(chunk: str, fixed: str, lang: str) -> bool:
    """The conversion gives words of ``lang`` (wordfreq), or else only letters.

    With a word list: the changed words the list knows must be more after the
    conversion than before, and at least half of those holding letters. Without
    one: every converted character is a letter (or the apostrophe), and in
    either case no odd character remains.
    """
    if any(_odd(c) for c in fixed):
        return False
    if not _known_words(lang):
        return all(b.isalpha() or b == "’" for a, b in zip(chunk, fixed, strict=True) if a != b)
    from wordfreq import zipf_frequency

    pairs = [(a, b) for a, b in zip(chunk.split(), fixed.split(), strict=False) if a != b]
    if len(chunk.split()) != len(fixed.split()) or not pairs:
        return False

    def known(word: str) -> bool:
        # wordfreq keeps "l’autoroute" whole, and would split "concr\x8ftes" into
        # two known words: the parts between apostrophes must each be all letters.
        parts = _APOSTROPHE.split(word.strip(_EDGE_PUNCT))
        return all(p.isalpha() and zipf_frequency(p, lang) > 0 for p in parts)

    worded = [(a, b) for a, b in pairs if any(c.isalpha() for c in b)]
    before = sum(known(a) for a, _ in worded)
    after = sum(known(b) for _, b in worded)
    return after > before and 2 * after >= len(worded)


_TYPOGRAPHY = frozenset("‘’“”–—…")


def _macroman_decoded(chunk: str) -> str | None:
    """``chunk`` re-encoded as Windows-1252 and read as MacRoman, or ``None``.

    A curly quote, dash or ellipsis that is not between two letters is the
    author's (MacRoman's own quotes and dashes come through as Ò Ó Õ Ð Ñ), and
    stays: a line may hold a real ” beside the damage.
    """
    try:
        full = chunk.encode("sloppy-windows-1252").decode("mac_roman")
    except UnicodeError:
        return None
    out = []
    for i, (c, f) in enumerate(zip(chunk, full, strict=True)):
        between = 0 < i < len(chunk) - 1 and chunk[i - 1].isalpha() and chunk[i + 1].isalpha()
        if c in _TYPOGRAPHY and not between:
            f = c
        out.append(f)
    return "".join(out)


def _macroman_fixes(doc: Document, touched: set[int]) -> Iterator[Finding]:
    """MacRoman text read as Windows-1252: repaired when certain, flagged otherwise."""
    text = doc.text
    if _MR_CANDIDATE.search(text) is None:
        return
    for index, line in enumerate(doc.lines):
        if index in touched:
            continue
        chunk = text[line.start : line.end]
        if _MR_CANDIDATE.search(chunk) is None or _macroman_signs(chunk) < _MR_MIN_SIGNS:
            continue
        touched.add(index)
        fixed = _macroman_decoded(chunk)
        if fixed is None or not _macroman_certain(chunk, fixed, doc.lang):
            a, b = len(chunk) - len(chunk.lstrip()), len(chunk.rstrip())
            yield finding(
                "mojibake",
                text,
                line.start + a,
                line.start + b,
                None,
                "looks like MacRoman text read as Windows-1252 (p›hjuslik, vŠljaspool), "
                "but the conversion is not certain",
                0.5,
            )
            continue
        yield from _redecoded(text, line.start, chunk, fixed, "MacRoman read as Windows-1252: ", 0.85)


@rule(
    "mojibake",
    "encoding",
    "text decoded with the wrong codec (â€™, вЂ™, √≤ for ’, ’, ò) is re-decoded by ftfy",
)
def mojibake(doc: Document, config: Config) -> Iterator[Finding]:
    """UTF-8 shown through a single-byte codec, repaired line by line as ``ftfy.fix_encoding`` does.

    Only ftfy's encoding repair runs: quote style, ligatures, character widths,
    Unicode normalization and control characters are the author's (ftfy's
    ``fix_text`` would change them), and a line ftfy leaves alone is left alone.
    The scan in front of it (``_SUSPECT``) only skips lines ftfy could not
    change, so the rule gives ``fix_encoding``'s output on every line
    (tests/test_encoding.py runs ftfy's own test cases). Additions, only on
    lines ftfy leaves alone, for code pages ftfy does not read: Arabic UTF-8
    read as Windows-1256 (``_cp1256_fixes``), MacRoman text read as
    Windows-1252 (``_macroman_fixes``, repaired or flagged), and MacRoman
    apostrophes read as Latin-1 (``worldÕs``).
    """
    text = doc.text
    touched: set[int] = set()
    yield from _line_fixes(doc, touched)
    yield from _cp1256_fixes(doc, touched)
    yield from _macroman_fixes(doc, touched)
    if "Õ" in text:
        for m in _MACROMAN_APOSTROPHE.finditer(text):
            if bisect.bisect_right(doc.line_starts, m.start()) - 1 in touched:
                continue
            yield finding(
                "mojibake",
                text,
                m.start(),
                m.end(),
                "’",
                "MacRoman apostrophe read as Latin-1: 'Õ' is '’'",
                0.85,
            )


def mojibake_lead_before_nbsp(char: str) -> bool:
    """``char`` + U+00A0 may be one UTF-8 character shown through a single-byte codec.

    "Ã" + NBSP is "à" read as Latin-1, "Ă" + NBSP the same bytes read as
    Windows-1250. Where ftfy declines to decode such a pair (a real Romanian
    NICIODATĂ followed by a no-break space), the no-break space is still the
    second byte a later decoder would need, so whitespace rules keep it.
    """
    return char in _LEADS_BEFORE_A0


def _leads_before_a0() -> frozenset[str]:
    out: set[str] = set()
    for encoding in CHARMAP_ENCODINGS:
        if "\u00a0".encode(encoding, errors="replace") == b"\xa0":
            out.update(_decode_each(encoding, range(0xC2, 0xE0)))  # lead bytes of two-byte sequences
    return frozenset(out)


_LEADS_BEFORE_A0 = _leads_before_a0()


# --- letters lost to "?" ---------------------------------------------------------------
#
# Text encoded to a charset that lacks a letter, with errors="replace", gets one
# "?" per lost character: "Aïn" becomes "A?n", "Bogotá" becomes "Bogot?". The
# lost character cannot be ASCII (every such charset has ASCII), and nothing in
# the damaged word tells which letter it was, so it is recovered only from the
# document itself: the same word, written intact elsewhere.

_NON_ASCII_LETTER = re.compile(r"[^\x00-\x7f\W\d_]")
# A "?" in an address or in code is not a lost letter: "index.php?id=5", "a?b:c".
_NOT_PROSE = frozenset("/=&@:#%+\\<>{}[]|_0123456789")
_CONTEXT = 100  # characters either side of a suspect word searched for _NOT_PROSE
# More intact words than this with one skeleton: too many to choose from, and a
# bound that keeps the rule linear on hostile input.
_MAX_CANDIDATES = 16


def _skeleton(word: str) -> str:
    return "".join(c if c.isascii() else "?" for c in word)


def _intact_words(text: str) -> dict[str, set[str]]:
    """Every distinct word written with a non-ASCII letter, by skeleton ("A?n": {"Aïn"}).

    Found from its non-ASCII letters, so an English document costs one scan. A
    run of letters glued to a "?" inside a word ("Łód" of "Łód?o") is the rest of
    a damaged word, not an intact one.
    """
    index: dict[str, set[str]] = {}
    pos = 0
    while (m := _NON_ASCII_LETTER.search(text, pos)) is not None:
        start, end = m.start(), m.end()
        while start and text[start - 1].isalpha():
            start -= 1
        while end < len(text) and text[end].isalpha():
            end += 1
        pos = end
        damaged = (start and text[start - 1] == "?") or (
            end + 1 < len(text) and text[end] == "?" and text[end + 1].isalpha()
        )
        if not damaged:
            word = text[start:end]
            index.setdefault(_skeleton(word), set()).add(word)
    return index


def _candidates(token: str, index: dict[str, set[str]]) -> list[str] | None:
    """The intact words ``token`` can be: a non-ASCII letter at each "?", the rest equal.

    ``None`` when there are too many to tell (the token is then flagged).
    """
    bucket = index.get(_skeleton(token), set())
    if len(bucket) > _MAX_CANDIDATES:
        return None
    return sorted(
        word
        for word in bucket
        if all(t == w or (t == "?" and not w.isascii()) for t, w in zip(token, word, strict=True))
    )


def _letters_around(text: str, pos: int) -> tuple[int, int]:
    """The run of letters and "?" around the "?" at ``pos``."""
    start = pos
    while start and (text[start - 1].isalpha() or text[start - 1] == "?"):
        start -= 1
    end = pos + 1
    while end < len(text) and (text[end].isalpha() or text[end] == "?"):
        end += 1
    return start, end


def _in_code(text: str, start: int, end: int) -> bool:
    """The whitespace-delimited chunk around ``text[start:end]`` is an address or code."""
    a, b = start, end
    while a > max(0, start - _CONTEXT) and not text[a - 1].isspace():
        a -= 1
    while b < min(len(text), end + _CONTEXT) and not text[b].isspace():
        b += 1
    return not _NOT_PROSE.isdisjoint(text[a:b])


# Shapes a question mark never takes. Three or more "?" standing as a word inside
# a sentence ("a 3 ?????? и", "О ??????? Телеграма") are a word in a script the
# target charset lacks; a "?" glued to the start of a word ("?otimaale"), or
# ending a word that a lower-case word or a comma follows ("protestant? în",
# "Bajramovi?, 42"), is a lost letter. Real questions end a sentence ("Why?",
# "Really?!", "Why now? See"); a Spanish "¿" earlier on the line opens a
# question that may go on in lower case ("¿vienes? —preguntó"), so it is left.
_LOST_WORD_MIN = 3
_GLUED_MIN = 3  # "?" and at least two letters
_SCAN = 8  # characters of spacing and punctuation looked through around a "?" run
_OPENERS = "([{«\"'“„‘"
_CLOSERS = ")]}»\"'”’"
_INSIDE = ",;:،؛"  # punctuation after which a sentence goes on


def _lost_word(text: str, start: int, end: int) -> bool:
    """The "?" run ``text[start:end]`` stands between words of one sentence."""
    i = start - 1
    while i >= max(0, start - _SCAN) and (text[i] in " \t\u00a0" or text[i] in _OPENERS):
        i -= 1
    if i < 0 or not (text[i].isalnum() or text[i] in _INSIDE):
        return False
    if end < len(text) and not (text[end].isspace() or text[end] in _INSIDE or text[end] in _CLOSERS):
        return False
    j = end
    while j < min(len(text), end + _SCAN) and (text[j] in " \t\u00a0" or text[j] in _INSIDE + _CLOSERS):
        j += 1
    return j < len(text) and text[j].isalnum()


def _word_follows(text: str, end: int) -> bool:
    """The word-final "?" before ``end`` is followed by a comma or a lower-case word."""
    if end >= len(text):
        return False
    if text[end] in ",;":
        following = True
    else:
        following = text[end] == " " and end + 1 < len(text) and text[end + 1].islower()
    if not following:
        return False
    line_start = text.rfind("\n", 0, end) + 1
    return "¿" not in text[line_start:end]


# A word written whole: not the letters of a damaged one ("Bogot" of "Bogot?").
_BARE_WORD = re.compile(r"(?<![\w?])[^\W\d_]++(?![\w?])")


@rule(
    "lossy_encoding",
    "encoding",
    "a letter replaced by '?' (A?n, Bogot?) is restored from the same word elsewhere, or flagged",
)
def lossy_encoding(doc: Document, config: Config) -> Iterator[Finding]:
    """Words with "?" for a letter a charset conversion could not write.

    Suspect: a "?" between two letters ("A?n", "S?o"). Not suspect: a run
    ("??"), a "?" starting a word, a question glued to the next sentence
    ("why?The": lower case, then upper case), a "?" in an address or code (its
    whitespace-delimited chunk holds ``/ = & : _`` or a digit…). A "?" ending a
    word is a question mark unless the document proves otherwise.

    Repair only when the mapping is certain: the document writes exactly one
    word that fits, with a non-ASCII letter at every "?" and every other letter
    equal ("A?n" and "Aïn"; "Bogot?" and "Bogotá", where the document must also
    never write "Bogot"). Several fitting words: flagged with them. None: a
    suspect "?" is flagged, a word-final one left alone. No letter is guessed.
    """
    text = doc.text
    pos = text.find("?")
    if pos < 0:
        return
    has_intact = not text.isascii()  # an ASCII text writes no word a "?" could stand in
    index: dict[str, set[str]] | None = None
    bare: set[str] | None = None  # built only if a word-final "?" has a candidate
    while pos >= 0:
        start, end = _letters_around(text, pos)
        token = text[start:end]
        pos = text.find("?", end)
        if set(token) == {"?"}:
            lost = len(token) >= _LOST_WORD_MIN and _lost_word(text, start, end)
            if lost and not _in_code(text, start, end):
                yield finding(
                    "lossy_encoding",
                    text,
                    start,
                    end,
                    None,
                    f"{token!r} stands for a whole word whose letters a charset conversion could not write",
                    0.6,
                )
            continue
        if "??" in token:
            continue
        inner = [i for i in range(1, len(token) - 1) if token[i] == "?"]
        # "?otimaale": a lost capital before lower-case letters ("?Hola" is a lost "¿").
        lead = token[0] == "?" and len(token) >= _GLUED_MIN and token[1].islower()
        glued = (  # "protestant? în", "Bajramovi?, 42"
            token[-1] == "?"
            and not inner
            and not lead
            and len(token) >= _GLUED_MIN
            and _word_follows(text, end)
        )
        if token[0] == "?" and not lead:
            continue
        if not inner and not lead and not glued and not has_intact:
            continue  # a question mark, and no intact word to prove otherwise
        if any(token[i - 1].islower() and token[i + 1].isupper() for i in inner):
            continue  # "why?The"
        if _in_code(text, start, end):
            continue
        if index is None:
            index = _intact_words(text)
        found = _candidates(token, index)
        if token[-1] == "?" and not lead:
            whole = found is not None and len(found) == 1
            if whole and bare is None:
                bare = {m.group() for m in _BARE_WORD.finditer(text)}
            if glued and whole and token[:-1] in (bare or ()):
                found = []  # the intact word is not certain: flag it
            elif (not whole or token[:-1] in (bare or ())) and not glued:  # glued: flagged below
                if not inner:
                    continue  # a question mark
                token, end = token[:-1], end - 1  # "Is it A?n?": the last "?" ends the question
                found = _candidates(token, index)
        if found is not None and len(found) == 1:
            yield finding(
                "lossy_encoding",
                text,
                start,
                end,
                found[0],
                f"{token!r} lost letters to '?' in a charset conversion; the document writes {found[0]!r}",
                0.9,
            )
            continue
        which = f"; it could be {' or '.join(map(repr, found))}" if found else ""
        yield finding(
            "lossy_encoding",
            text,
            start,
            end,
            None,
            f"{token!r} has a letter replaced by '?' in a charset conversion{which}",
            0.6,
        )


# --- HTML entities ----------------------------------------------------------------------

# A paragraph that is about markup (an HTML tag or a comparison sign, code in
# backticks, or the words that name markup and its escapes) keeps its entities:
# there "&amp;" is what the author means. ftfy's own guard is the "<".
_MARKUP_TALK = re.compile(r"[<`]|\b(?:html|xml|sgml|markup|entit(?:y|ies)|escaped?)\b", re.IGNORECASE)


@rule("html_entities", "encoding", "HTML entities a scraper left (&quot; &amp; &#8217;) are decoded by ftfy")
def html_entities(doc: Document, config: Config) -> Iterator[Finding]:
    """Decode entities with ``ftfy.fixes.unescape_html``, one edit per entity.

    ftfy decodes only the unambiguous forms (named entities that end in a
    semicolon, numeric references), so informal text such as "this&not that" or
    "AT&T;" is left alone. Paragraphs that are themselves about markup are
    skipped, as ftfy skips text holding a "<".
    """
    text = doc.text
    if "&" not in text:
        return
    for block in doc.blocks:
        chunk = text[block.start : block.end]
        if "&" not in chunk or _MARKUP_TALK.search(chunk):
            continue
        for m in HTML_ENTITY_RE.finditer(chunk):
            decoded = ftfy.fixes.unescape_html(m.group())
            if decoded == m.group():
                continue
            yield finding(
                "html_entities",
                text,
                block.start + m.start(),
                block.start + m.end(),
                decoded,
                f"HTML entity {m.group()!r} is {decoded!r}",
                0.95,
            )
