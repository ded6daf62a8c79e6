"""Tests for PERSON enumerations: found names vouch for the other members of their list."""

from __future__ import annotations

import random

from tests.text_runs import runs_in

from douane.detect._person_enum import (
    _MAX_GAP,
    _SEPARATOR,
    _SEPARATOR_BEFORE,
    _WORD_BEFORE,
    _capital_neighbour,
    _separator_before,
    _separator_end,
    _word_before,
    enumerated,
    member_words,
)


def _found(text: str, names: list[str]) -> list[tuple[int, int]]:
    return [(text.index(n), text.index(n) + len(n)) for n in names]


def _claimed(text: str, found: list[str], runs: list[str]) -> list[str]:
    spans = enumerated(text, _found(text, found), runs_in(text, runs), lambda run: run != "Paris")
    return [text[s:e] for s, e in spans]


def test_pair_and_majority_lists() -> None:
    text = "Marrero and Murphy were engineers."
    assert _claimed(text, ["Murphy"], ["Marrero"]) == ["Marrero"]
    text = "They had 4: Efimiya, Mary, Ariana and Jodi."
    assert _claimed(text, ["Mary", "Ariana"], ["Efimiya", "Jodi"]) == ["Efimiya", "Jodi"]


def test_lists_that_are_not_people() -> None:
    # one found surname among three: as likely a firm
    text = "He worked at Barnett, Melton and Garcia for years."
    assert _claimed(text, ["Garcia"], ["Barnett", "Melton"]) == []
    # a member before a number is a street
    assert _claimed("send it to Leon and Eyrarodda 66", ["Leon"], ["Eyrarodda"]) == []
    # a pair joined by a comma and "and" ends a longer list
    assert (
        _claimed("Holloway of Opencounter, and Irena Bila", ["Irena Bila"], ["Opencounter"]) == []
    )
    # no link: a non-member word in between breaks the list
    assert _claimed("Anna visited Paris, then Bob", ["Anna"], ["Paris", "Bob"]) == []
    # a member the predicate rejects is never claimed
    assert _claimed("Anna and Paris", ["Anna"], ["Paris"]) == []


def test_member_words() -> None:
    assert member_words("Eklund") == ["Eklund"]
    assert member_words("Anna Maria Schmidt") is None


def test_the_separator_test_finds_what_the_regex_alone_finds() -> None:
    """The C pre-test of _separator_before never drops a separator the regex finds, a comma
    before a line break (where `$` also matches) included."""
    rng = random.Random(5)
    pieces = [",", " ", "\t", "\n", "and", "und", "e", "y", "or", "Anna", "x", "é", "-", "."]
    found = 0
    for _ in range(3000):
        text = "".join(rng.choices(pieces, k=rng.randrange(1, 12)))
        for pos in range(len(text) + 1):
            plain = _SEPARATOR_BEFORE.search(text, max(0, pos - _MAX_GAP), pos)
            fast = _separator_before(text, pos)
            assert (fast and fast.span()) == (plain and plain.span()), (text, pos)
            found += plain is not None
    assert found > 1000


def test_the_separator_scan_ends_where_the_regex_ends() -> None:
    """_separator_end answers as _SEPARATOR.match, conjunctions that begin longer words and
    blanks at the text's end included."""
    rng = random.Random(3)
    pieces = [",", " ", "  ", "\t", "\n", "and", "und", "et", "etwas", "ou", "oder", "or", "y", "e"]
    found = 0
    for _ in range(3000):
        text = "".join(rng.choices([*pieces, "Anna", "x"], k=rng.randrange(0, 10)))
        for pos in range(len(text) + 1):
            match = _SEPARATOR.match(text, pos)
            assert _separator_end(text, pos) == (-1 if match is None else match.end()), (text, pos)
            found += match is not None
    assert found > 1000


def test_the_neighbour_test_finds_what_the_regexes_alone_find() -> None:
    """_capital_neighbour's character tests before the separator regex after a span never
    change its answer (a conjunction after several blanks, a span at the text's end)."""
    rng = random.Random(7)
    pieces = [",", " ", "  ", "\t", "\n", "and", "und", "et", "ou", "y", "e", "or", "Anna", "x"]
    found = 0
    for _ in range(3000):
        text = "".join(rng.choices(pieces, k=rng.randrange(1, 12)))
        for start in range(len(text)):
            for end in range(start + 1, min(len(text), start + 5) + 1):
                after = _SEPARATOR.match(text, end)
                before = _SEPARATOR_BEFORE.search(text, max(0, start - _MAX_GAP), start)
                plain = (after is not None and text[after.end() : after.end() + 1].isupper()) or (
                    before is not None
                    and _WORD_BEFORE.search(text, max(0, before.start() - 40), before.start())
                    is not None
                )
                assert _capital_neighbour(text, start, end) == plain, (text, start, end)
                found += plain
    assert found > 500


def test_the_word_before_scan_is_the_regex() -> None:
    """_word_before answers as _WORD_BEFORE.search on random windows of name-like text."""
    rng = random.Random(11)
    pieces = ["Anna", "anna", "É", "é", "Ø", "×", "O'", "’", "-", "_", ".", " ", "\n", "x", "3"]
    found = 0
    for _ in range(4000):
        text = "".join(rng.choices(pieces, k=rng.randrange(0, 8)))
        for high in range(len(text) + 1):
            for low in range(max(0, high - 6), high + 1):
                plain = _WORD_BEFORE.search(text, low, high) is not None
                assert _word_before(text, low, high) == plain, (text, low, high)
                found += plain
    assert found > 1000
