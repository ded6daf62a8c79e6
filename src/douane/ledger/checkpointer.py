"""SQLite WAL checkpoints on a thread of their own, so that no request's commit pays for one.

Left to SQLite, the commit that fills 1,000 pages of WAL copies them into the database itself:
4-5 ms on one request in ~110. The ledger's connections raise that threshold to a safety net
(`SAFETY_PAGES`) and report their commits here; every `EVERY` commits this thread checkpoints in
PASSIVE mode, which never blocks writers. The commit after a complete checkpoint starts the WAL
over, unless commits went on during it; a WAL that never got that pause is started over by a
RESTART checkpoint, which holds the write lock only to copy the last few frames. For that it
holds the in-process writer's lock (`pause`) too: appends queue up for that moment instead of
taking SQLite's write lock back before RESTART can get it. RESTART would wait for readers (an
audit export, say) while it holds the write lock, which would stall every append: it does not
wait, and after it gave up it is tried again only once the WAL has grown by another 1,000 frames.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from douane.ledger.store import STORAGE_ERRORS

__all__ = ["SAFETY_PAGES", "Checkpointer"]

EVERY = 16  # commits between checkpoints (~9 WAL pages each)
SAFETY_PAGES = 10_000  # the ledger's connections checkpoint by themselves only past this
_RESTART_FRAMES = 1_000  # a WAL this long after a PASSIVE checkpoint is started over
_RESTART_WAIT_MS = 0  # RESTART never waits for a writer or a reader: it gives up at once
_BUSY_TIMEOUT_MS = 30_000  # what douane.db.make_engine sets (timeout=30)


class Checkpointer:
    """One daemon thread with one connection from `connect` (a DBAPI connection to the ledger's
    database); `committed` is called after each commit."""

    def __init__(
        self,
        connect: Callable[[], Any],
        pause: threading.Lock | None = None,
        *,
        name: str = "douane-ledger-checkpoint",
    ) -> None:
        self._connect = connect
        self._pause = pause or threading.Lock()
        self._conn: Any = None
        self._commits = 0  # approximate: two threads add to it, and it only paces checkpoints
        self._restart_at = _RESTART_FRAMES  # WAL frames that call for a RESTART
        self._wake = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def committed(self, count: int = 1) -> None:
        self._commits += count
        if self._commits >= EVERY:
            self._commits = 0
            self._wake.set()

    def close(self, timeout: float = 10.0) -> None:
        self._closed = True
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._closed:
                break
            self.checkpoint()
        if self._conn is not None:
            with contextlib.suppress(*STORAGE_ERRORS):
                self._conn.close()
            self._conn = None

    def checkpoint(self) -> None:
        """Copy the WAL into the database. A failure only delays the next checkpoint (the
        connections' own safety net remains), so it is logged nowhere and raises nothing."""
        try:
            if self._conn is None:
                self._conn = self._connect()
            cursor = self._conn.cursor()
            _, frames, _ = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if frames >= self._restart_at:
                cursor.execute(f"PRAGMA busy_timeout = {_RESTART_WAIT_MS}")
                try:
                    with self._pause:
                        busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
                finally:
                    cursor.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
                self._restart_at = frames + _RESTART_FRAMES if busy else _RESTART_FRAMES
            cursor.close()
        except STORAGE_ERRORS:
            if self._conn is not None:
                with contextlib.suppress(*STORAGE_ERRORS):
                    self._conn.invalidate()
            self._conn = None
