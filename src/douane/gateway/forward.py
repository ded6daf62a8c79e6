"""Outbound stages: forward to the provider, translate and restore the answer, record the outcome.

Streaming is a chain of incremental stages (SSE decode → dialect translate → restore → SSE encode);
each holds back only what it must, so the first token reaches the client as soon as it is safe.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

from douane.dialects import (
    SSEDecoder,
    StreamTextRewriter,
    StreamTranslator,
    TextKind,
    encode_sse,
    render_response,
    render_stream_error,
    rewrite_response_texts,
    usage_of,
)
from douane.errors import DouaneError, UpstreamError
from douane.gateway.pipeline import Prepared
from douane.gateway.services import Services
from douane.restore import Restorer, restore_text
from douane.types import Outcome

__all__ = ["forward_json", "open_stream"]


def _outcome(
    prepared: Prepared,
    outcome: str,
    status: int,
    *,
    error: DouaneError | None = None,
    bytes_out: int = 0,
    usage: tuple[int | None, int | None] = (None, None),
) -> Outcome:
    return Outcome(
        request_id=prepared.request_id,
        outcome=outcome,
        status=status,
        error_code=error.code if error else None,
        bytes_out=bytes_out,
        tokens_in=usage[0],
        tokens_out=usage[1],
        latency_ms=(time.perf_counter() - prepared.started) * 1000,
    )


def _count_upstream_error(services: Services, prepared: Prepared, exc: DouaneError) -> None:
    if isinstance(exc, UpstreamError):
        services.metrics.upstream_errors.labels(prepared.provider.name, exc.code).inc()


async def forward_json(services: Services, prepared: Prepared) -> dict[str, Any]:
    """Forward a non-streaming request; returns the client-dialect answer with values restored."""
    services.metrics.routes.labels(
        prepared.provider.name, str(prepared.provider.jurisdiction)
    ).inc()
    try:
        with services.metrics.timed("upstream"):
            upstream = await services.providers.post(
                prepared.provider.name, prepared.endpoint, prepared.upstream_body
            )
        start = time.perf_counter()
        body = render_response(
            upstream.body, prepared.provider.kind, prepared.dialect, prepared.conversation.model
        )
        if prepared.masked_counts:
            mapping = prepared.mapping

            def restore(text: str, kind: TextKind) -> str:
                return restore_text(mapping, text, kind)

            body = rewrite_response_texts(prepared.dialect, body, restore)
        services.metrics.stage_seconds.labels("restore").observe(time.perf_counter() - start)
    except DouaneError as exc:
        _count_upstream_error(services, prepared, exc)
        await services.ledger.finish(_outcome(prepared, "error", exc.status, error=exc))
        raise
    usage = usage_of(prepared.provider.kind, upstream.body)
    with services.metrics.timed("ledger_finish"):
        await services.ledger.finish(
            _outcome(prepared, "ok", 200, bytes_out=upstream.size, usage=usage)
        )
    return body


async def open_stream(services: Services, prepared: Prepared) -> AsyncIterator[bytes]:
    """Open the upstream stream (HTTP errors raise here, before any byte reaches the client) and
    return the iterator of client-dialect SSE bytes. Mid-stream failures become an SSE error event.
    """
    services.metrics.routes.labels(
        prepared.provider.name, str(prepared.provider.jurisdiction)
    ).inc()
    stack = AsyncExitStack()
    try:
        chunks = await stack.enter_async_context(
            services.providers.stream(
                prepared.provider.name, prepared.endpoint, prepared.upstream_body
            )
        )
    except DouaneError as exc:
        await stack.aclose()
        _count_upstream_error(services, prepared, exc)
        await services.ledger.finish(_outcome(prepared, "error", exc.status, error=exc))
        raise
    return _relay(services, prepared, stack, chunks)


async def _relay(
    services: Services, prepared: Prepared, stack: AsyncExitStack, chunks: AsyncIterator[bytes]
) -> AsyncIterator[bytes]:
    decoder = SSEDecoder()
    translator = StreamTranslator(
        prepared.provider.kind,
        prepared.dialect,
        prepared.conversation.model,
        include_usage=prepared.conversation.include_usage,
    )
    mapping = prepared.mapping
    rewriter = (
        StreamTextRewriter(prepared.dialect, lambda kind: Restorer(mapping, kind))
        if prepared.masked_counts
        else None
    )
    bytes_in = 0
    outcome: Outcome | None = None
    try:
        async for chunk in chunks:
            bytes_in += len(chunk)
            # One write per event, as soon as it is ready: a read can carry a whole answer, and
            # batching it would hold the first token back until the last one is translated.
            for event in decoder.feed(chunk):
                for out in translator.feed(event):
                    for final in rewriter.feed(out) if rewriter else (out,):
                        yield encode_sse(final)
        tail = [ev for raw in decoder.flush() for ev in translator.feed(raw)]
        tail += translator.flush()
        for out in tail:
            for final in rewriter.feed(out) if rewriter else (out,):
                yield encode_sse(final)
        if rewriter:
            for final in rewriter.flush():
                yield encode_sse(final)
        if not translator.finished:
            raise UpstreamError(f"provider {prepared.provider.name!r} ended the stream early")
        outcome = _outcome(prepared, "ok", 200, bytes_out=bytes_in, usage=translator.usage)
    except DouaneError as exc:
        _count_upstream_error(services, prepared, exc)
        outcome = _outcome(prepared, "error", exc.status, error=exc, bytes_out=bytes_in)
        yield render_stream_error(prepared.dialect, exc)
    finally:
        await stack.aclose()
        final_outcome = outcome or _outcome(
            prepared, "client_disconnected", 499, bytes_out=bytes_in
        )
        # Shielded: a client that disconnects must not cancel the ledger's closing record.
        await asyncio.shield(services.ledger.finish(final_outcome))
