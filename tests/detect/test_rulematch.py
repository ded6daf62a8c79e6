"""The rule matchers: the C++ one (RE2 linked directly) and google-re2's find the same."""

from __future__ import annotations

import logging
import random

import pytest
from tests.corpora import corpus_texts

from douane.detect import _rulescan
from douane.detect._rulematch import PythonMatcher, RuleSpec, rule_matcher
from douane.detect._rulescan import RuleMatcher
from douane.detect.rulefile import RULE_MAX_MEM, load_ruleset

_MEM = RULE_MAX_MEM
# Every bundled rule as the detector hands it over, and rules that meet the loop's edge cases:
# empty matches, a reported group that does not take part, a deny group, a group that matches
# empty, multi-byte characters, anchors and word boundaries that look outside a window.
BUNDLED: list[RuleSpec] = [
    (r.pattern.pattern, r.group, r.deny_group, (r.prefilter or r.pattern).pattern)
    for r in load_ruleset().rules
]
EDGES: list[RuleSpec] = [
    ("a*", 0, -1, "a*"),
    ("(x)|(y)", 1, -1, "[xy]"),
    ("(x)|(y)", 0, 2, "[xy]"),
    ("k(z*)", 1, -1, "k"),
    ("(?i)ü+", 0, -1, "(?i)ü"),
    (r"^\w+$", 0, -1, r"\w"),
    (r"(?m)^\w+", 0, -1, r"\w"),
    (r"\bab", 0, -1, "ab"),
    ("😀.", 0, -1, "😀"),
]
SPECS = BUNDLED + EDGES
PIECES = ["a", "aa", "b", "x", "y", "k", "kz", "ü", "Ü", "😀", " ", "\n", "ab", "-", "é", "1"]


def _texts() -> list[str]:
    rng = random.Random(11)
    noise = ["".join(rng.choices(PIECES, k=rng.randrange(1, 40))) for _ in range(400)]
    return corpus_texts(400) + noise + ["", "\n".join(corpus_texts(30))]


TEXTS = _texts()


def _windows(data: bytes, rng: random.Random) -> list[tuple[int, int]]:
    """Up to three ordered, disjoint byte ranges that start and end on character boundaries."""
    edges = sorted(
        {0, len(data)}
        | {i for i in rng.sample(range(len(data) + 1), min(len(data) + 1, 6)) if _boundary(data, i)}
    )
    pairs = list(zip(edges[::2], edges[1::2], strict=False))
    return pairs[: rng.randrange(1, 4)]


def _boundary(data: bytes, i: int) -> bool:
    return i == len(data) or data[i] & 0xC0 != 0x80


@pytest.fixture(scope="module")
def matchers() -> tuple[RuleMatcher, PythonMatcher]:
    return RuleMatcher(SPECS, _MEM, _MEM), PythonMatcher(SPECS, _MEM, _MEM)


def test_both_find_the_same_hits_and_spans_in_every_text(
    matchers: tuple[RuleMatcher, PythonMatcher],
) -> None:
    native, python = matchers
    rng = random.Random(3)
    found = 0
    for text in TEXTS:
        data = text.encode("utf-8", "surrogatepass")
        hits = native.hits(data)
        assert hits == python.hits(data)
        assert hits == sorted(hits)
        for index in hits:
            whole = ((0, len(data)),)
            spans = native.find(index, data, whole)
            assert spans == python.find(index, data, whole)
            windows = _windows(data, rng)
            assert native.find(index, data, windows) == python.find(index, data, windows)
            found += len(spans) // 2
    assert found > 3000  # the corpora hold thousands of matches


def test_hits_in_a_range_are_the_hits_of_that_slice(
    matchers: tuple[RuleMatcher, PythonMatcher],
) -> None:
    native, python = matchers
    data = "\n".join(corpus_texts(20)).encode()
    for start in range(0, len(data), 997):
        end = min(len(data), start + 1500)
        expected = python.hits(data[start:end])
        assert native.hits(data, start, end) == expected == python.hits(data, start, end)
        assert expected  # the slices hold something to find


def test_spans_are_the_reported_group_of_each_match_left_to_right() -> None:
    matcher = RuleMatcher(EDGES, _MEM, _MEM)
    index = {spec: i for i, spec in enumerate(EDGES)}
    data = b"baab xyx kz k"
    assert matcher.find(index[EDGES[0]], data, [(0, len(data))]) == [1, 3]  # empty ones dropped
    assert matcher.find(index[EDGES[1]], data, [(0, len(data))]) == [5, 6, 7, 8]  # only x
    assert matcher.find(index[EDGES[2]], data, [(0, len(data))]) == [5, 6, 7, 8]  # y denied
    assert matcher.find(index[EDGES[3]], data, [(0, len(data))]) == [10, 11]  # k alone: empty
    # a window is searched with the text around it: no word boundary inside "baab"
    assert matcher.find(index[EDGES[7]], b"xab ab", [(1, 6)]) == [4, 6]


def test_a_range_outside_the_data_or_a_wrong_argument_raises() -> None:
    matcher = RuleMatcher(EDGES, _MEM, _MEM)
    with pytest.raises(ValueError, match="range"):
        matcher.hits(b"abc", 2, 1)
    with pytest.raises(ValueError, match="range"):
        matcher.find(0, b"abc", [(0, 4)])
    with pytest.raises(IndexError):
        matcher.find(len(EDGES), b"abc", [(0, 3)])
    with pytest.raises(TypeError):
        matcher.hits("abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="hits"):
        matcher.hits()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="int"):
        matcher.hits(b"abc", "0")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="find"):
        matcher.find(0, b"abc")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="int"):
        matcher.find("0", b"abc", [(0, 3)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="window"):
        matcher.find(0, b"abc", [[0, 3]])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="int"):
        matcher.find(0, b"abc", [(0, 3.0)])  # type: ignore[list-item]
    assert matcher.hits(b"abc", 0) == matcher.hits(b"abc", 0, 3)  # end defaults to the end


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (("(", 0, -1, "x"), "missing"),
        (("(x)", 2, -1, "x"), "group"),
        (("(x)", 0, 3, "x"), "group"),
        (("x", 0, -1, "("), "missing"),
    ],
)
def test_a_bad_rule_is_refused_with_its_index(spec: RuleSpec, message: str) -> None:
    with pytest.raises(ValueError, match=f"rule 1: .*{message}"):
        RuleMatcher([EDGES[0], spec], _MEM, _MEM)


def test_a_rule_the_system_re2_rejects_runs_on_google_re2(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """As with `(?<word>ab)`: google-re2 takes it, Debian 12's RE2 (2022-06) does not."""

    def older_re2(rules: list[RuleSpec], rule_max_mem: int, set_max_mem: int) -> RuleMatcher:
        raise ValueError("rule 0: invalid perl operator: (?<")

    monkeypatch.delenv("DOUANE_PURE_PYTHON", raising=False)
    monkeypatch.setattr(_rulescan, "RuleMatcher", older_re2)
    spec: RuleSpec = ("(?<word>ab)", 1, -1, "ab")
    with caplog.at_level(logging.WARNING):
        matcher = rule_matcher([spec], _MEM, _MEM)
    assert isinstance(matcher, PythonMatcher)
    assert "system's RE2 rejects rule 0" in caplog.text
    assert matcher.find(0, b"x ab", [(0, 4)]) == [2, 4]


def test_the_native_matcher_is_chosen_unless_pure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOUANE_PURE_PYTHON", raising=False)
    assert isinstance(rule_matcher(EDGES, _MEM, _MEM), RuleMatcher)
    monkeypatch.setenv("DOUANE_PURE_PYTHON", "1")
    assert isinstance(rule_matcher(EDGES, _MEM, _MEM), PythonMatcher)
