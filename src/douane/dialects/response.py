"""Translate non-streaming answers between dialects and read their token usage."""

from __future__ import annotations

import json
import time
from typing import Any

from douane.dialects._json import JSON
from douane.dialects.conversation import Dialect
from douane.errors import UpstreamError

__all__ = [
    "ANTHROPIC_STOP",
    "OPENAI_FINISH",
    "render_response",
    "usage_of",
]

# OpenAI finish_reason -> Anthropic stop_reason, and back.
ANTHROPIC_STOP = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}
OPENAI_FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def usage_of(dialect: Dialect, body: JSON) -> tuple[int | None, int | None]:
    """(tokens in, tokens out) of an answer, None where the upstream did not say."""
    usage = body.get("usage") if isinstance(body, dict) else None
    if not isinstance(usage, dict):
        return None, None
    if dialect == "openai":
        return _int(usage.get("prompt_tokens")), _int(usage.get("completion_tokens"))
    parts = [
        _int(usage.get(k))
        for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    ]
    tokens_in = None if parts[0] is None else sum(p or 0 for p in parts)
    return tokens_in, _int(usage.get("output_tokens"))


def _malformed(what: str) -> UpstreamError:
    return UpstreamError(f"malformed upstream answer: {what}")


def _openai_to_anthropic(body: JSON, model: str) -> JSON:
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise _malformed("choices")
    choice = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        raise _malformed("choices[0].message")
    content: list[JSON] = []
    text = message.get("content")
    if isinstance(text, list):
        text = "".join(p.get("text", "") for p in text if isinstance(p, dict))
    if isinstance(text, str) and text:
        content.append({"type": "text", "text": text})
    if isinstance(message.get("refusal"), str) and message["refusal"]:
        content.append({"type": "text", "text": message["refusal"]})
    for k, call in enumerate(message.get("tool_calls") or []):
        try:
            func = call["function"]
            args = json.loads(func["arguments"] or "{}")
            content.append(
                {
                    "type": "tool_use",
                    "id": call.get("id") or f"toolu_{k}",
                    "name": func["name"],
                    "input": args,
                }
            )
        except (KeyError, TypeError, json.JSONDecodeError):
            raise _malformed(f"choices[0].message.tool_calls[{k}]") from None
    tokens_in, tokens_out = usage_of("openai", body)
    return {
        "id": f"msg_{body.get('id', '')}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": ANTHROPIC_STOP.get(choice.get("finish_reason") or "stop", "end_turn"),
        "stop_sequence": None,
        "usage": {"input_tokens": tokens_in or 0, "output_tokens": tokens_out or 0},
    }


def _anthropic_to_openai(body: JSON, model: str) -> JSON:
    blocks = body.get("content")
    if not isinstance(blocks, list):
        raise _malformed("content")
    texts: list[str] = []
    calls: list[JSON] = []
    for j, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text" and isinstance(block.get("text"), str):
            texts.append(block["text"])
        elif kind == "tool_use" and isinstance(block.get("input"), dict):
            args = json.dumps(block["input"], ensure_ascii=False)
            calls.append(
                {
                    "id": block.get("id"),
                    "type": "function",
                    "function": {"name": block.get("name"), "arguments": args},
                }
            )
        elif kind not in ("thinking", "redacted_thinking"):
            raise _malformed(f"content[{j}]")
    message: JSON = {"role": "assistant", "content": "".join(texts) if texts or not calls else None}
    if calls:
        message["tool_calls"] = calls
    message["refusal"] = None
    tokens_in, tokens_out = usage_of("anthropic", body)
    usage = None
    if tokens_in is not None or tokens_out is not None:
        usage = {
            "prompt_tokens": tokens_in or 0,
            "completion_tokens": tokens_out or 0,
            "total_tokens": (tokens_in or 0) + (tokens_out or 0),
        }
    stop = body.get("stop_reason")
    return {
        "id": f"chatcmpl-{body.get('id', '')}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": OPENAI_FINISH.get(stop or "end_turn", "stop"),
            }
        ],
        "usage": usage,
    }


def render_response(body: Any, source: Dialect, target: Dialect, client_model: str) -> JSON:
    """The upstream answer (`source` dialect) in the client's dialect, naming `client_model`.

    Raises UpstreamError if the upstream body does not have the expected shape.
    """
    if not isinstance(body, dict):
        raise _malformed("not a JSON object")
    if source == target:
        if "model" in body:
            return {**body, "model": client_model}
        return dict(body)
    if source == "openai":
        return _openai_to_anthropic(body, client_model)
    return _anthropic_to_openai(body, client_model)
