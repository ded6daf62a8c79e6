"""Cross-dialect round trips: official SDK -> minimal translating proxy -> demo upstream.

The proxy uses only douane.dialects (parse, render, SSE decode, stream translate, errors), so
these tests prove that translated answers and streams are accepted by the official SDKs.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import anthropic
import httpx
import openai
import pytest
import uvicorn
from mistralai.client import Mistral
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from douane.demo_upstream import demo_upstream_server
from douane.dialects import (
    Dialect,
    SSEDecoder,
    StreamTranslator,
    encode_sse,
    parse_request,
    render_error,
    render_request,
    render_response,
    render_stream_error,
    upstream_error_message,
)
from douane.errors import DouaneError, UpstreamError

PATHS = {"openai": "/v1/chat/completions", "anthropic": "/v1/messages"}
OA_TOOL: Any = {
    "type": "function",
    "function": {"name": "lookup", "parameters": {"type": "object"}},
}
AN_TOOL: Any = {"name": "lookup", "input_schema": {"type": "object"}}


def _proxy(upstream: str, up_dialect: Dialect) -> Starlette:
    async def relay(
        dialect: Dialect,
        model: str,
        resp: httpx.Response,
        client: httpx.AsyncClient,
        include_usage: bool,
    ) -> AsyncIterator[bytes]:
        decoder = SSEDecoder()
        tr = StreamTranslator(up_dialect, dialect, model, include_usage=include_usage)
        try:
            async for chunk in resp.aiter_bytes():
                for ev in decoder.feed(chunk):
                    for out in tr.feed(ev):
                        yield encode_sse(out)
            for out in [o for ev in decoder.flush() for o in tr.feed(ev)] + tr.flush():
                yield encode_sse(out)
            if not tr.finished:
                raise UpstreamError("upstream ended the stream early")
        except DouaneError as exc:
            yield render_stream_error(dialect, exc)
        finally:
            await resp.aclose()
            await client.aclose()

    async def handle(request: Request, dialect: Dialect) -> Response:
        try:
            conv = parse_request(dialect, json.loads(await request.body()))
            body = render_request(conv.body, dialect, up_dialect, "chat", conv.model, 1000)
            client = httpx.AsyncClient(timeout=5)
            resp = await client.send(
                client.build_request("POST", upstream + PATHS[up_dialect], json=body), stream=True
            )
            if resp.status_code >= 400:
                raw = await resp.aread()
                await client.aclose()
                message = upstream_error_message(up_dialect, resp.status_code, raw)
                raise UpstreamError(message, status=resp.status_code)
            if conv.stream:
                gen = relay(dialect, conv.model, resp, client, conv.include_usage)
                return StreamingResponse(gen, media_type="text/event-stream")
            answer = json.loads(await resp.aread())
            await client.aclose()
            return JSONResponse(render_response(answer, up_dialect, dialect, conv.model))
        except DouaneError as exc:
            status, err = render_error(dialect, exc)
            return JSONResponse(err, status_code=status)

    async def chat(request: Request) -> Response:
        return await handle(request, "openai")

    async def messages(request: Request) -> Response:
        return await handle(request, "anthropic")

    return Starlette(
        routes=[
            Route(PATHS["openai"], chat, methods=["POST"]),
            Route(PATHS["anthropic"], messages, methods=["POST"]),
        ]
    )


@contextmanager
def _serve(app: Starlette) -> Iterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with demo_upstream_server() as url:
        yield url


@pytest.fixture(scope="module")
def via_anthropic(upstream: str) -> Iterator[openai.OpenAI]:
    """An OpenAI client whose requests reach an Anthropic upstream."""
    with _serve(_proxy(upstream, "anthropic")) as url:
        yield openai.OpenAI(base_url=f"{url}/v1", api_key="k", max_retries=0)


@pytest.fixture(scope="module")
def via_openai(upstream: str) -> Iterator[anthropic.Anthropic]:
    """An Anthropic client whose requests reach an OpenAI upstream."""
    with _serve(_proxy(upstream, "openai")) as url:
        yield anthropic.Anthropic(base_url=url, api_key="k", max_retries=0)


TEXT = "Grüße aus Köln — the quick brown fox"


def test_openai_sdk_over_anthropic_upstream(via_anthropic: openai.OpenAI) -> None:
    msgs: list[Any] = [{"role": "system", "content": "s"}, {"role": "user", "content": TEXT}]
    out = via_anthropic.chat.completions.create(model="my-model", messages=msgs)
    assert out.choices[0].message.content == TEXT and out.model == "my-model"
    assert out.choices[0].finish_reason == "stop" and out.usage and out.usage.completion_tokens > 0
    stream = via_anthropic.chat.completions.create(
        model="my-model", messages=msgs, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == TEXT
    assert chunks[-1].usage is not None


def test_openai_sdk_tool_loop_over_anthropic_upstream(via_anthropic: openai.OpenAI) -> None:
    msgs: list[Any] = [{"role": "user", "content": "please use the tool"}]
    with via_anthropic.chat.completions.stream(model="m", messages=msgs, tools=[OA_TOOL]) as s:
        final = s.get_final_completion()
    call = final.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert final.choices[0].finish_reason == "tool_calls"
    assert json.loads(call.function.arguments) == {"text": "please use the tool"}
    msgs += [
        final.choices[0].message.model_dump(exclude_none=True, exclude={"parsed"}),
        {"role": "tool", "tool_call_id": call.id, "content": "found 3"},
    ]
    out = via_anthropic.chat.completions.create(model="m", messages=msgs, tools=[OA_TOOL])
    assert out.choices[0].message.content == "found 3"


def test_anthropic_sdk_over_openai_upstream(via_openai: anthropic.Anthropic) -> None:
    msgs: list[Any] = [{"role": "user", "content": TEXT}]
    out = via_openai.messages.create(model="my-model", max_tokens=100, system="s", messages=msgs)
    assert out.content[0].text == TEXT and out.model == "my-model"  # type: ignore[union-attr]
    assert out.stop_reason == "end_turn"
    with via_openai.messages.stream(model="my-model", max_tokens=100, messages=msgs) as stream:
        final = stream.get_final_message()
    assert final.content[0].text == TEXT and final.usage.output_tokens > 0  # type: ignore[union-attr]


def test_anthropic_sdk_tool_loop_over_openai_upstream(via_openai: anthropic.Anthropic) -> None:
    msgs: list[Any] = [{"role": "user", "content": "use the tool please"}]
    with via_openai.messages.stream(
        model="m", max_tokens=100, messages=msgs, tools=[AN_TOOL]
    ) as stream:
        final = stream.get_final_message()
    block = final.content[0]
    assert block.type == "tool_use" and block.input == {"text": "use the tool please"}
    assert final.stop_reason == "tool_use"
    msgs += [
        {"role": "assistant", "content": [block.model_dump()]},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": block.id, "content": "found 3"}],
        },
    ]
    out = via_openai.messages.create(model="m", max_tokens=100, messages=msgs, tools=[AN_TOOL])
    assert out.content[0].text == "found 3"  # type: ignore[union-attr]


def test_length_is_translated(
    via_openai: anthropic.Anthropic, via_anthropic: openai.OpenAI
) -> None:
    out = via_openai.messages.create(
        model="m", max_tokens=2, messages=[{"role": "user", "content": TEXT}]
    )
    assert out.stop_reason == "max_tokens"
    res = via_anthropic.chat.completions.create(
        model="m", max_tokens=2, messages=[{"role": "user", "content": TEXT}]
    )
    assert res.choices[0].finish_reason == "length"


def test_upstream_errors_reach_the_sdks_typed(
    via_openai: anthropic.Anthropic, via_anthropic: openai.OpenAI
) -> None:
    with pytest.raises(openai.RateLimitError, match="demo upstream failure 429"):
        via_anthropic.chat.completions.create(
            model="fail-429", messages=[{"role": "user", "content": "x"}]
        )
    with pytest.raises(anthropic.InternalServerError, match="demo upstream failure 500"):
        via_openai.messages.create(
            model="fail-500", max_tokens=5, messages=[{"role": "user", "content": "x"}]
        )


@pytest.mark.parametrize("model", ["cut-stream", "bad-sse"])
def test_broken_streams_raise_in_the_sdks(
    model: str, via_openai: anthropic.Anthropic, via_anthropic: openai.OpenAI
) -> None:
    msgs: list[Any] = [{"role": "user", "content": TEXT}]
    with pytest.raises(openai.APIError):
        list(via_anthropic.chat.completions.create(model=model, messages=msgs, stream=True))
    with (
        pytest.raises(anthropic.APIStatusError),
        via_openai.messages.stream(model=model, max_tokens=100, messages=msgs) as stream,
    ):
        stream.get_final_message()


def test_mistral_sdk_over_anthropic_upstream(upstream: str) -> None:
    with _serve(_proxy(upstream, "anthropic")) as url:
        client = Mistral(api_key="k", server_url=url)
        msgs: Any = [{"role": "user", "content": TEXT}]
        out = client.chat.complete(model="mistral-small", messages=msgs)
        message = out.choices[0].message
        assert message is not None and message.content == TEXT and out.model == "mistral-small"
        stream = client.chat.stream(model="mistral-small", messages=msgs)
        assert "".join(str(e.data.choices[0].delta.content or "") for e in stream) == TEXT
        forced = client.chat.complete(model="m", messages=msgs, tools=[OA_TOOL], tool_choice="any")
        reply = forced.choices[0].message
        calls = reply.tool_calls if reply else None
        assert calls and json.loads(str(calls[0].function.arguments)) == {"text": TEXT}
