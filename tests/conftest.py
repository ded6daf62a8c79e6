"""Shared fixtures: one demo upstream and one gateway process per test session, on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.harness import Gateway, Process, create_key, free_port, start_gateway, start_upstream

GATEWAY_CONFIG = """\
database: sqlite:///{workdir}/douane.db
secret_key: test-tenant-secret
providers:
  - {{name: up-openai, kind: openai, base_url: "{upstream}/v1", api_key: sk-upstream-openai,
     jurisdiction: US, timeout: 3}}
  - {{name: up-anthropic, kind: anthropic, base_url: "{upstream}", api_key: sk-upstream-anthropic,
     jurisdiction: US, timeout: 3}}
  - {{name: up-eu, kind: openai, base_url: "{upstream}/v1", jurisdiction: EU, timeout: 3}}
  - {{name: up-onprem, kind: openai, base_url: "{upstream}/v1", jurisdiction: on-prem, timeout: 3}}
  - {{name: down, kind: openai, base_url: "http://127.0.0.1:{dead_port}/v1", jurisdiction: US,
     timeout: 3}}
models:
  - {{name: gpt-test, provider: up-openai, model: echo}}
  - {{name: claude-test, provider: up-anthropic, model: echo}}
  - {{name: mistral-eu, provider: up-eu, model: echo}}
  - {{name: local, provider: up-onprem, model: echo}}
  - {{name: unreachable, provider: down, model: echo}}
  - {{name: fail-500, provider: up-openai, model: fail-500}}
  - {{name: fail-429, provider: up-openai, model: fail-429}}
  - {{name: fail-400, provider: up-openai, model: fail-400}}
  - {{name: claude-fail-500, provider: up-anthropic, model: fail-500}}
  - {{name: slow, provider: up-openai, model: slow-10}}
  - {{name: cut-stream, provider: up-openai, model: cut-stream}}
  - {{name: claude-cut-stream, provider: up-anthropic, model: cut-stream}}
  - {{name: bad-sse, provider: up-openai, model: bad-sse}}
  - {{name: hang-stream, provider: up-openai, model: hang-stream}}
teams:
  - {{name: default}}
  - {{name: eng}}
"""


@pytest.fixture(scope="session")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Process]:
    process = start_upstream(tmp_path_factory.mktemp("upstream"))
    yield process
    process.stop()


@pytest.fixture(scope="session")
def gateway(tmp_path_factory: pytest.TempPathFactory, upstream: Process) -> Iterator[Gateway]:
    workdir = tmp_path_factory.mktemp("gateway")
    text = GATEWAY_CONFIG.format(workdir=workdir, upstream=upstream.url, dead_port=free_port())
    gw = start_gateway(workdir, text)
    gw.keys["default"] = create_key(workdir, gw.config)
    yield gw
    gw.process.stop()


@pytest.fixture
def recorded(upstream: Process) -> Callable[[], list[dict[str, Any]]]:
    """Clears the upstream's recording; calling the result returns what it received since."""
    httpx.delete(upstream.url + "/_demo/requests")

    def fetch() -> list[dict[str, Any]]:
        data = httpx.get(upstream.url + "/_demo/requests").json()
        assert isinstance(data, list)
        return data

    return fetch
