"""Coreference for PERSON: once "Baudelio Buendía" is found, "Baudelio's account" is him too.

A full name found anywhere in a text lends its given name and surname to their other
occurrences in the same text, including possessives (`Noor's`) and French elisions (`d'Emil`).
Only occurrences inside capitalised runs the detector did not accept are claimed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Final

__all__ = ["NAME_KINDS", "WEAK_KINDS", "name_tokens", "propagate"]

# Token kinds (see _person_kinds.classify) a full name may lend; weak ones only mid-sentence.
NAME_KINDS: Final = frozenset({"first", "last", "caps", "unknown", "wfirst", "wlast"})
WEAK_KINDS: Final = frozenset({"wfirst", "wlast"})
_MIN_LEN: Final = 3
_SENTENCE_END: Final = ".!?:\n"


def name_tokens(words: list[str], kinds: list[str]) -> dict[str, bool]:
    """Name token → weak, of one found name given as its bare words and their kinds; nothing
    unless at least two of them are name tokens."""
    out: dict[str, bool] = {}
    if sum(k in NAME_KINDS for k in kinds) < 2:
        return out
    for i, word in enumerate(words):  # compiled, an index loop (zip(strict=) is a call)
        k = kinds[i]
        if k in NAME_KINDS and len(word) >= _MIN_LEN:
            out[word] = out.get(word, True) and k in WEAK_KINDS
    return out


def propagate(
    text: str,
    names: dict[str, bool],
    runs: Sequence[tuple[int, int]],
    skip: Callable[[str], bool],
) -> list[tuple[int, int]]:
    """Spans of whole-word occurrences of `names` inside `runs` (spans, in text order),
    skipping runs `skip` rejects (company names); adjacent tokens of one run become one span.

    Each name is searched with `str.find` (a few names per text), each hit placed in its run by
    bisection: linear in the text, whatever the number of runs.
    """
    repeated = [(name, weak) for name, weak in names.items() if text.count(name) > 1]
    if not repeated:
        return []  # each name occurs only where it was found: the usual case
    starts = [run[0] for run in runs]
    hits: list[tuple[int, int, int]] = []  # start, end, run index
    for name, weak in repeated:
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            i = bisect_right(starts, pos) - 1
            if (
                i >= 0
                and end <= runs[i][1]
                and _whole_word(text, pos, end)
                and not (weak and _sentence_initial(text, pos))
                and not skip(text[runs[i][0] : runs[i][1]])
            ):
                hits.append((pos, end, i))
            pos = text.find(name, end)
    hits.sort()
    spans: list[tuple[int, int]] = []
    last_run = -1
    for start, end, i in hits:
        if i == last_run and not text[spans[-1][1] : start].strip():
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        last_run = i
    return spans


def _whole_word(text: str, start: int, end: int) -> bool:
    """Not part of a longer word; a possessive (`Noor's`) or elision (`d'Emil`) is fine."""
    if start > 0:
        before = text[start - 1]
        if before.isalnum() or before == "-":
            return False
        elision = text[start - 2 : start - 1] in ("d", "D", "l", "L") and (
            start < 3 or not text[start - 3].isalnum()
        )
        if before in "'’" and start > 1 and text[start - 2].isalnum() and not elision:
            return False
    after = text[end : end + 1]
    if not after:
        return True
    if after in "'’":
        return text[end + 1 : end + 2] in ("s", "") or not text[end + 1 : end + 2].isalnum()
    return not (after.isalnum() or after == "-")


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start].rstrip(" \t\"'(»«")
    return not before or before[-1] in _SENTENCE_END
