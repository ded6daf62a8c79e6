"""The placeholder grammar shared by masking and restoration, including the model's manglings.

A placeholder is `[TYPE_hex]`. Models mangle it: brackets dropped or swapped for `()`, `<>`, `{}`,
case changed, `-` for `_`, a Markdown-escaped `\\_`, or the suffix dropped (`[PERSON]`). One
regex recognises every variant (`CANDIDATE`); the masker scans the request with it so that nothing
the client wrote can be mistaken for a placeholder, and the restorer scans the answer with it.
Keeping both on one grammar is what makes mask → restore the identity.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left
from collections.abc import Iterator
from itertools import accumulate, repeat
from operator import sub

from douane.types import FindingType

__all__ = [
    "CANDIDATE",
    "CANDIDATE_OR_TAIL",
    "CANONICAL_IS_UNAMBIGUOUS",
    "MIN_HEX",
    "OPEN_CHARS",
    "RUN_CHARS",
    "TYPE_NAMES",
    "CandidateFinder",
    "candidate_key",
    "format_placeholder",
    "is_paired",
    "redaction_marker",
    "viable_tail",
]

MIN_HEX = 5
TYPE_NAMES: tuple[str, ...] = tuple(
    sorted((str(t) for t in FindingType), key=lambda name: (-len(name), name))
)
_TYPES = "|".join(re.escape(name) for name in TYPE_NAMES)

# An opening bracket, or a word boundary before a bare core; then the type, an optional
# separator + hex suffix, and an optional closing bracket.
# The leading lookahead only restates what the rest requires (a bracket or a type's initial);
# it lets the regex engine skip every other position cheaply.
_START = r"(?=[\[(<{" + "".join(sorted({name[0] for name in TYPE_NAMES})) + "])"
CANDIDATE = re.compile(
    rf"{_START}(?:(?P<o>[\[(<{{])|(?<!\w))(?P<t>{_TYPES})"
    rf"(?:(?P<s>\\?[_-])(?P<h>[0-9a-f]+))?(?P<c>[\])>}}])?",
    re.IGNORECASE | re.ASCII,
)


def _prefix_chain(word: str, tail: str) -> str:
    """Regex matching every non-empty prefix of `word`, and `word` followed by `tail`."""
    out = tail
    for ch in reversed(word[1:]):
        out = f"(?:{re.escape(ch)}{out})?"
    return re.escape(word[0]) + out


_PREFIXES = "|".join(
    _prefix_chain(name, r"(?:\\(?:[_-][0-9a-f]*)?|[_-][0-9a-f]*)?") for name in TYPE_NAMES
)
# A suffix of the text that is still the beginning of a candidate (the stream must wait for more).
_VIABLE = re.compile(
    rf"(?:[\[(<{{](?:{_PREFIXES})?|(?<!\w)(?:{_PREFIXES}))\Z", re.IGNORECASE | re.ASCII
)
# The leftmost candidate or viable tail, whichever comes first (a candidate has group "t").
CANDIDATE_OR_TAIL = re.compile(
    rf"{_START}(?:(?:{CANDIDATE.pattern})|(?:{_VIABLE.pattern}))", re.IGNORECASE | re.ASCII
)
_OPEN = OPEN_CHARS = "[(<{"
_AFTER_TYPE = "_-\\])>}"
_RUN = string.ascii_letters + string.digits + "_-"
_RUN_SET = RUN_CHARS = frozenset(_RUN)

_LOWER_TYPE_BYTES = tuple(name.lower().encode() for name in TYPE_NAMES)
_AFTER_TYPE_BYTES = frozenset(_AFTER_TYPE.encode())
_OPEN_BYTES = frozenset(_OPEN.encode())
_CONTINUATION_MARKS = bytes(1 if 0x80 <= b < 0xC0 else 0 for b in range(256))
_SMALL = 64  # below this many characters a plain regex search is cheaper than the prefilter


# True when no type name followed by a separator begins another type name: then a canonical
# `[TYPE_hex]` can only ever be read back as that type and hex.
CANONICAL_IS_UNAMBIGUOUS = not any(
    other.upper().startswith(name.upper() + sep)
    for name in TYPE_NAMES
    for other in TYPE_NAMES
    for sep in "_-"
    if other != name
)


def format_placeholder(type_name: str, hex_suffix: str) -> str:
    """The canonical placeholder text, e.g. `[PERSON_a3f9c]`."""
    return f"[{type_name}_{hex_suffix}]"


def redaction_marker(type_name: str) -> str:
    """The irreversible marker that replaces a redacted value."""
    return f"[REDACTED:{type_name}]"


def is_paired(match: re.Match[str]) -> bool:
    """True when the candidate has both an opening and a closing bracket (of any kind)."""
    return match.group("o") is not None and match.group("c") is not None


def candidate_key(match: re.Match[str]) -> tuple[str, str]:
    """(TYPE, lower-case hex or "") identifying what a candidate refers to, whatever its case."""
    return match.group("t").upper(), (match.group("h") or "").lower()


def viable_tail(text: str, start: int, max_len: int) -> int | None:
    """Index of the earliest suffix of `text` (beginning at or after `start`, at most `max_len`
    long) that could still grow into a placeholder, or None."""
    if not text or (text[-1] not in _RUN_SET and text[-1] not in _OPEN):
        return None
    low = max(start, len(text) - max_len)
    # A candidate starts at an opening bracket or at a word boundary: just before the trailing
    # run of word characters, at its start, or just after a `-` inside it. The search tries
    # exactly those: inside the run, the lookbehind fails everywhere else, and a bracket
    # cannot be part of the run.
    m = _VIABLE.search(text, max(low, len(text.rstrip(_RUN)) - 1))
    return m.start() if m is not None else None


class CandidateFinder:
    """`CANDIDATE.search` over one text, sped up by a case-insensitive substring prefilter: a
    candidate can only start at a type name or at the bracket just before one. On long texts it
    skips candidates that can be neither restored nor extended (a type name followed by a space),
    which changes no restorer or masker outcome: those only ever reject such candidates.

    With `canonical` (placeholder text -> value), the exact placeholders of the request are
    located first, with plain string searches, and reported as (start, end, value): the regex
    would read each as exactly that placeholder (CANONICAL_IS_UNAMBIGUOUS), no other candidate
    can overlap one (a candidate holds a bracket only as its first character), and the prefilter
    then runs on the text with them blanked out, so it only meets the rest."""

    __slots__ = ("_found", "_next", "_starts", "_text")

    def __init__(self, text: str, pos: int = 0, canonical: dict[str, str] | None = None) -> None:
        self._text = text
        self._next = 0  # index of the first start not yet passed (searches move forward)
        self._found: dict[int, tuple[int, int, str]] = {}
        if len(text) - pos < _SMALL:
            self._starts: list[int] | None = None
        elif canonical and CANONICAL_IS_UNAMBIGUOUS:
            self._found = _exact(text, pos, canonical)
            blanked = text
            if self._found:
                parts: list[str] = []
                last = 0
                for start, end, _ in self._found.values():
                    parts += (text[last:start], "\x00" * (end - start))
                    last = end
                parts.append(text[last:])
                blanked = "".join(parts)
            self._starts = sorted([*_starts(blanked, pos), *self._found])
        else:
            self._starts = _starts(text, pos)

    def only_exact(self) -> bool:
        """True when every candidate that matters is an exact canonical placeholder."""
        return self._starts is not None and len(self._starts) == len(self._found)

    def exact(self) -> Iterator[tuple[int, int, str]]:
        """The exact canonical placeholders, as (start, end, value), in text order."""
        return iter(self._found.values())

    def search(self, pos: int) -> re.Match[str] | None:
        """The leftmost candidate starting at or after `pos` that matters (see the class), for a
        finder without `canonical`."""
        hit = self.find(pos)
        if isinstance(hit, tuple):
            raise TypeError("search() on a finder with canonical placeholders: use find()")
        return hit

    def find(self, pos: int) -> re.Match[str] | tuple[int, int, str] | None:
        """Like search(), but an exact canonical placeholder comes as (start, end, value)."""
        starts = self._starts
        if starts is None:
            return CANDIDATE.search(self._text, pos)
        i = self._next
        if i and starts[i - 1] >= pos:  # a search behind the last one: start over
            i = 0
        count = len(starts)
        while i < count and starts[i] < pos:
            i += 1
        found, match = self._found, CANDIDATE.match
        while i < count:
            start = starts[i]
            i += 1
            exact = found.get(start) if found else None
            hit = match(self._text, start) if exact is None else exact
            if hit is not None:
                self._next = i - 1
                return hit
        self._next = count
        return None


_BRACKETED = re.compile(r"\[[^\[\]]*\]")  # a bracket, up to the first closing one


def _exact(text: str, pos: int, canonical: dict[str, str]) -> dict[int, tuple[int, int, str]]:
    """(start, end, value) by start for each exact canonical placeholder at or after `pos`."""
    found = {}
    for m in _BRACKETED.finditer(text, pos):
        value = canonical.get(m.group())
        if value is not None:
            start, end = m.span()
            found[start] = (start, end, value)
    return found


def _starts(text: str, pos: int) -> list[int]:
    """Sorted offsets >= pos where a candidate that matters can start. The search runs on the
    UTF-8 bytes, lowered: bytes.lower() touches ASCII only (as the ASCII-mode grammar does) and
    is many times faster than str.lower() on non-ASCII text; byte offsets map back to character
    offsets only for the few hits."""
    data = text.encode("utf-8", "surrogatepass").lower()
    found: list[int] = []
    end = len(data)
    for name in _LOWER_TYPE_BYTES:
        size = len(name)
        i = data.find(name)
        while i != -1:
            # Only a separator, a closing bracket or the end of the text can follow a type name
            # in a candidate that is restorable or still undecided; prose words are skipped.
            if i + size == end or data[i + size] in _AFTER_TYPE_BYTES:
                if i and data[i - 1] in _OPEN_BYTES:
                    found.append(i - 1)
                found.append(i)
            i = data.find(name, i + 1)
    if not found:
        return []
    hits = sorted(set(found))
    if end != len(text):
        # Non-ASCII: a character's offset is its byte offset less the continuation bytes before.
        marks = data.translate(_CONTINUATION_MARKS)
        between = map(marks.count, repeat(1), [0, *hits[:-1]], hits)
        hits = list(map(sub, hits, accumulate(between)))
    return hits if not pos or hits[0] >= pos else hits[bisect_left(hits, pos) :]
