"""The shipped frequency table gives wordfreq's verdicts: its values wherever a threshold looks."""

from __future__ import annotations

import random

import pytest
from tests.corpora import corpus_texts
from wordfreq import zipf_frequency
from wordfreq.language_info import get_language_info
from wordfreq.numbers import smash_numbers
from wordfreq.tokens import lossy_tokenize

from douane.detect import _names, _person_kinds, _wordfreq
from douane.detect._names import DATA_DIR

_WORDS = [
    "test", "konto", "bitte", "koch", "butte", "meister", "straße", "strasse", "über", "les",
    "steuer-id", "e-mail", "karl-august", "marie-noël", "o'brien", "l'homme", "aujourd'hui",
    "2024", "abc123", "iban", "de89", "xqzv", "", "-", "'", "ß", "ÉTIENNE", "mohammad", "zürich",
    "f1", "a1", "g7", "h2o", "1.5", "10", "covid-19", "go-live", "peux-tu", "l'opération", "x'",
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


def _plain_words() -> list[str]:
    """Every plain letter, every pair of them, and every plain word of the name lists and of
    a tenth of the frequency table."""
    letters = _wordfreq.PLAIN_LETTERS
    words = [*letters, *(a + b for a in letters for b in letters)]
    for name in ("first_names.txt", "last_names.txt"):
        words += (DATA_DIR / name).read_text(encoding="utf-8").lower().split()
    for table in _wordfreq._tables():
        words += list(table)[::10]
    return [w for w in words if _wordfreq._PLAIN_WORD.fullmatch(w)]


@pytest.mark.parametrize("lang", range(len(_wordfreq.LANGS)))
def test_a_plain_word_is_its_own_only_token(lang: int) -> None:
    """The premise of zipf's fast path: wordfreq's tokenizer returns a plain word unchanged."""
    code = _wordfreq.LANGS[lang]
    words = _plain_words()
    assert len(words) > 150_000
    for word in words:
        assert lossy_tokenize(word, code) == [word], word
        assert smash_numbers(word) == word


def test_plain_letters_leave_out_what_wordfreq_rewrites() -> None:
    for rewritten in "ßſµŉABCÉ1-'’ ":
        assert rewritten not in _wordfreq.PLAIN_LETTERS
    assert {"a", "z", "é", "ü", "ø", "ł", "ı"} <= set(_wordfreq.PLAIN_LETTERS)


def test_zipfs_is_zipf_in_every_language() -> None:
    for word in [*_sample(), "müller", "hans-peter", "o'neil", "x2"]:
        assert _wordfreq.zipfs(word) == tuple(
            _wordfreq.zipf(word, lang) for lang in range(len(_wordfreq.LANGS))
        )


def test_one_tokenization_serves_the_three_languages() -> None:
    """The premise of zipfs: wordfreq's pipeline is the same for German, English and French."""
    infos = [get_language_info(code) for code in _wordfreq.LANGS]
    assert all(info == infos[0] for info in infos)
    words = [*_WORDS, "go-live", "l'opération", "peux-tu", "fr76", "a2c-75018-86", "straße"]
    for word in words:
        tokens = [lossy_tokenize(word, code) for code in _wordfreq.LANGS]
        assert all(t == tokens[0] for t in tokens), word


def test_hyphens_split_plain_words_into_their_tokens() -> None:
    """The premise of the letters-digits-hyphens fast path, on every hyphenated name and on
    random joins of plain words and numbers."""
    rng = random.Random(21)
    words = []
    for name in ("first_names.txt", "last_names.txt"):
        words += [
            w for w in (DATA_DIR / name).read_text(encoding="utf-8").lower().split() if "-" in w
        ]
    plain = _plain_words()
    pieces = [*plain[::50], "0", "7", "12", "2025", "34724", "a1", "x9y", "1e5", "0x1f"]
    words += ["-".join(rng.choices(pieces, k=rng.randrange(1, 4))) for _ in range(5000)]
    words = [w for w in words if _wordfreq._PARTS.fullmatch(w)]
    assert len(words) > 5000
    for word in words:
        assert lossy_tokenize(word, _wordfreq.LANGS[0]) == word.split("-"), word


def test_every_corpus_word_reads_as_wordfreq_reads_it() -> None:
    """All paths of zipfs (plain, hyphenated, digits, apostrophes, other scripts) on real text."""
    words = {w.strip(".,;:!?()[]{}\"'«»").lower() for t in corpus_texts(600) for w in t.split()}
    words.discard("")
    assert len(words) > 10_000
    for word in words:
        for lang, value in enumerate(_wordfreq.zipfs(word)):
            expected = zipf_frequency(word, _wordfreq.LANGS[lang])
            if expected >= _wordfreq.FLOOR:
                assert value == expected, (word, lang)
            else:
                assert value < _wordfreq.FLOOR, (word, lang)


def test_smash_ascii_is_smash_numbers_on_letters_and_digits() -> None:
    rng = random.Random(23)
    alphabet = "0123456789abcxyzéü"
    for _ in range(20_000):
        token = "".join(rng.choices(alphabet, k=rng.randrange(1, 16)))
        assert _wordfreq.smash_ascii(token) == smash_numbers(token), token
