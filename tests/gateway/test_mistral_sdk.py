"""The official Mistral SDK against a live gateway (Mistral speaks the OpenAI dialect)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mistralai.client import Mistral

from tests.harness import Gateway

TOOLS: Any = [
    {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": "Look up",
            "parameters": {"type": "object", "properties": {"text": {"type": "string"}}},
        },
    }
]


def _user(text: str) -> Any:
    return [{"role": "user", "content": text}]


@pytest.fixture
def client(gateway: Gateway) -> Mistral:
    return Mistral(api_key=gateway.keys["default"], server_url=gateway.url)


@pytest.mark.parametrize("model", ["mistral-eu", "claude-test"])
def test_chat(client: Mistral, model: str) -> None:
    answer = client.chat.complete(model=model, messages=_user("Bonjour, résume la note."))
    message = answer.choices[0].message
    assert message is not None and message.content == "Bonjour, résume la note."


@pytest.mark.parametrize("model", ["mistral-eu", "claude-test"])
def test_streamed_chat(client: Mistral, model: str) -> None:
    text = "Ein gestreamter Text über mehrere Stücke."
    pieces: list[str] = []
    for event in client.chat.stream(model=model, messages=_user(text)):
        for choice in event.data.choices:
            if isinstance(choice.delta.content, str):
                pieces.append(choice.delta.content)
    assert "".join(pieces) == text


@pytest.mark.parametrize("model", ["mistral-eu", "claude-test"])
def test_tool_call(client: Mistral, model: str) -> None:
    answer = client.chat.complete(
        model=model, messages=_user("use the tool for the Mistral test"), tools=TOOLS
    )
    message = answer.choices[0].message
    assert message is not None and message.tool_calls
    call = message.tool_calls[0]
    assert call.function.name == "lookup"
    arguments = call.function.arguments
    parsed = json.loads(arguments) if isinstance(arguments, str) else arguments
    assert parsed == {"text": "use the tool for the Mistral test"}


def test_embeddings(client: Mistral) -> None:
    result = client.embeddings.create(model="mistral-eu", inputs=["un", "deux"])
    assert len(result.data) == 2
