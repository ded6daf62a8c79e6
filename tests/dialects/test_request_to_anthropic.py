"""Tests for douane.dialects.request_to_anthropic: faithful OpenAI -> Anthropic requests."""

from __future__ import annotations

from typing import Any

import pytest

from douane.dialects import parse_request, render_request
from douane.errors import BadRequest, UnsupportedFeature

TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "lookup",
        "description": "d",
        "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
    },
}


def _render(body: dict[str, Any], max_tokens: int = 321) -> dict[str, Any]:
    conv = parse_request("openai", {"model": "client-m", **body})
    return render_request(conv.body, "openai", "anthropic", "chat", "claude-up", max_tokens)


def test_full_conversation_with_tools_and_images() -> None:
    out = _render(
        {
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "developer", "content": [{"type": "text", "text": "dev rule"}]},
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "look"},
                        {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,QUJD"}},
                        {"type": "image_url", "image_url": {"url": "https://img/x.png"}},
                    ],
                },
                {
                    "role": "assistant",
                    "content": "calling",
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "lookup", "arguments": '{"q": "x"}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "call_1", "content": "r1"},
                {"role": "user", "content": "thanks"},
            ],
            "tools": [TOOL],
            "tool_choice": {"type": "function", "function": {"name": "lookup"}},
            "parallel_tool_calls": False,
            "stop": "END",
            "temperature": 0.5,
            "top_p": 0.9,
            "max_completion_tokens": 77,
            "user": "u-1",
            "stream": True,
            "stream_options": {"include_usage": True},
            "n": 1,
        }
    )
    assert out == {
        "model": "claude-up",
        "system": [{"type": "text", "text": "be brief"}, {"type": "text", "text": "dev rule"}],
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "look"},
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/jpeg", "data": "QUJD"},
                    },
                    {"type": "image", "source": {"type": "url", "url": "https://img/x.png"}},
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "calling"},
                    {"type": "tool_use", "id": "call_1", "name": "lookup", "input": {"q": "x"}},
                ],
            },
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": "call_1", "content": "r1"},
                    {"type": "text", "text": "thanks"},
                ],
            },
        ],
        "max_tokens": 77,
        "temperature": 0.5,
        "top_p": 0.9,
        "stop_sequences": ["END"],
        "tools": [
            {"name": "lookup", "description": "d", "input_schema": TOOL["function"]["parameters"]}
        ],
        "tool_choice": {"type": "tool", "name": "lookup", "disable_parallel_tool_use": True},
        "metadata": {"user_id": "u-1"},
        "stream": True,
    }


def test_default_max_tokens_and_tool_choice_mapping() -> None:
    msgs = [{"role": "user", "content": "x"}]
    assert _render({"messages": msgs})["max_tokens"] == 321
    assert _render({"messages": msgs, "max_tokens": 5})["max_tokens"] == 5
    for choice, want in [
        ("auto", {"type": "auto"}),
        ("required", {"type": "any"}),
        ("none", {"type": "none"}),
    ]:
        assert (
            _render({"messages": msgs, "tools": [TOOL], "tool_choice": choice})["tool_choice"]
            == want
        )
    assert "tool_choice" not in _render({"messages": msgs, "tool_choice": "none"})


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"n": 2}, "n"),
        ({"logprobs": True}, "logprobs"),
        ({"top_logprobs": 2}, "top_logprobs"),
        ({"response_format": {"type": "json_schema", "json_schema": {}}}, "response_format"),
        ({"response_format": {"type": "json_object"}}, "response_format"),
        ({"presence_penalty": 0.5}, "presence_penalty"),
        ({"seed": 3}, "seed"),
        ({"logit_bias": {"1": 2}}, "logit_bias"),
        ({"audio": {"voice": "x"}}, "audio"),
        ({"modalities": ["text", "audio"]}, "modalities"),
        ({"temperature": 1.5}, "temperature"),
        ({"reasoning_effort": "high"}, "reasoning_effort"),
        ({"store": True}, "store"),
        ({"tools": [{"type": "custom", "custom": {"name": "x"}}]}, "tools[0].type"),
        ({"prediction": {"type": "content", "content": "p"}}, "prediction"),
    ],
)
def test_untranslatable_fields_are_refused_by_name(extra: dict[str, Any], field: str) -> None:
    with pytest.raises(UnsupportedFeature) as err:
        _render({"messages": [{"role": "user", "content": "x"}], **extra})
    assert err.value.message.startswith(f"{field}:")


def test_harmless_defaults_pass() -> None:
    out = _render(
        {
            "messages": [{"role": "user", "content": "x"}],
            "n": 1,
            "logprobs": False,
            "presence_penalty": 0,
            "response_format": {"type": "text"},
            "store": False,
        }
    )
    assert out["messages"] == [{"role": "user", "content": [{"type": "text", "text": "x"}]}]


def test_late_system_message_is_refused() -> None:
    msgs = [{"role": "user", "content": "x"}, {"role": "system", "content": "late"}]
    with pytest.raises(UnsupportedFeature, match=r"messages\[1\]"):
        _render({"messages": msgs})


def test_invalid_tool_arguments_are_a_bad_request() -> None:
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{oops"}}
    with pytest.raises(BadRequest, match=r"messages\[0\]\.tool_calls\[0\]\.function\.arguments"):
        _render({"messages": [{"role": "assistant", "content": None, "tool_calls": [call]}]})


def test_input_is_not_mutated() -> None:
    conv = parse_request("openai", {"model": "m", "messages": [{"role": "user", "content": "x"}]})
    render_request(conv.body, "openai", "anthropic", "chat", "c", 9)
    assert conv.body == {"model": "m", "messages": [{"role": "user", "content": "x"}]}


def test_mistral_spellings_translate() -> None:
    part = {"type": "image_url", "image_url": "https://img/x.png"}
    out = _render(
        {
            "messages": [{"role": "user", "content": [part]}],
            "tools": [TOOL],
            "tool_choice": "any",
            "safe_prompt": False,
        }
    )
    assert out["messages"][0]["content"] == [
        {"type": "image", "source": {"type": "url", "url": "https://img/x.png"}}
    ]
    assert out["tool_choice"] == {"type": "any"}
    with pytest.raises(UnsupportedFeature, match="safe_prompt"):
        _render({"messages": [{"role": "user", "content": "x"}], "safe_prompt": True})
