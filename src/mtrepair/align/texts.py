"""Align two whole texts as ``mtrepair align`` and :func:`mtrepair.api.align` do.

One flow for both, so a script and the CLI pair the same sentences: read the
languages, cut both texts as ``clean`` leaves them (a break after "U.S." is no
bead of its own), keep headings, bylines, datelines and captions apart from the
sentences of the story, pick the similarity backend, align, and put the structure
lines back as beads of their own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mtrepair.align import Bead, Unit
from mtrepair.align.backends import Choice, choose_backend
from mtrepair.errors import ConfigError

# Default most units per side in one bead. 4 lets a sentence pair with up to four on the
# other side, which translations need (Bleualign de-fr dev: 9% of the gold beads have 3 or
# more units on a side; strict F1 with e5 0.77 at 2, 0.83 at 3, 0.85 at 4). On English
# against English it changed no bead of the MLQE-PE cases and of four of the five seed
# fixtures; on seed 002 it puts sentences torn into three or four fragments back together.
# Runs over 2 units are not embedded (see mtrepair.align.core), so only the DP grows:
# about 1.6x at 5,000 lines (lexical).
MAX_BEAD = 4
# With min_score > 0 (comparable documents) beads stay small: two outlets' articles rarely
# say one thing in four sentences against one.
COMPARABLE_MAX_BEAD = 2


@dataclass(frozen=True)
class TextAlignment:
    """The beads of :func:`align_texts` with the units they index.

    ``beads[k].garbled`` and ``.clean`` are positions in ``garbled_units`` and
    ``clean_units`` (a bead with one side empty is a unit inserted in, or lost
    from, the garbled copy); each unit's ``start``/``end`` index
    ``garbled_text`` or ``clean_text``: the inputs as ``clean`` repaired them
    (``repair=True``, the default) or as given. ``backend`` names the similarity
    used and ``note`` says why it was chosen, when there is something to say
    (``warning``: results are likely poor). ``garbled_prose``/``clean_prose`` are
    the units that were aligned as sentences of the story; the others are
    structure lines (headings, bylines, captions), each a bead of its own.
    """

    beads: tuple[Bead, ...]
    garbled_units: tuple[Unit, ...]
    clean_units: tuple[Unit, ...]
    garbled_text: str
    clean_text: str
    backend: str
    note: str | None = None
    warning: bool = False
    garbled_prose: tuple[int, ...] = ()
    clean_prose: tuple[int, ...] = ()
    garbled_lang: str = ""
    clean_lang: str = ""

    def pairs(self) -> list[tuple[str, str, float]]:
        """Each bead as (garbled sentences, clean sentences, score), each side's units joined by a space."""
        return [
            (
                " ".join(self.garbled_units[i].text for i in b.garbled),
                " ".join(self.clean_units[j].text for j in b.clean),
                b.score,
            )
            for b in self.beads
        ]


def align_texts(
    garbled: str,
    clean: str,
    *,
    units: str = "sentences",
    lang: str = "auto",
    clean_lang: str = "auto",
    backend: str | None = None,
    model_path: Path | None = None,
    max_bead: int | None = None,
    min_score: float = 0.0,
    skip: float | None = None,
    band: int | None = None,
    repair: bool = True,
    on_choice: Callable[[Choice], None] | None = None,
) -> TextAlignment:
    """Align ``garbled`` with ``clean`` (see the module docstring and :class:`TextAlignment`).

    ``on_choice`` hears which backend was picked before the (possibly long) alignment runs,
    so a CLI can print its note first.
    """
    from mtrepair.align.core import align as align_units
    from mtrepair.align.reference import prose_units, with_structure
    from mtrepair.align.units import MODES
    from mtrepair.align.units import units as split_units
    from mtrepair.langdata import guess_language

    if units not in MODES:
        raise ConfigError(f"unknown unit mode {units!r}; use one of: {', '.join(MODES)}")
    if skip is not None and not (math.isfinite(skip) and skip > 0):
        raise ConfigError(f"skip must be a positive number, not {skip}")
    g_lang = guess_language(garbled) if lang == "auto" else lang
    c_lang = guess_language(clean) if clean_lang == "auto" else clean_lang
    if repair and units == "sentences":
        from mtrepair.config import Config
        from mtrepair.pipeline import clean_text

        garbled = clean_text(garbled, Config(lang=g_lang)).text
        clean = clean_text(clean, Config(lang=c_lang)).text
    g_units = split_units(garbled, units, g_lang)
    c_units = split_units(clean, units, c_lang)
    choice = choose_backend(backend, model_path, g_lang, c_lang)
    if on_choice is not None:
        on_choice(choice)
    if max_bead is None:
        max_bead = COMPARABLE_MAX_BEAD if min_score > 0 else MAX_BEAD
    g_kept, c_kept = list(range(len(g_units))), list(range(len(c_units)))
    if units == "sentences":
        g_kept, c_kept = prose_units(garbled, g_units), prose_units(clean, c_units)
    prose = align_units(
        [g_units[i].text for i in g_kept],
        [c_units[j].text for j in c_kept],
        backend=choice.backend,
        max_bead=max_bead,
        band=band,
        min_score=min_score,
        skip=skip,
    )
    beads = with_structure(prose, g_kept, c_kept, len(g_units), len(c_units))
    return TextAlignment(
        tuple(beads),
        tuple(g_units),
        tuple(c_units),
        garbled,
        clean,
        choice.name,
        choice.message,
        choice.warning,
        tuple(g_kept),
        tuple(c_kept),
        g_lang,
        c_lang,
    )
