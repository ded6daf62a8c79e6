"""Parse a codename CSV (`term,level,category[,case]`) into an immutable Aho-Corasick dictionary."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import ahocorasick

from douane.detect._fold import fold
from douane.errors import ConfigError
from douane.types import Finding, FindingType, Level

__all__ = ["CodenameDictionary", "Term", "load_dictionary", "parse_dictionary"]

# Endings a term may carry when glued to it: German genitive/plural/dative ("Nordlichts",
# "Eisvogeln"), English plural ("Kestrels"). Possessives ("Falcon-2's") need none: the
# apostrophe already ends the word.
_SUFFIXES: Final = ("s", "es", "n", "en", "ns")
_ACRONYM_MAX: Final = 5
_CASES: Final = ("auto", "sensitive", "insensitive")


@dataclass(frozen=True, slots=True)
class Term:
    """One dictionary entry; `case_sensitive` terms only match with the listed capitalisation."""

    term: str
    level: Level
    category: str
    case_sensitive: bool


def _is_acronym(term: str) -> bool:
    letters = [c for c in term if c.isalpha()]
    return bool(letters) and len(term) <= _ACRONYM_MAX and all(c.isupper() for c in letters)


def parse_dictionary(text: str, source: str) -> CodenameDictionary:
    """Validate CSV text into a dictionary.

    Raises ConfigError naming the file and line (never the term) on a bad header, level or case.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if header[:3] != ["term", "level", "category"]:
        raise ConfigError(f"{source}: the header must start with term,level,category")
    reader.fieldnames = header
    terms: list[Term] = []
    for row in reader:
        line = reader.line_num
        raw = (row.get("term") or "").strip()
        if not raw:
            raise ConfigError(f"{source}:{line}: empty term")
        level_name = (row.get("level") or "").strip().lower()
        try:
            level = Level(level_name)
        except ValueError:
            raise ConfigError(
                f"{source}:{line}: level must be one of {[lv.value for lv in Level]}"
            ) from None
        case = (row.get("case") or "auto").strip().lower() or "auto"
        if case not in _CASES:
            raise ConfigError(f"{source}:{line}: case must be one of {list(_CASES)}")
        sensitive = case == "sensitive" or (case == "auto" and _is_acronym(raw))
        terms.append(Term(raw, level, (row.get("category") or "").strip(), sensitive))
    return CodenameDictionary(terms)


def load_dictionary(path: Path) -> CodenameDictionary:
    """Read and parse the CSV at `path`; raises ConfigError if it is missing or invalid."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read codename file: {exc.strerror}") from exc
    return parse_dictionary(text, str(path))


class CodenameDictionary:
    """An immutable automaton over folded terms; `find` is linear in the text, whatever its size."""

    __slots__ = ("_automaton", "size")

    def __init__(self, terms: list[Term]) -> None:
        grouped: dict[str, list[Term]] = {}
        for t in terms:
            grouped.setdefault(fold(t.term), []).append(t)
        automaton = ahocorasick.Automaton()
        for key, entries in grouped.items():
            automaton.add_word(key, (len(key), tuple(entries)))
        if grouped:
            automaton.make_automaton()
        self._automaton = automaton if grouped else None
        self.size = len(terms)

    def find(self, text: str, detector: str) -> list[Finding]:
        """Leftmost-longest whole-word occurrences of the terms in `text`."""
        if self._automaton is None or not text:
            return []
        folded = fold(text)
        candidates: list[tuple[int, int, Term]] = []
        for last, (length, entries) in self._automaton.iter(folded):
            start, end = last - length + 1, last + 1
            if not _left_ok(text, start) or not _right_ok(text, folded, end):
                continue
            best: Term | None = None
            for t in entries:
                if t.case_sensitive and text[start:end] != t.term:
                    continue
                if best is None or t.level.rank > best.level.rank:
                    best = t
            if best is not None:
                candidates.append((start, end, best))
        candidates.sort(key=lambda c: (c[0], c[0] - c[1]))
        findings: list[Finding] = []
        taken_to = -1
        for start, end, t in candidates:
            if start < taken_to:
                continue
            findings.append(
                Finding(start, end, FindingType.CODENAME, t.level, detector, 1.0, label=t.category)
            )
            taken_to = end
        return findings


def _left_ok(text: str, start: int) -> bool:
    """Not inside a longer word; a camelCase hump (`getKestrel`) also starts a word."""
    if start == 0 or not text[start - 1].isalnum():
        return True
    return text[start - 1].islower() and text[start].isupper()


def _right_ok(text: str, folded: str, end: int) -> bool:
    """Not inside a longer word, except for an inflection ending or a camelCase hump."""
    n = len(text)
    if end == n or not text[end].isalnum():
        return True
    if text[end - 1].islower() and text[end].isupper():
        return True
    if not text[end - 1].isalpha():
        return False
    for suffix in _SUFFIXES:
        stop = end + len(suffix)
        if folded.startswith(suffix, end) and (stop == n or not text[stop].isalnum()):
            return True
    return False
