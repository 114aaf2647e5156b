"""Make a subpackage callable as the public API function of the same name.

``mtrepair.align`` and ``mtrepair.qe`` are subpackages, and importing one of their
modules (``mtrepair.qe.learned``) binds the subpackage on ``mtrepair`` whatever was
there before; so the public functions of those names are the packages themselves,
made callable through their class (a module's ``__class__`` may be set to a
``ModuleType`` subclass). A type checker does not see this: typed code calls
``mtrepair.api.align`` / ``mtrepair.api.qe``.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


def make_callable(module: str, function: str) -> None:
    """Calling module ``module`` calls :mod:`mtrepair.api`'s ``function`` (imported on first call)."""

    class CallableModule(types.ModuleType):
        __doc__ = f"This package, callable: calling it is :func:`mtrepair.api.{function}`."

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return getattr(importlib.import_module("mtrepair.api"), function)(*args, **kwargs)

    sys.modules[module].__class__ = CallableModule
