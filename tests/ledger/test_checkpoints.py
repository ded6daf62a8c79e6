"""SQLite WAL checkpoints run on a thread of their own, not inside a request's commit."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

from douane.ledger import Ledger, Signer, verify_connection
from douane.ledger.checkpointer import EVERY, Checkpointer
from tests.ledger.conftest import migrated, outcome, record


def test_the_checkpoint_thread_keeps_the_wal_short(tmp_path: Path) -> None:
    """4,000 back-to-back commits write ~36,000 WAL frames. A commit checkpoints by itself only
    past 10,000 pages (40 MB), so a WAL that stays far below that was checkpointed by the thread."""
    engine = migrated(f"sqlite:///{tmp_path}/l.db")
    ledger = Ledger(engine, signer := Signer.generate())

    async def run() -> None:
        for i in range(2000):
            await ledger.begin(record(i))
            await ledger.finish(outcome(i))

    asyncio.run(run())
    wal_bytes = (tmp_path / "l.db-wal").stat().st_size
    ledger.close()
    assert wal_bytes < 20 * 2**20
    with engine.connect() as conn:
        report = verify_connection(conn, {signer.key_id: signer.public_key})
    assert report.ok and report.checked == 4000


def _wait_for(condition: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_failed_checkpoint_raises_nothing_and_the_next_one_retries() -> None:
    attempts: list[float] = []

    def broken_connect() -> Any:
        attempts.append(time.monotonic())
        raise sqlite3.OperationalError("disk I/O error")

    checkpointer = Checkpointer(broken_connect)
    try:
        checkpointer.committed(EVERY - 1)
        time.sleep(0.05)
        assert attempts == []  # not yet due
        checkpointer.committed()
        _wait_for(lambda: len(attempts) == 1)
        checkpointer.committed(EVERY)
        _wait_for(lambda: len(attempts) == 2)
        assert len(attempts) == 2  # the thread survived the first failure
    finally:
        checkpointer.close()
    assert not checkpointer._thread.is_alive()


class _ScriptedConnection:
    """A DBAPI connection whose checkpoint pragmas answer from a script; records what ran."""

    def __init__(self, passive_frames: list[int], restart_busy: list[int]) -> None:
        self.passive_frames, self.restart_busy = passive_frames, restart_busy
        self.ran: list[str] = []
        self._row: tuple[int, int, int] = (0, 0, 0)

    def cursor(self) -> _ScriptedConnection:
        return self

    def execute(self, sql: str) -> _ScriptedConnection:
        self.ran.append(sql)
        if "PASSIVE" in sql:
            frames = self.passive_frames.pop(0)
            self._row = (0, frames, frames)
        elif "RESTART" in sql:
            self._row = (self.restart_busy.pop(0), 0, 0)
        return self

    def fetchone(self) -> tuple[int, int, int]:
        return self._row

    def close(self) -> None:
        pass


def test_a_restart_that_gave_up_waits_for_another_thousand_frames() -> None:
    """RESTART holds the write lock while it waits for readers: after it gave up (a long audit
    export, say), it is not tried on every checkpoint, only once the WAL has grown again."""
    conn = _ScriptedConnection(passive_frames=[1200, 1500, 2300, 800, 1000], restart_busy=[1, 0, 0])
    checkpointer = Checkpointer(lambda: conn)
    try:
        for _ in range(5):
            checkpointer.checkpoint()
    finally:
        checkpointer.close()
    restarts = [sql for sql in conn.ran if "RESTART" in sql]
    # 1200: tried, busy; 1500: not yet (needs 2200); 2300: tried, done; 800: no; 1000: tried
    assert len(restarts) == 3
    assert conn.passive_frames == [] and conn.restart_busy == []
