"""Responses: the one place a DouaneError becomes an HTTP error in the client's dialect, plus the
`x-douane-*` headers that tell the client what happened (never values)."""

from __future__ import annotations

from starlette.responses import JSONResponse

from douane.dialects import Dialect, render_error
from douane.errors import DouaneError
from douane.gateway.pipeline import Prepared, decision_label

__all__ = ["douane_headers", "error_response"]


def error_response(dialect: Dialect, exc: DouaneError, request_id: str) -> JSONResponse:
    """Render an error in the dialect's own JSON error format with its HTTP status."""
    status, body = render_error(dialect, exc)
    headers = {"x-douane-request-id": request_id, "x-douane-error": exc.code}
    if exc.code == "policy_blocked":
        headers["x-douane-decision"] = "block"
    if dialect == "anthropic":
        headers["request-id"] = request_id
    return JSONResponse(body, status_code=status, headers=headers)


def douane_headers(prepared: Prepared) -> dict[str, str]:
    """What the gateway did, for the client: decision, route, and counts of masked values."""
    route = prepared.decision.route
    headers = {
        "x-douane-request-id": prepared.request_id,
        "x-douane-decision": decision_label(prepared.decision, prepared.masked_counts),
        "x-douane-route": f"{prepared.provider.name}/{prepared.model.name} "
        f"({route.jurisdiction if route else prepared.provider.jurisdiction})",
    }
    if prepared.masked_counts:
        headers["x-douane-masked"] = ",".join(
            f"{kind}={count}" for kind, count in sorted(prepared.masked_counts.items())
        )
    return headers
