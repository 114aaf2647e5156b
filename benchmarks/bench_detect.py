"""Detection and repair benchmark: clean news text with BRIEF §3 damage injected at known spans.

Why a constructed set: per-rule precision and recall need gold spans, and no
scraped corpus comes with them. So the damage is injected into clean text, and
every injection records the rule that should catch it and the characters it
occupies in the damaged text (offsets follow every later edit, including hard
wraps and CRLF). Untouched negative documents measure false alarms.

Clean text:

- the reviewed golden outputs of seeds 000, 001, 003 and 004
  (``tests/golden/*.clean.txt``); seed 002 is left out, since it is the MT
  round trip and still carries damage no rule repairs (``Strikes than before``);
  paragraphs are reshuffled into documents (a title and 3-6 body paragraphs),
  and half of the documents write ``US`` as ``U.S.`` (Reuters style; it gives
  abbreviation-break sites);
- MLQE-PE English references (when the data folder is there):
  ``et-en-multiref/ref-1.en`` and the post-edits ``dev.pe`` of ro-en, ru-en,
  et-en, ne-en and si-en (Moses-tokenized, detokenized here by a small rule
  set), 2-4 consecutive sentences per paragraph, 3-5 paragraphs per document.

Damage kinds and the rule each one should trigger (``KINDS``): sentence joints
written as four newlines (``paragraph_joint``), breaks after ``U.S.``/``Col.``
(``abbreviation_break``), orphan ``, fragment`` paragraphs after a spurious full
stop (``orphan_fragment``), a quotation split at an inner sentence end
(``quote_split``), doubled words, a dangling `` “`` at a paragraph end
(``stray_quote``), a dropped closing quote (``unbalanced_quote``, a flag: the
gold span is the paragraph), mojibake (cp1252 or latin-1) of the non-ASCII
characters of a paragraph, boilerplate lines (``boilerplate_seen`` when a shipped
pattern matches the line, ``boilerplate_unseen`` otherwise: a held-out coverage
check), a glued ``date`` field, hard wraps at 64-76 columns (``hard_wrap`` for a
wrap at a space, ``hyphenation`` for a word or compound cut at the line end),
CRLF, an extra blank line between paragraphs, trailing spaces, glossary term
variants (ambiguous variants that need context are not injected), and a foreign
sentence (French, Arabic, and MLQE-PE sources in ro, ru, et, ne, si) inside an
English paragraph (``language_mix``). Meaning errors and mistranslations are not
injected: nothing detects them without a clean version (``clean --reference``).

Documents: ``per_kind`` documents with one kind each (the per-kind repair
table), ``mixed`` documents with 2-4 kinds, ``negatives`` untouched documents.

Scoring: a finding matches a gold span when the rule names agree and the spans
overlap (a zero-width span overlaps what contains it). Precision is the share of
a rule's findings that match some gold span; recall the share of its gold spans
matched by some finding. Repair: chrF and BLEU (sacrebleu, with signatures) and
the character error rate (Levenshtein distance over the gold length, which unlike
chrF and BLEU sees line breaks) of each document before and after ``clean``.

    .venv/bin/python benchmarks/bench_detect.py --per-kind 40 -o /tmp/detect.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.make_corpus import BOILERPLATE_HEAD, BOILERPLATE_TAIL, ROOT

GOLDEN = ROOT / "tests" / "golden"
CLEAN_SEEDS = ("000", "001", "003", "004")
MLQE = ROOT.parent / "shared" / "data" / "mlqe-pe"
PE_PAIRS = ("ro-en", "ru-en", "et-en", "ne-en", "si-en")
FOREIGN_SOURCES = {
    "ro": "ro-en-dev/dev.src",
    "ru": "ru-en-dev/dev.src",
    "et": "et-en-dev/dev.src",
    "ne": "ne-en-dev/dev.src",
    "si": "si-en-dev/dev.src",
}

# Damage kind -> the rule that should find it. hard_wrap also yields ``hyphenation`` gold.
KINDS: dict[str, str] = {
    "sentence_joint": "paragraph_joint",
    "sentence_joint_plain": "paragraph_joint",
    "abbreviation_break": "abbreviation_break",
    "orphan_fragment": "orphan_fragment",
    "quote_split": "quote_split",
    "doubled_word": "doubled_word",
    "stray_quote": "stray_quote",
    "dropped_closing_quote": "unbalanced_quote",
    "mojibake": "mojibake",
    "boilerplate_seen": "boilerplate",
    "boilerplate_unseen": "boilerplate",
    "metadata": "metadata",
    "hard_wrap": "hard_wrap",
    "crlf": "line_endings",
    "blank_lines": "excess_blank_lines",
    "trailing_space": "stray_whitespace",
    "term_variant": "glossary",
    "language_mix": "language_mix",
}
NEGATIVE = "negative"
MIXED = "mixed"

# Lines a scraped page carries. Each is labelled seen/unseen at run time by the
# shipped patterns, so the split stays right when the pattern file changes.
BOILERPLATE_POOL = (
    *BOILERPLATE_HEAD,
    *BOILERPLATE_TAIL,
    "Follow us on Twitter",
    "Read more:",
    "Click here to read the full story",
    "Comments are closed.",
    "Copyright © 2021 Iraq News. All rights reserved",
    "Join our Telegram channel for the latest updates",
    "Image: Getty Images",
    "Print this article",
    "Listen to this article",
    "Most Read",
)
# Foreign fragments for language_mix besides the MLQE-PE sources (BRIEF §3: "an
# Arabic or French fragment left in English text").
FOREIGN_FIXED: tuple[tuple[str, str], ...] = (
    ("fr", "Les forces américaines ont été visées par plusieurs roquettes dans la nuit."),
    ("fr", "Selon le porte-parole de la coalition, aucune victime n'a été signalée."),
    ("fr", "Cette attaque intervient quelques jours après les frappes sur la frontière."),
    ("ar", "قال المتحدث باسم التحالف إن الهجوم لم يسفر عن إصابات."),
    ("ar", "سقطت ثلاثة صواريخ قرب السفارة الأمريكية في المنطقة الخضراء."),
    ("ar", "وأعلنت خلية الإعلام الأمني عن العثور على منصة إطلاق."),
)

_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’]?( )(?=[“\"]?[A-Z])")
_LOWER_AFTER_COMMA = re.compile(r", (?=[a-z]{3,}\b)")
_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
_BLOCK = re.compile(r"[^\n]+(?:\n[^\n]+)*")
_US = re.compile(r"\bUS\b(?=[ ’'])")


@dataclass(frozen=True)
class Gold:
    """One injected piece of damage: the rule expected to find it and where it is."""

    rule: str
    kind: str
    start: int
    end: int
    detail: str = ""


@dataclass(frozen=True)
class Edit:
    """A change to the current text; ``rule`` set means it is damage to label.

    The labelled region is the replacement (``sub``: a slice of it), or ``region``
    (old-text offsets, for a flag about the whole paragraph).
    """

    start: int
    end: int
    text: str
    rule: str | None = None
    kind: str = ""
    sub: tuple[int, int] | None = None
    region: tuple[int, int] | None = None
    detail: str = ""


@dataclass
class Sample:
    """A clean document, its damaged copy and the gold spans in the damaged copy."""

    id: str
    source: str
    group: str  # a kind (one-kind documents), "mixed" or "negative"
    clean: str
    damaged: str
    kinds: list[str] = field(default_factory=list)
    gold: list[Gold] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "group": self.group,
            "kinds": self.kinds,
            "clean": self.clean,
            "damaged": self.damaged,
            "gold": [g.__dict__ for g in self.gold],
        }


class Draft:
    """A text under damage, with its gold spans kept in step with every edit."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.gold: list[Gold] = []

    def apply(self, edits: Sequence[Edit]) -> None:
        edits = sorted(edits, key=lambda e: (e.start, e.end))
        for a, b in itertools.pairwise(edits):
            if b.start < a.end or (b.start == a.start == a.end == b.end):
                raise ValueError(f"overlapping edits at {a.start}..{a.end} and {b.start}..{b.end}")
        placed: list[tuple[int, int, int, int]] = []  # old start/end, new start/end
        pieces: list[str] = []
        pos = shift = 0
        for e in edits:
            pieces.append(self.text[pos : e.start])
            pieces.append(e.text)
            new_start = e.start + shift
            placed.append((e.start, e.end, new_start, new_start + len(e.text)))
            shift += len(e.text) - (e.end - e.start)
            pos = e.end
        pieces.append(self.text[pos:])

        def move(p: int, side: str) -> int:
            shift = 0
            for os_, oe, ns, ne in placed:
                if os_ == oe == p:  # an insertion at p stays outside the span
                    return ne if side == "start" else ns
                if os_ < p < oe:
                    return ns if side == "start" else ne
                if oe <= p:
                    shift = ne - oe
                    continue
                break
            return p + shift

        moved = [
            Gold(g.rule, g.kind, move(g.start, "start"), move(g.end, "end"), g.detail) for g in self.gold
        ]
        for e, (_, _, ns, ne) in zip(edits, placed, strict=True):
            if e.rule is None:
                continue
            if e.region is not None:
                start, end = move(e.region[0], "start"), move(e.region[1], "end")
            elif e.sub is not None:
                start, end = ns + e.sub[0], ns + e.sub[1]
            else:
                start, end = ns, ne
            moved.append(Gold(e.rule, e.kind, start, max(start, end), e.detail))
        self.text = "".join(pieces)
        self.gold = sorted(moved, key=lambda g: (g.start, g.end, g.rule))


# --- where damage can go


def blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph spans (blank-line separated)."""
    return [(m.start(), m.end()) for m in _BLOCK.finditer(text)]


def _abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    from mtrepair import langdata

    data = langdata.load("en")
    return data.abbreviations | data.title_abbreviations, data.title_abbreviations


def _inside_quote(para: str, pos: int) -> bool:
    before = para[:pos]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def sentence_boundaries(text: str, start: int, end: int) -> list[int]:
    """Offsets of the single spaces between sentences of one paragraph."""
    abbreviations, _ = _abbreviations()
    out = []
    for m in _BOUNDARY.finditer(text, start, end):
        pos = m.start(1)
        token = text[text.rfind(" ", start, pos) + 1 : pos].rstrip('"”’')
        if token in abbreviations or re.fullmatch(r"(?:[A-Z]\.)+|[A-Z]\.", token):
            continue
        out.append(pos)
    return out


def _body(text: str) -> list[tuple[int, int]]:
    """Paragraphs that are prose (not titles or headings: those end without a full stop)."""
    return [(s, e) for s, e in blocks(text) if text[e - 1] in '.!?”"’' and len(text[s:e].split()) > 8]


def _pick(rng: random.Random, items: Sequence[Any], low: int, high: int) -> list[Any]:
    if not items:
        return []
    return rng.sample(list(items), min(len(items), rng.randint(low, high)))


# --- injectors: each returns the edits to make, or [] where the damage cannot go


Injector = Callable[[str, random.Random, "Context"], list[Edit]]


@dataclass(frozen=True)
class Context:
    """What injectors draw from: glossary variants, foreign sentences, boilerplate lines."""

    terms: tuple[tuple[str, tuple[str, ...]], ...]  # canonical, injectable English variants
    foreign: tuple[tuple[str, str], ...]  # language, sentence
    boilerplate: dict[str, tuple[str, ...]]  # kind -> lines


def _joint_sites(text: str) -> list[int]:
    return [
        p
        for s, e in _body(text)
        for p in sentence_boundaries(text, s, e)
        if not _inside_quote(text[s:e], p - s)
    ]


def inject_sentence_joint(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    """Seed 002's style: two to four joints and two mid-sentence breaks, all four newlines.

    The breaks before a lower-case word are what shows the document's joint style:
    the rule learns it from gaps that visibly split a sentence, as in seed 002.
    """
    joints = _pick(rng, _joint_sites(text), 2, 4)
    inner = [
        s + m.start()
        for s, e in _body(text)
        for m in re.finditer(r"(?<=[a-z]) (?=[a-z]{2,} )", text[s:e])
        if 30 < m.start() < e - s - 30 and not any(abs(s + m.start() - j) < 30 for j in joints)
    ]
    breaks = _pick(rng, inner, 2, 2)
    if len(joints) < 2 or len(breaks) < 2 or abs(breaks[0] - breaks[1]) < 30:
        return []
    return [Edit(p, p + 1, "\n\n\n\n", "paragraph_joint", "sentence_joint") for p in sorted(joints + breaks)]


def inject_sentence_joint_plain(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    """Joints alone, with nothing that shows the style: the rule is built to leave these."""
    return [
        Edit(p, p + 1, "\n\n\n\n", "paragraph_joint", "sentence_joint_plain")
        for p in _pick(rng, _joint_sites(text), 2, 4)
    ]


def inject_abbreviation_break(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    abbreviations, titles = _abbreviations()
    sites = []
    for m in re.finditer(r"(\S+) (\w+)", text):
        token, nxt = m.group(1).lstrip('(“"'), m.group(2)
        if token in abbreviations and (nxt[0].islower() or (token in titles and nxt[0].isupper())):
            sites.append(m.end(1))
    return [
        Edit(p, p + 1, rng.choice(("\n\n\n\n", "\n\n")), "abbreviation_break", "abbreviation_break")
        for p in _pick(rng, sites, 1, 3)
    ]


def inject_orphan_fragment(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    sites = [
        m.start()
        for s, e in _body(text)
        for m in _LOWER_AFTER_COMMA.finditer(text, s, e)
        if m.start() - s > 20
    ]
    return [
        Edit(p, p, rng.choice((".\n\n", ".\n\n\n\n")), "orphan_fragment", "orphan_fragment")
        for p in _pick(rng, sites, 1, 2)
    ]


def inject_quote_split(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    sites: list[int] = []
    for s, e in _body(text):
        for m in re.finditer(r"“[^“”]+”|\"[^\"]+\"", text[s:e]):
            inner_start, inner_end = s + m.start() + 1, s + m.end() - 1
            sites.extend(p for p in sentence_boundaries(text, inner_start, inner_end) if p > inner_start)
    return [Edit(p, p + 1, "\n\n", "quote_split", "quote_split") for p in _pick(rng, sites, 1, 1)]


def inject_doubled_word(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    from mtrepair import langdata

    exceptions = langdata.load("en").doubled_word_exceptions
    words = [
        m
        for s, e in _body(text)
        for m in _WORD.finditer(text, s, e)
        if f"{m.group()} {m.group()}".lower() not in exceptions
        and not text[m.end() :].startswith(" " + m.group())
    ]
    return [
        Edit(m.end(), m.end(), " " + m.group(), "doubled_word", "doubled_word")
        for m in _pick(rng, words, 1, 2)
    ]


def inject_stray_quote(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    out = []
    for _, e in _pick(rng, _body(text), 1, 2):
        if text[e - 1] == "." and text[e - 2] != ".":
            out.append(Edit(e - 1, e - 1, " “", "stray_quote", "stray_quote"))
        elif text[e - 1] in '”"':
            out.append(Edit(e, e, " “.", "stray_quote", "stray_quote"))
    return out


def inject_dropped_closing_quote(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    sites = []
    for s, e in _body(text):
        para = text[s:e]
        if para.count("“") == para.count("”") >= 1:
            sites.append((s + para.rfind("”"), (s, e)))
        elif para.count('"') >= 2 and para.count('"') % 2 == 0:
            sites.append((s + para.rfind('"'), (s, e)))
    return [
        Edit(p, p + 1, "", "unbalanced_quote", "dropped_closing_quote", region=region)
        for p, region in _pick(rng, sites, 1, 1)
    ]


def inject_mojibake(text: str, rng: random.Random, ctx: Context, *, taken: Sequence[Gold] = ()) -> list[Edit]:
    import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252")

    paras = [
        (s, e)
        for s, e in blocks(text)
        if not text[s:e].isascii() and not any(g.start < e and s < g.end for g in taken)
    ]
    out = []
    for s, e in _pick(rng, paras, 1, 2):
        codec = rng.choice(("sloppy-windows-1252", "sloppy-windows-1252", "latin-1"))
        for m in re.finditer(r"[^\x00-\x7f]+", text[s:e]):
            garbled = m.group().encode("utf-8").decode(codec)
            out.append(Edit(s + m.start(), s + m.end(), garbled, "mojibake", "mojibake", detail=codec))
    return out


def _inject_boilerplate(kind: str) -> Injector:
    def inject(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
        pool = ctx.boilerplate.get(kind, ())
        paras = blocks(text)
        if not pool or len(paras) < 2:
            return []
        out = []
        ends = sorted({paras[0][1], paras[-1][1]} if rng.random() < 0.5 else {rng.choice(paras)[1]})
        for end in ends:
            line = rng.choice(pool)
            out.append(Edit(end, end, "\n\n" + line, "boilerplate", kind, sub=(2, 2 + len(line))))
        return out

    return inject


def inject_metadata(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    prefix = f" date 2021-07-{rng.randint(1, 28):02d} "
    return [Edit(0, 0, prefix, "metadata", "metadata")]


def inject_blank_lines(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    gaps = [m.start() for m in re.finditer(r"(?<=\S)\n\n(?=\S)", text)]
    return [Edit(p, p + 2, "\n\n\n", "excess_blank_lines", "blank_lines") for p in _pick(rng, gaps, 1, 2)]


def inject_trailing_space(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    ends = [m.start() for m in re.finditer(r"(?<=\S)\n", text)]
    return [
        Edit(p, p, rng.choice(("  ", " ", "\t")), "stray_whitespace", "trailing_space")
        for p in _pick(rng, ends, 2, 4)
    ]


def inject_hard_wrap(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    """Wrap every line at one width; cut some long words and compounds at the line end."""
    width = rng.randint(64, 76)
    out: list[Edit] = []
    for line in re.finditer(r"[^\n]+", text):
        if len(line.group()) <= width:
            continue
        words = [(m.start(), m.end()) for m in re.finditer(r"[^ ]+", text[line.start() : line.end()])]
        base = line.start()
        col = 0  # length of the current output line
        first = True
        for ws, we in words:
            word = text[base + ws : base + we]
            if first or col + 1 + len(word) <= width:
                col += (0 if first else 1) + len(word)
                first = False
                continue
            room = width - col - 2  # a space before the piece, a hyphen after it
            hyphen = word.find("-")
            if 0 < hyphen < room and hyphen < len(word) - 2 and rng.random() < 0.7:
                cut = hyphen + 1  # a real compound broken at its own hyphen
                out.append(Edit(base + ws + cut, base + ws + cut, "\n", "hyphenation", "hard_wrap"))
                col = len(word) - cut
            elif word.isalpha() and len(word) >= 7 and room >= 3 and rng.random() < 0.6:
                cut = min(room, len(word) - 3)
                out.append(Edit(base + ws + cut, base + ws + cut, "-\n", "hyphenation", "hard_wrap"))
                col = len(word) - cut
            else:
                out.append(Edit(base + ws - 1, base + ws, "\n", "hard_wrap", "hard_wrap"))
                col = len(word)
    return out


def inject_crlf(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    return [Edit(m.start(), m.end(), "\r\n", "line_endings", "crlf") for m in re.finditer("\n", text)]


def inject_term_variant(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    sites = []
    for canonical, variants in ctx.terms:
        for m in re.finditer(rf"(?<![\w-]){re.escape(canonical)}(?![\w-])", text):
            sites.append((m.start(), m.end(), variants))
    sites.sort()
    chosen = sorted(_pick(rng, sites, 1, 2))
    out: list[Edit] = []
    for s, e, variants in chosen:
        if out and s < out[-1].end:
            continue
        out.append(Edit(s, e, rng.choice(variants), "glossary", "term_variant"))
    return out


def inject_language_mix(text: str, rng: random.Random, ctx: Context) -> list[Edit]:
    sites = [p for s, e in _body(text) for p in sentence_boundaries(text, s, e) if not _inside_quote(text, p)]
    if not sites or not ctx.foreign:
        return []
    lang, sentence = rng.choice(ctx.foreign)
    p = rng.choice(sites)
    return [
        Edit(p, p, " " + sentence, "language_mix", "language_mix", sub=(1, 1 + len(sentence)), detail=lang)
    ]


# Application order: words, then breaks, then encoding, then whole lines, then layout.
ORDER: tuple[str, ...] = (
    "term_variant",
    "doubled_word",
    "language_mix",
    "dropped_closing_quote",
    "stray_quote",
    "quote_split",
    "sentence_joint",
    "sentence_joint_plain",
    "abbreviation_break",
    "orphan_fragment",
    "mojibake",
    "boilerplate_seen",
    "boilerplate_unseen",
    "metadata",
    "blank_lines",
    "hard_wrap",
    "trailing_space",
    "crlf",
)
INJECTORS: dict[str, Injector] = {
    "term_variant": inject_term_variant,
    "doubled_word": inject_doubled_word,
    "language_mix": inject_language_mix,
    "dropped_closing_quote": inject_dropped_closing_quote,
    "stray_quote": inject_stray_quote,
    "quote_split": inject_quote_split,
    "sentence_joint": inject_sentence_joint,
    "sentence_joint_plain": inject_sentence_joint_plain,
    "abbreviation_break": inject_abbreviation_break,
    "orphan_fragment": inject_orphan_fragment,
    "mojibake": inject_mojibake,
    "boilerplate_seen": _inject_boilerplate("boilerplate_seen"),
    "boilerplate_unseen": _inject_boilerplate("boilerplate_unseen"),
    "metadata": inject_metadata,
    "blank_lines": inject_blank_lines,
    "hard_wrap": inject_hard_wrap,
    "trailing_space": inject_trailing_space,
    "crlf": inject_crlf,
}
assert set(ORDER) == set(INJECTORS) == set(KINDS)


def damage(text: str, kinds: Iterable[str], rng: random.Random, ctx: Context) -> Draft:
    """Apply ``kinds`` (in :data:`ORDER`) to ``text``; a kind that finds no site adds nothing."""
    draft = Draft(text)
    wanted = set(kinds)
    for kind in ORDER:
        if kind not in wanted:
            continue
        if kind == "mojibake":
            edits = inject_mojibake(draft.text, rng, ctx, taken=draft.gold)
        else:
            edits = INJECTORS[kind](draft.text, rng, ctx)
        draft.apply(edits)
    return draft


# --- clean text


def detokenize(line: str) -> str:
    """Undo Moses tokenization well enough for news-like prose (MLQE-PE ``dev.pe``)."""
    tokens = line.split()
    out: list[str] = []
    open_quote = False
    glue_next = False
    for tok in tokens:
        if tok == '"':
            if open_quote:
                if out:
                    out[-1] += tok
                else:
                    out.append(tok)
            else:
                out.append(tok)
                glue_next = True
            open_quote = not open_quote
            continue
        if glue_next and out:
            out[-1] += tok
            glue_next = False
        elif out and (re.fullmatch(r"[.,;:!?%)\]}]+|'(?:s|re|ve|ll|d|m|t)|n't", tok, re.IGNORECASE)):
            out[-1] += tok
        else:
            out.append(tok)
        if tok in ("(", "[", "$"):
            glue_next = True
    text = " ".join(out)
    return re.sub(r"\b(\w+)n 't\b", r"\1n't", text)


def _golden_docs(rng: random.Random) -> Callable[[], tuple[str, str]]:
    pars: list[list[str]] = []
    for prefix in CLEAN_SEEDS:
        found = sorted(GOLDEN.glob(f"{prefix}_*.clean.txt"))
        if found:
            text = found[0].read_text(encoding="utf-8")
            pars.append([p.strip() for p in text.split("\n\n") if p.strip()])
    if not pars:
        raise FileNotFoundError(f"no golden seed outputs in {GOLDEN}")

    def make() -> tuple[str, str]:
        i = rng.randrange(len(pars))
        title, *body = pars[i]
        if rng.random() < 0.4:
            body += pars[rng.randrange(len(pars))][1:]
        rng.shuffle(body)
        text = "\n\n".join([title, *body[: rng.randint(3, 6)]])
        if rng.random() < 0.5:
            text = _US.sub("U.S.", text)
        return f"seeds/{CLEAN_SEEDS[i]}", text

    return make


def _mlqe_docs(data: Path, rng: random.Random) -> Callable[[], tuple[str, str]] | None:
    sources: list[tuple[str, list[str]]] = []
    ref = data / "et-en-multiref" / "ref-1.en"
    if ref.exists():
        sources.append(("mlqe-pe/et-en-multiref/ref-1.en", ref.read_text(encoding="utf-8").splitlines()))
    for pair in PE_PAIRS:
        pe = data / f"{pair}-dev" / "dev.pe"
        if pe.exists():
            lines = [detokenize(x) for x in pe.read_text(encoding="utf-8").splitlines()]
            sources.append((f"mlqe-pe/{pair}-dev/dev.pe", lines))
    sources = [(n, [x.strip() for x in lines if x.strip()]) for n, lines in sources]
    if not sources:
        return None

    def make() -> tuple[str, str]:
        name, lines = rng.choice(sources)
        n_pars = rng.randint(3, 5)
        sizes = [rng.randint(2, 4) for _ in range(n_pars)]
        start = rng.randrange(max(1, len(lines) - sum(sizes)))
        paras, pos = [], start
        for k in sizes:
            paras.append(" ".join(lines[pos : pos + k]))
            pos += k
        return name, "\n\n".join(paras)

    return make


def _foreign(data: Path | None, rng: random.Random) -> tuple[tuple[str, str], ...]:
    out = list(FOREIGN_FIXED)
    if data is not None:
        for lang, rel in FOREIGN_SOURCES.items():
            path = data / rel
            if not path.exists():
                continue
            lines = [x for x in path.read_text(encoding="utf-8").splitlines() if 6 <= len(x.split()) <= 25]
            out.extend((lang, detokenize(x)) for x in rng.sample(lines, min(20, len(lines))))
    return tuple(out)


def make_context(data: Path | None, rng: random.Random) -> Context:
    """Glossary variants that need no context, foreign sentences, boilerplate lines by kind."""
    from mtrepair import langdata
    from mtrepair.glossary import default_paths, load

    terms = []
    for entry in load(default_paths()).entries:
        ambiguous = set(entry.context.variants) if entry.context else set()
        variants = tuple(v for v in entry.variants.get("en", ()) if v not in ambiguous)
        if variants:
            terms.append((entry.canonical, variants))
    patterns = [langdata.compile_glob(p) for p in langdata.default_boilerplate()]
    seen = tuple(
        x for x in BOILERPLATE_POOL if all(any(p.fullmatch(ln) for p in patterns) for ln in x.split("\n"))
    )
    unseen = tuple(x for x in BOILERPLATE_POOL if x not in seen)
    return Context(
        tuple(sorted(terms)),
        _foreign(data, rng),
        {"boilerplate_seen": seen, "boilerplate_unseen": unseen},
    )


def build_set(
    *, seed: int = 0, per_kind: int = 40, mixed: int = 200, negatives: int = 200, data: Path | None = MLQE
) -> list[Sample]:
    """The labelled garble set: one-kind, mixed and negative documents (same seed, same set)."""
    rng = random.Random(seed)
    golden = _golden_docs(rng)
    mlqe = _mlqe_docs(data, rng) if data is not None and data.exists() else None
    ctx = make_context(data if mlqe is not None else None, rng)

    def base() -> tuple[str, str]:
        return mlqe() if mlqe is not None and rng.random() < 0.5 else golden()

    samples: list[Sample] = []

    def add(group: str, kinds: Sequence[str]) -> None:
        for _ in range(40):  # a base document where every kind finds a site
            source, clean = base()
            draft = damage(clean, kinds, rng, ctx)
            applied = sorted({g.kind for g in draft.gold})
            if (group == MIXED and len(applied) >= 2) or (group != MIXED and applied == sorted(kinds)):
                samples.append(
                    Sample(
                        f"{group}-{len(samples):05d}", source, group, clean, draft.text, applied, draft.gold
                    )
                )
                return

    for kind in KINDS:
        for _ in range(per_kind):
            add(kind, [kind])
    for _ in range(mixed):
        add(MIXED, rng.sample(list(KINDS), rng.randint(2, 4)))
    for n in range(negatives):
        source, clean = base()
        samples.append(Sample(f"{NEGATIVE}-{n:05d}", source, NEGATIVE, clean, clean))
    return samples


# --- scoring


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    if a0 == a1:
        return b0 <= a0 <= b1
    if b0 == b1:
        return a0 <= b0 <= a1
    return a0 < b1 and b0 < a1


def matched_rules(f: Any, gold: Sequence[Gold]) -> set[str]:
    """Rules of the gold spans ``f`` overlaps."""
    return {g.rule for g in gold if _overlaps(f.start, f.end, g.start, g.end)}


def _prf(tp_p: int, n_found: int, tp_r: int, n_gold: int) -> dict[str, float | int | None]:
    p = tp_p / n_found if n_found else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f1, 4),
        "findings": n_found,
        "findings_matched": tp_p,
        "gold": n_gold,
        "gold_found": tp_r,
    }


def run(samples: Sequence[Sample], *, config: Any = None) -> dict[str, Any]:
    """Clean every damaged document once; score its findings and its repair."""
    from rapidfuzz.distance import Levenshtein

    from mtrepair.config import Config
    from mtrepair.glossary import default_paths
    from mtrepair.pipeline import clean_text, to_input
    from mtrepair.rules import PIPELINE

    config = config or Config().with_glossary(default_paths())
    found_p: Counter[str] = Counter()
    matched_p: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    found_gold: Counter[str] = Counter()
    found_any: Counter[str] = Counter()
    by_kind_gold: Counter[str] = Counter()
    by_kind_found: Counter[str] = Counter()
    found_by: dict[str, Counter[str]] = defaultdict(Counter)
    detail_gold: Counter[str] = Counter()
    detail_found: Counter[str] = Counter()
    negative_findings: Counter[str] = Counter()
    negative_docs_flagged = 0
    negative_chars = 0
    repaired: list[str] = []
    examples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unmatched_overlaps: dict[str, Counter[str]] = defaultdict(Counter)
    negative_examples: list[dict[str, Any]] = []
    for s in samples[:3]:  # warm-up (language data, wordfreq, langdetect): not part of the rate
        clean_text(s.damaged, config)
    start = time.perf_counter()
    for s in samples:
        result = clean_text(s.damaged, config)
        repaired.append(result.text)
        findings = to_input(result.steps)
        for f in findings:
            found_p[f.rule] += 1
            overlapped = matched_rules(f, s.gold)
            if f.rule in overlapped:
                matched_p[f.rule] += 1
                continue
            for rule in sorted(overlapped) or ["(none)"]:
                unmatched_overlaps[f.rule][rule] += 1
            if len(examples[f.rule]) < 5:
                examples[f.rule].append(
                    {"doc": s.id, "text": s.damaged[max(0, f.start - 20) : f.end + 20], "message": f.message}
                )
        for g in s.gold:
            n_gold[g.rule] += 1
            by_kind_gold[g.kind] += 1
            hits = [f.rule for f in findings if _overlaps(f.start, f.end, g.start, g.end)]
            if g.rule in hits:
                found_gold[g.rule] += 1
                by_kind_found[g.kind] += 1
            if hits:
                found_any[g.rule] += 1
            for rule in sorted(set(hits)) or ["(none)"]:
                found_by[g.rule][rule] += 1
            if g.detail:
                key = f"{g.kind}:{g.detail}"
                detail_gold[key] += 1
                detail_found[key] += g.rule in hits
        if s.group == NEGATIVE:
            negative_chars += len(s.damaged)
            negative_findings.update(f.rule for f in findings)
            for f in findings:
                if len(negative_examples) < 8:
                    negative_examples.append(
                        {
                            "doc": s.id,
                            "source": s.source,
                            "rule": f.rule,
                            "text": s.damaged[f.start : f.end][:80],
                        }
                    )
            negative_docs_flagged += bool(findings)
    seconds = time.perf_counter() - start

    per_rule: dict[str, dict[str, Any]] = {}
    for rule in PIPELINE:
        if not (found_p[rule] or n_gold[rule]):
            continue
        row: dict[str, Any] = _prf(matched_p[rule], found_p[rule], found_gold[rule], n_gold[rule])
        row["recall_any_rule"] = round(found_any[rule] / n_gold[rule], 4) if n_gold[rule] else None
        row["false_alarms_per_100k_clean_chars"] = round(
            negative_findings[rule] * 100_000 / max(negative_chars, 1), 2
        )
        per_rule[rule] = row
    scored = [r for r in per_rule.values() if r["gold"]]
    micro = _prf(
        sum(matched_p.values()), sum(found_p.values()), sum(found_gold.values()), sum(n_gold.values())
    )
    macro = {
        k: round(sum(float(r[k]) for r in scored) / len(scored), 4) if scored else 0.0
        for k in ("precision", "recall", "f1")
    }
    detection = {
        "documents": len(samples),
        "seconds": round(seconds, 3),
        "mb_per_s": round(sum(len(s.damaged.encode("utf-8")) for s in samples) / 1e6 / max(seconds, 1e-9), 3),
        "per_rule": per_rule,
        "micro": micro,
        "macro": macro,
        "macro_over": sorted(r for r, v in per_rule.items() if v["gold"]),
        "per_kind_recall": {
            k: {"gold": by_kind_gold[k], "found": by_kind_found[k], "recall": round(by_kind_found[k] / n, 4)}
            for k, n in sorted(by_kind_gold.items())
        },
        "per_detail_recall": {
            k: {"gold": n, "found": detail_found[k], "recall": round(detail_found[k] / n, 4)}
            for k, n in sorted(detail_gold.items())
        },
        "found_by": {rule: dict(c.most_common()) for rule, c in sorted(found_by.items())},
        "negatives": {
            "documents": sum(1 for s in samples if s.group == NEGATIVE),
            "characters": negative_chars,
            "documents_with_findings": negative_docs_flagged,
            "findings": dict(negative_findings.most_common()),
            "examples": negative_examples,
        },
        "unmatched_overlaps": {rule: dict(c.most_common()) for rule, c in sorted(unmatched_overlaps.items())},
        "unmatched_examples": {k: v for k, v in sorted(examples.items())},
    }
    return {"detection": detection, "repair": repair_scores(samples, repaired, Levenshtein.distance)}


def repair_scores(
    samples: Sequence[Sample], repaired: Sequence[str], distance: Callable[[str, str], int]
) -> dict[str, Any]:
    """Per group: chrF/BLEU (sacrebleu, signatures) and CER of damaged and repaired against clean."""
    from mtrepair.score import corpus_scores, paired_test

    groups: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(samples):
        groups[s.group].append(i)
    groups["all damaged"] = [i for i, s in enumerate(samples) if s.group != NEGATIVE]
    out: dict[str, Any] = {}
    signatures: dict[str, str] = {}
    for group, idx in groups.items():
        if not idx:
            continue
        gold = [samples[i].clean for i in idx]
        before = [samples[i].damaged for i in idx]
        after = [repaired[i] for i in idx]
        row: dict[str, Any] = {"documents": len(idx)}
        scores = corpus_scores([("before", before), ("after", after)], [gold], ["chrf", "bleu"])
        for sc in scores:
            row[f"{sc.metric}_{sc.system}"] = round(sc.score, 2)
            signatures[sc.metric] = sc.signature
        for m in ("chrf", "bleu"):
            row[f"{m}_delta"] = round(row[f"{m}_after"] - row[f"{m}_before"], 2)
        if group != NEGATIVE and len(idx) >= 10 and row["chrf_delta"] != 0:
            tested = paired_test([("before", before), ("after", after)], [gold], ["chrf"], "paired-bs")
            row["chrf_p_value"] = next((t.p_value for t in tested if t.system == "after"), None)
        gold_chars = sum(len(g) for g in gold)
        row["cer_before"] = round(
            100 * sum(distance(b, g) for b, g in zip(before, gold, strict=True)) / gold_chars, 3
        )
        row["cer_after"] = round(
            100 * sum(distance(a, g) for a, g in zip(after, gold, strict=True)) / gold_chars, 3
        )
        row["exact_before"] = round(sum(b == g for b, g in zip(before, gold, strict=True)) / len(idx), 4)
        row["exact_after"] = round(sum(a == g for a, g in zip(after, gold, strict=True)) / len(idx), 4)
        out[group] = row
    return {"groups": out, "signatures": signatures, "cer": "Levenshtein distance / gold characters x 100"}


def ablation(samples: Sequence[Sample], *, config: Any = None, limit: int = 200) -> dict[str, Any]:
    """Per-rule shares of the chrF/BLEU change on mixed documents (``score.repair_effect``)."""
    from mtrepair.config import Config
    from mtrepair.glossary import default_paths
    from mtrepair.score import repair_effect

    config = config or Config().with_glossary(default_paths())
    chosen = [s for s in samples if s.group == MIXED][:limit]
    if len(chosen) < 2:
        return {"documents": len(chosen), "skipped": "fewer than two mixed documents"}
    start = time.perf_counter()
    effects = repair_effect(
        [s.damaged for s in chosen], [[s.clean for s in chosen]], ["chrf", "bleu"], config, n_samples=200
    )
    return {
        "documents": len(chosen),
        "seconds": round(time.perf_counter() - start, 2),
        "effects": [e.as_dict() for e in effects],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--mixed", type=int, default=200)
    parser.add_argument("--negatives", type=int, default=200)
    parser.add_argument("--data", type=Path, default=MLQE, help="the mlqe-pe folder (absent: seeds only)")
    parser.add_argument("--dump", type=Path, help="also write the labelled set as JSONL")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    samples = build_set(
        seed=args.seed, per_kind=args.per_kind, mixed=args.mixed, negatives=args.negatives, data=args.data
    )
    if args.dump is not None:
        with args.dump.open("w", encoding="utf-8") as fh:
            for s in samples:
                fh.write(json.dumps(s.as_dict(), ensure_ascii=False) + "\n")
    result = run(samples)
    args.output.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for rule, row in result["detection"]["per_rule"].items():
        print(
            f"{rule:20} P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f} "
            f"(gold {row['gold']})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
