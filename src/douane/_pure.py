"""DOUANE_PURE_PYTHON=1: import Douane's own modules from their source, not the compiled ones.

The detection hot path ships compiled with mypyc (see setup.py); its sources sit beside the
compiled modules and behave identically. Loading the sources serves coverage measurement, the
tests that compare both builds, and debugging (a traceback into a compiled module has no lines).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from importlib.util import spec_from_file_location
from pathlib import Path
from types import ModuleType

__all__ = ["install"]


class _SourceFirst(MetaPathFinder):
    """Finds `douane.*` modules as `.py` files ahead of the compiled extension beside them."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not fullname.startswith("douane.") or path is None:
            return None
        leaf = fullname.rpartition(".")[2]
        for entry in path:
            source = Path(entry) / f"{leaf}.py"
            if source.is_file():
                return spec_from_file_location(fullname, source)
        return None  # a package or not ours: the default finders decide


def install() -> None:
    """Put the source-first finder ahead of the default ones (idempotent)."""
    if not any(isinstance(finder, _SourceFirst) for finder in sys.meta_path):
        sys.meta_path.insert(0, _SourceFirst())
