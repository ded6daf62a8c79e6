"""Keyed k-gram hashes of folded words and MOSS winnowing; the only form a document is kept in."""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

from douane.hashing import keyed_hash

__all__ = ["U64", "Hasher", "winnow"]

U64 = npt.NDArray[np.uint64]


class Hasher:
    """Keyed 64-bit hashes (BLAKE2b keyed with a subkey derived by `keyed_hash`) of word k-grams.

    Hash 0 is reserved as the empty slot of the in-memory table, so it is mapped to 1.
    """

    __slots__ = ("_base", "k")

    def __init__(self, secret: bytes, purpose: str, k: int) -> None:
        subkey = bytes.fromhex(keyed_hash(secret, "protect", purpose))
        self._base = hashlib.blake2b(key=subkey, digest_size=8)
        self.k = k

    def one(self, value: str) -> int:
        """The hash of one already-normalized string."""
        h = self._base.copy()
        h.update(value.encode())
        return int.from_bytes(h.digest(), "little") or 1

    def kgrams(self, words: list[str]) -> U64:
        """Hashes of every run of k consecutive words (empty when there are fewer than k)."""
        k = self.k
        n = len(words) - k + 1
        if n <= 0:
            return np.empty(0, dtype=np.uint64)
        base = self._base
        encoded = [w.encode() for w in words]
        out = bytearray()
        for i in range(n):
            h = base.copy()
            h.update(b"\x1f".join(encoded[i : i + k]))
            out += h.digest()
        arr = np.frombuffer(bytes(out), dtype="<u8").astype(np.uint64)
        arr[arr == 0] = 1
        return arr


def winnow(hashes: U64, window: int) -> U64:
    """MOSS winnowing: the minimum of every `window` consecutive hashes, deduplicated and sorted.

    Any run of window + k - 1 words shared with the document yields at least one of these.
    """
    if hashes.size == 0:
        return hashes
    if window <= 1 or hashes.size <= window:
        return np.unique(hashes) if window <= 1 else np.unique(hashes[[int(np.argmin(hashes))]])
    view = np.lib.stride_tricks.sliding_window_view(hashes, window)
    picks = np.arange(view.shape[0]) + view.argmin(axis=1)
    return np.unique(hashes[picks])
