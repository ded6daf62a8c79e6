"""Rule-based detectors (placeholder until the rule engine lands)."""

from __future__ import annotations

from collections.abc import Sequence

from douane.config import Config
from douane.detect.base import Detector

__all__ = ["rule_detectors"]


def rule_detectors(config: Config) -> Sequence[Detector]:
    return ()
