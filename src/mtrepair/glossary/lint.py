"""``glossary check``: problems a reviewer should see before a glossary change merges."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from mtrepair.glossary.matcher import dropped_words
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


# Registry scopes of codes that name no single language: und, mul, zxx, mis
# ("special"), qaa..qtz ("private-use"), language families ("collection").
_NOT_ONE_LANGUAGE = frozenset({"special", "private-use", "collection"})


@cache
def _language_subtags() -> dict[str, dict[str, str]]:
    """The IANA language subtag registry (BCP 47), as the ``langcodes`` package ships it.

    Documents are tagged with these codes (ISO 639-1 where one exists, else
    639-3), so a variant list under any other key is never used: ``xx`` is a
    typo, ``ara`` is spelled ``ar`` in a tag. A maintained registry instead of a
    hand list keeps every real language (Kurdish ``ku``/``ckb``/``kmr``, ...) valid.
    """
    from langcodes.registry_parser import parse_registry

    return {
        item["Subtag"]: item
        for item in parse_registry()  # type: ignore[no-untyped-call]
        if item.get("Type") == "language"
    }


def _language_problem(code: str) -> str | None:
    """Why ``code`` cannot key a variant list, or None when it is a language's tag."""
    info = _language_subtags().get(code)
    if info is None:
        import langcodes

        tag = langcodes.standardize_tag(code) if langcodes.tag_is_valid(code) else code
        if tag != code:
            return f"language code {code!r} is not how documents are tagged; use {tag!r}"
        return f"{code!r} is not a language code (IANA language subtag registry); its variants are never used"
    if "Preferred-Value" in info:
        return f"language code {code!r} is deprecated; use {info['Preferred-Value']!r}"
    if info.get("Scope") in _NOT_ONE_LANGUAGE:
        desc = info.get("Description", [code])[0]
        return f"language code {code!r} ({desc}) is not a language variants are written in"
    return None


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
        for lang in sorted(e.variants):
            bad = _language_problem(lang)
            if bad is not None:
                problems.append(Problem("error", where, bad))
        for lang, form in e.all_variants():
            target = e.preferred(lang)
            dropped = dropped_words(form, target)
            if dropped:
                words = ", ".join(repr(w) for w in dropped)
                problems.append(
                    Problem(
                        "error",
                        where,
                        f"{lang} variant {form!r} -> {target!r} drops {words}: a variant must spell "
                        "the words of the form it becomes; remove it (a form inside a longer phrase "
                        "matches there without it)",
                    )
                )
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
