"""Tests for douane.dialects.errors: every DouaneError in both dialects, as the SDKs parse it."""

from __future__ import annotations

import json

import anthropic
import httpx2
import openai
import pytest

from douane import errors
from douane.dialects import SSEDecoder, render_error, render_stream_error, upstream_error_message
from douane.dialects.errors import error_type

ALL_ERRORS = [
    cls
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, errors.DouaneError)
]
SECRET = "alice@example.com"


@pytest.mark.parametrize("cls", ALL_ERRORS)
def test_openai_shape_for_every_error(cls: type[errors.DouaneError]) -> None:
    exc = cls("refused: EMAIL in messages[0].content")
    status, body = render_error("openai", exc)
    assert status == exc.status
    assert set(body) == {"error"}
    assert body["error"] == {
        "message": exc.message,
        "type": error_type("openai", status),
        "param": None,
        "code": exc.code,
    }


@pytest.mark.parametrize("cls", ALL_ERRORS)
def test_anthropic_shape_for_every_error(cls: type[errors.DouaneError]) -> None:
    exc = cls("refused")
    status, body = render_error("anthropic", exc)
    assert status == exc.status and body["type"] == "error"
    assert set(body["error"]) == {"type", "message"}


@pytest.mark.parametrize(
    ("status", "oa", "an"),
    [
        (400, "invalid_request_error", "invalid_request_error"),
        (401, "authentication_error", "authentication_error"),
        (403, "permission_error", "permission_error"),
        (404, "not_found_error", "not_found_error"),
        (429, "rate_limit_error", "rate_limit_error"),
        (500, "api_error", "api_error"),
        (502, "api_error", "api_error"),
        (503, "api_error", "overloaded_error"),
        (504, "timeout_error", "timeout_error"),
        (418, "invalid_request_error", "invalid_request_error"),
    ],
)
def test_types_by_status(status: int, oa: str, an: str) -> None:
    assert error_type("openai", status) == oa and error_type("anthropic", status) == an


@pytest.mark.parametrize(
    ("exc", "sdk_error"),
    [
        (errors.BadRequest("x"), "BadRequestError"),
        (errors.AuthError("x"), "AuthenticationError"),
        (errors.PolicyBlocked("x"), "PermissionDeniedError"),
        (errors.NotFound("x"), "NotFoundError"),
        (errors.UpstreamError("x", status=429), "RateLimitError"),
        (errors.ScanFailed("x"), "InternalServerError"),
    ],
)
def test_official_sdks_raise_their_typed_errors(exc: errors.DouaneError, sdk_error: str) -> None:
    def transport(dialect: str) -> httpx2.Client:
        status, body = render_error(dialect, exc)  # type: ignore[arg-type]
        return httpx2.Client(
            transport=httpx2.MockTransport(lambda r: httpx2.Response(status, json=body))
        )

    oa = openai.OpenAI(
        api_key="k", base_url="http://t/v1", max_retries=0, http_client=transport("openai")
    )
    with pytest.raises(getattr(openai, sdk_error)) as oa_err:
        oa.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert oa_err.value.code == exc.code
    an = anthropic.Anthropic(
        api_key="k", base_url="http://t", max_retries=0, http_client=transport("anthropic")
    )
    with pytest.raises(getattr(anthropic, sdk_error)):
        an.messages.create(model="m", max_tokens=5, messages=[{"role": "user", "content": "x"}])


def _sse_response(raw: bytes) -> httpx2.Client:
    headers = {"content-type": "text/event-stream"}
    return httpx2.Client(
        transport=httpx2.MockTransport(lambda r: httpx2.Response(200, content=raw, headers=headers))
    )


def test_stream_errors_make_both_sdks_raise_mid_stream() -> None:
    exc = errors.UpstreamError("provider 'x' ended the stream early")
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}],
    }
    first = f"data: {json.dumps(chunk)}\n\n".encode()
    oa = openai.OpenAI(
        api_key="k",
        base_url="http://t/v1",
        max_retries=0,
        http_client=_sse_response(first + render_stream_error("openai", exc)),
    )
    stream = oa.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "x"}], stream=True
    )
    with pytest.raises(openai.APIError, match="ended the stream early"):
        list(stream)
    an = anthropic.Anthropic(
        api_key="k",
        base_url="http://t",
        max_retries=0,
        http_client=_sse_response(render_stream_error("anthropic", exc)),
    )
    with pytest.raises(anthropic.APIStatusError, match="ended the stream early"):
        list(
            an.messages.create(
                model="m", max_tokens=5, messages=[{"role": "user", "content": "x"}], stream=True
            )
        )


def test_stream_error_is_one_sse_event() -> None:
    raw = render_stream_error("anthropic", errors.PolicyBlocked("no"))
    [event] = SSEDecoder().feed(raw)
    assert event.event == "error" and json.loads(event.data)["error"]["type"] == "permission_error"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"error": {"message": "Rate limit reached", "type": "requests"}}', "Rate limit reached"),
        (
            b'{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}',
            "Overloaded",
        ),
        (
            b'{"object": "error", "message": "Invalid model", "type": "invalid_model"}',
            "Invalid model",
        ),
        (b'{"detail": [{"loc": ["body"], "msg": "field required"}]}', "field required"),
        (b'{"error": "plain string"}', "plain string"),
        (b"<html>502 Bad Gateway</html>", "upstream (openai) returned HTTP 502"),
        (b"", "upstream (openai) returned HTTP 502"),
    ],
)
def test_upstream_error_message(body: bytes, message: str) -> None:
    assert upstream_error_message("openai", 502, body) == message


def test_upstream_error_message_is_bounded_and_single_line() -> None:
    body = json.dumps({"error": {"message": "x\n" * 2000}}).encode()
    got = upstream_error_message("anthropic", 400, body)
    assert "\n" not in got and len(got) <= 501


def test_error_bodies_carry_only_the_message_given() -> None:
    exc = errors.PolicyBlocked("blocked: EMAIL at messages[0].content")
    for dialect in ("openai", "anthropic"):
        _, body = render_error(dialect, exc)
        assert SECRET not in json.dumps(body)
