"""The shared vocabulary: enums of the taxonomy and the frozen records passed between stages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "ASGIApp",
    "Action",
    "Decision",
    "Finding",
    "FindingType",
    "Jurisdiction",
    "Level",
    "Message",
    "Outcome",
    "Receive",
    "RequestRecord",
    "Route",
    "Scope",
    "Segment",
    "Send",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Level(StrEnum):
    """Sensitivity of a finding, ordered: public < internal < confidential < secret."""

    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    SECRET = "secret"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.PUBLIC: 0, Level.INTERNAL: 1, Level.CONFIDENTIAL: 2, Level.SECRET: 3}


class FindingType(StrEnum):
    """The fixed taxonomy shared with the evaluation corpus and policies."""

    PERSON = "PERSON"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    IBAN = "IBAN"
    CREDIT_CARD = "CREDIT_CARD"
    IP_ADDRESS = "IP_ADDRESS"
    NATIONAL_ID = "NATIONAL_ID"
    VAT_ID = "VAT_ID"
    SECRET = "SECRET"
    MARKING = "MARKING"
    CODENAME = "CODENAME"
    PROTECTED_EXCERPT = "PROTECTED_EXCERPT"


class Action(StrEnum):
    """What happens to one finding before the request leaves."""

    KEEP = "keep"
    MASK = "mask"
    REDACT = "redact"


class Jurisdiction(StrEnum):
    """Where a provider processes data; `other` covers unknown jurisdictions."""

    ON_PREM = "on-prem"
    EU = "EU"
    US = "US"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Segment:
    """One text-bearing field of a request; `path` locates it inside the request JSON."""

    path: tuple[str | int, ...]
    role: str
    text: str


@dataclass(frozen=True, slots=True)
class Finding:
    """A sensitive span `text[start:end]` of segment number `segment`; never holds the value."""

    start: int
    end: int
    type: FindingType
    level: Level
    detector: str
    score: float = 1.0
    segment: int = 0
    label: str = ""


@dataclass(frozen=True, slots=True)
class Route:
    """The upstream a request goes to: provider name, upstream model name, jurisdiction."""

    provider: str
    model: str
    jurisdiction: Jurisdiction


@dataclass(frozen=True, slots=True)
class Decision:
    """The policy's verdict: where to go, one action per finding, or why it is blocked."""

    route: Route | None
    actions: tuple[Action, ...] = ()
    blocked_reason: str | None = None
    rerouted_to: str | None = None

    @property
    def blocked(self) -> bool:
        return self.blocked_reason is not None


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """What the ledger writes before forwarding (write-ahead); holds no plaintext values."""

    request_id: str
    team: str
    key_id: str
    endpoint: str
    requested_model: str
    route: Route | None
    decision: str
    finding_counts: dict[str, int] = field(default_factory=dict)
    value_hashes: tuple[str, ...] = ()
    bytes_in: int = 0
    streaming: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the ledger writes once the request is over."""

    request_id: str
    outcome: str
    status: int
    error_code: str | None = None
    bytes_out: int = 0
    tokens_in: int | None = None
    tokens_out: int | None = None
    latency_ms: float = 0.0
