"""EventStreamResponse: streams from the request's task, stops when the client hangs up, and
lets a cancellation that is not a hang-up through."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.types import Message

from douane.gateway.sse_response import EventStreamResponse

SCOPE: dict[str, Any] = {"type": "http", "asgi": {"spec_version": "2.3"}}


async def _forever() -> AsyncIterator[bytes]:
    yield b"data: 1\n\n"
    await asyncio.Event().wait()  # an upstream that never ends
    yield b"never"


def test_streams_every_chunk_then_closes() -> None:
    messages: list[Message] = []
    closed: list[bool] = []

    async def body() -> AsyncIterator[bytes]:
        yield b"data: 1\n\n"
        yield b"data: 2\n\n"

    async def receive() -> dict[str, Any]:
        await asyncio.Event().wait()
        return {}

    async def send(message: Message) -> None:
        messages.append(message)

    def on_close() -> None:
        closed.append(True)

    response = EventStreamResponse(body(), {"x-a": "b"}, on_close=on_close)
    asyncio.run(response(SCOPE, receive, send))
    assert messages[0]["status"] == 200
    assert (b"content-type", b"text/event-stream; charset=utf-8") in messages[0]["headers"]
    assert [m.get("body") for m in messages[1:]] == [b"data: 1\n\n", b"data: 2\n\n", b""]
    assert closed == [True]


def test_hang_up_stops_the_stream_quietly() -> None:
    messages: list[Message] = []
    closed: list[bool] = []

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(0.05)
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        messages.append(message)

    def on_close() -> None:
        closed.append(True)

    async def run() -> None:
        response = EventStreamResponse(_forever(), {}, on_close=on_close)
        await asyncio.wait_for(response(SCOPE, receive, send), 5)
        task = asyncio.current_task()
        assert task is not None and task.cancelling() == 0  # the cancel was taken back

    asyncio.run(run())
    assert [m.get("body") for m in messages[1:]] == [b"data: 1\n\n"]
    assert closed == [True]


def test_a_cancellation_that_is_not_a_hang_up_propagates() -> None:
    async def receive() -> dict[str, Any]:
        await asyncio.Event().wait()
        return {}

    async def send(message: Message) -> None:
        pass

    async def run() -> None:
        response = EventStreamResponse(_forever(), {})
        task = asyncio.create_task(response(SCOPE, receive, send))
        await asyncio.sleep(0.05)
        task.cancel()
        await task

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(run())
