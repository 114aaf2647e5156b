"""mtrepair: detect, repair and measure damage in machine-translated news articles.

The public API (typed, with examples that run as doctests: :mod:`mtrepair.api`):

>>> import mtrepair
>>> mtrepair.clean("Officials said the the attack began at dawn.\\n").text
'Officials said the attack began at dawn.\\n'

``clean``, ``detect``, ``Glossary`` and the lower-level ``clean_text``,
``detect_text``, ``clean_corpus``, ``undo`` and ``replay`` are functions and
classes; ``align`` and ``qe`` are the subpackages :mod:`mtrepair.align` and
:mod:`mtrepair.qe`, callable as :func:`mtrepair.api.align` and
:func:`mtrepair.api.qe` (typed code imports those: a type checker does not see
a module's ``__call__``).
"""

from typing import TYPE_CHECKING

# Before the imports: modules imported below (the report, via clean_corpus) read it.
__version__ = "0.1.0"

from mtrepair.api import Glossary, QEScore, clean, detect
from mtrepair.config import Config
from mtrepair.corpus import Summary, clean_corpus
from mtrepair.errors import MtrepairError
from mtrepair.model import Finding, Result, Step
from mtrepair.pipeline import clean_text, detect_text, replay, undo

if TYPE_CHECKING:  # at run time on first use (numpy): see __getattr__ below
    from mtrepair.align.texts import TextAlignment

__all__ = [
    "Config",
    "Finding",
    "Glossary",
    "MtrepairError",
    "QEScore",
    "Result",
    "Step",
    "Summary",
    "TextAlignment",
    "__version__",
    "align",
    "clean",
    "clean_corpus",
    "clean_text",
    "detect",
    "detect_text",
    "qe",
    "replay",
    "undo",
]

if not TYPE_CHECKING:  # a type checker resolves mtrepair.align and mtrepair.qe as the subpackages

    def __getattr__(name: str) -> object:
        """``mtrepair.align`` and ``mtrepair.qe`` before anything imported them: import them now.

        They load on first use, so ``import mtrepair`` stays light (numpy and the QE
        models are not needed to clean). Importing a subpackage binds it on the
        package, so this runs once per name.
        """
        if name in ("align", "qe"):
            import importlib

            return importlib.import_module(f"mtrepair.{name}")
        if name == "TextAlignment":  # with numpy, on first use
            from mtrepair.align.texts import TextAlignment

            return TextAlignment
        raise AttributeError(f"module 'mtrepair' has no attribute {name!r}")

    def __dir__() -> list[str]:
        """Every attribute, ``align`` and ``qe`` included before their first use (tab completion)."""
        return sorted({*globals(), "align", "qe"})
