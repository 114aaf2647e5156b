"""Bilingual files: TMX 1.4, XLIFF 1.2 and XLIFF 2.x read into source/target segments.

Translators and MT engineers exchange translations as XML, not as two line-aligned
text files: TMX (translation memories) and XLIFF (what CAT tools and MT pipelines
pass around). :func:`read_bilingual` turns such a file into :class:`Segment` s whose
``source`` and ``target`` are plain text, so the line-based checks (``qe``,
``score``, ``glossary qa``) run on them unchanged, while the inline tags (the
formatting and placeholder codes CAT tools keep as ``<g>``, ``<ph>``, ``<bpt>``…)
are kept aside as identities for :func:`tag_findings`: a tag the translation lost
or added breaks the formatting of the document it goes back into, which is what
Xbench and Okapi CheckMate report as tag mismatches.

Decisions (README, "Bilingual files"):

* Text: inline codes whose content is native code (``bpt ept ph it ut`` in TMX and
  XLIFF 1.2, ``sub`` inside them) are dropped; elements around translatable text
  (``g``, ``pc``, ``hi``, ``mrk``) keep their text. Runs of whitespace become one
  space and the ends are stripped, so a segment is one line for the line-based tools.
* Tags: the identity of a code is its element name and id (``"g:3"``, ``"bpt:1"``).
  Annotations (``mrk``, ``sm``, ``em``) are not codes: tools add and drop them in a
  target legitimately (term marks, comments), so they are not checked.
* Ids: ``tu/@tuid``, ``trans-unit/@id``, ``unit/@id``; the 1-based position when
  absent. A unit with several segments (XLIFF 2 ``segment`` s, XLIFF 1.2
  ``seg-source`` ``mrk mtype="seg"``) gives ``UNIT:SEGMENT`` ids. A repeated id
  (several ``<file>`` s may reuse ids) gets ``#2``, ``#3``… so ids stay unique.
* TMX languages: the source is ``source_lang`` or the header's ``srclang``; the
  target is ``target_lang`` or the one other language the file holds (a TMX with
  several target languages needs ``target_lang``). ``fr`` matches ``fr-FR``.
  XLIFF names its languages itself; a ``source_lang``/``target_lang`` given for it
  must agree (a mistake caught early, not a silent mis-scoring).
* Security: the standard library's expat parser, with any DTD refused, so no
  entity can be declared (no "billion laughs", no external entity reads).
"""

from mtrepair.bilingual.notes import write_xliff_notes
from mtrepair.bilingual.qa import SegmentQA, term_qa
from mtrepair.bilingual.read import FORMATS, SUFFIXES, BilingualFile, Segment, is_bilingual, read_bilingual
from mtrepair.bilingual.tags import TagFinding, tag_findings

__all__ = [
    "FORMATS",
    "SUFFIXES",
    "BilingualFile",
    "Segment",
    "SegmentQA",
    "TagFinding",
    "is_bilingual",
    "read_bilingual",
    "tag_findings",
    "term_qa",
    "write_xliff_notes",
]
