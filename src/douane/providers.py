"""Upstream registry and HTTP forwarding: one pooled client per provider, errors translated."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx

from douane.config import Config, ProviderSpec
from douane.dialects import upstream_error_message
from douane.errors import UpstreamError, UpstreamTimeout

__all__ = ["Providers", "UpstreamResponse", "upstream_path"]

_ANTHROPIC_VERSION = "2023-06-01"
_PATHS = {
    ("openai", "chat"): "/chat/completions",
    ("openai", "embeddings"): "/embeddings",
    ("anthropic", "chat"): "/v1/messages",
}
# Upstream statuses passed on as they are; others become 502 (the client cannot fix them).
_MIRRORED_STATUSES = {400, 404, 408, 413, 422, 429, 503}


def upstream_path(kind: str, endpoint: str) -> str:
    """The URL path below the provider's base_url for an endpoint of its wire protocol."""
    try:
        return _PATHS[(kind, endpoint)]
    except KeyError:
        raise UpstreamError(f"a {kind} provider has no {endpoint} endpoint", status=400) from None


class UpstreamResponse:
    """A parsed non-streaming upstream answer."""

    __slots__ = ("body", "size", "status")

    def __init__(self, status: int, body: dict[str, Any], size: int) -> None:
        self.status, self.body, self.size = status, body, size


def _headers(spec: ProviderSpec) -> dict[str, str]:
    headers = {"content-type": "application/json", "accept-encoding": "identity"}
    if spec.kind == "anthropic":
        headers["anthropic-version"] = _ANTHROPIC_VERSION
        if spec.api_key:
            headers["x-api-key"] = spec.api_key
    elif spec.api_key:
        headers["authorization"] = f"Bearer {spec.api_key}"
    headers.update(spec.headers)
    return headers


def _client(spec: ProviderSpec, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=spec.base_url.rstrip("/"),
        headers=_headers(spec),
        timeout=httpx.Timeout(spec.timeout, connect=spec.connect_timeout),
        limits=httpx.Limits(
            max_connections=spec.max_connections, max_keepalive_connections=spec.max_connections
        ),
        transport=transport,
        trust_env=False,
    )


def _status_error(spec: ProviderSpec, status: int, body: bytes) -> UpstreamError:
    detail = upstream_error_message(spec.kind, status, body)
    message = f"provider {spec.name!r} answered HTTP {status}: {detail}"
    if status in (401, 403):
        message = f"provider {spec.name!r} rejected Douane's credentials (HTTP {status})"
    return UpstreamError(message, status=status if status in _MIRRORED_STATUSES else 502)


def _translate(spec: ProviderSpec, exc: httpx.HTTPError) -> UpstreamError:
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamTimeout(f"provider {spec.name!r} did not answer in time")
    if isinstance(exc, httpx.ConnectError):
        return UpstreamError(f"provider {spec.name!r} is unreachable (connection failed)")
    return UpstreamError(f"provider {spec.name!r} connection failed: {type(exc).__name__}")


class Providers:
    """Pooled HTTP clients for every provider; opened once at start-up, closed at shutdown."""

    def __init__(self, config: Config, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._specs = {p.name: p for p in config.providers}
        self._clients = {name: _client(spec, transport) for name, spec in self._specs.items()}

    def spec(self, name: str) -> ProviderSpec:
        return self._specs[name]

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()

    async def post(self, provider: str, endpoint: str, body: Mapping[str, Any]) -> UpstreamResponse:
        """POST a JSON body and parse the JSON answer.

        Raises UpstreamError (or UpstreamTimeout) on network failure, HTTP error or a non-JSON body.
        """
        spec = self._specs[provider]
        try:
            response = await self._clients[provider].post(
                upstream_path(spec.kind, endpoint), content=json.dumps(body).encode()
            )
        except httpx.HTTPError as exc:
            raise _translate(spec, exc) from exc
        if response.status_code >= 400:
            raise _status_error(spec, response.status_code, response.content)
        try:
            data = response.json()
        except ValueError as exc:
            raise UpstreamError(f"provider {spec.name!r} sent a body that is not JSON") from exc
        if not isinstance(data, dict):
            raise UpstreamError(f"provider {spec.name!r} sent JSON that is not an object")
        return UpstreamResponse(response.status_code, data, len(response.content))

    @asynccontextmanager
    async def stream(
        self, provider: str, endpoint: str, body: Mapping[str, Any]
    ) -> AsyncIterator[AsyncIterator[bytes]]:
        """Open a streaming POST; yields the raw body chunks as they arrive.

        Raises UpstreamError before the first chunk for HTTP errors, and while iterating if the
        connection breaks or stalls longer than the provider's timeout.
        """
        spec = self._specs[provider]
        client = self._clients[provider]
        request = client.build_request(
            "POST", upstream_path(spec.kind, endpoint), content=json.dumps(body).encode()
        )
        try:
            response = await client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise _translate(spec, exc) from exc
        try:
            if response.status_code >= 400:
                raise _status_error(spec, response.status_code, await _read(spec, response))

            async def chunks() -> AsyncIterator[bytes]:
                try:
                    async for chunk in response.aiter_raw():
                        yield chunk
                except httpx.HTTPError as exc:
                    raise _translate(spec, exc) from exc

            yield chunks()
        finally:
            await response.aclose()


async def _read(spec: ProviderSpec, response: httpx.Response) -> bytes:
    try:
        return await response.aread()
    except httpx.HTTPError as exc:
        raise _translate(spec, exc) from exc
