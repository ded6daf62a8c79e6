"""Tests for douane.dialects.request_to_openai: faithful Anthropic -> OpenAI requests."""

from __future__ import annotations

from typing import Any

import pytest

from douane.dialects import parse_request, render_request
from douane.errors import UnsupportedFeature

SCHEMA = {"type": "object", "properties": {"q": {"type": "string"}}}


def _render(body: dict[str, Any]) -> dict[str, Any]:
    conv = parse_request("anthropic", {"model": "client-m", "max_tokens": 50, **body})
    return render_request(conv.body, "anthropic", "openai", "chat", "gpt-up", 999)


def test_full_conversation_with_tools_and_images() -> None:
    out = _render(
        {
            "system": [
                {"type": "text", "text": "be brief", "cache_control": {"type": "ephemeral"}}
            ],
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "look"},
                        {
                            "type": "image",
                            "source": {"type": "base64", "media_type": "image/png", "data": "QUJD"},
                        },
                    ],
                },
                {
                    "role": "assistant",
                    "content": [
                        {"type": "text", "text": "calling"},
                        {
                            "type": "tool_use",
                            "id": "toolu_1",
                            "name": "lookup",
                            "input": {"q": "é"},
                        },
                    ],
                },
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": "toolu_1",
                            "content": [{"type": "text", "text": "r1"}],
                        },
                        {"type": "text", "text": "thanks"},
                    ],
                },
            ],
            "tools": [{"name": "lookup", "description": "d", "input_schema": SCHEMA}],
            "tool_choice": {"type": "any", "disable_parallel_tool_use": True},
            "stop_sequences": ["END"],
            "temperature": 0.2,
            "top_p": 0.8,
            "metadata": {"user_id": "u-1"},
            "stream": True,
        }
    )
    assert out == {
        "model": "gpt-up",
        "messages": [
            {"role": "system", "content": "be brief"},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "look"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,QUJD"}},
                ],
            },
            {
                "role": "assistant",
                "content": "calling",
                "tool_calls": [
                    {
                        "id": "toolu_1",
                        "type": "function",
                        "function": {"name": "lookup", "arguments": '{"q": "é"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "toolu_1", "content": "r1"},
            {"role": "user", "content": "thanks"},
        ],
        "max_tokens": 50,
        "temperature": 0.2,
        "top_p": 0.8,
        "stop": ["END"],
        "tools": [
            {
                "type": "function",
                "function": {"name": "lookup", "parameters": SCHEMA, "description": "d"},
            }
        ],
        "tool_choice": "required",
        "parallel_tool_calls": False,
        "user": "u-1",
        "stream": True,
        "stream_options": {"include_usage": True},
    }


def test_tool_choice_mapping() -> None:
    base = {
        "messages": [{"role": "user", "content": "x"}],
        "tools": [{"name": "f", "input_schema": SCHEMA}],
    }
    for choice, want in [
        ({"type": "auto"}, "auto"),
        ({"type": "none"}, "none"),
        ({"type": "tool", "name": "f"}, {"type": "function", "function": {"name": "f"}}),
    ]:
        assert _render({**base, "tool_choice": choice})["tool_choice"] == want


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"thinking": {"type": "enabled", "budget_tokens": 1024}}, "thinking"),
        ({"top_k": 5}, "top_k"),
        ({"tools": [{"type": "web_search_20250305", "name": "web_search"}]}, "tools[0]"),
        ({"service_tier": "auto"}, "service_tier"),
        ({"mcp_servers": []}, "mcp_servers"),
    ],
)
def test_untranslatable_fields_are_refused_by_name(extra: dict[str, Any], field: str) -> None:
    with pytest.raises(UnsupportedFeature) as err:
        _render({"messages": [{"role": "user", "content": "x"}], **extra})
    assert err.value.message.startswith(f"{field}:")


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (
            [
                {
                    "type": "document",
                    "source": {"type": "text", "media_type": "text/plain", "data": "d"},
                }
            ],
            "messages[0].content[0].type",
        ),
        (
            [{"type": "tool_result", "tool_use_id": "t", "content": "x", "is_error": True}],
            "messages[0].content[0].is_error",
        ),
    ],
)
def test_untranslatable_blocks_are_refused_by_path(content: list[Any], field: str) -> None:
    with pytest.raises(UnsupportedFeature) as err:
        _render({"messages": [{"role": "user", "content": content}]})
    assert err.value.message.startswith(f"{field}:")


def test_thinking_blocks_and_disabled_thinking() -> None:
    assert _render(
        {"messages": [{"role": "user", "content": "x"}], "thinking": {"type": "disabled"}}
    )["messages"] == [{"role": "user", "content": "x"}]
    msgs = [
        {"role": "assistant", "content": [{"type": "thinking", "thinking": "t", "signature": "s"}]}
    ]
    with pytest.raises(UnsupportedFeature, match=r"messages\[0\]\.content\[0\]\.type"):
        _render({"messages": msgs})
