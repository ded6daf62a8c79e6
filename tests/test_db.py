"""Schema migration: idempotent, and safe when several replicas start at once on PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from douane.db import make_engine, migrate

PG = "postgresql://postgres@127.0.0.1:5432/test"


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_sqlite_migration_is_idempotent_and_uses_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    migrate(engine)
    migrate(engine)
    assert {"api_keys", "ledger_entries", "alembic_version"} <= _tables(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"


@pytest.fixture
def pg_schema() -> Iterator[str]:
    schema = "mig_" + secrets.token_hex(4)
    admin = make_engine(PG)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield f"{PG}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_concurrent_migrations_on_postgresql_do_not_race(pg_schema: str) -> None:
    engines = [make_engine(pg_schema) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(migrate, engines))
    assert {"api_keys", "ledger_entries"} <= _tables(engines[0])
    with engines[0].connect() as conn:
        heads = conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar()
    assert heads == 2  # the ledger and protect branches, both on top of keys
    for engine in engines:
        engine.dispose()
