"""After replaying the dev corpus through `douane serve`, no plaintext value of any labeled
finding appears in the database files, the gateway's logs or its metrics."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import httpx

from douane.ledger.signing import Signer
from tests.harness import Process
from tests.ledger._gateway import chat, config_text, gateway_with_key, send_all

CORPUS = Path("/work/shared/eval/dev.jsonl")
if not CORPUS.exists():  # the corpus ships beside the repository in ../shared
    CORPUS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl"
# Below this length a value may occur by chance inside base64 signatures in the raw file bytes;
# shorter values are checked against the database's text columns instead (signatures excluded).
RAW_MIN = 6


def _corpus() -> tuple[list[str], set[str]]:
    texts: list[str] = []
    values: set[str] = set()
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        texts.append(record["text"])
        values.update(span["value"] for span in record["spans"])
    return texts, values


def _database_text(path: Path) -> str:
    """Every text value stored in every table, except the (random base64) signatures."""
    parts: list[str] = []
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            kept = [c for c in columns if c != "signature"]
            for row in conn.execute(f"SELECT {', '.join(kept)} FROM {table}"):
                parts.extend(str(v) for v in row if v is not None)
    return "\n".join(parts)


def test_no_dev_corpus_value_reaches_the_database_logs_or_metrics(
    tmp_path: Path, upstream: Process
) -> None:
    texts, values = _corpus()
    key_file = tmp_path / "ledger.key"
    key_file.write_bytes(Signer.generate().private_pem())
    database = tmp_path / "douane.db"
    gateway = gateway_with_key(
        tmp_path, config_text(f"sqlite:///{database}", key_file, upstream.url)
    )
    try:
        jobs = [
            (gateway.url, gateway.keys["default"],
             chat("mistral-eu" if i % 2 else "gpt-test", text, stream=i % 3 == 0))
            for i, text in enumerate(texts)
        ]  # fmt: skip
        responses = asyncio.run(send_all(jobs, concurrency=16))
        metrics = httpx.get(gateway.url + "/metrics", timeout=30).text
    finally:
        gateway.process.stop()
    assert len(responses) == len(texts) == 360
    assert all(r.status_code in (200, 403) for r in responses)
    assert "douane" in metrics

    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith(database.name))
    stored = _database_text(database)
    log = gateway.process.log.read_text(encoding="utf-8", errors="replace")
    assert stored.count("\n") > 2 * len(texts)  # the ledger did record the replay
    leaks = []
    for value in sorted(values):
        where = [
            name
            for name, found in (
                ("database file", len(value) >= RAW_MIN and value.encode() in raw),
                ("database text", value in stored),
                ("logs", value in log),
                ("metrics", value in metrics),
            )
            if found
        ]
        if where:
            leaks.append((len(value), value[:2] + "…", where))  # never print the whole value
    assert not leaks, f"{len(leaks)} corpus values leaked: {leaks[:10]}"
