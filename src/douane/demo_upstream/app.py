"""The demo upstream's HTTP layer: routes, request recording, fault injection, a test server."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from douane.demo_upstream._answer import Answer, anthropic_answer, openai_answer, pieces, words
from douane.demo_upstream._anthropic import anthropic_message, anthropic_stream
from douane.demo_upstream._openai import embedding, openai_completion, openai_stream
from douane.dialects.errors import error_type

__all__ = ["create_demo_upstream", "demo_upstream_server"]

_FAIL = re.compile(r"fail-(\d{3})")
_SLOW = re.compile(r"slow-(\d+(?:\.\d+)?)")
_RECORDED_HEADERS = ("authorization", "x-api-key", "anthropic-version", "x-demo-chunk")


def _error(dialect: str, status: int, message: str) -> JSONResponse:
    kind = error_type("openai" if dialect == "openai" else "anthropic", status)
    if dialect == "openai":
        body: dict[str, Any] = {
            "error": {"message": message, "type": kind, "param": None, "code": None}
        }
    else:
        body = {"type": "error", "error": {"type": kind, "message": message}}
    return JSONResponse(body, status_code=status)


async def _read(
    request: Request, dialect: str
) -> tuple[dict[str, Any] | None, bytes, Response | None]:
    raw = await request.body()
    headers = {h: request.headers[h] for h in _RECORDED_HEADERS if h in request.headers}
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    request.app.state.requests.append(
        {"method": request.method, "path": request.url.path, "headers": headers, "body": body}
    )
    if raw and not isinstance(body, dict):
        return None, raw, _error(dialect, 400, "request body is not a JSON object")
    model = str((body or {}).get("model", ""))
    if match := _FAIL.search(model):
        status = int(match.group(1))
        return None, raw, _error(dialect, status, f"demo upstream failure {status}")
    if match := _SLOW.search(model):
        await asyncio.sleep(float(match.group(1)))
    return body or {}, raw, None


def _fault_name(body: dict[str, Any]) -> str:
    model = str(body.get("model", ""))
    return next((f for f in ("cut-stream", "bad-sse", "hang-stream") if f in model), "")


def _stream(gen: AsyncIterator[bytes]) -> StreamingResponse:
    return StreamingResponse(
        gen, media_type="text/event-stream", headers={"cache-control": "no-cache"}
    )


def _parts(ans: Answer, raw: bytes, request: Request) -> list[str]:
    """The answer (text, or the tool call's arguments) cut into the chunks it is streamed in."""
    return pieces(
        ans.text if ans.tool is None else ans.arguments, raw, request.headers.get("x-demo-chunk")
    )


async def _chat(request: Request) -> Response:
    body, raw, failure = await _read(request, "openai")
    if failure is not None or body is None:
        return failure or _error("openai", 400, "empty body")
    if not isinstance(body.get("messages"), list) or not body["messages"]:
        return _error("openai", 400, "messages: required")
    ans = openai_answer(body)
    if body.get("stream"):
        parts = _parts(ans, raw, request)
        return _stream(openai_stream(ans, body, parts, _fault_name(body)))
    return JSONResponse(openai_completion(ans, body))


async def _messages(request: Request) -> Response:
    body, raw, failure = await _read(request, "anthropic")
    if failure is not None or body is None:
        return failure or _error("anthropic", 400, "empty body")
    if not isinstance(body.get("messages"), list) or not body["messages"]:
        return _error("anthropic", 400, "messages: Field required")
    if not isinstance(body.get("max_tokens"), int):
        return _error("anthropic", 400, "max_tokens: Field required")
    ans = anthropic_answer(body)
    if body.get("stream"):
        parts = _parts(ans, raw, request)
        return _stream(anthropic_stream(ans, body, parts, _fault_name(body)))
    return JSONResponse(anthropic_message(ans, body))


async def _embeddings(request: Request) -> Response:
    body, _, failure = await _read(request, "openai")
    if failure is not None or body is None:
        return failure or _error("openai", 400, "empty body")
    inputs = body.get("input")
    items = [inputs] if isinstance(inputs, str) else inputs
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return _error("openai", 400, "input: expected a string or an array of strings")
    dims = body.get("dimensions") or 8
    encoding = body.get("encoding_format") or "float"
    data = [
        {"object": "embedding", "index": i, "embedding": embedding(t, dims, encoding)}
        for i, t in enumerate(items)
    ]
    tokens = sum(words(t) for t in items)
    return JSONResponse(
        {
            "id": "embd-demo",
            "object": "list",
            "data": data,
            "model": body.get("model"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
    )


async def _models(request: Request) -> Response:
    await _read(request, "openai")
    names = ("echo", "cut-stream", "bad-sse", "hang-stream", "slow-1", "fail-500")
    data = [{"id": n, "object": "model", "created": 0, "owned_by": "douane-demo"} for n in names]
    return JSONResponse({"object": "list", "data": data})


async def _recorded(request: Request) -> Response:
    if request.method == "DELETE":
        request.app.state.requests.clear()
        return Response(status_code=204)
    return JSONResponse(request.app.state.requests)


def create_demo_upstream() -> Starlette:
    """A fresh demo upstream app with its own (empty) request recording."""
    app = Starlette(
        routes=[
            Route("/v1/chat/completions", _chat, methods=["POST"]),
            Route("/v1/embeddings", _embeddings, methods=["POST"]),
            Route("/v1/models", _models, methods=["GET"]),
            Route("/v1/messages", _messages, methods=["POST"]),
            Route("/_demo/requests", _recorded, methods=["GET", "DELETE"]),
        ]
    )
    app.state.requests = []
    return app


@contextmanager
def demo_upstream_server(host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve a demo upstream with uvicorn in a background thread; yields its base URL."""
    config = uvicorn.Config(
        create_demo_upstream(),
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="demo-upstream", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("demo upstream did not start")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(10)
