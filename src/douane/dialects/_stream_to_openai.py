"""Anthropic stream events -> OpenAI chat.completion.chunk events."""

from __future__ import annotations

import time
from typing import Any

from douane.dialects._json import JSON
from douane.dialects._stream_common import DONE, Usage, event, load_event
from douane.dialects.response import OPENAI_FINISH
from douane.dialects.sse import SSEEvent
from douane.errors import UpstreamError

__all__ = ["AnthropicToOpenAI"]

_IGNORED_BLOCKS = frozenset({"thinking", "redacted_thinking"})
_IGNORED_DELTAS = frozenset({"thinking_delta", "signature_delta", "citations_delta"})


class AnthropicToOpenAI:
    """Translates one Anthropic message stream into OpenAI chunks, ending with `[DONE]`."""

    def __init__(self, client_model: str, usage: Usage, include_usage: bool) -> None:
        self.model = client_model
        self.usage = usage
        self.include_usage = include_usage
        self.finished = False
        self._id = "chatcmpl-douane"
        self._created = int(time.time())
        self._tools: dict[int, int] = {}  # content block index -> OpenAI tool_calls index

    def _chunk(self, delta: JSON, finish: str | None = None) -> SSEEvent:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        chunk: JSON = {
            "id": self._id,
            "object": "chat.completion.chunk",
            "created": self._created,
            "model": self.model,
            "choices": [choice],
        }
        if finish is not None and not self.include_usage:
            chunk["usage"] = self._usage()
        return event(None, chunk)

    def _usage(self) -> JSON:
        tin, tout = self.usage.pair
        return {
            "prompt_tokens": tin or 0,
            "completion_tokens": tout or 0,
            "total_tokens": (tin or 0) + (tout or 0),
        }

    def feed(self, ev: SSEEvent) -> list[SSEEvent]:
        obj = load_event(ev, anthropic=True)
        kind = obj.get("type")
        if kind == "message_start":
            message = obj.get("message") or {}
            self._id = f"chatcmpl-{message.get('id', 'douane')}"
            self.usage.update_anthropic(message.get("usage"))
            return [self._chunk({"role": "assistant", "content": ""})]
        if kind == "content_block_start":
            return self._block_start(obj)
        if kind == "content_block_delta":
            return self._delta(obj)
        if kind == "message_delta":
            self.usage.update_anthropic(obj.get("usage"))
            stop = (obj.get("delta") or {}).get("stop_reason") or "end_turn"
            return [self._chunk({}, OPENAI_FINISH.get(stop, "stop"))]
        if kind == "message_stop":
            self.finished = True
            out = []
            if self.include_usage:
                chunk = {
                    "id": self._id,
                    "object": "chat.completion.chunk",
                    "created": self._created,
                    "model": self.model,
                    "choices": [],
                    "usage": self._usage(),
                }
                out.append(event(None, chunk))
            return [*out, SSEEvent(None, DONE)]
        if kind in ("ping", "content_block_stop"):
            return []
        raise UpstreamError(f"malformed upstream stream: unexpected event '{kind}'")

    def _block_start(self, obj: JSON) -> list[SSEEvent]:
        block: Any = obj.get("content_block")
        index = obj.get("index")
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            text = block.get("text") or ""
            return [self._chunk({"content": text})] if text else []
        if kind == "tool_use" and isinstance(index, int):
            position = self._tools[index] = len(self._tools)
            call = {
                "index": position,
                "id": block.get("id"),
                "type": "function",
                "function": {"name": block.get("name"), "arguments": ""},
            }
            return [self._chunk({"tool_calls": [call]})]
        if kind in _IGNORED_BLOCKS:
            return []
        raise UpstreamError(f"malformed upstream stream: unexpected content block '{kind}'")

    def _delta(self, obj: JSON) -> list[SSEEvent]:
        delta: Any = obj.get("delta")
        kind = delta.get("type") if isinstance(delta, dict) else None
        if kind == "text_delta" and isinstance(delta.get("text"), str):
            return [self._chunk({"content": delta["text"]})]
        if kind == "input_json_delta" and obj.get("index") in self._tools:
            position = self._tools[obj["index"]]
            call = {"index": position, "function": {"arguments": delta.get("partial_json", "")}}
            return [self._chunk({"tool_calls": [call]})]
        if kind in _IGNORED_DELTAS:
            return []
        raise UpstreamError(f"malformed upstream stream: unexpected delta '{kind}'")

    def flush(self) -> list[SSEEvent]:
        return []
