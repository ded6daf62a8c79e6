"""Translate an Anthropic /v1/messages request body into an OpenAI chat-completions body.

Mapped: system -> a leading system message; text and image blocks (base64 -> data URL);
tool_use blocks -> assistant tool_calls (input serialized as JSON arguments); tool_result blocks
-> tool messages placed before the rest of that user turn; client tools -> function tools;
tool_choice auto/none/any(required)/tool and disable_parallel_tool_use -> parallel_tool_calls;
stop_sequences -> stop; temperature, top_p, max_tokens; metadata.user_id -> user; stream (with
stream_options.include_usage so usage can be reported). cache_control marks are dropped (they
change cost, not the answer). Refused with UnsupportedFeature: thinking (unless disabled), top_k,
server tools, documents, error tool results, images inside tool results, service_tier, mcp...
"""

from __future__ import annotations

import json
from typing import Any

from douane.dialects._json import JSON, Path, unsupported

__all__ = ["anthropic_to_openai_request"]

_HANDLED = frozenset(
    {
        "model",
        "messages",
        "system",
        "max_tokens",
        "stream",
        "temperature",
        "top_p",
        "stop_sequences",
        "tools",
        "tool_choice",
        "metadata",
    }
)


def _image(block: JSON, path: Path) -> JSON:
    source = block["source"]
    if source["type"] == "url":
        url = source["url"]
    else:
        url = f"data:{source.get('media_type', 'image/png')};base64,{source.get('data', '')}"
    return {"type": "image_url", "image_url": {"url": url}}


def _parts(content: Any, path: Path, *, images: bool) -> str | list[JSON]:
    """Anthropic text/image blocks -> OpenAI content (a string when it is plain text)."""
    if isinstance(content, str):
        return content
    parts: list[JSON] = []
    for j, block in enumerate(content or []):
        kind = block["type"]
        if kind == "text":
            parts.append({"type": "text", "text": block["text"]})
        elif kind == "image" and images:
            parts.append(_image(block, (*path, j)))
        else:
            raise unsupported(
                (*path, j, "type"), f"'{kind}' blocks have no OpenAI counterpart here"
            )
    if all(p["type"] == "text" for p in parts) and len(parts) <= 1:
        return parts[0]["text"] if parts else ""
    return parts


def _tool_message(block: JSON, path: Path) -> JSON:
    if block.get("is_error"):
        raise unsupported((*path, "is_error"), "error tool results have no OpenAI counterpart")
    content = _parts(block.get("content") or "", (*path, "content"), images=False)
    return {"role": "tool", "tool_call_id": block["tool_use_id"], "content": content}


def _user(msg: JSON, path: Path) -> list[JSON]:
    content = msg["content"]
    if isinstance(content, str):
        return [{"role": "user", "content": content}]
    tools = [(j, b) for j, b in enumerate(content) if b["type"] == "tool_result"]
    rest = [b for b in content if b["type"] != "tool_result"]
    out = [_tool_message(b, (*path, "content", j)) for j, b in tools]
    if rest or not tools:
        # Paths of the remaining blocks are only used in error messages.
        out.append({"role": "user", "content": _parts(rest, (*path, "content"), images=True)})
    return out


def _assistant(msg: JSON, path: Path) -> JSON:
    content = msg["content"]
    if isinstance(content, str):
        return {"role": "assistant", "content": content}
    texts: list[str] = []
    calls: list[JSON] = []
    for j, block in enumerate(content):
        if block["type"] == "text":
            texts.append(block["text"])
        elif block["type"] == "tool_use":
            args = json.dumps(block["input"], ensure_ascii=False)
            function = {"name": block["name"], "arguments": args}
            calls.append({"id": block["id"], "type": "function", "function": function})
        else:
            kind = block["type"]
            raise unsupported((*path, "content", j, "type"), f"'{kind}' has no OpenAI counterpart")
    out: JSON = {"role": "assistant", "content": "".join(texts) if texts else None}
    if calls:
        out["tool_calls"] = calls
    return out


def _tools(tools: list[Any]) -> list[JSON]:
    out: list[JSON] = []
    for k, tool in enumerate(tools):
        if tool.get("type") not in (None, "custom") or "input_schema" not in tool:
            raise unsupported(("tools", k), "only client tools with an input_schema translate")
        func: JSON = {"name": tool["name"], "parameters": tool["input_schema"]}
        if tool.get("description"):
            func["description"] = tool["description"]
        if tool.get("strict") is True:
            func["strict"] = True
        out.append({"type": "function", "function": func})
    return out


def _tool_choice(choice: JSON, out: JSON) -> None:
    kind = choice.get("type")
    if kind in ("auto", "none"):
        out["tool_choice"] = kind
    elif kind == "any":
        out["tool_choice"] = "required"
    elif kind == "tool":
        out["tool_choice"] = {"type": "function", "function": {"name": choice.get("name")}}
    else:
        raise unsupported(("tool_choice", "type"), f"'{kind}' has no OpenAI counterpart")
    if choice.get("disable_parallel_tool_use") is True and kind != "none":
        out["parallel_tool_calls"] = False


def anthropic_to_openai_request(body: JSON, upstream_model: str) -> JSON:
    """The OpenAI body equivalent to an Anthropic body; raises UnsupportedFeature if none."""
    for key, value in body.items():
        if key in _HANDLED or value is None:
            continue
        if key == "thinking" and isinstance(value, dict) and value.get("type") == "disabled":
            continue
        raise unsupported((key,), "has no OpenAI counterpart")
    messages: list[JSON] = []
    system = body.get("system")
    if system:
        messages.append({"role": "system", "content": _parts(system, ("system",), images=False)})
    for i, msg in enumerate(body["messages"]):
        path = ("messages", i)
        if msg["role"] == "user":
            messages.extend(_user(msg, path))
        else:
            messages.append(_assistant(msg, path))
    out: JSON = {"model": upstream_model, "messages": messages}
    if body.get("max_tokens") is not None:
        out["max_tokens"] = body["max_tokens"]
    for key in ("temperature", "top_p"):
        if body.get(key) is not None:
            out[key] = body[key]
    if body.get("stop_sequences"):
        out["stop"] = list(body["stop_sequences"])
    if body.get("tools"):
        out["tools"] = _tools(body["tools"])
    if body.get("tool_choice") is not None and out.get("tools"):
        _tool_choice(body["tool_choice"], out)
    metadata = body.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("user_id"), str):
        out["user"] = metadata["user_id"]
    if body.get("stream"):
        out["stream"] = True
        out["stream_options"] = {"include_usage": True}
    return out
