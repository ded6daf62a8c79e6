"""The official Mistral SDK against a live gateway (Mistral speaks the OpenAI dialect)."""

from __future__ import annotations

import json

import pytest
from mistralai.client import Mistral

from tests.harness import Gateway


@pytest.fixture
def client(gateway: Gateway) -> Mistral:
    return Mistral(api_key=gateway.keys["default"], server_url=gateway.url)


@pytest.mark.parametrize("model", ["mistral-eu", "claude-test"])
def test_chat(client: Mistral, model: str) -> None:
    answer = client.chat.complete(
        model=model, messages=[{"role": "user", "content": "Bonjour, résume la note."}]
    )
    assert answer.choices[0].message.content == "Bonjour, résume la note."


@pytest.mark.parametrize("model", ["mistral-eu", "claude-test"])
def test_streamed_chat(client: Mistral, model: str) -> None:
    text = "Ein gestreamter Text über mehrere Stücke."
    pieces = []
    for event in client.chat.stream(model=model, messages=[{"role": "user", "content": text}]):
        for choice in event.data.choices:
            if isinstance(choice.delta.content, str):
                pieces.append(choice.delta.content)
    assert "".join(pieces) == text


def test_tool_call(client: Mistral) -> None:
    answer = client.chat.complete(
        model="mistral-eu",
        messages=[{"role": "user", "content": "use the tool for the Mistral test"}],
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "lookup",
                    "description": "Look up",
                    "parameters": {"type": "object", "properties": {"text": {"type": "string"}}},
                },
            }
        ],
    )
    call = answer.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "lookup"
    arguments = call.function.arguments
    parsed = json.loads(arguments) if isinstance(arguments, str) else arguments
    assert parsed == {"text": "use the tool for the Mistral test"}


def test_embeddings(client: Mistral) -> None:
    result = client.embeddings.create(model="mistral-eu", inputs=["un", "deux"])
    assert len(result.data) == 2
