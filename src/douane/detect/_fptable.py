"""A read-only hash table over uint64 keys in numpy arrays: O(1) batch lookups, compact memory.

The keys are uniformly distributed keyed hashes, so their top bits address a directory of
buckets over the sorted keys (one bucket per one-to-two keys on average): a lookup reads one
directory entry and compares about one key, whatever the number of keys.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from douane.detect._winnow import U64

__all__ = ["MISS", "HashTable"]

I64 = npt.NDArray[np.int64]
MISS = -1


class HashTable:
    """Maps distinct uint64 keys to integer values (MISS, -1, is reserved for "absent")."""

    __slots__ = ("_keys", "_offsets", "_shift", "_values", "count")

    def __init__(
        self, keys: U64, values: npt.NDArray[np.integer], *, presorted: bool = False
    ) -> None:
        """Build from distinct keys; `presorted` skips sorting keys that are already ascending."""
        if keys.size != values.size:
            raise ValueError("keys and values differ in length")
        self.count = int(keys.size)
        if not presorted:
            order = np.argsort(keys)
            keys, values = keys[order], values[order]
            del order
        self._keys = np.ascontiguousarray(keys, dtype=np.uint64)
        small = values.size == 0 or (values.min() >= -(2**31) and values.max() < 2**31)
        self._values = np.ascontiguousarray(values, dtype=np.int32 if small else np.int64)
        bits = max(1, int(self.count).bit_length() - 1)
        self._shift = np.uint64(64 - bits)
        counts = np.bincount((self._keys >> self._shift).astype(np.int64), minlength=1 << bits)
        offsets = np.concatenate(([0], np.cumsum(counts)))
        dtype = np.int32 if self.count < 2**31 else np.int64
        self._offsets = offsets.astype(dtype)

    @property
    def nbytes(self) -> int:
        """Memory held by the table's arrays."""
        return int(self._keys.nbytes + self._values.nbytes + self._offsets.nbytes)

    def lookup(self, queries: U64) -> I64:
        """The value of each query key, or MISS."""
        out = np.full(queries.size, MISS, dtype=np.int64)
        if queries.size == 0 or self.count == 0:
            return out
        queries = queries.astype(np.uint64, copy=False)
        bucket = (queries >> self._shift).astype(np.int64)
        lo = self._offsets[bucket].astype(np.int64)
        hi = self._offsets[bucket + 1].astype(np.int64)
        active = np.nonzero(lo < hi)[0]
        cur = lo[active]
        while active.size:
            found = self._keys[cur]
            wanted = queries[active]
            hit = found == wanted
            out[active[hit]] = self._values[cur[hit]]
            more = ~hit & (found < wanted) & (cur + 1 < hi[active])
            active = active[more]
            cur = cur[more] + 1
        return out
