"""Prometheus metrics of one gateway process: counts and per-stage latency, never values."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

__all__ = ["Metrics"]

_STAGE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0)
_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class Metrics:
    """One registry per app, so several apps in a process (tests) never share counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "douane_requests",
            "Requests by endpoint and HTTP status",
            ["endpoint", "status"],
            registry=r,
        )
        self.decisions = Counter("douane_decisions", "Policy decisions", ["decision"], registry=r)
        self.findings = Counter(
            "douane_findings", "Findings by type and level", ["type", "level"], registry=r
        )
        self.routes = Counter(
            "douane_routes",
            "Forwarded requests by provider and jurisdiction",
            ["provider", "jurisdiction"],
            registry=r,
        )
        self.upstream_errors = Counter(
            "douane_upstream_errors",
            "Upstream failures by provider and error code",
            ["provider", "code"],
            registry=r,
        )
        self.stage_seconds = Histogram(
            "douane_stage_seconds",
            "Time spent per pipeline stage",
            ["stage"],
            buckets=_STAGE_BUCKETS,
            registry=r,
        )
        self.request_seconds = Histogram(
            "douane_request_seconds",
            "Total request latency",
            ["endpoint", "stream"],
            buckets=_REQUEST_BUCKETS,
            registry=r,
        )

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Observe the time the block takes into `douane_stage_seconds{stage=...}`."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds.labels(stage).observe(time.perf_counter() - start)

    def render(self) -> bytes:
        return generate_latest(self.registry)
