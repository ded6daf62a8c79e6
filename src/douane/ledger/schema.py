"""SQLAlchemy table objects of the ledger (the Alembic revision 0002_ledger creates them)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text

__all__ = ["HEAD_ID", "entries", "head", "terms"]

# A private MetaData: these tables are created by migrations, never by metadata.create_all.
_metadata = MetaData()
HEAD_ID = 1

entries = Table(
    "ledger_entries",
    _metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("ts", String(40), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("request_id", String(100), nullable=False),
    Column("team", String(200)),
    Column("provider", String(200)),
    Column("jurisdiction", String(16)),
    Column("body", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("signer", String(32), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
)

head = Table(
    "ledger_head",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

terms = Table(
    "ledger_terms",
    _metadata,
    Column("seq", BigInteger, primary_key=True),
    Column("term", String(80), primary_key=True),
)
