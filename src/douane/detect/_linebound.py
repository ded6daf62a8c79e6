"""Whether every match of a regex stays on one line: no part of the pattern can match "\\n".

The rule detector searches such a rule only in the blocks of lines of a long text where a combined
pass saw it, not through the whole text (see rules._blocks). The answer must never be a wrong
"yes": any syntax this reading does not know (RE2 features unlike Python's, a parse error, an
unknown node) answers no, and the rule is searched everywhere, as before.
"""

from __future__ import annotations

import re

# The stdlib's own regex parser; RE2's syntax is close to it for what rules use.
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

__all__ = ["line_bound"]

# RE2 syntax Python reads differently or not at all: POSIX classes, Unicode classes, \Q…\E,
# \C (any byte). A pattern holding one is never called line-bound.
_FOREIGN = re.compile(r"\[:\^?[a-z]+:\]|\\[pPQC]")
# Character categories that hold "\n".
_NEWLINE_CATEGORIES = frozenset(
    {
        sre.CATEGORY_SPACE,
        sre.CATEGORY_NOT_DIGIT,
        sre.CATEGORY_NOT_WORD,
        sre.CATEGORY_LINEBREAK,
        sre.CATEGORY_UNI_SPACE,
        sre.CATEGORY_UNI_NOT_DIGIT,
        sre.CATEGORY_UNI_NOT_WORD,
        sre.CATEGORY_UNI_LINEBREAK,
    }
)
_NEWLINE = ord("\n")
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def line_bound(pattern: str) -> bool:
    """True only if no match of `pattern` (RE2 syntax) can contain a line break."""
    if _FOREIGN.search(pattern):
        return False
    try:
        tree = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    return not _can_match_newline(tree, bool(tree.state.flags & re.DOTALL))


def _can_match_newline(items: Any, dotall: bool) -> bool:
    for op, arg in items:
        if op is sre.AT:  # an anchor or word boundary consumes nothing
            continue
        if op is sre.LITERAL:
            if arg == _NEWLINE:
                return True
        elif op is sre.NOT_LITERAL:
            if arg != _NEWLINE:
                return True
        elif op is sre.ANY:
            if dotall:
                return True
        elif op is sre.IN:
            if _class_holds_newline(arg):
                return True
        elif op in _REPEATS:
            if _can_match_newline(arg[2], dotall):
                return True
        elif op is sre.SUBPATTERN:
            _, add_flags, del_flags, body = arg
            inner = (dotall or bool(add_flags & re.DOTALL)) and not del_flags & re.DOTALL
            if _can_match_newline(body, inner):
                return True
        elif op is sre.BRANCH:
            if any(_can_match_newline(branch, dotall) for branch in arg[1]):
                return True
        elif op is sre.ATOMIC_GROUP:
            if _can_match_newline(arg, dotall):
                return True
        else:  # look-arounds, back-references, conditionals: RE2 has none; say "may"
            return True
    return False


def _class_holds_newline(items: Any) -> bool:
    negated = False
    holds = False
    for op, arg in items:
        if op is sre.NEGATE:
            negated = True
        elif op is sre.LITERAL:
            holds = holds or arg == _NEWLINE
        elif op is sre.RANGE:
            holds = holds or arg[0] <= _NEWLINE <= arg[1]
        elif op is sre.CATEGORY:
            holds = holds or arg in _NEWLINE_CATEGORIES
        else:
            return True  # unknown member: say "may"
    return holds != negated
