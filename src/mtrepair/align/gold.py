"""Scoring an alignment against a gold one, and reading/writing gold files.

The scores follow Vecalign's ``score.py`` (after Sennrich & Volk's lax/strict
measures) so figures can be set next to Vecalign's and Bertalign's:

- **strict**: a bead counts only if the gold holds exactly the same bead.
- **lax**: a bead that is not exact still counts if it shares a garbled unit
  and a clean unit with one gold bead's pairs.
- **precision** is over every predicted bead, *including* 1-0 and 0-1 beads (an
  unaligned unit the gold also leaves unaligned is a strict hit; a lax hit
  needs units on both sides, so a wrong 1-0 is never a lax hit).
- **recall** is over the gold beads *excluding* 1-0 and 0-1, matched against
  the predicted beads excluding them too: Vecalign's choice, so recall measures
  the links found and precision also punishes sentences wrongly left out.

Files: JSON (a list of ``{"garbled": [...], "clean": [...]}`` objects, the
``align --format json`` output, extra keys such as ``score`` ignored), or
Vecalign's text format, one bead a line: ``[0]:[0, 1]`` with an optional
``:score`` field.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from mtrepair.align import Bead
from mtrepair.errors import InputError
from mtrepair.io import decode

Pair = tuple[tuple[int, ...], tuple[int, ...]]

_INDEX_LIST = re.compile(r"\[\s*(?:\d+\s*(?:,\s*\d+\s*)*)?\]")


def _pairs(beads: Iterable[Bead | Pair]) -> set[Pair]:
    out: set[Pair] = set()
    for bead in beads:
        g, c = (bead.garbled, bead.clean) if isinstance(bead, Bead) else bead
        if g or c:
            out.add((tuple(g), tuple(c)))
    return out


def _hits(reference: set[Pair], candidates: set[Pair]) -> tuple[int, int]:
    """(strict hits, lax hits) of ``candidates`` against ``reference``."""
    linked: dict[int, set[int]] = defaultdict(set)
    for g, c in reference:
        for i in g:
            linked[i].update(c)
    strict = lax = 0
    for g, c in candidates:
        if (g, c) in reference:
            strict += 1
            lax += 1
        elif any(j in linked[i] for i in g for j in c):
            lax += 1
    return strict, lax


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_alignment(pred: Sequence[Bead | Pair], gold: Sequence[Bead | Pair]) -> dict[str, float]:
    """Strict and lax precision, recall and F1 of ``pred`` against ``gold``.

    Beads may be :class:`Bead` objects or ``(garbled, clean)`` index tuples.
    An empty denominator gives 0.0, as in Vecalign.
    """
    p_set, g_set = _pairs(pred), _pairs(gold)
    p_strict, p_lax = _hits(g_set, p_set)
    linked_pred = {b for b in p_set if b[0] and b[1]}
    linked_gold = {b for b in g_set if b[0] and b[1]}
    r_strict, r_lax = _hits(linked_pred, linked_gold)
    out = {
        "precision_strict": _ratio(p_strict, len(p_set)),
        "recall_strict": _ratio(r_strict, len(linked_gold)),
        "precision_lax": _ratio(p_lax, len(p_set)),
        "recall_lax": _ratio(r_lax, len(linked_gold)),
    }
    out["f1_strict"] = _f1(out["precision_strict"], out["recall_strict"])
    out["f1_lax"] = _f1(out["precision_lax"], out["recall_lax"])
    return out


def _indices(value: object, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(x, int) and x >= 0 for x in value):
        raise InputError(f"{where}: expected a list of unit indices (non-negative integers)")
    return tuple(value)


def parse_gold(text: str, source: str) -> list[Pair]:
    """Beads from JSON or Vecalign text (text that is not JSON is read as Vecalign's)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if re.match(r"\s*\[\s*\{", text):
            raise InputError(f"{source}: broken JSON ({exc})") from None
        return _parse_vecalign(text, source)
    if not isinstance(data, list):
        raise InputError(f'{source}: expected a JSON list of {{"garbled": [...], "clean": [...]}}')
    out: list[Pair] = []
    for k, item in enumerate(data):
        where = f"{source}: bead {k}"
        if not isinstance(item, dict) or "garbled" not in item or "clean" not in item:
            raise InputError(f'{where}: expected an object with "garbled" and "clean" lists')
        out.append((_indices(item["garbled"], where), _indices(item["clean"], where)))
    return out


def _parse_vecalign(text: str, source: str) -> list[Pair]:
    out: list[Pair] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        lists = _INDEX_LIST.findall(line)
        rest = _INDEX_LIST.sub("", line, count=2)
        if len(lists) < 2 or not re.fullmatch(r"\s*:\s*:?\s*(?:[-+0-9.eE]+\s*)?", rest):
            raise InputError(f"{source}:{number}: expected a bead such as [0]:[0, 1] (optionally :score)")
        g, c = (tuple(int(x) for x in re.findall(r"\d+", part)) for part in lists[:2])
        out.append((g, c))
    return out


def read_gold(path: Path) -> list[Pair]:
    """Read a gold alignment file (JSON or Vecalign text)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such gold file; check the path") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return parse_gold(decode(data, str(path)), str(path))


def format_vecalign(beads: Iterable[Bead | Pair]) -> str:
    """Vecalign's text format, one bead a line; the score is written for Beads."""
    lines = []
    for bead in beads:
        if isinstance(bead, Bead):
            lines.append(f"{list(bead.garbled)}:{list(bead.clean)}:{bead.score:.4f}")
        else:
            lines.append(f"{list(bead[0])}:{list(bead[1])}")
    return "".join(line + "\n" for line in lines)


def format_json(beads: Iterable[Bead | Pair]) -> str:
    """The JSON bead list of BRIEF §2 (``score`` only for Beads)."""
    items: list[dict[str, object]] = []
    for bead in beads:
        if isinstance(bead, Bead):
            items.append(bead.as_dict())
        else:
            items.append({"garbled": list(bead[0]), "clean": list(bead[1])})
    return json.dumps(items, ensure_ascii=False) + "\n"
