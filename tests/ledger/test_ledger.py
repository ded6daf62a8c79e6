"""The Ledger the gateway calls: write-ahead begin, finish, fail closed, one chain under load."""

from __future__ import annotations

import asyncio
import base64
import multiprocessing
import os
import stat
import statistics
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import delete, func, insert, select, text

from douane.config import parse_config
from douane.db import make_engine
from douane.errors import LedgerUnavailable
from douane.ledger import GENESIS, Entry, Ledger, Signer, load_signer, verify_connection
from douane.ledger.schema import entries, head
from douane.ledger.store import iter_entries
from tests.ledger.conftest import migrated, outcome, record

SEED = base64.b64encode(bytes(range(32))).decode()


def keys_of(signer: Signer) -> dict[str, Ed25519PublicKey]:
    return {signer.key_id: signer.public_key}


def test_begin_and_finish_are_two_chained_signed_entries(tmp_path: Path) -> None:
    engine = migrated(f"sqlite:///{tmp_path}/l.db")
    ledger = Ledger(engine, signer := Signer.generate())

    async def run() -> None:
        await ledger.begin(record(1))
        with engine.connect() as conn:  # durable before begin returned: another reader sees it
            assert conn.execute(select(func.count()).select_from(entries)).scalar() == 1
        await ledger.finish(outcome(1))

    asyncio.run(run())
    ledger.close()
    with engine.connect() as conn:
        stored = list(iter_entries(conn))
        report = verify_connection(conn, keys_of(signer))
    assert [(e.seq, e.kind, e.request_id) for e in stored] == [
        (1, "begin", "req-00001"),
        (2, "finish", "req-00001"),
    ]
    assert stored[0].prev_hash == GENESIS and stored[1].prev_hash == stored[0].hash
    assert stored[0].team == "sales" and stored[0].jurisdiction == "EU"
    assert stored[0].data()["finding_counts"] == {"EMAIL:internal": 2}
    assert stored[1].data()["outcome"] == "ok" and stored[1].data()["latency_ms"] == 2.5
    assert report.ok and report.checked == 2


@pytest.mark.parametrize(
    ("hashes", "counts"),
    [
        (("Anna Schmidt",), {"PERSON:internal": 1}),
        (("DE89370400440532013000",), {}),
        ((), {"anna@example.com": 1}),
        ((), {"IBAN DE89 3704": 1}),
    ],
)
def test_begin_refuses_anything_but_keyed_hashes_and_type_counts(
    tmp_path: Path, hashes: tuple[str, ...], counts: dict[str, int]
) -> None:
    engine = migrated(f"sqlite:///{tmp_path}/l.db")
    ledger = Ledger(engine, Signer.generate())
    bad = record(1)
    bad = type(bad)(**{**{f: getattr(bad, f) for f in bad.__slots__}, "value_hashes": hashes,
                       "finding_counts": counts})  # fmt: skip
    with pytest.raises(LedgerUnavailable) as caught:
        asyncio.run(ledger.begin(bad))
    ledger.close()
    for secret in (*hashes, *counts):
        assert secret not in caught.value.message
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(entries)).scalar() == 0


def test_storage_failures_become_ledger_unavailable_and_the_writer_recovers(
    tmp_path: Path,
) -> None:
    engine = migrated(f"sqlite:///{tmp_path}/l.db")
    ledger = Ledger(engine, Signer.generate())

    async def run() -> None:
        await ledger.begin(record(1))
        with engine.begin() as conn:
            saved = conn.execute(select(head)).one()._asdict()
            conn.execute(delete(head))
        for _ in range(2):  # inline path and queued path both fail closed
            with pytest.raises(LedgerUnavailable):
                await ledger.begin(record(2))
        with engine.begin() as conn:
            conn.execute(insert(head).values(saved))
            conn.execute(text("ALTER TABLE ledger_entries RENAME TO gone"))
        with pytest.raises(LedgerUnavailable) as caught:
            await ledger.finish(outcome(1))
        assert "req-" not in caught.value.message and "INSERT" not in caught.value.message
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE gone RENAME TO ledger_entries"))
        await ledger.finish(outcome(1))
        await ledger.ping()

    asyncio.run(run())
    ledger.close()
    with engine.connect() as conn:
        assert [e.kind for e in iter_entries(conn)] == ["begin", "finish"]


def test_unreachable_postgresql_fails_closed() -> None:
    engine = make_engine("postgresql://127.0.0.1:1/test?connect_timeout=2")
    ledger = Ledger(engine, Signer.generate())
    with pytest.raises(LedgerUnavailable):
        asyncio.run(ledger.begin(record(1)))
    with pytest.raises(LedgerUnavailable):
        asyncio.run(ledger.ping())
    ledger.close()


def test_closed_ledger_refuses(tmp_path: Path) -> None:
    ledger = Ledger(migrated(f"sqlite:///{tmp_path}/l.db"), Signer.generate())
    ledger.close()
    with pytest.raises(LedgerUnavailable):
        asyncio.run(ledger.begin(record(1)))
    with pytest.raises(LedgerUnavailable):
        asyncio.run(ledger.ping())


def test_open_creates_a_private_signing_key_beside_the_database_and_reuses_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "db").mkdir()
    config = parse_config(f"database: sqlite:///{tmp_path}/db/douane.db\n")
    engine = migrated(config.database)
    first = Ledger.open(config, engine)
    first.close()
    key_file = tmp_path / "db" / "douane-signing.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = Ledger.open(config, engine)
    second.close()
    assert first.signer_id == second.signer_id
    assert first.public_key_pem() == load_signer("auto", config.database).public_pem()
    assert "PRIVATE" not in repr(first) and "PRIVATE" not in first.public_key_pem().decode()


def test_many_concurrent_requests_in_one_process_form_one_chain(tmp_path: Path) -> None:
    engine = migrated(f"sqlite:///{tmp_path}/l.db")
    ledger = Ledger(engine, signer := Signer.generate())

    async def one(i: int) -> None:
        await ledger.begin(record(i))
        await asyncio.sleep(0)
        await ledger.finish(outcome(i))

    async def run() -> None:
        await asyncio.gather(*(one(i) for i in range(400)))

    asyncio.run(run())
    ledger.close()
    with engine.connect() as conn:
        report = verify_connection(conn, keys_of(signer))
        stored = list(iter_entries(conn))
    assert report.ok and report.checked == 800
    _each_request_once(stored, 400)


def _each_request_once(stored: list[Entry], requests: int) -> None:
    kinds: dict[str, list[str]] = {}
    for e in stored:
        kinds.setdefault(e.request_id, []).append(e.kind)
    assert len(kinds) == requests
    assert all(k == ["begin", "finish"] for k in kinds.values())


def _append_worker(url: str, worker: int, requests: int) -> None:
    """Child process: one `douane serve`-like writer appending `requests` requests concurrently."""
    engine = make_engine(url)
    ledger = Ledger(engine, load_signer(SEED, url))

    async def one(i: int) -> None:
        await ledger.begin(record(worker * 10_000 + i))
        await ledger.finish(outcome(worker * 10_000 + i))

    async def run() -> None:
        await asyncio.gather(*(one(i) for i in range(requests)))

    asyncio.run(run())
    ledger.close()
    engine.dispose()


def _several_processes(url: str, processes: int, requests: int) -> None:
    migrated(url).dispose()
    ctx = multiprocessing.get_context("spawn")
    children = [
        ctx.Process(target=_append_worker, args=(url, w, requests)) for w in range(processes)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
        assert child.exitcode == 0
    engine = make_engine(url)
    signer = load_signer(SEED, url)
    with engine.connect() as conn:
        report = verify_connection(conn, keys_of(signer))
        stored = list(iter_entries(conn))
    engine.dispose()
    assert report.ok, report.problem
    assert [e.seq for e in stored] == list(range(1, 2 * processes * requests + 1))
    _each_request_once(stored, processes * requests)


def test_several_processes_on_postgresql_produce_one_valid_chain(pg_url: str) -> None:
    _several_processes(pg_url, processes=4, requests=150)


def test_several_processes_on_sqlite_produce_one_valid_chain(tmp_path: Path) -> None:
    _several_processes(f"sqlite:///{tmp_path}/shared.db", processes=3, requests=150)


def test_begin_plus_finish_p50_is_within_budget_on_sqlite(tmp_path: Path) -> None:
    """The bar is 1 ms p50 (bench/gateway.py measures it); 2 ms here leaves room for a busy CI."""
    engine = migrated(f"sqlite:///{tmp_path}/l.db")
    ledger = Ledger(engine, Signer.generate())
    timings: list[float] = []

    async def run() -> None:
        for i in range(400):
            started = time.perf_counter()
            await ledger.begin(record(i))
            await ledger.finish(outcome(i))
            timings.append(time.perf_counter() - started)

    asyncio.run(run())
    ledger.close()
    assert statistics.median(timings[50:]) < 0.002


def test_fsync_setting_is_accepted(tmp_path: Path) -> None:
    config = parse_config(
        f"database: sqlite:///{tmp_path}/l.db\nledger: {{signing_key: '{SEED}', fsync: true}}\n"
    )
    ledger = Ledger.open(config, migrated(config.database))
    asyncio.run(ledger.begin(record(1)))
    ledger.close()
    assert os.path.getsize(tmp_path / "l.db") > 0
