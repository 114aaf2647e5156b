"""``glossary qa`` on a bilingual file: terms, tags and untranslated segments, per segment."""

from __future__ import annotations

from dataclasses import dataclass

from mtrepair.bilingual.read import BilingualFile, Segment
from mtrepair.bilingual.tags import TagFinding, tag_findings
from mtrepair.glossary.matcher import Matcher
from mtrepair.glossary.qa import TermIssue, check_pair


@dataclass(frozen=True)
class SegmentQA:
    """What ``glossary qa`` found in one segment: lost or respelled terms, tag mismatches."""

    segment: Segment
    terms: tuple[TermIssue, ...]
    tags: tuple[TagFinding, ...]

    @property
    def untranslated(self) -> bool:
        return not self.segment.target and bool(self.segment.source)

    @property
    def has_findings(self) -> bool:
        return self.untranslated or bool(self.terms or self.tags)

    def messages(self) -> list[str]:
        """One line per finding, for text output and XLIFF notes."""
        out = ["untranslated"] if self.untranslated else []
        out += [f"{t.entry}: {t.message}" for t in self.terms]
        out += [f"tag: {t.message}" for t in self.tags]
        return out


def term_qa(file: BilingualFile, matcher: Matcher, *, src_lang: str, tgt_lang: str) -> list[SegmentQA]:
    """Glossary and tag QA of every segment (``glossary qa`` on a bilingual file).

    An untranslated segment is a finding of its own (as in Xbench); its terms are
    not reported missing one by one, which would only repeat it. ``TermIssue.line``
    is the segment's 1-based position in the file.
    """
    out = []
    for n, seg in enumerate(file.segments, start=1):
        terms: list[TermIssue] = []
        if seg.target:
            terms = check_pair(matcher, seg.source, seg.target, src_lang=src_lang, tgt_lang=tgt_lang, line=n)
        out.append(SegmentQA(seg, tuple(terms), tuple(tag_findings(seg))))
    return out
