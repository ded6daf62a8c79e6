"""The official OpenAI SDK against a live gateway: chat, streaming, tools, embeddings, models."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import openai
import pytest

from tests.harness import Gateway

TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": "Look something up",
            "parameters": {
                "type": "object",
                "properties": {"text": {"type": "string"}},
                "required": ["text"],
            },
        },
    }
]


@pytest.fixture
def client(gateway: Gateway) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=gateway.url + "/v1", api_key=gateway.keys["default"], max_retries=0
    )


@pytest.mark.parametrize("model", ["gpt-test", "claude-test"])
def test_chat_completion_same_and_cross_dialect(client: openai.OpenAI, model: str) -> None:
    answer = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Summarise the quarterly figures."},
        ],
    )
    assert answer.model == model
    assert answer.choices[0].message.content == "Summarise the quarterly figures."
    assert answer.choices[0].finish_reason == "stop"
    assert answer.usage is not None and answer.usage.prompt_tokens > 0


@pytest.mark.parametrize("model", ["gpt-test", "claude-test"])
def test_streamed_chat_same_and_cross_dialect(client: openai.OpenAI, model: str) -> None:
    text = "A longer answer, streamed in many small pieces to the client."
    stream = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": text}],
        stream=True,
        stream_options={"include_usage": True},
    )
    pieces, finish, usage = [], None, None
    for chunk in stream:
        if chunk.usage:
            usage = chunk.usage
        for choice in chunk.choices:
            pieces.append(choice.delta.content or "")
            finish = choice.finish_reason or finish
    assert "".join(pieces) == text
    assert len([p for p in pieces if p]) > 3
    assert finish == "stop"
    assert usage is not None and usage.completion_tokens > 0


@pytest.mark.parametrize("model", ["gpt-test", "claude-test"])
def test_tool_call_round_trip(client: openai.OpenAI, model: str) -> None:
    first = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "Please use the tool for the Q3 report"}],
        tools=TOOLS,
    )
    call = first.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert first.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "lookup"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments)["text"] == "Please use the tool for the Q3 report"  # type: ignore[union-attr]
    second = client.chat.completions.create(
        model=model,
        messages=[
            {"role": "user", "content": "Please use the tool for the Q3 report"},
            first.choices[0].message.model_dump(exclude_none=True),  # type: ignore[list-item]
            {"role": "tool", "tool_call_id": call.id, "content": "Q3 revenue was up."},
        ],
        tools=TOOLS,
    )
    assert second.choices[0].message.content == "Q3 revenue was up."


@pytest.mark.parametrize("model", ["gpt-test", "claude-test"])
def test_streamed_tool_call(client: openai.OpenAI, model: str) -> None:
    stream = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "use the tool: streamed arguments"}],
        tools=TOOLS,
        stream=True,
    )
    name, arguments, finish = "", "", None
    for chunk in stream:
        for choice in chunk.choices:
            for call in choice.delta.tool_calls or []:
                name += call.function.name or "" if call.function else ""
                arguments += call.function.arguments or "" if call.function else ""
            finish = choice.finish_reason or finish
    assert name == "lookup"
    assert json.loads(arguments) == {"text": "use the tool: streamed arguments"}
    assert finish == "tool_calls"


def test_multipart_content_and_provider_key(
    client: openai.OpenAI, recorded: Callable[[], list[dict[str, Any]]]
) -> None:
    answer = client.chat.completions.create(
        model="gpt-test",
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "part one"},
                    {"type": "text", "text": "part two"},
                ],
            }
        ],
    )
    assert answer.choices[0].message.content == "part one\npart two"
    [seen] = recorded()
    assert "sk-upstream-openai" in json.dumps(seen)
    assert "dk-" not in json.dumps(seen)


def test_n_choices(client: openai.OpenAI) -> None:
    answer = client.chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": "twice"}], n=2
    )
    assert [c.message.content for c in answer.choices] == ["twice", "twice"]


def test_n_greater_than_one_cannot_go_to_anthropic(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(
            model="claude-test", messages=[{"role": "user", "content": "twice"}], n=2
        )
    assert "n" in str(info.value)


def test_embeddings(client: openai.OpenAI) -> None:
    result = client.embeddings.create(model="gpt-test", input=["alpha", "beta"])
    assert len(result.data) == 2
    assert len(result.data[0].embedding) > 0
    assert result.data[0].embedding != result.data[1].embedding


def test_models_lists_configured_names(client: openai.OpenAI) -> None:
    names = {m.id for m in client.models.list()}
    assert {"gpt-test", "claude-test", "mistral-eu", "local"} <= names
