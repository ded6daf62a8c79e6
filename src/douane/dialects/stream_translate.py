"""Translate upstream stream events into the client's dialect, tracking usage and completion."""

from __future__ import annotations

from typing import Protocol

from douane.dialects._stream_common import DONE, Usage, event, load_event
from douane.dialects._stream_to_anthropic import OpenAIToAnthropic
from douane.dialects._stream_to_openai import AnthropicToOpenAI
from douane.dialects.conversation import Dialect
from douane.dialects.sse import SSEEvent
from douane.errors import UpstreamError

__all__ = ["StreamTranslator"]


class _Stage(Protocol):
    finished: bool

    def feed(self, ev: SSEEvent) -> list[SSEEvent]: ...

    def flush(self) -> list[SSEEvent]: ...


class _OpenAISame:
    """OpenAI -> OpenAI: rename the model; drop the usage-only chunk Douane asked for itself."""

    def __init__(self, client_model: str, usage: Usage, include_usage: bool) -> None:
        self.model = client_model
        self.usage = usage
        self.include_usage = include_usage
        self.finished = False

    def feed(self, ev: SSEEvent) -> list[SSEEvent]:
        if ev.data.strip() == DONE:
            self.finished = True
            return [SSEEvent(None, DONE)]
        obj = load_event(ev, anthropic=False)
        choices = obj.get("choices")
        if not isinstance(choices, list):
            raise UpstreamError("malformed upstream stream: chunk without choices")
        self.usage.update_openai(obj.get("usage"))
        if not choices and obj.get("usage") is not None and not self.include_usage:
            return []
        if "model" in obj:
            obj["model"] = self.model
        return [event(ev.event, obj)]

    def flush(self) -> list[SSEEvent]:
        return []


class _AnthropicSame:
    """Anthropic -> Anthropic: rename the model in message_start; pass everything else."""

    def __init__(self, client_model: str, usage: Usage) -> None:
        self.model = client_model
        self.usage = usage
        self.finished = False

    def feed(self, ev: SSEEvent) -> list[SSEEvent]:
        obj = load_event(ev, anthropic=True)
        kind = obj.get("type")
        if not isinstance(kind, str):
            raise UpstreamError("malformed upstream stream: event without a type")
        if kind == "message_start" and isinstance(obj.get("message"), dict):
            message = obj["message"]
            self.usage.update_anthropic(message.get("usage"))
            obj["message"] = {**message, "model": self.model}
            return [event(ev.event or kind, obj)]
        if kind == "message_delta":
            self.usage.update_anthropic(obj.get("usage"))
        elif kind == "message_stop":
            self.finished = True
        return [SSEEvent(ev.event, ev.data, obj)]

    def flush(self) -> list[SSEEvent]:
        return []


class StreamTranslator:
    """Feed upstream SSE events (`source` dialect), get client events (`target` dialect).

    `include_usage` says whether an OpenAI client asked for the usage-only final chunk: pass
    `Conversation.include_usage`. When False (the default, since client code that reads
    `chunk.choices[0]` breaks on that chunk) the chunk render_request asked for is dropped, and
    for an Anthropic upstream the usage rides on the finish chunk instead. `usage` is known
    either way. `finished` turns True only when the upstream ended the
    message properly, so a stream cut mid-way is detectable. `feed` raises UpstreamError on
    malformed events and on error events sent by the upstream.
    """

    def __init__(
        self, source: Dialect, target: Dialect, client_model: str, *, include_usage: bool = False
    ) -> None:
        self._usage = Usage()
        self._stage: _Stage
        if source == target == "openai":
            self._stage = _OpenAISame(client_model, self._usage, include_usage)
        elif source == target:
            self._stage = _AnthropicSame(client_model, self._usage)
        elif source == "openai":
            self._stage = OpenAIToAnthropic(client_model, self._usage)
        else:
            self._stage = AnthropicToOpenAI(client_model, self._usage, include_usage)

    @property
    def finished(self) -> bool:
        return self._stage.finished

    @property
    def usage(self) -> tuple[int | None, int | None]:
        """(tokens in, tokens out) reported by the upstream so far."""
        return self._usage.pair

    def feed(self, ev: SSEEvent) -> list[SSEEvent]:
        if self._stage.finished:
            return []  # anything after the end (e.g. a trailing [DONE]) is not the client's
        return self._stage.feed(ev)

    def flush(self) -> list[SSEEvent]:
        return self._stage.flush()
