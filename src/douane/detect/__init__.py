"""Detection: the Detector protocol, the Scanner that merges findings, and the registry."""

from __future__ import annotations

from douane.detect.base import Detector
from douane.detect.registry import FACTORIES, build_scanner
from douane.detect.scanner import Scanner, resolve_overlaps

__all__ = ["FACTORIES", "Detector", "Scanner", "build_scanner", "resolve_overlaps"]
