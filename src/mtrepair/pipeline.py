"""Run the rules: detect, clean (to a fixed point), apply, replay and undo edits.

``clean`` applies one rule at a time to the output of the previous one and records
each application as a :class:`~mtrepair.model.Step`. Undo walks the steps
backwards; replay walks them forwards; both verify every edit against the text, so
a report applied to the wrong file fails loudly instead of corrupting it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import replace

from mtrepair.config import Config
from mtrepair.errors import ConfigError, ReportError
from mtrepair.model import Finding, Result, Step
from mtrepair.registry import RULES, Rule
from mtrepair.rules import PIPELINE
from mtrepair.rules.lines import metadata_from
from mtrepair.segment import Document


def active_rules(config: Config) -> list[Rule]:
    unknown = config.disabled - RULES.keys()
    if unknown:
        raise ConfigError(f"unknown rule(s) {', '.join(sorted(unknown))}; see `mtrepair rules`")
    return [RULES[name] for name in PIPELINE if name not in config.disabled]


def resolve(findings: Iterable[Finding], length: int) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """Split findings into non-overlapping edits (first come wins) and flags."""
    edits: list[Finding] = []
    flags: list[Finding] = []
    for f in findings:
        if not 0 <= f.start <= f.end <= length:
            raise ValueError(f"rule {f.rule} produced an out-of-range span {f.start}..{f.end}")
        (edits if f.replacement is not None else flags).append(f)
    edits.sort(key=lambda f: (f.start, f.end))
    kept: list[Finding] = []
    for e in edits:
        if e.replacement == e.original:
            continue
        if kept and (e.start < kept[-1].end or (e.start == kept[-1].start and e.start == e.end)):
            continue
        kept.append(e)
    flags.sort(key=lambda f: (f.start, f.end))
    return tuple(kept), tuple(flags)


def apply_edits(text: str, edits: Sequence[Finding]) -> str:
    """Apply sorted, non-overlapping edits whose ``start``/``end`` index ``text``."""
    out: list[str] = []
    pos = 0
    for e in edits:
        if text[e.start : e.end] != e.original:
            raise ReportError(
                f"edit {e.rule} at {e.start}..{e.end} expects {e.original!r} "
                f"but the text has {text[e.start : e.end]!r}"
            )
        out.append(text[pos : e.start])
        out.append(e.replacement or "")
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def unapply_edits(text: str, edits: Sequence[Finding]) -> str:
    """Invert :func:`apply_edits`: ``text`` is its output, the result its input."""
    out: list[str] = []
    pos = 0
    shift = 0
    for e in edits:
        repl = e.replacement or ""
        out_start = e.start + shift
        out_end = out_start + len(repl)
        if out_start < pos or text[out_start:out_end] != repl:
            raise ReportError(
                f"edit {e.rule} expects {repl!r} at {out_start} of the repaired text "
                f"but finds {text[out_start:out_end]!r}: the file or the report has changed"
            )
        out.append(text[pos:out_start])
        out.append(e.original)
        pos = out_end
        shift += len(repl) - (e.end - e.start)
    out.append(text[pos:])
    return "".join(out)


def clean_text(text: str, config: Config | None = None) -> Result:
    """Repair ``text`` with every active rule, repeating until nothing changes.

    Repeating to a fixed point (at most ``config.max_rounds`` rounds) is what
    makes ``clean(clean(x)) == clean(x)``: a repair may expose damage an earlier
    rule could not see. Flags are collected in the first round only, where they
    describe the text as the user gave it.
    """
    config = config or Config()
    bom = _BOM if text.startswith(_BOM) else ""
    if bom:
        # Every rule reads the text after a byte-order mark exactly as it would read
        # the same text without one (a rule anchored at the start, such as metadata,
        # must not see U+FEFF there); the mark stays in the output so undo is exact.
        return _with_prefix(bom, clean_text(text[len(bom) :], config))
    rules = active_rules(config)
    steps: list[Step] = []
    current = text
    # What each rule last read and found nothing in, per language: a rule is a pure
    # function of the text, so reading the same text again finds nothing again. In
    # the confirming round this skips every rule after the last one that edited.
    idle: dict[str, tuple[str, str]] = {}
    for round_no in range(config.max_rounds):
        # Guess the language afresh each round: a repair can remove the words the
        # guess rested on (the "by" of a removed banner), and the round that finds
        # nothing left to do must read the text as a second clean() would read it.
        lang = Document(current, config.lang).lang
        changed = False
        doc = Document(current, lang)  # rebuilt only when a rule changed the text
        for r in rules:
            if (round_no and not r.repairs) or r.name in doc.data.disabled_rules:
                continue  # disabled_rules: off for this language, data/lang/*.json says why
            seen = idle.get(r.name)
            if seen is not None and seen[0] is current and seen[1] == lang:
                continue
            found = [f for f in r.detect(doc, config) if f.confidence >= config.min_confidence]
            if r.name in doc.data.flag_only_rules:
                if round_no:
                    continue  # flags come from the first round only
                found = [_as_flag(f, doc.data.flag_only_reason(r.name) or "") for f in found]
            edits, flags = resolve(found, len(current))
            if not edits and not flags:
                idle[r.name] = (current, lang)
                continue
            steps.append(Step(r.name, edits, flags))
            if edits:
                current = apply_edits(current, edits)
                doc = Document(current, lang)
                changed = True
        if not changed:
            break
    metadata: dict[str, str] = {}
    for s in steps:
        if s.rule == "metadata":
            for e in s.edits:
                metadata.update(metadata_from(e.original))
    return Result(text, current, tuple(steps), metadata)


_BOM = "\ufeff"


def _as_flag(f: Finding, why: str) -> Finding:
    """A repair turned into a flag, for a rule that only flags on the document's language."""
    if f.replacement is None:
        return f
    return replace(f, replacement=None, message=f"{f.message} (flagged, not repaired: {why})")


def _shift(f: Finding, by: int) -> Finding:
    return replace(f, start=f.start + by, end=f.end + by)


def _with_prefix(prefix: str, result: Result) -> Result:
    """``result`` of the text after ``prefix``, as the result of the whole text.

    Every edit and flag moves right by the prefix's length, so the steps undo and
    replay on the text with the prefix exactly as they do on the text without it.
    """
    n = len(prefix)
    steps = tuple(
        Step(s.rule, tuple(_shift(e, n) for e in s.edits), tuple(_shift(f, n) for f in s.flags))
        for s in result.steps
    )
    return Result(prefix + result.original, prefix + result.text, steps, result.metadata)


def undo(text: str, steps: Sequence[Step]) -> str:
    """The input of the steps, given their output."""
    for s in reversed(steps):
        text = unapply_edits(text, s.edits)
    return text


def replay(text: str, steps: Sequence[Step]) -> str:
    """The output of the steps, given their input."""
    for s in steps:
        text = apply_edits(text, s.edits)
    return text


class _Mapper:
    """Maps offsets in a step's output back to its input."""

    def __init__(self, edits: Sequence[Finding]) -> None:
        self.edits = edits
        self.out_starts: list[int] = []
        self.shifts: list[int] = []  # shift after each edit
        shift = 0
        for e in edits:
            self.out_starts.append(e.start + shift)
            shift += len(e.replacement or "") - (e.end - e.start)
            self.shifts.append(shift)

    def back(self, pos: int, side: str) -> int:
        i = bisect.bisect_right(self.out_starts, pos) - 1
        if i < 0:
            return pos
        e = self.edits[i]
        out_start = self.out_starts[i]
        out_end = out_start + len(e.replacement or "")
        if pos == out_start:
            return e.start
        if pos < out_end:
            return e.start if side == "start" else e.end
        return pos - self.shifts[i]


def locate(steps: Sequence[Step]) -> list[Step]:
    """The same steps with every edit and flag located in the original input.

    Edits of later steps may fall on text an earlier step wrote; they map to the
    span of that earlier edit. ``original`` keeps the text the rule saw.
    """
    mappers: list[_Mapper] = []
    out: list[Step] = []
    for s in steps:

        def back(f: Finding) -> Finding:
            start, end = f.start, f.end
            for m in reversed(mappers):
                start, end = m.back(start, "start"), m.back(end, "end")
            return replace(f, start=start, end=max(start, end))

        out.append(Step(s.rule, tuple(map(back, s.edits)), tuple(map(back, s.flags))))
        mappers.append(_Mapper(s.edits))
    return out


def to_input(steps: Sequence[Step]) -> list[Finding]:
    """Every edit and flag of ``steps``, located in the original input, in order."""
    found = [f for s in locate(steps) for f in (*s.edits, *s.flags)]
    found.sort(key=lambda f: (f.start, f.end))
    return found


def detect_text(text: str, config: Config | None = None) -> list[Finding]:
    """What ``clean`` would repair or flag, located in ``text`` itself."""
    return to_input(clean_text(text, config).steps)
