"""PERSON detectors (placeholder until the name model lands)."""

from __future__ import annotations

from collections.abc import Sequence

from douane.config import Config
from douane.detect.base import Detector

__all__ = ["person_detectors"]


def person_detectors(config: Config) -> Sequence[Detector]:
    return ()
