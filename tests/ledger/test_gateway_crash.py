"""A `douane serve` killed with SIGKILL mid-stream leaves a valid chain whose last record shows
the request as started and not finished."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import httpx
from click.testing import CliRunner

from douane.cli import cli
from tests.harness import Process, douane
from tests.ledger._gateway import chat, signed_gateway


def test_sigkill_during_a_streamed_answer_leaves_started_not_finished(
    tmp_path: Path, upstream: Process
) -> None:
    gateway = signed_gateway(tmp_path, upstream.url)
    headers = {"authorization": f"Bearer {gateway.keys['default']}"}
    url = gateway.url + "/v1/chat/completions"
    try:
        done = httpx.post(url, json=chat("gpt-test", "hello"), headers=headers, timeout=30)
        assert done.status_code == 200
        with httpx.stream(
            "POST", url, json=chat("hang", "tell me a story", stream=True), headers=headers,
            timeout=30,
        ) as response:  # fmt: skip
            assert response.status_code == 200
            request_id = response.headers["x-douane-request-id"]
            # Keep the iterator: httpx closes the connection when an unfinished one is collected.
            chunks = response.iter_raw()
            assert next(chunks)  # the answer is streaming...
            os.kill(gateway.process.popen.pid, signal.SIGKILL)  # ...when the gateway dies
            gateway.process.popen.wait(10)
    finally:
        gateway.process.stop()

    verify = douane("audit", "verify", "--config", str(gateway.config), cwd=tmp_path, check=False)
    assert verify.returncode == 0, verify.stderr
    config = ["--config", str(gateway.config)]
    exported = CliRunner().invoke(cli, ["audit", "export", *config])
    entries = [json.loads(line) for line in exported.output.splitlines()]
    assert [e["kind"] for e in entries] == ["begin", "finish", "begin"]
    assert (
        entries[0]["request_id"] == entries[1]["request_id"] == done.headers["x-douane-request-id"]
    )
    last = entries[-1]
    assert last["request_id"] == request_id and last["data"]["streaming"] is True
    search = CliRunner().invoke(cli, ["audit", "search", *config, "--request-id", request_id])
    assert "STARTED-NOT-FINISHED" in search.output
