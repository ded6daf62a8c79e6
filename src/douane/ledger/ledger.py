"""The `Ledger` the gateway calls: a write-ahead `begin` and a `finish` entry per request."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import Engine

from douane.config import Config
from douane.errors import LedgerUnavailable
from douane.ledger.chain import Draft, canonical_body, valid_count_key, valid_value_hash
from douane.ledger.signing import Signer, load_signer
from douane.ledger.store import STORAGE_ERRORS, read_head, translate
from douane.ledger.writer import Writer
from douane.types import Outcome, RequestRecord

__all__ = ["Ledger", "begin_draft", "finish_draft", "utc_now"]

_MAX_NAME = 200


def utc_now() -> str:
    """The ledger's timestamp format: ISO 8601 UTC with microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _name(value: str | None) -> str | None:
    return None if value is None else str(value)[:_MAX_NAME]


def begin_draft(record: RequestRecord, ts: str | None = None) -> Draft:
    """The write-ahead entry for a request.

    Raises LedgerUnavailable if the record carries something that is not a keyed hash or a
    finding-type count (fail closed: the ledger refuses to become a copy of the secrets).
    """
    bad_hashes = sum(1 for h in record.value_hashes if not valid_value_hash(h))
    if bad_hashes:
        raise LedgerUnavailable(f"refusing {bad_hashes} value hash(es) that are not keyed hashes")
    bad_keys = [k for k in record.finding_counts if not valid_count_key(k)]
    if bad_keys:
        raise LedgerUnavailable(f"refusing {len(bad_keys)} finding count(s) not keyed by type")
    route = record.route
    body = {
        "key_id": _name(record.key_id),
        "endpoint": _name(record.endpoint),
        "requested_model": _name(record.requested_model),
        "model": _name(route.model) if route else None,
        "decision": _name(record.decision),
        "finding_counts": {k: int(v) for k, v in record.finding_counts.items()},
        "value_hashes": sorted(set(record.value_hashes)),
        "bytes_in": int(record.bytes_in),
        "streaming": bool(record.streaming),
    }
    return Draft(
        ts=ts or utc_now(),
        kind="begin",
        request_id=str(record.request_id)[:100],
        team=_name(record.team),
        provider=_name(route.provider) if route else None,
        jurisdiction=str(route.jurisdiction) if route else None,
        body=canonical_body(body),
    )


def finish_draft(outcome: Outcome, ts: str | None = None) -> Draft:
    """The completion entry for a request (outcome, sizes, tokens, latency)."""
    body = {
        "outcome": _name(outcome.outcome),
        "status": int(outcome.status),
        "error_code": _name(outcome.error_code),
        "bytes_out": int(outcome.bytes_out),
        "tokens_in": None if outcome.tokens_in is None else int(outcome.tokens_in),
        "tokens_out": None if outcome.tokens_out is None else int(outcome.tokens_out),
        "latency_ms": round(float(outcome.latency_ms), 3),
    }
    return Draft(
        ts=ts or utc_now(),
        kind="finish",
        request_id=str(outcome.request_id)[:100],
        team=None,
        provider=None,
        jurisdiction=None,
        body=canonical_body(body),
    )


class Ledger:
    """The tamper-evident audit ledger of one Douane process (many may share one database).

    `begin` returns once the write-ahead entry is committed; `finish` once the outcome is.
    Both raise LedgerUnavailable on any storage failure, so the gateway can fail closed.
    """

    def __init__(self, engine: Engine, signer: Signer, *, fsync: bool = False) -> None:
        self._engine = engine
        self._signer = signer
        self._writer = Writer(engine, signer, fsync=fsync)

    @classmethod
    def open(cls, config: Config, engine: Engine) -> Ledger:
        """Load (or create, for `auto`) the signing key and start the writer.

        The schema must be migrated (`douane.db.migrate`). Raises ConfigError for a bad key.
        """
        signer = load_signer(config.ledger.signing_key, config.database, create=True)
        return cls(engine, signer, fsync=config.ledger.fsync)

    @property
    def signer_id(self) -> str:
        """Fingerprint of the signing key, as stored in each record's `signer` column."""
        return self._signer.key_id

    def public_key_pem(self) -> bytes:
        """The public half of the signing key, for `douane audit verify --public-key`."""
        return self._signer.public_pem()

    async def begin(self, record: RequestRecord) -> None:
        """Write the write-ahead entry; returns once it is committed. Raises LedgerUnavailable."""
        await self._writer.submit(begin_draft(record))

    async def finish(self, outcome: Outcome) -> None:
        """Write the request's outcome entry. Raises LedgerUnavailable."""
        await self._writer.submit(finish_draft(outcome))

    async def ping(self) -> None:
        """Check that the writer runs and the database answers (backs /readyz).

        Raises LedgerUnavailable.
        """
        if not self._writer.alive:
            raise LedgerUnavailable("the ledger writer is not running")
        await asyncio.to_thread(self._ping_sync)

    def _ping_sync(self) -> None:
        try:
            with self._engine.connect() as conn:
                found = read_head(conn)
        except STORAGE_ERRORS as exc:
            raise translate(exc, LedgerUnavailable, "ledger ping") from exc
        if found is None:
            raise LedgerUnavailable("the ledger chain head is missing")

    def close(self) -> None:
        """Write what is still queued, then stop the writer thread."""
        self._writer.close()

    def __repr__(self) -> str:
        return f"Ledger(signer={self.signer_id!r}, engine={self._engine.url.drivername!r})"
