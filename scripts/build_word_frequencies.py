"""Derive src/douane/data/word_frequencies.tsv.gz from wordfreq's large German/English/French lists.

Dev-time only, like scripts/build_names.py. The PERSON detector compares word frequencies with
thresholds of Zipf 3.4 and more, and with a spread of 1.2 between languages above Zipf 3.5: no
verdict depends on a value below Zipf 2.3 (`_wordfreq.FLOOR`), so the table keeps the words at or
above it: 1.2 MB on disk, 0.1 s to load and ~30 MB in memory, against 131 MB and 0.4 s for
wordfreq's own large lists.
One line per language and wordfreq bucket (its frequency is 10 ** (-bucket / 100)): the language,
the bucket and the bucket's words, space-separated, as wordfreq's own frequency lists hold them.
Run: .venv/bin/python scripts/build_word_frequencies.py
"""

from __future__ import annotations

import gzip

from wordfreq import get_frequency_list

from douane.detect._wordfreq import FLOOR, LANGS, TABLE

__all__: list[str] = []


def main() -> None:
    lines = []
    for lang in LANGS:
        for index, words in enumerate(get_frequency_list(lang, "large")):
            if 9 - index / 100 < FLOOR - 0.1:  # Zipf of the bucket, with a margin for rounding
                break
            if words:
                lines.append(f"{lang}\t{index}\t{' '.join(words)}\n")
    with gzip.open(TABLE, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("".join(lines))
    print(f"{TABLE.name}: {sum(line.count(' ') + 1 for line in lines)} entries")


if __name__ == "__main__":
    main()
