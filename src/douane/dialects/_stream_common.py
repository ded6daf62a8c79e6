"""Shared pieces of the stream translators: JSON loading, upstream error events, usage."""

from __future__ import annotations

import json
from typing import Any

from douane.dialects._json import JSON
from douane.dialects.sse import SSEEvent
from douane.errors import UpstreamError

__all__ = ["DONE", "Usage", "dump", "event", "load_event", "upstream_failure"]

DONE = "[DONE]"


# What json.dumps(obj, ensure_ascii=False, separators=(",", ":")) builds on every call, built
# once: where the C encoder exists, dump() calls it as JSONEncoder.encode would, minus the Python
# layers. No circular-reference check (markers=None): events come from parsed JSON, never cyclic.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_C_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
_ENCODE: Any = (
    _C_ENCODER(
        None, _COMPACT.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    if _C_ENCODER is not None
    else None
)


def dump(obj: Any) -> str:
    """Compact JSON for an SSE data line (no newlines, so one data line per event)."""
    if _ENCODE is None:
        return _COMPACT.encode(obj)
    return "".join(_ENCODE(obj, 0))


def event(name: str | None, obj: Any) -> SSEEvent:
    """An event whose data is `obj` as compact JSON, carrying `obj` for the next stage."""
    return SSEEvent(name, dump(obj), obj, True)


def _message(error: Any) -> str:
    message = error.get("message") if isinstance(error, dict) else None
    if isinstance(message, str):
        return message
    if isinstance(error, str):
        return error
    return "unspecified error"


def upstream_failure(error: Any) -> UpstreamError:
    """The UpstreamError for an error event the upstream sent mid-stream."""
    return UpstreamError(f"upstream error mid-stream: {_message(error)}"[:600])


def load_event(ev: SSEEvent, *, anthropic: bool) -> JSON:
    """The event's JSON object; raises UpstreamError on bad JSON or an upstream error event."""
    try:
        obj = json.loads(ev.data)
    except ValueError:
        raise UpstreamError("malformed upstream stream: event data is not JSON") from None
    if not isinstance(obj, dict):
        raise UpstreamError("malformed upstream stream: event data is not a JSON object")
    if anthropic and (ev.event == "error" or obj.get("type") == "error"):
        raise upstream_failure(obj.get("error"))
    if not anthropic and obj.get("error") is not None:
        raise upstream_failure(obj["error"])
    return obj


class Usage:
    """Token counts seen so far in a stream (the last report wins)."""

    def __init__(self) -> None:
        self.tokens_in: int | None = None
        self.tokens_out: int | None = None

    @property
    def pair(self) -> tuple[int | None, int | None]:
        return self.tokens_in, self.tokens_out

    def update_openai(self, usage: Any) -> None:
        if isinstance(usage, dict):
            self.tokens_in = _int(usage.get("prompt_tokens"), self.tokens_in)
            self.tokens_out = _int(usage.get("completion_tokens"), self.tokens_out)

    def update_anthropic(self, usage: Any) -> None:
        if not isinstance(usage, dict):
            return
        keys = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
        parts = [usage.get(k) for k in keys]
        if isinstance(parts[0], int):
            self.tokens_in = sum(p for p in parts if isinstance(p, int))
        self.tokens_out = _int(usage.get("output_tokens"), self.tokens_out)


def _int(value: Any, default: int | None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else default
