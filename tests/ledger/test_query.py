"""Auditor reads: time parsing, search filters and outcome join, export rows, stats."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from douane.db import make_engine
from douane.errors import BadRequest, LedgerError
from douane.ledger import Signer, verify_connection
from douane.ledger.chain import entry_hash
from douane.ledger.ledger import begin_draft, finish_draft
from douane.ledger.query import Filter, export_entries, parse_time, search, stats
from douane.ledger.store import append
from tests.ledger.conftest import migrated, outcome, record

HASH = "ab" * 32


def test_parse_time_normalizes_to_the_ledger_format() -> None:
    assert parse_time("2026-03-01") == "2026-03-01T00:00:00.000000+00:00"
    assert parse_time("2026-03-01T10:00:00+02:00") == "2026-03-01T08:00:00.000000+00:00"
    assert parse_time("2026-03-01T10:00:00Z") == "2026-03-01T10:00:00.000000+00:00"
    with pytest.raises(BadRequest):
        parse_time("last tuesday")


def _at(day_time: str) -> str:
    return f"2026-{day_time}.000000+00:00"


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """Four requests at fixed times; request 3 is written twice (a retried id), 4 never ends."""
    engine = migrated(f"sqlite:///{tmp_path}/q.db")
    signer = Signer.generate()
    failed = replace(outcome(1), outcome="error", status=502)
    drafts = [
        begin_draft(replace(record(0), value_hashes=(HASH,)), ts=_at("01-01T00:00:00")),
        finish_draft(outcome(0), ts=_at("01-01T00:00:01")),
        begin_draft(record(1), ts=_at("02-01T00:00:00")),
        finish_draft(failed, ts=_at("02-01T00:00:01")),
        begin_draft(record(3), ts=_at("03-01T00:00:00")),
        finish_draft(outcome(3), ts=_at("03-01T00:00:01")),
        begin_draft(record(3), ts=_at("03-02T00:00:00")),
        begin_draft(record(4), ts=_at("04-01T00:00:00")),
    ]
    raw = engine.raw_connection()
    append(raw, "sqlite", drafts, signer)
    raw.close()
    return engine


def test_search_filters_and_joins_each_begin_with_its_own_finish(engine: Engine) -> None:
    with engine.connect() as conn:
        everything = search(conn, Filter())
        by_value = search(conn, Filter(value_hash=HASH))
        spring = search(
            conn, Filter(since=parse_time("2026-02-15"), until=parse_time("2026-04-01"))
        )
        eu = search(conn, Filter(jurisdiction="EU"))
        limited = search(conn, Filter(), limit=2)
    assert [r["request_id"] for r in everything] == [
        "req-00000", "req-00001", "req-00003", "req-00003", "req-00004",
    ]  # fmt: skip
    assert [r["outcome"] for r in everything] == ["ok", "error", "ok", None, None]
    assert everything[1]["status"] == 502 and everything[2]["finished_seq"] == 6
    assert [r["seq"] for r in by_value] == [1]
    assert [r["seq"] for r in spring] == [5, 7]
    assert {r["jurisdiction"] for r in eu} == {"EU"} and eu
    assert len(limited) == 2


def test_export_rows_keep_hash_and_signature(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = list(export_entries(conn, Filter(team="sales")))
    assert rows and all(r["team"] in ("sales", None) for r in rows)
    assert all(entry_hash(r) == r["hash"] and r["signature"] for r in rows)


def test_stats_count_what_crossed_where(engine: Engine) -> None:
    with engine.connect() as conn:
        result = stats(conn, Filter()).as_dict()
    assert (result["entries"], result["requests"], result["finished"]) == (8, 5, 3)
    assert result["unfinished"] == 2 and result["head_seq"] == 8
    assert result["by_outcome"] == {"ok": 2, "error": 1}
    assert sum(result["findings_by_type"].values()) == sum(1 + i % 3 for i in (0, 1, 3, 3, 4))
    assert result["first_ts"].startswith("2026-01-01") and result["last_ts"].startswith("2026-04")


def test_reads_of_a_database_without_a_ledger_raise_ledger_error(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/empty.db")
    with engine.connect() as conn:
        for read in (
            lambda: search(conn, Filter()),
            lambda: stats(conn, Filter()),
            lambda: list(export_entries(conn, Filter())),
            lambda: verify_connection(conn, {}),
        ):
            with pytest.raises(LedgerError) as caught:
                read()
            assert caught.value.message.endswith("failed: OperationalError")
