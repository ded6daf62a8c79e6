"""The ledger's writer: appends drafts in batches (group commit) on a thread off the event loop.

A caller's future resolves only after the transaction holding its entry has committed, so `await`
on it means "durably recorded". Every entry queued while a commit is in flight goes into the next
transaction, which keeps one lock round trip per batch under load instead of one per request.

On SQLite an uncontended append takes ~0.3 ms, less than twice the cost of a thread handoff, so
when nothing is queued `submit` first tries the append inline on a second connection whose busy
timeout is zero; if another writer holds the lock it falls back to the queue at once. On SQLite
both connections report their commits to a `Checkpointer`, which keeps WAL checkpoints off them.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from douane.errors import DouaneError, LedgerUnavailable
from douane.ledger.chain import Draft
from douane.ledger.checkpointer import SAFETY_PAGES, Checkpointer
from douane.ledger.signing import Signer
from douane.ledger.store import STORAGE_ERRORS, append, translate

__all__ = ["Writer"]

_MAX_BATCH = 256
_BUSY_TIMEOUT_MS = 30_000  # what douane.db.make_engine sets (timeout=30)
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6


@dataclass(slots=True)
class _Job:
    draft: Draft
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[int]


_STOP = object()


class Writer:
    """One daemon thread owning one database connection; `submit` returns the entry's seq."""

    def __init__(
        self, engine: Engine, signer: Signer, *, fsync: bool = False, name: str = "douane-ledger"
    ) -> None:
        self._engine = engine
        self._signer = signer
        self._queue: queue.SimpleQueue[_Job | object] = queue.SimpleQueue()
        self._conn: Any = None  # a pooled DBAPI connection (see store.append)
        self._dialect = engine.dialect.name
        self._closed = False
        self._inline = engine.dialect.name == "sqlite"
        self._inline_conn: Any = None
        self._inline_lock = threading.Lock()
        self._pragmas: tuple[str, ...] = ()
        self._checkpointer: Checkpointer | None = None
        if self._inline:
            self._pragmas = (f"PRAGMA wal_autocheckpoint = {SAFETY_PAGES}",)
            # WAL + synchronous=NORMAL (douane.db) survives a killed process; FULL also power loss.
            if fsync:
                self._pragmas += ("PRAGMA synchronous = FULL",)
            self._checkpointer = Checkpointer(engine.raw_connection, self._inline_lock)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and not self._closed

    async def submit(self, draft: Draft) -> int:
        """Queue a draft and wait until it is committed. Raises LedgerUnavailable."""
        if not self.alive:
            raise LedgerUnavailable("the ledger is closed")
        if self._inline and self._queue.empty() and self._inline_lock.acquire(blocking=False):
            try:
                seq = self._append_inline(draft)
            finally:
                self._inline_lock.release()
            if seq is not None:
                return seq
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int] = loop.create_future()
        self._queue.put(_Job(draft, loop, future))
        return await future

    def close(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then stop the thread and release the connection."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        self._thread.join(timeout)
        if self._checkpointer is not None:
            self._checkpointer.close(timeout)
        with self._inline_lock:
            if self._inline_conn is not None:
                with contextlib.suppress(*STORAGE_ERRORS):
                    self._inline_conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
                    self._inline_conn.close()
                self._inline_conn = None

    def _append_inline(self, draft: Draft) -> int | None:
        """Append now if the SQLite write lock is free; None if busy. Raises LedgerUnavailable."""
        try:
            if self._inline_conn is None:
                conn = self._engine.raw_connection()
                conn.execute("PRAGMA busy_timeout = 0")
                for pragma in self._pragmas:
                    conn.execute(pragma)
                self._inline_conn = conn
            seq = append(self._inline_conn, "sqlite", [draft], self._signer)[0].seq
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode in (_SQLITE_BUSY, _SQLITE_LOCKED):
                return None
            self._drop_inline()
            raise LedgerUnavailable(_failure(exc)) from exc
        except Exception as exc:  # fail closed with a Douane error, never a driver's message
            self._drop_inline()
            raise LedgerUnavailable(_failure(exc)) from exc
        if self._checkpointer is not None:
            self._checkpointer.committed()
        return seq

    def _drop_inline(self) -> None:
        if self._inline_conn is not None:
            with contextlib.suppress(*STORAGE_ERRORS):
                self._inline_conn.invalidate()
            self._inline_conn = None

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch: list[_Job] = []
            item = self._queue.get()
            while True:
                if item is _STOP:
                    stopping = True
                elif isinstance(item, _Job):
                    batch.append(item)
                if stopping or len(batch) >= _MAX_BATCH:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._write(batch)
        if self._conn is not None:
            with contextlib.suppress(*STORAGE_ERRORS):
                self._conn.close()  # back to the pool
            self._conn = None

    def _write(self, batch: list[_Job]) -> None:
        try:
            if self._conn is None:
                self._conn = self._engine.raw_connection()
                for pragma in self._pragmas:
                    self._conn.cursor().execute(pragma)
            drafts = [job.draft for job in batch]
            if self._inline:  # in turn with the inline path and a RESTART checkpoint (SQLite)
                with self._inline_lock:
                    sealed = append(self._conn, self._dialect, drafts, self._signer)
            else:
                sealed = append(self._conn, self._dialect, drafts, self._signer)
        except Exception as exc:  # the thread must survive and fail its callers closed
            self._drop_connection()
            message = _failure(exc)
            for job in batch:
                _resolve(job, 0, LedgerUnavailable(message))
            return
        if self._checkpointer is not None:
            self._checkpointer.committed(len(batch))
        for job, entry in zip(batch, sealed, strict=True):
            _resolve(job, entry.seq, None)

    def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(*STORAGE_ERRORS):
                self._conn.invalidate()
            self._conn = None


def _failure(exc: Exception) -> str:
    """A message for the callers; never the driver's text, which may echo SQL parameters."""
    if isinstance(exc, DouaneError):
        return exc.message
    if isinstance(exc, STORAGE_ERRORS):
        return translate(exc, LedgerUnavailable, "ledger write").message
    return f"ledger write failed: {type(exc).__name__}"


def _resolve(job: _Job, seq: int, error: BaseException | None) -> None:
    def settle() -> None:
        if job.future.done():
            return
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(seq)

    with contextlib.suppress(RuntimeError):  # the caller's loop is already closed
        job.loop.call_soon_threadsafe(settle)
