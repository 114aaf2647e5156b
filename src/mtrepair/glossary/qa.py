"""Term QA: glossary terms of the source that the translation lost or respelled.

For every glossary entry found in the source (its canonical form or a variant in
the source language), the translation must contain the entry's canonical target
form. A variant instead of it is reported as such (``clean`` would fix it); no
form at all as a missing term. Files with the same number of lines are compared
line by line (sentence-aligned MT data); otherwise document against document.
"""

from __future__ import annotations

from dataclasses import dataclass

from mtrepair.glossary.matcher import Matcher
from mtrepair.glossary.normalize import key, normalize


@dataclass(frozen=True)
class TermIssue:
    line: int  # 1-based line of the translation (0: whole document)
    entry: str
    source_form: str
    expected: str
    found: str | None  # the variant used instead, or None when missing
    message: str


def _has(text_key: str, form: str) -> bool:
    k = key(form)
    i = text_key.find(k)
    while i >= 0:
        before = text_key[i - 1] if i else " "
        after = text_key[i + len(k)] if i + len(k) < len(text_key) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        i = text_key.find(k, i + 1)
    return False


def check_pair(
    matcher: Matcher, source: str, target: str, *, src_lang: str, tgt_lang: str = "en", line: int = 0
) -> list[TermIssue]:
    issues = []
    seen: set[str] = set()
    target_key = normalize(target).text
    for entry, start, end in matcher.occurrences(source, src_lang):
        if entry.id in seen:
            continue
        seen.add(entry.id)
        expected = entry.preferred(tgt_lang)
        if _has(target_key, expected) and expected in target:
            continue
        used = next((v for v in (expected, *entry.variants.get(tgt_lang, ())) if _has(target_key, v)), None)
        src_form = source[start:end]
        if used is None:
            msg = f"source term {src_form!r} ({entry.id}) has no {expected!r} in the translation"
        else:
            msg = f"source term {src_form!r} translated as {used!r}; glossary form is {expected!r}"
        issues.append(TermIssue(line, entry.id, src_form, expected, used, msg))
    return issues


def check_texts(
    matcher: Matcher, source: str, target: str, *, src_lang: str, tgt_lang: str = "en"
) -> list[TermIssue]:
    src_lines, tgt_lines = source.splitlines(), target.splitlines()
    if len(src_lines) == len(tgt_lines) and len(src_lines) > 1:
        out: list[TermIssue] = []
        for n, (s, t) in enumerate(zip(src_lines, tgt_lines, strict=True), start=1):
            out.extend(check_pair(matcher, s, t, src_lang=src_lang, tgt_lang=tgt_lang, line=n))
        return out
    return check_pair(matcher, source, target, src_lang=src_lang, tgt_lang=tgt_lang)
