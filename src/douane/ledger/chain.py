"""One ledger entry and how it is sealed: canonical bytes, a SHA-256 hash chained to the last."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, fields, replace
from typing import Any

from douane.ledger.signing import Signer

__all__ = [
    "GENESIS",
    "HASHED_FIELDS",
    "Draft",
    "Entry",
    "canonical_body",
    "entry_hash",
    "seal",
    "terms_for",
    "valid_count_key",
    "valid_value_hash",
]

GENESIS = "0" * 64
"""The `prev_hash` of the first record: the chain starts from nothing."""

_DOMAIN = "douane-ledger-v1"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# A finding-count key: a taxonomy type, optionally with a level (`IBAN`, `IBAN:confidential`).
_COUNT_KEY = re.compile(r"^([A-Z][A-Z0-9_]{0,39})(?:[:/.|]([a-z][a-z_-]{0,19}))?$")


@dataclass(frozen=True, slots=True)
class Draft:
    """An entry before it has a place in the chain: what the caller wants recorded."""

    ts: str
    kind: str
    request_id: str
    team: str | None
    provider: str | None
    jurisdiction: str | None
    body: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A sealed ledger row. Everything except `hash` and `signature` is covered by the hash."""

    seq: int
    ts: str
    kind: str
    request_id: str
    team: str | None
    provider: str | None
    jurisdiction: str | None
    body: str
    prev_hash: str
    signer: str
    hash: str
    signature: str

    def as_row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def data(self) -> dict[str, Any]:
        """The decoded JSON body (counts, hashes of values, sizes, latency, outcome)."""
        value = json.loads(self.body)
        return value if isinstance(value, dict) else {}

    def with_(self, **changes: Any) -> Entry:
        return replace(self, **changes)


HASHED_FIELDS = (
    "seq",
    "ts",
    "kind",
    "request_id",
    "team",
    "provider",
    "jurisdiction",
    "body",
    "prev_hash",
    "signer",
)


def canonical_body(data: dict[str, Any]) -> str:
    """The one JSON spelling of a body: sorted keys, no spaces, so its hash is reproducible."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def entry_hash(entry: Entry | dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON array of the hashed fields, prefixed by a version tag."""
    row = entry.as_row() if isinstance(entry, Entry) else entry
    payload = [_DOMAIN, *(row[name] for name in HASHED_FIELDS)]
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()
    return hashlib.sha256(data).hexdigest()


def seal(draft: Draft, seq: int, prev_hash: str, signer: Signer) -> Entry:
    """Give a draft its place after `prev_hash`, hash it and sign the hash."""
    entry = Entry(
        seq=seq,
        ts=draft.ts,
        kind=draft.kind,
        request_id=draft.request_id,
        team=draft.team,
        provider=draft.provider,
        jurisdiction=draft.jurisdiction,
        body=draft.body,
        prev_hash=prev_hash,
        signer=signer.key_id,
        hash="",
        signature="",
    )
    digest = entry_hash(entry)
    return replace(entry, hash=digest, signature=signer.sign(digest))


def terms_for(kind: str, body: str) -> list[str]:
    """The search-index terms derived from a body: `type:IBAN` per finding type, `value:<hash>`."""
    if kind != "begin":
        return []
    data = json.loads(body)
    types = {m.group(1) for k in data.get("finding_counts", {}) if (m := _COUNT_KEY.match(k))}
    values = set(data.get("value_hashes", ()))
    return sorted({f"type:{t}" for t in types} | {f"value:{v}" for v in values})


def valid_value_hash(value: str) -> bool:
    return bool(_HEX64.match(value))


def valid_count_key(key: str) -> bool:
    return bool(_COUNT_KEY.match(key))
