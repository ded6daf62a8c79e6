"""Layout cues for PERSON: signatures after a closing, task-list subjects, e-mail local parts.

Each cue looks at a bounded window around a capitalised run (never the whole text), so the
detector stays linear; each is consulted only for a run that the name lists alone did not accept.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Sequence
from typing import Final

from douane.detect._fold import fold
from douane.detect._names import Lexicon
from douane.detect._person_kinds import LINE_WINDOW, after_label

__all__ = [
    "LabelLines",
    "LocalParts",
    "after_closing",
    "email_matches",
    "list_cue",
    "list_subject",
    "local_parts",
]

# How far the cues look: a signature sits a few short lines under its closing, an e-mail address
# next to its owner's name on the same line or row.
_SIGNATURE_LINES: Final = 3
_SIGNATURE_LINE_MAX: Final = 60
_EMAIL_WINDOW: Final = 100
_LIST_LINES: Final = 15
_PHRASE_MAX: Final = 24
_LINE_MAX: Final = 200
_BULLET: Final = re.compile(r"[ \t]*(?:[-*•–]|\d{1,2}[.)])[ \t]+")
_LOCAL_MAX: Final = 64
_LOCAL_CHARS: Final = re.compile(r"[\w.+'-]+")  # an e-mail local part, read backwards from its `@`
_LOCAL_SPLIT: Final = re.compile(r"[._+'-]+")


def _line_start(text: str, pos: int) -> int:
    """Start of the line holding `pos`, looking back at most _LINE_MAX characters."""
    return text.rfind("\n", max(0, pos - _LINE_MAX), pos) + 1


def _opens_line(text: str, pos: int) -> bool:
    """Only blanks between the line start and `pos` (usually decided by one character)."""
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n"


def after_closing(lex: Lexicon, text: str, base: int) -> bool:
    """The run opens a line under a closing ("Best,", "Viele Grüße"), or under a one-word sign-off
    that is itself under one ("Best,\nNoor\n\nNoor Giselmeyer | HR")."""
    if not _opens_line(text, base):
        return False
    start = _line_start(text, base)
    seen = 0
    end = start - 1
    for _ in range(2 * _SIGNATURE_LINES + 2):  # bounded: blank lines count towards the limit
        if end <= 0 or seen >= _SIGNATURE_LINES:
            break
        begin = text.rfind("\n", max(0, end - _SIGNATURE_LINE_MAX - 1), end) + 1
        line = text[begin:end].strip()
        if begin == 0 and end > _SIGNATURE_LINE_MAX:
            return False  # a line longer than any closing or signature line
        if line:
            if len(line) > _SIGNATURE_LINE_MAX:
                return False
            if _is_closing(lex, line):
                return True
            if not line.isalpha() or not line[0].isupper():
                return False  # only a one-word sign-off ("Noor") may sit between closing and name
            seen += 1
        end = begin - 1
    return False


def _is_closing(lex: Lexicon, line: str) -> bool:
    words = line.rstrip(" ,.!").lower()
    if words in lex.closings:
        return True
    tail = words.rsplit(" ", 1)[-1]
    return len(words) <= 40 and tail in lex.closing_tails


def after_phrase(lex: Lexicon, text: str, base: int) -> bool:
    """The run follows a phrase that introduces a name ("my name is", "je m'appelle")."""
    before = text[max(0, base - _PHRASE_MAX) : base].rstrip(" \t:").lower()
    if before[before.rfind(" ") + 1 :] not in lex.phrase_ends:  # one set lookup decides most
        return False
    return before.endswith(lex.phrases)


def list_subject(text: str, base: int, end: int) -> int | None:
    """The line start when the run is the subject of a list item ("- Margaud : proposer…")."""
    if text[base - 1 : base] not in (" ", "\t") or ":" not in text[end : end + 3]:
        return None
    if not text[end : end + 3].lstrip(" \t\u00a0").startswith(":"):
        return None
    start = _line_start(text, base)
    bullet = _BULLET.match(text, start, base)
    return start if bullet is not None and bullet.end() == base else None


def list_cue(lex: Lexicon, text: str, line: int, subjects: Collection[int]) -> bool:
    """A list-item subject is a person when the list is headed by a task header ("Actions :")
    or another item of the same list has a person as its subject (`subjects`: their line starts).
    """
    pos = line
    for _ in range(_LIST_LINES):  # upwards to the header
        if pos == 0:
            break
        prev = _line_start(text, pos - 1)
        if _BULLET.match(text, prev, pos) is None:
            header = text[prev : pos - 1].strip().rstrip(" :\u00a0").lower()
            if header in lex.list_headers:
                return True
            break
        if prev in subjects:
            return True
        pos = prev
    pos = line
    for _ in range(_LIST_LINES):  # downwards through the same list
        nxt = text.find("\n", pos)
        if nxt < 0:
            break
        pos = nxt + 1
        if _BULLET.match(text, pos, pos + 8) is None:
            break
        if pos in subjects:
            return True
    return False


def local_parts(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Every e-mail address's (start, `@` offset, folded local-part words), found from its `@`."""
    out: list[tuple[int, int, tuple[str, ...]]] = []
    at = text.find("@")
    while at >= 0:
        span = _local_part(text, at)
        if span is not None and text[at + 1 : at + 2].isalnum():
            i, end = span
            parts = tuple(p for p in _LOCAL_SPLIT.split(fold(text[i:end])) if p)
            if parts:
                out.append((i, at, parts))
        at = text.find("@", at + 1)
    return out


def _local_part(text: str, at: int) -> tuple[int, int] | None:
    r"""The local part before the `@` at `at`: the span `[\w.+'-]+$` finds searched between
    `at - _LOCAL_MAX` and `at`, matched once on the reversed window instead of tried at each
    of its starts. Like that `$`, it may end before a line break just before the `@`."""
    low = max(0, at - _LOCAL_MAX)
    end = at - 1 if text[at - 1 : at] == "\n" else at
    run = _LOCAL_CHARS.match(text[low:end][::-1])
    return None if run is None else (end - run.end(), end)


class LocalParts:
    """The e-mail local parts of one text, parsed on first use (most texts never need them)."""

    __slots__ = ("_parts", "_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._parts: list[tuple[int, int, tuple[str, ...]]] | None = None
        self._starts: list[int] = []

    def near(self, start: int, end: int) -> list[tuple[int, int, tuple[str, ...]]]:
        """The addresses that begin within _EMAIL_WINDOW of [start, end) (found by bisection)."""
        if self._parts is None:
            self._parts = local_parts(self._text)
            self._starts = [local for local, _, _ in self._parts]
        lo = bisect_left(self._starts, start - _EMAIL_WINDOW - _LOCAL_MAX)
        hi = bisect_right(self._starts, end + _EMAIL_WINDOW)
        return self._parts[lo:hi] if lo < hi else []


def email_matches(
    text: str,
    start: int,
    end: int,
    tokens: Sequence[str],
    emails: list[tuple[int, int, tuple[str, ...]]],
) -> bool:
    """An e-mail address on the same line whose local part spells the name (a.broy, rena.beckmann).

    `emails` holds the text's addresses near the run (`LocalParts.near`). Every part of the
    local part must be one of the name's tokens or its initial, and at least one must be a whole
    token: `info@`, `sales@` never match.
    """
    if text[end : end + 1] in ("@", ".", "_"):
        return False  # the run is itself a local part ("UtaKortig@…")
    names: set[str] | None = None
    for local, at, parts in emails:
        if local > end + _EMAIL_WINDOW or at < start - _EMAIL_WINDOW:
            continue
        lo, hi = (end, local) if local >= end else (at, start)
        if text.find("\n", lo, hi) >= 0:
            continue  # not on the same line
        if names is None:
            names = {fold(t.rstrip(".,;:'’")) for t in tokens if len(t) > 1}
        if not any(p in names for p in parts):
            continue
        if all(p in names or (len(p) == 1 and any(n[0] == p for n in names)) for p in parts):
            return True
    return False


class LabelLines:
    """`after_label` for one text, with each line's label looked at once, not once per run."""

    __slots__ = ("_colons", "_lex", "_text")

    def __init__(self, lex: Lexicon, text: str) -> None:
        self._lex = lex
        self._text = text
        self._colons: dict[int, int] = {}  # line start → its label's colon, or -1

    def after(self, base: int) -> bool:
        """Same as after_label(lex, text, base)."""
        text = self._text
        low = max(0, base - LINE_WINDOW)
        line = text.rfind("\n", low, base) + 1
        if line == 0 and low > 0:  # the window starts mid-line: no line to remember
            return after_label(self._lex, text, base)
        colon = self._colons.get(line)
        if colon is None:
            colon = self._colons[line] = self._label_colon(line)
        if colon < 0 or colon >= base:
            return False
        rest = text[colon + 1 : base]
        return not rest.strip() or rest.rstrip().endswith(",")

    def _label_colon(self, line: int) -> int:
        """The line's first colon when the words before it end with a label word, else -1.

        Runs of this line start at most LINE_WINDOW after it, so the search stops there."""
        text = self._text
        colon = text.find(":", line, line + LINE_WINDOW)
        if colon < 0 or colon - line > 40:
            return -1
        words = text[line:colon].replace("-", " ").split()
        return colon if words and words[-1] in self._lex.labels else -1
