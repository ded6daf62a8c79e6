"""A pass-through proxy that only forwards (raw ASGI on uvicorn + aiohttp, uvloop): the floor of
what any Python gateway on this stack adds, for bench/gateway.py to measure beside Douane.

Run: python bench/passthrough.py UPSTREAM_URL PORT
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import aiohttp
import uvicorn
import uvloop

__all__: list[str] = []


def make_app(upstream: str) -> Any:
    session: aiohttp.ClientSession | None = None

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        nonlocal session
        if scope["type"] != "http":
            return
        if session is None:
            session = aiohttp.ClientSession(auto_decompress=False)
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"] if k.startswith(b"x-demo")}
        headers["content-type"] = "application/json"
        async with session.post(upstream + scope["path"], data=body, headers=headers) as answer:
            kind = answer.headers.get("content-type", "application/json").encode()
            start = {"type": "http.response.start", "status": answer.status}
            await send({**start, "headers": [(b"content-type", kind)]})
            async for chunk in answer.content.iter_any():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    return app


def main() -> None:
    upstream, port = sys.argv[1], int(sys.argv[2])
    config = uvicorn.Config(
        make_app(upstream), host="127.0.0.1", port=port, log_level="error", lifespan="off"
    )
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(uvicorn.Server(config).serve())


if __name__ == "__main__":
    main()
