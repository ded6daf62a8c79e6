"""Fail closed: a fault in scanning, policy, masking or the ledger refuses the request with a 503
in the client's dialect, and nothing reaches the upstream."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from starlette.testclient import TestClient

from douane.config import Config, parse_config
from douane.errors import LedgerUnavailable
from douane.gateway.app import create_app
from douane.gateway.services import Services, build_services
from tests.stub_upstream import stub_upstream

SECRET_VALUE = "Jonas Becker"


class Broken:
    """Stands in for any component: every method raises an error quoting the prompt."""

    def __init__(self, exc: Exception) -> None:
        self._exc = exc

    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise self._exc

        return fail


class BrokenLedger(Broken):
    async def begin(self, record: Any) -> None:
        raise LedgerUnavailable("ledger write failed")

    async def ping(self) -> None:
        raise LedgerUnavailable("ledger down")

    def close(self) -> None:
        pass


class BrokenProviders(Broken):
    async def aclose(self) -> None:
        pass


ANSWER = {
    "id": "c1",
    "object": "chat.completion",
    "created": 0,
    "model": "echo",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}
    ],
}


def _config(tmp_path: Path, upstream: str) -> Config:
    return parse_config(
        f"""
database: sqlite:///{tmp_path}/d.db
secret_key: k
providers:
  - {{name: up, kind: openai, base_url: "{upstream}/v1", jurisdiction: US}}
models:
  - {{name: m, provider: up, model: echo}}
"""
    )


@pytest.fixture
def calls() -> list[str]:
    return []


def _client(tmp_path: Path, calls: list[str], **broken: Any) -> Iterator[TestClient]:
    async def upstream(request: web.Request) -> web.StreamResponse:
        calls.append(request.path)
        return web.json_response(ANSWER)

    def factory(cfg: Config) -> Services:
        return build_services(cfg, **broken)

    with (
        stub_upstream(upstream) as url,
        TestClient(create_app(_config(tmp_path, url), factory)) as client,
    ):
        from douane.keys import KeyStore

        services: Services = client.app.state.services  # type: ignore[attr-defined]
        _, key = KeyStore(services.engine, services.config.resolved_secret_key()).create(
            "t", "default"
        )
        client.headers["authorization"] = f"Bearer {key}"
        yield client


def _ask(client: TestClient, stream: bool) -> Any:
    """An OpenAI chat request whose prompt holds the value no error may echo."""
    return client.post(
        "/v1/chat/completions",
        json={
            "model": "m",
            "stream": stream,
            "messages": [{"role": "user", "content": f"Hi {SECRET_VALUE}"}],
        },
    )


FAULTS = {
    "scanner": Broken(RuntimeError(f"detector crashed on {SECRET_VALUE}")),
    "policy": Broken(KeyError(SECRET_VALUE)),
    "masker": Broken(ValueError(f"cannot mask {SECRET_VALUE}")),
    "ledger": BrokenLedger(RuntimeError("unused")),
}


def test_without_a_fault_the_request_reaches_the_upstream(tmp_path: Path, calls: list[str]) -> None:
    """The control for the tests below: the same request, nothing broken, is forwarded."""
    for client in _client(tmp_path, calls):
        response = client.post(
            "/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": f"Hi {SECRET_VALUE}"}]},
        )
        assert response.status_code == 200, response.text
        assert response.json()["choices"][0]["message"]["content"] == "ok"
    assert calls == ["/v1/chat/completions"]


@pytest.mark.parametrize("component", list(FAULTS))
@pytest.mark.parametrize("stream", [False, True])
def test_fault_refuses_openai_request_without_forwarding(
    tmp_path: Path, calls: list[str], component: str, stream: bool
) -> None:
    for client in _client(tmp_path, calls, **{component: FAULTS[component]}):
        response = _ask(client, stream)
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] in ("scan_failed", "ledger_unavailable")
        assert SECRET_VALUE not in response.text
    assert calls == []


@pytest.mark.parametrize("component", list(FAULTS))
def test_fault_refuses_anthropic_request_without_forwarding(
    tmp_path: Path, calls: list[str], component: str
) -> None:
    for client in _client(tmp_path, calls, **{component: FAULTS[component]}):
        response = client.post(
            "/v1/messages",
            headers={"anthropic-version": "2023-06-01"},
            json={
                "model": "m",
                "max_tokens": 5,
                "messages": [{"role": "user", "content": f"Hi {SECRET_VALUE}"}],
            },
        )
        assert response.status_code == 503
        body = response.json()
        assert body["type"] == "error" and body["error"]["type"] in (
            "api_error",
            "overloaded_error",
        )
        assert SECRET_VALUE not in response.text
    assert calls == []


def test_readyz_reports_an_unavailable_ledger(tmp_path: Path, calls: list[str]) -> None:
    for client in _client(tmp_path, calls, ledger=FAULTS["ledger"]):
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "reason": "ledger_unavailable"}


@pytest.mark.parametrize("stream", [False, True])
def test_unexpected_error_answers_in_the_dialect_without_its_message(
    tmp_path: Path, calls: list[str], stream: bool
) -> None:
    broken = BrokenProviders(RuntimeError(f"bug while forwarding {SECRET_VALUE}"))
    for client in _client(tmp_path, calls, providers=broken):
        response = _ask(client, stream)
        assert response.status_code == 500
        error = response.json()["error"]
        assert error["code"] == "internal_error"
        assert "RuntimeError" in error["message"]
        assert SECRET_VALUE not in response.text
