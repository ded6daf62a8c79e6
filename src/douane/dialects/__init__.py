"""Client and upstream dialects (OpenAI, Anthropic): parse, translate, stream, render errors."""

from __future__ import annotations

from douane.dialects.conversation import Conversation, Dialect, Endpoint, TextKind
from douane.dialects.errors import render_error, render_stream_error, upstream_error_message
from douane.dialects.parse import parse_request
from douane.dialects.render import render_request
from douane.dialects.response import render_response, usage_of
from douane.dialects.rewrite import rewrite_response_texts
from douane.dialects.sse import SSEDecoder, SSEEvent, encode_sse
from douane.dialects.stream_rewrite import StreamTextRewriter, TextStage
from douane.dialects.stream_translate import StreamTranslator

__all__ = [
    "Conversation",
    "Dialect",
    "Endpoint",
    "SSEDecoder",
    "SSEEvent",
    "StreamTextRewriter",
    "StreamTranslator",
    "TextKind",
    "TextStage",
    "encode_sse",
    "parse_request",
    "render_error",
    "render_request",
    "render_response",
    "render_stream_error",
    "rewrite_response_texts",
    "upstream_error_message",
    "usage_of",
]
