"""Dispatch a client request body to its dialect's parser."""

from __future__ import annotations

from douane.dialects._json import unsupported
from douane.dialects.anthropic_parse import parse_anthropic_messages
from douane.dialects.conversation import Conversation, Dialect
from douane.dialects.openai_parse import parse_openai_chat, parse_openai_embeddings

__all__ = ["parse_request"]


def parse_request(dialect: Dialect, body: object, endpoint: str = "chat") -> Conversation:
    """Validate a client body and list its text-bearing fields.

    Raises BadRequest (or UnsupportedFeature) whose message starts with the field path.
    """
    if dialect == "openai" and endpoint == "chat":
        return parse_openai_chat(body)
    if dialect == "openai" and endpoint == "embeddings":
        return parse_openai_embeddings(body)
    if dialect == "anthropic" and endpoint == "chat":
        return parse_anthropic_messages(body)
    raise unsupported((), f"no '{endpoint}' endpoint in the {dialect} dialect")
