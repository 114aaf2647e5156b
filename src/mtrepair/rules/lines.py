"""Whole-line damage: glued metadata, boilerplate, stray whitespace.

Boilerplate is found three ways, each a rule of its own so each can be disabled
and measured alone: ``boilerplate`` (the shipped and user pattern files, every
language's patterns on every document), ``boilerplate_line`` (lines whose shape
is site chrome, judged in context the way jusText does, :mod:`mtrepair.chrome`)
and the corpus-level repeated lines of :mod:`mtrepair.frequent`. Two
neighbouring kinds of scraper residue follow them: ``photo_credit`` (an agency
credit left after a caption or sentence) and ``duplicate_line`` (a caption
printed twice).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from mtrepair import chrome, langdata
from mtrepair.config import Config
from mtrepair.model import Finding
from mtrepair.registry import finding, rule
from mtrepair.rules.encoding import mojibake_lead_before_nbsp
from mtrepair.segment import Document, Span

# A scraper's date field glued in front of the article (seeds 000, 002).
# ISO dates and the same with slashes ("date 2024/04/22"); the metadata keeps the ISO form.
_GLUED_DATE = re.compile(r"\A[^\S\n]*date[ :]+(\d{4}([-/])\d{2}\2\d{2})(?:T[\d:.+Z-]+)?[^\S\n]+")
_MAX_BOILERPLATE_LINE = 200


def metadata_from(original: str) -> dict[str, str]:
    """Recover the metadata a ``metadata`` edit removed from the text."""
    m = _GLUED_DATE.match(original)
    return {"date": m.group(1).replace("/", "-")} if m else {}


@rule("metadata", "metadata", "a metadata field glued to the text is moved into metadata")
def metadata(doc: Document, config: Config) -> Iterator[Finding]:
    m = _GLUED_DATE.match(doc.text)
    if m and m.end() < len(doc.text):
        yield finding(
            "metadata",
            doc.text,
            m.start(),
            m.end(),
            "",
            f"scraper field 'date {m.group(1)}' glued to the text moved to metadata",
            0.95,
        )


@dataclass(frozen=True)
class _Matcher:
    """Patterns without a star as a set of case-folded lines, the globs as one alternation.

    Most shipped patterns (every language's, on every document) are literal
    lines: a set lookup per line costs the same for 50 patterns or 5,000, and
    the alternation is left with the few dozen globs.
    """

    literals: frozenset[str]
    globs: re.Pattern[str] | None
    # Answers so far: the glob alternation is the costly part, and every line is
    # asked twice per round (boilerplate_line, then boilerplate) and again each round.
    seen: dict[str, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def match(self, stripped: str) -> bool:
        hit = self.seen.get(stripped)
        if hit is None:
            hit = stripped.casefold() in self.literals or (
                self.globs is not None and self.globs.match(stripped) is not None
            )
            if len(self.seen) >= _SEEN_LIMIT:
                self.seen.clear()
            self.seen[stripped] = hit
        return hit


_SEEN_LIMIT = 1 << 16


@cache
def _matchers(patterns: tuple[str, ...]) -> _Matcher | None:
    """The matcher of ``patterns``; ``None`` without any (nothing is boilerplate)."""
    if not patterns:
        return None
    literals = frozenset(p.casefold() for p in patterns if "*" not in p)
    globs = [p for p in patterns if "*" in p]
    alternation = "|".join(f"(?:{langdata.compile_glob(p).pattern})" for p in globs)
    return _Matcher(literals, re.compile(alternation, re.IGNORECASE) if globs else None)


def _boilerplate_line(line: str, matcher: _Matcher | None) -> bool:
    stripped = line.strip()
    if matcher is None or not stripped or len(stripped) > _MAX_BOILERPLATE_LINE:
        return False
    return matcher.match(stripped)


def _runs(text: str, lines: Sequence[Span]) -> list[list[Span]]:
    """Group lines that only blank lines separate: each group is removed as one edit."""
    runs: list[list[Span]] = []
    for ln in lines:
        if runs and not text[runs[-1][-1].end : ln.start].strip():
            runs[-1].append(ln)
        else:
            runs.append([ln])
    return runs


def _line_removal(text: str, first: Span, last: Span) -> tuple[int, int]:
    """The span that removes whole lines ``first``..``last`` without gluing their neighbours."""
    start, end = first.start, last.end
    after = text[end:]
    if after.strip():
        # Take the lines and the blank lines after them: the next content moves up.
        end += len(after) - len(after.lstrip())
    else:
        # Last content in the document: take the separator before it instead.
        end = len(text)
        before = text[:start]
        start -= len(before) - len(before.rstrip())
    return start, end


@rule(
    "boilerplate",
    "boilerplate",
    "lines matching a pattern file of any language (comment forms, share and related links, banners) "
    "are removed (logged)",
)
def boilerplate(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    matchers = _matchers(config.boilerplate)
    hits = [ln for ln in doc.lines if _boilerplate_line(text[ln.start : ln.end], matchers)]
    for run in _runs(text, hits):
        start, end = _line_removal(text, run[0], run[-1])
        lines = "; ".join(repr(text[ln.start : ln.end].strip()) for ln in run)
        yield finding("boilerplate", text, start, end, "", f"boilerplate removed: {lines}", 0.95)


@rule(
    "boilerplate_line",
    "boilerplate",
    "lines shaped like site chrome (lone links, counters, menus, ad slots, teasers) are removed (logged)",
)
def boilerplate_line(doc: Document, config: Config) -> Iterator[Finding]:
    """The per-line classifier of :mod:`mtrepair.chrome`, for chrome no pattern lists.

    It runs before ``boilerplate`` so that the lines the patterns match are still
    there as context (a short line between two boilerplate lines is boilerplate);
    it leaves those lines to ``boilerplate`` and removes only its own.
    """
    text = doc.text
    matcher = None if "boilerplate" in config.disabled else _matchers(config.boilerplate)
    lines: list[chrome.Line] = []
    raws = [text[ln.start : ln.end] for ln in doc.lines]
    blank = [not raw.strip() for raw in raws]
    uses_blank_lines = any(blank)
    last = len(raws) - 1
    paragraph = 0
    for n, (ln, raw) in enumerate(zip(doc.lines, raws, strict=True)):
        if blank[n]:
            paragraph += 1
            continue
        if _boilerplate_line(raw, matcher):
            lines.append(chrome.Line(ln.start, ln.end, _PATTERN_VERDICT, pattern=True, paragraph=paragraph))
            continue
        verdict = chrome.classify(raw.strip(), doc.lang)
        if verdict.wrappable and _inside_paragraph(raws, n):
            verdict = chrome.GOOD
        closes = n == last or blank[n + 1]
        alone = not uses_blank_lines or ((n == 0 or blank[n - 1]) and closes)
        closes = uses_blank_lines and closes and len(raw.split(None, 2)) >= 3
        lines.append(chrome.Line(ln.start, ln.end, verdict, alone=alone, closes=closes, paragraph=paragraph))
    _name_site_lines(text, lines, doc.lang)
    removed = dict(chrome.decide(lines))
    spans = [Span(lines[i].start, lines[i].end) for i in sorted(removed)]
    reasons = {lines[i].start: why for i, why in removed.items()}
    for run in _runs(text, spans):
        start, end = _line_removal(text, run[0], run[-1])
        told = "; ".join(f"{text[ln.start : ln.end].strip()!r} ({reasons[ln.start]})" for ln in run)
        confidence = 0.8 if any("between" in reasons[ln.start] for ln in run) else 0.9
        yield finding("boilerplate_line", text, start, end, "", f"site chrome removed: {told}", confidence)


_PATTERN_VERDICT = chrome.Verdict(chrome.Kind.BAD, "a boilerplate pattern")
_SITE_NAME_VERDICT = chrome.Verdict(
    chrome.Kind.BAD, "the site's name (and motto), as its header or copyright line names it"
)


def _name_site_lines(text: str, lines: list[chrome.Line], lang: str) -> None:
    """Mark the masthead: a short line before the first or after the last line of text naming the site.

    The site names itself in a glued title line or a copyright line; a ``WEAK``
    line at the document's edges that is that name, or starts with it before a
    separator (``Daily Ledger — Independent since 1987``), is its masthead or
    motto. Body lines are never judged so: a story may be about the site.
    """
    if not any(ln.verdict.kind is chrome.Kind.BAD for ln in lines):
        return  # no chrome, no masthead (and no work on the common page)
    good = [i for i, ln in enumerate(lines) if ln.verdict.kind is chrome.Kind.GOOD]
    if not good:
        return
    edges = [
        i
        for i in (*range(good[0]), *range(good[-1] + 1, len(lines)))
        if lines[i].verdict.kind is chrome.Kind.WEAK
    ]
    if not edges:
        return
    # Only a glued title or a copyright line can name the site.
    sources = [
        text[ln.start : ln.end].strip()
        for ln in lines
        if ln.verdict.reason == chrome.GLUED_TITLE or _COPYRIGHT_MARK.search(text, ln.start, ln.end)
    ]
    names = chrome.site_names(sources, lang)
    if not names:
        return
    for i in edges:
        if chrome.names_site(text[lines[i].start : lines[i].end].strip(), names):
            lines[i] = replace(lines[i], verdict=_SITE_NAME_VERDICT)


_COPYRIGHT_MARK = re.compile(r"©|\([cC]\)|[Cc]opyright")


# A line at least this long that ends without a sentence mark reads as a wrapped line.
_WRAPPED_LINE = 40


def _inside_paragraph(raws: Sequence[str], n: int) -> bool:
    """Whether line ``n`` sits inside a hard-wrapped sentence, where its shape means nothing.

    A URL or a "(12)" that a wrap put at the start of a line is text: the line
    above runs on into it (long, no sentence end, no blank line between), or
    the line below continues it in lower case.
    """
    if n > 0:
        above = raws[n - 1].strip()
        if len(above) >= _WRAPPED_LINE and not chrome.ends_sentence(above):
            return True
    if n + 1 < len(raws):
        below = raws[n + 1].lstrip()
        if below[:1].islower() and not below.startswith(("http", "www.")):
            return True
    return False


@cache
def _credit_data() -> chrome.CreditData:
    return chrome.parse_credit_data(langdata.credits_text())


# A parenthesised group on one line: a candidate credit. The spaces before it are
# taken afterwards (a pattern that started with them would retry every space of a
# long run of spaces: quadratic).
_PAREN = re.compile(r"[(（]([^()（）\n]{1,80})[)）]")
# A bare credit line is short: a caption's credit, never a sentence.
_MAX_BARE_CREDIT = 80


def _bare_photo_credit(line: str, data: chrome.CreditData) -> bool:
    """``Photo: Reuters``, ``صورة: رويترز``, ``AFP via Getty Images``, ``AP Photo/Hadi Mizban``.

    A labelled line needs a photo word as its label and a credit after it; an
    unlabelled one must be a photo credit (a photo word or a picture agency in
    it), so a byline such as ``Ahmed Rasheed, Reuters`` stays.
    """
    if chrome.ends_sentence(line):
        return False
    labelled = _LABELLED.fullmatch(line)
    if labelled and labelled.group(1).casefold() in data.photo_words:
        return chrome.credit_kind(labelled.group(2), data) is not None
    return chrome.credit_kind(line, data) == "photo"


def _starts_sentence(after: str) -> bool:
    """After a space, a letter that is not lower case: a sentence, not a dateline's dash."""
    nxt = after.lstrip()[:1]
    return after[:1].isspace() and nxt.isalpha() and not nxt.islower()


# Fewer words than this before a credit at a line end, without a sentence end: a dateline.
_MIN_CAPTION_WORDS = 4
# "Photo: Reuters", "Foto: dpa", "صورة: رويترز" alone on a line.
_LABELLED = re.compile(r"([^\W\d_]+)[^\S\n]*[:：][^\S\n]*(.{1,80})")


@rule(
    "photo_credit",
    "boilerplate",
    "an agency credit after a caption or sentence, (Reuters-Archive), (AFP), is removed (logged)",
)
def photo_credit(doc: Document, config: Config) -> Iterator[Finding]:
    """Photo and wire credits a scraper left in the text; the sentence they follow stays.

    A credit (:func:`mtrepair.chrome.credit_kind`) is removed at the end of a
    line after a sentence or a caption of four words or more, or between two
    sentences. It stays in a dateline (``BAGHDAD (Reuters) –``, ``Bagdad
    (AFP)``), where it spells out an acronym (``Agence France-Presse (AFP)``)
    and in story credits (``(Reporting by …)``). On a line of its own only a
    photo credit goes (``(AP Photo/Hadi Mizban)``, ``Photo: Reuters``): a lone
    ``(AFP)`` may sign the whole article.
    """
    text = doc.text
    data = _credit_data()
    for ln in doc.lines:
        line = text[ln.start : ln.end]
        stripped = line.strip()
        if not stripped:
            continue
        if "(" not in line and "（" not in line:
            # A credit line of its own: "Photo: Reuters", "AFP via Getty Images".
            if len(stripped) <= _MAX_BARE_CREDIT and _bare_photo_credit(stripped, data):
                start, end = _line_removal(text, ln, ln)
                yield finding(
                    "photo_credit", text, start, end, "", f"photo credit line {stripped!r} removed", 0.9
                )
            continue
        for m in _PAREN.finditer(line):
            inner = m.group(1).strip()
            kind = chrome.credit_kind(inner, data)
            if kind is None:
                continue
            head = line[: m.start()]
            before = head.strip()
            after = line[m.end() :]
            if not before:
                if not after.strip():
                    if kind == "photo":
                        start, end = _line_removal(text, ln, ln)
                        why = f"photo credit line {stripped!r} removed"
                        yield finding("photo_credit", text, start, end, "", why, 0.9)
                elif _starts_sentence(after):
                    # Glued before a caption or paragraph: "(AFP) Smoke rises…".
                    gap = len(after) - len(after.lstrip())
                    why = f"credit {m.group()!r} before a sentence removed"
                    yield finding(
                        "photo_credit", text, ln.start + m.start(), ln.start + m.end() + gap, "", why, 0.85
                    )
                continue
            if chrome.defines_acronym(before, inner):
                continue
            sentence = chrome.ends_sentence(before)
            if after.strip():
                # Only between two sentences: "…attacks. (AFP) The ministry said…".
                if not (sentence and _starts_sentence(after)):
                    continue
            elif not sentence and len(before.split()) < _MIN_CAPTION_WORDS:
                continue  # a dateline: "Bagdad (AFP)"
            start = ln.start + len(head.rstrip())
            why = f"credit {m.group()!r} after {'a sentence' if sentence else 'a caption'} removed"
            yield finding("photo_credit", text, start, ln.start + m.end(), "", why, 0.85)


# A line that is the same text twice ("X X" or "XX"), with at most this many spaces between.
_MAX_JOINT = 3
_MIN_DUPLICATE_WORDS = 4


def _enough_words(line: str) -> bool:
    """Long enough that saying it twice is damage, not a refrain or a name ("Bora Bora")."""
    words, _ = chrome.stopword_density(line, "zh" if _HAN.search(line) else "")
    return words >= _MIN_DUPLICATE_WORDS


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _doubled(line: str) -> int | None:
    """Where the second copy starts when ``line`` is one text written twice, else ``None``.

    Glued copies (``…attack.Smoke rises…``) are a scraper's concatenation. With
    a space between, only a caption-like text without a sentence end counts: a
    sentence said twice ("Go home. Go home.") can be the writer's.
    """
    n = len(line)
    for gap in range(_MAX_JOINT + 1):
        if (n - gap) % 2:
            continue
        half = (n - gap) // 2
        if half <= 0 or line[half + gap] != line[0]:
            continue  # the second copy must start as the first does (checked before any slicing)
        if line[:half] != line[half + gap :] or line[half : half + gap].strip():
            continue
        if gap and chrome.ends_sentence(line[:half]):
            return None
        return half
    return None


@rule(
    "duplicate_line",
    "boilerplate",
    "a line repeated right after itself, or written twice on one line (a doubled caption), keeps one copy",
)
def duplicate_line(doc: Document, config: Config) -> Iterator[Finding]:
    """A caption or paragraph the scraper printed twice in a row keeps its first copy.

    Only blank lines may stand between the copies, and a copy has at least four
    words (Han characters count a quarter each): a short repeated line can be a
    refrain, a chant or a heading repeated on purpose, and it is left alone.
    """
    text = doc.text
    previous: tuple[Span, str] | None = None
    for ln in doc.lines:
        stripped = text[ln.start : ln.end].strip()
        if not stripped:
            continue
        if previous is not None and _same_words(previous[1], stripped) and _enough_words(stripped):
            # The separator and the repeat go; the first copy and what follows stay.
            yield finding(
                "duplicate_line",
                text,
                previous[0].end,
                ln.end,
                "",
                f"line repeated right after itself removed: {stripped[:60]!r}",
                0.9,
            )
        else:
            lead = len(text[ln.start : ln.end]) - len(text[ln.start : ln.end].lstrip())
            half = _doubled(stripped)
            if half is not None and _enough_words(stripped[:half]):
                start = ln.start + lead + half
                why = f"text written twice on one line keeps one copy: {stripped[:half][:60]!r}"
                yield finding("duplicate_line", text, start, start + len(stripped) - half, "", why, 0.9)
        previous = (ln, stripped)


def _same_words(a: str, b: str) -> bool:
    """Two stripped lines with the same words and the same runs of whitespace made one space.

    The first and last characters are compared first: most neighbouring lines
    differ there, and the normalized copies of whole paragraphs are not made.
    """
    return a[0] == b[0] and a[-1] == b[-1] and " ".join(a.split()) == " ".join(b.split())


# A run is tried from its first character only, and whole (possessive): linear on
# a line of 100,000 spaces followed by a word (tests/test_redos.py). The pattern
# starts with the character class and checks the character before it afterwards:
# the scan then skips to whitespace instead of trying every character (2.5x).
_TRAILING = re.compile(r"[^\S\n](?<![^\S\n][^\S\n])[^\S\n]*+(?=\n|\Z)")
_LEADING = re.compile(r"\s+(?=\S)")


@rule("stray_whitespace", "whitespace", "spaces at line ends and before the first word are dropped")
def stray_whitespace(doc: Document, config: Config) -> Iterator[Finding]:
    text = doc.text
    # Spaces at the very start that end the line are a line end's; any other
    # whitespace before the first word goes whole, blank lines included.
    first = _TRAILING.match(text) or _LEADING.match(text)
    rest = _TRAILING.finditer(text, first.end() if first else 0)
    for m in itertools.chain([first] if first else [], rest):
        start = m.start()
        if text[start] == "\u00a0" and start and mojibake_lead_before_nbsp(text[start - 1]):
            # "Ă" + NBSP at a line end may be one character shown through the wrong
            # codec ("à" in Windows-1250) that ftfy rightly left alone (a Romanian
            # NICIODATĂ): the NBSP is its second byte, so it stays. Spaces after it go.
            start += 1
            if start == m.end():
                continue
        yield finding(
            "stray_whitespace",
            text,
            start,
            m.end(),
            "",
            "invisible whitespace at a line edge removed",
            0.9,
        )
