"""Tests for the Scanner: merging, overlap resolution, segments and fail-closed behaviour."""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.corpora import corpus_texts

from douane.detect import Scanner, resolve_overlaps
from douane.detect._findings import SpanSweep
from douane.detect.base import FINDING_FIELDS, TYPE_PRIORITY
from douane.detect.scanner import _SWEEP, STRONG_SCORE, _greedy, python_resolve_overlaps
from douane.errors import ScanFailed
from douane.types import Finding, FindingType, Level


class Fixed:
    """A detector returning fixed findings."""

    def __init__(self, name: str, findings: list[Finding]) -> None:
        self.name = name
        self._findings = findings

    def scan(self, text: str) -> Iterable[Finding]:
        return list(self._findings)


def f(start: int, end: int, type_: FindingType, score: float = 1.0, det: str = "d") -> Finding:
    return Finding(start, end, type_, Level.CONFIDENTIAL, det, score)


def test_findings_are_sorted_and_non_overlapping() -> None:
    a = f(10, 20, FindingType.EMAIL)
    b = f(0, 5, FindingType.PHONE)
    s = Scanner([Fixed("x", [a]), Fixed("y", [b])])
    assert s.scan("x" * 30) == [b, a]


def test_container_secret_wins_over_inner_ip() -> None:
    url = f(0, 40, FindingType.SECRET)
    ip = f(20, 30, FindingType.IP_ADDRESS)
    assert resolve_overlaps([ip, url]) == [url]


def test_validated_finding_beats_weak_finding_of_more_specific_type() -> None:
    weak_secret = f(0, 30, FindingType.SECRET, score=0.5)
    iban = f(2, 24, FindingType.IBAN, score=1.0)
    assert resolve_overlaps([weak_secret, iban]) == [iban]


def test_email_wins_over_person_inside_it() -> None:
    email = f(0, 20, FindingType.EMAIL)
    person = f(0, 4, FindingType.PERSON, score=0.9)
    assert resolve_overlaps([person, email]) == [email]


def test_resolution_does_not_depend_on_detector_order() -> None:
    items = [
        f(0, 10, FindingType.PHONE),
        f(5, 15, FindingType.PHONE, det="e"),
        f(12, 20, FindingType.PERSON),
    ]
    assert resolve_overlaps(items) == resolve_overlaps(list(reversed(items)))


def test_scan_segments_sets_segment_index() -> None:
    s = Scanner([Fixed("x", [f(0, 3, FindingType.PERSON)])])
    out = s.scan_segments(["abcd", "", "efgh"])
    assert [x.segment for x in out] == [0, 2]


def test_scan_segments_runs_each_detector_over_every_text_in_turn() -> None:
    """Detector-major order, and the same findings as scanning text by text."""
    calls: list[tuple[str, str]] = []

    class Recording(Fixed):
        def scan(self, text: str) -> Iterable[Finding]:
            calls.append((self.name, text))
            return super().scan(text)

    person, phone = f(0, 3, FindingType.PERSON), f(2, 6, FindingType.PHONE, score=0.9)
    s = Scanner([Recording("a", [person]), Recording("b", [phone])])
    out = s.scan_segments(["abcdef", "", "ghijkl"])
    assert calls == [("a", "abcdef"), ("a", "ghijkl"), ("b", "abcdef"), ("b", "ghijkl")]
    per_text = [dataclasses.replace(x, segment=i) for i in (0, 2) for x in s.scan("abcdef")]
    assert out == per_text and [x.segment for x in out] == [0, 2]
    bad = Scanner([Fixed("x", []), Fixed("y", [f(0, 99, FindingType.PERSON)])])
    with pytest.raises(ScanFailed, match="'y'"):
        bad.scan_segments(["abc", "def"])


def test_scan_segments_finds_what_scan_finds(default_scanner: Scanner) -> None:
    texts = corpus_texts()[:120]
    expected = [
        dataclasses.replace(x, segment=i)
        for i, text in enumerate(texts)
        for x in default_scanner.scan(text)
    ]
    assert default_scanner.scan_segments(texts) == expected
    assert len(expected) > 100


def test_detector_exception_propagates() -> None:
    class Boom:
        name = "boom"

        def scan(self, text: str) -> Iterable[Finding]:
            raise RuntimeError("broken")

    with pytest.raises(RuntimeError):
        Scanner([Boom()]).scan("text")


def test_out_of_range_span_fails_closed() -> None:
    s = Scanner([Fixed("x", [f(0, 99, FindingType.PERSON)])])
    with pytest.raises(ScanFailed):
        s.scan("short")


def test_scanner_is_thread_safe() -> None:
    s = Scanner([Fixed("x", [f(0, 3, FindingType.PERSON)])])
    results: list[list[Finding]] = []

    def work() -> None:
        for _ in range(200):
            results.append(s.scan("abcdef"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == results[0] for r in results) and len(results) == 800


@pytest.fixture(scope="module")
def default_scanner() -> Scanner:
    from douane.config import parse_config
    from douane.detect import build_scanner

    return build_scanner(parse_config("{}"))


def test_default_scanner_finds_across_detectors(default_scanner: Scanner) -> None:
    text = "Sehr geehrte Frau Schneider, IBAN DE89 3704 0044 0532 0130 00, Passwort: Tiger2024!x"
    found = {(str(f.type), text[f.start : f.end]) for f in default_scanner.scan(text)}
    assert found == {
        ("PERSON", "Schneider"),
        ("IBAN", "DE89 3704 0044 0532 0130 00"),
        ("SECRET", "Tiger2024!x"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "aB3xK9" * 170_000,  # 1 MB without spaces
        "A" * 100_000,
        "1" * 100_000,
        '{"a":' * 20_000 + "1" + "}" * 20_000,  # deeply nested JSON
        "\ufffd\x00\x01\udcff" * 10_000,  # replacement chars, NUL, a lone surrogate
    ],
)
def test_pathological_inputs_finish_quickly(default_scanner: Scanner, text: str) -> None:
    t0 = time.perf_counter()
    default_scanner.scan(text)
    assert time.perf_counter() - t0 < 10


def _fastest_scan(scanner: Scanner, text: str, runs: int = 3) -> float:
    """Seconds of the fastest of `runs` scans: one preemption on a shared machine is not growth."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        scanner.scan(text)
        best = min(best, time.perf_counter() - t0)
    return best


def test_time_grows_linearly_with_dense_input(default_scanner: Scanner) -> None:
    unit = "Herr Müller, IBAN DE89 3704 0044 0532 0130 00, Passwort: x1y2z3! "
    small = _fastest_scan(default_scanner, unit * 500)
    large = _fastest_scan(default_scanner, unit * 2000)
    assert large < 4 * small * 2.5 + 0.2  # 4x the input: well under quadratic (16x)


def _reference_resolve(findings: list[Finding]) -> list[Finding]:
    """The plain global greedy the clustered resolve_overlaps must reproduce exactly."""
    from douane.detect.scanner import _rank

    chosen: list[Finding] = []
    for x in sorted(findings, key=_rank):
        if all(x.end <= c.start or c.end <= x.start for c in chosen):
            chosen.append(x)
    return sorted(chosen, key=lambda x: (x.start, x.end))


_TYPES = [FindingType.PERSON, FindingType.PHONE, FindingType.IBAN, FindingType.SECRET]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 60),
            st.integers(1, 15),
            st.sampled_from(_TYPES),
            st.sampled_from([0.5, 0.8, 0.9, 1.0]),
            st.sampled_from(["a", "b"]),
        ),
        max_size=25,
    )
)
@settings(max_examples=300, deadline=None)
def test_clustered_resolution_equals_global_greedy(
    raw: list[tuple[int, int, FindingType, float, str]],
) -> None:
    items = [f(s, s + n, t, score=sc, det=d) for s, n, t, sc, d in raw]
    assert resolve_overlaps(items) == _reference_resolve(items)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 40),
            st.integers(-1, 12),
            st.sampled_from([*_TYPES, FindingType.EMAIL, FindingType.MARKING]),
            st.sampled_from([0.5, 0.84, 0.85, 0.9, 1.0]),
            st.sampled_from(["a", "b", "ab", "é"]),
            st.sampled_from(["", "r1", "r2"]),
        ),
        max_size=30,
    ),
    st.booleans(),
)
@settings(max_examples=600, deadline=None)
def test_the_c_sweep_is_the_python_resolution(
    raw: list[tuple[int, int, FindingType, float, str, str]], ranked_in_c: bool
) -> None:
    """Empty and reversed spans, duplicates and ties included: the same list, in order, with
    the clusters ranked in C (as the scanner builds it) or by `_greedy`."""
    items = [
        dataclasses.replace(f(s, s + n, t, score=sc, det=d), label=label)
        for s, n, t, sc, d, label in raw
    ]
    ranking = (TYPE_PRIORITY, STRONG_SCORE) if ranked_in_c else ()
    sweep = SpanSweep(Finding, _greedy, FINDING_FIELDS, *ranking)
    expected = python_resolve_overlaps(items)
    assert sweep(items) == expected
    assert [id(x) for x in sweep(items) or []] == [id(x) for x in expected]
    copies = sweep(items, 3)
    assert copies == [dataclasses.replace(x, segment=3) for x in expected]
    assert not {id(x) for x in copies or []} & {id(x) for x in items}


class _Label(str):
    pass


def test_the_c_ranking_leaves_what_it_cannot_rank_to_greedy() -> None:
    asked: list[int] = []

    def greedy(cluster: list[Finding]) -> list[Finding]:
        asked.append(len(cluster))
        return _greedy(cluster)

    sweep = SpanSweep(Finding, greedy, FINDING_FIELDS, TYPE_PRIORITY, STRONG_SCORE)
    a, b = f(0, 5, FindingType.PHONE), f(3, 9, FindingType.IBAN)
    assert sweep([a, b]) == [b] and asked == []  # ranked in C
    odd = [
        dataclasses.replace(a, score=1),  # an int score
        dataclasses.replace(a, score=float("nan")),
        dataclasses.replace(a, label=_Label("r")),  # a str subclass
    ]
    for item in odd:
        asked.clear()
        assert sweep([item, b]) == greedy([item, b]) and asked == [2, 2], item
    high: dict[FindingType, int] = {FindingType.IBAN: "high"}  # type: ignore[dict-item]
    weird = SpanSweep(Finding, greedy, FINDING_FIELDS, high, STRONG_SCORE)
    asked.clear()
    assert weird([a, b]) == _greedy([a, b]) and asked == [2]  # a priority that is no int
    with pytest.raises(TypeError):
        SpanSweep(Finding, greedy, FINDING_FIELDS, [], STRONG_SCORE)  # type: ignore[arg-type]


def test_the_c_sweep_leaves_what_it_cannot_read_to_python() -> None:
    sweep = SpanSweep(Finding, _greedy, FINDING_FIELDS)
    a, b = f(0, 5, FindingType.PHONE), f(3, 9, FindingType.IBAN)
    assert sweep([a, b]) == [b]
    assert sweep((a, b)) is None  # type: ignore[arg-type]  # not a list
    huge = Finding(2**70, 2**70 + 1, FindingType.PHONE, Level.CONFIDENTIAL, "d")
    assert sweep([a, huge]) is None and resolve_overlaps([a, huge]) == [a, huge]
    flag = dataclasses.replace(a, start=True)
    assert sweep([flag, b]) is None
    assert sweep([a, "not a finding"]) is None  # type: ignore[list-item]
    assert resolve_overlaps(iter([b, a])) == [b]  # any iterable still works
    with pytest.raises(TypeError, match="callable"):
        SpanSweep(Finding, None, FINDING_FIELDS)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="object slot"):
        SpanSweep(type("Plain", (), {"start": 0, "end": 1}), _greedy, FINDING_FIELDS)
    with pytest.raises(AttributeError):
        SpanSweep(Level, _greedy, FINDING_FIELDS)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="not initialised"):
        SpanSweep.__new__(SpanSweep)([a])
    with pytest.raises(TypeError, match="segment must be an int"):
        sweep([a], "1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="8 slots"):
        SpanSweep(Finding, _greedy, FINDING_FIELDS[:7])
    assert sweep([a], 0) == [a] and sweep([a], 2) == [dataclasses.replace(a, segment=2)]

    def failing(cluster: list[Finding]) -> list[Finding]:
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        SpanSweep(Finding, failing, FINDING_FIELDS)([a, b])


def test_the_c_bounds_check_is_collects_check() -> None:
    sweep = SpanSweep(Finding, _greedy, FINDING_FIELDS)
    a, b = f(0, 5, FindingType.PHONE), f(3, 9, FindingType.IBAN)
    assert sweep.in_bounds([a, b], 9) and sweep.in_bounds([], 0)
    assert not sweep.in_bounds([a, b], 8)  # past the text's end
    assert not sweep.in_bounds([f(5, 5, FindingType.PHONE)], 9)  # empty
    assert not sweep.in_bounds([f(-1, 2, FindingType.PHONE)], 9)
    assert not sweep.in_bounds([dataclasses.replace(a, segment=1)], 9)  # Python copies it
    assert not sweep.in_bounds([dataclasses.replace(a, start=False)], 9)  # Python decides
    assert not sweep.in_bounds((a, b), 9)  # not a list
    assert not sweep.in_bounds([a, "finding"], 9)
    with pytest.raises(TypeError, match="in_bounds"):
        sweep.in_bounds([a], "9")  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="not initialised"):
        SpanSweep.__new__(SpanSweep).in_bounds([a], 9)


def test_the_scanner_sweeps_in_c_unless_pure() -> None:
    assert (_SWEEP is None) == bool(os.environ.get("DOUANE_PURE_PYTHON"))


def test_scan_segments_copies_every_field_but_segment() -> None:
    found = Finding(1, 3, FindingType.SECRET, Level.SECRET, "x", 0.7, label="rule-id")
    out = Scanner([Fixed("x", [found])]).scan_segments(["abcd", "efgh"])
    assert out == [found, Finding(1, 3, FindingType.SECRET, Level.SECRET, "x", 0.7, 1, "rule-id")]
