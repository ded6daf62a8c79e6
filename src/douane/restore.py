"""Streaming-safe restoration: placeholders of this request's Mapping back to the original values.

`Restorer.feed` emits everything that cannot be part of a placeholder at once and holds back only a
suffix that could still become one (bounded by the longest placeholder), so placeholders split
across any chunk boundary are restored and streaming stays streaming. Mangled forms are recognised
(see douane._placeholder); anything this request did not itself produce passes through untouched.
"""

from __future__ import annotations

import json
import re
from typing import Literal

from douane._placeholder import (
    TYPE_NAMES,
    CandidateFinder,
    candidate_key,
    is_paired,
    viable_tail,
)
from douane.mask import Mapping

__all__ = ["Restorer", "restore_text"]

Kind = Literal["text", "json"]
_WORD = re.compile(r"\w", re.ASCII)
_SEPARATOR_PREFIXES = frozenset({"_", "-", "\\", "\\_", "\\-"})
_MAX_TYPE = max(len(t) for t in TYPE_NAMES)


class Restorer:
    """Incremental restorer for one output stream (a message's text or a tool call's arguments).

    kind="json": the output is raw JSON text (tool-call arguments), so values are JSON-escaped.
    """

    def __init__(self, mapping: Mapping, kind: Kind = "text") -> None:
        if kind not in ("text", "json"):
            raise ValueError(f"unknown restore kind {kind!r}")
        self._mapping = mapping
        escape = kind == "json"
        self._values = {
            key: json.dumps(value, ensure_ascii=False)[1:-1] if escape else value
            for key, value in mapping.items()
        }
        self._bare = {
            t: json.dumps(v, ensure_ascii=False)[1:-1] if escape else v
            for t in TYPE_NAMES
            if (v := mapping.bare(t)) is not None
        }
        self._max_hex = mapping.max_hex
        # open bracket + type + separator + hex + close bracket
        self._window = _MAX_TYPE + self._max_hex + 3
        self._held = ""
        self._context = ""  # the input character just before `_held`, for word boundaries

    def feed(self, chunk: str) -> str:
        """Restored text that is safe to emit now; may be shorter than `chunk` (held back)."""
        if not self._values:
            return chunk
        return self._process(chunk, final=False)

    def flush(self) -> str:
        """Everything still held back, restored; call once at the end of the stream."""
        if not self._values:
            return ""
        return self._process("", final=True)

    def _process(self, chunk: str, final: bool) -> str:
        buf = self._context + self._held + chunk
        pos = emitted = len(self._context)
        out: list[str] = []
        cut = len(buf)
        finder = CandidateFinder(buf, pos)
        while (m := finder.search(pos)) is not None:
            if not final and self._undecided(m, buf):
                cut = m.start()
                break
            hit = self._replacement(m, buf)
            if hit is None:
                pos = m.start() + 1
                continue
            start, end, value = hit
            out.append(buf[emitted:start])
            out.append(value)
            emitted = pos = end
        else:
            if not final:
                tail = viable_tail(buf, pos, self._window)
                if tail is not None:
                    cut = tail
        out.append(buf[emitted:cut])
        self._context = buf[cut - 1] if cut > 0 else self._context
        self._held = buf[cut:]
        return "".join(out)

    def _undecided(self, m: re.Match[str], buf: str) -> bool:
        """True if characters yet to come could change what this candidate is."""
        if m.group("c") is not None:
            return False
        h = m.group("h")
        if h is not None and len(h) > self._max_hex:
            return False
        if m.end() == len(buf):
            return True
        # `[PERSON_` with the hex still to come: the regex matched only `[PERSON`.
        return h is None and buf[m.end() :] in _SEPARATOR_PREFIXES

    def _replacement(self, m: re.Match[str], buf: str) -> tuple[int, int, str] | None:
        """(start, end, value) when the candidate is a placeholder of this request."""
        paired = is_paired(m)
        type_name, hex_suffix = candidate_key(m)
        if not hex_suffix:
            # A dropped suffix is restored only in brackets, upper case, and when unambiguous.
            value = self._bare.get(type_name) if paired and m.group("t").isupper() else None
            return (m.start(), m.end(), value) if value is not None else None
        value = self._values.get((type_name, hex_suffix))
        if value is None:
            return None
        if paired:
            return m.start(), m.end(), value
        end = m.end("h")
        if m.group("c") is None and end < len(buf) and _WORD.match(buf, end):
            return None  # `PERSON_a3f9cx` is some other word
        return m.start("t"), end, value


def restore_text(mapping: Mapping, text: str, kind: Kind = "text") -> str:
    """Restore a complete (non-streamed) text."""
    restorer = Restorer(mapping, kind)
    return restorer.feed(text) + restorer.flush()
