"""Tests for douane.dialects.anthropic_parse: system, blocks, tool inputs and results."""

from __future__ import annotations

from typing import Any

import pytest

from douane.dialects import parse_request
from douane.dialects.anthropic_parse import string_leaves
from douane.errors import BadRequest, UnsupportedFeature


def _msgs(messages: list[Any], **extra: Any) -> dict[str, Any]:
    return {"model": "claude-x", "max_tokens": 10, "messages": messages, **extra}


def test_every_text_field_is_a_segment() -> None:
    body = _msgs(
        [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "hello"},
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": "AA"},
                    },
                    {
                        "type": "document",
                        "source": {"type": "text", "media_type": "text/plain", "data": "doc"},
                        "title": "t",
                    },
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "calling"},
                    {
                        "type": "tool_use",
                        "id": "t1",
                        "name": "f",
                        "input": {"q": "find", "n": 3, "tags": ["a", {"b": "c"}]},
                    },
                ],
            },
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": "t1", "content": "r1"},
                    {
                        "type": "tool_result",
                        "tool_use_id": "t1",
                        "content": [{"type": "text", "text": "r2"}],
                    },
                ],
            },
        ],
        system=[{"type": "text", "text": "sys"}],
        stream=True,
    )
    conv = parse_request("anthropic", body)
    assert conv.stream and conv.model == "claude-x"
    got = [(s.path, s.role, s.text) for s in conv.segments]
    assert got == [
        (("system", 0, "text"), "system", "sys"),
        (("messages", 0, "content", 0, "text"), "user", "hello"),
        (("messages", 0, "content", 2, "source", "data"), "user", "doc"),
        (("messages", 0, "content", 2, "title"), "user", "t"),
        (("messages", 1, "content", 0, "text"), "assistant", "calling"),
        (("messages", 1, "content", 1, "input", "q"), "assistant", "find"),
        (("messages", 1, "content", 1, "input", "tags", 0), "assistant", "a"),
        (("messages", 1, "content", 1, "input", "tags", 1, "b"), "assistant", "c"),
        (("messages", 2, "content", 0, "content"), "user", "r1"),
        (("messages", 2, "content", 1, "content", 0, "text"), "user", "r2"),
    ]


def test_string_system_and_content() -> None:
    conv = parse_request("anthropic", _msgs([{"role": "user", "content": "hi"}], system="s"))
    assert [(s.path, s.role) for s in conv.segments] == [
        (("system",), "system"),
        (("messages", 0, "content"), "user"),
    ]


def test_string_leaves_skips_non_strings() -> None:
    assert string_leaves({"a": 1, "b": [True, None, "x"]}, ()) == [(("b", 2), "x")]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_msgs([{"role": "system", "content": "x"}]), "messages[0].role: unknown role 'system'"),
        (
            _msgs([{"role": "user", "content": [{"type": "search_result"}]}]),
            "messages[0].content[0].type: unsupported content block 'search_result'",
        ),
        (
            _msgs([{"role": "user", "content": "x"}], system=[{"type": "image"}]),
            "system[0].type: unsupported content block 'image'",
        ),
        (
            _msgs(
                [
                    {
                        "role": "assistant",
                        "content": [{"type": "tool_use", "id": "i", "name": "n", "input": "s"}],
                    }
                ]
            ),
            "messages[0].content[0].input: expected an object, got string",
        ),
        (_msgs([]), "messages: must not be empty"),
        (_msgs([{"role": "user", "content": "x"}], max_tokens="9"), "max_tokens: expected an int"),
    ],
)
def test_malformed_requests_name_the_field(body: Any, message: str) -> None:
    with pytest.raises(BadRequest) as err:
        parse_request("anthropic", body)
    assert err.value.message.startswith(message)


def test_pdf_documents_are_refused_as_unscannable() -> None:
    block = {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBER"},
    }
    with pytest.raises(UnsupportedFeature, match=r"content\[0\]\.source\.type"):
        parse_request("anthropic", _msgs([{"role": "user", "content": [block]}]))
