"""The official Anthropic SDK against a live gateway, same-dialect and cross-dialect routes."""

from __future__ import annotations

from typing import Any

import anthropic
import pytest

from tests.harness import Gateway

TOOLS: list[Any] = [
    {
        "name": "lookup",
        "description": "Look something up",
        "input_schema": {
            "type": "object",
            "properties": {"text": {"type": "string"}},
            "required": ["text"],
        },
    }
]
MODELS = ["claude-test", "gpt-test"]


@pytest.fixture
def client(gateway: Gateway) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=gateway.url, api_key=gateway.keys["default"], max_retries=0)


@pytest.mark.parametrize("model", MODELS)
def test_message_with_system_prompt(client: anthropic.Anthropic, model: str) -> None:
    message = client.messages.create(
        model=model,
        max_tokens=256,
        system="Be brief.",
        messages=[{"role": "user", "content": "Summarise the supplier memo."}],
    )
    assert message.model == model
    assert message.content[0].type == "text"
    assert message.content[0].text == "Summarise the supplier memo."
    assert message.stop_reason == "end_turn"
    assert message.usage.output_tokens > 0


@pytest.mark.parametrize("model", MODELS)
def test_streamed_message_every_event_type(client: anthropic.Anthropic, model: str) -> None:
    text = "Streaming through Douane keeps every Anthropic event in order."
    seen: list[str] = []
    with client.messages.stream(
        model=model, max_tokens=256, messages=[{"role": "user", "content": text}]
    ) as stream:
        for event in stream:
            seen.append(event.type)
        final = stream.get_final_message()
    assert final.content[0].text == text  # type: ignore[union-attr]
    assert final.stop_reason == "end_turn"
    for kind in (
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ):
        assert kind in seen, kind
    assert seen[0] == "message_start" and seen[-1] == "message_stop"


@pytest.mark.parametrize("model", MODELS)
def test_tool_use_and_tool_result(client: anthropic.Anthropic, model: str) -> None:
    question = "Please use the tool to fetch the drawing list"
    first = client.messages.create(
        model=model, max_tokens=256, tools=TOOLS, messages=[{"role": "user", "content": question}]
    )
    assert first.stop_reason == "tool_use"
    [use] = [b for b in first.content if b.type == "tool_use"]
    assert use.name == "lookup" and use.input == {"text": question}
    second = client.messages.create(
        model=model,
        max_tokens=256,
        tools=TOOLS,
        messages=[
            {"role": "user", "content": question},
            {"role": "assistant", "content": [b.model_dump() for b in first.content]},  # type: ignore[list-item,misc]
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": use.id,
                        "content": "Drawing list: A-1, A-2",
                    }
                ],
            },
        ],
    )
    assert second.content[0].text == "Drawing list: A-1, A-2"  # type: ignore[union-attr]


@pytest.mark.parametrize("model", MODELS)
def test_streamed_tool_use(client: anthropic.Anthropic, model: str) -> None:
    with client.messages.stream(
        model=model,
        max_tokens=256,
        tools=TOOLS,
        messages=[{"role": "user", "content": "use the tool with streamed json"}],
    ) as stream:
        final = stream.get_final_message()
    [use] = [b for b in final.content if b.type == "tool_use"]
    assert use.input == {"text": "use the tool with streamed json"}
    assert final.stop_reason == "tool_use"


def test_content_blocks_and_provider_key(client: anthropic.Anthropic, recorded: Any) -> None:
    message = client.messages.create(
        model="claude-test",
        max_tokens=64,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "block one"},
                    {"type": "text", "text": "block two"},
                ],
            }
        ],
    )
    assert message.content[0].text == "block one\nblock two"  # type: ignore[union-attr]
    [seen] = recorded()
    assert "sk-upstream-anthropic" in str(seen)
    assert "dk-" not in str(seen)


def test_models_list_in_anthropic_shape(client: anthropic.Anthropic) -> None:
    names = {m.id for m in client.models.list()}
    assert {"claude-test", "gpt-test"} <= names
