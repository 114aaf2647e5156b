"""``glossary check``: problems a reviewer should see before a glossary change merges."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from mtrepair.glossary.model import Glossary
from mtrepair.glossary.normalize import key

MIN_VARIANT = 3
COMMON_ZIPF = 4.0


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" or "warning"
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


@cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def check(glossary: Glossary) -> list[Problem]:
    """All problems, errors first; an empty list means the glossary is clean."""
    problems: list[Problem] = []
    owner: dict[tuple[str, str], str] = {}
    canonical: dict[str, str] = {}
    ids: dict[str, str] = {}
    for e in glossary.entries:
        where = f"{e.source}:{e.line}"
        if e.id in ids:
            problems.append(Problem("error", where, f"duplicate id {e.id!r} (also {ids[e.id]})"))
        ids[e.id] = where
        k = key(e.canonical)
        if k in canonical and canonical[k] != e.id:
            problems.append(
                Problem("error", where, f"canonical {e.canonical!r} equals entry {canonical[k]!r}'s")
            )
        canonical[k] = e.id
    contextual = {e.id: set(e.context.variants) if e.context else set() for e in glossary.entries}
    for e in glossary.entries:
        where = f"{e.source}:{e.line}"
        for lang, form in e.all_variants():
            k = key(form)
            if k == key(e.canonical) and form == e.canonical:
                problems.append(Problem("error", where, f"variant {form!r} is the canonical form itself"))
            other = canonical.get(k)
            if other is not None and other != e.id:
                problems.append(
                    Problem("error", where, f"variant {form!r} is the canonical form of {other!r}")
                )
            prev = owner.get((lang, k))
            if prev is not None and prev != e.id:
                problems.append(Problem("error", where, f"{lang} variant {form!r} also belongs to {prev!r}"))
            owner[(lang, k)] = e.id
            if len(k.replace(" ", "")) < MIN_VARIANT:
                problems.append(Problem("error", where, f"variant {form!r} is too short to match safely"))
            if lang == "en" and " " not in k and form not in contextual[e.id] and _zipf(k) >= COMMON_ZIPF:
                problems.append(
                    Problem(
                        "error",
                        where,
                        f"variant {form!r} is a common English word; add a context rule or a longer form",
                    )
                )
        if "ar" not in e.variants:
            problems.append(Problem("warning", where, f"entry {e.id!r} has no Arabic form"))
        if not e.note:
            problems.append(Problem("warning", where, f"entry {e.id!r} has no note"))
    by_file: dict[str, list[str]] = {}
    for e in glossary.entries:
        by_file.setdefault(e.source, []).append(e.id)
    for source, order in by_file.items():
        if order != sorted(order):
            first = next(a for a, b in zip(order, sorted(order), strict=True) if a != b)
            problems.append(
                Problem(
                    "error",
                    source,
                    f"entries are not sorted by id (first out of place: {first!r}); "
                    "sorted blocks keep merges conflict-free",
                )
            )
    problems.sort(key=lambda p: p.severity != "error")
    return problems
