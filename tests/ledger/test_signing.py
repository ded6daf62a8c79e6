"""The signing key: the accepted spellings, errors that never echo key material, public keys."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from douane.config import parse_config
from douane.errors import ConfigError, LedgerError
from douane.ledger.signing import (
    Signer,
    load_public_keys,
    load_signer,
    signing_key_path,
    verify_signature,
)

SEED = bytes(range(32))


def test_every_spelling_of_the_same_seed_gives_the_same_key(tmp_path: Path) -> None:
    pem_file = tmp_path / "k.pem"
    reference = load_signer(base64.b64encode(SEED).decode(), "sqlite:///x.db")
    pem_file.write_bytes(reference.private_pem())
    seed_file = tmp_path / "k.seed"
    seed_file.write_text(SEED.hex() + "\n")
    for setting in (
        SEED.hex(),
        reference.private_pem().decode(),
        f"file:{pem_file}",
        f"file:{seed_file}",
    ):
        assert load_signer(setting, "sqlite:///x.db").key_id == reference.key_id


def test_env_reference_in_the_config_is_resolved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_KEY", base64.b64encode(SEED).decode())
    config = parse_config("ledger: {signing_key: env:LEDGER_KEY}\n")
    signer = load_signer(config.ledger.signing_key, config.database)
    assert signer.key_id == load_signer(SEED.hex(), "").key_id


@pytest.mark.parametrize("bad", ["not-a-key-but-a-secret", base64.b64encode(b"short").decode()])
def test_malformed_keys_are_config_errors_that_do_not_echo_the_value(bad: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_signer(bad, "sqlite:///x.db")
    assert bad not in caught.value.message


def test_auto_key_is_not_created_when_only_reading(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/douane.db"
    with pytest.raises(ConfigError):
        load_signer("auto", database, create=False)
    assert not signing_key_path(database).exists()
    created = load_signer("auto", database)
    assert signing_key_path(database) == tmp_path / "douane-signing.key"
    assert load_signer("auto", database, create=False).key_id == created.key_id


def test_missing_setting_fails_closed() -> None:
    with pytest.raises(ConfigError):
        load_signer(None, "sqlite:///x.db")


def test_public_keys_verify_only_their_own_signatures(tmp_path: Path) -> None:
    one, two = Signer.generate(), Signer.generate()
    bundle = tmp_path / "keys.pem"
    bundle.write_bytes(one.public_pem() + two.public_pem())
    keys = load_public_keys([bundle])
    assert set(keys) == {one.key_id, two.key_id}
    digest = "ab" * 32
    signature = one.sign(digest)
    assert verify_signature(keys[one.key_id], digest, signature)
    assert not verify_signature(keys[two.key_id], digest, signature)
    assert not verify_signature(keys[one.key_id], "cd" * 32, signature)
    assert not verify_signature(keys[one.key_id], digest, "not base64!")


def test_unusable_public_key_files_are_ledger_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pem"
    empty.write_text("nothing here\n")
    private = tmp_path / "private.pem"
    private.write_bytes(Signer.generate().private_pem())
    for path in (empty, private, tmp_path / "missing.pem"):
        with pytest.raises(LedgerError):
            load_public_keys([path])


def test_signer_repr_hides_the_key() -> None:
    signer = Signer.generate()
    assert repr(signer) == f"Signer(key_id={signer.key_id!r})"
