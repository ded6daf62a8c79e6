"""Enumerations for PERSON: in "Eklund, Michael and Hodge" one found name vouches for the others.

Names listed side by side are usually of one kind: when one member of a comma/and list is a found
person, the other members that are bare name-like words (a listed name or an unknown word, never
a frequent word, a company or a place) are persons too.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import Final

__all__ = ["ENUM_KINDS", "enumerated", "member_words"]

# Token kinds (see _person_kinds.classify) a list member may have to be claimed by its neighbours.
ENUM_KINDS: Final = frozenset({"first", "last", "unknown", "caps"})
_MAX_TOKENS: Final = 2
_MAX_GAP: Final = 7
_NUMBER_NEXT: Final = re.compile(r"[ \t]*\d")
_MAX_MEMBERS: Final = 12  # each way from a found name: bounds the walk
_CONJUNCTIONS: Final = ("and", "und", "et", "or", "oder", "ou", "y", "e")
_AND: Final = "|".join(_CONJUNCTIONS)
_SEPARATOR: Final = re.compile(rf",[ \t]*|,?[ \t]+(?:{_AND})[ \t]+")  # _separator_end's definition
_WORD_BEFORE: Final = re.compile(
    r"(?<![\w-])[A-ZÀ-ÖØ-Þ][\w'’-]*\.?$"
)  # the definition of _word_before
_WORD_EXTRA: Final = "_'’-"  # what [\w'’-] adds to str.isalnum
_SEPARATOR_BEFORE: Final = re.compile(rf"(?:,[ \t]*|,?[ \t]+(?:{_AND})[ \t]+)$")
# A conjunction as the end of a separator has a blank before it.
_BLANK_CONJUNCTIONS: Final = tuple(blank + word for blank in " \t" for word in _CONJUNCTIONS)


def enumerated(
    text: str,
    found: Sequence[tuple[int, int]],
    runs: Sequence[tuple[int, int]],
    member: Callable[[str], bool],
) -> list[tuple[int, int]]:
    """Spans of the `runs` that sit in one comma/and list with a `found` span (both in text
    order); `member` says whether a run's text may be a listed person (word kinds, no company).

    In a list of three or more, half the members must be found names: one found name among
    surnames ("Barnett, Melton and Garcia") is as likely a firm as three people. A member before a
    number is a street ("Leon and Eyrarodda 66"). A pair needs "and" ("Marrero and Murphy").
    """
    out: list[tuple[int, int]] = []
    index: _Index | None = None
    done: set[int] = set()
    for start, end in found:
        if start in done:
            continue
        if not _capital_neighbour(text, start, end):
            continue  # not in a list: the usual case, decided without building the index
        if index is None:
            index = _Index(found, runs)
        group = index.group(text, start, end)
        done.update(s for s, _, is_found in group if is_found)
        _claim(text, group, member, out)
    return out


def _capital_neighbour(text: str, start: int, end: int) -> bool:
    """A capitalised word across a separator on either side of the span ("Anna, Bob and")."""
    after = _separator_end(text, end)
    if after >= 0 and text[after : after + 1].isupper():
        return True
    before = _separator_before(text, start)
    if before is None:
        return False
    return _word_before(text, max(0, before.start() - 40), before.start())


def _word_before(text: str, low: int, high: int) -> bool:
    """`_WORD_BEFORE.search(text, low, high) is not None` by one backward scan: a capitalised
    word (a dot after it allowed) ends at `high`, or before a line break there, as `$` does."""
    end = high - 1 if high > low and text[high - 1] == "\n" else high
    if end > low and text[end - 1] == ".":
        end -= 1
    pos = end - 1
    while pos >= low:
        char = text[pos]
        if not (char.isalnum() or char in _WORD_EXTRA):
            return False
        if ("A" <= char <= "Z" or "À" <= char <= "Ö" or "Ø" <= char <= "Þ") and not (
            pos and (text[pos - 1].isalnum() or text[pos - 1] in "_-")
        ):
            return True
        pos -= 1
    return False


_CONJUNCTION_INITIALS: Final = frozenset(word[0] for word in _CONJUNCTIONS)


def _separator_end(text: str, pos: int) -> int:
    """`_SEPARATOR.match(text, pos).end()`, or -1 where it does not match, without the regex
    call (most spans are followed by neither a comma nor a conjunction)."""
    n = len(text)
    if pos < n and text[pos] == ",":  # the first alternative: a comma, any blanks
        return _blanks_end(text, pos + 1, n)
    after = _blanks_end(text, pos, n)
    if after in (pos, n) or text[after] not in _CONJUNCTION_INITIALS:
        return -1
    for word in _CONJUNCTIONS:  # in the regex's order: the first one followed by blanks
        if text.startswith(word, after):
            end = _blanks_end(text, after + len(word), n)
            if end > after + len(word):
                return end
    return -1


def _blanks_end(text: str, pos: int, n: int) -> int:
    """Where the spaces and tabs from `pos` end."""
    while pos < n and (text[pos] == " " or text[pos] == "\t"):
        pos += 1
    return pos


def _separator_before(text: str, pos: int) -> re.Match[str] | None:
    """The separator that ends at `pos` (or before a line break there, as `$` allows); string
    tests first rule out most positions."""
    low = max(0, pos - _MAX_GAP)
    head = text[low:pos].removesuffix("\n")
    bare = head.rstrip(" \t")
    if not (bare.endswith(",") or (len(bare) < len(head) and bare.endswith(_BLANK_CONJUNCTIONS))):
        return None  # neither "," nor a blank, a conjunction and blanks end the text there
    return _SEPARATOR_BEFORE.search(text, low, pos)


class _Index:
    """Found spans and runs by start and by end, to walk a list from one member to the next."""

    __slots__ = ("found_end", "found_start", "runs", "starts")

    def __init__(self, found: Sequence[tuple[int, int]], runs: Sequence[tuple[int, int]]) -> None:
        self.runs = runs
        self.starts = [run[0] for run in runs]
        self.found_start = {s: (s, e, True) for s, e in found}
        self.found_end = {e: (s, e, True) for s, e in found}

    def starting(self, pos: int) -> tuple[int, int, bool] | None:
        if pos in self.found_start:
            return self.found_start[pos]
        i = bisect_left(self.starts, pos)
        if i < len(self.starts) and self.starts[i] == pos:
            return (pos, self.runs[i][1], False)
        return None

    def ending(self, pos: int) -> tuple[int, int, bool] | None:
        if pos in self.found_end:
            return self.found_end[pos]
        i = bisect_right(self.starts, pos - 1) - 1
        if i >= 0 and self.runs[i][1] == pos:
            return (self.starts[i], pos, False)
        return None

    def group(self, text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
        """The members of the list holding the found span [start, end), in text order."""
        left: list[tuple[int, int, bool]] = []
        pos = start
        while len(left) < _MAX_MEMBERS:
            sep = _separator_before(text, pos)
            element = None if sep is None else self.ending(sep.start())
            if element is None:
                break
            left.append(element)
            pos = element[0]
        group = [*reversed(left), (start, end, True)]
        pos = end
        while len(group) < 2 * _MAX_MEMBERS:
            after = _separator_end(text, pos)
            element = None if after < 0 else self.starting(after)
            if element is None:
                break
            group.append(element)
            pos = element[1]
        return group


def _claim(
    text: str,
    group: list[tuple[int, int, bool]],
    member: Callable[[str], bool],
    out: list[tuple[int, int]],
) -> None:
    if len(group) < 2 or not any(is_found for _, _, is_found in group):
        return
    if len(group) > 2 and 2 * sum(found for _, _, found in group) < len(group):
        return
    if len(group) == 2 and "," in text[group[0][1] : group[1][0]]:
        return  # a pair is joined by "and" alone; "X, and Y's Z" ends a longer list
    for start, end, is_found in group:
        if is_found or _NUMBER_NEXT.match(text, end) or not member(text[start:end]):
            continue
        out.append((start, end))


def member_words(run: str) -> list[str] | None:
    """The words of a run short enough to be one list member, else None."""
    words = run.split()
    return words if 0 < len(words) <= _MAX_TOKENS else None
