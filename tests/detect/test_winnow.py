"""Keyed k-gram hashing and winnowing: the guarantee that long shared runs share a fingerprint."""

from __future__ import annotations

import random

import numpy as np

from douane.detect._winnow import Hasher, winnow


def test_kgram_hashes_are_keyed_and_deterministic() -> None:
    words = ["the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"]
    a = Hasher(b"key-a", "p", 3).kgrams(words)
    assert a.size == len(words) - 2
    assert np.array_equal(a, Hasher(b"key-a", "p", 3).kgrams(words))
    assert not set(a.tolist()) & set(Hasher(b"key-b", "p", 3).kgrams(words).tolist())
    assert Hasher(b"k", "p", 20).kgrams(words).size == 0


def test_every_run_of_window_plus_k_minus_1_words_contains_a_fingerprint() -> None:
    rng = random.Random(1)
    words = [str(rng.randint(0, 10**6)) for _ in range(400)]
    k, w = 5, 3
    hasher = Hasher(b"s", "p", k)
    prints = set(winnow(hasher.kgrams(words), w).tolist())
    for start in range(0, len(words) - (w + k - 1)):
        run = hasher.kgrams(words[start : start + w + k - 1])
        assert prints & set(run.tolist())


def test_winnow_keeps_fewer_hashes_than_kgrams() -> None:
    hashes = np.arange(1000, 0, -1, dtype=np.uint64)[np.random.default_rng(0).permutation(1000)]
    kept = winnow(hashes, 4)
    assert 0 < kept.size < 0.6 * hashes.size
    assert winnow(hashes[:2], 4).tolist() == [int(hashes[:2].min())]
