"""mtrepair inside other data pipelines: datatrove and Hugging Face ``datasets``.

Each integration is its own module and imports its peer package when it is
imported, never here: ``import mtrepair`` must not need datatrove or datasets.
Install the peer with the matching extra::

    pip install 'mtrepair[datatrove]'   # mtrepair.integrations.datatrove
    pip install 'mtrepair[hf]'          # mtrepair.integrations.hf

Both write the same per-document fields (:data:`EDITS`, :data:`FLAGS`,
:data:`LOG`), so a corpus cleaned by one reads like a corpus cleaned by the other.
"""

from __future__ import annotations

import dataclasses

from mtrepair.config import Config

# The field names both integrations add to a document (datatrove metadata, datasets columns).
EDITS = "mtrepair_edits"  # number of repairing edits
FLAGS = "mtrepair_flags"  # number of flags (damage pointed at, not repaired)
LOG = "mtrepair_log"  # the edit-report entry (mtrepair.report.document_entry) `mtrepair undo` reads
METADATA = "mtrepair_metadata"  # fields the metadata rule split off the text (date, source)

__all__ = ["EDITS", "FLAGS", "LOG", "METADATA", "config_for"]


def config_for(config: Config | None, lang: str | None) -> Config:
    """``config`` (default: :class:`Config`) with ``lang`` when one is given.

    Built once, when the step or function is set up, so a language mtrepair has
    no data for fails there with :class:`~mtrepair.errors.ConfigError`, not on
    the first document of a long run.
    """
    base = config if config is not None else Config()
    if lang is None or lang == base.lang:
        return base
    return dataclasses.replace(base, lang=lang)
