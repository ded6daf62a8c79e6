"""Douane's one exception tree; every error knows its HTTP status and a stable code.

    DouaneError
     ├── ConfigError            (start-up only, exit code 2)
     ├── AuthError              401 invalid_api_key
     ├── BadRequest             400 invalid_request
     │    └── UnsupportedFeature 400 unsupported_feature
     ├── NotFound               404 not_found
     ├── PolicyBlocked          403 policy_blocked
     ├── UpstreamError          502 upstream_error (status may mirror the upstream's 4xx/5xx)
     │    └── UpstreamTimeout   504 upstream_timeout
     ├── ScanFailed             503 scan_failed        (fail closed)
     ├── LedgerUnavailable      503 ledger_unavailable (fail closed)
     └── LedgerError            500 ledger_error

Messages name finding types, rule ids and field paths, never a matched value.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "BadRequest",
    "ConfigError",
    "DouaneError",
    "LedgerError",
    "LedgerUnavailable",
    "NotFound",
    "PolicyBlocked",
    "ScanFailed",
    "UnsupportedFeature",
    "UpstreamError",
    "UpstreamTimeout",
]


class DouaneError(Exception):
    """Base of every error Douane raises on purpose."""

    status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, {self.message!r})"


class ConfigError(DouaneError):
    """The configuration or a rule file is invalid; raised at start-up only."""

    status = 500
    code = "config_error"


class AuthError(DouaneError):
    """The client's Douane key is missing, unknown or revoked."""

    status = 401
    code = "invalid_api_key"


class BadRequest(DouaneError):
    """The client's request is malformed or names something that does not exist."""

    status = 400
    code = "invalid_request"


class UnsupportedFeature(BadRequest):
    """The request uses a feature the chosen route cannot translate faithfully."""

    code = "unsupported_feature"


class NotFound(DouaneError):
    """The requested model or resource is not configured."""

    status = 404
    code = "not_found"


class PolicyBlocked(DouaneError):
    """The policy refuses to let this request leave."""

    status = 403
    code = "policy_blocked"


class UpstreamError(DouaneError):
    """The provider failed: connection refused, HTTP error or a malformed answer."""

    status = 502
    code = "upstream_error"


class UpstreamTimeout(UpstreamError):
    """The provider did not answer in time."""

    status = 504
    code = "upstream_timeout"


class ScanFailed(DouaneError):
    """A detector, the policy or masking failed; the request is refused (fail closed)."""

    status = 503
    code = "scan_failed"


class LedgerUnavailable(DouaneError):
    """The write-ahead record could not be written; the request is refused (fail closed)."""

    status = 503
    code = "ledger_unavailable"


class LedgerError(DouaneError):
    """The ledger store failed outside the request path (verify, search, export)."""

    status = 500
    code = "ledger_error"
