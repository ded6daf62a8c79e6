"""Virtual keys: stored only as keyed hashes, authenticated, revoked."""

from __future__ import annotations

from pathlib import Path

import pytest

from douane.db import make_engine, migrate
from douane.errors import AuthError, BadRequest
from douane.keys import KeyStore


@pytest.fixture
def store(tmp_path: Path) -> KeyStore:
    engine = make_engine(f"sqlite:///{tmp_path / 'keys.db'}")
    migrate(engine)
    return KeyStore(engine, b"tenant-secret")


def test_created_key_authenticates_and_is_not_stored_in_plaintext(
    store: KeyStore, tmp_path: Path
) -> None:
    info, key = store.create("ci-bot", "eng")
    assert store.authenticate(key) == info
    assert info.team == "eng"
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("keys.db*"))
    assert key.encode() not in raw
    assert key.split("-")[-1].encode() not in raw


def test_unknown_and_malformed_keys_are_refused(store: KeyStore) -> None:
    _, key = store.create("app", "eng")
    with pytest.raises(AuthError, match="invalid Douane API key"):
        store.authenticate(key[:-2] + "xx")
    with pytest.raises(AuthError):
        store.authenticate("sk-provider-key")


def test_revoked_key_is_refused_at_once_on_this_process(store: KeyStore) -> None:
    info, key = store.create("app", "eng")
    store.authenticate(key)
    revoked = store.revoke(info.id)
    assert [r.id for r in revoked] == [info.id] and revoked[0].revoked_at is not None
    with pytest.raises(AuthError, match="revoked"):
        store.authenticate(key)


def test_revoke_by_name_and_unknown_revoke(store: KeyStore) -> None:
    store.create("twin", "eng")
    store.create("twin", "ops")
    assert len(store.revoke("twin")) == 2
    with pytest.raises(BadRequest, match="no active key"):
        store.revoke("twin")
    assert all(k.revoked_at for k in store.all())


def test_keys_need_name_and_team(store: KeyStore) -> None:
    with pytest.raises(BadRequest):
        store.create(" ", "eng")
