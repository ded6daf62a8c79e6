"""Sample upstream streams and SDK-based accumulators shared by the stream tests."""

from __future__ import annotations

import json
from typing import Any

from anthropic.lib.streaming._messages import accumulate_event
from anthropic.types import Message, RawMessageStreamEvent
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from pydantic import TypeAdapter

from douane.dialects import SSEEvent

_RAW_EVENT: TypeAdapter[Any] = TypeAdapter(RawMessageStreamEvent)


def openai_stream(
    pieces: list[str], *, tool_args: list[str] | None = None, usage: bool = True
) -> list[SSEEvent]:
    """An OpenAI chunk stream: role chunk, text pieces, optional tool call, finish, usage, DONE."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> SSEEvent:
        body = {
            "id": "cc1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "up-m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return SSEEvent(None, json.dumps(body))

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": p}) for p in pieces]
    if tool_args is not None:
        first = {
            "index": 0,
            "id": "call_1",
            "type": "function",
            "function": {"name": "lookup", "arguments": ""},
        }
        events.append(chunk({"tool_calls": [first]}))
        for part in tool_args:
            events.append(chunk({"tool_calls": [{"index": 0, "function": {"arguments": part}}]}))
    events.append(chunk({}, "tool_calls" if tool_args is not None else "stop"))
    if usage:
        tail = {
            "id": "cc1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "up-m",
            "choices": [],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
        }
        events.append(SSEEvent(None, json.dumps(tail)))
    return [*events, SSEEvent(None, "[DONE]")]


def anthropic_stream(pieces: list[str], *, tool_args: list[str] | None = None) -> list[SSEEvent]:
    """A complete Anthropic message stream with a text block and an optional tool_use block."""

    def ev(obj: dict[str, Any]) -> SSEEvent:
        return SSEEvent(obj["type"], json.dumps(obj))

    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "up-m",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 11, "output_tokens": 1},
    }
    events = [ev({"type": "message_start", "message": message}), ev({"type": "ping"})]
    events.append(
        ev(
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            }
        )
    )
    for p in pieces:
        delta = {"type": "text_delta", "text": p}
        events.append(ev({"type": "content_block_delta", "index": 0, "delta": delta}))
    events.append(ev({"type": "content_block_stop", "index": 0}))
    if tool_args is not None:
        block = {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {}}
        events.append(ev({"type": "content_block_start", "index": 1, "content_block": block}))
        for part in tool_args:
            delta = {"type": "input_json_delta", "partial_json": part}
            events.append(ev({"type": "content_block_delta", "index": 1, "delta": delta}))
        events.append(ev({"type": "content_block_stop", "index": 1}))
    stop = "tool_use" if tool_args is not None else "end_turn"
    events.append(
        ev(
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop, "stop_sequence": None},
                "usage": {"output_tokens": 7},
            }
        )
    )
    return [*events, ev({"type": "message_stop"})]


def accumulate_openai(events: list[SSEEvent]) -> tuple[ChatCompletion, list[ChatCompletionChunk]]:
    """Accumulate client events with the OpenAI SDK's own stream state (validates every chunk)."""
    state: ChatCompletionStreamState[Any] = ChatCompletionStreamState()
    chunks = []
    assert events[-1].data == "[DONE]"
    for event in events[:-1]:
        chunk = ChatCompletionChunk.model_validate(json.loads(event.data))
        chunks.append(chunk)
        list(state.handle_chunk(chunk))
    return state.get_final_completion(), chunks


def accumulate_anthropic(events: list[SSEEvent]) -> Message:
    """Accumulate client events with the Anthropic SDK's accumulator (validates every event)."""
    snapshot = None
    bufs: dict[int, bytes] = {}
    for event in events:
        data = json.loads(event.data)
        assert event.event == data["type"]
        if data["type"] == "ping":
            continue
        parsed = _RAW_EVENT.validate_python(data)
        snapshot = accumulate_event(event=parsed, current_snapshot=snapshot, json_bufs=bufs)
    assert snapshot is not None
    return snapshot
