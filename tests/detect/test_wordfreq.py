"""The shipped frequency table gives wordfreq's verdicts: its values wherever a threshold looks."""

from __future__ import annotations

import random

import pytest
from tests.corpora import corpus_texts
from wordfreq import numbers as wordfreq_numbers
from wordfreq import zipf_frequency
from wordfreq.language_info import get_language_info
from wordfreq.numbers import smash_numbers
from wordfreq.tokens import lossy_tokenize

from douane.detect import _names, _person_kinds, _wordfreq
from douane.detect._names import DATA_DIR
from douane.detect._zipf import Zipf

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
    lowest = _names.WORD_MIN - _names.SPREAD  # the spread test, above Zipf 3.5
    assert lowest >= _wordfreq.FLOOR - 1e-9
    thresholds = (_person_kinds.COMMON, _person_kinds.CAPS_COMMON, _names.FUNCTION_WORD)
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


def test_sharp_s_folds_and_underscores_join() -> None:
    """The premise of the C path's wider alphabet: on words of plain letters, ß and digits,
    hyphens or underscores between, wordfreq's tokens are the parts between the hyphens, ß
    case-folded to ss."""
    rng = random.Random(31)
    pieces = ["a", "zz", "é", "ß", "1", "42", "2024", "ł", "x9"]
    for _ in range(20_000):
        word = rng.choice(pieces)
        for _ in range(rng.randrange(4)):
            word += rng.choice("-_") + rng.choice(pieces)
        assert lossy_tokenize(word, "de") == word.replace("ß", "ss").split("-"), word


def test_elisions_split_as_wordfreqs_tokenizer_splits_them() -> None:
    """The premise of the apostrophe path: on plain letters with apostrophes between them,
    elision_tokens gives wordfreq's tokens (and its values, where a threshold looks)."""
    rng = random.Random(41)
    pieces = ["l", "d", "qu", "xy", "a", "h", "y", "é", "œ", "homme", "brien", "s", "t", "ami"]
    words = ["l'homme", "qu'un", "aujourd'hui", "o'brien", "l'h", "xyz'a", "l'a'e", "d'l'a"]
    for _ in range(20_000):
        words.append("'".join(rng.choices(pieces, k=rng.randrange(2, 5))))
    for word in words:
        assert _wordfreq._ELIDED.fullmatch(word), word
        assert _wordfreq.elision_tokens(word) == lossy_tokenize(word, "de"), word
    for word in ["l'homme", "qu'un", "aujourd'hui", "it's", "i'm", "l'opération", "j'ai"]:
        for lang, value in enumerate(_wordfreq.python_zipfs(word)):
            expected = zipf_frequency(word, _wordfreq.LANGS[lang])
            assert value == expected if expected >= _wordfreq.FLOOR else value < _wordfreq.FLOOR


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


def _c_zipf() -> Zipf:
    return Zipf(*_wordfreq.zipf_args())


def _c_path_words() -> list[str]:
    """Table words, every year alone and in codes, digit runs of every length, random words of
    plain letters, digits and hyphens, and words the C path must leave to Python."""
    rng = random.Random(29)
    words = [w for table in _wordfreq._tables() for w in list(table)[::13]]
    alphabet = "abcdefghijklmnopqrstuvwxyzäöüéèçłøß_0123456789-"
    words += ["".join(rng.choices(alphabet, k=rng.randrange(1, 15))) for _ in range(60_000)]
    for year in range(10_000):
        words += [f"{year:04d}", f"q{year:04d}", f"sr-{year:04d}-{rng.randrange(100_000)}"]
    for length in range(1, 30):
        words += ["1" * length, "b" + "7" * length, "x-" + "0" * length, "9" + "0" * length]
    words += ["", "-", "a-", "-a", "a--b", "ß", "l'homme", "ÉTIENNE", "étienne", "h2o", "a00", "_"]
    return [*words, "-".join(["ab"] * 40), "x" * 5000, "der-2024", "fr76", "a2c-75018-86"]


def test_the_c_path_gives_the_python_paths_values() -> None:
    zipf = _c_zipf()
    handled = 0
    for word in _c_path_words():
        values = zipf.zipfs(word)
        if values is None:
            continue
        handled += 1
        assert values == _wordfreq.python_zipfs(word), word
    assert handled > 100_000


def test_the_c_path_takes_plain_words_and_codes_and_leaves_the_rest() -> None:
    zipf = _c_zipf()
    for word in ["müller", "go-live", "sr-2025-34724", "q3", "a00", "straße", "db_url", "ß-1"]:
        assert zipf.zipfs(word) is not None, word
    # a tokenizer's case (apostrophe, capitals, other scripts, stray separators), an empty word,
    # a digit run past 10**22 (Benford's division stops being exact), too many parts or letters
    leave = ["l'homme", "Müller", "дом", "a--b", "-a", "a-", "_a", "a_-b", "", "1" * 24]
    leave.append("x" * 5000)
    leave.append("-".join(["ab"] * 40))
    for word in leave:
        assert zipf.zipfs(word) is None, word


def test_zipfs_takes_the_c_path_unless_pure() -> None:
    import os

    assert (_wordfreq.native_zipfs() is None) == bool(os.environ.get("DOUANE_PURE_PYTHON"))


# Zipf's arguments after the tables and letters: digit frequencies, year curve, reference year.
_NUMBERS = (wordfreq_numbers.DIGIT_FREQS, -1.9, 0.1, 2019, 20)


def test_the_c_path_rejects_bad_arguments() -> None:
    zipf = _c_zipf()
    with pytest.raises(TypeError):
        zipf.zipfs(b"bytes")  # type: ignore[arg-type]
    tables = _wordfreq._tables()
    with pytest.raises(ValueError, match="one dict per language"):
        Zipf(tables[:2], "ab", *_NUMBERS)
    with pytest.raises(TypeError, match="dicts"):
        Zipf(({}, {}, []), "ab", *_NUMBERS)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="plain letters"):
        Zipf(tables, "a-", *_NUMBERS)
    with pytest.raises(ValueError, match="10 values"):
        Zipf(tables, "ab", [0.1] * 9, *_NUMBERS[1:])
    with pytest.raises(RuntimeError, match="not initialised"):
        Zipf.__new__(Zipf).zipfs("a")


def test_the_merged_table_keeps_each_languages_value() -> None:
    """The C path merges the language tables into one: a word keeps its value in each language
    that lists it, 0 elsewhere, whatever str object asks."""
    tables = ({"haus": 1e-4, "zug": 1e-3}, {"haus": 1e-5}, {"maison": 1e-4, "hôtel": 1e-6})
    zipf = Zipf(tables, "abcdefghijklmnopqrstuvwxyzô", *_NUMBERS)
    assert zipf.zipfs("haus") == (5.0, 4.0, 0.0)
    assert zipf.zipfs("".join(["mai", "son"])) == (0.0, 0.0, 5.0)
    assert zipf.zipfs("hôtel") == (0.0, 0.0, 3.0)
    assert zipf.zipfs("zug-haus") == (4.96, 0.0, 0.0)  # wordfreq: 1 / (1/f1 + 1/f2)
    assert zipf.zipfs("velo") == (0.0, 0.0, 0.0)
    with pytest.raises(TypeError, match="keys must be str"):
        Zipf(({1: 1e-4}, {}, {}), "ab", *_NUMBERS)  # type: ignore[dict-item]


def test_a_part_finds_its_word_whatever_the_strs_width() -> None:
    """The table keys words by their code points: a part cut from a hyphenated word (held four
    bytes a character) finds a word stored one or two bytes a character, and only that word."""
    tables = ({"łódź": 1e-4, "haus": 1e-3}, {"łodź": 1e-5}, {"hôtel": 1e-6})
    zipf = Zipf(tables, "abcdefghijklmnopqrstuvwxyzóôłźd", *_NUMBERS)
    assert zipf.zipfs("łódź") == (5.0, 0.0, 0.0)
    assert zipf.zipfs("łódź-haus") == zipf.zipfs("haus-łódź") == (4.96, 0.0, 0.0)
    assert zipf.zipfs("łodź-hôtel") == (0.0, 0.0, 0.0)  # no language lists both parts
    assert zipf.zipfs("łodz") == (0.0, 0.0, 0.0)  # one letter off: another word
