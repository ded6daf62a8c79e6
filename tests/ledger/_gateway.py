"""Helpers for the gateway-level ledger tests: configs, a key, concurrent requests."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from douane.ledger.signing import Signer
from tests.harness import Gateway, create_key, start_gateway

__all__ = ["chat", "config_text", "gateway_with_key", "send_all", "signed_gateway"]

CONFIG = """\
database: "{database}"
secret_key: ledger-test-tenant-secret
ledger: {{signing_key: "file:{signing_key}"}}
providers:
  - {{name: up-us, kind: openai, base_url: "{upstream}/v1", jurisdiction: US, timeout: 60}}
  - {{name: up-eu, kind: openai, base_url: "{upstream}/v1", jurisdiction: EU, timeout: 60}}
models:
  - {{name: gpt-test, provider: up-us, model: echo}}
  - {{name: mistral-eu, provider: up-eu, model: echo}}
  - {{name: hang, provider: up-us, model: hang-stream}}
"""


def config_text(database: str, signing_key: Path, upstream: str) -> str:
    return CONFIG.format(database=database, signing_key=signing_key, upstream=upstream)


def gateway_with_key(workdir: Path, text: str, *, key: str | None = None) -> Gateway:
    gateway = start_gateway(workdir, text)
    gateway.keys["default"] = key or create_key(workdir, gateway.config)
    return gateway


def signed_gateway(workdir: Path, upstream_url: str) -> Gateway:
    """A gateway on SQLite in `workdir` with a file signing key and a `default` key."""
    key_file = workdir / "ledger.key"
    key_file.write_bytes(Signer.generate().private_pem())
    text = config_text(f"sqlite:///{workdir}/douane.db", key_file, upstream_url)
    return gateway_with_key(workdir, text)


def chat(model: str, content: str, *, stream: bool = False) -> dict[str, Any]:
    return {"model": model, "stream": stream, "messages": [{"role": "user", "content": content}]}


async def send_all(
    jobs: list[tuple[str, str, dict[str, Any]]], concurrency: int
) -> list[httpx.Response]:
    """POST every (base url, key, body) with at most `concurrency` in flight; bodies are read."""
    limit = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:

        async def one(url: str, key: str, body: dict[str, Any]) -> httpx.Response:
            async with limit:
                response = await client.post(
                    url + "/v1/chat/completions",
                    json=body,
                    headers={"authorization": f"Bearer {key}"},
                )
                await response.aread()
                return response

        return await asyncio.gather(*(one(*job) for job in jobs))
