"""`douane demo`: one request end to end, showing what the client sent, what the provider received
and what the client got back — on a throwaway database, with the built-in demo upstream."""

from __future__ import annotations

import asyncio
import json
import socket
import tempfile
from pathlib import Path
from typing import Any

import click
import httpx
import uvicorn
from rich.console import Console
from rich.panel import Panel

from douane.config import parse_config
from douane.db import make_engine, migrate
from douane.demo_upstream import create_demo_upstream
from douane.gateway.app import create_app
from douane.keys import KeyStore

__all__ = ["demo_command"]

SAMPLE = (
    "Hi, please draft a reply to Anna Schmidt (anna.schmidt@example.de, +49 151 23456789) "
    "confirming the transfer to IBAN DE89 3704 0044 0532 0130 00."
)
_CONFIG = """\
database: sqlite:///{db}
secret_key: demo-tenant-secret
providers:
  - {{name: demo-us, kind: openai, base_url: "http://127.0.0.1:{up}/v1", jurisdiction: US}}
models:
  - {{name: gpt-4o, provider: demo-us, model: echo}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _run(text: str, model: str) -> dict[str, Any]:
    up_port, gw_port = _free_port(), _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        config = parse_config(_CONFIG.format(db=Path(tmp) / "demo.db", up=up_port), "<demo>")
        engine = make_engine(config.database)
        migrate(engine)
        _, key = KeyStore(engine, config.resolved_secret_key()).create("demo", "default")
        engine.dispose()
        servers = [
            uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
            for app, port in ((create_demo_upstream(), up_port), (create_app(config), gw_port))
        ]
        tasks = [asyncio.create_task(s.serve()) for s in servers]
        try:
            while not all(s.started for s in servers):
                await asyncio.sleep(0.05)
            async with httpx.AsyncClient(timeout=30) as client:
                response = await client.post(
                    f"http://127.0.0.1:{gw_port}/v1/chat/completions",
                    headers={"authorization": f"Bearer {key}"},
                    json={"model": model, "messages": [{"role": "user", "content": text}]},
                )
                received = (await client.get(f"http://127.0.0.1:{up_port}/_demo/requests")).json()
        finally:
            for server in servers:
                server.should_exit = True
            await asyncio.gather(*tasks)
    return {"response": response, "received": received}


@click.command("demo")
@click.option("--text", default=SAMPLE, show_default=False, help="The prompt to send.")
def demo_command(text: str) -> None:
    """Send one prompt through a throwaway gateway to a US demo provider and show each side."""
    result = asyncio.run(_run(text, "gpt-4o"))
    response: httpx.Response = result["response"]
    console = Console()
    console.print(Panel(text, title="1. the client sends"))
    bodies = [r["body"] for r in result["received"]]
    sent = [m.get("content") for b in bodies for m in b.get("messages", [])]
    provider_saw = "\n".join(map(str, sent)) or "(nothing: blocked)"
    console.print(Panel(provider_saw, title="2. the provider receives"))
    headers = {k: v for k, v in response.headers.items() if k.startswith("x-douane")}
    console.print(Panel(json.dumps(headers, indent=2), title="3. Douane's headers"))
    body = response.json()
    answer = body["choices"][0]["message"]["content"] if response.status_code == 200 else body
    console.print(Panel(str(answer), title="4. the client gets back (restored)"))
