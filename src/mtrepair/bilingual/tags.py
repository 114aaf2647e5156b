"""Inline tags of a segment: the codes its translation lost, added or closed too early."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mtrepair.bilingual.read import Segment

_PAIRS = {"bpt": "ept", "sc": "ec", "bx": "ex"}  # opening code -> its closing code


@dataclass(frozen=True)
class TagFinding:
    """An inline tag the translation lost (missing), added (extra) or closed before opening (order)."""

    segment: str
    kind: str  # "missing", "extra" or "order"
    tag: str
    message: str


def tag_findings(seg: Segment) -> list[TagFinding]:
    """The inline tags of the source missing in the translation, the extra ones, and broken pairs.

    An untranslated segment (empty target) has no findings: nothing was lost yet.
    Codes are compared as multisets (a translation may legitimately move a tag with
    the words it wraps); only a closing code before its opening one is an order error.
    """
    if not seg.target:
        return []
    src, tgt = Counter(seg.source_tags), Counter(seg.target_tags)
    out: list[TagFinding] = []
    for tag in seg.source_tags:
        if src[tag] > tgt[tag] and tag not in {f.tag for f in out}:
            n = src[tag] - tgt[tag]
            out.append(
                TagFinding(
                    seg.id,
                    "missing",
                    tag,
                    f"tag {tag} is in the source but missing in the target"
                    + (f" ({n} times)" if n > 1 else ""),
                )
            )
    for tag in seg.target_tags:
        if tgt[tag] > src[tag] and tag not in {f.tag for f in out}:
            out.append(TagFinding(seg.id, "extra", tag, f"tag {tag} is in the target but not in the source"))
    for opening, closing in _PAIRS.items():
        for i, tag in enumerate(seg.target_tags):
            name, _, ident = tag.partition(":")
            if name != closing or not ident:
                continue
            opener = f"{opening}:{ident}"
            later = seg.target_tags[i + 1 :]
            if opener in later and opener not in seg.target_tags[:i]:
                out.append(
                    TagFinding(seg.id, "order", tag, f"tag {tag} closes before its opening tag {opener}")
                )
    return out
