"""Tests for douane.dialects.render: same-dialect passthrough, embeddings, dispatch."""

from __future__ import annotations

import pytest

from douane.dialects import render_request
from douane.errors import UnsupportedFeature


def test_same_dialect_replaces_only_the_model() -> None:
    body = {"model": "client", "messages": [{"role": "user", "content": "x"}], "seed": 4, "n": 3}
    out = render_request(body, "openai", "openai", "chat", "up", 10)
    assert out == {**body, "model": "up"} and body["model"] == "client"
    anth = {"model": "client", "max_tokens": 5, "messages": [], "thinking": {"type": "enabled"}}
    assert render_request(anth, "anthropic", "anthropic", "chat", "up", 10) == {
        **anth,
        "model": "up",
    }


def test_openai_stream_always_asks_for_usage_keeping_client_options() -> None:
    body = {"model": "c", "messages": [], "stream": True, "stream_options": {"x": 1}}
    out = render_request(body, "openai", "openai", "chat", "up", 10)
    assert out["stream_options"] == {"x": 1, "include_usage": True}
    assert body["stream_options"] == {"x": 1}


def test_embeddings() -> None:
    body = {"model": "c", "input": ["a"]}
    assert render_request(body, "openai", "openai", "embeddings", "e", 1) == {
        "model": "e",
        "input": ["a"],
    }
    with pytest.raises(UnsupportedFeature, match="embeddings"):
        render_request(body, "openai", "anthropic", "embeddings", "e", 1)


def test_unknown_endpoint() -> None:
    with pytest.raises(UnsupportedFeature, match="unknown endpoint"):
        render_request({}, "openai", "openai", "images", "e", 1)
