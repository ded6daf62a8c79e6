"""Translate an OpenAI chat-completions request body into an Anthropic /v1/messages body.

Mapped: leading system/developer messages -> `system`; text and image parts (data URLs -> base64
sources, other URLs -> url sources); assistant tool_calls -> tool_use blocks; tool messages ->
tool_result blocks (consecutive same-role turns are merged); function tools -> tools with
input_schema; tool_choice auto/none/required(any)/function and parallel_tool_calls=false ->
disable_parallel_tool_use; stop -> stop_sequences; temperature (0-1), top_p; max_tokens or
max_completion_tokens (else the route's default); user -> metadata.user_id; stream.
Ignored because they do not change the answer: stream_options (Anthropic always reports usage),
metadata (OpenAI stored-completion tags). Everything else with a non-default value (n>1,
logprobs, response_format json, penalties, seed, logit_bias, audio, reasoning_effort, store,
prediction, web_search_options, late system messages, legacy function calls...) raises
UnsupportedFeature naming the field.
"""

from __future__ import annotations

import json
from typing import Any

from douane.dialects._json import JSON, Path, bad, unsupported

__all__ = ["openai_to_anthropic_request"]

# Request keys we translate; any other key with a non-default value raises UnsupportedFeature.
_HANDLED = frozenset(
    {
        "model",
        "messages",
        "stream",
        "stream_options",
        "max_tokens",
        "max_completion_tokens",
        "temperature",
        "top_p",
        "stop",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "user",
        "metadata",
    }
)
# Keys whose listed values mean "the default", so they translate to nothing.
_HARMLESS: dict[str, tuple[Any, ...]] = {
    "n": (1,),
    "logprobs": (False,),
    "presence_penalty": (0, 0.0),
    "frequency_penalty": (0, 0.0),
    "store": (False,),
    "response_format": ({"type": "text"},),
    "modalities": (["text"],),
    "service_tier": ("auto", "default"),
    "safe_prompt": (False,),
}


def _data_url(url: str, path: Path) -> JSON:
    if not url.startswith("data:"):
        return {"type": "url", "url": url}
    header, sep, data = url[5:].partition(",")
    media_type, _, encoding = header.partition(";")
    if not sep or encoding != "base64":
        raise bad(path, "image data URLs must be base64 encoded")
    return {"type": "base64", "media_type": media_type, "data": data}


def _blocks(content: Any, path: Path) -> list[JSON]:
    """OpenAI content (string or parts) -> Anthropic content blocks; empty text is dropped."""
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks: list[JSON] = []
    for j, part in enumerate(content):
        kind = part["type"]
        if kind in ("text", "refusal"):
            if part[kind]:
                blocks.append({"type": "text", "text": part[kind]})
        elif kind == "image_url":
            image = part["image_url"]
            url = image if isinstance(image, str) else image["url"]
            source = _data_url(url, (*path, j, "image_url"))
            blocks.append({"type": "image", "source": source})
        else:  # pragma: no cover - parse_request already refused other part types
            raise unsupported((*path, j, "type"), f"'{kind}' parts have no Anthropic counterpart")
    return blocks


def _tool_use(call: JSON, path: Path) -> JSON:
    func = call["function"]
    try:
        args = json.loads(func["arguments"]) if func["arguments"].strip() else {}
    except json.JSONDecodeError:
        raise bad((*path, "function", "arguments"), "is not valid JSON") from None
    if not isinstance(args, dict):
        raise bad((*path, "function", "arguments"), "must be a JSON object")
    return {
        "type": "tool_use",
        "id": call.get("id") or f"call_{path[-1]}",
        "name": func["name"],
        "input": args,
    }


def _append(messages: list[JSON], role: str, blocks: list[JSON]) -> None:
    """Add a turn, merging consecutive same-role turns (Anthropic alternates roles)."""
    if not blocks:
        return
    if messages and messages[-1]["role"] == role:
        messages[-1]["content"].extend(blocks)
    else:
        messages.append({"role": role, "content": blocks})


def _messages(body: JSON) -> tuple[list[JSON], list[JSON]]:
    system: list[JSON] = []
    messages: list[JSON] = []
    for i, msg in enumerate(body["messages"]):
        role, path = msg["role"], ("messages", i)
        content_path = (*path, "content")
        if role in ("system", "developer"):
            if messages:
                raise unsupported(path, f"a {role} message after the first turn has no counterpart")
            system.extend(_blocks(msg["content"], content_path))
        elif role == "user":
            _append(messages, "user", _blocks(msg["content"], content_path))
        elif role == "assistant":
            if msg.get("function_call") is not None:
                raise unsupported((*path, "function_call"), "legacy function calls: use tools")
            blocks = _blocks(msg.get("content"), content_path)
            if isinstance(msg.get("refusal"), str) and msg["refusal"]:
                blocks.append({"type": "text", "text": msg["refusal"]})
            calls = msg.get("tool_calls") or []
            blocks += [_tool_use(c, (*path, "tool_calls", k)) for k, c in enumerate(calls)]
            _append(messages, "assistant", blocks)
        elif role == "tool":
            content = msg["content"]
            result = content if isinstance(content, str) else _blocks(content, content_path)
            block = {"type": "tool_result", "tool_use_id": msg["tool_call_id"], "content": result}
            _append(messages, "user", [block])
        else:
            raise unsupported((*path, "role"), "legacy 'function' messages: use tools")
    return system, messages


def _tools(tools: Any) -> list[JSON]:
    out: list[JSON] = []
    for k, tool in enumerate(tools):
        if not isinstance(tool, dict) or tool.get("type") != "function":
            raise unsupported(("tools", k, "type"), "only function tools translate")
        func = tool.get("function")
        if not isinstance(func, dict) or not isinstance(func.get("name"), str):
            raise bad(("tools", k, "function", "name"), "required")
        schema = func.get("parameters") or {"type": "object", "properties": {}}
        item: JSON = {"name": func["name"], "input_schema": schema}
        if func.get("description"):
            item["description"] = func["description"]
        if func.get("strict") is True:
            item["strict"] = True
        out.append(item)
    return out


def _tool_choice(choice: Any, parallel: Any) -> JSON | None:
    mapped: JSON | None
    if choice is None:
        mapped = None
    elif choice in ("auto", "none"):
        mapped = {"type": choice}
    elif choice in ("required", "any"):  # "any" is Mistral's spelling
        mapped = {"type": "any"}
    elif isinstance(choice, dict) and choice.get("type") == "function":
        mapped = {"type": "tool", "name": (choice.get("function") or {}).get("name")}
    else:
        raise unsupported(("tool_choice",), "has no Anthropic counterpart")
    if parallel is False:
        mapped = mapped or {"type": "auto"}
        if mapped["type"] != "none":
            mapped["disable_parallel_tool_use"] = True
    return mapped


def openai_to_anthropic_request(body: JSON, upstream_model: str, default_max_tokens: int) -> JSON:
    """The Anthropic body equivalent to an OpenAI chat body; raises UnsupportedFeature if none."""
    for key, value in body.items():
        if key in _HANDLED or value is None or value in _HARMLESS.get(key, ()):
            continue
        raise unsupported((key,), "has no Anthropic counterpart")
    if body.get("store") is True:  # pragma: no cover - caught by the loop above
        raise unsupported(("store",), "has no Anthropic counterpart")
    system, messages = _messages(body)
    out: JSON = {"model": upstream_model, "messages": messages}
    if system:
        out["system"] = system
    max_tokens = body.get("max_completion_tokens") or body.get("max_tokens")
    out["max_tokens"] = max_tokens or default_max_tokens
    temperature = body.get("temperature")
    if temperature is not None:
        if temperature > 1:
            raise unsupported(("temperature",), "Anthropic accepts 0 to 1")
        out["temperature"] = temperature
    if body.get("top_p") is not None:
        out["top_p"] = body["top_p"]
    stop = body.get("stop")
    if stop is not None:
        out["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    if body.get("tools"):
        out["tools"] = _tools(body["tools"])
    choice = _tool_choice(body.get("tool_choice"), body.get("parallel_tool_calls"))
    if choice is not None and out.get("tools"):
        out["tool_choice"] = choice
    if isinstance(body.get("user"), str):
        out["metadata"] = {"user_id": body["user"]}
    if body.get("stream"):
        out["stream"] = True
    return out
