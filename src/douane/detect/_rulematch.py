"""The rule detector's regex work: which rules occur in a text, and where each one matches.

`rule_matcher` gives the C++ `_rulescan.RuleMatcher`, linked against RE2 itself (one call per
rule and text), or `PythonMatcher`, the same through the google-re2 binding (one call per
match), where the extension is not built or DOUANE_PURE_PYTHON is set.
tests/detect/test_rulematch.py holds both to one result.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Final, Protocol

import re2

from douane.detect._native import native

__all__ = ["PythonMatcher", "RuleMatcher", "RuleSpec", "rule_matcher"]

_log = logging.getLogger(__name__)

_UNANCHORED: Final = re2._Anchor.UNANCHORED
# What a matcher needs of one rule: (pattern, reported group, deny group or -1, the pattern
# the combined Set pass looks for: the rule's prefilter, else the pattern itself).
RuleSpec = tuple[str, int, int, str]


class RuleMatcher(Protocol):
    def hits(self, data: bytes, start: int = 0, end: int = -1) -> list[int]:
        """Sorted indices of the rules whose Set pattern occurs in data[start:end], searched
        as a text of its own."""

    def find(self, index: int, data: bytes, windows: Sequence[tuple[int, int]]) -> list[int]:
        """[start, end, start, end, ...]: the non-empty byte spans of rule `index`'s group in
        each window, matches whose deny group takes part left out; searched left to right as
        finditer does, with the whole of `data` as context (\\b, ^ and $ see past a window)."""


class PythonMatcher:
    """RuleMatcher through google-re2's Python binding."""

    def __init__(self, rules: Sequence[RuleSpec], rule_max_mem: int, set_max_mem: int) -> None:
        rule_options = re2.Options()
        rule_options.max_mem = rule_max_mem
        set_options = re2.Options()
        set_options.max_mem = set_max_mem
        self._rules = [
            (re2.compile(pattern, rule_options)._regexp, group, deny)
            for pattern, group, deny, _ in rules
        ]
        matcher = re2.Set.SearchSet(set_options)
        for _, _, _, set_pattern in rules:
            matcher.Add(set_pattern)
        matcher.Compile()
        self._set_match: Any = matcher._set.Match  # the C++ Set, without the type dispatch

    def hits(self, data: bytes, start: int = 0, end: int = -1) -> list[int]:
        if start or (0 <= end < len(data)):
            data = data[start : len(data) if end < 0 else end]
        found: list[int] = self._set_match(data)
        found.sort()
        return found

    def find(self, index: int, data: bytes, windows: Sequence[tuple[int, int]]) -> list[int]:
        regexp, group, deny = self._rules[index]
        match = regexp.Match
        out: list[int] = []
        for pos, end in windows:
            # a search from the end could only find an empty match, never reported
            while pos < end:
                spans = match(_UNANCHORED, data, pos, end)
                m_start, m_end = spans[0]
                if m_start < 0:
                    break
                pos = m_end if m_end > m_start else m_end + 1
                g_start, g_end = spans[group]
                if g_start < 0 or g_end <= g_start or (deny >= 0 and spans[deny][0] >= 0):
                    continue
                out.append(g_start)
                out.append(g_end)
        return out


def rule_matcher(rules: Sequence[RuleSpec], rule_max_mem: int, set_max_mem: int) -> RuleMatcher:
    """The C++ matcher, or PythonMatcher without the extension or with DOUANE_PURE_PYTHON.

    google-re2 validated the rules when they were loaded. The system's RE2, which the extension
    links, may be an older release that rejects newer syntax (`(?<name>…)`): then the rules
    run on google-re2 too, finding the same, only slower.
    """
    native_matcher = native("_rulescan", "RuleMatcher")
    if native_matcher is not None:
        try:
            matcher: RuleMatcher = native_matcher(rules, rule_max_mem, set_max_mem)
        except ValueError as exc:
            _log.warning("rules run on google-re2: the system's RE2 rejects %s", exc)
        else:
            return matcher
    return PythonMatcher(rules, rule_max_mem, set_max_mem)
