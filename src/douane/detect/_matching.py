"""Map byte offsets of a text's UTF-8 bytes back to str offsets.

The rules run on the UTF-8 bytes, encoded once per text (`_rulematch`); offsets are converted
only for the spans reported.
"""

from __future__ import annotations

__all__ = ["EncodedText"]


class EncodedText:
    """A text with its UTF-8 bytes and a byte→character offset cursor (identity for ASCII).

    Each rule asks for offsets left to right, so `char` decodes only the bytes between the previous
    answer and the new one; going backwards (the next rule) restarts from the
    start. Linear per rule, and no per-text index to build.
    """

    __slots__ = ("_ascii", "_bytes", "_chars", "data", "text")

    def __init__(self, text: str, data: bytes | None = None) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass") if data is None else data
        self._ascii = len(self.data) == len(text)
        self._bytes = 0  # the last answer: byte offset → character offset
        self._chars = 0

    def char(self, byte_offset: int) -> int:
        """Character offset of a byte offset that falls on a character boundary."""
        if self._ascii:
            return byte_offset
        b, c = self._bytes, self._chars
        if byte_offset < b:
            b = c = 0
        c += len(self.data[b:byte_offset].decode("utf-8", "surrogatepass"))
        self._bytes, self._chars = byte_offset, c
        return c
