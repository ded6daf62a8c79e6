"""The Detector protocol every detector implements, and the shared priority of finding types."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import Protocol, runtime_checkable

from douane.detect._native import native
from douane.types import Finding, FindingType, Level

__all__ = [
    "FINDING_FIELDS",
    "TYPE_PRIORITY",
    "Detector",
    "finding_factory",
    "python_finding_factory",
]


@runtime_checkable
class Detector(Protocol):
    """Finds sensitive spans in one text; `scan` returns findings with segment=0.

    A detector must be stateless across calls (the Scanner is shared between threads) and must
    raise rather than return partial results: the gateway fails closed on an exception.
    """

    name: str

    def scan(self, text: str) -> Iterable[Finding]:
        """Findings in `text`, offsets in code points; order does not matter."""
        ...


# When two findings overlap and neither is clearly stronger, the more specific type wins.
# Composite items come first: a credentialed DB URL (SECRET) holds an IP, an EMAIL holds a name.
TYPE_PRIORITY: dict[FindingType, int] = {
    FindingType.SECRET: 100,
    FindingType.PROTECTED_EXCERPT: 95,
    FindingType.EMAIL: 90,
    FindingType.IBAN: 85,
    FindingType.CREDIT_CARD: 84,
    FindingType.VAT_ID: 83,
    FindingType.NATIONAL_ID: 82,
    FindingType.IP_ADDRESS: 70,
    FindingType.PHONE: 60,
    FindingType.MARKING: 50,
    FindingType.CODENAME: 40,
    FindingType.PERSON: 30,
}


FINDING_FIELDS = ("start", "end", "type", "level", "detector", "score", "segment", "label")
if tuple(f.name for f in fields(Finding)) != FINDING_FIELDS:  # pragma: no cover
    raise ImportError("finding_factory is out of date with douane.types.Finding")


def finding_factory(
    type_: FindingType, level: Level, detector: str, label: str = ""
) -> Callable[[int, int, float], Finding]:
    """A constructor of segment-0 Findings that share type, level, detector and label.

    Finding is a frozen dataclass: its generated __init__ pays one object.__setattr__ call per
    field (~3 µs). Hot loops build findings here instead: the C module `_findings` writes the
    slots of a bare instance directly (~0.1 µs); without it (or with DOUANE_PURE_PYTHON), the
    slots are set through their descriptors (~0.7 µs). The same object either way.
    """
    finding_maker = native("_findings", "FindingMaker")
    if finding_maker is None:
        return python_finding_factory(type_, level, detector, label)
    maker: Callable[[int, int, float], Finding] = finding_maker(
        Finding, FINDING_FIELDS, type_, level, detector, label
    )
    return maker


def python_finding_factory(
    type_: FindingType, level: Level, detector: str, label: str = ""
) -> Callable[[int, int, float], Finding]:
    """finding_factory in Python: the slots set through their descriptors."""
    new = object.__new__
    setters = tuple(getattr(Finding, name).__set__ for name in FINDING_FIELDS)
    set_start, set_end, set_type, set_level, set_detector, set_score, set_segment, set_label = (
        setters
    )

    def make(start: int, end: int, score: float) -> Finding:
        finding: Finding = new(Finding)
        set_start(finding, start)
        set_end(finding, end)
        set_type(finding, type_)
        set_level(finding, level)
        set_detector(finding, detector)
        set_score(finding, score)
        set_segment(finding, 0)
        set_label(finding, label)
        return finding

    return make
