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

from douane import _placeholder as grammar
from douane._placeholder import (
    CANDIDATE,
    CANDIDATE_OR_TAIL,
    CANONICAL_IS_UNAMBIGUOUS,
    TYPE_NAMES,
    CandidateFinder,
    format_placeholder,
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

    __slots__ = ("_bare", "_canonical", "_context", "_held", "_max_hex", "_values", "_window")

    def __init__(self, mapping: Mapping, kind: Kind = "text") -> None:
        if kind not in ("text", "json"):
            raise ValueError(f"unknown restore kind {kind!r}")
        self._values, self._bare, self._canonical = mapping.derived(
            f"restore:{kind}", lambda m: _tables(m, kind == "json")
        )
        self._max_hex = mapping.max_hex
        # open bracket + type + separator + hex + close bracket
        self._window = _MAX_TYPE + self._max_hex + 3
        self._held = ""
        self._context = ""  # the input character just before `_held`, for word boundaries

    def feed(self, chunk: str) -> str:
        """Restored text that is safe to emit now; may be shorter than `chunk` (held back)."""
        if not self._values:
            return chunk
        text = self._held + chunk
        if len(text) >= grammar._SMALL:
            return self._process(chunk, final=False)
        # Fast path, the usual streamed token. One search finds the first candidate or else the
        # suffix that could still become one (see viable_tail: without a candidate, a viable
        # suffix is a bracket or a proper prefix of a type name, and no candidate can start
        # inside it); a candidate still undecided at the end of the text is held back.
        context = self._context
        buf = context + text
        pos = len(context)
        m = CANDIDATE_OR_TAIL.search(buf, pos)
        if m is None:
            if text:
                self._context = text[-1]
            self._held = ""
            return text
        start = m.start()
        if m.group("t") is None:  # a viable tail
            if len(buf) - start > self._window:
                return self._process(chunk, final=False)
        elif (
            m.end() != len(buf)
            or m.group("c") is not None
            or len(m.group("h") or "") > self._max_hex
        ):
            return self._process(chunk, final=False)  # a candidate decided already
        if start > 0:
            self._context = buf[start - 1]
        self._held = buf[start:]
        return buf[pos:start]

    def flush(self) -> str:
        """Everything still held back, restored; call once at the end of the stream."""
        if not self._values:
            return ""
        return self._process("", final=True)

    def _process(self, chunk: str, final: bool) -> str:
        context = self._context
        buf = context + self._held + chunk
        size = len(buf)
        pos = emitted = len(context)
        canonical = self._canonical
        finder = CandidateFinder(buf, pos, canonical) if size - pos >= grammar._SMALL else None
        out: list[str] = []
        cut = size
        searching = True
        if finder is not None and finder.only_exact():
            # Nothing but this request's exact placeholders: replace them all in one go.
            for start, end, value in finder.exact():
                out += (buf[emitted:start], value)
                emitted = pos = end
            if not final:
                tail = viable_tail(buf, pos, self._window)
                if tail is not None:
                    cut = tail
            searching = False
        while searching:
            m = CANDIDATE.search(buf, pos) if finder is None else finder.find(pos)
            if m is None:
                if not final:
                    tail = viable_tail(buf, pos, self._window)
                    if tail is not None:
                        cut = tail
                break
            if isinstance(m, tuple):  # one of ours, as the masker wrote it
                start, end, value = m
            elif (ours := canonical.get(m.group())) is not None:  # the same, found by regex
                (start, end), value = m.span(), ours
            else:
                o, t, _, h, c = m.groups()
                if not final and c is None and (h is None or len(h) <= self._max_hex):
                    # Undecided while the text ends with it, or with `[PERSON` + a separator
                    # still waiting for its hex (the regex matched only `[PERSON`).
                    rest = size - m.end()
                    if not rest or (h is None and buf[m.end() :] in _SEPARATOR_PREFIXES):
                        cut = m.start()
                        break
                hit = self._replacement(m, o, t, h, c, buf)
                if hit is None:
                    pos = m.start() + 1
                    continue
                start, end, value = hit
            out.append(buf[emitted:start])
            out.append(value)
            emitted = pos = end
        if cut > 0:
            self._context = buf[cut - 1]
        self._held = buf[cut:]
        if not out:
            return buf[emitted:cut]
        out.append(buf[emitted:cut])
        return "".join(out)

    def _replacement(
        self,
        m: re.Match[str],
        o: str | None,
        t: str,
        h: str | None,
        c: str | None,
        buf: str,
    ) -> tuple[int, int, str] | None:
        """(start, end, value) when the candidate is a placeholder of this request."""
        paired = o is not None and c is not None
        if h is None:
            # A dropped suffix is restored only in brackets, upper case, and when unambiguous.
            value = self._bare.get(t.upper()) if paired and t.isupper() else None
            return (m.start(), m.end(), value) if value is not None else None
        value = self._values.get((t.upper(), h.lower()))
        if value is None:
            return None
        if paired:
            return m.start(), m.end(), value
        end = m.end("h")
        if c is None and end < len(buf) and _WORD.match(buf, end):
            return None  # `PERSON_a3f9cx` is some other word
        return m.start("t"), end, value


def _tables(
    mapping: Mapping, escape: bool
) -> tuple[dict[tuple[str, str], str], dict[str, str], dict[str, str]]:
    """(value per (TYPE, hex), value per bare TYPE, value per canonical placeholder text); for
    JSON output the values are JSON-escaped."""
    values = {
        key: json.dumps(value, ensure_ascii=False)[1:-1] if escape else value
        for key, value in mapping.items()
    }
    bare = {
        t: json.dumps(v, ensure_ascii=False)[1:-1] if escape else v
        for t in TYPE_NAMES
        if (v := mapping.bare(t)) is not None
    }
    # `[TYPE_hex]` exactly as the masker wrote it: found with one dict lookup.
    canonical = (
        {format_placeholder(*key): value for key, value in values.items()}
        if CANONICAL_IS_UNAMBIGUOUS
        else {}
    )
    return values, bare, canonical


def restore_text(mapping: Mapping, text: str, kind: Kind = "text") -> str:
    """Restore a complete (non-streamed) text."""
    restorer = Restorer(mapping, kind)
    return restorer.feed(text) + restorer.flush()
