"""Issue 4's end-to-end bar: replay the whole dev corpus through a live gateway to a recording US
upstream that echoes the prompt, with the OpenAI and Anthropic SDKs, streamed (chunks of 1-7
characters) and not.

- Nothing the default policy masks or blocks reaches the upstream.
- The client gets its original text back, character for character, in >= 99.5 % of records.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anthropic
import httpx
import openai
import pytest

from tests.harness import Gateway, Process, create_key, douane, start_gateway

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"
RECORDS = [json.loads(line) for line in (EVAL / "dev.jsonl").read_text().splitlines() if line]
CONFIG = """\
database: sqlite:///{workdir}/douane.db
secret_key: leak-test-secret
codenames: {eval}/terms.csv
providers:
  - {{name: us-openai, kind: openai, base_url: "{upstream}/v1", jurisdiction: US}}
  - {{name: us-anthropic, kind: anthropic, base_url: "{upstream}", jurisdiction: US}}
models:
  - {{name: gpt-us, provider: us-openai, model: echo}}
  - {{name: claude-us, provider: us-anthropic, model: echo}}
teams:
  - {{name: default}}
"""


def _allowed_to_us() -> set[str]:
    """Gold values the default policy lets reach a US provider: markings (level internal) and
    codenames listed as internal."""
    with (EVAL / "terms.csv").open() as fh:
        return {row["term"].casefold() for row in csv.DictReader(fh) if row["level"] == "internal"}


INTERNAL_TERMS = _allowed_to_us()


def protected_values(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(type, value) of every gold span that must not reach a US provider."""
    out = []
    for span in record["spans"]:
        if span["type"] == "MARKING":
            continue
        if span["type"] == "CODENAME" and span["value"].casefold() in INTERNAL_TERMS:
            continue
        out.append((span["type"], span["value"]))
    return out


@dataclass
class Replay:
    """Counts of one replay run."""

    sent: int = 0
    blocked: int = 0
    exact: int = 0
    leaks: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def leak_gateway(tmp_path_factory: pytest.TempPathFactory, upstream: Process) -> Iterator[Gateway]:
    workdir = tmp_path_factory.mktemp("leak")
    config = workdir / "douane.yaml"
    config.write_text(CONFIG.format(workdir=workdir, eval=EVAL, upstream=upstream.url))
    douane(
        "protect",
        "add",
        "--config",
        str(config),
        "--level",
        "confidential",
        str(EVAL / "protected"),
        cwd=workdir,
    )
    gw = start_gateway(workdir, config.read_text())
    gw.keys["default"] = create_key(workdir, gw.config)
    yield gw
    gw.process.stop()


def _openai_answer(client: openai.OpenAI, record: dict[str, Any], stream: bool) -> str:
    messages: Any = [{"role": "user", "content": record["text"]}]
    if not stream:
        answer = client.chat.completions.create(
            model="gpt-us", messages=messages, user=record["id"]
        )
        return answer.choices[0].message.content or ""
    pieces: list[str] = []
    for chunk in client.chat.completions.create(
        model="gpt-us", messages=messages, user=record["id"], stream=True
    ):
        pieces.extend(c.delta.content or "" for c in chunk.choices)
    return "".join(pieces)


def _anthropic_answer(client: anthropic.Anthropic, record: dict[str, Any], stream: bool) -> str:
    messages: Any = [{"role": "user", "content": record["text"]}]
    kwargs: Any = {"model": "claude-us", "max_tokens": 4096, "metadata": {"user_id": record["id"]}}
    if not stream:
        message = client.messages.create(messages=messages, **kwargs)
        return "".join(b.text for b in message.content if b.type == "text")
    with client.messages.stream(messages=messages, **kwargs) as s:
        return "".join(s.text_stream)


def _record_id(request: dict[str, Any]) -> str:
    body = request["body"]
    return str(body.get("user") or body.get("metadata", {}).get("user_id"))


def _replay(
    upstream: Process, ask: Callable[[dict[str, Any]], str], blocked_error: type[Exception]
) -> Replay:
    """Send every record (four at a time), then match what the upstream saw to each record by the
    record id carried in `user` / `metadata.user_id`, which are not text and not scanned."""
    httpx.delete(upstream.url + "/_demo/requests")

    def one(record: dict[str, Any]) -> str | None:
        try:
            return ask(record)
        except blocked_error as exc:
            assert getattr(exc, "status_code", None) == 403, exc
            return None

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(one, RECORDS))
    seen: dict[str, list[str]] = {}
    for request in httpx.get(upstream.url + "/_demo/requests").json():
        seen.setdefault(_record_id(request), []).append(json.dumps(request, ensure_ascii=False))
    result = Replay(sent=len(RECORDS))
    for record, answer in zip(RECORDS, answers, strict=True):
        received = "".join(seen.get(record["id"], []))
        for kind, value in protected_values(record):
            if value in received or json.dumps(value, ensure_ascii=False)[1:-1] in received:
                result.leaks.append(f"{record['id']}:{kind}")
        if answer is None:
            result.blocked += 1
            assert record["id"] not in seen, "a blocked request reached the upstream"
        elif answer == record["text"]:
            result.exact += 1
        else:
            result.mismatches.append(record["id"])
    return result


def _check(result: Replay) -> None:
    forwarded = result.sent - result.blocked
    print(
        f"sent {result.sent}, blocked {result.blocked}, "
        f"restored exactly {result.exact}/{forwarded}, leaks {len(result.leaks)}"
    )
    assert result.leaks == [], result.leaks
    assert result.exact >= 0.995 * forwarded, result.mismatches[:10]
    assert forwarded > 0.5 * result.sent


@pytest.mark.slow
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_openai_sdk_replay_leaks_nothing_and_restores(
    leak_gateway: Gateway, upstream: Process, stream: bool
) -> None:
    client = openai.OpenAI(
        base_url=leak_gateway.url + "/v1", api_key=leak_gateway.keys["default"], max_retries=0
    )
    _check(
        _replay(
            upstream,
            lambda r: _openai_answer(client, r, stream),
            openai.PermissionDeniedError,
        )
    )


@pytest.mark.slow
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_anthropic_sdk_replay_leaks_nothing_and_restores(
    leak_gateway: Gateway, upstream: Process, stream: bool
) -> None:
    client = anthropic.Anthropic(
        base_url=leak_gateway.url, api_key=leak_gateway.keys["default"], max_retries=0
    )
    _check(
        _replay(
            upstream,
            lambda r: _anthropic_answer(client, r, stream),
            anthropic.PermissionDeniedError,
        )
    )
