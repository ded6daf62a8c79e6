"""The Detector protocol every detector implements, and the shared priority of finding types."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from douane.types import Finding, FindingType

__all__ = ["TYPE_PRIORITY", "Detector"]


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
