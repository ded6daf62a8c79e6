"""The detector registry: factories that build detectors from the config, built-ins included.

Add a detector family by appending its factory to FACTORIES (the same path the built-ins take).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Engine

from douane.config import Config
from douane.detect.base import Detector
from douane.detect.scanner import Scanner

__all__ = ["FACTORIES", "DetectorFactory", "build_scanner"]

DetectorFactory = Callable[[Config, Engine | None], Sequence[Detector]]


def _rules(config: Config, engine: Engine | None) -> Sequence[Detector]:
    from douane.detect.rules import rule_detectors

    return rule_detectors(config)


def _person(config: Config, engine: Engine | None) -> Sequence[Detector]:
    from douane.detect.person import person_detectors

    return person_detectors(config)


def _codename(config: Config, engine: Engine | None) -> Sequence[Detector]:
    from douane.detect.codename import codename_detectors

    return codename_detectors(config, engine)


def _protect(config: Config, engine: Engine | None) -> Sequence[Detector]:
    from douane.detect.fingerprint import protect_detectors

    return protect_detectors(config, engine)


FACTORIES: tuple[DetectorFactory, ...] = (
    _rules,
    _person,
    _codename,
    _protect,
)


def build_scanner(config: Config, engine: Engine | None = None) -> Scanner:
    """Build every registered detector once; detectors named in `detection.disabled` are skipped.

    Raises ConfigError when a rule file or backend setting is invalid.
    """
    disabled = set(config.detection.disabled)
    detectors: list[Detector] = []
    for factory in FACTORIES:
        detectors.extend(d for d in factory(config, engine) if d.name not in disabled)
    return Scanner(detectors)
