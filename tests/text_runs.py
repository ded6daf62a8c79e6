"""Test helper: capitalised runs as the PERSON detector's regex would hand them over."""

from __future__ import annotations

import re

__all__ = ["runs_in"]


def runs_in(text: str, words: list[str], pos: int = 0) -> list[re.Match[str]]:
    """The matches of `words` in `text` from `pos`, in order, each after the previous one."""
    out: list[re.Match[str]] = []
    for word in words:
        match = re.compile(re.escape(word)).search(text, pos)
        assert match is not None
        out.append(match)
        pos = match.end()
    return out
