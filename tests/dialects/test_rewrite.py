"""Tests for douane.dialects.rewrite: every generated text goes through fn with its kind."""

from __future__ import annotations

import copy
from typing import Any

from douane.dialects import TextKind, rewrite_response_texts
from tests.dialects.test_response import ANTHROPIC_ANSWER, OPENAI_ANSWER


def _tag(text: str, kind: TextKind) -> str:
    return f"{kind}<{text}>"


def test_openai_content_and_arguments() -> None:
    before = copy.deepcopy(OPENAI_ANSWER)
    out = rewrite_response_texts("openai", OPENAI_ANSWER, _tag)
    message = out["choices"][0]["message"]
    assert message["content"] == "text<let me look>"
    assert message["tool_calls"][0]["function"]["arguments"] == 'json<{"q": "x"}>'
    assert before == OPENAI_ANSWER


def test_openai_content_parts_and_refusal() -> None:
    body = {"choices": [{"message": {"content": [{"type": "text", "text": "a"}], "refusal": "no"}}]}
    out = rewrite_response_texts("openai", body, _tag)
    assert out["choices"][0]["message"] == {
        "content": [{"type": "text", "text": "text<a>"}],
        "refusal": "text<no>",
    }


def test_anthropic_text_and_tool_input_leaves() -> None:
    body: dict[str, Any] = {
        **ANTHROPIC_ANSWER,
        "content": [
            {"type": "text", "text": "hi"},
            {"type": "tool_use", "id": "t", "name": "f", "input": {"q": "x", "n": 2, "l": ["y"]}},
        ],
    }
    out = rewrite_response_texts("anthropic", body, _tag)
    assert out["content"][0]["text"] == "text<hi>"
    assert out["content"][1]["input"] == {"q": "text<x>", "n": 2, "l": ["text<y>"]}
    assert body["content"][0]["text"] == "hi"


def test_bodies_without_texts_pass_through() -> None:
    assert rewrite_response_texts("openai", {"object": "list"}, _tag) == {"object": "list"}
    assert rewrite_response_texts("anthropic", {"type": "x"}, _tag) == {"type": "x"}
