"""Virtual API keys: create, list, revoke, authenticate. Only a keyed hash of each key is stored."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from douane.db import metadata
from douane.errors import AuthError, BadRequest, LedgerUnavailable
from douane.hashing import keyed_hash

__all__ = ["KeyInfo", "KeyStore", "api_keys"]

KEY_PREFIX = "dk-"
_CACHE_SECONDS = 5.0

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("team", sa.String(200), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """A key's public facts; the key itself is never kept."""

    id: str
    name: str
    team: str
    created_at: datetime
    revoked_at: datetime | None = None


class KeyStore:
    """Keys in the database, looked up by keyed hash; a short cache keeps the request path fast.

    Revocation takes effect within `_CACHE_SECONDS` on every replica.
    """

    def __init__(self, engine: Engine, secret_key: bytes) -> None:
        self._engine = engine
        self._secret = secret_key
        self._cache: dict[str, tuple[float, KeyInfo]] = {}

    def _hash(self, key: str) -> str:
        return keyed_hash(self._secret, "api-key", key)

    def create(self, name: str, team: str) -> tuple[KeyInfo, str]:
        """Store a new key for `team`; returns its info and the plaintext key (shown once)."""
        if not name.strip() or not team.strip():
            raise BadRequest("a key needs a non-empty --name and --team")
        key_id = secrets.token_hex(6)
        plaintext = f"{KEY_PREFIX}{key_id}-{secrets.token_urlsafe(32)}"
        info = KeyInfo(id=key_id, name=name, team=team, created_at=datetime.now(UTC))
        with self._engine.begin() as conn:
            conn.execute(
                api_keys.insert().values(
                    id=info.id,
                    name=name,
                    team=team,
                    key_hash=self._hash(plaintext),
                    created_at=info.created_at,
                )
            )
        return info, plaintext

    def all(self) -> list[KeyInfo]:
        """All keys, revoked ones included, oldest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(api_keys.select().order_by(api_keys.c.created_at)).all()
        return [_info(row) for row in rows]

    def revoke(self, key_id_or_name: str) -> list[KeyInfo]:
        """Revoke the key with this id, or every active key with this name."""
        now = datetime.now(UTC)
        match = sa.or_(api_keys.c.id == key_id_or_name, api_keys.c.name == key_id_or_name)
        with self._engine.begin() as conn:
            rows = conn.execute(
                api_keys.select().where(match, api_keys.c.revoked_at.is_(None))
            ).all()
            if not rows:
                raise BadRequest(f"no active key with id or name {key_id_or_name!r}")
            conn.execute(
                api_keys.update()
                .where(api_keys.c.id.in_([r.id for r in rows]))
                .values(revoked_at=now)
            )
        self._cache.clear()
        return [replace(_info(row), revoked_at=now) for row in rows]

    def authenticate(self, key: str) -> KeyInfo:
        """The active key's info. Raises AuthError if unknown or revoked (never echoing the key)."""
        if not key.startswith(KEY_PREFIX):
            raise AuthError("invalid Douane API key: use a key from `douane keys create`")
        digest = self._hash(key)
        cached = self._cache.get(digest)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            with self._engine.connect() as conn:
                row = conn.execute(api_keys.select().where(api_keys.c.key_hash == digest)).first()
        except SQLAlchemyError as exc:
            raise LedgerUnavailable("key store unavailable") from exc
        if row is None:
            raise AuthError("invalid Douane API key")
        if row.revoked_at is not None:
            raise AuthError("this Douane API key has been revoked")
        info = _info(row)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[digest] = (now + _CACHE_SECONDS, info)
        return info


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without their zone; they were written in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _info(row: sa.Row[tuple[object, ...]]) -> KeyInfo:
    created = _utc(row.created_at)
    assert created is not None
    return KeyInfo(
        id=row.id, name=row.name, team=row.team, created_at=created, revoked_at=_utc(row.revoked_at)
    )
