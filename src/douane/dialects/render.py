"""Render a (masked) client body for the chosen upstream: same dialect or translated."""

from __future__ import annotations

from douane.dialects._json import JSON, unsupported
from douane.dialects.conversation import Dialect
from douane.dialects.request_to_anthropic import openai_to_anthropic_request
from douane.dialects.request_to_openai import anthropic_to_openai_request

__all__ = ["render_request"]


def render_request(
    conv_body: JSON,
    source: Dialect,
    target: Dialect,
    endpoint: str,
    upstream_model: str,
    default_max_tokens: int,
) -> JSON:
    """The body to send upstream; `conv_body` is not mutated.

    Same dialect: only "model" changes, except that an OpenAI streaming request always asks for
    `stream_options.include_usage` (the ledger needs token counts); the StreamTranslator created
    with `include_usage=False` strips that extra usage-only chunk before the client sees it.
    Raises UnsupportedFeature when the request has no faithful translation.
    """
    if endpoint == "embeddings":
        if source != "openai" or target != "openai":
            raise unsupported(("model",), "embeddings are only available on OpenAI upstreams")
        return {**conv_body, "model": upstream_model}
    if endpoint != "chat":
        raise unsupported((), f"unknown endpoint '{endpoint}'")
    if source == target:
        out = {**conv_body, "model": upstream_model}
        if source == "openai" and conv_body.get("stream") is True:
            options = conv_body.get("stream_options") or {}
            out["stream_options"] = {**options, "include_usage": True}
        return out
    if source == "openai":
        return openai_to_anthropic_request(conv_body, upstream_model, default_max_tokens)
    return anthropic_to_openai_request(conv_body, upstream_model)
