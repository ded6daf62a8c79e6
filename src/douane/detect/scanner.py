"""Run every detector over a text and merge their findings into one non-overlapping list."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import replace
from operator import attrgetter
from typing import TYPE_CHECKING, Final

from douane.detect._native import native
from douane.detect.base import FINDING_FIELDS, TYPE_PRIORITY, Detector
from douane.errors import ScanFailed
from douane.types import Finding

if TYPE_CHECKING:  # the C module is optional: only its stub is needed here
    from douane.detect._findings import SpanSweep

__all__ = ["STRONG_SCORE", "Scanner", "python_resolve_overlaps", "resolve_overlaps"]

# Findings at or above this score are validated (checksum, strict format, keyword + shape);
# they beat any weaker finding they overlap, whatever its type.
STRONG_SCORE: Final = 0.85
_span = attrgetter("start", "end")


def _rank(f: Finding) -> tuple[int, int, int, float, int, str, str]:
    """Sort key, best first: validated, more specific type, longer, higher score, then stable."""
    return (
        0 if f.score >= STRONG_SCORE else 1,
        -TYPE_PRIORITY.get(f.type, 0),
        -(f.end - f.start),
        -f.score,
        f.start,
        f.detector,
        f.label,
    )


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep, greedily by rank, every finding that overlaps no better one; sorted by start.

    Deterministic: the result does not depend on detector order. Only findings that overlap
    another need ranking: a sweep by start splits them into clusters of transitively overlapping
    spans, and a kept span of one cluster never overlaps a finding of another, so ranking each
    cluster alone gives exactly the global greedy result (most findings are alone: no sort key).
    The sweep and the ranking of each cluster run in C (`_findings.SpanSweep`) where built, for
    a list of Findings.
    """
    if type(findings) is list:
        return _resolved(findings, 0)
    return python_resolve_overlaps(findings)


def _resolved(findings: list[Finding], segment: int) -> list[Finding]:
    """resolve_overlaps, the kept findings carrying `segment` (copies, unless it is 0)."""
    if _SWEEP is not None:
        swept: list[Finding] | None = _SWEEP(findings, segment)
        if swept is not None:
            return swept
    kept = python_resolve_overlaps(findings)
    return kept if segment == 0 else [replace(f, segment=segment) for f in kept]


def python_resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """resolve_overlaps in Python: the definition the C sweep is held to."""
    items = sorted(findings, key=_span)
    count = len(items)
    if count < 2:
        return items
    out: list[Finding] = []
    first = 0
    reach = items[0].end
    if reach <= items[0].start:
        return _greedy(items)
    for i in range(1, count):
        f = items[i]
        start = f.start
        if f.end <= start:  # an empty span sorts oddly: take the plain path
            return _greedy(items)
        if start < reach:
            if f.end > reach:
                reach = f.end
            continue
        if i - first == 1:
            out.append(items[first])
        else:
            out.extend(_greedy(items[first:i]))
        first, reach = i, f.end
    if count - first == 1:
        out.append(items[first])
    else:
        out.extend(_greedy(items[first:]))
    return out


def _greedy(findings: list[Finding]) -> list[Finding]:
    """The ranked greedy choice over `findings`, sorted by (start, end)."""
    chosen: list[Finding] = []
    starts: list[int] = []  # the kept spans never overlap, so starts and ends sort alike
    ends: list[int] = []
    for f in sorted(findings, key=_rank):  # an exact duplicate overlaps its twin and is dropped
        i = bisect.bisect_right(starts, f.start)
        if i and ends[i - 1] > f.start:  # the kept span starting at or before f reaches into it
            continue
        if i < len(starts) and starts[i] < f.end:  # the next kept span starts inside f
            continue
        starts.insert(i, f.start)
        ends.insert(i, f.end)
        chosen.append(f)
    chosen.sort(key=_span)
    return chosen


_SpanSweep = native("_findings", "SpanSweep")
_SWEEP: SpanSweep | None = (
    None
    if _SpanSweep is None
    else _SpanSweep(Finding, _greedy, FINDING_FIELDS, TYPE_PRIORITY, STRONG_SCORE)
)


class Scanner:
    """Runs detectors and resolves overlaps; immutable, so one instance serves every thread.

    An exception inside a detector propagates unchanged (the caller fails closed); a detector that
    returns an out-of-range span raises ScanFailed.
    """

    __slots__ = ("_detectors",)

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self._detectors: tuple[Detector, ...] = tuple(detectors)

    @property
    def detectors(self) -> tuple[Detector, ...]:
        return self._detectors

    def scan(self, text: str) -> list[Finding]:
        """Findings in `text`, sorted by start, never overlapping, segment=0."""
        if not text:
            return []
        raw: list[Finding] = []
        for detector in self._detectors:
            _collect(detector, text, raw)
        return _resolved(raw, 0)

    def scan_segments(self, texts: Sequence[str]) -> list[Finding]:
        """Findings of every text, each carrying its text's index as `segment`.

        Each detector runs over every text before the next detector starts, so that the texts
        of one request share a detector's code and tables while the core's caches hold them;
        the C sweep copies the findings of a later text with its index (docs/benchmarks.md,
        "Eighth session": 8-message requests 6-8 % faster cold, 13 % warm).
        """
        raws: list[list[Finding]] = [[] for _ in texts]
        for detector in self._detectors:
            for i, text in enumerate(texts):  # an index loop: zip(strict=) is a call, compiled
                if text:
                    _collect(detector, text, raws[i])
        out: list[Finding] = []
        for i, raw in enumerate(raws):
            out.extend(_resolved(raw, i))
        return out


def _collect(detector: Detector, text: str, raw: list[Finding]) -> None:
    """Append the detector's findings in `text` to `raw`, each checked and with segment 0."""
    n = len(text)
    found = detector.scan(text)
    if _SWEEP is not None and _SWEEP.in_bounds(found, n):  # the usual list, checked in C
        raw.extend(found)
        return
    for f in found:
        if not 0 <= f.start < f.end <= n:
            raise ScanFailed(
                f"detector {detector.name!r} returned an invalid span for a {f.type} finding"
            )
        raw.append(f if f.segment == 0 else replace(f, segment=0))
