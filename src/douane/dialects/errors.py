"""Render Douane errors in each dialect's error format and read the upstream's error messages."""

from __future__ import annotations

import json

from douane.dialects._json import JSON
from douane.dialects.conversation import Dialect
from douane.errors import DouaneError

__all__ = ["error_type", "render_error", "render_stream_error", "upstream_error_message"]

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    422: "invalid_request_error",
    429: "rate_limit_error",
    504: "timeout_error",
    529: "overloaded_error",
}
_MAX_MESSAGE = 500


def error_type(dialect: Dialect, status: int) -> str:
    """The error `type` string both official SDKs expect for an HTTP status."""
    if dialect == "anthropic" and status == 503:
        return "overloaded_error"
    if status in _TYPES:
        return _TYPES[status]
    return "invalid_request_error" if 400 <= status < 500 else "api_error"


def render_error(dialect: Dialect, exc: DouaneError) -> tuple[int, JSON]:
    """(HTTP status, body) of `exc` in the client's dialect."""
    kind = error_type(dialect, exc.status)
    if dialect == "openai":
        return exc.status, {
            "error": {"message": exc.message, "type": kind, "param": None, "code": exc.code}
        }
    return exc.status, {"type": "error", "error": {"type": kind, "message": exc.message}}


def render_stream_error(dialect: Dialect, exc: DouaneError) -> bytes:
    """An SSE event that makes the official SDK raise mid-stream (OpenAI: an `error` chunk)."""
    _, body = render_error(dialect, exc)
    data = json.dumps(body, ensure_ascii=False)
    if dialect == "openai":
        return f"data: {data}\n\n".encode()
    return f"event: error\ndata: {data}\n\n".encode()


def _clean(message: str) -> str:
    text = " ".join(message.split())
    return text[:_MAX_MESSAGE] + ("…" if len(text) > _MAX_MESSAGE else "")


def upstream_error_message(dialect: Dialect, status: int, body: bytes) -> str:
    """The upstream's own error message (OpenAI, Mistral or Anthropic shapes), else a summary."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = None
    candidates: list[object] = []
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):
            candidates.append(error.get("message"))
        candidates += [error, data.get("message"), data.get("detail")]
        detail = data.get("detail")
        if isinstance(detail, list) and detail and isinstance(detail[0], dict):
            candidates.append(detail[0].get("msg"))
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return _clean(candidate)
    return f"upstream ({dialect}) returned HTTP {status}"
