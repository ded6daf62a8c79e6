"""The numpy open-addressing table: every key found, misses reported, collisions handled."""

from __future__ import annotations

import numpy as np

from douane.detect._fptable import MISS, HashTable


def test_lookup_finds_every_key_and_misses_others() -> None:
    rng = np.random.default_rng(7)
    keys = np.unique(rng.integers(1, 2**63, 50_000, dtype=np.uint64))
    values = np.arange(keys.size, dtype=np.int64)
    table = HashTable(keys, values)
    assert np.array_equal(table.lookup(keys), values)
    others = rng.integers(1, 2**63, 5_000, dtype=np.uint64)
    others = others[~np.isin(others, keys)]
    assert (table.lookup(others) == MISS).all()


def test_colliding_keys_probe_linearly() -> None:
    size = int(16 / 0.7) + 1
    keys = np.array([5 + i * size for i in range(16)], dtype=np.uint64)
    table = HashTable(keys, np.arange(16, dtype=np.int64) * 10)
    assert table.lookup(keys).tolist() == [i * 10 for i in range(16)]
    assert table.lookup(np.array([5 + 99 * size], dtype=np.uint64)).tolist() == [MISS]
    assert HashTable(np.empty(0, np.uint64), np.empty(0, np.int64)).lookup(keys).tolist() == [
        MISS
    ] * 16
