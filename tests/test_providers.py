"""Forwarding: provider credentials, paths, and upstream failures translated to Douane errors.

Each test runs a real HTTP upstream on 127.0.0.1 (tests/stub_upstream.py) and points a
provider at it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiohttp import web

from douane.config import parse_config
from douane.errors import UpstreamError, UpstreamTimeout
from douane.providers import Providers
from tests.harness import free_port
from tests.stub_upstream import Handler, stub_upstream


def _config(url: str) -> str:
    return f"""
secret_key: test
providers:
  - {{name: oa, kind: openai, base_url: "{url}/v1", api_key: sk-up, jurisdiction: US,
     timeout: 0.5}}
  - {{name: an, kind: anthropic, base_url: "{url}", api_key: ak-up, jurisdiction: US}}
models:
  - {{name: m, provider: oa, model: up}}
"""


@contextmanager
def _providers(handler: Handler) -> Iterator[Providers]:
    with stub_upstream(handler) as url:
        yield Providers(parse_config(_config(url)))


class _Recorder:
    """A handler that answers with a fixed JSON body and keeps what it received."""

    def __init__(self, status: int = 200, body: Any = None) -> None:
        self.status, self.body = status, body if body is not None else {"ok": True}
        self.seen: list[tuple[str, dict[str, str], bytes]] = []

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request.path, dict(request.headers), await request.read()))
        return web.json_response(self.body, status=self.status)


def test_openai_provider_gets_bearer_key_and_path() -> None:
    recorder = _Recorder()
    with _providers(recorder) as providers:
        response = asyncio.run(providers.post("oa", "chat", {"model": "up"}))
    assert response.body == {"ok": True}
    path, headers, body = recorder.seen[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer sk-up"
    assert headers["Accept-Encoding"] == "identity"
    assert json.loads(body) == {"model": "up"}


def test_anthropic_provider_gets_x_api_key_and_version() -> None:
    recorder = _Recorder(body={"type": "message"})
    with _providers(recorder) as providers:
        asyncio.run(providers.post("an", "chat", {}))
    path, headers, _ = recorder.seen[0]
    assert path == "/v1/messages"
    assert headers["x-api-key"] == "ak-up"
    assert headers["anthropic-version"]
    assert "Authorization" not in headers


def test_one_providers_object_serves_several_event_loops() -> None:
    recorder = _Recorder()
    with _providers(recorder) as providers:
        for _ in range(2):  # each asyncio.run is a new loop: the session must follow it
            assert asyncio.run(providers.post("oa", "chat", {})).body == {"ok": True}
    assert len(recorder.seen) == 2


@pytest.mark.parametrize(
    ("upstream_status", "client_status"),
    [(400, 400), (401, 502), (403, 502), (404, 404), (429, 429), (500, 502), (503, 503)],
)
def test_http_errors_keep_a_meaningful_status(upstream_status: int, client_status: int) -> None:
    recorder = _Recorder(upstream_status, {"error": {"message": "upstream says no"}})
    with _providers(recorder) as providers, pytest.raises(UpstreamError) as info:
        asyncio.run(providers.post("oa", "chat", {}))
    assert info.value.status == client_status
    if upstream_status not in (401, 403):
        assert "upstream says no" in info.value.message


def test_refused_connection_is_translated() -> None:
    providers = Providers(parse_config(_config(f"http://127.0.0.1:{free_port()}")))
    with pytest.raises(UpstreamError, match="unreachable") as info:
        asyncio.run(providers.post("oa", "chat", {}))
    assert info.value.status == 502


def test_slow_upstream_is_a_timeout() -> None:
    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(2)
        return web.json_response({})

    with _providers(slow) as providers, pytest.raises(UpstreamTimeout) as info:
        asyncio.run(providers.post("oa", "chat", {}))
    assert info.value.status == 504


def test_non_json_answer_is_an_upstream_error() -> None:
    async def html(request: web.Request) -> web.StreamResponse:
        return web.Response(text="<html>")

    with _providers(html) as providers, pytest.raises(UpstreamError, match="not JSON"):
        asyncio.run(providers.post("oa", "chat", {}))


async def _drain(providers: Providers) -> bytes:
    async with providers.stream("oa", "chat", {}) as chunks:
        return b"".join([c async for c in chunks])


def test_stream_http_error_raises_before_any_chunk() -> None:
    recorder = _Recorder(500, {"error": {"message": "boom"}})
    with _providers(recorder) as providers, pytest.raises(UpstreamError, match="boom"):
        asyncio.run(_drain(providers))


async def _sse(request: web.Request, parts: list[bytes], pause: float = 0) -> web.StreamResponse:
    response = web.StreamResponse(headers={"content-type": "text/event-stream"})
    await response.prepare(request)
    for part in parts:
        await response.write(part)
        await asyncio.sleep(pause)
    return response


def test_stream_yields_chunks() -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        return await _sse(request, [b"data: 1\n\n", b"data: 2\n\n"], 0.01)

    with _providers(handler) as providers:
        assert asyncio.run(_drain(providers)) == b"data: 1\n\ndata: 2\n\n"


def test_stream_that_stalls_is_a_timeout() -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        return await _sse(request, [b"data: 1\n\n"], 2)

    with _providers(handler) as providers, pytest.raises(UpstreamTimeout):
        asyncio.run(_drain(providers))


def test_stream_cut_mid_body_is_an_upstream_error() -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b"data: 1\n\n")
        assert request.transport is not None
        request.transport.close()  # the chunked body never gets its last chunk
        return response

    with _providers(handler) as providers, pytest.raises(UpstreamError) as info:
        asyncio.run(_drain(providers))
    assert info.value.status == 502


def test_embeddings_on_an_anthropic_provider_is_refused() -> None:
    with (
        _providers(_Recorder()) as providers,
        pytest.raises(UpstreamError, match="no embeddings endpoint"),
    ):
        asyncio.run(providers.post("an", "embeddings", {}))
