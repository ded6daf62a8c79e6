"""Parse Anthropic /v1/messages requests into a Conversation."""

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

__all__ = ["parse_anthropic_messages", "string_leaves"]

_RESULT_BLOCKS = frozenset({"text", "image", "document"})


def string_leaves(value: Any, path: Path) -> list[tuple[Path, str]]:
    """Every string leaf of a JSON value, with its path (tool inputs are scanned leaf by leaf)."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in string_leaves(v, (*path, k))]
    if isinstance(value, list):
        return [leaf for j, v in enumerate(value) for leaf in string_leaves(v, (*path, j))]
    return []


def _image(block: JSON, path: Path) -> None:
    source = need_dict(block.get("source"), (*path, "source"))
    kind = need_str(source.get("type"), (*path, "source", "type"))
    if kind not in ("base64", "url"):
        raise unsupported((*path, "source", "type"), f"unsupported image source '{kind}'")


def _document(block: JSON, path: Path, role: str, out: list[Segment]) -> None:
    src_path = (*path, "source")
    source = need_dict(block.get("source"), src_path)
    kind = need_str(source.get("type"), (*src_path, "type"))
    if kind == "text":
        out.append(str_segment(source, "data", src_path, role))
    elif kind == "content":
        content = source.get("content")
        if isinstance(content, str):
            out.append(Segment((*src_path, "content"), role, content))
        else:
            _blocks(content, (*src_path, "content"), role, out, frozenset({"text", "image"}))
    else:
        raise unsupported((*src_path, "type"), f"'{kind}' documents cannot be scanned")
    for key in ("title", "context"):
        if isinstance(block.get(key), str):
            out.append(Segment((*path, key), role, block[key]))


def _blocks(value: Any, path: Path, role: str, out: list[Segment], allowed: frozenset[str]) -> None:
    for j, raw in enumerate(need_list(value, path)):
        bpath = (*path, j)
        block = need_dict(raw, bpath)
        kind = need_str(block.get("type"), (*bpath, "type"))
        if kind not in allowed:
            raise bad((*bpath, "type"), f"unsupported content block '{kind}'")
        if kind == "text":
            out.append(str_segment(block, "text", bpath, role))
        elif kind == "image":
            _image(block, bpath)
        elif kind == "document":
            _document(block, bpath, role, out)
        elif kind == "tool_use":
            need_str(block.get("id"), (*bpath, "id"))
            need_str(block.get("name"), (*bpath, "name"))
            need_dict(block.get("input"), (*bpath, "input"))
            leaves = string_leaves(block["input"], (*bpath, "input"))
            out.extend(Segment(p, role, s) for p, s in leaves)
        elif kind == "tool_result":
            need_str(block.get("tool_use_id"), (*bpath, "tool_use_id"))
            content = block.get("content")
            if isinstance(content, str):
                out.append(Segment((*bpath, "content"), role, content))
            elif content is not None:
                _blocks(content, (*bpath, "content"), role, out, _RESULT_BLOCKS)
        elif kind == "thinking":
            out.append(str_segment(block, "thinking", bpath, role))


_MESSAGE_BLOCKS = frozenset(
    {"text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking"}
)


def parse_anthropic_messages(body: Any) -> Conversation:
    """Validate a /v1/messages body; raises BadRequest naming the offending field."""
    data = need_dict(body, ())
    model = need_str(data.get("model"), ("model",))
    stream = data.get("stream")
    streaming = False if stream is None else need_bool(stream, ("stream",))
    segments: list[Segment] = []
    system = data.get("system")
    if isinstance(system, str):
        segments.append(Segment(("system",), "system", system))
    elif system is not None:
        _blocks(system, ("system",), "system", segments, frozenset({"text"}))
    for i, raw in enumerate(need_list(data.get("messages"), ("messages",), nonempty=True)):
        path: Path = ("messages", i)
        msg = need_dict(raw, path)
        role = need_str(msg.get("role"), (*path, "role"))
        if role not in ("user", "assistant"):
            raise bad((*path, "role"), f"unknown role '{role}'")
        content = msg.get("content")
        if isinstance(content, str):
            segments.append(Segment((*path, "content"), role, content))
        else:
            _blocks(content, (*path, "content"), role, segments, _MESSAGE_BLOCKS)
    if "max_tokens" in data and (
        not isinstance(data["max_tokens"], int) or isinstance(data["max_tokens"], bool)
    ):
        raise bad(("max_tokens",), "expected an integer")
    return Conversation("anthropic", "chat", model, streaming, data, tuple(segments))
