"""A read-only open-addressing hash table over uint64 keys in numpy arrays: O(1) batch lookups."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from douane.detect._winnow import U64

__all__ = ["MISS", "HashTable"]

I64 = npt.NDArray[np.int64]
MISS = -1
_LOAD = 0.7


class HashTable:
    """Maps distinct non-zero uint64 keys to int64 values; lookup cost is independent of size.

    Linear probing at load factor <= 0.7, so a lookup touches about 2 slots on average.
    """

    __slots__ = ("_keys", "_size", "_values", "count")

    def __init__(self, keys: U64, values: I64) -> None:
        if keys.size != values.size:
            raise ValueError("keys and values differ in length")
        self.count = int(keys.size)
        size = max(8, int(keys.size / _LOAD) + 1)
        self._size = np.uint64(size)
        self._keys = np.zeros(size, dtype=np.uint64)
        self._values = np.full(size, MISS, dtype=np.int64)
        pending = np.arange(keys.size)
        pos = (keys % self._size).astype(np.int64)
        while pending.size:
            slots = pos[pending]
            free = self._keys[slots] == 0
            cand, cand_slots = pending[free], slots[free]
            _, first = np.unique(cand_slots, return_index=True)
            won = cand[first]
            self._keys[pos[won]] = keys[won]
            self._values[pos[won]] = values[won]
            placed = np.zeros(keys.size, dtype=bool)
            placed[won] = True
            pending = pending[~placed[pending]]
            pos[pending] = (pos[pending] + 1) % size

    @property
    def nbytes(self) -> int:
        """Memory held by the table's arrays."""
        return int(self._keys.nbytes + self._values.nbytes)

    def lookup(self, queries: U64) -> I64:
        """The value of each query key, or MISS."""
        out = np.full(queries.size, MISS, dtype=np.int64)
        if queries.size == 0 or self.count == 0:
            return out
        size = int(self._size)
        pos = (queries % self._size).astype(np.int64)
        active = np.arange(queries.size)
        while active.size:
            slot_keys = self._keys[pos[active]]
            hit = slot_keys == queries[active]
            out[active[hit]] = self._values[pos[active[hit]]]
            keep = ~hit & (slot_keys != 0)
            active = active[keep]
            pos[active] = (pos[active] + 1) % size
        return out
