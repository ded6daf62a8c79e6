"""A client that hangs up mid-stream stops the relay: the ledger closes the request as
`client_disconnected` (status 499) instead of waiting for the upstream to finish."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from douane.cli import cli
from tests.harness import Process
from tests.ledger._gateway import chat, signed_gateway


def _finishes(config: Path) -> dict[str, dict[str, object]]:
    exported = CliRunner().invoke(cli, ["audit", "export", "--config", str(config)])
    entries = [json.loads(line) for line in exported.output.splitlines()]
    return {e["request_id"]: e["data"] for e in entries if e["kind"] == "finish"}


def test_client_hanging_up_mid_stream_is_recorded_as_disconnected(
    tmp_path: Path, upstream: Process
) -> None:
    gateway = signed_gateway(tmp_path, upstream.url)
    headers = {"authorization": f"Bearer {gateway.keys['default']}"}
    try:
        with (
            httpx.Client(timeout=30) as client,
            client.stream(
                "POST",
                gateway.url + "/v1/chat/completions",
                json=chat("hang", "tell me a story", stream=True),  # the upstream never ends
                headers=headers,
            ) as response,
        ):
            assert response.status_code == 200
            request_id = response.headers["x-douane-request-id"]
            assert next(response.iter_raw())  # streaming has begun; now hang up
        finishes: dict[str, dict[str, object]] = {}
        deadline = time.monotonic() + 20
        while request_id not in finishes and time.monotonic() < deadline:
            time.sleep(0.2)
            finishes = _finishes(gateway.config)
    finally:
        gateway.process.stop()
    assert finishes[request_id]["outcome"] == "client_disconnected"
    assert finishes[request_id]["status"] == 499
