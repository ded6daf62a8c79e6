"""Tests for douane.demo_upstream with the official SDKs over real HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import openai
import pytest
from click.testing import CliRunner
from mistralai.client import Mistral

from douane.cli.demo_upstream import demo_upstream_command
from douane.demo_upstream import demo_upstream_server

TOOL: Any = {
    "type": "function",
    "function": {
        "name": "lookup",
        "description": "look up",
        "parameters": {"type": "object", "properties": {"text": {"type": "string"}}},
    },
}
ANTHROPIC_TOOL: Any = {
    "name": "lookup",
    "description": "look up",
    "input_schema": {"type": "object", "properties": {"text": {"type": "string"}}},
}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with demo_upstream_server() as url:
        yield url


@pytest.fixture
def oai(base_url: str) -> openai.OpenAI:
    httpx.delete(f"{base_url}/_demo/requests")
    return openai.OpenAI(base_url=f"{base_url}/v1", api_key="sk-provider", max_retries=0)


@pytest.fixture
def ant(base_url: str) -> anthropic.Anthropic:
    httpx.delete(f"{base_url}/_demo/requests")
    return anthropic.Anthropic(base_url=base_url, api_key="sk-ant-provider", max_retries=0)


def _recorded(base_url: str) -> list[dict[str, Any]]:
    return httpx.get(f"{base_url}/_demo/requests").json()  # type: ignore[no-any-return]


def test_openai_echoes_last_user_message_and_records_the_key(
    oai: openai.OpenAI, base_url: str
) -> None:
    out = oai.chat.completions.create(
        model="echo",
        messages=[
            {"role": "system", "content": "sys"},
            {"role": "user", "content": "first"},
            {
                "role": "user",
                "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
            },
        ],
        n=2,
    )
    assert [c.message.content for c in out.choices] == ["a\nb", "a\nb"]
    assert out.choices[0].finish_reason == "stop" and out.usage and out.usage.completion_tokens == 2
    rec = _recorded(base_url)
    assert rec[-1]["headers"]["authorization"] == "Bearer sk-provider"
    assert rec[-1]["body"]["n"] == 2 and rec[-1]["path"] == "/v1/chat/completions"


def test_openai_stream_with_usage(oai: openai.OpenAI) -> None:
    text = "streaming is deterministic and split into small pieces"
    stream = oai.chat.completions.create(
        model="echo",
        messages=[{"role": "user", "content": text}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    pieces = [
        c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content
    ]
    assert "".join(pieces) == text and len(pieces) > 5
    assert all(1 <= len(p) <= 7 for p in pieces)
    assert chunks[-1].choices == [] and chunks[-1].usage is not None


def test_stream_chunk_size_header_and_determinism(oai: openai.OpenAI) -> None:
    def pieces(headers: dict[str, str]) -> list[str]:
        stream = oai.chat.completions.create(
            model="echo",
            messages=[{"role": "user", "content": "abcdefghij"}],
            stream=True,
            extra_headers=headers,
        )
        return [c.choices[0].delta.content for c in stream if c.choices[0].delta.content]

    assert pieces({"x-demo-chunk": "3"}) == ["abc", "def", "ghi", "j"]
    assert pieces({}) == pieces({})


def test_openai_tool_call_then_tool_result(oai: openai.OpenAI) -> None:
    msgs: list[Any] = [{"role": "user", "content": "please use the tool"}]
    out = oai.chat.completions.create(model="echo", messages=msgs, tools=[TOOL])
    call = out.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert out.choices[0].finish_reason == "tool_calls"
    assert json.loads(call.function.arguments) == {"text": "please use the tool"}  # type: ignore[union-attr]
    msgs += [
        out.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "42 results"},
    ]
    again = oai.chat.completions.create(model="echo", messages=msgs, tools=[TOOL])
    assert again.choices[0].message.content == "42 results"


def test_openai_streamed_tool_call_and_forced_choice(oai: openai.OpenAI) -> None:
    with oai.chat.completions.stream(
        model="echo",
        messages=[{"role": "user", "content": "hi"}],
        tools=[TOOL],
        tool_choice="required",
    ) as stream:
        final = stream.get_final_completion()
    call = final.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert json.loads(call.function.arguments) == {"text": "hi"}


def test_max_tokens_truncates_with_length(oai: openai.OpenAI) -> None:
    out = oai.chat.completions.create(
        model="echo", messages=[{"role": "user", "content": "one two three"}], max_tokens=2
    )
    assert out.choices[0].message.content == "one two" and out.choices[0].finish_reason == "length"


def test_embeddings_are_deterministic_in_both_encodings(oai: openai.OpenAI, base_url: str) -> None:
    one = oai.embeddings.create(model="e", input=["x", "y"], encoding_format="float")
    two = oai.embeddings.create(model="e", input=["x", "y"], encoding_format="float")
    assert one.data[0].embedding == two.data[0].embedding != one.data[1].embedding
    assert len(one.data[0].embedding) == 8
    raw = httpx.post(
        f"{base_url}/v1/embeddings", json={"model": "e", "input": "x", "encoding_format": "base64"}
    ).json()
    decoded = struct.unpack("<8f", base64.b64decode(raw["data"][0]["embedding"]))
    assert decoded == pytest.approx(one.data[0].embedding, rel=1e-6)


def test_models_list(oai: openai.OpenAI) -> None:
    assert "echo" in [m.id for m in oai.models.list()]


def test_anthropic_echo_and_key(ant: anthropic.Anthropic, base_url: str) -> None:
    out = ant.messages.create(
        model="echo",
        max_tokens=100,
        system="sys",
        messages=[
            {
                "role": "user",
                "content": [{"type": "text", "text": "x"}, {"type": "text", "text": "y"}],
            }
        ],
    )
    assert out.content[0].type == "text" and out.content[0].text == "x\ny"
    assert out.stop_reason == "end_turn" and out.usage.output_tokens == 2
    headers = _recorded(base_url)[-1]["headers"]
    # this SDK version sends the key as a bearer token; older ones use x-api-key
    assert "sk-ant-provider" in (headers.get("x-api-key") or headers["authorization"])


def test_anthropic_stream_has_every_event_type(ant: anthropic.Anthropic) -> None:
    text = "the quick brown fox jumps"
    with ant.messages.stream(
        model="echo", max_tokens=100, messages=[{"role": "user", "content": text}]
    ) as stream:
        types = [ev.type for ev in stream]
        final = stream.get_final_message()
    assert final.content[0].text == text  # type: ignore[union-attr]
    assert {
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    } <= set(types)


def test_anthropic_stream_raw_events_include_ping(base_url: str) -> None:
    body = {
        "model": "echo",
        "max_tokens": 9,
        "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
    }
    raw = httpx.post(f"{base_url}/v1/messages", json=body).text
    assert "event: ping" in raw and raw.rstrip().endswith('data: {"type": "message_stop"}')


def test_anthropic_tool_use_streamed_and_result(ant: anthropic.Anthropic) -> None:
    msgs: list[Any] = [{"role": "user", "content": "use the tool now"}]
    with ant.messages.stream(
        model="echo", max_tokens=100, messages=msgs, tools=[ANTHROPIC_TOOL]
    ) as stream:
        final = stream.get_final_message()
    block = final.content[0]
    assert block.type == "tool_use" and block.input == {"text": "use the tool now"}
    assert final.stop_reason == "tool_use"
    msgs += [
        {"role": "assistant", "content": [block.model_dump()]},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": block.id, "content": "done"}],
        },
    ]
    out = ant.messages.create(model="echo", max_tokens=100, messages=msgs, tools=[ANTHROPIC_TOOL])
    assert out.content[0].text == "done"  # type: ignore[union-attr]


def test_anthropic_requires_max_tokens(base_url: str) -> None:
    body = {"model": "echo", "messages": [{"role": "user", "content": "hi"}]}
    resp = httpx.post(f"{base_url}/v1/messages", json=body)
    assert resp.status_code == 400 and resp.json()["error"]["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("status", "exc"),
    [
        (400, openai.BadRequestError),
        (401, openai.AuthenticationError),
        (429, openai.RateLimitError),
        (500, openai.InternalServerError),
        (503, openai.InternalServerError),
    ],
)
def test_openai_fail_models(oai: openai.OpenAI, status: int, exc: type[Exception]) -> None:
    with pytest.raises(exc) as err:
        oai.chat.completions.create(
            model=f"fail-{status}", messages=[{"role": "user", "content": "x"}]
        )
    assert f"demo upstream failure {status}" in str(err.value)


@pytest.mark.parametrize(
    ("status", "exc"),
    [
        (400, anthropic.BadRequestError),
        (401, anthropic.AuthenticationError),
        (429, anthropic.RateLimitError),
        (500, anthropic.InternalServerError),
        (503, anthropic.InternalServerError),
    ],
)
def test_anthropic_fail_models(ant: anthropic.Anthropic, status: int, exc: type[Exception]) -> None:
    with pytest.raises(exc):
        ant.messages.create(
            model=f"fail-{status}", max_tokens=5, messages=[{"role": "user", "content": "x"}]
        )


def test_cut_stream_stops_without_final_events(base_url: str) -> None:
    body = {
        "model": "cut-stream",
        "stream": True,
        "messages": [{"role": "user", "content": "a" * 40}],
    }
    raw = httpx.post(
        f"{base_url}/v1/chat/completions", json=body, headers={"x-demo-chunk": "4"}
    ).text
    assert "[DONE]" not in raw and 'finish_reason": "stop' not in raw and raw.count("data:") == 6
    body = {**body, "max_tokens": 9, "model": "claude-cut-stream"}
    raw = httpx.post(f"{base_url}/v1/messages", json=body).text
    assert "message_start" in raw and "message_stop" not in raw and "content_block_stop" not in raw


def test_bad_sse_sends_a_malformed_data_line(oai: openai.OpenAI) -> None:
    stream = oai.chat.completions.create(
        model="bad-sse", messages=[{"role": "user", "content": "hello world"}], stream=True
    )
    with pytest.raises(json.JSONDecodeError):
        list(stream)


def test_hang_stream_stalls_after_the_first_chunk(base_url: str) -> None:
    body = {
        "model": "hang-stream",
        "stream": True,
        "messages": [{"role": "user", "content": "abcdef"}],
    }
    with httpx.stream(
        "POST",
        f"{base_url}/v1/chat/completions",
        json=body,
        headers={"x-demo-chunk": "1"},
        timeout=httpx.Timeout(5, read=0.5),
    ) as resp:
        got = b""
        with pytest.raises(httpx.ReadTimeout):
            for chunk in resp.iter_bytes():
                got += chunk
    assert b'"content": "a"' in got and b'"content": "b"' not in got


def test_slow_model_sleeps(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.APITimeoutError):
        oai.with_options(timeout=0.3).chat.completions.create(
            model="slow-2", messages=[{"role": "user", "content": "x"}]
        )


def test_cli_command_is_registered_and_documented() -> None:
    result = CliRunner().invoke(demo_upstream_command, ["--help"])
    assert result.exit_code == 0 and "--port" in result.output and "fail-NNN" in result.output


def test_mistral_sdk_chat_stream_tools_and_embeddings(base_url: str) -> None:
    client = Mistral(api_key="k", server_url=base_url)
    salut: Any = [{"role": "user", "content": "salut"}]
    message = client.chat.complete(model="echo", messages=salut).choices[0].message
    assert message is not None and message.content == "salut"
    hi: Any = [{"role": "user", "content": "hi"}]
    forced = client.chat.complete(model="echo", messages=hi, tools=[TOOL], tool_choice="any")
    calls = forced.choices[0].message.tool_calls if forced.choices[0].message else None
    assert calls and json.loads(str(calls[0].function.arguments)) == {"text": "hi"}
    pieces: Any = [{"role": "user", "content": "in pieces"}]
    stream = client.chat.stream(model="echo", messages=pieces)
    assert "".join(str(e.data.choices[0].delta.content or "") for e in stream) == "in pieces"
    assert len(client.embeddings.create(model="e", inputs=["a", "b"]).data) == 2
