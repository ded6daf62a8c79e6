"""Ledger storage: append a batch of entries under the chain-head lock, and read entries back.

The chain head row (`ledger_head`, id 1) is both the lock and the tail anchor: every append locks
it (PostgreSQL `SELECT ... FOR UPDATE`; SQLite `BEGIN IMMEDIATE`), so writers from any number of
processes take turns and the chain never forks; and because it is updated in the same transaction
as the entries, deleting the last record is detectable.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar, cast

import psycopg
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from douane.errors import DouaneError, LedgerError
from douane.ledger.chain import Draft, Entry, seal, terms_for
from douane.ledger.schema import HEAD_ID, entries, head, terms
from douane.ledger.signing import Signer

__all__ = [
    "STORAGE_ERRORS",
    "append",
    "check_tables",
    "find_by_hash",
    "first_beyond_head",
    "iter_entries",
    "iter_terms",
    "read_head",
    "reads",
    "translate",
    "translating",
]

STORAGE_ERRORS: tuple[type[BaseException], ...] = (
    SQLAlchemyError,
    sqlite3.Error,
    psycopg.Error,
    OSError,
)

E = TypeVar("E", bound=DouaneError)


def translate(exc: BaseException, error: type[E], what: str) -> E:
    """A Douane error naming the failure's class only: driver messages may echo SQL parameters."""
    orig = getattr(exc, "orig", None) or exc
    return error(f"{what} failed: {type(orig).__name__}")


@contextmanager
def translating(error: type[DouaneError], what: str) -> Iterator[None]:
    """Turn sqlite3 / psycopg / SQLAlchemy errors into `error` where they enter (fail closed)."""
    try:
        yield
    except STORAGE_ERRORS as exc:
        raise translate(exc, error, what) from exc


class _Sql:
    """The four statements of an append, spelled in the driver's parameter style.

    The append path talks to the pooled DBAPI connection directly: SQLAlchemy's per-statement
    overhead (~0.15 ms) alone would eat most of the ledger's 1 ms-per-request budget.
    """

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"

        def p(name: str) -> str:
            return f":{name}" if self.sqlite else f"%({name})s"

        cols = [c.name for c in entries.columns]
        self.lock = (
            "BEGIN IMMEDIATE" if self.sqlite else None
        )  # SQLite: a deferred transaction would fail (SQLITE_BUSY) to upgrade its read lock
        self.read_head = f"SELECT seq, hash FROM ledger_head WHERE id = {HEAD_ID}" + (
            "" if self.sqlite else " FOR UPDATE"
        )
        self.insert_entry = (
            f"INSERT INTO ledger_entries ({', '.join(cols)}) "
            f"VALUES ({', '.join(p(c) for c in cols)})"
        )
        self.insert_term = f"INSERT INTO ledger_terms (seq, term) VALUES ({p('seq')}, {p('term')})"
        self.update_head = (
            f"UPDATE ledger_head SET seq = {p('seq')}, hash = {p('hash')} WHERE id = {HEAD_ID}"
        )


F = TypeVar("F", bound=Callable[..., Any])


def reads(what: str) -> Callable[[F], F]:
    """Decorate an auditor-side read so storage errors leave it as LedgerError only."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def translated(*args: Any, **kwargs: Any) -> Any:
            with translating(LedgerError, what):
                return func(*args, **kwargs)

        return cast(F, translated)

    return wrap


def _no_head() -> NoReturn:
    raise LedgerError("the ledger chain head is missing (run migrations; or the DB was tampered)")


def append(dbapi_conn: Any, dialect: str, drafts: Sequence[Draft], signer: Signer) -> list[Entry]:
    """Seal and write `drafts` as consecutive records in one transaction; returns them.

    Takes the chain lock first (SQLite `BEGIN IMMEDIATE`, PostgreSQL `SELECT ... FOR UPDATE` on
    the head row), so appends from any number of processes serialize. Raises the driver's error
    (callers translate) or LedgerError if the head row is missing.
    """
    sql = _SQL.get(dialect) or _SQL.setdefault(dialect, _Sql(dialect))
    cur = dbapi_conn.cursor()
    try:
        if sql.lock:
            cur.execute(sql.lock)
        cur.execute(sql.read_head)
        row = cur.fetchone()
        if row is None:
            _no_head()
        seq, prev = int(row[0]), str(row[1])
        sealed: list[Entry] = []
        for draft in drafts:
            seq += 1
            entry = seal(draft, seq, prev, signer)
            prev = entry.hash
            sealed.append(entry)
        cur.executemany(sql.insert_entry, [e.as_row() for e in sealed])
        index = [{"seq": e.seq, "term": t} for e in sealed for t in terms_for(e.kind, e.body)]
        if index:
            cur.executemany(sql.insert_term, index)
        cur.execute(sql.update_head, {"seq": seq, "hash": prev})
        dbapi_conn.commit()
    except BaseException:
        with contextlib.suppress(*STORAGE_ERRORS):
            dbapi_conn.rollback()
        raise
    finally:
        with contextlib.suppress(*STORAGE_ERRORS):
            cur.close()
    return sealed


_SQL: dict[str, _Sql] = {}


def read_head(conn: Connection) -> tuple[int, str] | None:
    """The (seq, hash) the chain head row claims, or None if the row is gone."""
    row = conn.execute(select(head.c.seq, head.c.hash).where(head.c.id == HEAD_ID)).first()
    return None if row is None else (int(row.seq), str(row.hash))


def first_beyond_head(conn: Connection) -> int | None:
    """The lowest seq above the head, in one statement so a concurrent append cannot race it."""
    head_seq = select(head.c.seq).where(head.c.id == HEAD_ID).scalar_subquery()
    value = conn.execute(select(func.min(entries.c.seq)).where(entries.c.seq > head_seq)).scalar()
    return None if value is None else int(value)


def _entry(row: Any) -> Entry:
    return Entry(**{col.name: row._mapping[col.name] for col in entries.columns})


def iter_entries(
    conn: Connection,
    *,
    from_seq: int = 0,
    to_seq: int | None = None,
    page: int = 500,
    where: Callable[[Any], Any] | None = None,
) -> Iterator[Entry]:
    """Entries in seq order, fetched in pages (keyset) so verifying stops reading at a failure."""
    last = from_seq - 1
    while True:
        query = select(entries).where(entries.c.seq > last)
        if to_seq is not None:
            query = query.where(entries.c.seq <= to_seq)
        if where is not None:
            query = where(query)
        rows = conn.execute(query.order_by(entries.c.seq).limit(page)).all()
        for row in rows:
            yield _entry(row)
        if len(rows) < page:
            return
        last = int(rows[-1].seq)


def iter_terms(
    conn: Connection, *, from_seq: int = 0, page: int = 2000
) -> Iterator[tuple[int, str]]:
    """Search-index rows in (seq, term) order, paged."""
    after: tuple[int, str] | None = None
    while True:
        query = select(terms.c.seq, terms.c.term)
        if after is None:
            query = query.where(terms.c.seq >= from_seq)
        else:
            seq, term = after
            later = (terms.c.seq > seq) | ((terms.c.seq == seq) & (terms.c.term > term))
            query = query.where(later)
        rows = conn.execute(query.order_by(terms.c.seq, terms.c.term).limit(page)).all()
        for row in rows:
            yield int(row.seq), str(row.term)
        if len(rows) < page:
            return
        after = (int(rows[-1].seq), str(rows[-1].term))


def find_by_hash(conn: Connection, digest: str) -> Entry | None:
    """The entry whose stored hash is `digest` (used to explain a broken link)."""
    row = conn.execute(select(entries).where(entries.c.hash == digest).limit(1)).first()
    return None if row is None else _entry(row)


def check_tables(engine: Engine) -> None:
    """Raise LedgerError if the ledger tables are missing (migrations not run)."""
    with translating(LedgerError, "reading the ledger"), engine.connect() as conn:
        if read_head(conn) is None:
            _no_head()
