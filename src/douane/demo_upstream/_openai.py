"""The demo upstream's OpenAI answers: completions, chunk streams and embeddings."""

from __future__ import annotations

import base64
import hashlib
import struct
import time
from collections.abc import AsyncIterator
from typing import Any

from douane.demo_upstream._answer import OA_FINISH, Answer, fault_stop, sse, usage

__all__ = ["embedding", "openai_completion", "openai_stream"]


def _oa_message(ans: Answer) -> dict[str, Any]:
    if ans.tool is None:
        return {"role": "assistant", "content": ans.text, "refusal": None}
    call = {
        "id": "call_demo_0",
        "type": "function",
        "function": {"name": ans.tool, "arguments": ans.arguments},
    }
    return {"role": "assistant", "content": None, "refusal": None, "tool_calls": [call]}


async def openai_stream(
    ans: Answer, body: dict[str, Any], pieces: list[str], fault: str
) -> AsyncIterator[bytes]:
    """Chunks for every choice, piece by piece; `fault` may cut, corrupt or stall the stream."""
    n = body.get("n") or 1
    base = {
        "id": "chatcmpl-demo",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model"),
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choices = [
            {"index": i, "delta": delta, "logprobs": None, "finish_reason": finish}
            for i in range(n)
        ]
        return sse({**base, "choices": choices})

    yield chunk({"role": "assistant", "content": "" if ans.tool is None else None})
    if ans.tool is not None:
        call = {
            "index": 0,
            "id": "call_demo_0",
            "type": "function",
            "function": {"name": ans.tool, "arguments": ""},
        }
        yield chunk({"tool_calls": [call]})
    for k, piece in enumerate(pieces):
        if await fault_stop(fault, k, len(pieces)):
            if fault == "bad-sse":
                yield b"data: {not json\n\n"
            return
        if ans.tool is None:
            yield chunk({"content": piece})
        else:
            yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
    yield chunk({}, OA_FINISH[ans.finish])
    if (body.get("stream_options") or {}).get("include_usage"):
        yield sse({**base, "choices": [], "usage": usage(ans)})
    yield sse("[DONE]")


def openai_completion(ans: Answer, body: dict[str, Any]) -> dict[str, Any]:
    """A chat.completion object with `n` identical choices."""
    choices = [
        {
            "index": i,
            "message": _oa_message(ans),
            "logprobs": None,
            "finish_reason": OA_FINISH[ans.finish],
        }
        for i in range(body.get("n") or 1)
    ]
    return {
        "id": "chatcmpl-demo",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model"),
        "choices": choices,
        "usage": usage(ans),
    }


def embedding(text: str, dims: int, encoding: str) -> Any:
    """A deterministic unit vector for `text`, as floats or base64 float32."""
    digest = b"".join(
        hashlib.sha256(f"{i}:{text}".encode()).digest() for i in range(dims // 32 + 1)
    )
    values = [b / 255.0 - 0.5 for b in digest[:dims]]
    norm = sum(v * v for v in values) ** 0.5 or 1.0
    values = [v / norm for v in values]
    if encoding == "base64":
        return base64.b64encode(struct.pack(f"<{dims}f", *values)).decode()
    return values
