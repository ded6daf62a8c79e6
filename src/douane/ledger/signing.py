"""The operator's Ed25519 ledger key: load or create it, sign record hashes, check signatures."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from douane.errors import ConfigError, LedgerError

__all__ = [
    "KEY_FILENAME",
    "Signer",
    "key_fingerprint",
    "load_public_keys",
    "load_signer",
    "signing_key_path",
    "verify_signature",
]

KEY_FILENAME = "douane-signing.key"


def key_fingerprint(public: Ed25519PublicKey) -> str:
    """A short id of a public key, stored in every record so a verifier picks the right key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Signer:
    """Signs record hashes; `key_id` is the fingerprint of its public key. Never repr's the key."""

    key_id: str
    _private: Ed25519PrivateKey

    @classmethod
    def from_private(cls, private: Ed25519PrivateKey) -> Signer:
        return cls(key_fingerprint(private.public_key()), private)

    @classmethod
    def generate(cls) -> Signer:
        return cls.from_private(Ed25519PrivateKey.generate())

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self._private.public_key()

    def public_pem(self) -> bytes:
        """The public key as PEM (SubjectPublicKeyInfo): all an auditor needs to verify."""
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def private_pem(self) -> bytes:
        return self._private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def sign(self, digest_hex: str) -> str:
        """Base64 Ed25519 signature over the 32 raw bytes of a record hash."""
        return base64.b64encode(self._private.sign(bytes.fromhex(digest_hex))).decode()

    def __repr__(self) -> str:
        return f"Signer(key_id={self.key_id!r})"


def verify_signature(public: Ed25519PublicKey, digest_hex: str, signature_b64: str) -> bool:
    """True if `signature_b64` is a valid signature of the record hash `digest_hex`."""
    try:
        public.verify(base64.b64decode(signature_b64, validate=True), bytes.fromhex(digest_hex))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def signing_key_path(database: str) -> Path:
    """Where `signing_key: auto` keeps the key: beside the SQLite database file, else the cwd."""
    if database.startswith("sqlite:///"):
        db_path = database.removeprefix("sqlite:///")
        if db_path and db_path != ":memory:":
            return Path(db_path).expanduser().resolve().parent / KEY_FILENAME
    return Path.cwd() / KEY_FILENAME


def _parse_private(text: str, where: str) -> Ed25519PrivateKey:
    """A PEM (PKCS8) key or a base64 / hex 32-byte seed; errors never echo the key material."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode(), password=None)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"ledger.signing_key: {where} is not a readable PEM key") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ConfigError(f"ledger.signing_key: {where} is not an Ed25519 key")
        return key
    seed: bytes | None = None
    if len(text) == 64:
        try:
            seed = bytes.fromhex(text)
        except ValueError:
            seed = None
    if seed is None:
        try:
            seed = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            seed = None
    if seed is None or len(seed) != 32:
        raise ConfigError(
            f"ledger.signing_key: {where} must be a PEM Ed25519 key or a 32-byte seed "
            "(base64 or hex); generate one with `douane audit keygen`"
        )
    return Ed25519PrivateKey.from_private_bytes(seed)


def _create_key_file(path: Path) -> None:
    """Write a fresh key with mode 0600 atomically; if another process won the race, keep theirs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(Signer.generate().private_pem())
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process created it first: keep theirs
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load_signer(setting: str | None, database: str, *, create: bool = True) -> Signer:
    """The operator's signing key from `ledger.signing_key`.

    `auto` keeps a key in a 0600 file `douane-signing.key` beside the SQLite database (or the
    cwd), created on first use when `create` is true; `file:PATH` reads a PEM or seed file; any
    other value is the key itself (PEM, base64 or hex seed; use `env:NAME` in the config to keep
    it out of the file). Raises ConfigError if the key is missing or malformed.
    """
    if setting is None or not setting.strip():
        raise ConfigError("ledger.signing_key: must be set (auto, env:NAME, file:PATH or a seed)")
    if setting == "auto":
        path = signing_key_path(database)
        if not path.exists():
            if not create:
                raise ConfigError(
                    f"ledger.signing_key: no key file at {path}; pass the auditor's --public-key"
                )
            _create_key_file(path)
        return Signer.from_private(_parse_private(_read(path), str(path)))
    if setting.startswith("file:"):
        path = Path(setting.removeprefix("file:")).expanduser()
        return Signer.from_private(_parse_private(_read(path), str(path)))
    return Signer.from_private(_parse_private(setting, "the configured value"))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"ledger.signing_key: cannot read {path}: {exc.strerror}") from exc


def load_public_keys(paths: list[Path]) -> dict[str, Ed25519PublicKey]:
    """Public keys from PEM files (several PEM blocks per file allowed), by fingerprint.

    Raises LedgerError if a file is unreadable or holds no Ed25519 public key.
    """
    keys: dict[str, Ed25519PublicKey] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise LedgerError(f"{path}: cannot read public key: {exc.strerror}") from exc
        blocks = [b for b in text.split("-----END PUBLIC KEY-----") if "-----BEGIN" in b]
        for block in blocks:
            pem = block[block.index("-----BEGIN") :] + "-----END PUBLIC KEY-----\n"
            try:
                key = serialization.load_pem_public_key(pem.encode())
            except ValueError as exc:
                raise LedgerError(f"{path}: not a PEM public key") from exc
            if not isinstance(key, Ed25519PublicKey):
                raise LedgerError(f"{path}: not an Ed25519 public key")
            keys[key_fingerprint(key)] = key
        if not blocks:
            raise LedgerError(f"{path}: no PEM public key found")
    return keys
