"""Douane: customs for AI traffic."""

import os

if os.environ.get("DOUANE_PURE_PYTHON"):  # before any import of a compiled module
    from douane._pure import install

    install()


from douane.config import Config, load_config
from douane.detect import Detector, Scanner, build_scanner
from douane.errors import DouaneError
from douane.mask import Masker
from douane.policy import Policy
from douane.restore import Restorer, restore_text
from douane.types import Action, Decision, Finding, FindingType, Jurisdiction, Level, Route, Segment

__version__ = "0.1.0"

__all__ = [
    "Action",
    "Config",
    "Decision",
    "Detector",
    "DouaneError",
    "Finding",
    "FindingType",
    "Jurisdiction",
    "Level",
    "Masker",
    "Policy",
    "Restorer",
    "Route",
    "Scanner",
    "Segment",
    "build_scanner",
    "load_config",
    "restore_text",
]
