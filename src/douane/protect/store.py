"""The protect tables: documents as packed fingerprint arrays, tables as packed cell hashes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from douane.db import metadata
from douane.detect._winnow import U64
from douane.errors import LedgerError
from douane.types import Level

__all__ = [
    "DocumentInfo",
    "NewDocument",
    "NewTable",
    "ProtectStore",
    "StoredDocument",
    "StoredTable",
    "TableInfo",
    "protected_documents",
    "protected_tables",
]

protected_documents = sa.Table(
    "protected_documents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(1000), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("words", sa.Integer, nullable=False),
    sa.Column("fingerprints", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

protected_tables = sa.Table(
    "protected_tables",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(1000), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("columns", sa.String(2000), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("cell_hashes", sa.LargeBinary, nullable=False),
    sa.Column("cell_rows", sa.LargeBinary, nullable=False),
    sa.Column("cell_columns", sa.LargeBinary, nullable=False),
    sa.Column("value_lengths", sa.LargeBinary, nullable=False),
    sa.Column("value_prefixes", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, slots=True)
class NewDocument:
    """A document to register: its name (path), where it belongs, and its fingerprints only."""

    name: str
    label: str
    level: Level
    content_hash: str
    words: int
    fingerprints: U64


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What `protect list` shows about a registered document."""

    id: int
    name: str
    label: str
    level: Level
    words: int
    fingerprints: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as the detector loads it."""

    id: int
    label: str
    level: Level
    fingerprints: U64


@dataclass(frozen=True, slots=True)
class NewTable:
    """A table to register: one keyed hash per kept cell, with its row and column number."""

    name: str
    label: str
    level: Level
    content_hash: str
    columns: tuple[str, ...]
    rows: int
    cell_hashes: U64
    cell_rows: np.ndarray
    cell_columns: np.ndarray
    value_lengths: np.ndarray
    value_prefixes: U64


@dataclass(frozen=True, slots=True)
class TableInfo:
    """What `protect list` shows about a registered table."""

    id: int
    name: str
    label: str
    level: Level
    columns: tuple[str, ...]
    rows: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredTable:
    """A table as the detector loads it."""

    id: int
    label: str
    level: Level
    columns: tuple[str, ...]
    cell_hashes: U64
    cell_rows: np.ndarray
    cell_columns: np.ndarray
    value_lengths: np.ndarray
    value_prefixes: U64


def _u64(blob: bytes) -> U64:
    return np.frombuffer(blob, dtype="<u8").astype(np.uint64)


class ProtectStore:
    """Reads and writes the protect tables; SQLAlchemy errors become LedgerError (no values)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise LedgerError(f"protect store failed: {type(exc).__name__}") from exc

    def add_documents(self, docs: Sequence[NewDocument]) -> tuple[int, int]:
        """Insert documents in one transaction; known content only has name/label/level updated.

        Returns (added, updated).
        """
        added = updated = 0
        now = datetime.now(UTC)
        t = protected_documents
        with self._begin() as conn:
            hashes = [d.content_hash for d in docs]
            existing: set[str] = set()
            for i in range(0, len(hashes), 500):
                chunk = hashes[i : i + 500]
                existing.update(
                    conn.scalars(sa.select(t.c.content_hash).where(t.c.content_hash.in_(chunk)))
                )
            rows = []
            seen: set[str] = set()
            for d in docs:
                if d.content_hash in existing or d.content_hash in seen:
                    conn.execute(
                        t.update()
                        .where(t.c.content_hash == d.content_hash)
                        .values(name=d.name, label=d.label, level=d.level.value)
                    )
                    updated += 1
                    continue
                seen.add(d.content_hash)
                rows.append(
                    {
                        "name": d.name,
                        "label": d.label,
                        "level": d.level.value,
                        "content_hash": d.content_hash,
                        "words": d.words,
                        "fingerprints": d.fingerprints.astype("<u8").tobytes(),
                        "created_at": now,
                    }
                )
            for i in range(0, len(rows), 500):
                conn.execute(t.insert(), rows[i : i + 500])
            added = len(rows)
        return added, updated

    def add_table(self, table: NewTable) -> bool:
        """Insert a table; returns False when the same content was already registered."""
        t = protected_tables
        with self._begin() as conn:
            hit = conn.scalar(sa.select(t.c.id).where(t.c.content_hash == table.content_hash))
            if hit is not None:
                conn.execute(
                    t.update()
                    .where(t.c.id == hit)
                    .values(name=table.name, label=table.label, level=table.level.value)
                )
                return False
            conn.execute(
                t.insert().values(
                    name=table.name,
                    label=table.label,
                    level=table.level.value,
                    content_hash=table.content_hash,
                    columns=",".join(table.columns),
                    rows=table.rows,
                    cell_hashes=table.cell_hashes.astype("<u8").tobytes(),
                    cell_rows=table.cell_rows.astype("<u4").tobytes(),
                    cell_columns=table.cell_columns.astype("<u2").tobytes(),
                    value_lengths=table.value_lengths.astype("<u2").tobytes(),
                    value_prefixes=table.value_prefixes.astype("<u8").tobytes(),
                    created_at=datetime.now(UTC),
                )
            )
        return True

    def list_documents(self) -> list[DocumentInfo]:
        """Registered documents, oldest first."""
        t = protected_documents
        cols = (
            t.c.id,
            t.c.name,
            t.c.label,
            t.c.level,
            t.c.words,
            sa.func.length(t.c.fingerprints),
            t.c.created_at,
        )
        with self._begin() as conn:
            rows = conn.execute(sa.select(*cols).order_by(t.c.id)).all()
        return [
            DocumentInfo(r[0], r[1], r[2], Level(r[3]), r[4], (r[5] or 0) // 8, r[6]) for r in rows
        ]

    def list_tables(self) -> list[TableInfo]:
        """Registered tables, oldest first."""
        t = protected_tables
        cols = (t.c.id, t.c.name, t.c.label, t.c.level, t.c.columns, t.c.rows, t.c.created_at)
        with self._begin() as conn:
            rows = conn.execute(sa.select(*cols).order_by(t.c.id)).all()
        return [
            TableInfo(r[0], r[1], r[2], Level(r[3]), tuple(r[4].split(",")), r[5], r[6])
            for r in rows
        ]

    def remove_documents(
        self, *, ids: Sequence[int] = (), names: Sequence[str] = (), label: str | None = None
    ) -> int:
        """Delete documents by id, name or label; returns how many were deleted."""
        return self._remove(protected_documents, ids, names, label)

    def remove_tables(
        self, *, ids: Sequence[int] = (), names: Sequence[str] = (), label: str | None = None
    ) -> int:
        """Delete tables by id, name or label; returns how many were deleted."""
        return self._remove(protected_tables, ids, names, label)

    def _remove(
        self, t: sa.Table, ids: Sequence[int], names: Sequence[str], label: str | None
    ) -> int:
        conds: list[sa.ColumnElement[bool]] = []
        if ids:
            conds.append(t.c.id.in_(list(ids)))
        if names:
            conds.append(t.c.name.in_(list(names)))
        if label is not None:
            conds.append(t.c.label == label)
        if not conds:
            return 0
        with self._begin() as conn:
            return conn.execute(t.delete().where(sa.or_(*conds))).rowcount or 0

    def load_documents(self) -> list[StoredDocument]:
        """Every document's fingerprints, for building the in-memory index."""
        t = protected_documents
        with self._begin() as conn:
            rows = conn.execute(sa.select(t.c.id, t.c.label, t.c.level, t.c.fingerprints)).all()
        return [StoredDocument(r[0], r[1], Level(r[2]), _u64(r[3])) for r in rows]

    def load_tables(self) -> list[StoredTable]:
        """Every table's cell hashes, for building the in-memory index."""
        t = protected_tables
        cols = (
            t.c.id,
            t.c.label,
            t.c.level,
            t.c.columns,
            t.c.cell_hashes,
            t.c.cell_rows,
            t.c.cell_columns,
            t.c.value_lengths,
            t.c.value_prefixes,
        )
        with self._begin() as conn:
            rows = conn.execute(sa.select(*cols)).all()
        return [
            StoredTable(
                r[0],
                r[1],
                Level(r[2]),
                tuple(r[3].split(",")),
                _u64(r[4]),
                np.frombuffer(r[5], dtype="<u4").astype(np.int64),
                np.frombuffer(r[6], dtype="<u2").astype(np.int64),
                np.frombuffer(r[7], dtype="<u2").astype(np.int64),
                _u64(r[8]),
            )
            for r in rows
        ]
