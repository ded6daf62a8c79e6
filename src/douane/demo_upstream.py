"""A real HTTP upstream speaking OpenAI and Anthropic that echoes, records and fails on demand.

It answers with the text of the last user message (or the last tool result), calls the first tool
when asked to ("use the tool" or a forcing tool_choice), streams in deterministic pieces, records
every request (GET/DELETE /_demo/requests) and injects faults chosen by model name: fail-NNN,
slow-N, cut-stream, bad-sse, hang-stream.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import random
import re
import struct
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from douane.dialects.errors import error_type

__all__ = ["create_demo_upstream", "demo_upstream_server"]

_FAIL = re.compile(r"fail-(\d{3})")
_SLOW = re.compile(r"slow-(\d+(?:\.\d+)?)")
_TRIGGER = "use the tool"
_RECORDED_HEADERS = ("authorization", "x-api-key", "anthropic-version", "x-demo-chunk")


@dataclass(frozen=True)
class _Answer:
    """What the demo model says: echoed text, or a call of `tool` with `arguments` (JSON)."""

    text: str
    tool: str | None
    arguments: str
    finish: str  # "stop" | "length" | "tool"
    tokens_in: int


def _texts(content: Any) -> str:
    """Join the text of a string / OpenAI parts / Anthropic blocks with newlines."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    return "\n".join(
        p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)
    )


def _truncate(text: str, limit: Any) -> tuple[str, bool]:
    """Keep the first `limit` words (the demo's notion of tokens)."""
    if not isinstance(limit, int):
        return text, False
    words = list(re.finditer(r"\S+", text))
    if len(words) <= limit:
        return text, False
    return (text[: words[limit - 1].end()] if limit > 0 else ""), True


def _decide(
    body: dict[str, Any],
    text: str,
    from_tool: bool,
    forced: str | None,
    tool_names: list[str],
    limit: Any,
) -> _Answer:
    tokens_in = max(1, len(json.dumps(body.get("messages"), ensure_ascii=False)) // 4)
    wants_tool = forced is not None or _TRIGGER in text.lower()
    if tool_names and not from_tool and wants_tool:
        name = forced if forced in tool_names else tool_names[0]
        args = json.dumps({"text": text}, ensure_ascii=False)
        return _Answer("", name, args, "tool", tokens_in)
    text, cut = _truncate(text, limit)
    return _Answer(text, None, "", "length" if cut else "stop", tokens_in)


def _openai_answer(body: dict[str, Any]) -> _Answer:
    messages = body.get("messages") or [{}]
    last = messages[-1]
    from_tool = last.get("role") == "tool"
    users = [m for m in messages if m.get("role") == "user"]
    text = (
        _texts(last.get("content"))
        if from_tool
        else _texts(users[-1].get("content") if users else "")
    )
    choice = body.get("tool_choice")
    forced = None
    if choice == "required":
        forced = ""
    elif isinstance(choice, dict):
        forced = (choice.get("function") or {}).get("name", "")
    names = [t["function"]["name"] for t in body.get("tools") or [] if t.get("type") == "function"]
    if choice == "none":
        names = []
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    return _decide(body, text, from_tool, forced, names, limit)


def _anthropic_answer(body: dict[str, Any]) -> _Answer:
    messages = body.get("messages") or [{}]
    last = messages[-1]
    content = last.get("content")
    results = (
        [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"]
        if isinstance(content, list)
        else []
    )
    if results:
        text = "\n".join(_texts(b.get("content")) for b in results)
    else:
        users = [m for m in messages if m.get("role") == "user"]
        text = _texts(users[-1].get("content") if users else "")
    choice = body.get("tool_choice") or {}
    forced = {"any": "", "tool": choice.get("name", "")}.get(choice.get("type", ""))
    names = [t["name"] for t in body.get("tools") or [] if "name" in t]
    if choice.get("type") == "none":
        names = []
    return _decide(body, text, bool(results), forced, names, body.get("max_tokens"))


def _pieces(text: str, raw: bytes, header: str | None) -> list[str]:
    """Deterministic stream pieces: 1-7 characters from a PRNG seeded by the request body."""
    if header and header.isdigit() and int(header) > 0:
        size = int(header)
        return [text[i : i + size] for i in range(0, len(text), size)]
    rng = random.Random(hashlib.sha256(raw).digest())
    out, i = [], 0
    while i < len(text):
        step = rng.randint(1, 7)
        out.append(text[i : i + step])
        i += step
    return out


def _sse(data: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return f"{head}data: {payload}\n\n".encode()


def _words(text: str) -> int:
    return len(text.split())


# ---------------------------------------------------------------------------------------- OpenAI


def _oa_message(ans: _Answer) -> dict[str, Any]:
    if ans.tool is None:
        return {"role": "assistant", "content": ans.text, "refusal": None}
    call = {
        "id": "call_demo_0",
        "type": "function",
        "function": {"name": ans.tool, "arguments": ans.arguments},
    }
    return {"role": "assistant", "content": None, "refusal": None, "tool_calls": [call]}


_OA_FINISH = {"stop": "stop", "length": "length", "tool": "tool_calls"}
_AN_STOP = {"stop": "end_turn", "length": "max_tokens", "tool": "tool_use"}


def _oa_usage(ans: _Answer) -> dict[str, int]:
    out = _words(ans.text) + len(ans.arguments) // 4
    return {
        "prompt_tokens": ans.tokens_in,
        "completion_tokens": out,
        "total_tokens": ans.tokens_in + out,
    }


async def _oa_stream(
    ans: _Answer, body: dict[str, Any], pieces: list[str], fault: str
) -> AsyncIterator[bytes]:
    n = body.get("n") or 1
    base = {
        "id": "chatcmpl-demo",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model"),
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choices = [
            {"index": i, "delta": delta, "logprobs": None, "finish_reason": finish}
            for i in range(n)
        ]
        return _sse({**base, "choices": choices})

    yield chunk({"role": "assistant", "content": "" if ans.tool is None else None})
    if ans.tool is not None:
        call = {
            "index": 0,
            "id": "call_demo_0",
            "type": "function",
            "function": {"name": ans.tool, "arguments": ""},
        }
        yield chunk({"tool_calls": [call]})
    for k, piece in enumerate(pieces):
        if await _fault(fault, k, len(pieces)):
            if fault == "bad-sse":
                yield b"data: {not json\n\n"
            return
        if ans.tool is None:
            yield chunk({"content": piece})
        else:
            yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
    yield chunk({}, _OA_FINISH[ans.finish])
    if (body.get("stream_options") or {}).get("include_usage"):
        yield _sse({**base, "choices": [], "usage": _oa_usage(ans)})
    yield _sse("[DONE]")


async def _fault(fault: str, k: int, total: int) -> bool:
    """Whether the stream must stop at piece k (hang-stream never returns once it triggers)."""
    if fault == "hang-stream" and k == 1:
        await asyncio.Event().wait()
    return (fault == "cut-stream" and k >= total // 2) or (fault == "bad-sse" and k == 1)


def _oa_completion(ans: _Answer, body: dict[str, Any]) -> dict[str, Any]:
    choices = [
        {
            "index": i,
            "message": _oa_message(ans),
            "logprobs": None,
            "finish_reason": _OA_FINISH[ans.finish],
        }
        for i in range(body.get("n") or 1)
    ]
    return {
        "id": "chatcmpl-demo",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model"),
        "choices": choices,
        "usage": _oa_usage(ans),
    }


def _embedding(text: str, dims: int, encoding: str) -> Any:
    digest = b"".join(
        hashlib.sha256(f"{i}:{text}".encode()).digest() for i in range(dims // 32 + 1)
    )
    values = [b / 255.0 - 0.5 for b in digest[:dims]]
    norm = sum(v * v for v in values) ** 0.5 or 1.0
    values = [v / norm for v in values]
    if encoding == "base64":
        return base64.b64encode(struct.pack(f"<{dims}f", *values)).decode()
    return values


# ------------------------------------------------------------------------------------- Anthropic


def _an_message(ans: _Answer, body: dict[str, Any]) -> dict[str, Any]:
    if ans.tool is None:
        content = [{"type": "text", "text": ans.text}]
    else:
        content = [
            {
                "type": "tool_use",
                "id": "toolu_demo_0",
                "name": ans.tool,
                "input": json.loads(ans.arguments),
            }
        ]
    return {
        "id": "msg_demo",
        "type": "message",
        "role": "assistant",
        "model": body.get("model"),
        "content": content,
        "stop_reason": _AN_STOP[ans.finish],
        "stop_sequence": None,
        "usage": {
            "input_tokens": ans.tokens_in,
            "output_tokens": _oa_usage(ans)["completion_tokens"],
        },
    }


async def _an_stream(
    ans: _Answer, body: dict[str, Any], pieces: list[str], fault: str
) -> AsyncIterator[bytes]:
    def ev(obj: dict[str, Any]) -> bytes:
        return _sse(obj, obj["type"])

    message = {**_an_message(ans, body), "content": [], "stop_reason": None}
    message["usage"] = {"input_tokens": ans.tokens_in, "output_tokens": 1}
    yield ev({"type": "message_start", "message": message})
    if ans.tool is None:
        block: dict[str, Any] = {"type": "text", "text": ""}
    else:
        block = {"type": "tool_use", "id": "toolu_demo_0", "name": ans.tool, "input": {}}
    yield ev({"type": "content_block_start", "index": 0, "content_block": block})
    yield ev({"type": "ping"})
    for k, piece in enumerate(pieces):
        if await _fault(fault, k, len(pieces)):
            if fault == "bad-sse":
                yield b"event: content_block_delta\ndata: {not json\n\n"
            return
        if ans.tool is None:
            delta = {"type": "text_delta", "text": piece}
        else:
            delta = {"type": "input_json_delta", "partial_json": piece}
        yield ev({"type": "content_block_delta", "index": 0, "delta": delta})
    yield ev({"type": "content_block_stop", "index": 0})
    usage = {"output_tokens": _oa_usage(ans)["completion_tokens"]}
    yield ev(
        {
            "type": "message_delta",
            "delta": {"stop_reason": _AN_STOP[ans.finish], "stop_sequence": None},
            "usage": usage,
        }
    )
    yield ev({"type": "message_stop"})


# ------------------------------------------------------------------------------------ HTTP layer


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


async def _chat(request: Request) -> Response:
    body, raw, failure = await _read(request, "openai")
    if failure is not None or body is None:
        return failure or _error("openai", 400, "empty body")
    if not isinstance(body.get("messages"), list) or not body["messages"]:
        return _error("openai", 400, "messages: required")
    ans = _openai_answer(body)
    if body.get("stream"):
        pieces = _pieces(
            ans.text if ans.tool is None else ans.arguments,
            raw,
            request.headers.get("x-demo-chunk"),
        )
        return _stream(_oa_stream(ans, body, pieces, _fault_name(body)))
    return JSONResponse(_oa_completion(ans, body))


async def _messages(request: Request) -> Response:
    body, raw, failure = await _read(request, "anthropic")
    if failure is not None or body is None:
        return failure or _error("anthropic", 400, "empty body")
    if not isinstance(body.get("messages"), list) or not body["messages"]:
        return _error("anthropic", 400, "messages: Field required")
    if not isinstance(body.get("max_tokens"), int):
        return _error("anthropic", 400, "max_tokens: Field required")
    ans = _anthropic_answer(body)
    if body.get("stream"):
        pieces = _pieces(
            ans.text if ans.tool is None else ans.arguments,
            raw,
            request.headers.get("x-demo-chunk"),
        )
        return _stream(_an_stream(ans, body, pieces, _fault_name(body)))
    return JSONResponse(_an_message(ans, body))


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
        {"object": "embedding", "index": i, "embedding": _embedding(t, dims, encoding)}
        for i, t in enumerate(items)
    ]
    tokens = sum(_words(t) for t in items)
    return JSONResponse(
        {
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
