"""Fuzz targets: what each component must do with any input.

A target is a strategy, a ``check`` and a JSON codec for its inputs. ``check``
raises ``AssertionError`` when a promise is broken; any other exception escaping
it is a finding too (a crash), except the documented domain errors where a
target allows them (:class:`~mtrepair.errors.MtrepairError` for readers and
parsers: a clear one-line message is the correct answer to bad input).

The same checks run in three places: ``make fuzz`` (at scale, see
:mod:`fuzz.run`), the saved regression cases (``tests/test_fuzz_regressions.py``)
and, for some, the property tests.
"""

from __future__ import annotations

import atexit
import base64
import gzip
import io
import itertools
import json
import math
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from fuzz import strategies as gen
from mtrepair.config import Config
from mtrepair.errors import MtrepairError
from mtrepair.glossary import Glossary, Matcher, default_paths, load
from mtrepair.glossary.normalize import key, normalize
from mtrepair.langdata import LANGUAGES
from mtrepair.model import Finding, Result, Step
from mtrepair.pipeline import clean_text, detect_text, locate, replay, undo
from mtrepair.registry import RULES
from mtrepair.segment import Document


@dataclass(frozen=True)
class Target:
    name: str
    doc: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]
    to_json: Callable[[Any], Any]
    from_json: Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _bytes_to_json(data: bytes) -> dict[str, str]:
    return {"base64": base64.b64encode(data).decode("ascii"), "latin1": data.decode("latin-1")}


def _bytes_from_json(value: Any) -> bytes:
    return base64.b64decode(value["base64"])


@cache
def glossary_config() -> Config:
    """The configuration the CLI uses by default: every rule plus the shipped glossary."""
    return Config().with_glossary(default_paths())


def _one_line(exc: BaseException) -> None:
    message = str(exc)
    assert message.strip(), f"{type(exc).__name__} without a message"
    assert "\n" not in message and "\r" not in message, f"multi-line error message: {message!r}"


# --- shared invariants -------------------------------------------------------------


def check_step_edits(text: str, steps: Sequence[Step]) -> None:
    """Each step's edits are sorted, disjoint, inside that step's input and name what they replace."""
    current = text
    for step in steps:
        previous: Finding | None = None
        for e in step.edits:
            assert e.rule == step.rule, (step.rule, e)
            assert 0 <= e.start <= e.end <= len(current), (step.rule, e, len(current))
            assert current[e.start : e.end] == e.original, (step.rule, e)
            assert e.replacement is not None and e.replacement != e.original, (step.rule, e)
            if previous is not None:
                assert previous.end <= e.start, ("overlap", step.rule, previous, e)
                assert (previous.start, previous.end) < (e.start, e.end), ("order", step.rule, previous, e)
            previous = e
        for f in step.flags:
            assert 0 <= f.start <= f.end <= len(current), (step.rule, f, len(current))
        current = replay(current, (step,))


def check_located(text: str, steps: Sequence[Step]) -> None:
    """Edits and flags located in the original input lie inside it."""
    for s in locate(steps):
        for f in (*s.edits, *s.flags):
            assert 0 <= f.start <= f.end <= len(text), ("located out of range", f, len(text))


def check_round_trip(text: str, result: Result) -> None:
    assert result.original == text
    assert undo(result.text, result.steps) == text, "undo does not restore the input"
    assert replay(text, result.steps) == result.text, "replay does not rebuild the output"


def check_report_round_trip(text: str, result: Result) -> None:
    """Undo through the JSON edit report, as ``mtrepair undo --report`` does it."""
    from mtrepair.report import document_entry, steps_of

    entry = json.loads(json.dumps(document_entry("fuzz", "fuzz", result)))
    assert undo(result.text, steps_of(entry)) == text, "undo from the JSON report does not restore the input"
    for e in entry["edits"]:
        assert 0 <= e["input"]["start"] <= e["input"]["end"] <= len(text), e
    for f in entry["flags"]:
        assert 0 <= f["start"] <= f["end"] <= len(text), f


# --- segmenter ---------------------------------------------------------------------


def check_segment(text: str) -> None:
    """Lines, gaps, blocks and sentences are ordered, disjoint, trimmed spans that
    together hold every non-space character exactly once (in every language)."""
    for lang in ("auto", *LANGUAGES):
        doc = Document(text, lang)
        n = len(text)
        starts = doc.line_starts
        assert starts[0] == 0 and all(a < b for a, b in itertools.pairwise(starts))
        assert len(doc.lines) == text.count("\n") + 1
        for line in doc.lines:
            assert "\n" not in text[line.start : line.end]
        last = -1
        for g in doc.gaps:
            gap = text[g.start : g.end]
            assert 0 <= g.start < g.end <= n and g.start >= last, g
            assert not gap.strip() and gap.count("\n") == g.newlines >= 2, g
            last = g.end
        owner = [0] * n
        prev_end = 0
        for b in doc.blocks:
            assert prev_end <= b.start < b.end <= n, b
            chunk = text[b.start : b.end]
            assert chunk == chunk.strip() and chunk, b
            prev_end = b.end
        block_of = {}
        for i, b in enumerate(doc.blocks):
            for k in range(b.start, b.end):
                block_of[k] = i
        prev_end = 0
        for s in doc.sentences:
            assert prev_end <= s.start < s.end <= n, s
            chunk = text[s.start : s.end]
            assert chunk == chunk.strip() and chunk, (lang, s, chunk)
            assert block_of.get(s.start) == block_of.get(s.end - 1) is not None, (
                "sentence crosses a block",
                s,
            )
            for k in range(s.start, s.end):
                owner[k] += 1
            prev_end = s.end
        for k, c in enumerate(text):
            if not c.isspace():
                assert owner[k] == 1, (lang, "character not in exactly one sentence", k, c)
        for offset in (0, n // 2, n):
            number = doc.line_of(offset)
            assert 1 <= number <= len(starts), (offset, number)


# --- detectors ---------------------------------------------------------------------


def check_detectors(text: str) -> None:
    """Every registered rule, alone on the text: findings well-formed and in range;
    then the whole pipeline's findings located in the input."""
    config = glossary_config()
    doc = Document(text, config.lang)
    for name, r in RULES.items():
        for f in r.detect(doc, config):
            assert f.rule == name, (name, f)
            assert 0 <= f.start <= f.end <= len(text), (name, f, len(text))
            assert f.original == text[f.start : f.end], (name, f)
            assert 0.0 <= f.confidence <= 1.0, (name, f)
            assert isinstance(f.message, str) and f.message, (name, f)
            assert f.replacement is None or isinstance(f.replacement, str), (name, f)
    for f in detect_text(text, config):
        assert 0 <= f.start <= f.end <= len(text), (f, len(text))


# --- clean / undo ------------------------------------------------------------------


def check_clean_undo(text: str) -> None:
    """clean with the shipped glossary: undo and replay exact, edits well-formed,
    the JSON report undoes too."""
    result = clean_text(text, glossary_config())
    check_step_edits(text, result.steps)
    check_round_trip(text, result)
    check_located(text, result.steps)
    check_report_round_trip(text, result)


def check_idempotent(text: str) -> None:
    """clean(clean(x)) == clean(x), with the shipped glossary."""
    once = clean_text(text, glossary_config()).text
    twice = clean_text(once, glossary_config())
    assert twice.text == once, ("clean is not idempotent", twice.edits[:3])


# --- JSONL reader ------------------------------------------------------------------

_WORKDIR: Path | None = None


def _workdir() -> Path:
    global _WORKDIR
    if _WORKDIR is None:
        _WORKDIR = Path(tempfile.mkdtemp(prefix="mtrepair-fuzz-"))
        atexit.register(shutil.rmtree, _WORKDIR, ignore_errors=True)
    return _WORKDIR


def _read_all(path: Path, encoding: str, stdin: bytes | None = None) -> None:
    from mtrepair.io import ReadProblems, read_documents

    problems = ReadProblems()
    try:
        docs = list(
            read_documents([str(path)], encoding=encoding, problems=problems, stdin=io.BytesIO(stdin or b""))
        )
    except MtrepairError as exc:
        _one_line(exc)
        return
    for m in problems.messages:
        assert "\n" not in m and "\r" not in m, f"multi-line problem: {m!r}"
    for s in problems.skipped:
        assert s.line >= 1 and s.reason, s
    for d in docs:
        assert isinstance(d.text, str) and isinstance(d.id, str), d
        # A document the reader yields can be written out again (text, JSONL, report).
        d.text.encode("utf-8")
        if d.record is not None:
            json.dumps(d.record, ensure_ascii=False).encode("utf-8")
            assert d.record.get("text") == d.text


def check_jsonl(data: bytes) -> None:
    """read_documents on any bytes (as .jsonl, .jsonl.gz, corrupt .gz, .txt, stdin):
    documents, skipped-record messages, or a one-line MtrepairError; nothing else."""
    folder = _workdir()
    cases = (
        ("in.jsonl", data),
        ("in.jsonl.gz", gzip.compress(data, mtime=0)),
        ("raw.jsonl.gz", data),
        ("in.txt", data),
    )
    for name, payload in cases:
        path = folder / name
        path.write_bytes(payload)
        for encoding in ("utf-8", "latin-1", "utf-16", "no-such-codec"):
            _read_all(path, encoding)
    for encoding in ("utf-8", "latin-1"):
        _read_all(Path("-"), encoding, stdin=data)


# --- glossary parser ---------------------------------------------------------------


def _entry_tuple(e: Any) -> tuple[Any, ...]:
    ctx = None if e.context is None else tuple(getattr(e.context, f.name) for f in fields(e.context))
    variants = tuple(sorted((lang, tuple(forms)) for lang, forms in e.variants.items() if forms))
    return (e.id, e.canonical, e.type, e.note, variants, ctx)


def _sample_text(g: Glossary) -> str:
    """Prose that mentions every form of every entry, with and without its context words."""
    parts = []
    for e in g.entries:
        parts.append(f"The {e.canonical} said.")
        for _, v in e.all_variants():
            parts.append(f"Near {v} today.")
            if e.context:
                for w in e.context.followed_by[:1]:
                    parts.append(f"At {v} {w} now.")
                for w in e.context.never_after[:1]:
                    parts.append(f"{w} {v} spoke.")
    return " ".join(parts)


def check_matches_outside(text: str, steps: Sequence[Step], matcher: Matcher) -> None:
    """Glossary edits change only spans inside an occurrence of one of their entry's
    forms; everything outside the edited spans is kept."""
    current = text
    entries = {e.id: e for e in matcher.glossary.entries}
    for step in steps:
        if step.rule == "glossary":
            norm = normalize(current)
            for e in step.edits:
                entry = entries.get(e.ref or "")
                assert entry is not None, ("glossary edit without its entry", e)
                forms = [entry.canonical, *(v for _, v in entry.all_variants())]
                inside = False
                for form in forms:
                    k = key(form)
                    pos = norm.text.find(k) if k else -1
                    while pos >= 0 and not inside:
                        start, end = norm.original(pos), norm.original(pos + len(k) - 1) + 1
                        inside = start <= e.start and e.end <= end
                        pos = norm.text.find(k, pos + 1)
                    if inside:
                        break
                assert inside, ("glossary edit outside any form of its entry", e)
            after = replay(current, (step,))
            # The text between edits is untouched: strip the edited spans from both sides.
            kept_in, kept_out, pos, shift = [], [], 0, 0
            for e in step.edits:
                kept_in.append(current[pos : e.start])
                pos = e.end
            kept_in.append(current[pos:])
            pos = 0
            for e in step.edits:
                out_start = e.start + shift
                kept_out.append(after[pos:out_start])
                pos = out_start + len(e.replacement or "")
                shift += len(e.replacement or "") - (e.end - e.start)
            kept_out.append(after[pos:])
            assert kept_in == kept_out, "glossary changed text outside its edits"
        current = replay(current, (step,))


def check_glossary(data: bytes) -> None:
    """Loading any bytes as a glossary: a Glossary or a one-line MtrepairError.

    A glossary that loads must compile, lint, normalize prose mentioning its own
    forms losslessly (undo exact, nothing changed outside matched variants), and
    survive a TBX and a CSV export/import round trip unchanged.
    """
    from mtrepair.glossary import lint
    from mtrepair.glossary.exchange import from_csv, from_tbx, to_csv, to_tbx

    path = _workdir() / "glossary.toml"
    path.write_bytes(data)
    try:
        g = load([path])
    except MtrepairError as exc:
        _one_line(exc)
        return
    for problem in lint.check(g):
        assert "\n" not in str(problem), problem
    matcher = Matcher(g)
    text = _sample_text(g)
    for lang in ("en", "ar", "fr"):
        last = 0
        for m in matcher.find(text, lang):
            assert last <= m.start <= m.end <= len(text), m
            assert text[m.start : m.end] == m.original, m
            last = m.end
    config = Config(terms=matcher, disabled=frozenset(RULES) - {"glossary"})
    for sample in (text, text.upper()):
        result = clean_text(sample, config)
        check_step_edits(sample, result.steps)
        check_round_trip(sample, result)
        check_matches_outside(sample, result.steps, matcher)
    expected = [_entry_tuple(e) for e in g.entries]
    for name, export, parse in (("TBX", to_tbx, from_tbx), ("CSV", to_csv, from_csv)):
        try:
            back = parse(export(g), "export")
        except MtrepairError as exc:
            raise AssertionError(f"a valid glossary's {name} export does not import: {exc}") from None
        assert [_entry_tuple(e) for e in back.entries] == expected, f"{name} round trip changed the glossary"


# --- aligner -----------------------------------------------------------------------


@st.composite
def align_case(draw: st.DrawFn) -> dict[str, Any]:
    clean = draw(st.lists(gen.sentence(), max_size=12))
    kind = draw(st.integers(0, 3))
    if kind == 0:
        garbled = draw(gen.any_text)
    else:
        # The clean sentences, damaged: some split or merged, some lost, some added.
        pieces = []
        for s in clean:
            action = draw(st.integers(0, 6))
            if action == 0:
                continue
            if action == 1:
                cut = len(s) // 2
                pieces += [s[:cut] + ".", s[cut:]]
            elif action == 2:
                pieces.append(draw(gen.sentence()))
                pieces.append(s)
            else:
                pieces.append(s)
        garbled = draw(st.sampled_from(("\n\n\n\n", " ", "\n"))).join(pieces)
    return {
        "garbled": garbled,
        "clean": draw(st.sampled_from((" ", "\n\n", "\n"))).join(clean),
        "units": draw(st.sampled_from(("sentences", "lines"))),
        "max_bead": draw(st.integers(1, 3)),
        "min_score": draw(st.sampled_from((0.0, 0.0, 0.3))),
    }


def check_align_case(case: dict[str, Any]) -> None:
    """Units are exact spans; beads cover every unit of both sides exactly once, in order."""
    from mtrepair.align.core import align
    from mtrepair.align.units import units

    sides = []
    for name in ("garbled", "clean"):
        text = case[name]
        us = units(text, case["units"])
        last = 0
        for u in us:
            assert last <= u.start < u.end <= len(text) and text[u.start : u.end] == u.text, (name, u)
            last = u.end
        sides.append([u.text for u in us])
    beads = align(sides[0], sides[1], max_bead=case["max_bead"], min_score=case["min_score"])
    check_beads(beads, len(sides[0]), len(sides[1]), case["max_bead"])


def check_beads(beads: Sequence[Any], n: int, m: int, max_bead: int) -> None:
    g = [i for b in beads for i in b.garbled]
    c = [j for b in beads for j in b.clean]
    assert g == list(range(n)), ("garbled units not covered once, in order", g, n)
    assert c == list(range(m)), ("clean units not covered once, in order", c, m)
    for b in beads:
        assert b.garbled or b.clean, ("empty bead", b)
        assert len(b.garbled) <= max_bead and len(b.clean) <= max_bead, (b, max_bead)
        assert math.isfinite(b.score) and 0.0 <= b.score <= 1.0, b
        assert list(b.garbled) == sorted(b.garbled) and list(b.clean) == sorted(b.clean), b


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("segment", check_segment.__doc__ or "", gen.any_text, check_segment, _same, _same),
        Target("detect", check_detectors.__doc__ or "", gen.any_text, check_detectors, _same, _same),
        Target("clean_undo", check_clean_undo.__doc__ or "", gen.any_text, check_clean_undo, _same, _same),
        Target("idempotent", check_idempotent.__doc__ or "", gen.any_text, check_idempotent, _same, _same),
        Target(
            "jsonl",
            check_jsonl.__doc__ or "",
            gen.jsonl_bytes(),
            check_jsonl,
            _bytes_to_json,
            _bytes_from_json,
        ),
        Target(
            "glossary",
            check_glossary.__doc__ or "",
            gen.glossary_bytes(),
            check_glossary,
            _bytes_to_json,
            _bytes_from_json,
        ),
        Target("align", check_align_case.__doc__ or "", align_case(), check_align_case, _same, _same),
    )
}
