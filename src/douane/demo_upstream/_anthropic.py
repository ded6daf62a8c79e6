"""The demo upstream's Anthropic answers: messages and the full stream event sequence."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from douane.demo_upstream._answer import AN_STOP, Answer, fault_stop, sse, usage

__all__ = ["anthropic_message", "anthropic_stream"]


def anthropic_message(ans: Answer, body: dict[str, Any]) -> dict[str, Any]:
    """A complete Anthropic message object."""
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
        "stop_reason": AN_STOP[ans.finish],
        "stop_sequence": None,
        "usage": {
            "input_tokens": ans.tokens_in,
            "output_tokens": usage(ans)["completion_tokens"],
        },
    }


async def anthropic_stream(
    ans: Answer, body: dict[str, Any], pieces: list[str], fault: str
) -> AsyncIterator[bytes]:
    """message_start, content_block_start, ping, deltas, block stop, message_delta, message_stop."""

    def ev(obj: dict[str, Any]) -> bytes:
        return sse(obj, obj["type"])

    message = {**anthropic_message(ans, body), "content": [], "stop_reason": None}
    message["usage"] = {"input_tokens": ans.tokens_in, "output_tokens": 1}
    yield ev({"type": "message_start", "message": message})
    if ans.tool is None:
        block: dict[str, Any] = {"type": "text", "text": ""}
    else:
        block = {"type": "tool_use", "id": "toolu_demo_0", "name": ans.tool, "input": {}}
    yield ev({"type": "content_block_start", "index": 0, "content_block": block})
    yield ev({"type": "ping"})
    for k, piece in enumerate(pieces):
        if await fault_stop(fault, k, len(pieces)):
            if fault == "bad-sse":
                yield b"event: content_block_delta\ndata: {not json\n\n"
            return
        if ans.tool is None:
            delta = {"type": "text_delta", "text": piece}
        else:
            delta = {"type": "input_json_delta", "partial_json": piece}
        yield ev({"type": "content_block_delta", "index": 0, "delta": delta})
    yield ev({"type": "content_block_stop", "index": 0})
    final_usage = {"output_tokens": usage(ans)["completion_tokens"]}
    yield ev(
        {
            "type": "message_delta",
            "delta": {"stop_reason": AN_STOP[ans.finish], "stop_sequence": None},
            "usage": final_usage,
        }
    )
    yield ev({"type": "message_stop"})
