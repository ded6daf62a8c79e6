"""The numpy hash table: every key found, misses reported, crowded buckets handled."""

from __future__ import annotations

import numpy as np

from douane.detect._fptable import MISS, HashTable


def test_lookup_finds_every_key_and_misses_others() -> None:
    rng = np.random.default_rng(7)
    keys = np.unique(rng.integers(1, 2**64 - 1, 50_000, dtype=np.uint64))
    values = np.arange(keys.size, dtype=np.int64)
    table = HashTable(keys[::-1], values[::-1])
    assert np.array_equal(table.lookup(keys), values)
    others = rng.integers(1, 2**64 - 1, 5_000, dtype=np.uint64)
    others = others[~np.isin(others, keys)]
    assert (table.lookup(others) == MISS).all()


def test_keys_crowding_one_bucket_are_all_found() -> None:
    keys = np.array([(7 << 60) + i * 3 for i in range(40)] + [1, 2**64 - 1], dtype=np.uint64)
    values = np.arange(keys.size, dtype=np.int64) * 10 - 5
    table = HashTable(keys, values)
    assert table.lookup(keys).tolist() == values.tolist()
    probes = np.array([(7 << 60) + 1, (7 << 60) + 200, 0, 2**64 - 2], dtype=np.uint64)
    assert table.lookup(probes).tolist() == [MISS] * 4
    empty = HashTable(np.empty(0, np.uint64), np.empty(0, np.int64))
    assert empty.lookup(keys).tolist() == [MISS] * keys.size


def test_large_values_keep_their_width() -> None:
    keys = np.array([3, 9], dtype=np.uint64)
    values = np.array([2**40, -(2**41)], dtype=np.int64)
    assert HashTable(keys, values).lookup(keys).tolist() == values.tolist()
