"""The placeholder grammar shared by masking and restoration, including the model's manglings.

A placeholder is `[TYPE_hex]`. Models mangle it: brackets dropped or swapped for `()`, `<>`, `{}`,
case changed, `-` for `_`, or the suffix dropped (`[PERSON]`). One regex recognises every variant
(`CANDIDATE`); the masker scans the request with it so that nothing the client wrote can be mistaken
for a placeholder, and the restorer scans the answer with it. Keeping both on one grammar is what
makes mask → restore the identity.
"""

from __future__ import annotations

import re

from douane.types import FindingType

__all__ = [
    "CANDIDATE",
    "MIN_HEX",
    "TYPE_NAMES",
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
CANDIDATE = re.compile(
    rf"(?:(?P<o>[\[(<{{])|(?<!\w))(?P<t>{_TYPES})(?:(?P<s>[_-])(?P<h>[0-9a-f]+))?(?P<c>[\])>}}])?",
    re.IGNORECASE,
)


def _prefix_chain(word: str, tail: str) -> str:
    """Regex matching every non-empty prefix of `word`, and `word` followed by `tail`."""
    out = tail
    for ch in reversed(word[1:]):
        out = f"(?:{re.escape(ch)}{out})?"
    return re.escape(word[0]) + out


_PREFIXES = "|".join(_prefix_chain(name, "(?:[_-][0-9a-f]*)?") for name in TYPE_NAMES)
# A suffix of the text that is still the beginning of a candidate (the stream must wait for more).
_VIABLE = re.compile(rf"(?:[\[(<{{](?:{_PREFIXES})?|(?<!\w)(?:{_PREFIXES}))\Z", re.IGNORECASE)


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
    m = _VIABLE.search(text, max(start, len(text) - max_len))
    return m.start() if m else None
