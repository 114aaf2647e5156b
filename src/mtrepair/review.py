"""The HTML review page: every edit of a ``clean`` run, side by side, in one file.

An analyst wants to look, not read JSON. ``mtrepair clean ... --html review.html``
writes one self-contained page: the original and the repaired text of each
document side by side, every edit highlighted in both (one element per edit in
the original column, ``class="edit"`` with ``data-rule``; its twin in the
repaired column points back with ``data-of``), flags marked, a summary on top
(counts per rule and per document, glossary entries applied, metrics against a
reference), filters and keyboard navigation.

Design decisions:

- The page consumes the report's own entries (:func:`mtrepair.report.document_entry`)
  plus the original and repaired texts, so what the page shows is what the JSON
  report says, edit for edit. An edit's span in the original comes from the
  report (``input``); its span in the repaired text is computed here by mapping
  its step's output forward through the later steps.
- Streaming: each document section is written to a spool file on disk as soon
  as the document is cleaned; only the small summary is kept in memory. The
  summary must come first in the page, so the page is assembled at the end
  (head, summary, then the spool copied through).
- Safety: every piece of document text goes through :func:`html.escape`; the page
  carries a Content-Security-Policy that allows no network load at all and runs
  only the page's own script and style, pinned by their SHA-256 hashes (so even
  markup that slipped through escaping could not run a script). No ``style``
  attributes, no external fonts, images, scripts or links.
- The per-sentence garble score comes from :mod:`mtrepair.qe` when that optional
  package is importable and works; otherwise the page says why it has no heat strip.
- One language per document, the one ``clean`` read it in (``--lang``, or guessed
  from the original's stopwords, as the pipeline's first round guesses it). Both
  columns are scored in it: scored as English, every French or Arabic sentence
  trips the ``foreign_language`` floor and the heat strip shows 1.00 throughout.
  The text columns and their heat strips carry ``lang`` and ``dir`` from it, so
  an Arabic paragraph is aligned right and its final ``.`` (neutral to the bidi
  algorithm, it takes the box's direction) ends the line on the left instead of
  being stranded at the right, as an LTR box draws it; ``؟`` and ``،`` are
  Arabic letters to the algorithm and were never the problem.
  Per document rather than ``dir="auto"``: auto takes the direction from the first
  strong letter, and an Arabic dispatch opening on a Latin "AFP" would go LTR.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import html
import importlib
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from mtrepair import __version__, langdata
from mtrepair.config import Config
from mtrepair.io import atomic_writer
from mtrepair.model import Finding
from mtrepair.registry import RULES
from mtrepair.report import steps_of

if TYPE_CHECKING:  # pragma: no cover - typing only
    from mtrepair.corpus import ReferenceSpec

# Words a garble scorer flags in one sentence: (start, end, P(BAD)), offsets into that sentence.
Words = tuple[tuple[int, int, float], ...]
# A garble scorer: sentences in, one (score in [0, 1], reason) or (score, reason, words) per
# sentence out.
GarbleScorer = Callable[[Sequence[str]], Sequence[tuple[float, str] | tuple[float, str, Words]]]

FAMILY_COLOURS: dict[str, tuple[str, str]] = {
    # family: (tint, ink). Tints stay light so the text remains readable on them.
    "structure": ("#dbeafe", "#1d4ed8"),
    "encoding": ("#ede9fe", "#6d28d9"),
    "language": ("#ccfbf1", "#0f766e"),
    "metadata": ("#e5e7eb", "#374151"),
    "boilerplate": ("#fef3c7", "#b45309"),
    "whitespace": ("#e0f2fe", "#0369a1"),
    "glossary": ("#dcfce7", "#15803d"),
    "token": ("#ffedd5", "#c2410c"),
    "reference": ("#fee2e2", "#b91c1c"),
    "other": ("#fce7f3", "#be185d"),
}
_HEAT_LEVELS = 10
# A word the learned QE model gives at least this P(BAD) is underlined strongly. Every word
# above the model's own threshold (tuned for MCC on MLQE-PE, about 0.44) is marked, but in MT
# news that is a quarter to a third of the words (29% of seed 002's); the strong mark (10%
# there) is where a reviewer's eye should go first.
STRONG_BAD = 0.6
# Languages written right to left (those mtrepair has data for, and a few it may get).
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "ckb", "sd", "ug", "dv"})


def family_of(rule: str) -> str:
    """The rule's family from the registry (``reference`` and unknown rules have their own)."""
    if rule == "reference":
        return "reference"
    r = RULES.get(rule)
    return r.family if r is not None and r.family in FAMILY_COLOURS else "other"


def esc(text: str) -> str:
    """Escape text and attribute values alike (quotes too), and drop lone surrogates.

    A JSONL record can carry a lone surrogate (``"\\ud800"``), which UTF-8 cannot
    encode; the page shows U+FFFD for it rather than failing to write.
    """
    if any("\ud800" <= c <= "\udfff" for c in text if c >= "\ud800"):
        text = text.encode("utf-8", "replace").decode("utf-8")
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------- markup


@dataclass(frozen=True)
class Mark:
    """A span of a text to wrap in an element.

    ``layer`` orders marks sharing a start (outer first: sentences, flags,
    edits). Marks may cross; :func:`markup` then closes the inner one and reopens
    it as a continuation (``cont``), so the HTML stays well formed and each mark
    still has exactly one primary element (``open``).
    """

    start: int
    end: int
    layer: int
    open: str
    cont: str
    shows_space: bool = False  # draw line breaks inside (edits are often whitespace-only)


def _text(chunk: str, shows_space: bool) -> str:
    out = esc(chunk).replace("\r", "&#13;")
    if shows_space:
        out = out.replace("\n", '<i class="nl"></i>\n').replace("&#13;", '<i class="cr"></i>&#13;')
    return out


def markup(text: str, marks: Iterable[Mark]) -> Iterator[str]:
    """``text`` escaped, with ``marks`` as (possibly split) ``<span>`` elements.

    Zero-length marks (an insertion point, a deletion seen from the other side)
    become empty elements at their position; CSS draws them.
    """
    n = len(text)
    ordered = sorted(
        (Mark(min(max(m.start, 0), n), min(max(m.end, m.start, 0), n), *_rest(m)) for m in marks),
        key=lambda m: (m.start, -m.end, m.layer),
    )
    bounds = sorted({0, n, *(m.start for m in ordered), *(m.end for m in ordered)})
    stack: list[Mark] = []
    i = 0
    pos = 0
    for b in bounds:
        if b > pos:
            yield _text(text[pos:b], any(m.shows_space for m in stack))
            pos = b
        if any(m.end <= b for m in stack):
            reopen: list[Mark] = []
            while any(m.end <= b for m in stack):
                top = stack.pop()
                yield "</span>"
                if top.end > b:
                    reopen.append(top)
            for m in reversed(reopen):
                yield m.cont
                stack.append(m)
        while i < len(ordered) and ordered[i].start == b:
            m = ordered[i]
            i += 1
            yield m.open
            if m.end > m.start:
                stack.append(m)
            else:
                yield "</span>"
    for _ in stack:  # only if marks ran past the text; closed defensively
        yield "</span>"


def _rest(m: Mark) -> tuple[int, str, str, bool]:
    return m.layer, m.open, m.cont, m.shows_space


# ------------------------------------------------------------------ offsets forward


class _Forward:
    """Maps offsets in a step's input to its output (the inverse view of ``pipeline.locate``).

    A position inside an edit maps to the edit's output start (a span starting
    there) or end (a span ending there), so a later span that touches an earlier
    edit grows to contain its output: spans stay nested, never torn.
    """

    def __init__(self, edits: Sequence[Finding]) -> None:
        self.edits = edits
        self.starts = [e.start for e in edits]
        self.ends = [e.end for e in edits]
        self.out_starts: list[int] = []
        self.cum: list[int] = []  # total shift after each edit
        shift = 0
        for e in edits:
            self.out_starts.append(e.start + shift)
            shift += len(e.replacement or "") - (e.end - e.start)
            self.cum.append(shift)

    def out_span(self, k: int) -> tuple[int, int]:
        e = self.edits[k]
        return self.out_starts[k], self.out_starts[k] + len(e.replacement or "")

    def fwd(self, p: int, side: str) -> int:
        i = bisect.bisect_right(self.starts, p)  # edits [0, i) start at or before p
        j = i - 1
        while j >= 0 and self.ends[j] >= p:  # ends are non-decreasing: a short walk back
            j -= 1
        shift = self.cum[j] if j >= 0 else 0
        for k in range(j + 1, i):  # edits with start <= p <= end, in order
            e = self.edits[k]
            delta = self.cum[k] - shift
            if side == "start":
                if e.start <= p < e.end:
                    return self.out_starts[k]
                shift += delta
            else:
                if e.start < p <= e.end:
                    return self.out_span(k)[1]
                return p + shift
        return p + shift


def step_groups(edits: Sequence[Mapping[str, Any]]) -> list[list[tuple[int, Finding]]]:
    """The report's steps (as :func:`mtrepair.report.steps_of` rebuilds them), with report indices.

    ``steps_of`` sorts a step's edits by start, stably; the indices are sorted
    the same way so that each finding stays paired with its report entry.
    """
    steps = steps_of({"edits": list(edits)}, "review")
    by_step: dict[int, list[int]] = {}
    for i, e in enumerate(edits):
        by_step.setdefault(int(e["step"]), []).append(i)
    order = [sorted(ix, key=lambda i: int(edits[i]["start"])) for _, ix in sorted(by_step.items())]
    return [list(zip(ix, step.edits, strict=True)) for ix, step in zip(order, steps, strict=True)]


def output_spans(
    edits: Sequence[Mapping[str, Any]], points: Sequence[tuple[int, int]] = ()
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Where each edit (by report index) and each input span of ``points`` lie in the repaired text."""
    groups = step_groups(edits)
    fwds = [_Forward([f for _, f in g]) for g in groups]
    out: list[tuple[int, int]] = [(0, 0)] * len(edits)
    for s, (g, fw) in enumerate(zip(groups, fwds, strict=True)):
        for k, (i, _) in enumerate(g):
            start, end = fw.out_span(k)
            for later in fwds[s + 1 :]:
                start, end = later.fwd(start, "start"), later.fwd(end, "end")
            out[i] = (start, max(start, end))
    mapped: list[tuple[int, int]] = []
    for start, end in points:
        for fw in fwds:
            start, end = fw.fwd(start, "start"), fw.fwd(end, "end")
        mapped.append((start, max(start, end)))
    return out, mapped


def _undo_last_reference(repaired: str, edits: Sequence[Mapping[str, Any]]) -> str:
    """The text the reference step compared (the repaired text before its adoptions)."""
    from mtrepair.pipeline import undo

    steps = steps_of({"edits": list(edits)}, "review")
    if steps and steps[-1].rule == "reference":
        return undo(repaired, steps[-1:])
    return repaired


# --------------------------------------------------------------------- garble (QE)


def qe_scorer(lang: str) -> tuple[GarbleScorer | None, str]:
    """The garble scorer of :mod:`mtrepair.qe` if that optional package is importable.

    Imported by name so this module neither needs nor type-checks against it;
    the second value says why there is no scorer.
    """
    try:
        qe = importlib.import_module("mtrepair.qe.sentences")
    except ImportError as exc:
        return None, f"mtrepair.qe is not available ({exc})"
    score_texts = getattr(qe, "score_texts", None)
    if score_texts is None:
        return None, "mtrepair.qe.sentences has no score_texts()"

    def score(sentences: Sequence[str]) -> list[tuple[float, str, Words]]:
        return [(float(r.score), ", ".join(r.reasons), tuple(r.words)) for r in score_texts(sentences, lang)]

    return score, ""


# ----------------------------------------------------------------------- the writer


@dataclass
class _Totals:
    documents: int = 0
    edits: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    glossary: dict[str, Counter[str]] = field(default_factory=dict)
    index: list[tuple[int, str, str, int, int, str]] = field(default_factory=list)  # last: HTML
    metrics: list[tuple[int, str, list[tuple[str, float, float]]]] = field(default_factory=list)
    signatures: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewReference:
    """The clean version every document was compared with (``clean --reference``)."""

    text: str  # already cleaned, as apply_reference compares it
    source: str


class ReviewWriter:
    """Writes document sections as they come, then the page around them (:meth:`finish`)."""

    def __init__(
        self,
        spool: IO[str],
        *,
        lang: str = "auto",
        reference: ReviewReference | None = None,
        garble: GarbleScorer | bool | None = True,
    ) -> None:
        """``garble``: True for :mod:`mtrepair.qe` in each document's language, a scorer, or off.

        A scorer passed in is used as given for every document (the caller chose it).
        """
        self.spool = spool
        self.lang = lang
        self.reference = reference
        self.totals = _Totals()
        self.garble_note = ""
        self.garble: GarbleScorer | None
        self._qe_by_lang: dict[str, GarbleScorer] | None = None
        if garble is True:
            first = lang if lang != "auto" else "en"
            self.garble, self.garble_note = qe_scorer(first)  # is mtrepair.qe there at all?
            if self.garble is not None:
                self._qe_by_lang = {first: self.garble}
        elif garble is False:
            self.garble, self.garble_note = None, "garble scores were not asked for"
        else:
            self.garble = garble
        self._ref_units: list[Any] | None = None

    def document_lang(self, original: str) -> str:
        """The language ``clean`` read this document in: ``--lang``, or guessed from the original."""
        return self.lang if self.lang != "auto" else langdata.guess_language(original)

    def _scorer(self, lang: str) -> GarbleScorer | None:
        """The garble scorer for a document in ``lang`` (qe's is built once per language)."""
        if self.garble is None or self._qe_by_lang is None:
            return self.garble
        scorer = self._qe_by_lang.get(lang)
        if scorer is None:
            scorer = qe_scorer(lang)[0] or self.garble
            self._qe_by_lang[lang] = scorer
        return scorer

    # -- per document

    def add(self, entry: Mapping[str, Any], *, original: str, repaired: str) -> None:
        """Write one document's section (its report entry plus both texts)."""
        t = self.totals
        t.documents += 1
        n = t.documents
        edits: list[Mapping[str, Any]] = list(entry.get("edits", []))
        flags: list[Mapping[str, Any]] = list(entry.get("flags", []))
        doc_edits = Counter(str(e["rule"]) for e in edits)
        t.edits.update(doc_edits)
        t.flags.update(str(f["rule"]) for f in flags)
        for e in edits:
            if e["rule"] == "glossary" and e.get("ref"):
                forms = f"{e['original']} → {e['replacement']}"
                t.glossary.setdefault(str(e["ref"]), Counter())[forms] += 1
        top = " · ".join(f'<span class="nw">{esc(r)} {c}</span>' for r, c in doc_edits.most_common(3))
        doc_id, source = str(entry.get("id", n)), str(entry.get("source", ""))
        t.index.append((n, doc_id, source, len(edits), len(flags), top))

        out_edit, out_flag = output_spans(edits, [(int(f["start"]), int(f["end"])) for f in flags])
        orig_marks: list[Mark] = []
        rep_marks: list[Mark] = []
        for i, e in enumerate(edits):
            orig_marks_i, rep_mark = self._edit_marks(n, i, e, out_edit[i])
            orig_marks.append(orig_marks_i)
            rep_marks.append(rep_mark)
        for i, f in enumerate(flags):
            a, b = self._flag_marks(n, i, f, out_flag[i])
            orig_marks.append(a)
            rep_marks.append(b)
        lang = self.document_lang(original)
        attrs = f'lang="{esc(lang)}" dir="{"rtl" if lang in RTL_LANGUAGES else "ltr"}"'
        heat_o, strip_o = self._heat(n, "o", original, lang, attrs)
        heat_r, strip_r = self._heat(n, "r", repaired, lang, attrs, entry.get("garble"))

        w = self.spool.write
        w(f'<section class="doc" id="doc-{n}" data-label="{n}: {esc(doc_id)}" aria-labelledby="doc-{n}-h">\n')
        w(f'<h2 id="doc-{n}-h"><span class="num">{n}</span> {esc(doc_id)}')
        w(f' <small>{esc(source)}</small></h2>\n<p class="counts">{len(edits)} edits, {len(flags)} flags')
        if doc_edits:
            w(" · " + " · ".join(f"{esc(r)} {c}" for r, c in sorted(doc_edits.items())))
        w("</p>\n")
        meta = entry.get("metadata") or {}
        if meta:
            w('<dl class="meta">')
            for k, v in meta.items():
                w(f"<dt>{esc(str(k))}</dt><dd>{esc(str(v))}</dd>")
            w("</dl>\n")
        w('<div class="cols">\n')
        for side, cls, text, marks, strip in (
            ("Original", "orig", original, orig_marks + heat_o, strip_o),
            ("Repaired", "rep", repaired, rep_marks + heat_r, strip_r),
        ):
            w(f'<div class="col"><h3>{side} <small>{len(text):,} characters</small></h3>')
            w(strip)
            w(f'<div class="text {cls}" {attrs} tabindex="-1">')
            for chunk in markup(text, marks):
                w(chunk)
            w("</div></div>\n")
        w("</div>\n")
        if self.reference is not None and entry.get("reference"):
            self._reference_section(n, entry, original, repaired, attrs)
        w("</section>\n")

    def _edit_marks(self, n: int, i: int, e: Mapping[str, Any], out: tuple[int, int]) -> tuple[Mark, Mark]:
        rule = str(e["rule"])
        fam = family_of(rule)
        original, replacement = str(e["original"]), str(e["replacement"])
        kind = "del" if not replacement else "ins" if not original else "rep"
        conf = float(e.get("confidence", 1.0))
        where = e.get("input") or {"start": e["start"], "end": e["end"]}
        tip = (
            f"{rule} ({fam}) · {kind_word(kind)} · confidence {conf:.2f}\n"
            f"{_show(original)} → {_show(replacement)}\n{e.get('message', '')}"
        )
        if e.get("ref"):
            tip += f"\nref: {e['ref']}"
        if where.get("line"):
            tip += f"\ninput line {where['line']}"
        span = (int(where["start"]), int(where["end"]))
        return _pair(f"d{n}e{i + 1}", "edit", f"f-{fam} k-{kind}", rule, conf, tip, span, out, 2)

    def _flag_marks(self, n: int, i: int, f: Mapping[str, Any], out: tuple[int, int]) -> tuple[Mark, Mark]:
        rule = str(f["rule"])
        fam = family_of(rule)
        conf = float(f.get("confidence", 1.0))
        tip = f"{rule} ({fam}) · flag, not repaired · confidence {conf:.2f}\n{f.get('message', '')}"
        if f.get("line"):
            tip += f"\ninput line {f['line']}"
        span = (int(f["start"]), int(f["end"]))
        return _pair(f"d{n}f{i + 1}", "flag", f"f-{fam}", rule, conf, tip, span, out, 1)

    def _heat(
        self,
        n: int,
        side: str,
        text: str,
        lang: str,
        attrs: str,
        scored_block: Mapping[str, Any] | None = None,
    ) -> tuple[list[Mark], str]:
        """Sentence marks shaded by garble score and the strip above the column.

        ``scored_block`` is the report entry's ``garble`` block when the worker
        already scored this text (``clean --report/--html``): it is shown as is,
        so the page and the report agree and nothing is scored twice. Otherwise
        the text is split and scored in ``lang``, the document's language.
        ``attrs`` (its ``lang`` and ``dir``) make the strip run in reading order.
        """
        scorer = self._scorer(lang)
        if scorer is None or not text.strip():
            return [], ""
        from mtrepair.align import Unit
        from mtrepair.align.units import units

        scored: Sequence[tuple[float, str] | tuple[float, str, Words]]
        if scored_block is not None:
            rows = scored_block.get("sentences", [])
            spans = [(int(r["start"]), int(r["end"])) for r in rows]
            sents = [Unit(a, b, text[a:b]) for a, b in spans]
            scored = [
                (
                    float(r["score"]),
                    ", ".join(r.get("reasons", [])),
                    tuple(
                        (int(w["start"]) - a, int(w["end"]) - a, float(w["p_bad"]))
                        for w in r.get("words", [])
                    ),
                )
                for r, (a, _b) in zip(rows, spans, strict=True)
            ]
        else:
            sents = units(text, "sentences", lang)
            try:
                scored = scorer([s.text for s in sents]) if sents else []
            except Exception as exc:  # an optional decoration must never fail a clean run
                self.garble = None
                self.garble_note = f"mtrepair.qe failed ({type(exc).__name__}: {exc})"
                return [], ""
        if not sents:
            return [], ""
        marks: list[Mark] = []
        cells: list[str] = []
        for k, (s, row) in enumerate(zip(sents, scored, strict=False)):
            score, why = row[0], row[1]
            words: Words = row[2] if len(row) > 2 else ()
            for a, b, p in words:
                if 0 <= a < b <= len(s.text):
                    tip = esc(f"P(BAD) {p:.2f}: a post-editor would likely change this word")
                    cls = "w w2" if p >= STRONG_BAD else "w"
                    marks.append(
                        Mark(
                            s.start + a,
                            s.start + b,
                            3,
                            f'<span class="{cls}" title="{tip}">',
                            f'<span class="{cls}">',
                        )
                    )
            level = min(_HEAT_LEVELS - 1, max(0, int(score * _HEAT_LEVELS)))
            tip = esc(f"garble {score:.2f}" + (f" ({why})" if why else "") + f": {s.text[:80]}")
            sid = f"d{n}{side}s{k + 1}"
            marks.append(
                Mark(
                    s.start,
                    s.end,
                    0,
                    f'<span id="{sid}" class="s h{level}" title="{tip}">',
                    f'<span class="s h{level}" title="{tip}">',
                )
            )
            cells.append(f'<a class="h{level}" href="#{sid}" title="{tip}"></a>')
        mean = sum(row[0] for row in scored) / max(1, len(scored))
        strip = (
            f'<div class="heat" {attrs} aria-label="garble score per sentence, mean {mean:.2f}">'
            f'<span class="heat-label" lang="en">garble {mean:.2f}</span>{"".join(cells)}</div>'
        )
        return marks, strip

    def _reference_section(
        self, n: int, entry: Mapping[str, Any], original: str, repaired: str, attrs: str
    ) -> None:
        from mtrepair.align.reference import divergences
        from mtrepair.align.units import units

        assert self.reference is not None  # checked by the caller
        if self._ref_units is None:
            self._ref_units = units(self.reference.text, "sentences", self.lang)
        c_units = self._ref_units
        compared = _undo_last_reference(repaired, list(entry.get("edits", [])))
        g_units = units(compared, "sentences", self.lang)
        adopted = {
            (int(e["start"]), int(e["end"])) for e in entry.get("edits", []) if e["rule"] == "reference"
        }
        self._metrics(n, original, repaired)
        w = self.spool.write
        w(
            f'<details class="ref" id="doc-{n}-ref" open><summary>Aligned with the reference '
            f"<small>{esc(self.reference.source)}</small></summary>\n"
        )
        w(
            '<table class="beads"><thead><tr><th>#</th><th>this document (repaired)</th>'
            "<th>reference (clean)</th><th>score</th><th>mismatches</th></tr></thead><tbody>\n"
        )
        for k, bead in enumerate(entry["reference"].get("beads", [])):
            gi = [int(x) for x in bead.get("garbled", []) if 0 <= int(x) < len(g_units)]
            ci = [int(x) for x in bead.get("clean", []) if 0 <= int(x) < len(c_units)]
            g_text = " ".join(g_units[x].text for x in gi)
            c_text = " ".join(c_units[x].text for x in ci)
            if not gi:
                problems, cls = ["lost: only in the reference"], "lost"
            elif not ci:
                problems, cls = ["inserted: not in the reference"], "ins"
            else:
                problems = [d.describe() for d in divergences(g_text, c_text, self.lang)]
                cls = "mm" if problems else "ok"
            if gi and (g_units[gi[0]].start, g_units[gi[-1]].end) in adopted:
                problems = [*problems, "adopted: replaced by the reference sentence"]
            score = f"{float(bead.get('score', 0.0)):.2f}" if gi and ci else "–"
            found = divergences(g_text, c_text, self.lang) if gi and ci else []
            g_html = _marked(g_text, [(d.garbled, d.describe()) for d in found])
            c_html = _marked(c_text, [(d.clean, d.describe()) for d in found])
            w(
                f'<tr class="{cls}"><td>{k + 1}</td><td {attrs}>{g_html}</td><td {attrs}>{c_html}</td>'
                f"<td>{score}</td><td>"
            )
            w("".join(f"<div>{esc(p)}</div>" for p in problems))
            w("</td></tr>\n")
        w("</tbody></table></details>\n")

    def _metrics(self, n: int, original: str, repaired: str) -> None:
        """chrF and BLEU of the original and the repaired text against the reference, per document."""
        from mtrepair.score import corpus_scores

        assert self.reference is not None
        flat = [" ".join(t.split()) for t in (original, repaired, self.reference.text)]
        scores = corpus_scores(
            [("original", [flat[0]]), ("repaired", [flat[1]])], [[flat[2]]], ["chrf", "bleu"]
        )
        by = {(s.system, s.metric): s for s in scores}
        rows = []
        for m in ("chrf", "bleu"):
            rows.append((m, by[("original", m)].score, by[("repaired", m)].score))
            self.totals.signatures[m] = by[("original", m)].signature
        self.totals.metrics.append((n, str(self.totals.index[-1][1]), rows))

    # -- the page

    def finish(self, fh: IO[str]) -> None:
        """Write the whole page to ``fh``: head, summary, the spooled sections, script."""
        style, script = _CSS + _family_css(), _JS
        csp = (
            "default-src 'none'; "
            f"style-src '{_sha(style)}'; script-src '{_sha(script)}'; "
            "img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
        )
        t = self.totals
        n_edits, n_flags = sum(t.edits.values()), sum(t.flags.values())
        fh.write(
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">\n'
            '<meta name="referrer" content="no-referrer">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>mtrepair review: {t.documents} document{'s' * (t.documents != 1)}, {n_edits} edits"
            f"</title>\n<style>{style}</style>\n</head>\n<body>\n"
        )
        fh.write(self._header(n_edits, n_flags))
        fh.write(self._summary())
        fh.write('<main id="docs">\n')
        self.spool.flush()
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, fh)
        fh.write(
            "</main>\n"
            '<aside id="detail" aria-live="polite"><span class="hint">Select an edit (click, Tab, '
            "or <kbd>j</kbd>/<kbd>k</kbd>) to see its rule, reason and confidence.</span></aside>\n"
            f"<script>{script}</script>\n</body>\n</html>\n"
        )

    def _header(self, n_edits: int, n_flags: int) -> str:
        t = self.totals
        return (
            '<header id="top">\n<div class="title"><h1>mtrepair review</h1>'
            f'<span class="tot">{t.documents} document{"s" * (t.documents != 1)} · {n_edits} edits · '
            f"{n_flags} flags · mtrepair {esc(__version__)}</span></div>\n"
            '<div class="controls">'
            '<label>min confidence <input type="range" id="conf" min="0" max="1" step="0.05" value="0">'
            ' <output id="confv">0.00</output></label>'
            '<label><input type="checkbox" id="showflags" checked> flags</label>'
            '<span id="shown" class="muted"></span>'
            '<span class="keys"><kbd>j</kbd>/<kbd>n</kbd> next · <kbd>k</kbd>/<kbd>p</kbd> previous · '
            "<kbd>Esc</kbd> clear</span></div>\n</header>\n"
        )

    def _summary(self) -> str:
        t = self.totals
        out = ['<section id="summary">\n']
        out.append(
            '<div class="card docs"><h2>Documents</h2><table class="index"><thead><tr><th>#</th>'
            "<th>document</th><th>edits</th><th>flags</th><th>most frequent</th></tr></thead><tbody>\n"
        )
        for n, doc_id, source, ne, nf, top in t.index:
            out.append(
                f'<tr><td>{n}</td><td class="id"><a href="#doc-{n}" title="{esc(doc_id)} ({esc(source)})">'
                f"{esc(doc_id)}</a></td>"
                f'<td>{ne}</td><td>{nf}</td><td class="muted top">{top}</td></tr>\n'
            )
        out.append("</tbody></table></div>\n")
        out.append(
            '<div class="card rules"><h2>Rules</h2>'
            '<table class="rules"><thead><tr><th>show</th><th>rule</th><th>family</th><th>edits</th>'
            "<th>flags</th></tr></thead><tbody>\n"
        )
        for rule in sorted(set(t.edits) | set(t.flags), key=lambda r: (-t.edits[r] - t.flags[r], r)):
            fam = family_of(rule)
            expl = RULES[rule].explanation if rule in RULES else "compared with the reference"
            out.append(
                f'<tr><td><input type="checkbox" class="rule" value="{esc(rule)}" checked '
                f'aria-label="show {esc(rule)}"></td>'
                f'<td><span class="sw f-{fam}"></span><span title="{esc(expl)}">{esc(rule)}</span></td>'
                f"<td>{esc(fam)}</td><td>{t.edits[rule] or ''}</td><td>{t.flags[rule] or ''}</td></tr>\n"
            )
        if not t.edits and not t.flags:
            out.append('<tr><td colspan="5" class="muted">nothing to repair or flag</td></tr>\n')
        out.append("</tbody></table>")
        out.append(
            '<p class="legend"><span class="lg f-structure">changed</span> '
            '<span class="lg lg-del f-structure">deleted</span> '
            '<span class="lg lg-ins f-structure"></span> inserted here '
            '<span class="lg lg-gone f-structure"></span> deleted here '
            '<span class="lg-flag f-token">flagged</span> '
            '<span class="muted">· colour = rule family</span></p>'
        )
        if self.garble is not None:
            out.append(
                '<p class="muted">Heat strip above each text: garble score per sentence from '
                '<code>mtrepair.qe</code> (0 clean <span class="hs h0"></span><span class="hs h3"></span>'
                '<span class="hs h6"></span><span class="hs h9"></span> 1 garbled); '
                "click a cell to jump to its sentence. For English the score is the share of words a "
                "post-editor would change, learned from MLQE-PE post-edits, and "
                '<span class="w">dotted words</span> are those it expects a post-editor to change '
                f'(<span class="w w2">strongly</span>: P(BAD) at least {STRONG_BAD}).</p>'
            )
        elif self.garble_note:
            out.append(f'<p class="muted">No garble heat strip: {esc(self.garble_note)}.</p>')
        out.append("</div>\n")

        out.append('<div class="card"><h2>Glossary entries applied</h2>')
        if t.glossary:
            out.append(
                '<table class="gloss"><thead><tr><th>entry</th><th>edits</th><th>forms</th></tr>'
                "</thead><tbody>\n"
            )
            for entry_id, forms in sorted(t.glossary.items()):
                shown = "; ".join(f"{esc(f)}" + (f" ×{c}" if c > 1 else "") for f, c in forms.most_common())
                out.append(
                    f"<tr><td><code>{esc(entry_id)}</code></td><td>{sum(forms.values())}</td>"
                    f"<td>{shown}</td></tr>\n"
                )
            out.append("</tbody></table>")
        else:
            out.append('<p class="muted">none</p>')
        out.append("</div>\n")

        if self.reference is not None:
            out.append(
                f'<div class="card"><h2>Against the reference</h2><p class="muted">'
                f"{esc(self.reference.source)} (cleaned), whole documents, whitespace-normalized</p>"
                '<table class="metrics"><thead><tr><th>#</th><th>metric</th><th>original</th>'
                "<th>repaired</th><th>change</th></tr></thead><tbody>\n"
            )
            for n, _doc_id, rows in t.metrics:
                for m, before, after in rows:
                    delta = after - before
                    cls = "up" if delta > 0.005 else "down" if delta < -0.005 else ""
                    out.append(
                        f'<tr><td><a href="#doc-{n}">{n}</a></td><td>{_METRIC_NAMES[m]}</td>'
                        f"<td>{before:.2f}</td><td>{after:.2f}</td>"
                        f'<td class="{cls}">{delta:+.2f}</td></tr>\n'
                    )
            out.append("</tbody></table>")
            for m, sig in t.signatures.items():
                out.append(f'<p class="sig">{_METRIC_NAMES[m]}: <code>{esc(sig)}</code></p>')
            out.append("</div>\n")
        out.append("</section>\n")
        return "".join(out)


_METRIC_NAMES = {"chrf": "chrF", "bleu": "BLEU"}


def _pair(
    pid: str,
    role: str,
    classes: str,
    rule: str,
    conf: float,
    tip: str,
    span: tuple[int, int],
    out: tuple[int, int],
    layer: int,
) -> tuple[Mark, Mark]:
    """The marks of one edit or flag: the primary in the original, its twin in the repaired text.

    Only the primary carries ``data-rule`` (and an id, and a tab stop), so
    counting ``.edit[data-rule]`` counts edits; continuations and twins point to
    it with ``data-of`` and follow it when the page filters.
    """
    attrs = f'title="{esc(tip)}" data-of="{pid}"'
    edit = role == "edit"
    classes = classes if edit else f"flag {classes}"
    primary = Mark(
        span[0],
        span[1],
        layer,
        f'<span id="{pid}" class="{role} {classes}" title="{esc(tip)}" data-rule="{esc(rule)}" '
        f'data-conf="{conf:.4g}" tabindex="0">',
        f'<span class="cont {classes}" {attrs}>',
        edit,
    )
    twin = Mark(
        out[0],
        out[1],
        layer,
        f'<span class="twin {classes}" {attrs}>',
        f'<span class="twin cont {classes}" {attrs}>',
        edit,
    )
    return primary, twin


def kind_word(kind: str) -> str:
    return {"del": "deletion", "ins": "insertion", "rep": "replacement"}[kind]


def _show(s: str) -> str:
    """An edit's text for a tooltip: whitespace made visible, long text cut."""
    if not s:
        return "∅"
    shown = s.replace("\r", "␍").replace("\n", "↵").replace("\t", "⇥")
    if not shown.strip():
        shown = shown.replace(" ", "␣")
    return f"“{shown[:120]}{'…' if len(shown) > 120 else ''}”"


def _marked(text: str, spans: Sequence[tuple[tuple[int, int], str]]) -> str:
    """``text`` escaped, each divergence's words in a ``<mark>`` titled with what differs.

    The two cells of a bead mark the two sides of the same divergences, so a
    reviewer sees "shouted" in one and "blared" in the other. An omission has no
    words on its side: a thin mark stands where the missing words would go.
    """
    out: list[str] = []
    pos = 0
    for (start, end), why in sorted(spans, key=lambda s: s[0]):
        if start < pos:
            continue  # overlapping divergences (a role flip over a substitution): the first wins
        out.append(esc(text[pos:start]))
        inner = esc(text[start:end]) if end > start else "\u2038"  # a caret where words are missing
        out.append(f'<mark class="x" title="{esc(why)}">{inner}</mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def _sha(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


def _family_css() -> str:
    out = []
    for fam, (tint, ink) in FAMILY_COLOURS.items():
        out.append(f".f-{fam}{{--tint:{tint};--ink:{ink}}}")
    return "\n".join(out) + "\n"


@contextmanager
def review_writer(
    target: Path,
    *,
    config: Config,
    protect: tuple[Path, ...] = (),
    reference: ReferenceSpec | None = None,
    garble: GarbleScorer | bool | None = True,
) -> Iterator[ReviewWriter]:
    """A :class:`ReviewWriter` whose page replaces ``target`` atomically when the block ends.

    The target is checked (not an input, not a folder) before any document is
    cleaned; sections wait in an anonymous temp file, so memory stays flat. The
    reference is cleaned with ``config`` once, as ``apply_reference`` compares it.
    """
    ref = None
    if reference is not None:
        from mtrepair.pipeline import clean_text

        ref = ReviewReference(clean_text(reference.text, config).text, reference.source)
    with (
        atomic_writer(target, protect=protect) as fh,
        tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool,
    ):
        writer = ReviewWriter(spool, lang=config.lang, reference=ref, garble=garble)
        yield writer
        writer.finish(fh)


_CSS = """
:root{--bg:#f8fafc;--fg:#1e293b;--muted:#64748b;--line:#e2e8f0;--card:#fff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
 font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:.4rem 1.5rem;align-items:center;
 justify-content:space-between;padding:.5rem 1.25rem;background:#0f172a;color:#e2e8f0}
header h1{display:inline;font-size:1.05rem;margin:0 .8rem 0 0;font-weight:650;letter-spacing:.01em}
header .tot{color:#94a3b8}
.controls{display:flex;flex-wrap:wrap;gap:1.1rem;align-items:center;font-size:.85rem}
.controls label{display:flex;gap:.35rem;align-items:center}
.controls input[type=range]{width:8rem;accent-color:#38bdf8}
.controls .muted,.controls .keys{color:#94a3b8}
kbd{font:600 .75rem ui-monospace,SFMono-Regular,Menlo,monospace;padding:0 .3rem;border:1px solid #94a3b8;
 border-radius:3px}
#summary{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1rem;
 padding:1rem 1.25rem;align-items:start}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem}
.card.docs{grid-column:1/-1;max-height:40vh;overflow:auto}
.card h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:0 0 .5rem}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th{text-align:left;font-weight:600;color:var(--muted);border-bottom:1px solid var(--line);padding:.2rem .4rem}
td{padding:.2rem .4rem;border-bottom:1px solid #f1f5f9;vertical-align:top}
td:nth-child(n+3){font-variant-numeric:tabular-nums}
.muted{color:var(--muted)}
table.rules td:nth-child(2),table.gloss td:first-child{white-space:nowrap}
td.top{font-size:.8rem}.nw{white-space:nowrap}
td.id a{display:inline-block;max-width:28rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;
 vertical-align:bottom}
.sw{display:inline-block;width:.7rem;height:.7rem;border-radius:2px;margin-right:.4rem;background:var(--tint);
 border:2px solid var(--ink);vertical-align:-1px}
.legend span{margin-right:.6rem}
.sig{font-size:.72rem;color:var(--muted);margin:.3rem 0 0;overflow-wrap:anywhere}
.up{color:#15803d;font-weight:600}.down{color:#b91c1c;font-weight:600}
a{color:#1d4ed8}
main{padding:0 1.25rem 4rem}
.doc{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;
 margin:0 0 1rem}
.doc h2{font-size:1rem;margin:0;overflow-wrap:anywhere}
.doc h2 .num{display:inline-block;min-width:1.6rem;padding:0 .35rem;margin-right:.3rem;border-radius:4px;
 background:#0f172a;color:#fff;text-align:center;font-size:.8rem}
.doc h2 small{font-weight:400;color:var(--muted);margin-left:.5rem}
.counts{margin:.15rem 0 .5rem;color:var(--muted);font-size:.82rem}
dl.meta{display:flex;flex-wrap:wrap;gap:.2rem .5rem;font-size:.8rem;margin:0 0 .5rem}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0 .8rem 0 0}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.col h3{font-size:.78rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);
 margin:.2rem 0 .3rem}
.col h3 small{text-transform:none;letter-spacing:0;font-weight:400}
.text{scroll-margin:4rem 0 3rem;white-space:pre-wrap;overflow-wrap:anywhere;max-height:72vh;
 overflow:auto;padding:.6rem .75rem;border:1px solid var(--line);border-radius:6px;background:#fff;
 line-height:1.6;font-size:.9rem}
.edit,.twin,.cont{background:var(--tint);border-bottom:2px solid var(--ink);border-radius:2px;
 -webkit-box-decoration-break:clone;box-decoration-break:clone;cursor:pointer}
.orig .k-del,.lg-del{text-decoration:line-through;text-decoration-color:var(--ink);
 text-decoration-thickness:1.5px}
.lg{background:var(--tint);border-bottom:2px solid var(--ink);border-radius:2px;padding:0 2px}
.lg-ins:empty::before{content:"\\2038";color:var(--ink);font-weight:700}
.lg-gone:empty::before{content:"\\2715";color:var(--ink);font-size:.7em;vertical-align:1px}
.lg-flag{text-decoration:underline wavy var(--ink);text-underline-offset:3px}
.edit:empty::before,.twin:empty::before{content:"\\2038";color:var(--ink);font-weight:700;padding:0 1px}
.rep .twin.k-del:empty::before{content:"\\2715";font-size:.7em;vertical-align:1px}
i.nl::before{content:"\\21B5";color:var(--ink);opacity:.75;font-style:normal;font-size:.8em}
i.cr::before{content:"\\240D";color:var(--ink);opacity:.75;font-style:normal;font-size:.8em}
.flag{text-decoration:underline wavy color-mix(in srgb,var(--ink) 55%,transparent);
 text-decoration-thickness:1px;text-underline-offset:3px;cursor:pointer}
.flag:empty::before{content:"\\26A0";color:var(--ink);font-size:.75em}
.flag:empty+.flag:empty::before{content:none}
.flag:empty.cur::before{content:"\\26A0"!important}
.flag.twin,.flag.cont{background:none;border:0}
.off,.off.cont,.off.twin{background:none!important;border-color:transparent!important;
 text-decoration:none!important;cursor:auto}
.off:empty::before,.off i.nl::before{content:none!important}
.cur{outline:2px solid #0f172a;outline-offset:1px}
.s.h6,.s.h7{background:linear-gradient(transparent 90%,rgba(234,88,12,.3) 90%)}
.s.h8,.s.h9{background:linear-gradient(transparent 88%,rgba(220,38,38,.4) 88%)}
.heat{display:flex;align-items:center;gap:1px;height:.6rem;margin:0 0 .3rem}
.heat a{flex:1;height:100%;border-radius:1px}
.heat-label{font-size:.7rem;color:var(--muted);margin-right:.4rem}
.w{text-decoration:underline dotted #a78bfa;text-decoration-thickness:2px;text-underline-offset:3px}
.w2{text-decoration-color:#6d28d9;text-decoration-thickness:3px}
.h0{background:#f1f5f9}.h1{background:#fef9c3}.h2{background:#fef08a}.h3{background:#fde68a}
.h4{background:#fdba74}.h5{background:#fb923c}.h6{background:#f97316}.h7{background:#ef4444}
.h8{background:#dc2626}.h9{background:#b91c1c}
.s.h0,.s.h1,.s.h2,.s.h3,.s.h4,.s.h5{background:none}
.hs{display:inline-block;width:1rem;height:.6rem;margin:0 1px}
details.ref{margin-top:.8rem}
details.ref summary{cursor:pointer;font-weight:600;font-size:.85rem}
table.beads td:nth-child(2),table.beads td:nth-child(3){width:36%}
table.beads tr.mm td:first-child{border-left:3px solid #b91c1c}
table.beads tr.lost td:first-child,table.beads tr.ins td:first-child{border-left:3px solid #b45309}
table.beads tr.mm td:last-child{color:#b91c1c}
mark.x{background:#fee2e2;color:inherit;border-radius:2px;padding:0 1px}
#detail{position:fixed;left:0;right:0;bottom:0;z-index:6;padding:.45rem 1.25rem;background:#0f172a;
 color:#e2e8f0;font-size:.85rem;white-space:pre-wrap;max-height:30vh;overflow:auto;
 box-shadow:0 -2px 8px rgba(0,0,0,.15)}
#detail .hint{color:#94a3b8}
@media (max-width:900px){.cols{grid-template-columns:1fr}}
@media print{header,#detail{position:static}.text{max-height:none}}
"""

_JS = """
(function(){
"use strict";
var items=Array.prototype.slice.call(document.querySelectorAll(".edit,.flag:not(.twin):not(.cont)"));
var followers={};
document.querySelectorAll("[data-of]").forEach(function(t){(followers[t.dataset.of]=followers[t.dataset.of]||[]).push(t);});
var conf=document.getElementById("conf"),confv=document.getElementById("confv");
var showflags=document.getElementById("showflags"),shown=document.getElementById("shown");
var detail=document.getElementById("detail"),cur=null;
function on(el){return !el.classList.contains("off");}
function apply(){
  var th=parseFloat(conf.value),rules={},n=0,m=0;
  confv.textContent=th.toFixed(2);
  document.querySelectorAll("input.rule").forEach(function(c){rules[c.value]=c.checked;});
  items.forEach(function(el){
    var isEdit=el.classList.contains("edit");
    var ok=rules[el.dataset.rule]!==false&&parseFloat(el.dataset.conf)>=th&&(isEdit||showflags.checked);
    el.classList.toggle("off",!ok);
    (followers[el.id]||[]).forEach(function(t){t.classList.toggle("off",!ok);});
    if(isEdit){m++;if(ok)n++;}
  });
  shown.textContent="showing "+n+" of "+m+" edits";
  if(cur&&!on(cur))select(null);
}
function select(el){
  document.querySelectorAll(".cur").forEach(function(c){c.classList.remove("cur");});
  cur=el;
  if(!el){detail.textContent="";return;}
  if(history.replaceState)history.replaceState(null,"","#"+el.id);
  el.classList.add("cur");
  var tw=(followers[el.id]||[]);
  tw.forEach(function(t){t.classList.add("cur");});
  var doc=el.closest(".doc"),lines=el.title.split("\\n"),b=document.createElement("b");
  b.textContent=lines[0];
  detail.textContent=(doc?doc.dataset.label+"  ·  ":"");
  detail.appendChild(b);
  detail.appendChild(document.createTextNode("\\n"+lines.slice(1).join("\\n")));
  var twin=tw.filter(function(t){return t.classList.contains("twin");})[0];
  var box=el.closest(".text");
  if(box)box.scrollIntoView({block:"nearest"});
  center(el);if(twin)center(twin);
  el.focus({preventScroll:true});
}
function center(el){
  var box=el.closest(".text");if(!box)return;
  var r=el.getBoundingClientRect(),b=box.getBoundingClientRect();
  box.scrollTop+=r.top-b.top-box.clientHeight/2;
}
function go(d){
  var vis=items.filter(on);if(!vis.length)return;
  var i=cur?vis.indexOf(cur):-1;
  i=i<0?(d>0?0:vis.length-1):(i+d+vis.length)%vis.length;
  select(vis[i]);
}
document.addEventListener("keydown",function(e){
  if(e.ctrlKey||e.metaKey||e.altKey||(e.target.matches&&e.target.matches("input,textarea,select")))return;
  if(e.key==="j"||e.key==="n"){go(1);e.preventDefault();}
  else if(e.key==="k"||e.key==="p"){go(-1);e.preventDefault();}
  else if(e.key==="Escape"){select(null);}
});
document.addEventListener("click",function(e){
  var t=e.target.closest&&e.target.closest(".edit,.flag,[data-of]");
  if(!t)return;
  var id=t.dataset.of||t.id,el=document.getElementById(id);
  if(el&&on(el))select(el);
});
document.addEventListener("focusin",function(e){
  if(items.indexOf(e.target)>=0&&e.target!==cur&&on(e.target))select(e.target);
});
conf.addEventListener("input",apply);showflags.addEventListener("change",apply);
document.querySelectorAll("input.rule").forEach(function(c){c.addEventListener("change",apply);});
apply();
function fromHash(){
  var t=location.hash?document.getElementById(decodeURIComponent(location.hash.slice(1))):null;
  if(t&&items.indexOf(t)>=0&&on(t))select(t);
}
window.addEventListener("hashchange",fromHash);
fromHash();
document.documentElement.setAttribute("data-ready",String(items.length));
})();
"""
