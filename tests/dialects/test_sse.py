"""Tests for douane.dialects.sse: every chunk boundary, every line ending, comments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from douane.dialects import SSEDecoder, SSEEvent, encode_sse
from douane.errors import UpstreamError

STREAM = (
    ": comment line\r\n"
    "event: message_start\r\n"
    'data: {"a": "é€😀"}\r\n'
    "\r\n"
    "data: first\n"
    "data:second\n"
    "id: 7\n"
    "retry: 100\n"
    "\n"
    "event: only-name\n"
    "\n"
    "data\r"
    "\r"
    "data: [DONE]\n\n"
)
EXPECTED = [
    SSEEvent("message_start", '{"a": "é€😀"}'),
    SSEEvent(None, "first\nsecond"),
    SSEEvent(None, ""),
    SSEEvent(None, "[DONE]"),
]


def _decode(chunks: list[bytes]) -> list[SSEEvent]:
    decoder = SSEDecoder()
    events = [ev for chunk in chunks for ev in decoder.feed(chunk)]
    return events + decoder.flush()


def test_whole_stream() -> None:
    assert _decode([STREAM.encode()]) == EXPECTED


def test_every_single_split_point() -> None:
    raw = STREAM.encode()
    for cut in range(len(raw) + 1):
        assert _decode([raw[:cut], raw[cut:]]) == EXPECTED, cut


def test_every_pair_of_split_points() -> None:
    raw = STREAM.encode()
    for a in range(0, len(raw) + 1, 3):
        for b in range(a, len(raw) + 1, 2):
            assert _decode([raw[:a], raw[a:b], raw[b:]]) == EXPECTED, (a, b)


def test_byte_by_byte() -> None:
    raw = STREAM.encode()
    assert _decode([raw[i : i + 1] for i in range(len(raw))]) == EXPECTED


def test_lone_cr_at_chunk_end_is_a_line_end() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: x\r") == []
    assert decoder.feed(b"\r") == [SSEEvent(None, "x")]


def test_flush_dispatches_an_unterminated_last_event() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: tail") == []
    assert decoder.flush() == [SSEEvent(None, "tail")]


def test_bom_is_ignored_and_invalid_utf8_raises() -> None:
    assert _decode([b"\xef\xbb\xbfdata: x\n\n"]) == [SSEEvent(None, "x")]
    with pytest.raises(UpstreamError):
        SSEDecoder().feed(b"data: \xff\n\n")
    decoder = SSEDecoder()
    decoder.feed(b"data: \xc3")
    with pytest.raises(UpstreamError):
        decoder.flush()


@pytest.mark.parametrize(
    "ev",
    [SSEEvent(None, "x"), SSEEvent("e", "a\nb"), SSEEvent("ping", ""), SSEEvent(None, " lead")],
)
def test_encode_round_trips(ev: SSEEvent) -> None:
    assert _decode([encode_sse(ev)]) == [ev]


# Surrogates cannot be UTF-8 encoded, so they never reach the wire in either direction.
_chars = st.characters(codec="utf-8")
_names = st.one_of(
    st.none(), st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), min_size=1)
)
_events = st.lists(st.builds(SSEEvent, _names, st.text(_chars)), max_size=6)


@given(_events, st.lists(st.integers(min_value=0, max_value=400), max_size=6))
def test_any_events_survive_any_chunking(events: list[SSEEvent], cuts: list[int]) -> None:
    raw = b"".join(encode_sse(ev) for ev in events)
    points = sorted({min(c, len(raw)) for c in cuts})
    chunks = [raw[a:b] for a, b in zip([0, *points], [*points, len(raw)], strict=True)]
    normalized = [
        SSEEvent(ev.event, ev.data.replace("\r\n", "\n").replace("\r", "\n")) for ev in events
    ]
    assert _decode(chunks) == normalized
