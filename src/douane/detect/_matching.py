"""Run RE2 on UTF-8 bytes once per text and map byte offsets back to str offsets.

The google-re2 wrapper re-encodes the text on every call; with dozens of rules per prompt that
dominated scan time. We encode once, call the compiled program directly and convert offsets only
for the spans we report.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

import re2

__all__ = ["EncodedText", "iter_spans"]

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_UNANCHORED = re2._Anchor.UNANCHORED
_NULL = (-1, -1)


class EncodedText:
    """A text with its UTF-8 bytes and a byte→character offset map (identity for ASCII)."""

    __slots__ = ("_byte_starts", "_extra", "data", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self._byte_starts: list[int] | None = None
        self._extra: list[int] = []

    def _build(self) -> None:
        starts: list[int] = []
        extra: list[int] = []
        total = 0
        for m in _NON_ASCII.finditer(self.text):
            width = len(m.group().encode("utf-8", "surrogatepass")) - 1
            starts.append(m.start() + total)  # byte offset of this character
            total += width
            extra.append(total)  # extra bytes up to and including this character
        self._byte_starts = starts
        self._extra = extra

    def char(self, byte_offset: int) -> int:
        """Character offset of a byte offset that falls on a character boundary."""
        if len(self.data) == len(self.text):
            return byte_offset
        if self._byte_starts is None:
            self._build()
        assert self._byte_starts is not None
        i = bisect.bisect_left(self._byte_starts, byte_offset)
        return byte_offset - (self._extra[i - 1] if i else 0)


def iter_spans(pattern: Any, encoded: EncodedText) -> Iterator[tuple[tuple[int, int], ...]]:
    """Byte spans of every group for each non-overlapping match, left to right."""
    regexp = pattern._regexp
    data = encoded.data
    end = len(data)
    pos = 0
    while pos <= end:
        spans = regexp.Match(_UNANCHORED, data, pos, end)
        whole = spans[0]
        if whole == _NULL:
            return
        yield tuple(spans)
        pos = whole[1] if whole[1] > whole[0] else whole[1] + 1
