"""Tests for douane.dialects.response: answers translated back, validated by the SDK types."""

from __future__ import annotations

import json
from typing import Any

import pytest
from anthropic.types import Message
from openai.types.chat import ChatCompletion

from douane.dialects import render_response, usage_of
from douane.errors import UpstreamError

OPENAI_ANSWER: dict[str, Any] = {
    "id": "chatcmpl-9",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-up",
    "choices": [
        {
            "index": 0,
            "finish_reason": "tool_calls",
            "message": {
                "role": "assistant",
                "content": "let me look",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "lookup", "arguments": '{"q": "x"}'},
                    }
                ],
            },
        }
    ],
    "usage": {"prompt_tokens": 10, "completion_tokens": 4, "total_tokens": 14},
}
ANTHROPIC_ANSWER: dict[str, Any] = {
    "id": "msg_9",
    "type": "message",
    "role": "assistant",
    "model": "claude-up",
    "content": [
        {"type": "text", "text": "let me "},
        {"type": "text", "text": "look"},
        {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"q": "x"}},
    ],
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": {"input_tokens": 10, "output_tokens": 4, "cache_read_input_tokens": 5},
}


def test_openai_to_anthropic() -> None:
    out = render_response(OPENAI_ANSWER, "openai", "anthropic", "client-m")
    msg = Message.model_validate(out)
    assert msg.model == "client-m" and msg.stop_reason == "tool_use"
    assert msg.content[0].type == "text" and msg.content[0].text == "let me look"
    assert msg.content[1].type == "tool_use" and msg.content[1].input == {"q": "x"}
    assert msg.content[1].id == "call_1"
    assert (msg.usage.input_tokens, msg.usage.output_tokens) == (10, 4)


def test_anthropic_to_openai() -> None:
    out = render_response(ANTHROPIC_ANSWER, "anthropic", "openai", "client-m")
    completion = ChatCompletion.model_validate(out)
    choice = completion.choices[0]
    assert completion.model == "client-m" and choice.finish_reason == "tool_calls"
    assert choice.message.content == "let me look"
    call = choice.message.tool_calls[0]  # type: ignore[index]
    assert call.id == "toolu_1" and json.loads(call.function.arguments) == {"q": "x"}  # type: ignore[union-attr]
    assert completion.usage and completion.usage.prompt_tokens == 15
    assert completion.usage.total_tokens == 19


@pytest.mark.parametrize(
    ("finish", "stop"),
    [
        ("stop", "end_turn"),
        ("length", "max_tokens"),
        ("tool_calls", "tool_use"),
        ("content_filter", "refusal"),
    ],
)
def test_finish_reason_mapping_both_ways(finish: str, stop: str) -> None:
    oa = {**OPENAI_ANSWER, "choices": [{**OPENAI_ANSWER["choices"][0], "finish_reason": finish}]}
    assert render_response(oa, "openai", "anthropic", "m")["stop_reason"] == stop
    an = {**ANTHROPIC_ANSWER, "stop_reason": stop}
    assert render_response(an, "anthropic", "openai", "m")["choices"][0]["finish_reason"] == finish
    an = {**ANTHROPIC_ANSWER, "stop_reason": "stop_sequence"}
    assert render_response(an, "anthropic", "openai", "m")["choices"][0]["finish_reason"] == "stop"


def test_same_dialect_only_renames_model() -> None:
    out = render_response(OPENAI_ANSWER, "openai", "openai", "client-m")
    assert out == {**OPENAI_ANSWER, "model": "client-m"} and OPENAI_ANSWER["model"] == "gpt-up"


@pytest.mark.parametrize(
    ("body", "source"),
    [
        ([], "openai"),
        ({"choices": []}, "openai"),
        ({"choices": [{"message": "x"}]}, "openai"),
        (
            {
                "choices": [
                    {"message": {"tool_calls": [{"function": {"name": "f", "arguments": "{x"}}]}}
                ]
            },
            "openai",
        ),
        ({"content": "x"}, "anthropic"),
        ({"content": [{"type": "mystery"}]}, "anthropic"),
    ],
)
def test_malformed_upstream_answers_raise(body: Any, source: str) -> None:
    target = "anthropic" if source == "openai" else "openai"
    with pytest.raises(UpstreamError, match="malformed upstream answer"):
        render_response(body, source, target, "m")  # type: ignore[arg-type]


def test_usage_of() -> None:
    assert usage_of("openai", OPENAI_ANSWER) == (10, 4)
    assert usage_of("anthropic", ANTHROPIC_ANSWER) == (15, 4)
    assert usage_of("openai", {"usage": {"prompt_tokens": 3, "total_tokens": 3}}) == (3, None)
    assert usage_of("anthropic", {}) == (None, None)
