"""Structured JSON logs: one line per request with ids, types and counts, never values."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

__all__ = ["configure_logging", "log_request"]

_LOGGER = logging.getLogger("douane.gateway")


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        return json.dumps(entry, separators=(",", ":"))


def configure_logging(level: str = "INFO") -> None:
    """Send Douane's and uvicorn's logs to stderr as JSON lines (uvicorn's access log stays off:
    request lines come from `log_request`, which knows the team and the decision)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter())
    for name in ("douane", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False


def log_request(started: float, **fields: Any) -> None:
    """Log one finished request; callers pass only ids, names, counts and codes."""
    fields["latency_ms"] = round((time.perf_counter() - started) * 1000, 3)
    _LOGGER.info("request", extra={"fields": fields})
