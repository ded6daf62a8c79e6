"""Rewrite the generated text of client-dialect stream events through incremental stages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from douane.dialects._json import JSON
from douane.dialects._stream_common import DONE, event
from douane.dialects.conversation import Dialect, TextKind
from douane.dialects.sse import SSEEvent
from douane.errors import UpstreamError

__all__ = ["StreamTextRewriter", "TextStage"]

# OpenAI channel keys: (choice, "content") or (choice, "tool", tool index)
_Key = tuple[Any, ...]


class TextStage(Protocol):
    """An incremental text transformer: may hold text back in `feed`, releases it in `flush`."""

    def feed(self, text: str) -> str: ...

    def flush(self) -> str: ...


def _load(ev: SSEEvent) -> JSON | None:
    if ev.parsed is not None:  # the translator's own object: no need to parse its text again
        return ev.parsed  # type: ignore[no-any-return]
    try:
        obj = json.loads(ev.data)
    except ValueError:
        raise UpstreamError("malformed stream event: data is not JSON") from None
    return obj if isinstance(obj, dict) else None


def _same(ev: SSEEvent, obj: JSON) -> SSEEvent:
    """The event for a chunk the stages left unchanged: encoded as if rewritten, but without
    encoding it again when its data already is the compact encoding."""
    return ev if ev.compact else event(ev.event, obj)


def _of_choice(index: Any) -> Callable[[_Key], bool]:
    return lambda key: key[0] == index


class StreamTextRewriter:
    """Feed CLIENT-dialect events; each text delta passes through the stage of its channel.

    Channels: OpenAI (choice, content) -> "text" and (choice, tool call) arguments -> "json";
    Anthropic content block index: text_delta -> "text", input_json_delta -> "json". Before the
    event that closes a channel, the stage's flush() output is emitted as an extra delta, so
    held-back text is never lost; no other event is delayed.
    """

    def __init__(self, dialect: Dialect, make_stage: Callable[[TextKind], TextStage]) -> None:
        self._dialect = dialect
        self._make = make_stage
        self._stages: dict[_Key, TextStage] = {}
        self._last: JSON = {}  # the last chunk with choices: its other keys make flush chunks

    def _stage(self, key: _Key, kind: TextKind) -> TextStage:
        stage = self._stages.get(key)
        if stage is None:
            stage = self._stages[key] = self._make(kind)
        return stage

    def feed(self, ev: SSEEvent) -> list[SSEEvent]:
        if self._dialect == "openai":
            return self._feed_openai(ev)
        return self._feed_anthropic(ev)

    def flush(self) -> list[SSEEvent]:
        """Release whatever is still held when the stream ends without closing its channels."""
        if self._dialect == "openai":
            return self._flush_openai(lambda key: True)
        out: list[SSEEvent] = []
        for key in list(self._stages):
            out += self._flush_block(key[0])
        return out

    # OpenAI -------------------------------------------------------------------------------

    def _flush_openai(self, wanted: Callable[[_Key], bool]) -> list[SSEEvent]:
        deltas: dict[int, JSON] = {}
        for key in [k for k in self._stages if wanted(k)]:
            text = self._stages.pop(key).flush()
            if not text:
                continue
            delta = deltas.setdefault(key[0], {})
            if key[1] == "content":
                delta["content"] = text
            else:
                call = {"index": key[2], "function": {"arguments": text}}
                delta.setdefault("tool_calls", []).append(call)
        if not deltas:
            return []
        choices = [
            {"index": i, "delta": d, "logprobs": None, "finish_reason": None}
            for i, d in deltas.items()
        ]
        template = {k: v for k, v in self._last.items() if k not in ("choices", "usage")}
        return [event(None, {**template, "choices": choices})]

    def _feed_openai(self, ev: SSEEvent) -> list[SSEEvent]:
        if ev.data.strip() == DONE:
            return [*self._flush_openai(lambda key: True), ev]
        obj = _load(ev)
        choices = obj.get("choices") if obj else None
        if obj is None or not isinstance(choices, list) or not choices:
            return [ev]
        self._last = obj
        before: list[SSEEvent] = []
        new_choices = []
        changed = False  # True when the rewritten chunk differs from `obj`
        for choice in choices:
            index = choice.get("index", 0)
            closing = choice.get("finish_reason") is not None
            changed = changed or closing or not isinstance(choice.get("delta"), dict)
            delta = dict(choice.get("delta") or {})
            if isinstance(delta.get("content"), str):
                stage = self._stage((index, "content"), "text")
                text = stage.feed(delta["content"])
                if closing:
                    text += self._stages.pop((index, "content")).flush()
                changed = changed or text != delta["content"]
                delta["content"] = text
            calls = []
            for call in delta.get("tool_calls") or []:
                func = call.get("function") or {}
                key = (index, "tool", call.get("index", 0))
                if isinstance(func.get("arguments"), str):
                    args = self._stage(key, "json").feed(func["arguments"])
                    if closing:
                        args += self._stages.pop(key).flush()
                    changed = changed or args != func["arguments"]
                    call = {**call, "function": {**func, "arguments": args}}
                calls.append(call)
            if calls:
                delta["tool_calls"] = calls
            if closing:
                before += self._flush_openai(_of_choice(index))
            new_choices.append({**choice, "delta": delta})
        if not changed:
            return [_same(ev, obj)]
        return [*before, event(ev.event, {**obj, "choices": new_choices})]

    # Anthropic ----------------------------------------------------------------------------

    def _flush_block(self, index: Any) -> list[SSEEvent]:
        for key in [k for k in self._stages if k[0] == index]:
            text = self._stages.pop(key).flush()
            if text:
                if key[1] == "text":
                    delta = {"type": "text_delta", "text": text}
                else:
                    delta = {"type": "input_json_delta", "partial_json": text}
                block_delta = {"type": "content_block_delta", "index": index, "delta": delta}
                return [event("content_block_delta", block_delta)]
        return []

    def _feed_anthropic(self, ev: SSEEvent) -> list[SSEEvent]:
        obj = _load(ev)
        kind = obj.get("type") if obj else None
        if obj is None:
            return [ev]
        index = obj.get("index")
        if kind == "content_block_start":
            block = obj.get("content_block") or {}
            if block.get("type") == "text" and block.get("text"):
                text = self._stage((index, "text"), "text").feed(block["text"])
                new = {**obj, "content_block": {**block, "text": text}}
                return [event(ev.event, new)]
            return [ev]
        if kind == "content_block_delta":
            delta = obj.get("delta") or {}
            if delta.get("type") == "text_delta" and isinstance(delta.get("text"), str):
                text = self._stage((index, "text"), "text").feed(delta["text"])
                if text == delta["text"]:
                    return [_same(ev, obj)]
                new_delta = {**delta, "text": text}
            elif delta.get("type") == "input_json_delta":
                args = self._stage((index, "json"), "json").feed(delta.get("partial_json", ""))
                if "partial_json" in delta and args == delta["partial_json"]:
                    return [_same(ev, obj)]
                new_delta = {**delta, "partial_json": args}
            else:
                return [ev]
            return [event(ev.event, {**obj, "delta": new_delta})]
        if kind == "content_block_stop":
            return [*self._flush_block(index), ev]
        if kind in ("message_delta", "message_stop"):
            return [*self.flush(), ev]
        return [ev]
