"""Word frequencies in German, English and French: wordfreq's verdicts from a compact table.

wordfreq's large lists cost 131 MB and 0.4 s to load. Every threshold of the PERSON detector is
at Zipf 3.4 or more, and its spread test (3.5 and 1.2 between languages) looks no lower than
Zipf 2.3, so the shipped table (scripts/build_word_frequencies.py) keeps the words at or above
`FLOOR`; below it a word counts as absent (Zipf 0), which changes no comparison. Tokenising and
combining the parts of a hyphenated word are wordfreq's own functions, so each value at or above
the floor is exactly wordfreq's `zipf_frequency(word, lang)`.

wordfreq's tokenizer costs 5-7 µs a call, more than the rest of a look-up, and a word met for
the first time was tokenized once per language. Now:

- German, English and French share one pipeline (NFC, casefold, the same Unicode word
  tokenizer), so one tokenization serves all three;
- a word of plain lower-case Latin letters is its own only token, and one of such letters and
  ASCII digits, hyphens between, splits at its hyphens: neither calls the tokenizer;
- a token with digits is smashed as wordfreq does, and its digit frequency is computed only
  when some language knows the smashed token;
- where the `_zipf` extension is built, the words of the second point are looked up in C, and
  so are those with ß (case-folded to ss) or with underscores between letters and digits
  (Unicode word segmentation keeps them in the word): the same arithmetic, ~10× faster than
  compiled Python. `python_zipfs` is the path for every other word, and the reference.

tests/detect/test_wordfreq.py checks each premise on every name and a tenth of the table, and
every value on the words of the corpora against wordfreq itself.
"""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Final

from wordfreq import numbers as wordfreq_numbers
from wordfreq.numbers import digit_freq, smash_numbers
from wordfreq.tokens import INITIAL_VOWEL_EXPR, lossy_tokenize

from douane.detect._native import native

__all__ = [
    "FLOOR",
    "LANGS",
    "PLAIN_LETTERS",
    "TABLE",
    "ZipfArgs",
    "elision_tokens",
    "native_zipfs",
    "python_zipfs",
    "smash_ascii",
    "zipf",
    "zipf_args",
    "zipfs",
]

LANGS: Final = ("de", "en", "fr")
FLOOR: Final = 2.3  # _names.WORD_MIN - _names.SPREAD: the lowest value a verdict depends on
TABLE: Final = Path(__file__).resolve().parent.parent / "data" / "word_frequencies.tsv.gz"
# Lower-case Latin letters that NFC and casefold leave alone (not ß, ſ, µ, ŉ): a word made of
# them alone is one token, itself, with no digit to smash.
PLAIN_LETTERS: Final = "".join(
    c
    for c in map(chr, range(0x250))
    if unicodedata.category(c) == "Ll"
    and c.casefold() == c
    and unicodedata.normalize("NFC", c) == c
)
_PLAIN_WORD: Final = re.compile(f"[{re.escape(PLAIN_LETTERS)}]+")
# Plain letters and ASCII digits, hyphens between ("karl-august", "sr-2025-34724"): Unicode
# word segmentation keeps letters and digits together and breaks at a hyphen, so the tokens
# are the parts between the hyphens.
_PARTS: Final = re.compile(
    f"[{re.escape(PLAIN_LETTERS)}0-9]+(?:-[{re.escape(PLAIN_LETTERS)}0-9]+)*"
)
# Plain letters with apostrophes between them ("l'homme", "o'brien", "contractor's"): Unicode
# word segmentation keeps them one word, save where wordfreq cuts off an elision (below).
_ELIDED: Final = re.compile(f"[{re.escape(PLAIN_LETTERS)}]+(?:'[{re.escape(PLAIN_LETTERS)}]+)+")
# What makes "l'", "qu'" a token of its own before it: wordfreq's own vowels (and h), lower case.
_INITIAL_VOWELS: Final = frozenset(c for c in INITIAL_VOWEL_EXPR.strip("[]") if c.islower())
# A table frequency → the value of a word with that frequency alone. The table holds a few
# hundred distinct frequencies (wordfreq's buckets), so this stays small.
_ALONE: dict[float, float] = {}


_Zipf = native("_zipf", "Zipf")
ZipfArgs = tuple[tuple[dict[str, float], ...], str, tuple[float, ...], float, float, int, int]


@cache
def _tables() -> tuple[dict[str, float], ...]:
    """Per language, token → frequency (wordfreq's bucket value, bit for bit)."""
    tables: dict[str, dict[str, float]] = {lang: {} for lang in LANGS}
    with gzip.open(TABLE, "rt", encoding="utf-8") as fh:
        for line in fh:
            lang, index, words = line.rstrip("\n").split("\t")
            # wordfreq's cB_to_freq(-index), the value its get_frequency_dict holds
            tables[lang].update(dict.fromkeys(words.split(" "), 10 ** (-int(index) / 100)))
    return tuple(tables[lang] for lang in LANGS)


def zipf_args() -> ZipfArgs:
    """The arguments of `_zipf.Zipf`: the tables, the plain letters and wordfreq's constants
    for digits (Benford's law, the year curve)."""
    return (
        _tables(),
        PLAIN_LETTERS,
        tuple(wordfreq_numbers.DIGIT_FREQS),
        wordfreq_numbers.YEAR_LOG_PEAK,
        wordfreq_numbers.NOT_YEAR_PROB,
        wordfreq_numbers.REFERENCE_YEAR,
        wordfreq_numbers.PLATEAU_WIDTH,
    )


@cache
def native_zipfs() -> Callable[[str], tuple[float, ...] | None] | None:
    """The C path (`_zipf`): the values of a word that needs no tokenizer, else None; None
    where the module is not built."""
    if _Zipf is None:
        return None
    return _Zipf(*zipf_args()).zipfs  # type: ignore[no-any-return]


def zipf(word: str, lang: int) -> float:
    """wordfreq's `zipf_frequency(word, LANGS[lang])` where it is FLOOR or more, else 0 or less
    than FLOOR (see the module docstring)."""
    return zipfs(word)[lang]


def zipfs(word: str) -> tuple[float, ...]:
    """zipf(word, lang) for every language of LANGS, in order: in C where built, else (and
    for a word the C path leaves) python_zipfs."""
    fast = native_zipfs()
    if fast is not None:
        values = fast(word)
        if values is not None:
            return values
    return python_zipfs(word)


def python_zipfs(word: str) -> tuple[float, ...]:
    """zipfs() in Python: wordfreq's tokenizer for any word, the shortcuts of the module
    docstring for the rest."""
    tables = _tables()
    # its only token, itself (module docstring); ASCII letters alone are told by str methods
    if (word.isascii() and word.isalpha() and word.islower()) or _PLAIN_WORD.fullmatch(word):
        return tuple([_alone(freqs.get(word)) for freqs in tables])
    # wordfreq treats German, English and French text alike (the same normal form and tokenizer,
    # no transliteration; tested), so one tokenization serves the three languages.
    ascii_digits = _PARTS.fullmatch(word) is not None
    if ascii_digits:
        tokens = word.split("-")
    elif _ELIDED.fullmatch(word):
        tokens = elision_tokens(word)
    else:
        tokens = lossy_tokenize(word, LANGS[0])
    parts = []
    for token in tokens:
        if not any(c.isdigit() for c in token):  # no digit (\d is narrower): nothing to smash
            parts.append((token, 1.0))
            continue
        smashed = smash_ascii(token) if ascii_digits else smash_numbers(token)
        if all(smashed not in freqs for freqs in tables):
            return tuple([0.0 for _ in tables])  # a token no language knows: 0 in each
        parts.append((smashed, digit_freq(token) if smashed != token else 1.0))
    if not parts:
        return tuple([0.0 for _ in tables])
    return tuple([_combined(freqs, parts) for freqs in tables])


def elision_tokens(word: str) -> list[str]:
    """wordfreq's tokens of plain letters with apostrophes between them, without its tokenizer
    (70,000 instructions a call): a token that starts with one or two letters, an apostrophe
    and a vowel or h ends before that apostrophe ("l'homme" → l, homme; "qu'un" → qu, un);
    otherwise the rest of the word is one token ("aujourd'hui", "o'brien")."""
    tokens = []
    start = 0
    while True:
        cut = word.find("'", start + 1, start + 3)  # after one or two letters
        if cut < 0 or word[cut + 1] not in _INITIAL_VOWELS:
            tokens.append(word[start:])
            return tokens
        tokens.append(word[start:cut])
        start = cut + 1


def smash_ascii(token: str) -> str:
    """wordfreq's smash_numbers for a token of letters and ASCII digits: every digit of a run
    of two or more becomes 0 (its pattern, a digit then digits, dots or commas, meets no dot or
    comma here), without a regex callback per run."""
    chars = list(token)
    last = len(chars) - 1
    for i in range(len(chars)):
        if "0" <= chars[i] <= "9" and (
            (i > 0 and "0" <= token[i - 1] <= "9") or (i < last and "0" <= token[i + 1] <= "9")
        ):
            chars[i] = "0"
    return "".join(chars)


def _combined(freqs: dict[str, float], parts: list[tuple[str, float]]) -> float:
    """The value of a word of several tokens, (smashed token, digit factor) each, as wordfreq's
    _word_frequency combines them."""
    one_over = 0.0
    for smashed, factor in parts:
        freq = freqs.get(smashed)
        if freq is None:
            return 0.0
        if factor != 1.0:
            freq *= factor
        one_over += 1.0 / freq
    return _zipf_value(1.0 / one_over)


def _alone(freq: float | None) -> float:
    """The value of a word that is its only token, with table frequency `freq` (None: absent)."""
    if freq is None:
        return 0.0
    value = _ALONE.get(freq)
    if value is None:  # the arithmetic of zipf's loop for one token
        value = _ALONE[freq] = _zipf_value(1.0 / (1.0 / freq))
    return value


def _zipf_value(freq: float) -> float:
    """wordfreq's zipf_frequency from a word's combined frequency."""
    leading_zeroes = math.floor(-math.log(freq, 10))
    return round(math.log(round(freq, leading_zeroes + 3), 10) + 9, 2)
