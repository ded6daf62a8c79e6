"""The name lexicon of the built-in PERSON detector: name lists, cue words, word frequency."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from douane.detect._wordfreq import zipf, zipfs

__all__ = [
    "DATA_DIR",
    "FUNCTION_WORD",
    "SPREAD",
    "WORD_MIN",
    "Lexicon",
    "frequencies",
    "is_language_word",
    "language_word",
    "load_lexicon",
    "uncached_frequencies",
    "word_frequency",
]

DATA_DIR: Final = Path(__file__).resolve().parent.parent / "data"
WORD_MIN: Final = 3.5
SPREAD: Final = 1.2
# So frequent in one language that it is a function word there (Bitte, Les, Can), whatever else.
FUNCTION_WORD: Final = 4.8


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Immutable word sets the detector consults; built once per process."""

    first: frozenset[str]
    last: frozenset[str]
    top_first: frozenset[str]
    top_last: frozenset[str]
    honorifics: frozenset[str]
    greetings: frozenset[str]
    labels: frozenset[str]
    roles: frozenset[str]
    org_words: frozenset[str]
    particles: frozenset[str]
    not_names: frozenset[str]
    closings: frozenset[str] = frozenset()
    closing_tails: frozenset[str] = frozenset()
    list_headers: frozenset[str] = frozenset()
    phrases: tuple[str, ...] = ()
    phrase_ends: frozenset[str] = frozenset()  # last words of `phrases` ("is", "appelle")
    firm_tails: frozenset[str] = frozenset()  # "et Fils", "und Söhne": a firm, not a person
    person_ids: tuple[str, ...] = ()  # "Steuer-ID", "BSN": identifiers of natural persons
    person_id_links: tuple[str, ...] = ()  # "of", "von": between such an identifier and a name
    person_id_leads: tuple[str, ...] = ()  # "holder of": between a name and its identifier
    person_traits: tuple[str, ...] = ()  # "wohnhaft", "who": after a name, only of a person
    units: frozenset[str] = frozenset()  # "Kelvin", "Newton": after a number, no one's name

    def is_first(self, token: str) -> bool:
        """A known given name; hyphenated names count when every part is one (Maria-Luise).

        After a listed given name, a part that the lists leave out because it is also a month or
        a feast is a name part too (Karl-August, Marie-Noël).
        """
        if token in self.first:
            return True
        head, _, tail = token.partition("-")
        if not tail or head not in self.first:
            return False
        return all(p in self.first or p in self.not_names for p in tail.split("-"))

    def is_weak(self, word: str, top: frozenset[str]) -> bool:
        """A listed name that is mostly an ordinary word (Konto, Bitte, Les), not a top name.

        A hyphenated name is weak only when every part is (Hans-Uwe, Marie-Theres are not).
        """
        if "-" in word:
            return all(self.is_weak(part, top) for part in word.split("-") if part)
        if not is_language_word(word):
            return False
        if word_frequency(word) >= FUNCTION_WORD:
            return True
        return word not in top

    def is_last(self, token: str) -> bool:
        if token in self.last:
            return True
        if token.isupper() and len(token) > 1:
            return token.title() in self.last
        parts = token.split("-")
        return len(parts) > 1 and all(p in self.last or p in self.first for p in parts)


def uncached_frequencies(token: str) -> tuple[float, float]:
    """Highest and lowest Zipf frequency of the lower-cased token in German, English, French
    (wordfreq's values; one below Zipf 2.3 may read as 0, which changes no verdict here).

    `frequencies` is this with a cache; the C fact finder (`_facts`) asks each word once per
    token, and the planner keeps the token's facts."""
    values = zipfs(token.lower())
    high = low = values[0]
    for value in values:  # a compiled loop: max() and min() are calls into the interpreter
        if value > high:
            high = value
        elif value < low:
            low = value
    return high, low


frequencies = lru_cache(maxsize=200_000)(uncached_frequencies)


def word_frequency(token: str) -> float:
    """Highest Zipf frequency of the lower-cased token in German, English or French text."""
    return frequencies(token)[0]


def is_language_word(token: str) -> bool:
    """Frequent in one language but not the others: an ordinary word (Konto, Tools, Basse).

    Given names travel: Robert, Marie or Andrea are about as frequent in all three corpora.
    """
    return language_word(*frequencies(token))


def language_word(high: float, low: float) -> bool:
    """is_language_word() from the token's `frequencies`."""
    return high >= WORD_MIN and high - low >= SPREAD


def _lines(name: str) -> frozenset[str]:
    path = DATA_DIR / name
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load the shipped lists (read-only package data); cached for the process."""
    cues = tomllib.loads((DATA_DIR / "person_cues.toml").read_text(encoding="utf-8"))
    not_names = frozenset(cues["not_names"])
    zipf("test", 0)  # load the frequency table now, not on the first request
    return Lexicon(
        first=_lines("first_names.txt") - not_names,
        last=_lines("last_names.txt") - not_names,
        top_first=_lines("top_first_names.txt"),
        top_last=_lines("top_last_names.txt"),
        honorifics=frozenset(cues["honorifics"]),
        greetings=frozenset(cues["greetings"]),
        labels=frozenset(cues["labels"]),
        roles=frozenset(cues["roles"]),
        org_words=frozenset(cues["org_words"]),
        particles=frozenset(cues["particles"]),
        not_names=not_names,
        closings=frozenset(cues.get("closings", ())),
        closing_tails=frozenset(cues.get("closing_tails", ())),
        list_headers=frozenset(cues.get("list_headers", ())),
        phrases=tuple(cues.get("phrases", ())),
        phrase_ends=frozenset(p.rsplit(" ", 1)[-1] for p in cues.get("phrases", ())),
        firm_tails=frozenset(cues.get("firm_tails", ())),
        person_ids=tuple(cues.get("person_ids", ())),
        person_id_links=tuple(cues.get("person_id_links", ())),
        person_id_leads=tuple(cues.get("person_id_leads", ())),
        person_traits=tuple(cues.get("person_traits", ())),
        units=frozenset(cues.get("units", ())),
    )
