"""Derive the compact first/last name lists shipped in src/douane/data from names-dataset.

Dev-time only (nothing downloads at run time). Run in a throwaway venv:
    python -m venv /tmp/nd && /tmp/nd/bin/pip install names-dataset
    /tmp/nd/bin/python scripts/build_names.py
Writes src/douane/data/first_names.txt and last_names.txt (one name per line, sorted) and
top_first_names.txt / top_last_names.txt: the names among the TOP_RANK most common of a country,
which stay names even when they are also frequent words (Guillaume, Hans, Koch).
"""

from __future__ import annotations

import sys
import unicodedata
from collections import Counter
from pathlib import Path

from names_dataset import NameDataset
from wordfreq import zipf_frequency

__all__: list[str] = []

OUT = Path(__file__).resolve().parent.parent / "src" / "douane" / "data"
# Countries whose names appear in German, English and French business text.
_COUNTRY_CODES = "DE AT CH FR BE NL LU IT ES PT GB IE US CA AU PL CZ SK HU RO HR SI RS BG GR TR DK SE NO FI IS EE LV LT UA RU MA DZ TN SN IN CN VN BR MX AR CO"  # noqa: E501
COUNTRIES = tuple(_COUNTRY_CODES.split())
TOP_FIRST = 1200
TOP_LAST = 2500
# names-dataset comes from social-network profiles and holds ordinary words ("The", "Bitte").
# A name that is this frequent as a German/English/French word is dropped unless it is among
# the KEEP_RANK most common names of some country (Mark, Rose, Charles, Koch stay).
WORD_ZIPF = 4.6
TOP_RANK = 250
TOP_COUNTRIES = 2  # a "top" name is among the TOP_RANK most common in at least this many countries
KEEP_RANK = 400


def _is_word(name: str) -> bool:
    lowered = name.lower()
    return max(zipf_frequency(lowered, lang) for lang in ("de", "en", "fr")) >= WORD_ZIPF


def _clean(name: str) -> str | None:
    name = unicodedata.normalize("NFC", name.strip())
    if len(name) < 2 or not all(c.isalpha() or c in "-'" for c in name):
        return None
    if not name[0].isupper():
        return None
    return name


def _keep(names: list[str]) -> list[str]:
    out = []
    for rank, raw in enumerate(names):
        name = _clean(raw)
        if name and (rank < KEEP_RANK or not _is_word(name)):
            out.append(name)
    return out


def main() -> int:
    nd = NameDataset()
    first: set[str] = set()
    last: set[str] = set()
    top_first: Counter[str] = Counter()
    top_last: Counter[str] = Counter()
    for cc in COUNTRIES:
        top = nd.get_top_names(n=TOP_FIRST, country_alpha2=cc)
        for names in top.get(cc, {}).values():
            first.update(_keep(names))
            top_first.update({n for n in map(_clean, names[:TOP_RANK]) if n})
        top = nd.get_top_names(n=TOP_LAST, use_first_names=False, country_alpha2=cc)
        last.update(_keep(top.get(cc, [])))
        top_last.update({n for n in map(_clean, top.get(cc, [])[:TOP_RANK]) if n})
        print(cc, len(first), len(last), file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "first_names.txt").write_text("\n".join(sorted(first)) + "\n", encoding="utf-8")
    (OUT / "last_names.txt").write_text("\n".join(sorted(last)) + "\n", encoding="utf-8")
    for name, counts, names in (
        ("top_first_names.txt", top_first, first),
        ("top_last_names.txt", top_last, last),
    ):
        top = sorted(n for n, c in counts.items() if c >= TOP_COUNTRIES and n in names)
        (OUT / name).write_text("\n".join(top) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
