"""Client authentication: a Douane virtual key from `Authorization: Bearer` or `x-api-key`."""

from __future__ import annotations

from starlette.requests import Request

from douane.errors import AuthError
from douane.gateway.services import Services
from douane.keys import KeyInfo

__all__ = ["authenticate"]


def _presented_key(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    key = request.headers.get("x-api-key", "").strip()
    if key:
        return key
    raise AuthError(
        "missing Douane API key: send `Authorization: Bearer <key>` or `x-api-key: <key>`"
    )


async def authenticate(services: Services, request: Request) -> KeyInfo:
    """The key's info. Raises AuthError for a missing, unknown or revoked key, or unknown team."""
    # Sync on purpose: the key store answers from its cache; a miss is one indexed lookup.
    key = services.keys.authenticate(_presented_key(request))
    if services.config.team(key.team) is None:
        raise AuthError(f"the key's team {key.team!r} is not configured")
    return key
