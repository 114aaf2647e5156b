"""Find glossary variants in text with one Aho-Corasick automaton.

All variants and canonical forms of all entries go into a single automaton
(pyahocorasick), so the cost per MB of text depends on the text and the number of
matches, not on the size of the glossary. Candidates are filtered for word
boundaries and context rules, then the leftmost-longest wins; a canonical form is
itself a pattern, so it shields its own inside (``Ain al-Asad`` contains the
variant ``al-Asad`` but is never rewritten).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import ahocorasick

from mtrepair.glossary.model import Entry, Glossary
from mtrepair.glossary.normalize import Normalized, key, normalize


@dataclass(frozen=True)
class Pattern:
    entry: int  # index into Glossary.entries
    lang: str  # language of the variant; "" for a canonical form
    form: str  # the variant as written in the glossary
    contextual: bool  # subject to the entry's context rule


@dataclass(frozen=True)
class Match:
    """One occurrence of a variant that should become ``replacement``."""

    entry: Entry
    start: int
    end: int
    original: str
    replacement: str
    variant: str


_TOKEN = re.compile(r"\S+")


class Matcher:
    """The compiled form of a glossary for one pass over many documents."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.patterns: dict[str, list[Pattern]] = {}
        for i, e in enumerate(glossary.entries):
            contextual = set(e.context.variants) if e.context else set()
            self._add(e.canonical, Pattern(i, "", e.canonical, False))
            for lang, form in e.all_variants():
                self._add(form, Pattern(i, lang, form, form in contextual))

    def _add(self, form: str, pattern: Pattern) -> None:
        k = key(form)
        if k:
            self.patterns.setdefault(k, []).append(pattern)

    @cached_property
    def automaton(self) -> ahocorasick.Automaton:
        auto = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        for k in self.patterns:
            auto.add_word(k, k)
        auto.make_automaton()
        return auto

    def _context_ok(self, entry: Entry, norm: str, start: int, end: int) -> bool:
        ctx = entry.context
        assert ctx is not None
        before = norm[max(0, start - 40) : start].rstrip().rsplit(None, 1)
        prev_word = before[-1] if before else ""
        if prev_word in {key(w) for w in ctx.never_after}:
            return False
        after = norm[end : end + 40].lstrip()
        follows = any(
            after.startswith(key(w)) and not after[len(key(w)) : len(key(w)) + 1].isalnum()
            for w in ctx.followed_by
        )
        precedes = prev_word in {key(w) for w in ctx.preceded_by}
        return follows or precedes

    def candidates(self, norm: Normalized, lang: str) -> list[tuple[int, int, list[Pattern]]]:
        """Every automaton hit that sits on word boundaries."""
        text = norm.text
        out: list[tuple[int, int, list[Pattern]]] = []
        if not self.patterns:
            return out
        for end_idx, k in self.automaton.iter(text):
            start, end = end_idx - len(k) + 1, end_idx + 1
            if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
                continue
            out.append((start, end, self.patterns[k]))
        return out

    def _select(self, norm: Normalized, lang: str) -> list[tuple[int, int, Pattern]]:
        """Leftmost-longest usable matches in normalized coordinates."""
        chosen: list[tuple[int, int, Pattern]] = []
        cands = sorted(self.candidates(norm, lang), key=lambda c: (c[0], -(c[1] - c[0])))
        last_end = -1
        for start, end, patterns in cands:
            if start < last_end:
                continue
            pick = self._pick(patterns, lang, norm.text, start, end)
            if pick is None:
                continue
            chosen.append((start, end, pick))
            last_end = end
        return chosen

    def find(self, text: str, lang: str = "en") -> list[Match]:
        """Non-overlapping replacements for ``text`` written in ``lang``."""
        norm = normalize(text)
        matches = []
        for start, end, pattern in self._select(norm, lang):
            o_start, o_end = norm.original(start), norm.original(end - 1) + 1
            surface = text[o_start:o_end]
            if not pattern.lang and (surface.isupper() or lang != "en"):
                continue  # a canonical form in a headline or another language: leave it
            entry = self.glossary.entries[pattern.entry]
            m = _minimal(text, o_start, o_end, entry.preferred(lang), entry, pattern.form)
            if m is not None:
                matches.append(m)
        return matches

    def occurrences(self, text: str, lang: str) -> list[tuple[Entry, int, int]]:
        """Every entry mentioned in ``text`` (canonical or a ``lang`` variant), with spans."""
        norm = normalize(text)
        out = []
        for start, end, pattern in self._select(norm, lang):
            if pattern.lang in ("", lang):
                out.append(
                    (self.glossary.entries[pattern.entry], norm.original(start), norm.original(end - 1) + 1)
                )
        return out

    def _pick(self, patterns: list[Pattern], lang: str, norm: str, start: int, end: int) -> Pattern | None:
        """The pattern a span stands for, or None when it must not be touched.

        A canonical form wins over variants: it shields its span (``Ain al-Asad``
        holds the variant ``al-Asad``) and is only respelled to its exact form.
        Only variants of the document's language count.
        """
        canon = [p for p in patterns if not p.lang]
        if canon:
            return canon[0]
        usable = [p for p in patterns if p.lang == lang]
        entries = {p.entry for p in usable}
        if len(entries) != 1:
            return None  # unknown here, or ambiguous between entries (glossary check flags it)
        p = usable[0]
        entry = self.glossary.entries[p.entry]
        if p.contextual and not self._context_ok(entry, norm, start, end):
            return None
        return p


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[max(0, pos - 100) : pos].rstrip(' \t"“‘«(')
    return (not before and pos <= 100) or before.endswith(("\n", ".", "!", "?", ":"))


def _bare(token: str) -> str:
    return token.strip('"“”‘’«»„')


def _minimal(text: str, start: int, end: int, target: str, entry: Entry, variant: str) -> Match | None:
    """Rewrite only the words that differ (keeps quotes and shared words untouched)."""
    span = text[start:end]
    old = [(m.start() + start, m.end() + start) for m in _TOKEN.finditer(span)]
    new = target.split()

    def same(a: tuple[int, int], b: str) -> bool:
        return _bare(text[a[0] : a[1]]) == b

    i = 0
    while i < min(len(old), len(new)) - 1 and same(old[i], new[i]):
        i += 1
    j = 0
    while j < min(len(old), len(new)) - i - 1 and same(old[-1 - j], new[-1 - j]):
        j += 1
    s, e = old[i][0], old[len(old) - 1 - j][1]
    repl = " ".join(new[i : len(new) - j])
    # Keep quote marks that sit at the edges of the rewritten words.
    while s < e and text[s] in '"“‘«„':
        s += 1
    while e > s and text[e - 1] in '"”’»':
        e -= 1
    if i == 0 and repl and repl[0].islower() and _sentence_initial(text, s):
        repl = repl[0].upper() + repl[1:]
    if text[s:e] == repl:
        return None
    return Match(entry, s, e, text[s:e], repl, variant)
