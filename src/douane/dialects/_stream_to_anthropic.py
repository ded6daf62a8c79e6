"""OpenAI chat.completion.chunk events -> the Anthropic message event sequence."""

from __future__ import annotations

from typing import Any

from douane.dialects._json import JSON
from douane.dialects._stream_common import DONE, Usage, event, load_event
from douane.dialects.response import ANTHROPIC_STOP
from douane.dialects.sse import SSEEvent
from douane.errors import UpstreamError

__all__ = ["OpenAIToAnthropic"]


def _event(obj: JSON) -> SSEEvent:
    return event(obj["type"], obj)


class OpenAIToAnthropic:
    """Translates one OpenAI chunk stream into message_start ... message_stop."""

    def __init__(self, client_model: str, usage: Usage) -> None:
        self.model = client_model
        self.usage = usage
        self.finished = False
        self._started = False
        self._block = -1  # index of the open content block, -1 if none
        self._open: str | None = None  # "text" or "tool"
        self._tools: dict[int, int] = {}  # OpenAI tool_calls index -> content block index
        self._finish: str | None = None

    def _start(self, chunk_id: str) -> list[SSEEvent]:
        self._started = True
        message: JSON = {
            "id": f"msg_{chunk_id}",
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 0, "output_tokens": 0},
        }
        return [_event({"type": "message_start", "message": message}), _event({"type": "ping"})]

    def _close(self) -> list[SSEEvent]:
        if self._open is None:
            return []
        self._open = None
        return [_event({"type": "content_block_stop", "index": self._block})]

    def _open_block(self, kind: str, block: JSON) -> list[SSEEvent]:
        out = self._close()
        self._block += 1
        self._open = kind
        out.append(
            _event({"type": "content_block_start", "index": self._block, "content_block": block})
        )
        return out

    def _text(self, text: str) -> list[SSEEvent]:
        out = [] if self._open == "text" else self._open_block("text", {"type": "text", "text": ""})
        delta = {"type": "text_delta", "text": text}
        out.append(_event({"type": "content_block_delta", "index": self._block, "delta": delta}))
        return out

    def _tool(self, call: Any) -> list[SSEEvent]:
        if not isinstance(call, dict):
            raise UpstreamError("malformed upstream stream: tool call is not an object")
        position = call.get("index", 0)
        func = call.get("function") or {}
        out: list[SSEEvent] = []
        if position not in self._tools:
            block: JSON = {
                "type": "tool_use",
                "id": call.get("id") or f"toolu_{position}",
                "name": func.get("name"),
                "input": {},
            }
            out = self._open_block("tool", block)
            self._tools[position] = self._block
        elif self._tools[position] != self._block or self._open != "tool":
            raise UpstreamError("malformed upstream stream: interleaved tool call arguments")
        args = func.get("arguments")
        if isinstance(args, str) and args:
            delta = {"type": "input_json_delta", "partial_json": args}
            out.append(
                _event({"type": "content_block_delta", "index": self._block, "delta": delta})
            )
        return out

    def feed(self, ev: SSEEvent) -> list[SSEEvent]:
        if ev.data.strip() == DONE:
            return self._end()
        obj = load_event(ev, anthropic=False)
        choices = obj.get("choices")
        if not isinstance(choices, list):
            raise UpstreamError("malformed upstream stream: chunk without choices")
        out = [] if self._started else self._start(str(obj.get("id", "")))
        self.usage.update_openai(obj.get("usage"))
        for choice in choices:
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                raise UpstreamError("malformed upstream stream: more than one choice")
            delta = choice.get("delta") or {}
            for key in ("content", "refusal"):
                if isinstance(delta.get(key), str) and delta[key]:
                    out += self._text(delta[key])
            for call in delta.get("tool_calls") or []:
                out += self._tool(call)
            if choice.get("finish_reason"):
                out += self._close()
                self._finish = choice["finish_reason"]
        return out

    def _end(self) -> list[SSEEvent]:
        if self.finished:
            return []
        out = [] if self._started else self._start("douane")
        out += self._close()
        stop = ANTHROPIC_STOP.get(self._finish or "stop", "end_turn")
        tin, tout = self.usage.pair
        usage: JSON = {"output_tokens": tout or 0}
        if tin is not None:
            usage["input_tokens"] = tin
        delta = {"stop_reason": stop, "stop_sequence": None}
        out.append(_event({"type": "message_delta", "delta": delta, "usage": usage}))
        out.append(_event({"type": "message_stop"}))
        self.finished = True
        return out

    def flush(self) -> list[SSEEvent]:
        """Upstreams that omit `[DONE]` after a finish_reason still end the message properly."""
        return self._end() if self._finish is not None and not self.finished else []
