"""Apply a function to every model-generated text of a client-dialect answer (restoration)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from douane.dialects._json import JSON
from douane.dialects.conversation import Dialect, TextKind

__all__ = ["TextFn", "rewrite_response_texts"]

TextFn = Callable[[str, TextKind], str]


def _leaves(value: Any, fn: TextFn) -> Any:
    if isinstance(value, str):
        return fn(value, "text")
    if isinstance(value, dict):
        return {k: _leaves(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_leaves(v, fn) for v in value]
    return value


def _openai_message(message: JSON, fn: TextFn) -> JSON:
    out = dict(message)
    content = message.get("content")
    if isinstance(content, str):
        out["content"] = fn(content, "text")
    elif isinstance(content, list):
        out["content"] = [
            {**p, "text": fn(p["text"], "text")} if isinstance(p.get("text"), str) else p
            for p in content
        ]
    if isinstance(message.get("refusal"), str):
        out["refusal"] = fn(message["refusal"], "text")
    if isinstance(message.get("tool_calls"), list):
        calls = []
        for call in message["tool_calls"]:
            func = call.get("function") if isinstance(call, dict) else None
            if isinstance(func, dict) and isinstance(func.get("arguments"), str):
                call = {**call, "function": {**func, "arguments": fn(func["arguments"], "json")}}
            calls.append(call)
        out["tool_calls"] = calls
    return out


def _anthropic_block(block: Any, fn: TextFn) -> Any:
    if not isinstance(block, dict):
        return block
    if block.get("type") == "text" and isinstance(block.get("text"), str):
        return {**block, "text": fn(block["text"], "text")}
    if block.get("type") == "tool_use" and "input" in block:
        return {**block, "input": _leaves(block["input"], fn)}
    return block


def rewrite_response_texts(dialect: Dialect, body: JSON, fn: TextFn) -> JSON:
    """A copy of `body` with fn applied to each generated text; `body` is not mutated.

    OpenAI: message content and refusal -> "text", tool-call arguments (raw JSON) -> "json".
    Anthropic: text blocks -> "text", every string leaf of a tool_use input -> "text".
    """
    if dialect == "openai":
        choices = body.get("choices")
        if not isinstance(choices, list):
            return dict(body)
        new_choices = [
            {**c, "message": _openai_message(c["message"], fn)}
            if isinstance(c, dict) and isinstance(c.get("message"), dict)
            else c
            for c in choices
        ]
        return {**body, "choices": new_choices}
    content = body.get("content")
    if not isinstance(content, list):
        return dict(body)
    return {**body, "content": [_anthropic_block(b, fn) for b in content]}
