"""Score ``clean`` on the real-world damage corpus: recall of repairs and flags, precision of edits.

The corpus (``benchmarks/realworld/corpus.jsonl``, built by ``make_realworld.py``)
gives, per page, the damaged text, the gold text and one label per damage
instance. This module cleans every page as ``mtrepair clean`` does (shipped
glossary on; the page's language given, or guessed with ``--lang auto``; the
repeated lines of each site learned in a first pass over the corpus when the
installed mtrepair has that pass) and measures, per damage kind and per
language:

- **repair recall**: the share of instances whose span reads as its gold in the
  output (see "regions" below);
- **flag recall**: the share of instances that a flag overlaps;
- **repair-or-flag recall**: repaired or flagged;
- **edit precision**: the share of edits that bring the text closer to gold;
- **false edits per clean page**: every edit on a page with no damage is false.

How a span is followed through a run. ``clean`` logs every step's edits in the
coordinates of the text that step received; composing the steps maps any
position of the damaged text to the output (and any edit back to the damaged
text). A position inside a replaced stretch maps to its start or its end,
whichever keeps the span widest.

Regions. The labels' spans and the footprints of the edits (mapped back to the
damaged text) are merged where they overlap or touch. A region's gold is known
exactly: outside labels the damaged text is the gold text. For each region
``d0`` is the Levenshtein distance (rapidfuzz) between its damaged text and its
gold, ``d1`` the distance between its output and its gold. The edits of a
region are correct when ``d1 < d0`` (the edits took the text closer to the
gold) and wrong otherwise; an edit outside every label always has ``d0 = 0``,
so any change there is wrong, and so is an edit that adds, say, a space the
gold does not have next to a repaired break. An instance is repaired when its
region's output equals the region's gold (``d1 = 0``), or when the output of its
own span equals its gold (a region can hold two instances, one repaired).
Region-level judging is coarser than judging each edit alone where two edits
touch: it credits or blames them together.

    .venv/bin/python benchmarks/bench_realworld.py                       # prints the Markdown table
    .venv/bin/python benchmarks/bench_realworld.py -o results/realworld.json --markdown results/realworld.md
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz.distance import Levenshtein

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "realworld" / "corpus.jsonl"
LEFT, RIGHT = 0, 1
# Done-when of issue 16: recall per kind and language, precision, false edits.
TARGET_RECALL = 0.90
TARGET_PRECISION = 0.98
TARGET_FALSE_PER_CLEAN = 1 / 20
EXAMPLES = 4


# --- the corpus


@dataclass(frozen=True)
class Instance:
    """One labelled damage instance (see the corpus README)."""

    kind: str
    start: int
    end: int
    text: str
    gold: str
    expect: str
    detail: str


@dataclass(frozen=True)
class Page:
    """One page of the corpus."""

    id: str
    lang: str
    site: str
    clean: bool
    text: str
    gold: str
    labels: tuple[Instance, ...]


def load_corpus(path: Path = CORPUS) -> list[Page]:
    """The pages of ``corpus.jsonl``, in file order."""
    pages = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        labels = tuple(
            Instance(x["kind"], x["start"], x["end"], x["text"], x["gold"], x["expect"], x["detail"])
            for x in r["labels"]
        )
        pages.append(Page(r["id"], r["lang"], r["site"], r["clean"], r["text"], r["gold"], labels))
    return pages


# --- what a run did, independent of mtrepair's types


@dataclass(frozen=True)
class Edit:
    """A replacement of ``[start, end)`` of the text its step received."""

    start: int
    end: int
    replacement: str
    rule: str = ""


@dataclass(frozen=True)
class Step:
    """One rule's edits and flags, in the coordinates of the text the step received."""

    rule: str
    edits: tuple[Edit, ...]
    flags: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Run:
    """A cleaned page: the output and the steps that made it from the damaged text."""

    output: str
    steps: tuple[Step, ...]


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    parts, pos = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        parts.append(text[pos : e.start])
        parts.append(e.replacement)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def run_from_result(result: Any) -> Run:
    """A :class:`Run` from an ``mtrepair.Result`` (its steps replayed to check the log is whole)."""
    steps = tuple(
        Step(
            s.rule,
            tuple(Edit(e.start, e.end, e.replacement or "", s.rule) for e in s.edits),
            tuple((f.start, f.end) for f in s.flags),
        )
        for s in result.steps
    )
    current = result.original
    for s in steps:
        current = apply_edits(current, s.edits)
    if current != result.text:
        raise ValueError("the steps of the result do not rebuild its output")
    return Run(result.text, steps)


def run_from_gold(page: Page) -> Run:
    """The perfect cleaner: every instance replaced by its gold, in one step (tests the scorer)."""
    edits = tuple(Edit(x.start, x.end, x.gold, "gold") for x in page.labels)
    return Run(apply_edits(page.text, edits), (Step("gold", edits),))


def run_unchanged(page: Page) -> Run:
    """The cleaner that does nothing (tests the scorer)."""
    return Run(page.text, ())


# --- following positions through the steps


def _map(pos: int, src_s: list[int], src_e: list[int], dst_s: list[int], dst_e: list[int], side: int) -> int:
    """``pos`` across one step's edits (sorted, disjoint, zero-width allowed) from src to dst."""
    j = bisect.bisect_left(src_e, pos)
    shift = dst_e[j - 1] - src_e[j - 1] if j else 0
    n = len(src_s)
    while j < n and src_e[j] == pos:
        if src_s[j] < pos or side == RIGHT:
            shift = dst_e[j] - src_e[j]
            j += 1
        else:
            return pos + shift  # an insertion at pos: the left side stays before it
    if j < n and src_s[j] < pos:
        return dst_s[j] if side == LEFT else dst_e[j]
    return pos + shift


@dataclass
class _StepMap:
    src_s: list[int] = field(default_factory=list)
    src_e: list[int] = field(default_factory=list)
    dst_s: list[int] = field(default_factory=list)
    dst_e: list[int] = field(default_factory=list)


class Chain:
    """Positions of the damaged text followed to the output, and edits followed back."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.maps: list[_StepMap] = []
        for step in steps:
            m = _StepMap()
            shift = 0
            for e in sorted(step.edits, key=lambda e: (e.start, e.end)):
                m.src_s.append(e.start)
                m.src_e.append(e.end)
                m.dst_s.append(e.start + shift)
                shift += len(e.replacement) - (e.end - e.start)
                m.dst_e.append(e.end + shift)
            self.maps.append(m)

    def forward(self, pos: int, side: int) -> int:
        """A damaged-text position in the output."""
        for m in self.maps:
            pos = _map(pos, m.src_s, m.src_e, m.dst_s, m.dst_e, side)
        return pos

    def backward(self, step: int, pos: int, side: int) -> int:
        """A position of the text step ``step`` received, in the damaged text."""
        for m in reversed(self.maps[:step]):
            pos = _map(pos, m.dst_s, m.dst_e, m.src_s, m.src_e, side)
        return pos


# --- scoring one page


@dataclass
class Region:
    start: int
    end: int
    labels: list[int] = field(default_factory=list)
    edits: list[str] = field(default_factory=list)  # the rule of each edit


@dataclass
class PageScore:
    """What happened to each instance and each edit of one page."""

    page: Page
    repaired: list[bool]
    flagged: list[bool]
    edits: list[tuple[str, bool, tuple[str, ...]]]  # (rule, correct, kinds of its region)
    examples: list[dict[str, Any]]


def _merge(intervals: list[tuple[int, int, str, int | str]]) -> list[Region]:
    regions: list[Region] = []
    for start, end, what, ref in sorted(intervals, key=lambda x: (x[0], x[1])):
        if not regions or start > regions[-1].end:
            regions.append(Region(start, end))
        region = regions[-1]
        region.end = max(region.end, end)
        if what == "label":
            assert isinstance(ref, int)
            region.labels.append(ref)
        else:
            region.edits.append(str(ref))
    return regions


def score_page(page: Page, run: Run) -> PageScore:
    """Judge every instance and every edit of ``page`` after ``run`` (module docstring)."""
    chain = Chain(run.steps)
    labels = page.labels
    intervals: list[tuple[int, int, str, int | str]] = [
        (x.start, x.end, "label", i) for i, x in enumerate(labels)
    ]
    flags: list[tuple[int, int]] = []
    for k, step in enumerate(run.steps):
        for e in step.edits:
            a, b = chain.backward(k, e.start, LEFT), chain.backward(k, e.end, RIGHT)
            intervals.append((a, max(a, b), "edit", e.rule or step.rule))
        for fs, fe in step.flags:
            a, b = chain.backward(k, fs, LEFT), chain.backward(k, fe, RIGHT)
            flags.append((a, max(b, a + 1)))
    # Gold offset of a damaged position outside every label: shift by the labels before it.
    ends = [x.end for x in labels]
    shifts = [0]
    for x in labels:
        shifts.append(shifts[-1] + len(x.gold) - len(x.text))

    def gold_pos(pos: int) -> int:
        return pos + shifts[bisect.bisect_right(ends, pos)]

    repaired = [False] * len(labels)
    edits: list[tuple[str, bool, tuple[str, ...]]] = []
    examples: list[dict[str, Any]] = []
    for region in _merge(intervals):
        gold = page.gold[gold_pos(region.start) : gold_pos(region.end)]
        damaged = page.text[region.start : region.end]
        output = run.output[chain.forward(region.start, LEFT) : chain.forward(region.end, RIGHT)]
        d0 = Levenshtein.distance(damaged, gold)
        d1 = Levenshtein.distance(output, gold) if output != gold else 0
        kinds = tuple(sorted({labels[i].kind for i in region.labels}))
        correct = d1 < d0
        for rule in region.edits:
            edits.append((rule, correct, kinds))
        if region.edits and not correct and len(examples) < EXAMPLES:
            examples.append(
                {
                    "page": page.id,
                    "rules": sorted(set(region.edits)),
                    "kinds": list(kinds),
                    "damaged": damaged[:160],
                    "output": output[:160],
                    "gold": gold[:160],
                }
            )
        for i in region.labels:
            x = labels[i]
            own = run.output[chain.forward(x.start, LEFT) : chain.forward(x.end, RIGHT)]
            repaired[i] = d1 == 0 or own == x.gold
    flagged = [any(fs < x.end and x.start < fe for fs, fe in flags) for x in labels]
    return PageScore(page, repaired, flagged, edits, examples)


# --- aggregating


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


@dataclass
class _Tally:
    n: int = 0
    repaired: int = 0
    flagged: int = 0
    either: int = 0
    edits: int = 0
    correct: int = 0

    def add_instance(self, repaired: bool, flagged: bool) -> None:
        self.n += 1
        self.repaired += repaired
        self.flagged += flagged
        self.either += repaired or flagged

    def as_dict(self) -> dict[str, Any]:
        return {
            "instances": self.n,
            "repaired": self.repaired,
            "flagged": self.flagged,
            "repaired_or_flagged": self.either,
            "repair_recall": _ratio(self.repaired, self.n),
            "flag_recall": _ratio(self.flagged, self.n),
            "repair_or_flag_recall": _ratio(self.either, self.n),
            "edits": self.edits,
            "correct_edits": self.correct,
            "edit_precision": _ratio(self.correct, self.edits),
        }


def aggregate(scores: Sequence[PageScore], kinds: dict[str, str]) -> dict[str, Any]:
    """Per kind x language, per kind, per language and overall figures, and the targets."""
    cell: dict[tuple[str, str], _Tally] = {}
    per_kind: dict[str, _Tally] = {}
    per_lang: dict[str, _Tally] = {}
    total = _Tally()
    by_rule: dict[str, list[int]] = {}
    clean_pages: dict[str, int] = {}
    false_clean: dict[str, int] = {}
    false_outside: dict[str, int] = {}
    missed: dict[str, list[dict[str, Any]]] = {}
    wrong_examples: list[dict[str, Any]] = []
    for s in scores:
        lang = s.page.lang
        lt = per_lang.setdefault(lang, _Tally())
        for x, rep, fl in zip(s.page.labels, s.repaired, s.flagged, strict=True):
            for t in (
                cell.setdefault((x.kind, lang), _Tally()),
                per_kind.setdefault(x.kind, _Tally()),
                lt,
                total,
            ):
                t.add_instance(rep, fl)
            if not (rep or fl) and len(missed.setdefault(x.kind, [])) < EXAMPLES:
                missed[x.kind].append(
                    {"page": s.page.id, "text": x.text[:120], "gold": x.gold[:120], "detail": x.detail}
                )
        if s.page.clean:
            clean_pages[lang] = clean_pages.get(lang, 0) + 1
        for rule, correct, region_kinds in s.edits:
            for t in (
                [lt, total]
                + [cell.setdefault((k, lang), _Tally()) for k in region_kinds]
                + [per_kind.setdefault(k, _Tally()) for k in region_kinds]
            ):
                t.edits += 1
                t.correct += correct
            counts = by_rule.setdefault(rule, [0, 0])
            counts[0] += 1
            counts[1] += correct
            if not correct and s.page.clean:
                false_clean[lang] = false_clean.get(lang, 0) + 1
            elif not correct and not region_kinds:
                false_outside[lang] = false_outside.get(lang, 0) + 1
        wrong_examples.extend(s.examples)
    langs = sorted(per_lang)
    n_clean = sum(clean_pages.values())
    n_false = sum(false_clean.values())
    below = [
        {"kind": k, "lang": lang, "recall": t.as_dict()["repair_or_flag_recall"], "instances": t.n}
        for (k, lang), t in sorted(cell.items())
        if t.n and t.either / t.n < TARGET_RECALL
    ]
    overall = total.as_dict()
    return {
        "languages": langs,
        "kinds": {k: kinds[k] for k in kinds if k in per_kind},
        "overall": {
            **overall,
            "pages": len(scores),
            "clean_pages": n_clean,
            "false_edits_on_clean_pages": n_false,
            "false_edits_per_clean_page": _ratio(n_false, n_clean),
            "false_edits_outside_labels_on_damaged_pages": sum(false_outside.values()),
        },
        "per_kind": {
            k: {"expect": kinds.get(k, ""), **per_kind[k].as_dict()} for k in kinds if k in per_kind
        },
        "per_language": {
            lang: {
                **per_lang[lang].as_dict(),
                "pages": sum(1 for s in scores if s.page.lang == lang),
                "clean_pages": clean_pages.get(lang, 0),
                "false_edits_on_clean_pages": false_clean.get(lang, 0),
                "false_edits_per_clean_page": _ratio(false_clean.get(lang, 0), clean_pages.get(lang, 0)),
                "false_edits_outside_labels_on_damaged_pages": false_outside.get(lang, 0),
            }
            for lang in langs
        },
        "per_kind_language": {
            k: {lang: cell[(k, lang)].as_dict() for lang in langs if (k, lang) in cell and cell[(k, lang)].n}
            for k in kinds
            if k in per_kind
        },
        "edits_by_rule": {
            rule: {"edits": n, "correct": ok, "precision": _ratio(ok, n)}
            for rule, (n, ok) in sorted(by_rule.items(), key=lambda kv: (-(kv[1][0] - kv[1][1]), kv[0]))
        },
        "targets": {
            "recall_per_kind_and_language": TARGET_RECALL,
            "cells_below_recall_target": below,
            "edit_precision": TARGET_PRECISION,
            "false_edits_per_clean_page": TARGET_FALSE_PER_CLEAN,
            "met": {
                "recall": not below,
                "precision": overall["edit_precision"] is None
                or overall["edit_precision"] >= TARGET_PRECISION,
                "false_edits": (n_false / n_clean if n_clean else 0.0) <= TARGET_FALSE_PER_CLEAN,
            },
        },
        "examples": {"missed": missed, "wrong_edits": wrong_examples[:40]},
    }


# --- running mtrepair over the corpus


def _configs(pages: Sequence[Page], base: Any) -> tuple[list[Any], bool]:
    """One configuration per page: the base one, plus its site's repeated lines when mtrepair learns them.

    The corpus-level pass (``mtrepair.frequent``) is what ``clean`` runs over a
    whole input before cleaning it; where it is not there (an older mtrepair), or
    its interface differs, every page gets ``base`` and the result says so.
    """
    try:
        import importlib

        frequent = importlib.import_module("mtrepair.frequent")
        io = importlib.import_module("mtrepair.io")
        docs = [
            io.SourceDoc(p.id, p.text, "realworld.jsonl", "realworld.jsonl", "jsonl", {"site": p.site})
            for p in pages
        ]
        counts = frequent.LineCounts()
        for doc in docs:
            counts.add(frequent.source_of(doc), doc.text)
        learned = counts.learn(min_docs=base.repeated_min_docs, share=base.repeated_share)
        return [base.for_document(learned.lookup(doc)) for doc in docs], True
    except (ImportError, AttributeError, TypeError):
        return [base for _ in pages], False


def clean_pages(
    pages: Sequence[Page], *, lang_mode: str = "given", glossary: bool = True
) -> tuple[list[Run], dict[str, Any]]:
    """``clean_text`` over every page, as ``mtrepair clean`` runs it; the runs and how they were made."""
    from mtrepair import Config, clean_text
    from mtrepair.langdata import LANGUAGES

    base = Config()
    if glossary:
        from mtrepair.glossary import default_paths

        base = base.with_glossary(default_paths())
    configs, corpus_pass = _configs(pages, base)
    runs: list[Run] = []
    started = time.perf_counter()
    for page, config in zip(pages, configs, strict=True):
        if lang_mode == "given" and page.lang in LANGUAGES:
            from dataclasses import replace

            config = replace(config, lang=page.lang)
        runs.append(run_from_result(clean_text(page.text, config)))
    info = {
        "lang_mode": lang_mode,
        "languages_given": sorted(lang for lang in {p.lang for p in pages} if lang in LANGUAGES)
        if lang_mode == "given"
        else [],
        "glossary": glossary,
        "corpus_pass_repeated_lines": corpus_pass,
        "seconds": round(time.perf_counter() - started, 2),
    }
    return runs, info


def evaluate(
    pages: Sequence[Page], runs: Sequence[Run], kinds: dict[str, str] | None = None
) -> dict[str, Any]:
    """Score ``runs`` (one per page, same order) against the corpus."""
    if kinds is None:
        from benchmarks.realworld_damage import KINDS

        kinds = {k: v[0] for k, v in KINDS.items()}
    return aggregate([score_page(p, r) for p, r in zip(pages, runs, strict=True)], kinds)


def run(
    corpus: Path = CORPUS,
    *,
    lang_mode: str = "given",
    glossary: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Clean and score the corpus: the result dict (also what ``mtrepair bench`` records)."""
    pages = load_corpus(corpus)
    if progress:
        progress(f"realworld: cleaning {len(pages)} pages")
    runs, info = clean_pages(pages, lang_mode=lang_mode, glossary=glossary)
    result = evaluate(pages, runs)
    result["run"] = {
        **info,
        "corpus": str(corpus),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }
    return result


# --- reporting


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def render_markdown(result: dict[str, Any], *, command: str = "mtrepair bench --parts realworld") -> str:
    """The tables of one run: recall per kind x language, per kind, per language, and the targets."""
    o = result["overall"]
    langs = result["languages"]
    t = result["targets"]
    met = t["met"]
    below = len(t["cells_below_recall_target"])
    recall_verdict = "met" if met["recall"] else f"not met: {below} cells below"
    info = result.get("run", {})
    lines = [
        f"Command: `{command}`"
        + (
            f" (languages given: {', '.join(info['languages_given']) or 'none'}; others guessed"
            if info
            else ""
        )
        + (
            f"; repeated lines learned per site: {'yes' if info.get('corpus_pass_repeated_lines') else 'no'})"
            if info
            else ""
        ),
        "",
        f"{o['pages']} pages ({o['clean_pages']} clean), {o['instances']} damage instances; "
        f"repair recall **{_f(o['repair_recall'])}**, flag recall **{_f(o['flag_recall'])}**, "
        f"repair-or-flag recall **{_f(o['repair_or_flag_recall'])}**; {o['edits']} edits, edit precision "
        f"**{_f(o['edit_precision'])}**; **{o['false_edits_on_clean_pages']}** false edits on "
        f"{o['clean_pages']} clean pages (**{_f(o['false_edits_per_clean_page'])}** per clean page), "
        f"{o['false_edits_outside_labels_on_damaged_pages']} more outside the labels of damaged pages.",
        "",
        f"Targets: repair-or-flag recall ≥ {t['recall_per_kind_and_language']:.2f} in every kind × language "
        f"({recall_verdict}), "
        f"edit precision ≥ {t['edit_precision']:.2f} ({'met' if met['precision'] else 'not met'}), "
        f"≤ {t['false_edits_per_clean_page']:.2f} false edits per clean page "
        f"({'met' if met['false_edits'] else 'not met'}).",
        "",
        "Repair-or-flag recall per kind and language (instances in brackets; `-`: the kind is not in that "
        "language's pages):",
        "",
        "| kind | expect | " + " | ".join(langs) + " |",
        "|---|---|" + "---:|" * len(langs),
    ]
    for kind, per in result["per_kind_language"].items():
        cells = []
        for lang in langs:
            c = per.get(lang)
            cells.append("-" if not c else f"{_f(c['repair_or_flag_recall'])} ({c['instances']})")
        lines.append(f"| `{kind}` | {result['kinds'].get(kind, '')} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Per kind (precision: edits in regions holding that kind):",
        "",
        "| kind | instances | repair recall | flag recall | repair-or-flag | edits | edit precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, k in result["per_kind"].items():
        lines.append(
            f"| `{kind}` | {k['instances']} | {_f(k['repair_recall'])} | {_f(k['flag_recall'])} | "
            f"{_f(k['repair_or_flag_recall'])} | {k['edits']} | {_f(k['edit_precision'])} |"
        )
    lines += [
        "",
        "Per language:",
        "",
        "| language | pages | clean | instances | repair recall | flag recall | repair-or-flag | edits "
        "| edit precision | false edits per clean page |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for lang, x in result["per_language"].items():
        lines.append(
            f"| {lang} | {x['pages']} | {x['clean_pages']} | {x['instances']} | {_f(x['repair_recall'])} | "
            f"{_f(x['flag_recall'])} | {_f(x['repair_or_flag_recall'])} | {x['edits']} | "
            f"{_f(x['edit_precision'])} | {_f(x['false_edits_per_clean_page'])} |"
        )
    wrong = [(r, v) for r, v in result["edits_by_rule"].items() if v["edits"] > v["correct"]]
    if wrong:
        lines += [
            "",
            "Rules with wrong edits: "
            + ", ".join(f"`{r}` {v['edits'] - v['correct']} of {v['edits']}" for r, v in wrong[:10])
            + ".",
        ]
    return "\n".join(lines) + "\n"


START, END = "<!-- realworld:start -->", "<!-- realworld:end -->"


def update_readme(readme: Path, text: str) -> None:
    """Replace what lies between the realworld markers of ``readme`` with ``text`` (markers required)."""
    current = readme.read_text(encoding="utf-8")
    head, sep, rest = current.partition(START)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise SystemExit(f"{readme}: no {START} ... {END} markers to replace between")
    readme.write_text(f"{head}{START}\n{text.rstrip()}\n{END}{tail}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--lang", choices=("given", "auto"), default="given", help="give each page its language"
    )
    parser.add_argument("--no-glossary", action="store_true")
    parser.add_argument("-o", "--output", type=Path, help="write the result JSON here")
    parser.add_argument("--markdown", type=Path, help="write the Markdown tables here")
    parser.add_argument(
        "--readme", type=Path, help="replace the tables between the realworld markers of this file"
    )
    args = parser.parse_args(argv)
    result = run(args.corpus, lang_mode=args.lang, glossary=not args.no_glossary)
    command = "python benchmarks/bench_realworld.py" + (" --lang auto" if args.lang == "auto" else "")
    text = render_markdown(result, command=command)
    if args.output:
        args.output.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    if args.readme:
        import subprocess

        from mtrepair import __version__

        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=False
        ).stdout.strip()
        r = result["run"]
        load = " / ".join(f"{x:.2f}" for x in r["load_average"] or [])
        stamp = (
            f"Measured {r['date']} with mtrepair {__version__} (working tree on commit "
            f"`{commit or 'unknown'}`), {r['seconds']} s to clean the corpus, load average {load or 'n/a'}."
        )
        update_readme(args.readme, stamp + "\n\n" + text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
