"""The shipped frequency table gives wordfreq's verdicts: its values wherever a threshold looks."""

from __future__ import annotations

import pytest
from wordfreq import zipf_frequency

from douane.detect import _names, _person_kinds, _wordfreq
from douane.detect._names import DATA_DIR

_WORDS = [
    "test", "konto", "bitte", "koch", "butte", "meister", "straße", "strasse", "über", "les",
    "steuer-id", "e-mail", "karl-august", "marie-noël", "o'brien", "l'homme", "aujourd'hui",
    "2024", "abc123", "iban", "de89", "xqzv", "", "-", "'", "ß", "ÉTIENNE", "mohammad", "zürich",
]  # fmt: skip


def _sample() -> list[str]:
    names = []
    for name in ("first_names.txt", "last_names.txt"):
        names += (DATA_DIR / name).read_text(encoding="utf-8").split()[::40]
    return [w.lower() for w in names] + [w.lower() for w in _WORDS]


@pytest.mark.parametrize("lang", range(len(_wordfreq.LANGS)))
def test_values_at_or_above_the_floor_are_wordfreqs(lang: int) -> None:
    code = _wordfreq.LANGS[lang]
    for word in _sample():
        expected, got = zipf_frequency(word, code), _wordfreq.zipf(word, lang)
        if expected >= _wordfreq.FLOOR:
            assert got == expected, (word, code)
        else:  # below the floor a word may read as absent, never as above it
            assert got < _wordfreq.FLOOR, (word, code)


def test_no_threshold_looks_below_the_floor() -> None:
    lowest = _names._WORD_MIN - _names._SPREAD  # the spread test, above Zipf 3.5
    assert lowest >= _wordfreq.FLOOR - 1e-9
    thresholds = (_person_kinds.COMMON, _person_kinds.CAPS_COMMON, _names._FUNCTION_WORD)
    assert min(thresholds) >= _wordfreq.FLOOR
