"""mtrepair: detect, repair and measure damage in machine-translated news articles."""

# Before the imports: modules imported below (the report, via clean_corpus) read it.
__version__ = "0.1.0"

from mtrepair.config import Config
from mtrepair.corpus import Summary, clean_corpus
from mtrepair.errors import MtrepairError
from mtrepair.model import Finding, Result, Step
from mtrepair.pipeline import clean_text, detect_text, replay, undo

__all__ = [
    "Config",
    "Finding",
    "MtrepairError",
    "Result",
    "Step",
    "Summary",
    "__version__",
    "clean_corpus",
    "clean_text",
    "detect_text",
    "replay",
    "undo",
]
