"""mtrepair: detect, repair and measure damage in machine-translated news articles."""

from mtrepair.config import Config
from mtrepair.errors import MtrepairError
from mtrepair.model import Finding, Result, Step
from mtrepair.pipeline import clean_text, detect_text, replay, undo

__version__ = "0.1.0"

__all__ = [
    "Config",
    "Finding",
    "MtrepairError",
    "Result",
    "Step",
    "__version__",
    "clean_text",
    "detect_text",
    "replay",
    "undo",
]
