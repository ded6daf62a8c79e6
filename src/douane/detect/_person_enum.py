"""Enumerations for PERSON: in "Eklund, Michael and Hodge" one found name vouches for the others.

Names listed side by side are usually of one kind: when one member of a comma/and list is a found
person, the other members that are bare name-like words (a listed name or an unknown word, never
a frequent word, a company or a place) are persons too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

__all__ = ["ENUM_KINDS", "enumerated", "member_words"]

# Token kinds (see _person_kinds.classify) a list member may have to be claimed by its neighbours.
ENUM_KINDS = frozenset({"first", "last", "unknown", "caps"})
_MAX_TOKENS = 2
_MAX_GAP = 7
_NUMBER_NEXT = re.compile(r"[ \t]*\d")
_SEPARATOR = re.compile(r",[ \t]*|,?[ \t]+(?:and|und|et|or|oder|ou|y|e)[ \t]+")


def enumerated(
    text: str,
    found: Sequence[tuple[int, int]],
    runs: Sequence[re.Match[str]],
    member: Callable[[str], bool],
) -> list[tuple[int, int]]:
    """Spans of the `runs` that sit in one comma/and list with a `found` span (both in text
    order); `member` says whether a run's text may be a listed person (word kinds, no company).

    In a list of three or more, half the members must be found names: one found name among
    surnames ("Barnett, Melton and Garcia") is as likely a firm as three people. A member before a
    number is a street ("Leon and Eyrarodda 66"). A pair needs "and" ("Marrero and Murphy").
    """
    elements: list[tuple[int, int, bool]] = []  # start, end, found
    i = j = 0
    while i < len(found) or j < len(runs):
        if j >= len(runs) or (i < len(found) and found[i][0] < runs[j].start()):
            elements.append((found[i][0], found[i][1], True))
            i += 1
        else:
            elements.append((runs[j].start(), runs[j].end(), False))
            j += 1
    out: list[tuple[int, int]] = []
    group: list[tuple[int, int, bool]] = []
    for element in elements:
        if group and not _linked(text, group[-1][1], element[0]):
            _claim(text, group, member, out)
            group = []
        group.append(element)
    _claim(text, group, member, out)
    return out


def _linked(text: str, end: int, start: int) -> bool:
    return 0 < start - end <= _MAX_GAP and _SEPARATOR.fullmatch(text, end, start) is not None


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
