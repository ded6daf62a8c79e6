"""The public surface: one sorted `__all__` at the top, and every module declares its own."""

from __future__ import annotations

import importlib
import pkgutil

import douane


def test_top_level_all_is_sorted_and_importable() -> None:
    assert douane.__all__ == sorted(douane.__all__)
    for name in douane.__all__:
        assert getattr(douane, name) is not None


def test_every_module_declares_all() -> None:
    missing = []
    for info in pkgutil.walk_packages(douane.__path__, "douane."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        if not hasattr(module, "__all__"):
            missing.append(info.name)
    assert missing == []
