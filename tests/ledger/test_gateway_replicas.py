"""Two `douane serve` replicas on one PostgreSQL database under 200 concurrent requests write one
valid chain in which every request is recorded exactly once (a begin and a finish entry)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from douane.cli import cli
from douane.db import make_engine, migrate
from douane.ledger import load_signer, verify_connection
from douane.ledger.signing import Signer
from douane.ledger.store import iter_entries
from tests.harness import Process
from tests.ledger._gateway import chat, config_text, gateway_with_key, send_all

REQUESTS = 200


def test_two_replicas_under_200_concurrent_requests_write_one_chain(
    tmp_path: Path, upstream: Process, pg_url: str
) -> None:
    key_file = tmp_path / "ledger.key"
    key_file.write_bytes(Signer.generate().private_pem())
    text = config_text(pg_url, key_file, upstream.url)
    engine = make_engine(pg_url)
    migrate(engine)  # once, before the replicas start (see docs/scale-out.md)
    first = gateway_with_key(tmp_path / "a", text)
    second = gateway_with_key(tmp_path / "b", text, key=first.keys["default"])  # shared keys
    try:
        jobs = []
        for i in range(REQUESTS):
            gateway = (first, second)[i % 2]
            content = f"Bitte an max.muster{i}@example.com schreiben" if i % 3 else f"hi {i}"
            model = "mistral-eu" if i % 5 == 0 else "gpt-test"
            jobs.append(
                (gateway.url, gateway.keys["default"], chat(model, content, stream=i % 4 == 0))
            )
        responses = asyncio.run(send_all(jobs, concurrency=REQUESTS))
    finally:
        first.process.stop()
        second.process.stop()
    assert [r.status_code for r in responses] == [200] * REQUESTS
    ids = {r.headers["x-douane-request-id"] for r in responses}
    assert len(ids) == REQUESTS

    signer = load_signer(f"file:{key_file}", pg_url)
    with engine.connect() as conn:
        report = verify_connection(conn, {signer.key_id: signer.public_key})
        stored = list(iter_entries(conn))
    engine.dispose()
    assert report.ok, report.problem
    assert [e.seq for e in stored] == list(range(1, 2 * REQUESTS + 1))
    kinds = Counter((e.request_id, e.kind) for e in stored)
    assert set(kinds.values()) == {1}
    assert {rid for rid, _ in kinds} == ids
    assert Counter(kind for _, kind in kinds) == {"begin": REQUESTS, "finish": REQUESTS}
    assert any(e.data().get("value_hashes") for e in stored if e.kind == "begin")

    # "Did this address ever cross?": the auditor types it; the ledger only holds its hash.
    found = CliRunner().invoke(
        cli,
        ["audit", "search", "--config", str(first.config), "--type", "EMAIL", "--value", "-",
         "--format", "jsonl"],
        input="Max.Muster7@example.com\n",
    )  # fmt: skip
    rows = [json.loads(line) for line in found.output.splitlines()]
    assert len(rows) == 1 and rows[0]["request_id"] in ids
    assert rows[0]["jurisdiction"] == "US" and rows[0]["outcome"] == "ok"
