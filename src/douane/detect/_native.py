"""The native detection modules (C, C++), each with a Python fallback that finds the same.

`native` gives an attribute of one, or None where it is not built (no C or C++ compiler, no
RE2 headers) or DOUANE_PURE_PYTHON is set; the caller then takes its fallback. Tests hold each
native module to its fallback.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

__all__ = ["native"]


def native(module: str, name: str) -> Any:
    """`name` of `douane.detect.<module>`, or None (see the module docstring)."""
    if os.environ.get("DOUANE_PURE_PYTHON"):
        return None
    try:
        return getattr(importlib.import_module(f"douane.detect.{module}"), name)
    except ImportError:
        return None
