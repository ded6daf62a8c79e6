"""Every failure reaches the client as a well-formed error in its own dialect; nothing hangs."""

from __future__ import annotations

import time
from typing import Any

import anthropic
import httpx
import openai
import pytest

from tests.harness import Gateway

OPENAI_KEYS = {"message", "type", "param", "code"}


def _openai_error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) >= OPENAI_KEYS
    return body["error"]  # type: ignore[no-any-return]


def _anthropic_error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert body["type"] == "error"
    assert {"type", "message"} <= set(body["error"])
    return body["error"]  # type: ignore[no-any-return]


def _post(
    gateway: Gateway, path: str, body: Any, key: str | None = None, **kw: Any
) -> httpx.Response:
    headers = {"authorization": f"Bearer {key or gateway.keys['default']}"}
    if path == "/v1/messages":
        headers["anthropic-version"] = "2023-06-01"
    if isinstance(body, (bytes, str)):
        return httpx.post(gateway.url + path, content=body, headers=headers, timeout=30, **kw)
    return httpx.post(gateway.url + path, json=body, headers=headers, timeout=30, **kw)


CHAT = {"model": "gpt-test", "messages": [{"role": "user", "content": "hi"}]}
MSG = {"model": "claude-test", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}


def test_bad_keys_get_401_in_each_dialect(gateway: Gateway) -> None:
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(
            base_url=gateway.url + "/v1", api_key="dk-nope-nope", max_retries=0
        ).chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(anthropic.AuthenticationError):
        anthropic.Anthropic(base_url=gateway.url, api_key="wrong", max_retries=0).messages.create(
            model="claude-test", max_tokens=5, messages=[{"role": "user", "content": "hi"}]
        )
    response = httpx.post(gateway.url + "/v1/chat/completions", json=CHAT)
    assert response.status_code == 401
    assert "missing Douane API key" in _openai_error(response)["message"]


def test_revoked_key_is_refused(gateway: Gateway) -> None:
    from tests.harness import create_key, douane

    key = create_key(gateway.workdir, gateway.config, name="to-revoke")
    assert _post(gateway, "/v1/chat/completions", CHAT, key=key).status_code == 200
    key_id = key.split("-")[1]
    douane("keys", "revoke", "--config", str(gateway.config), key_id, cwd=gateway.workdir)
    deadline = time.monotonic() + 10  # revocation reaches every process within the key cache TTL
    while time.monotonic() < deadline:
        response = _post(gateway, "/v1/chat/completions", CHAT, key=key)
        if response.status_code == 401:
            break
        time.sleep(0.5)
    assert response.status_code == 401
    assert "revoked" in _openai_error(response)["message"]


def test_malformed_json_is_400_in_each_dialect(gateway: Gateway) -> None:
    response = _post(gateway, "/v1/chat/completions", b"{not json")
    assert response.status_code == 400
    assert "not valid JSON" in _openai_error(response)["message"]
    response = _post(gateway, "/v1/messages", b"[1,")
    assert response.status_code == 400
    assert _anthropic_error(response)["type"] == "invalid_request_error"


def test_unpaired_surrogate_is_400_and_paired_ones_pass(gateway: Gateway) -> None:
    lone = b'{"model": "gpt-test", "messages": [{"role": "user", "content": "x\\ud800y"}]}'
    response = _post(gateway, "/v1/chat/completions", lone)
    assert response.status_code == 400
    assert "surrogate" in _openai_error(response)["message"]
    paired = b'{"model": "gpt-test", "messages": [{"role": "user", "content": "\\ud83d\\ude00"}]}'
    response = _post(gateway, "/v1/chat/completions", paired)
    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == "\U0001f600"


def test_invalid_request_shape_names_the_field(gateway: Gateway) -> None:
    response = _post(gateway, "/v1/chat/completions", {"model": "gpt-test", "messages": "hi"})
    assert response.status_code == 400
    assert "messages" in _openai_error(response)["message"]


def test_unknown_model_is_404_naming_available_models(gateway: Gateway) -> None:
    response = _post(gateway, "/v1/chat/completions", {**CHAT, "model": "gpt-99"})
    assert response.status_code == 404
    assert "gpt-test" in _openai_error(response)["message"]
    response = _post(gateway, "/v1/messages", {**MSG, "model": "claude-99"})
    assert response.status_code == 404
    assert _anthropic_error(response)["type"] == "not_found_error"


@pytest.mark.parametrize(
    ("model", "status"),
    [("unreachable", 502), ("fail-500", 502), ("fail-429", 429), ("fail-400", 400), ("slow", 504)],
)
def test_upstream_failures_map_to_statuses(gateway: Gateway, model: str, status: int) -> None:
    started = time.monotonic()
    response = _post(gateway, "/v1/chat/completions", {**CHAT, "model": model})
    assert response.status_code == status
    assert _openai_error(response)["message"]
    assert time.monotonic() - started < 10


def test_upstream_failure_in_anthropic_dialect(gateway: Gateway) -> None:
    response = _post(gateway, "/v1/messages", {**MSG, "model": "claude-fail-500"})
    assert response.status_code == 502
    assert _anthropic_error(response)["type"] == "api_error"


@pytest.mark.parametrize("model", ["cut-stream", "bad-sse", "hang-stream"])
def test_broken_streams_end_with_an_error_the_sdk_raises(gateway: Gateway, model: str) -> None:
    client = openai.OpenAI(
        base_url=gateway.url + "/v1", api_key=gateway.keys["default"], max_retries=0
    )
    started = time.monotonic()
    with pytest.raises(openai.APIError):
        for _ in client.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": "stream something long"}],
            stream=True,
        ):
            pass
    assert time.monotonic() - started < 15


def test_cut_stream_in_anthropic_dialect_raises(gateway: Gateway) -> None:
    client = anthropic.Anthropic(
        base_url=gateway.url, api_key=gateway.keys["default"], max_retries=0
    )
    with (
        pytest.raises(anthropic.APIError),
        client.messages.stream(
            model="claude-cut-stream",
            max_tokens=50,
            messages=[{"role": "user", "content": "a long answer"}],
        ) as stream,
    ):
        stream.get_final_message()


def test_unknown_endpoint_is_404_json(gateway: Gateway) -> None:
    response = httpx.get(gateway.url + "/v1/nothing")
    assert response.status_code == 404
    _openai_error(response)


def test_health_ready_and_metrics(gateway: Gateway) -> None:
    assert httpx.get(gateway.url + "/healthz").json() == {"status": "ok"}
    assert httpx.get(gateway.url + "/readyz").json() == {"status": "ready"}
    _post(gateway, "/v1/chat/completions", CHAT)
    text = httpx.get(gateway.url + "/metrics").text
    assert "douane_requests_total" in text and "douane_stage_seconds_bucket" in text
