"""The response of a streamed answer: SSE bytes sent from the request's own task.

Starlette's StreamingResponse runs the stream in an anyio task group when the server speaks ASGI
2.3, as uvicorn does; setting that up costs ~0.2 ms before the first byte (bench/gateway.py).
Here a small watcher task waits for the client to hang up and cancels the stream, so an abandoned
answer stops pulling from the provider and the ledger closes it as `client_disconnected`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

__all__ = ["EventStreamResponse"]


class EventStreamResponse(Response):
    """`text/event-stream` from an async iterator of bytes; `on_close` runs after the stream."""

    media_type = "text/event-stream"

    def __init__(
        self,
        body: AsyncIterator[bytes],
        headers: Mapping[str, str],
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.body_iterator = body
        self.status_code = 200
        self.background = None
        self._on_close = on_close
        self.init_headers(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        task = asyncio.current_task()
        assert task is not None  # an ASGI app always runs in a task
        hung_up = False

        async def watch() -> None:
            nonlocal hung_up
            while (await receive())["type"] != "http.disconnect":
                pass
            hung_up = True
            task.cancel()

        watcher = asyncio.create_task(watch())
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async for chunk in self.body_iterator:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except asyncio.CancelledError:
            if not hung_up:
                raise  # the server is cancelling us: not ours to swallow
            task.uncancel()
        finally:
            watcher.cancel()
        if self._on_close is not None:
            self._on_close()
