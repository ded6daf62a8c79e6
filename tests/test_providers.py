"""Forwarding: provider credentials, paths, and upstream failures translated to Douane errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from douane.config import parse_config
from douane.errors import UpstreamError, UpstreamTimeout
from douane.providers import Providers

CONFIG = parse_config(
    """
secret_key: test
providers:
  - {name: oa, kind: openai, base_url: "http://oa.test/v1", api_key: sk-up, jurisdiction: US}
  - {name: an, kind: anthropic, base_url: "http://an.test", api_key: ak-up, jurisdiction: US}
models:
  - {name: m, provider: oa, model: up}
"""
)


def _providers(handler: Callable[[httpx.Request], httpx.Response]) -> Providers:
    return Providers(CONFIG, transport=httpx.MockTransport(handler))


def test_openai_provider_gets_bearer_key_and_path() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    response = asyncio.run(_providers(handler).post("oa", "chat", {"model": "up"}))
    assert response.body == {"ok": True}
    assert str(seen[0].url) == "http://oa.test/v1/chat/completions"
    assert seen[0].headers["authorization"] == "Bearer sk-up"
    assert json.loads(seen[0].content) == {"model": "up"}


def test_anthropic_provider_gets_x_api_key_and_version() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"type": "message"})

    asyncio.run(_providers(handler).post("an", "chat", {}))
    assert str(seen[0].url) == "http://an.test/v1/messages"
    assert seen[0].headers["x-api-key"] == "ak-up"
    assert seen[0].headers["anthropic-version"]
    assert "authorization" not in seen[0].headers


@pytest.mark.parametrize(
    ("upstream_status", "client_status"),
    [(400, 400), (401, 502), (403, 502), (404, 404), (429, 429), (500, 502), (503, 503)],
)
def test_http_errors_keep_a_meaningful_status(upstream_status: int, client_status: int) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(upstream_status, json={"error": {"message": "upstream says no"}})

    with pytest.raises(UpstreamError) as info:
        asyncio.run(_providers(handler).post("oa", "chat", {}))
    assert info.value.status == client_status
    if upstream_status not in (401, 403):
        assert "upstream says no" in info.value.message


def test_connection_failure_and_timeout_are_translated() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(UpstreamError, match="unreachable") as info:
        asyncio.run(_providers(refused).post("oa", "chat", {}))
    assert info.value.status == 502
    with pytest.raises(UpstreamTimeout) as timeout:
        asyncio.run(_providers(slow).post("oa", "chat", {}))
    assert timeout.value.status == 504


def test_non_json_answer_is_an_upstream_error() -> None:
    with pytest.raises(UpstreamError, match="not JSON"):
        asyncio.run(_providers(lambda r: httpx.Response(200, text="<html>")).post("oa", "chat", {}))


def test_stream_http_error_raises_before_any_chunk() -> None:
    async def run() -> None:
        providers = _providers(lambda r: httpx.Response(500, json={"error": {"message": "boom"}}))
        async with providers.stream("oa", "chat", {}) as chunks:
            async for _ in chunks:
                pass

    with pytest.raises(UpstreamError, match="boom"):
        asyncio.run(run())


def test_stream_yields_chunks() -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b"data: 1\n\n"
        yield b"data: 2\n\n"

    async def run() -> bytes:
        providers = _providers(lambda r: httpx.Response(200, content=body()))
        async with providers.stream("oa", "chat", {}) as chunks:
            return b"".join([c async for c in chunks])

    assert asyncio.run(run()) == b"data: 1\n\ndata: 2\n\n"


def test_embeddings_on_an_anthropic_provider_is_refused() -> None:
    with pytest.raises(UpstreamError, match="no embeddings endpoint"):
        asyncio.run(_providers(lambda r: httpx.Response(200, json={})).post("an", "embeddings", {}))
