"""Boilerplate k-grams (bundled list + `protect.background_files`) that never count as excerpts."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from douane.config import Config
from douane.detect._fold import WORD, fold
from douane.detect._winnow import U64, Hasher
from douane.errors import ConfigError

__all__ = ["BUNDLED", "boilerplate_hashes"]

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "boilerplate.txt"


def _resolve(config: Config, name: str) -> Path:
    path = Path(name).expanduser()
    if path.is_absolute():
        return path
    source = Path(config.source)
    return (source.parent if source.is_file() else Path.cwd()) / path


def boilerplate_hashes(config: Config, hasher: Hasher) -> U64:
    """Keyed hashes of every k-gram of every boilerplate line (not winnowed: all of them).

    Raises ConfigError if a configured background file cannot be read.
    """
    files = [BUNDLED, *(_resolve(config, f) for f in config.protect.background_files)]
    chunks: list[U64] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"protect.background_files: {path}: {exc.strerror}") from exc
        for line in text.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                chunks.append(hasher.kgrams(WORD.findall(fold(line))))
    return np.unique(np.concatenate(chunks)) if chunks else np.empty(0, dtype=np.uint64)
