"""Word frequencies in German, English and French: wordfreq's verdicts from a compact table.

wordfreq's large lists cost 131 MB and 0.4 s to load. Every threshold of the PERSON detector is
at Zipf 3.4 or more, and its spread test (3.5 and 1.2 between languages) looks no lower than
Zipf 2.3, so the shipped table (scripts/build_word_frequencies.py) keeps the words at or above
`FLOOR`; below it a word counts as absent (Zipf 0), which changes no comparison. Tokenising and
combining the parts of a hyphenated word are wordfreq's own functions, so each value at or above
the floor is exactly wordfreq's `zipf_frequency(word, lang)`.
"""

from __future__ import annotations

import gzip
import math
from functools import cache
from pathlib import Path

from wordfreq.numbers import digit_freq, smash_numbers
from wordfreq.tokens import lossy_tokenize

__all__ = ["FLOOR", "LANGS", "TABLE", "zipf"]

LANGS = ("de", "en", "fr")
FLOOR = 2.3  # _names._WORD_MIN - _names._SPREAD: the lowest value a verdict depends on
TABLE = Path(__file__).resolve().parent.parent / "data" / "word_frequencies.tsv.gz"


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


def zipf(word: str, lang: int) -> float:
    """wordfreq's `zipf_frequency(word, LANGS[lang])` where it is FLOOR or more, else 0 or less
    than FLOOR (see the module docstring)."""
    freqs = _tables()[lang]
    tokens = lossy_tokenize(word, LANGS[lang])
    if not tokens:
        return 0.0
    one_over = 0.0
    for token in tokens:  # as wordfreq's _word_frequency combines the parts of a word
        smashed = smash_numbers(token)
        freq = freqs.get(smashed)
        if freq is None:
            return 0.0
        if smashed != token:
            freq *= digit_freq(token)
        one_over += 1.0 / freq
    freq = 1.0 / one_over
    leading_zeroes = math.floor(-math.log(freq, 10))
    return round(math.log(round(freq, leading_zeroes + 3), 10) + 9, 2)
