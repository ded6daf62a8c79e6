"""Tests for douane.dialects.stream_translate: both directions, same dialect, failures."""

from __future__ import annotations

import json

import pytest

from douane.dialects import SSEEvent, StreamTranslator
from douane.errors import UpstreamError
from tests.dialects._streams import (
    accumulate_anthropic,
    accumulate_openai,
    anthropic_stream,
    openai_stream,
)

PIECES = ["Hel", "lo ", "wörld", "!"]
ARGS = ['{"q', '": "x', 'y"}']


def _run(tr: StreamTranslator, events: list[SSEEvent]) -> list[SSEEvent]:
    out = [o for ev in events for o in tr.feed(ev)]
    return out + tr.flush()


def test_anthropic_to_openai_text_and_tool_call() -> None:
    tr = StreamTranslator("anthropic", "openai", "client-m", include_usage=True)
    out = _run(tr, anthropic_stream(PIECES, tool_args=ARGS))
    assert tr.finished and tr.usage == (11, 7)
    completion, chunks = accumulate_openai(out)
    choice = completion.choices[0]
    assert choice.message.content == "Hello wörld!"
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]  # type: ignore[index]
    assert call.id == "toolu_1" and call.function.name == "lookup"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments) == {"q": "xy"}  # type: ignore[union-attr]
    assert all(c.model == "client-m" for c in chunks)
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens == 18  # type: ignore[union-attr]


def test_anthropic_to_openai_without_include_usage_puts_usage_on_finish_chunk() -> None:
    tr = StreamTranslator("anthropic", "openai", "m")  # the default: the client did not ask
    _, chunks = accumulate_openai(_run(tr, anthropic_stream(PIECES)))
    assert all(c.choices for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.prompt_tokens == 11


def test_openai_to_anthropic_text_and_tool_call() -> None:
    tr = StreamTranslator("openai", "anthropic", "client-m")
    out = _run(tr, openai_stream(PIECES, tool_args=ARGS))
    assert tr.finished and tr.usage == (11, 7)
    assert [e.event for e in out[:2]] == ["message_start", "ping"]
    message = accumulate_anthropic(out)
    assert message.model == "client-m"
    assert message.content[0].type == "text" and message.content[0].text == "Hello wörld!"
    assert message.content[1].type == "tool_use" and message.content[1].input == {"q": "xy"}
    assert message.stop_reason == "tool_use"
    assert message.usage.output_tokens == 7 and message.usage.input_tokens == 11
    assert out[-1].event == "message_stop"


def test_openai_to_anthropic_without_done_ends_on_flush() -> None:
    tr = StreamTranslator("openai", "anthropic", "m")
    events = openai_stream(PIECES, usage=False)[:-1]  # no [DONE]
    out = [o for ev in events for o in tr.feed(ev)]
    assert not tr.finished
    out += tr.flush()
    assert tr.finished and out[-1].event == "message_stop"


def test_openai_same_dialect_renames_model_and_strips_unrequested_usage_chunk() -> None:
    tr = StreamTranslator("openai", "openai", "client-m", include_usage=False)
    out = _run(tr, openai_stream(PIECES))
    completion, chunks = accumulate_openai(out)
    assert completion.choices[0].message.content == "Hello wörld!"
    assert all(c.model == "client-m" and c.choices for c in chunks)
    assert tr.usage == (11, 7) and tr.finished
    kept = _run(
        StreamTranslator("openai", "openai", "m", include_usage=True), openai_stream(PIECES)
    )
    assert len(kept) == len(out) + 1


def test_anthropic_same_dialect_renames_model() -> None:
    tr = StreamTranslator("anthropic", "anthropic", "client-m")
    message = accumulate_anthropic(_run(tr, anthropic_stream(PIECES, tool_args=ARGS)))
    assert message.model == "client-m" and tr.finished and tr.usage == (11, 7)
    assert message.content[1].input == {"q": "xy"}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("openai", "openai"),
        ("openai", "anthropic"),
        ("anthropic", "openai"),
        ("anthropic", "anthropic"),
    ],
)
def test_cut_stream_is_not_finished(source: str, target: str) -> None:
    events = openai_stream(PIECES) if source == "openai" else anthropic_stream(PIECES)
    tr = StreamTranslator(source, target, "m")  # type: ignore[arg-type]
    _run(tr, events[:4])
    assert not tr.finished


@pytest.mark.parametrize("target", ["openai", "anthropic"])
def test_bad_json_raises(target: str) -> None:
    for source in ("openai", "anthropic"):
        tr = StreamTranslator(source, target, "m")  # type: ignore[arg-type]
        with pytest.raises(UpstreamError, match="not JSON"):
            tr.feed(SSEEvent(None, "{not json"))


@pytest.mark.parametrize("target", ["openai", "anthropic"])
def test_upstream_error_events_raise_with_their_message(target: str) -> None:
    tr = StreamTranslator("anthropic", target, "m")  # type: ignore[arg-type]
    body = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    with pytest.raises(UpstreamError, match="Overloaded"):
        tr.feed(SSEEvent("error", json.dumps(body)))
    tr = StreamTranslator("openai", target, "m")  # type: ignore[arg-type]
    with pytest.raises(UpstreamError, match="quota gone"):
        tr.feed(SSEEvent(None, json.dumps({"error": {"message": "quota gone"}})))


def test_unknown_structure_raises() -> None:
    with pytest.raises(UpstreamError, match="without choices"):
        StreamTranslator("openai", "anthropic", "m").feed(SSEEvent(None, '{"foo": 1}'))
    with pytest.raises(UpstreamError, match="unexpected event"):
        StreamTranslator("anthropic", "openai", "m").feed(SSEEvent("x", '{"type": "weird"}'))
    with pytest.raises(UpstreamError, match="without a type"):
        StreamTranslator("anthropic", "anthropic", "m").feed(SSEEvent("x", "{}"))
    two = {"choices": [{"index": 1, "delta": {"content": "x"}}]}
    with pytest.raises(UpstreamError, match="more than one choice"):
        StreamTranslator("openai", "anthropic", "m").feed(SSEEvent(None, json.dumps(two)))


def test_events_after_the_end_are_ignored() -> None:
    tr = StreamTranslator("openai", "openai", "m")
    _run(tr, openai_stream(PIECES))
    assert tr.feed(SSEEvent(None, "[DONE]")) == []


def test_parallel_tool_calls_become_separate_blocks_and_back() -> None:
    def chunk(delta: dict[str, object], finish: str | None = None) -> SSEEvent:
        body = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return SSEEvent(None, json.dumps(body))

    def call(i: int, name: str | None, args: str) -> dict[str, object]:
        out: dict[str, object] = {"index": i, "function": {"arguments": args}}
        if name:
            out.update(id=f"call_{i}", type="function", function={"name": name, "arguments": args})
        return {"tool_calls": [out]}

    events = [
        chunk({"role": "assistant"}),
        chunk(call(0, "a", "")),
        chunk(call(0, None, '{"x":1}')),
        chunk(call(1, "b", '{"y"')),
        chunk(call(1, None, ":2}")),
        chunk({}, "tool_calls"),
        SSEEvent(None, "[DONE]"),
    ]
    to_anthropic = _run(StreamTranslator("openai", "anthropic", "m"), events)
    message = accumulate_anthropic(to_anthropic)
    assert [(b.name, b.input) for b in message.content] == [("a", {"x": 1}), ("b", {"y": 2})]  # type: ignore[union-attr]
    back = _run(StreamTranslator("anthropic", "openai", "m"), to_anthropic)
    completion, _ = accumulate_openai(back)
    calls = completion.choices[0].message.tool_calls or []
    assert [(c.function.name, c.function.arguments) for c in calls] == [  # type: ignore[union-attr]
        ("a", '{"x":1}'),
        ("b", '{"y":2}'),
    ]
