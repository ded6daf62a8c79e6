"""Ledger fixtures: migrated SQLite and PostgreSQL databases (one private schema per use)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from douane.db import make_engine, migrate
from douane.ledger import Ledger, Signer
from douane.types import Jurisdiction, Outcome, RequestRecord, Route

PG_ROOT = "postgresql://127.0.0.1:5432/test"
ROUTES = (
    Route("demo-us", "echo", Jurisdiction.US),
    Route("demo-eu", "echo", Jurisdiction.EU),
    Route("local", "llama", Jurisdiction.ON_PREM),
    None,
)
TYPES = ("IBAN:confidential", "EMAIL:internal", "SECRET:secret", "PERSON:internal")


def pg_schema_url(schema: str) -> str:
    """A URL whose connections see only `schema` (so tests never touch each other's tables)."""
    return f"{PG_ROOT}?options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _pg_schema()


def _pg_schema() -> Iterator[str]:
    schema = f"ledger_test_{secrets.token_hex(4)}"
    admin = make_engine(PG_ROOT)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield pg_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="module")
def pg_module_url() -> Iterator[str]:
    yield from _pg_schema()


def migrated(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine)
    return engine


def record(i: int, *, value_hashes: tuple[str, ...] = ()) -> RequestRecord:
    """A varied, plaintext-free request record number `i`."""
    return RequestRecord(
        request_id=f"req-{i:05d}",
        team=("eng", "sales", "legal")[i % 3],
        key_id=f"key{i % 4}",
        endpoint="chat",
        requested_model="gpt-4o",
        route=ROUTES[i % len(ROUTES)],
        decision=("mask", "allow", "reroute", "block")[i % 4],
        finding_counts={TYPES[i % len(TYPES)]: 1 + i % 3},
        value_hashes=value_hashes or (secrets.token_hex(32),),
        bytes_in=100 + i,
        streaming=bool(i % 2),
    )


def outcome(i: int) -> Outcome:
    return Outcome(
        f"req-{i:05d}",
        "ok",
        200,
        bytes_out=50 + i,
        tokens_in=i,
        tokens_out=2 * i,
        latency_ms=1.5 + i,
    )


def fill(engine: Engine, signer: Signer, requests: int) -> None:
    """Write `requests` begin+finish pairs (2 entries each), a few at a time."""
    ledger = Ledger(engine, signer)

    async def run() -> None:
        async def one(i: int) -> None:
            await ledger.begin(record(i))
            await ledger.finish(outcome(i))

        for start in range(0, requests, 50):
            await asyncio.gather(*(one(i) for i in range(start, min(requests, start + 50))))

    try:
        asyncio.run(run())
    finally:
        ledger.close()
