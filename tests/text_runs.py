"""Test helper: capitalised runs as the PERSON detector hands them over, (start, end) spans."""

from __future__ import annotations

__all__ = ["runs_in"]


def runs_in(text: str, words: list[str], pos: int = 0) -> list[tuple[int, int]]:
    """The spans of `words` in `text` from `pos`, in order, each after the previous one."""
    out: list[tuple[int, int]] = []
    for word in words:
        start = text.index(word, pos)
        pos = start + len(word)
        out.append((start, pos))
    return out
