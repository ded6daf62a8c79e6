"""Keyed hashes of sensitive values: the one way a value is ever referred to outside a request."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable

from douane.types import FindingType

__all__ = ["KeyHasher", "keyed_hash", "normalize_value", "value_hash"]

_SEPARATORS = re.compile(r"[\s\-./()]+")
_COMPACT_TYPES = {
    FindingType.IBAN,
    FindingType.CREDIT_CARD,
    FindingType.PHONE,
    FindingType.NATIONAL_ID,
    FindingType.VAT_ID,
}


def normalize_value(type_: FindingType, value: str) -> str:
    """Canonical form of a value so that `DE89 3704…` and `de8937…` hash alike."""
    if not value.isascii():  # ASCII text is its own NFKC form
        value = unicodedata.normalize("NFKC", value)
    value = value.strip()
    if type_ in _COMPACT_TYPES:
        compact = _SEPARATORS.sub("", value).upper()
        return (
            "+" + compact[2:]
            if type_ is FindingType.PHONE and compact.startswith("00")
            else compact
        )
    return " ".join(value.split()).casefold()


def keyed_hash(key: bytes, *parts: str) -> str:
    """HMAC-SHA256 of the parts, hex; parts are length-prefixed so they cannot run together."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        data = part.encode()
        mac.update(len(data).to_bytes(4, "big"))
        mac.update(data)
    return mac.hexdigest()


def value_hash(key: bytes, type_: FindingType, value: str) -> str:
    """The keyed hash an auditor can recompute from a value they type (`douane audit search`)."""
    return keyed_hash(key, "value", str(type_), normalize_value(type_, value))


class KeyHasher:
    """`keyed_hash` for one key, with the HMAC key schedule done once (`hmac` objects copy their
    state): the same digests (tested), which matters with dozens of values per request."""

    __slots__ = ("_mac",)

    def __init__(self, key: bytes) -> None:
        self._mac = hmac.new(key, digestmod=hashlib.sha256)

    def __call__(self, *parts: str) -> str:
        return self.bound(*parts[:-1])(parts[-1])

    def bound(self, *parts: str) -> Callable[[str], str]:
        """The hash with its leading parts fixed, for hashing many values of one type."""
        prefix = self._mac.copy()
        for part in parts:
            data = part.encode()
            prefix.update(len(data).to_bytes(4, "big") + data)

        def digest(last: str) -> str:
            data = last.encode()
            mac = prefix.copy()
            mac.update(len(data).to_bytes(4, "big") + data)
            return mac.hexdigest()

        return digest
