"""Tests for douane.dialects.openai_parse: every text-bearing field becomes a Segment."""

from __future__ import annotations

from typing import Any

import pytest

from douane.dialects import parse_request
from douane.errors import BadRequest, UnsupportedFeature


def _chat(messages: list[Any], **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-x", "messages": messages, **extra}


def test_every_text_field_is_a_segment_with_role_and_path() -> None:
    body = _chat(
        [
            {"role": "system", "content": "sys"},
            {"role": "developer", "content": [{"type": "text", "text": "dev"}]},
            {
                "role": "user",
                "name": "alice",
                "content": [
                    {"type": "text", "text": "u1"},
                    {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
                    {"type": "text", "text": "u2"},
                ],
            },
            {
                "role": "assistant",
                "content": "a",
                "tool_calls": [
                    {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": "c", "content": "result"},
        ],
        stream=True,
    )
    conv = parse_request("openai", body)
    assert conv.model == "gpt-x" and conv.stream and conv.endpoint == "chat"
    got = [(s.path, s.role, s.text) for s in conv.segments]
    assert got == [
        (("messages", 0, "content"), "system", "sys"),
        (("messages", 1, "content", 0, "text"), "developer", "dev"),
        (("messages", 2, "content", 0, "text"), "user", "u1"),
        (("messages", 2, "content", 2, "text"), "user", "u2"),
        (("messages", 3, "content"), "assistant", "a"),
        (("messages", 3, "tool_calls", 0, "function", "arguments"), "assistant", "{}"),
        (("messages", 4, "content"), "tool", "result"),
    ]


def test_assistant_content_may_be_null() -> None:
    conv = parse_request("openai", _chat([{"role": "assistant", "content": None}]))
    assert conv.segments == ()


def test_prediction_content_is_scanned() -> None:
    body = _chat([{"role": "user", "content": "x"}], prediction={"type": "content", "content": "p"})
    assert [s.path for s in parse_request("openai", body).segments][-1] == ("prediction", "content")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "body: expected an object, got array"),
        ({"messages": [{"role": "user", "content": "x"}]}, "model: expected a string, got null"),
        ({"model": "m", "messages": []}, "messages: must not be empty"),
        ({"model": "m"}, "messages: expected an array, got null"),
        (_chat([{"role": "boss", "content": "x"}]), "messages[0].role: unknown role 'boss'"),
        (_chat([{"role": "user"}]), "messages[0].content: required"),
        (_chat([{"role": "user", "content": 3}]), "messages[0].content: expected an array"),
        (
            _chat(
                [{"role": "user", "content": "x"}, {"role": "user", "content": [{"type": "foo"}]}]
            ),
            "messages[1].content[0].type: unsupported content part 'foo'",
        ),
        (
            _chat([{"role": "user", "content": [{"type": "text"}]}]),
            "messages[0].content[0].text: expected a string, got null",
        ),
        (_chat([{"role": "user", "content": "x"}], stream="yes"), "stream: expected a boolean"),
        (
            _chat([{"role": "tool", "content": "x"}]),
            "messages[0].tool_call_id: expected a string",
        ),
        (
            _chat([{"role": "assistant", "tool_calls": [{"function": {"name": "f"}}]}]),
            "messages[0].tool_calls[0].function.arguments: expected a string",
        ),
    ],
)
def test_malformed_requests_name_the_field(body: Any, message: str) -> None:
    with pytest.raises(BadRequest) as err:
        parse_request("openai", body)
    assert err.value.message.startswith(message)


@pytest.mark.parametrize("kind", ["input_audio", "file"])
def test_unscannable_parts_are_refused(kind: str) -> None:
    body = _chat([{"role": "user", "content": [{"type": kind, kind: {"data": "AAAA"}}]}])
    with pytest.raises(UnsupportedFeature, match=r"messages\[0\]\.content\[0\]\.type"):
        parse_request("openai", body)


def test_embeddings_inputs_are_segments() -> None:
    conv = parse_request("openai", {"model": "e", "input": ["a", "b"]}, "embeddings")
    assert [(s.path, s.text) for s in conv.segments] == [(("input", 0), "a"), (("input", 1), "b")]
    conv = parse_request("openai", {"model": "e", "input": "one"}, "embeddings")
    assert [(s.path, s.text) for s in conv.segments] == [(("input",), "one")]


def test_embeddings_token_ids_are_refused() -> None:
    with pytest.raises(UnsupportedFeature, match=r"input\[0\]: token-id"):
        parse_request("openai", {"model": "e", "input": [[1, 2, 3]]}, "embeddings")


def test_unknown_endpoint_is_refused() -> None:
    with pytest.raises(UnsupportedFeature):
        parse_request("anthropic", {"model": "e", "input": "x"}, "embeddings")


def test_include_usage_reflects_stream_options() -> None:
    base = _chat([{"role": "user", "content": "x"}], stream=True)
    assert not parse_request("openai", base).include_usage
    opts = {**base, "stream_options": {"include_usage": True}}
    assert parse_request("openai", opts).include_usage


def test_mistral_style_string_image_url_is_accepted() -> None:
    part = {"type": "image_url", "image_url": "https://x/y.png"}
    conv = parse_request("openai", _chat([{"role": "user", "content": [part]}]))
    assert conv.segments == ()
    with pytest.raises(UnsupportedFeature, match="document_url"):
        doc = {"type": "document_url", "document_url": "https://x/a.pdf"}
        parse_request("openai", _chat([{"role": "user", "content": [doc]}]))
