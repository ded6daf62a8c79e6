"""Tests for douane.dialects.conversation: with_texts replaces by path, copy-on-write."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from douane.dialects import Conversation, parse_request


def _conv() -> Conversation:
    body = {
        "model": "m",
        "messages": [
            {"role": "system", "content": "keep"},
            {
                "role": "user",
                "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
            },
        ],
        "tools": [{"type": "function", "function": {"name": "f"}}],
    }
    return parse_request("openai", body)


def test_with_texts_replaces_only_changed_segments_and_never_mutates() -> None:
    conv = _conv()
    before = copy.deepcopy(conv.body)
    out = conv.with_texts(["keep", "A", "b"])
    assert conv.body == before
    assert out["messages"][1]["content"][0]["text"] == "A"
    assert out["messages"][1]["content"][1]["text"] == "b"
    # untouched subtrees are shared (cheap); changed ones are fresh copies
    assert out["messages"][0] is conv.body["messages"][0]
    assert out["tools"] is conv.body["tools"]
    assert out["messages"][1] is not conv.body["messages"][1]


def test_with_texts_identity_returns_equal_body() -> None:
    conv = _conv()
    assert conv.with_texts([s.text for s in conv.segments]) == conv.body


def test_with_texts_rejects_wrong_count() -> None:
    with pytest.raises(ValueError):
        _conv().with_texts(["x"])


def test_with_texts_on_anthropic_tool_input_leaves() -> None:
    body: dict[str, Any] = {
        "model": "c",
        "max_tokens": 5,
        "messages": [
            {
                "role": "assistant",
                "content": [
                    {"type": "tool_use", "id": "i", "name": "n", "input": {"a": "x", "b": ["y"]}}
                ],
            },
        ],
    }
    conv = parse_request("anthropic", body)
    out = conv.with_texts(["X", "Y"])
    assert out["messages"][0]["content"][0]["input"] == {"a": "X", "b": ["Y"]}
    assert body["messages"][0]["content"][0]["input"] == {"a": "x", "b": ["y"]}
