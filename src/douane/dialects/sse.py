"""Incremental Server-Sent Events decoding and encoding (any chunk boundary, any line ending)."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

from douane.errors import UpstreamError

__all__ = ["SSEDecoder", "SSEEvent", "encode_sse"]

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class SSEEvent:
    """One dispatched event: its `event:` name (None if absent) and its joined `data:` lines.

    `parsed` may carry the JSON object `data` encodes, when the stage that made the event had it
    at hand, so the next stage need not parse it again; `compact` says that `data` is exactly
    that object's compact encoding (so an unchanged object need not be encoded again). Neither
    takes part in equality or repr, and nobody may mutate `parsed`."""

    event: str | None
    data: str
    parsed: Any = field(default=None, compare=False, repr=False)
    compact: bool = field(default=False, compare=False, repr=False)


def encode_sse(ev: SSEEvent) -> bytes:
    """The wire form of one event; multi-line data becomes several `data:` lines (so a lone
    "\\r" in data reads back as "\\n", as every SSE parser would read it)."""
    data = ev.data
    if "\n" in data or "\r" in data:
        data = "\ndata: ".join(_LINE_END.split(data))
    if ev.event is None:
        return f"data: {data}\n\n".encode()
    return f"event: {ev.event}\ndata: {data}\n\n".encode()


class SSEDecoder:
    """Feed raw bytes, get complete events; keeps partial lines and UTF-8 sequences across chunks.

    Follows the WHATWG event-stream rules: `:` comments are ignored, one leading space after the
    colon is stripped, `data` lines join with "\\n", an event without data lines is not dispatched.
    """

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._buffer = ""
        self._event: str | None = None
        self._data: list[str] = []
        self._started = False
        self._skip_lf = False  # the previous chunk ended with "\r": a leading "\n" is its pair

    def feed(self, data: bytes) -> list[SSEEvent]:
        """Events completed by this chunk. Raises UpstreamError on invalid UTF-8."""
        try:
            text = self._utf8.decode(data)
        except UnicodeDecodeError:
            raise UpstreamError("upstream event stream is not valid UTF-8") from None
        return self._drain(text)

    def flush(self) -> list[SSEEvent]:
        """At end of stream: the last line and event even if the upstream omitted the blank line."""
        try:
            text = self._utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            raise UpstreamError("upstream event stream ends inside a UTF-8 sequence") from None
        events = self._drain(text)
        if self._buffer:
            self._line(self._buffer, events)
            self._buffer = ""
        self._dispatch(events)
        return events

    def _drain(self, text: str) -> list[SSEEvent]:
        if self._skip_lf and text:
            self._skip_lf = False
            text = text.removeprefix("\n")
        buf = self._buffer + text
        if not self._started and buf:
            self._started = True
            buf = buf.removeprefix("\ufeff")
        events: list[SSEEvent] = []
        if "\r" not in buf:  # the usual case: "\n" is the only line ending
            *lines, self._buffer = buf.split("\n")
            for line in lines:
                self._line(line, events)
            return events
        start = 0
        for match in _LINE_END.finditer(buf):
            self._line(buf[start : match.start()], events)
            start = match.end()
            if match.group() == "\r" and start == len(buf):
                self._skip_lf = True  # a "\n" may follow in the next chunk
        self._buffer = buf[start:]
        return events

    def _line(self, line: str, events: list[SSEEvent]) -> None:
        if not line:
            self._dispatch(events)
            return
        if line.startswith(":"):
            return
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value or None

    def _dispatch(self, events: list[SSEEvent]) -> None:
        if self._data:
            events.append(SSEEvent(self._event, "\n".join(self._data)))
        self._event = None
        self._data = []
