"""Parse OpenAI chat-completions and embeddings requests into a Conversation."""

from __future__ import annotations

from typing import Any

from douane.dialects._json import (
    JSON,
    Path,
    bad,
    need_bool,
    need_dict,
    need_list,
    need_str,
    str_segment,
    unsupported,
)
from douane.dialects.conversation import Conversation
from douane.types import Segment

__all__ = ["parse_openai_chat", "parse_openai_embeddings"]

_ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
# Parts we cannot scan would leave unscanned: refuse them (fail closed).
_UNSCANNABLE = frozenset({"input_audio", "file", "audio", "document_url", "audio_url"})


def _content(value: Any, path: Path, role: str, out: list[Segment]) -> None:
    """Collect the text of a message `content` (string, null, or an array of parts)."""
    if value is None:
        return
    if isinstance(value, str):
        out.append(Segment(path, role, value))
        return
    parts = need_list(value, path)
    for j, raw in enumerate(parts):
        part_path = (*path, j)
        part = need_dict(raw, part_path)
        kind = need_str(part.get("type"), (*part_path, "type"))
        if kind in ("text", "refusal"):
            out.append(str_segment(part, kind, part_path, role))
        elif kind == "image_url":
            image = part.get("image_url")
            if not isinstance(image, str):  # Mistral clients send the URL as a plain string
                image_path = (*part_path, "image_url")
                need_str(need_dict(image, image_path).get("url"), (*image_path, "url"))
        elif kind in _UNSCANNABLE:
            raise unsupported((*part_path, "type"), f"'{kind}' parts cannot be scanned")
        else:
            raise bad((*part_path, "type"), f"unsupported content part '{kind}'")


def _tool_calls(value: Any, path: Path, out: list[Segment]) -> None:
    for k, raw in enumerate(need_list(value, path)):
        call_path = (*path, k)
        call = need_dict(raw, call_path)
        kind = call.get("type", "function")
        if kind != "function":
            raise unsupported((*call_path, "type"), f"unsupported tool call type '{kind}'")
        func = need_dict(call.get("function"), (*call_path, "function"))
        need_str(func.get("name"), (*call_path, "function", "name"))
        args_path = (*call_path, "function", "arguments")
        out.append(Segment(args_path, "assistant", need_str(func.get("arguments"), args_path)))


def _message(raw: Any, i: int, out: list[Segment]) -> None:
    path: Path = ("messages", i)
    msg = need_dict(raw, path)
    role = need_str(msg.get("role"), (*path, "role"))
    if role not in _ROLES:
        raise bad((*path, "role"), f"unknown role '{role}'")
    if "audio" in msg and msg["audio"] is not None:
        raise unsupported((*path, "audio"), "audio messages cannot be scanned")
    if role != "assistant" and "content" not in msg:
        raise bad((*path, "content"), "required")
    _content(msg.get("content"), (*path, "content"), role, out)
    if role == "assistant":
        if msg.get("tool_calls") is not None:
            _tool_calls(msg["tool_calls"], (*path, "tool_calls"), out)
        if msg.get("function_call") is not None:
            fc_path = (*path, "function_call")
            fc = need_dict(msg["function_call"], fc_path)
            out.append(
                Segment(
                    (*fc_path, "arguments"),
                    role,
                    need_str(fc.get("arguments"), (*fc_path, "arguments")),
                )
            )
        if isinstance(msg.get("refusal"), str):
            out.append(Segment((*path, "refusal"), role, msg["refusal"]))
    if role == "tool":
        need_str(msg.get("tool_call_id"), (*path, "tool_call_id"))


def _common(body: Any) -> tuple[JSON, str, bool]:
    data = need_dict(body, ())
    model = need_str(data.get("model"), ("model",))
    stream = data.get("stream")
    return data, model, (False if stream is None else need_bool(stream, ("stream",)))


def parse_openai_chat(body: Any) -> Conversation:
    """Validate a /v1/chat/completions body; raises BadRequest naming the offending field."""
    data, model, stream = _common(body)
    segments: list[Segment] = []
    for i, raw in enumerate(need_list(data.get("messages"), ("messages",), nonempty=True)):
        _message(raw, i, segments)
    prediction = data.get("prediction")
    if prediction is not None:
        _content(
            need_dict(prediction, ("prediction",)).get("content"),
            ("prediction", "content"),
            "assistant",
            segments,
        )
    if data.get("stream_options") is not None:
        need_dict(data["stream_options"], ("stream_options",))
    return Conversation("openai", "chat", model, stream, data, tuple(segments))


def parse_openai_embeddings(body: Any) -> Conversation:
    """Validate a /v1/embeddings body; token-id inputs are refused since they cannot be scanned."""
    data, model, stream = _common(body)
    value = data.get("input")
    segments: list[Segment] = []
    if isinstance(value, str):
        segments.append(Segment(("input",), "user", value))
    else:
        items = need_list(value, ("input",), nonempty=True)
        for j, item in enumerate(items):
            if not isinstance(item, str):
                raise unsupported(("input", j), "token-id inputs cannot be scanned; send text")
            segments.append(Segment(("input", j), "user", item))
    return Conversation("openai", "embeddings", model, stream, data, tuple(segments))
