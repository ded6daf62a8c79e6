"""Length-preserving text folding (case, accents, apostrophes, dashes) so offsets stay valid."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["WORD", "fold", "word_spans"]

WORD: Final = re.compile(r"\w+")


def _build_table() -> dict[int, str]:
    """Map each accented Latin letter to its base letter and typographic variants to ASCII."""
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = decomposed[0]
        if len(decomposed) > 1 and base.isascii() and base.isalpha():
            table[code] = base.lower()
    for ch in "\u2018\u2019\u02bc\u00b4`":
        table[ord(ch)] = "'"
    for ch in "\u2010\u2011\u2012\u2013\u2014":
        table[ord(ch)] = "-"
    for ch in "\u00a0\u202f\u2007\t\n\r\f\v":
        table[ord(ch)] = " "
    return table


_TABLE: Final = _build_table()


def fold(text: str) -> str:
    """Lower-case, strip Latin accents and unify quotes/dashes/spaces; same length as `text`.

    Characters whose lower case would change the length (e.g. U+0130) are kept as they are, so
    every offset into the folded text is an offset into the original.
    """
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.translate(_TABLE)


def word_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """The folded words of `text` with their start and end offsets in `text`."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in WORD.finditer(fold(text)):
        words.append(m.group())
        starts.append(m.start())
        ends.append(m.end())
    return words, starts, ends
