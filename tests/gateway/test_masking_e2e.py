"""Masking through the live gateway: headers, tool-call arguments, cross-turn stability, preview."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anthropic
import httpx
import openai
import pytest

from tests.harness import Gateway

NAME, EMAIL = "Anna Schmidt", "anna.schmidt@example.de"
PROMPT = f"Please use the tool: write to {NAME} at {EMAIL} about the invoice."
OPENAI_TOOLS: Any = [
    {
        "type": "function",
        "function": {
            "name": "lookup",
            "parameters": {"type": "object", "properties": {"text": {"type": "string"}}},
        },
    }
]
ANTHROPIC_TOOLS: Any = [
    {
        "name": "lookup",
        "input_schema": {"type": "object", "properties": {"text": {"type": "string"}}},
    }
]
Recorded = Callable[[], list[dict[str, Any]]]


def _openai(gateway: Gateway) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=gateway.url + "/v1", api_key=gateway.keys["default"], max_retries=0
    )


def _assert_masked_upstream(recorded: Recorded) -> None:
    seen = json.dumps(recorded())
    assert NAME not in seen and EMAIL not in seen
    assert "[PERSON_" in seen and "[EMAIL_" in seen


def test_headers_say_what_was_masked(gateway: Gateway, recorded: Recorded) -> None:
    raw = _openai(gateway).chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "user", "content": f"Hello {NAME}, {EMAIL}"}]
    )
    assert raw.headers["x-douane-decision"] == "mask"
    assert raw.headers["x-douane-masked"] == "EMAIL=1,PERSON=1"
    assert raw.headers["x-douane-route"] == "up-openai/gpt-test (US)"
    assert raw.parse().choices[0].message.content == f"Hello {NAME}, {EMAIL}"
    _assert_masked_upstream(recorded)


def test_eu_provider_receives_personal_data_as_is(gateway: Gateway, recorded: Recorded) -> None:
    raw = _openai(gateway).chat.completions.with_raw_response.create(
        model="mistral-eu", messages=[{"role": "user", "content": f"Hello {NAME}"}]
    )
    assert raw.headers["x-douane-decision"] == "allow"
    assert NAME in json.dumps(recorded())


@pytest.mark.parametrize("model", ["gpt-test", "claude-test"])
@pytest.mark.parametrize("stream", [False, True])
def test_openai_tool_call_arguments_are_restored(
    gateway: Gateway, recorded: Recorded, model: str, stream: bool
) -> None:
    client = _openai(gateway)
    messages: Any = [{"role": "user", "content": PROMPT}]
    if stream:
        arguments = ""
        for chunk in client.chat.completions.create(
            model=model, messages=messages, tools=OPENAI_TOOLS, stream=True
        ):
            for choice in chunk.choices:
                for call in choice.delta.tool_calls or []:
                    arguments += (call.function.arguments or "") if call.function else ""
    else:
        answer = client.chat.completions.create(model=model, messages=messages, tools=OPENAI_TOOLS)
        arguments = answer.choices[0].message.tool_calls[0].function.arguments  # type: ignore[index,union-attr]
    assert json.loads(arguments) == {"text": PROMPT}
    _assert_masked_upstream(recorded)


@pytest.mark.parametrize("model", ["claude-test", "gpt-test"])
@pytest.mark.parametrize("stream", [False, True])
def test_anthropic_tool_use_input_is_restored(
    gateway: Gateway, recorded: Recorded, model: str, stream: bool
) -> None:
    client = anthropic.Anthropic(
        base_url=gateway.url, api_key=gateway.keys["default"], max_retries=0
    )
    kwargs: Any = {
        "model": model,
        "max_tokens": 512,
        "tools": ANTHROPIC_TOOLS,
        "messages": [{"role": "user", "content": PROMPT}],
    }
    if stream:
        with client.messages.stream(**kwargs) as s:
            message = s.get_final_message()
    else:
        message = client.messages.create(**kwargs)
    [use] = [b for b in message.content if b.type == "tool_use"]
    assert use.input == {"text": PROMPT}
    _assert_masked_upstream(recorded)


def test_same_value_gets_the_same_placeholder_on_every_turn(
    gateway: Gateway, recorded: Recorded
) -> None:
    client = _openai(gateway)
    for _ in range(2):
        client.chat.completions.create(
            model="gpt-test", messages=[{"role": "user", "content": f"Call {NAME} today"}]
        )
    first, second = (r["body"]["messages"][-1]["content"] for r in recorded())
    assert first == second and NAME not in first


def test_secret_is_blocked_with_a_message_naming_the_type(
    gateway: Gateway, recorded: Recorded
) -> None:
    with pytest.raises(openai.PermissionDeniedError) as info:
        _openai(gateway).chat.completions.create(
            model="gpt-test",
            messages=[{"role": "user", "content": "key AKIAIOSFODNN7EXAMPLE please"}],
        )
    assert "SECRET" in str(info.value) and "AKIAIOSFODNN7EXAMPLE" not in str(info.value)
    assert recorded() == []


def test_preview_endpoint(gateway: Gateway, recorded: Recorded) -> None:
    response = httpx.post(
        gateway.url + "/douane/v1/preview",
        headers={"authorization": f"Bearer {gateway.keys['default']}"},
        json={"model": "gpt-test", "text": f"Write to {EMAIL}"},
    )
    assert response.status_code == 200
    data = response.json()
    assert [f["type"] for f in data["findings"]] == ["EMAIL"]
    assert EMAIL not in data["provider_text"] and data["provider_text"].startswith(
        "Write to [EMAIL_"
    )
    assert data["decision"]["route"]["jurisdiction"] == "US"
    assert recorded() == []
