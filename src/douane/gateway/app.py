"""The ASGI app: routes that compose the pipeline stages; it owns no detection or policy logic."""

from __future__ import annotations

import logging
import secrets
import time
import traceback
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from douane.config import Config
from douane.dialects import Dialect
from douane.errors import DouaneError, NotFound
from douane.gateway.auth import authenticate
from douane.gateway.forward import forward_json, open_stream
from douane.gateway.logs import log_request
from douane.gateway.pipeline import prepare
from douane.gateway.preview import preview
from douane.gateway.respond import douane_headers, error_response
from douane.gateway.services import Services, build_services
from douane.gateway.sse_response import EventStreamResponse

__all__ = ["create_app"]

_LOGGER = logging.getLogger("douane.gateway")
_SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def _proxy(request: Request, dialect: Dialect, endpoint: str) -> Response:
    """Authenticate, run the inbound stages, forward, and answer in the client's dialect."""
    services = _services(request)
    started = time.perf_counter()
    request_id = "req_" + secrets.token_hex(12)
    fields: dict[str, Any] = {"request_id": request_id, "endpoint": endpoint, "dialect": dialect}
    summary = partial(_summarise, services, started, endpoint, fields)
    try:
        key = await authenticate(services, request)
        fields.update(team=key.team, key_id=key.id)
        prepared = await prepare(services, dialect, endpoint, await request.body(), key, request_id)
        headers = douane_headers(prepared)
        fields.update(
            model=prepared.model.name,
            provider=prepared.provider.name,
            decision=headers["x-douane-decision"],
            masked=prepared.masked_counts,
            stream=prepared.conversation.stream,
        )
        if prepared.conversation.stream:
            body = await open_stream(services, prepared)
            # Logged once the stream ends: off the path of the first token, with its real length.
            return EventStreamResponse(
                body, {**headers, **_SSE_HEADERS}, on_close=partial(summary, 200)
            )
        response: Response = JSONResponse(await forward_json(services, prepared), headers=headers)
        summary(200)
    except Exception as exc:  # a bug must still answer in the dialect, without its message
        error = exc if isinstance(exc, DouaneError) else DouaneError(_internal(exc))
        fields["error"] = error.code
        summary(error.status)
        response = error_response(dialect, error, request_id)
    return response


def _internal(exc: Exception) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    _LOGGER.error(  # the type and the place, never the message (it may quote the prompt)
        "unexpected %s at %s:%s",
        type(exc).__name__,
        where.filename if where else "?",
        where.lineno if where else "?",
    )
    return f"internal error ({type(exc).__name__})"


def _summarise(
    services: Services, started: float, endpoint: str, fields: dict[str, Any], status: int
) -> None:
    """Count, time and log one finished request (ids, names and counts only)."""
    services.metrics.requests.labels(endpoint, str(status)).inc()
    services.metrics.request_seconds.labels(endpoint, str(fields.get("stream", False))).observe(
        time.perf_counter() - started
    )
    log_request(started, status=status, **fields)


async def chat_completions(request: Request) -> Response:
    return await _proxy(request, "openai", "chat")


async def messages(request: Request) -> Response:
    return await _proxy(request, "anthropic", "chat")


async def embeddings(request: Request) -> Response:
    return await _proxy(request, "openai", "embeddings")


async def list_models(request: Request) -> Response:
    """The configured model names, in the Anthropic shape if the client speaks Anthropic."""
    services = _services(request)
    anthropic = "anthropic-version" in request.headers
    dialect: Dialect = "anthropic" if anthropic else "openai"
    try:
        await authenticate(services, request)
    except DouaneError as exc:
        return error_response(dialect, exc, "req_models")
    models = services.config.models
    if anthropic:
        data: list[dict[str, Any]] = [
            {
                "type": "model",
                "id": m.name,
                "display_name": m.name,
                "created_at": "2024-01-01T00:00:00Z",
            }
            for m in models
        ]
        return JSONResponse(
            {
                "data": data,
                "has_more": False,
                "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None,
            }
        )
    data = [{"id": m.name, "object": "model", "created": 0, "owned_by": m.provider} for m in models]
    return JSONResponse({"object": "list", "data": data})


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the database (ledger and keys) answers."""
    try:
        await _services(request).ledger.ping()
    except DouaneError as exc:
        return JSONResponse({"status": "unavailable", "reason": exc.code}, status_code=503)
    return JSONResponse({"status": "ready"})


async def metrics(request: Request) -> Response:
    return Response(_services(request).metrics.render(), media_type="text/plain; version=0.0.4")


async def not_found(request: Request, exc: Exception) -> Response:
    dialect: Dialect = "anthropic" if "anthropic-version" in request.headers else "openai"
    return error_response(
        dialect, NotFound(f"no such endpoint: {request.method} {request.url.path}"), "req_none"
    )


def create_app(
    config: Config, services_factory: Callable[[Config], Services] = build_services
) -> Starlette:
    """Build the gateway app; components open in lifespan and close at shutdown."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.services = services_factory(config)
        try:
            yield
        finally:
            await app.state.services.aclose()

    routes = [
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/v1/messages", messages, methods=["POST"]),
        Route("/v1/embeddings", embeddings, methods=["POST"]),
        Route("/v1/models", list_models, methods=["GET"]),
        Route("/douane/v1/preview", preview, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    return Starlette(
        routes=routes, lifespan=lifespan, exception_handlers={404: not_found, 405: not_found}
    )
