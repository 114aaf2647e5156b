"""Reference-guided repair: compare a garbled copy with a clean version, bead by bead.

The aligner pairs the garbled copy's sentences with the clean version's. For each
aligned pair this module reports, word by word (:mod:`mtrepair.align.diff`),
every place where translation changed the meaning, with rule ``reference``, the
garbled words as the finding's span and a pointer (``ref``) to the clean
sentence: substitutions ("shouted" for "blared"), omissions ("four", "not"),
insertions, active/passive flips and agent/patient swaps. Spelling variants of
one name ("Iran-backed" / "Iranian-backed", "U.N." / "UN", "Baghdad's Green
Zone" / "Baghdad Green Zone"), inflections and function words are minor and not
reported. Sentences on one side only are reported as inserted or lost, except
structure lines (headings, bylines, datelines, captions), which a copy may
carry or drop without changing the story.

These are flags. With an adoption policy, a garbled sentence is replaced by its
clean counterpart (an edit carrying the bead score and the reference position):
``below:SCORE`` adopts aligned sentences scoring under SCORE, ``mismatch``
adopts aligned sentences with at least one meaning-bearing divergence. Edits are
ordinary steps of the clean pipeline, so undo and replay cover them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from mtrepair.align import Backend, Bead, Unit, diff
from mtrepair.align.diff import NUMBER_WORDS, Divergence
from mtrepair.config import Config
from mtrepair.errors import ConfigError
from mtrepair.model import Finding, Result, Step
from mtrepair.rules.breaks import is_special_line
from mtrepair.segment import Document

RULE = "reference"
DEFAULT_MIN_SCORE = 0.2
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*\b|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class Policy:
    """When to replace a garbled sentence by its clean counterpart."""

    below: float | None = None
    on_mismatch: bool = False
    # Adopt even from a reference that looks like a related article, not a copy.
    force: bool = False
    # Replace only the diverging words ("shouted" -> "blared"), not whole sentences.
    phrases: bool = False

    @property
    def adopts(self) -> bool:
        return self.below is not None or self.on_mismatch or self.phrases

    @classmethod
    def parse(cls, spec: str | None, *, force: bool = False) -> Policy:
        if not spec or spec == "none":
            return cls(force=force)
        if spec == "mismatch":
            return cls(on_mismatch=True, force=force)
        if spec == "phrases":
            return cls(phrases=True, force=force)
        if spec.startswith("below:"):
            try:
                value = float(spec.split(":", 1)[1])
            except ValueError:
                value = -1.0
            if 0.0 <= value <= 1.0:
                return cls(below=value, force=force)
        raise ConfigError(
            f"--adopt {spec!r}: use none, mismatch, phrases or below:SCORE with SCORE in [0, 1]"
        )


# Under this share of the garbled sentences aligned, the reference is a related article.
RELATED_ONLY = 0.5


def aligned_share(beads: list[Bead], garbled_units: int) -> float:
    """The share of the garbled copy's sentences that have a counterpart in the reference."""
    aligned = sum(len(b.garbled) for b in beads if b.garbled and b.clean)
    return aligned / garbled_units if garbled_units else 0.0


def certain(beads: list[Bead], k: int) -> bool:
    """Bead ``k`` pairs two sentences and its neighbours pair theirs too (or it is at an edge).

    A bead between two skips may be the aligner's best guess in a stretch the
    two texts do not share; its pairing is not certain enough to replace text.
    """
    if not (beads[k].garbled and beads[k].clean):
        return False
    return all(not (0 <= n < len(beads)) or (beads[n].garbled and beads[n].clean) for n in (k - 1, k + 1))


def numbers(text: str) -> Counter[float]:
    out: Counter[float] = Counter()
    for m in _NUMBER.finditer(text):
        tok = m.group().lower()
        if tok in NUMBER_WORDS:
            out[float(NUMBER_WORDS[tok])] += 1
        else:
            try:
                out[float(tok.replace(",", ""))] += 1
            except ValueError:
                continue
    return out


_ACTION = re.compile(
    r"\b(?:fired|fire|attacked|attack|struck|strike|hit|targeted|target|killed|kill|launched|shelled|"
    r"blamed|accused|condemned|wounded|injured|bombed)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][\w'’.-]*")


def _roles(text: str) -> tuple[set[str], set[str]] | None:
    """Content words before (agent side) and after (patient side) the first action verb."""
    m = _ACTION.search(text)
    if m is None:
        return None
    before = {w.lower().strip(".") for w in _WORD.findall(text[: m.start()]) if w[0].isupper() or len(w) > 4}
    after = {w.lower().strip(".") for w in _WORD.findall(text[m.end() :]) if w[0].isupper() or len(w) > 4}
    return before, after


def _swapped_roles(garbled: str, clean: str) -> str | None:
    """Who-did-what: a word on the agent side in one is on the patient side in the other, and back."""
    g, c = _roles(garbled), _roles(clean)
    if g is None or c is None:
        return None
    to_patient = (g[0] & c[1]) - c[0]
    to_agent = (g[1] & c[0]) - c[1]
    if to_patient and to_agent:
        return (
            f"agent and patient look swapped around the verb: {', '.join(sorted(to_patient))} acts in the "
            f"garbled copy but is acted on in the reference ({', '.join(sorted(to_agent))} the other way)"
        )
    return None


def divergences(
    garbled: str,
    clean: str,
    lang: str = "en",
    clean_lang: str | None = None,
    mentions: diff.Mentions | None = None,
) -> list[Divergence]:
    """The meaning-bearing divergences of two aligned sentences (:mod:`mtrepair.align.diff`).

    Word by word, with a who-did-what check on top: two entities shared by both
    sentences on opposite sides of the action verb (agent and patient swapped),
    reported over the whole garbled sentence. When the clean sentence is in
    another language (``clean_lang``), only numbers, names and negation are
    compared (:func:`mtrepair.align.diff.cross_compare`): the word alignment,
    synonyms and roles are monolingual checks.
    """
    if clean_lang is not None and clean_lang != lang:
        return diff.cross_compare(garbled, clean, lang, clean_lang, mentions)
    found = [d for d in diff.compare(garbled, clean, lang) if d.weight == "meaning"]
    swap = _swapped_roles(garbled, clean)
    if swap and not any(d.kind == "roles" for d in found):
        found.insert(0, Divergence("roles", (0, len(garbled)), (0, len(clean)), "", "", "meaning", swap))
    return found


def compare(garbled: str, clean: str, lang: str = "en") -> list[str]:
    """Human-readable meaning-bearing differences of two aligned sentences (empty: none seen)."""
    return [d.describe() for d in divergences(garbled, clean, lang)]


def _phrase_edits(
    sentence: str, start: int, found: list[Divergence], ref: str, score: float
) -> list[Finding]:
    """Word-level adoption: each substitution's garbled words become the reference's, and an
    omission's words are put back where they belong.

    Insertions stay (the garbled copy may know something the reference left
    out: deleting it is no repair), and so do role flips and swaps, which are a
    whole sentence's matter: they remain flags for a reviewer.
    """
    out = []
    for d in found:
        if d.kind == "substitution" and d.clean_words:
            a, b = d.garbled
            replacement = d.clean_words
        elif d.kind == "omission" and d.clean_words:
            a = b = d.garbled[0]
            before = sentence[a - 1 : a] if a else ""
            replacement = (" " if before and not before.isspace() else "") + d.clean_words
            if a < len(sentence) and sentence[a].isalnum():
                replacement += " "
        else:
            continue
        out.append(
            Finding(
                RULE,
                start + a,
                start + b,
                sentence[a:b],
                replacement,
                f"{d.describe()}: adopted the reference's words (bead {ref}, score {score:.2f})",
                round(score, 4),
                ref,
            )
        )
    return out


# A caption describes a picture: "Smoke is seen…", "Protesters gather…" (seen, pictured, shown).
_CAPTION = re.compile(
    r"\b(?:is|are|was|were)\s+(?:seen|pictured|shown)\b|\b(?:pictured|file photo|photo)\b", re.IGNORECASE
)
# A dateline or a site's time stamp: "BAGHDAD (Reuters) –", "2021/07/08 | 05:32".
_DATELINE = re.compile(r"\A[A-Z][A-Z /,.-]+\((?:Reuters|AFP|AP|dpa)\)|\d{1,2}:\d{2}\b")


def _opens_paragraph(text: str, start: int) -> bool:
    """Only whitespace before ``start``, or a blank line and then spaces or tabs.

    Read backwards from ``start`` (no copy of the text before it: this is asked of
    every sentence of a document).
    """
    i = start
    while i and text[i - 1] in " \t":
        i -= 1
    if text[max(0, i - 2) : i] == "\n\n":
        return True
    while i and text[i - 1].isspace():
        i -= 1
    return i == 0


def _closes_paragraph(text: str, end: int) -> bool:
    """Only whitespace after ``end``, or spaces or tabs and then a blank line."""
    i, n = end, len(text)
    while i < n and text[i] in " \t":
        i += 1
    if text[i : i + 2] == "\n\n":
        return True
    while i < n and text[i].isspace():
        i += 1
    return i == n


def structure_line(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is a heading, byline, dateline or caption standing as its own paragraph.

    Only a unit that is its whole paragraph (blank lines or the text's edges
    around it) can be one: a sentence inside a paragraph is the story's.
    """
    unit = text[start:end]
    if not (_opens_paragraph(text, start) and _closes_paragraph(text, end)):
        return False
    words = unit.split()
    if is_special_line(unit) or (_DATELINE.search(unit) and len(words) <= 12):
        return True
    return len(words) <= 30 and _CAPTION.search(unit) is not None


def review(
    garbled: str,
    g_units: list[Unit],
    c_units: list[Unit],
    beads: list[Bead],
    *,
    policy: Policy,
    lang: str = "en",
    clean_lang: str | None = None,
    mentions: diff.Mentions | None = None,
) -> list[Finding]:
    """Flags and adoption edits for ``garbled``, located by its units' spans."""
    out: list[Finding] = []
    last_end = 0
    for k, bead in enumerate(beads):
        if bead.garbled:
            start, end = g_units[bead.garbled[0]].start, g_units[bead.garbled[-1]].end
            last_end = end
        if not bead.clean:
            if structure_line(garbled, start, end):
                continue  # a heading, byline, dateline or caption: no sentence of the story
            out.append(
                Finding(
                    RULE,
                    start,
                    end,
                    garbled[start:end],
                    None,
                    "inserted: no counterpart in the reference",
                    0.6,
                    None,
                )
            )
            continue
        clean_text = " ".join(c_units[j].text for j in bead.clean)
        ref = "clean:" + ",".join(str(j) for j in bead.clean)
        if not bead.garbled:
            if all(structure_line(c_units[j].text, 0, len(c_units[j].text)) for j in bead.clean):
                continue
            out.append(
                Finding(
                    RULE,
                    last_end,
                    last_end,
                    "",
                    None,
                    f"lost: the reference has {clean_text!r} here",
                    0.6,
                    ref,
                )
            )
            continue
        garbled_text = garbled[start:end]
        problems = divergences(garbled_text, clean_text, lang, clean_lang, mentions)
        for d in problems:
            # The garbled words of the divergence (an omission points between two words).
            out.append(
                Finding(
                    RULE,
                    start + d.garbled[0],
                    start + d.garbled[1],
                    garbled_text[d.garbled[0] : d.garbled[1]],
                    None,
                    f"{d.describe()} (reference: {clean_text!r}, score {bead.score:.2f})",
                    0.7,
                    ref,
                )
            )
        adopt = (policy.below is not None and bead.score < policy.below) or (policy.on_mismatch and problems)
        # Never a heading, byline, dateline or caption for a sentence (or back), never
        # a sentence of another language, and only where the pairing is certain.
        safe = (
            (clean_lang is None or clean_lang == lang)
            and certain(beads, k)
            and not structure_line(garbled, start, end)
            and not any(structure_line(c_units[j].text, 0, len(c_units[j].text)) for j in bead.clean)
        )
        if policy.phrases and safe:
            out.extend(_phrase_edits(garbled_text, start, problems, ref, bead.score))
        elif adopt and safe and garbled_text != clean_text:
            out.append(
                Finding(
                    RULE,
                    start,
                    end,
                    garbled_text,
                    clean_text,
                    f"replaced by reference sentence {ref} (bead score {bead.score:.2f})",
                    round(bead.score, 4),
                    ref,
                )
            )
    return out


def apply_reference(
    result: Result,
    reference: str,
    config: Config,
    *,
    backend: Backend | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    policy: Policy | None = None,
) -> tuple[Result, list[Bead]]:
    """Append a ``reference`` step to a cleaned document; also return the beads.

    The reference is cleaned with the same configuration first (it may carry
    the same scraper damage), then both are split into sentences and aligned as
    comparable documents: beads under ``min_score`` are left unaligned rather
    than forced, so an outlet's extra paragraphs produce "inserted"/"lost"
    reports instead of false mismatches.
    """
    from mtrepair.align.core import align
    from mtrepair.align.units import units
    from mtrepair.pipeline import apply_edits, clean_text, resolve

    clean_ref = clean_text(reference, config).text
    lang = config.lang
    g_units = units(result.text, "sentences", lang)
    c_units = units(clean_ref, "sentences", lang)
    g_kept, c_kept = prose_units(result.text, g_units), prose_units(clean_ref, c_units)
    prose = align(
        [g_units[i].text for i in g_kept],
        [c_units[j].text for j in c_kept],
        backend=backend,
        min_score=min_score,
    )
    beads = with_structure(prose, g_kept, c_kept, len(g_units), len(c_units))
    policy = policy or Policy()
    share = aligned_share(beads, len(g_units))
    related_only = share < RELATED_ONLY
    refused = related_only and policy.adopts and not policy.force
    if refused:
        policy = Policy()  # a related article, not a copy: flag, never replace
    g_lang, c_lang = Document(result.text, lang).lang, Document(clean_ref, "auto").lang
    found = review(
        result.text,
        g_units,
        c_units,
        beads,
        policy=policy,
        lang=g_lang,
        clean_lang=c_lang,
        mentions=glossary_mentions(config),
    )
    lexical = backend is None or getattr(backend, "name", "") == "lexical"
    if g_lang != c_lang and lexical:
        found.insert(
            0,
            Finding(
                RULE,
                0,
                0,
                "",
                None,
                f"the reference reads as {c_lang} and this text as {g_lang}: the lexical backend cannot "
                "pair sentences across languages (use --model e5); only numbers, names and negation "
                "are compared across languages",
                0.9,
                None,
            ),
        )
    if related_only:
        found.insert(
            0,
            Finding(
                RULE,
                0,
                0,
                "",
                None,
                f"the reference looks like a related article, not a copy of this text: {share:.0%} of its "
                "sentences are aligned"
                + ("; nothing adopted (--force-adopt adopts anyway)" if refused else ""),
                0.9,
                None,
            ),
        )
    edits, flags = resolve(found, len(result.text))
    if not edits and not flags:
        return result, beads
    step = Step(RULE, edits, flags)
    text = apply_edits(result.text, edits)
    return Result(result.original, text, (*result.steps, step), result.metadata), beads


DIVERGENCE_KINDS = ("substitution", "omission", "insertion", "roles")


def summarize(result: Result, beads: list[Bead]) -> dict[str, int]:
    """Counts for the run's summary line: beads by kind, divergences by kind, adoptions."""
    out = {
        "beads": len(beads),
        "aligned": sum(1 for b in beads if b.garbled and b.clean),
        "inserted": sum(1 for b in beads if b.garbled and not b.clean),
        "lost": sum(1 for b in beads if b.clean and not b.garbled),
        "adopted": 0,
    }
    out.update(dict.fromkeys(DIVERGENCE_KINDS, 0))
    for step in result.steps:
        if step.rule != RULE:
            continue
        out["adopted"] += len(step.edits)
        for f in step.flags:
            kind = f.message.split(" ", 1)[0].rstrip(":")
            if kind in DIVERGENCE_KINDS:
                out[kind] += 1
    return out


def glossary_mentions(config: Config) -> diff.Mentions | None:
    """The glossary entries a text mentions in its language (None without a glossary)."""
    terms = config.terms
    if terms is None:
        return None

    def mentions(text: str, lang: str) -> list[tuple[str, int, int]]:
        return [(entry.id, start, end) for entry, start, end in terms.occurrences(text, lang)]

    return mentions


def prose_units(text: str, units: list[Unit]) -> list[int]:
    """Indexes of the units that are sentences of the story, not structure lines (see structure_line)."""
    return [k for k, u in enumerate(units) if not structure_line(text, u.start, u.end)]


def with_structure(beads: list[Bead], g_kept: list[int], c_kept: list[int], n_g: int, n_c: int) -> list[Bead]:
    """Beads over all units, from beads over the kept (prose) units only.

    Structure lines (headings, bylines, datelines, captions) are left out of the
    alignment, so a caption is never merged into a sentence's bead; they come
    back here as beads of their own with no counterpart, in text order, and the
    report leaves them out of "inserted" and "lost".
    """
    g_rest = sorted(set(range(n_g)) - set(g_kept))
    c_rest = sorted(set(range(n_c)) - set(c_kept))
    out: list[Bead] = []
    for bead in beads:
        g_ids = tuple(g_kept[i] for i in bead.garbled)
        c_ids = tuple(c_kept[j] for j in bead.clean)
        while g_rest and g_ids and g_rest[0] < g_ids[0]:
            out.append(Bead((g_rest.pop(0),), (), 0.0))
        while c_rest and c_ids and c_rest[0] < c_ids[0]:
            out.append(Bead((), (c_rest.pop(0),), 0.0))
        out.append(Bead(g_ids, c_ids, bead.score))
    out += [Bead((i,), (), 0.0) for i in g_rest]
    out += [Bead((), (j,), 0.0) for j in c_rest]
    return out
