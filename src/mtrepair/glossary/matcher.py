"""Find glossary variants in text with one Aho-Corasick automaton.

All variants and canonical forms of all entries go into a single automaton
(pyahocorasick), so the cost per MB of text depends on the text and the number of
matches, not on the size of the glossary. Candidates are filtered for word
boundaries and context rules, then the leftmost-longest wins; a canonical form is
itself a pattern, so it shields its own inside (``Ain al-Asad`` contains the
variant ``al-Asad`` but is never rewritten).

Two guards keep a rewrite from damaging the sentence around a term, even with a
glossary that ``glossary check`` would reject:

* a variant whose rewrite would delete a word (``قاعدة عين الأسد`` -> ``عين الأسد``
  deletes "base") is never applied; the shorter form inside it still matches
  (:func:`dropped_words` is the test, shared with ``glossary check``);
* a term glossed by another mention of the same entry in brackets
  (``Syrian Democratic Forces (SDF)``) is not rewritten into a copy of that gloss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import ahocorasick
from rapidfuzz import fuzz

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
    """One occurrence of a variant that should become ``replacement``.

    ``start``/``end``/``original``/``replacement`` are the minimal edit (only the
    words that differ); ``matched`` is the whole span that matched the glossary
    form ``variant`` and ``target`` the whole form it becomes, for messages.
    """

    entry: Entry
    start: int
    end: int
    original: str
    replacement: str
    variant: str
    matched: str = ""
    target: str = ""


_TOKEN = re.compile(r"\S+")
# An automaton hit on word boundaries: span in normalized text, patterns of that key.
Candidate = tuple[int, int, list[Pattern]]
# Alignment cost: (words left without a counterpart, dissimilarity), lowest first.
_Cost = tuple[int, float]


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

    def candidates(self, norm: Normalized, lang: str) -> list[Candidate]:
        """Every automaton hit that sits on word boundaries."""
        text = norm.text
        out: list[Candidate] = []
        if not self.patterns:
            return out
        for end_idx, k in self.automaton.iter(text):
            start, end = end_idx - len(k) + 1, end_idx + 1
            if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
                continue
            out.append((start, end, self.patterns[k]))
        return out

    def _select(
        self, norm: Normalized, lang: str, cands: list[Candidate], rewrite: bool = False
    ) -> list[tuple[int, int, Pattern]]:
        """Leftmost-longest usable matches in normalized coordinates.

        With ``rewrite``, variants whose rewrite would delete a word are passed
        over, so a shorter candidate inside them (or after them) gets its turn.
        """
        chosen: list[tuple[int, int, Pattern]] = []
        last_end = -1
        for start, end, patterns in sorted(cands, key=lambda c: (c[0], -(c[1] - c[0]))):
            if start < last_end:
                continue
            pick = self._pick(patterns, lang, norm.text, start, end, rewrite)
            if pick is None:
                continue
            chosen.append((start, end, pick))
            last_end = end
        return chosen

    def find(self, text: str, lang: str = "en") -> list[Match]:
        """Non-overlapping replacements for ``text`` written in ``lang``."""
        norm = normalize(text)
        cands = self.candidates(norm, lang)
        chosen = self._select(norm, lang, cands, rewrite=True)
        glossed = self._glossed(norm.text, lang, chosen, cands)
        matches = []
        for n, (start, end, pattern) in enumerate(chosen):
            if n in glossed:
                continue
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
        for start, end, pattern in self._select(norm, lang, self.candidates(norm, lang)):
            if pattern.lang in ("", lang):
                out.append(
                    (self.glossary.entries[pattern.entry], norm.original(start), norm.original(end - 1) + 1)
                )
        return out

    def _pick(
        self, patterns: list[Pattern], lang: str, norm: str, start: int, end: int, rewrite: bool = False
    ) -> Pattern | None:
        """The pattern a span stands for, or None when it must not be touched.

        A canonical form wins over variants: it shields its span (``Ain al-Asad``
        holds the variant ``al-Asad``) and is only respelled to its exact form.
        Only variants of the document's language count; for a rewrite, only those
        whose rewrite keeps every word (:func:`dropped_words`).
        """
        canon = [p for p in patterns if not p.lang]
        if canon:
            return canon[0]
        usable = [p for p in patterns if p.lang == lang]
        if rewrite:
            entries_ = self.glossary.entries
            usable = [p for p in usable if not dropped_words(p.form, entries_[p.entry].preferred(p.lang))]
        entries = {p.entry for p in usable}
        if len(entries) != 1:
            return None  # unknown here, or ambiguous between entries (glossary check flags it)
        p = usable[0]
        entry = self.glossary.entries[p.entry]
        if p.contextual and not self._context_ok(entry, norm, start, end):
            return None
        return p

    def _glossed(
        self, text: str, lang: str, chosen: list[tuple[int, int, Pattern]], cands: list[Candidate]
    ) -> set[int]:
        """Indices of ``chosen`` to leave alone: rewriting them would repeat a bracketed gloss.

        News glosses a term with another name for it in brackets: ``Syrian
        Democratic Forces (SDF)``, ``قوات سوريا الديمقراطية (قسد)``. If the acronym
        is a variant, rewriting it gives ``Syrian Democratic Forces (Syrian
        Democratic Forces)``. A partner is a mention of the same entry (its
        canonical form, preferred form or any variant, in any language) right
        before the brackets, or filling the brackets right after the match:

        * a match in brackets after a partner stays (an acronym after its own
          expansion, in any language);
        * a match followed by a bracketed partner stays when the rewrite would
          repeat it (``SDF (Syrian Democratic Forces)``);
        * when both would be rewritten (``Syria Democratic Forces (SDF)``), the
          one closer to the form is respelled and the other (the acronym, the
          translation) stays; on a tie the bracketed one stays.
        """
        entries = self.glossary.entries
        changing = {
            (start, end)
            for start, end, p in chosen
            if p.lang and text[start:end] != key(entries[p.entry].preferred(lang))
        }
        if not any(_bracketed(text, start, end) for start, end in changing):
            return set()  # the common case: no rewrite touches a bracket
        by_end: dict[int, list[tuple[int, int, set[int]]]] = {}
        by_start: dict[int, list[tuple[int, int, set[int]]]] = {}
        for start, end, patterns in cands:
            hit = (start, end, {p.entry for p in patterns})
            by_end.setdefault(end, []).append(hit)
            by_start.setdefault(start, []).append(hit)
        out: set[int] = set()
        for n, (start, end, p) in enumerate(chosen):
            if (start, end) not in changing or not _bracketed(text, start, end):
                continue
            final = key(entries[p.entry].preferred(lang))
            for o_start, o_end, bracketed in _partners(text, start, end, by_start, by_end, p.entry):
                other = text[o_start:o_end]
                if (o_start, o_end) not in changing:
                    if bracketed or other == final:
                        out.add(n)
                        break
                    continue  # a bracketed gloss that reads differently: rewriting repeats nothing
                mine, theirs = fuzz.ratio(text[start:end], final), fuzz.ratio(other, final)
                if mine < theirs or (mine == theirs and bracketed):
                    out.add(n)
                    break
        return out


_BRACKETS = {"(": ")", "[": "]", "（": "）"}


def _back(text: str, pos: int) -> int:
    """``pos`` moved left over spaces (normalized text has at most one in a row)."""
    return pos - 1 if pos > 0 and text[pos - 1] == " " else pos


def _fwd(text: str, pos: int) -> int:
    return pos + 1 if pos < len(text) and text[pos] == " " else pos


def _bracketed(text: str, start: int, end: int) -> bool:
    """Whether a bracket sits right before or right after the span (a cheap pre-test)."""
    before, after = _back(text, start), _fwd(text, end)
    return (before > 0 and text[before - 1] in _BRACKETS) or text[after : after + 1] in _BRACKETS


def _partners(
    text: str,
    start: int,
    end: int,
    by_start: dict[int, list[tuple[int, int, set[int]]]],
    by_end: dict[int, list[tuple[int, int, set[int]]]],
    entry: int,
) -> list[tuple[int, int, bool]]:
    """Mentions of ``entry`` that gloss the span, or that the span glosses, in brackets.

    Each is ``(start, end, span_is_bracketed)``: the mention right before ``(span)``,
    or the mention filling the brackets right after the span.
    """
    out: list[tuple[int, int, bool]] = []
    before, after = _back(text, start), _fwd(text, end)
    if (
        before > 0
        and text[before - 1] in _BRACKETS
        and text[after : after + 1] == _BRACKETS[text[before - 1]]
    ):
        prev_end = _back(text, before - 1)
        out += [(s, e, True) for s, e, ents in by_end.get(prev_end, []) if entry in ents]
    if text[after : after + 1] in _BRACKETS:
        close = _BRACKETS[text[after]]
        for s, e, ents in by_start.get(_fwd(text, after + 1), []):
            if entry in ents and text[_fwd(text, e) : _fwd(text, e) + 1] == close:
                out.append((s, e, False))
    return out


# The Arabic definite article as Latin transliterations write it, one spelling with
# it and another without (Farhad Al-Shami / Farhad Shami, Deir ez-Zor / Deir Zor):
# "al" (or el/il/ul), or assimilated to the "sun letter" that starts the next word
# (ash-Shami, az-Zawr, ad-Dawr, an-Nasr, at-Tanf: a vowel plus that consonant, which
# the next word must start with). Only this, in front of another word, counts as a
# part of a name's spelling that a rewrite may leave out.
_ARTICLE = re.compile(r"[aeiu]l")
_ASSIMILATED = re.compile(r"[aeu](th|dh|sh|[tdrzsn])")
# Words written together in one spelling and apart in another (Abu Kamal /
# Albukamal, oil field / oilfield) are one word's counterpart when their letters
# agree this much (rapidfuzz ratio, 0-100).
_JOINED = 80.0


def _is_article(word: str, following: str | None) -> bool:
    if following is None:
        return False
    if _ARTICLE.fullmatch(word):
        return True
    sun = _ASSIMILATED.fullmatch(word)
    return sun is not None and following.startswith(sun.group(1))


def _words(text: str) -> list[tuple[str, str]]:
    """``(normalized, as written)`` for each word of ``text``, normalized as the matcher does."""
    norm = normalize(text)
    return [
        (m.group(), text[norm.original(m.start()) : norm.original(m.end() - 1) + 1])
        for m in _TOKEN.finditer(norm.text)
    ]


def _anchors(v: list[str], t: list[str]) -> list[tuple[int, int]]:
    """Index pairs of a longest order-preserving run of identical words (LCS)."""
    n, m = len(v), len(t)
    lcs = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            lcs[i][j] = lcs[i + 1][j + 1] + 1 if v[i] == t[j] else max(lcs[i + 1][j], lcs[i][j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if v[i] == t[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif lcs[i + 1][j] >= lcs[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _align_gap(v: list[str], t: list[str], following: list[str | None]) -> tuple[list[int], list[int]]:
    """Variant words without a counterpart, and target words left over, between two anchors.

    Within a gap any variant word may stand for any target word in the same order
    (a respelling or a translation: missile -> rocket), several variant words for
    one target word written together, and an article may go; the alignment with
    the fewest words left without a counterpart wins.
    """
    n, m = len(v), len(t)
    best: list[list[tuple[_Cost, tuple[str, int]]]] = [[((0, 0.0), ("", 0))] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == j == 0:
                continue
            options: list[tuple[_Cost, tuple[str, int]]] = []
            if i and j:
                (d, c), _ = best[i - 1][j - 1]
                options.append(((d, c + 1 - fuzz.ratio(v[i - 1], t[j - 1]) / 100), ("sub", 1)))
                for k in range(2, i + 1):
                    r = fuzz.ratio("".join(v[i - k : i]), t[j - 1])
                    if r >= _JOINED:
                        (d, c), _ = best[i - k][j - 1]
                        options.append(((d, c + 1 - r / 100), ("join", k)))
            if i:
                (d, c), _ = best[i - 1][j]
                drop = 0 if _is_article(v[i - 1], following[i - 1]) else 1
                options.append(((d + drop, c + 1), ("del", 1)))
            if j:
                (d, c), _ = best[i][j - 1]
                options.append(((d, c + 1), ("ins", 1)))
            best[i][j] = min(options)
    dropped: list[int] = []
    spare: list[int] = []
    i, j = n, m
    while i or j:
        op, k = best[i][j][1]
        if op == "del":
            if not _is_article(v[i - 1], following[i - 1]):
                dropped.append(i - 1)
            i -= 1
        elif op == "ins":
            spare.append(j - 1)
            j -= 1
        else:
            i, j = i - k, j - 1
    return dropped[::-1], spare[::-1]


@lru_cache(maxsize=65536)
def dropped_words(variant: str, target: str) -> tuple[str, ...]:
    """Words of ``variant`` (as written) that rewriting it to ``target`` would delete.

    A word-level alignment of the two, normalized as the matcher normalizes:
    identical words anchor it (a word may also move: ``Inherent Resolve
    operation`` -> ``Operation Inherent Resolve``), and between anchors a word may
    be respelled or translated into another (``Grad missile`` -> ``Grad rocket``),
    joined with its neighbour (``Abu Kamal`` -> ``Albukamal``), or be the
    transliterated Arabic article one spelling writes and another leaves out
    (``Farhad Al-Shami`` -> ``Farhad Shami``). A variant word left with no
    counterpart is deleted from the sentence by the rewrite: ``C-RAM system`` ->
    ``C-RAM`` drops "system", ``قاعدة عين الأسد`` -> ``عين الأسد`` drops "قاعدة".
    Such a variant is the target inside a longer phrase, not a spelling of it.
    """
    vw, tw = _words(variant), _words(target)
    v, t = [w for w, _ in vw], [w for w, _ in tw]
    if len(v) <= 1 and t:
        return ()  # one word always has a counterpart: itself or a respelling
    following: list[str | None] = [*v[1:], None]
    dropped: list[int] = []
    spare: list[str] = []
    pi = pj = 0
    for ai, aj in [*_anchors(v, t), (len(v), len(t))]:
        gap_dropped, gap_spare = _align_gap(v[pi:ai], t[pj:aj], following[pi:ai])
        dropped += [pi + d for d in gap_dropped]
        spare += [t[pj + s] for s in gap_spare]
        pi, pj = ai + 1, aj + 1
    out = []
    for d in dropped:
        if v[d] in spare:
            spare.remove(v[d])  # the word moved, it was not dropped
        else:
            out.append(vw[d][1])
    return tuple(out)


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
    return Match(entry, s, e, text[s:e], repl, variant, span, target)
