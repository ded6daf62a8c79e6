"""Tests for douane.dialects.stream_rewrite with a stage that holds text back."""

from __future__ import annotations

import json

from douane.dialects import SSEEvent, StreamTextRewriter, StreamTranslator, TextKind
from tests.dialects._streams import (
    accumulate_anthropic,
    accumulate_openai,
    anthropic_stream,
    openai_stream,
)

TEXT = "Dear <P1>, call <P2> now"
WANT = "Dear ALICE, call BOB now"
ARGS = '{"to": "<P1>", "n": 1}'
WANT_ARGS = {"to": "ALICE", "n": 1}
_VALUES = {"<P1>": "ALICE", "<P2>": "BOB"}


class HoldBack:
    """Replaces <Pn> placeholders; holds back an unfinished `<...` across deltas."""

    def __init__(self, kind: TextKind) -> None:
        self.kind = kind
        self.pending = ""

    def feed(self, text: str) -> str:
        buf = self.pending + text
        cut = buf.rfind("<")
        if cut != -1 and ">" not in buf[cut:]:
            buf, self.pending = buf[:cut], buf[cut:]
        else:
            self.pending = ""
        for key, value in _VALUES.items():
            buf = buf.replace(key, value)
        return buf

    def flush(self) -> str:
        out, self.pending = self.pending, ""
        return out


def _splits(text: str) -> list[list[str]]:
    return [[text[:i], text[i:j], text[j:]] for i in range(len(text)) for j in (i + 1, i + 3)]


def _rewrite(dialect: str, events: list[SSEEvent]) -> tuple[list[SSEEvent], int]:
    kinds: list[TextKind] = []

    def make(kind: TextKind) -> HoldBack:
        kinds.append(kind)
        return HoldBack(kind)

    rw = StreamTextRewriter(dialect, make)  # type: ignore[arg-type]
    out: list[SSEEvent] = []
    for ev in events:
        got = rw.feed(ev)
        assert got, "every event yields output at once (no delay)"
        out += got
    return out + rw.flush(), len(kinds)


def test_openai_text_and_arguments_restored_at_every_split() -> None:
    for pieces in _splits(TEXT):
        for arg_pieces in ([ARGS], [ARGS[:9], ARGS[9:11], ARGS[11:]]):
            events = openai_stream(pieces, tool_args=arg_pieces)
            out, stages = _rewrite("openai", events)
            completion, _ = accumulate_openai(out)
            message = completion.choices[0].message
            assert message.content == WANT, pieces
            args = message.tool_calls[0].function.arguments  # type: ignore[index,union-attr]
            assert json.loads(args) == WANT_ARGS
            assert stages == 2


def test_anthropic_text_and_input_json_restored_at_every_split() -> None:
    for pieces in _splits(TEXT):
        events = anthropic_stream(pieces, tool_args=[ARGS[:10], ARGS[10:]])
        out, _ = _rewrite("anthropic", events)
        message = accumulate_anthropic(out)
        assert message.content[0].text == WANT, pieces  # type: ignore[union-attr]
        assert message.content[1].input == WANT_ARGS  # type: ignore[union-attr]


def test_held_text_is_released_before_the_closing_event() -> None:
    events = anthropic_stream(["hi <P", "1"])  # never closed: "<P1" stays pending
    out, _ = _rewrite("anthropic", events)
    types = [json.loads(e.data)["type"] for e in out]
    stop = types.index("content_block_stop")
    assert types[stop - 1] == "content_block_delta"
    assert json.loads(out[stop - 1].data)["delta"]["text"] == "<P1"


def test_openai_finish_chunk_carrying_content_flushes_inline() -> None:
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "x <P"}, "finish_reason": "stop"}],
    }
    out, _ = _rewrite("openai", [SSEEvent(None, json.dumps(chunk)), SSEEvent(None, "[DONE]")])
    assert json.loads(out[0].data)["choices"][0]["delta"]["content"] == "x <P"
    assert out[-1].data == "[DONE]" and len(out) == 2


def test_rewriter_after_translator_pipeline() -> None:
    tr = StreamTranslator("anthropic", "openai", "m")
    rw = StreamTextRewriter("openai", HoldBack)
    out = []
    for ev in anthropic_stream(["Dear <", "P1>, call <P2", "> now"]):
        for translated in tr.feed(ev):
            out += rw.feed(translated)
    out += rw.flush()
    completion, _ = accumulate_openai(out)
    assert completion.choices[0].message.content == WANT


def test_openai_each_choice_has_its_own_channel() -> None:
    def chunk(choices: list[dict[str, object]]) -> SSEEvent:
        body = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": choices,
        }
        return SSEEvent(None, json.dumps(body))

    def delta(i: int, text: str | None, finish: str | None = None) -> dict[str, object]:
        return {
            "index": i,
            "delta": {} if text is None else {"content": text},
            "finish_reason": finish,
        }

    events = [
        chunk([delta(0, "Dear <P"), delta(1, "Hi <")]),
        chunk([delta(0, "1>!"), delta(1, "P2")]),
        chunk([delta(0, None, "stop")]),
        chunk([delta(1, ">", "stop")]),
        SSEEvent(None, "[DONE]"),
    ]
    out, _ = _rewrite("openai", events)
    completion, _ = accumulate_openai(out)
    assert [c.message.content for c in completion.choices] == ["Dear ALICE!", "Hi BOB"]


def test_unchanged_chunk_keeps_the_translators_encoding_and_others_are_reencoded() -> None:
    """A delta no stage changes goes out as the translator encoded it; an upstream event passed
    through with its own spacing still comes out compact, as a rewritten event would."""
    rewriter = StreamTextRewriter("anthropic", HoldBack)
    spaced = {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": "hi"},
    }
    upstream = SSEEvent("content_block_delta", json.dumps(spaced), spaced)
    (out,) = rewriter.feed(upstream)
    assert out == SSEEvent("content_block_delta", json.dumps(spaced, separators=(",", ":")))
    translator = StreamTranslator("openai", "openai", "client-m")
    rewriter = StreamTextRewriter("openai", HoldBack)
    events = [ev for raw in openai_stream(["Hello", " world"]) for ev in translator.feed(raw)]
    for ev in events[1:3]:
        (out,) = rewriter.feed(ev)
        assert out is ev


def test_sse_event_cache_fields_take_no_part_in_equality_or_repr() -> None:
    plain = SSEEvent(None, '{"a":1}')
    carried = SSEEvent(None, '{"a":1}', {"a": 1}, True)
    assert plain == carried and hash(plain) == hash(carried) and repr(plain) == repr(carried)
