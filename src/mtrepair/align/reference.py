"""Reference-guided repair: compare a garbled copy with a clean version, bead by bead.

The aligner pairs the garbled copy's sentences with the clean version's. For each
aligned pair this module reports what translation visibly broke, with rule
``reference`` and a pointer (``ref``) to the clean sentence:

- numbers and quantities that differ (``14 rockets`` vs ``three rockets``),
- named entities and glossary terms present on one side only,
- negation present on one side only,
- who-did-what, where detectable: two entities shared by both sentences that
  appear in the opposite order (agent and patient swapped),
- inserted sentences (garbled only) and lost sentences (clean only).

These are flags. With an adoption policy, a garbled sentence is replaced by its
clean counterpart (an edit carrying the bead score and the reference position):
``below:SCORE`` adopts aligned sentences scoring under SCORE, ``mismatch``
adopts aligned sentences with at least one mismatch. Edits are ordinary steps of
the clean pipeline, so undo and replay cover them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from mtrepair.align import Backend, Bead, Unit
from mtrepair.config import Config
from mtrepair.errors import ConfigError
from mtrepair.model import Finding, Result, Step

RULE = "reference"
DEFAULT_MIN_SCORE = 0.2
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
    "dozens": 24,
}
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*\b|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|without|denied|denies)\b|n['’]t\b", re.I)
_ENTITY = re.compile(
    r"(?<![.!?]\s)(?<!^)\b([A-Z][\w'’.-]*[\w'’]+(?:\s+(?:al-|bin\s)?[A-Z][\w'’.-]*[\w'’]+)*)"
)
_STOP_CAPS = frozenset(
    [
        "The",
        "A",
        "An",
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "This",
        "That",
        "These",
        "Those",
        "But",
        "And",
        "In",
        "On",
        "At",
        "As",
        "If",
        "When",
        "While",
        "There",
        "His",
        "Her",
        "Its",
        "Their",
        "Our",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)


@dataclass(frozen=True)
class Policy:
    """When to replace a garbled sentence by its clean counterpart."""

    below: float | None = None
    on_mismatch: bool = False

    @classmethod
    def parse(cls, spec: str | None) -> Policy:
        if not spec or spec == "none":
            return cls()
        if spec == "mismatch":
            return cls(on_mismatch=True)
        if spec.startswith("below:"):
            try:
                value = float(spec.split(":", 1)[1])
            except ValueError:
                value = -1.0
            if 0.0 <= value <= 1.0:
                return cls(below=value)
        raise ConfigError(f"--adopt {spec!r}: use none, mismatch or below:SCORE with SCORE in [0, 1]")


def numbers(text: str) -> Counter[float]:
    out: Counter[float] = Counter()
    for m in _NUMBER.finditer(text):
        tok = m.group().lower()
        if tok in _NUMBER_WORDS:
            out[float(_NUMBER_WORDS[tok])] += 1
        else:
            try:
                out[float(tok.replace(",", ""))] += 1
            except ValueError:
                continue
    return out


def entities(text: str) -> list[str]:
    """Capitalized name sequences that are not sentence-initial function words."""
    found = []
    for m in _ENTITY.finditer(text):
        words = [w.replace(".", "") for w in m.group(1).split() if w not in _STOP_CAPS]
        if words:
            found.append(" ".join(words))
    return found


def _canon(names: list[str], canonical: dict[str, str]) -> list[str]:
    return [canonical.get(n.lower(), n) for n in names]


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


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{x:g}" for x in values) or "none"


def compare(garbled: str, clean: str, canonical: dict[str, str] | None = None) -> list[str]:
    """Human-readable mismatches between two aligned sentences (empty: none seen)."""
    canonical = canonical or {}
    problems = []
    g_num, c_num = numbers(garbled), numbers(clean)
    if g_num != c_num:
        only_g = sorted((g_num - c_num).elements())
        only_c = sorted((c_num - g_num).elements())
        problems.append(f"numbers differ: garbled has {_fmt(only_g)}, reference has {_fmt(only_c)}")
    g_ent = _canon(entities(garbled), canonical)
    c_ent = _canon(entities(clean), canonical)
    low_g, low_c = {e.lower() for e in g_ent}, {e.lower() for e in c_ent}
    missing = [e for e in dict.fromkeys(c_ent) if e.lower() not in low_g and e.lower() not in garbled.lower()]
    extra = [e for e in dict.fromkeys(g_ent) if e.lower() not in low_c and e.lower() not in clean.lower()]
    if missing:
        problems.append(f"names in the reference only: {', '.join(missing)}")
    if extra:
        problems.append(f"names in the garbled copy only: {', '.join(extra)}")
    if bool(_NEGATION.search(garbled)) != bool(_NEGATION.search(clean)):
        side = "garbled copy" if _NEGATION.search(garbled) else "reference"
        problems.append(f"negation only in the {side}")
    swap = _swapped_roles(garbled, clean)
    if swap:
        problems.append(swap)
    return problems


def review(
    garbled: str,
    g_units: list[Unit],
    c_units: list[Unit],
    beads: list[Bead],
    *,
    policy: Policy,
    canonical: dict[str, str] | None = None,
) -> list[Finding]:
    """Flags and adoption edits for ``garbled``, located by its units' spans."""
    out: list[Finding] = []
    last_end = 0
    for bead in beads:
        if bead.garbled:
            start, end = g_units[bead.garbled[0]].start, g_units[bead.garbled[-1]].end
            last_end = end
        if not bead.clean:
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
        problems = compare(garbled_text, clean_text, canonical)
        for p in problems:
            out.append(
                Finding(
                    RULE,
                    start,
                    end,
                    garbled_text,
                    None,
                    f"{p} (reference: {clean_text!r}, score {bead.score:.2f})",
                    0.7,
                    ref,
                )
            )
        adopt = (policy.below is not None and bead.score < policy.below) or (policy.on_mismatch and problems)
        if adopt and garbled_text != clean_text:
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
    beads = align([u.text for u in g_units], [u.text for u in c_units], backend=backend, min_score=min_score)
    found = review(result.text, g_units, c_units, beads, policy=policy or Policy())
    edits, flags = resolve(found, len(result.text))
    if not edits and not flags:
        return result, beads
    step = Step(RULE, edits, flags)
    text = apply_edits(result.text, edits)
    return Result(result.original, text, (*result.steps, step), result.metadata), beads
