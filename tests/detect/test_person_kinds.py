"""Tests for PERSON token kinds and decisions."""

from __future__ import annotations

import pytest

from douane.detect._names import load_lexicon
from douane.detect._person_kinds import FULL, PAIR, bare, classify, decide, takes_tail


@pytest.mark.parametrize(
    ("token", "kind"),
    [
        ("Anna", "first"),
        ("Hans-Uwe", "first"),  # both parts are given names, neither weak
        ("Marie-Theres", "first"),  # one strong part is enough
        ("RODRIGUEZ", "caps"),  # a listed name in capitals
        ("NORMAND", "caps"),
        ("Butte", "shared"),  # frequent, but alike in all three languages
        ("Urlaub", "common"),  # a German word
        ("H.", "initial"),
        ("GmbH", "other"),
        ("van", "particle"),
    ],
)
def test_classify(token: str, kind: str) -> None:
    assert classify(load_lexicon(), token) == kind


def test_bare_strips_punctuation_quotes_and_possessive() -> None:
    assert bare("Broy',") == "Broy"
    assert bare("Baudelio's") == "Baudelio"
    assert bare("Noor.") == "Noor"


def test_decide_tail_kinds() -> None:
    names = [(0, "Christa", "first"), (8, "Butte", "shared")]
    assert decide(["first", "shared"], names, strong=False, cue=False, alone=False) == FULL
    names = [(0, "Thomas", "first"), (7, "Urlaub", "common")]
    assert decide(["first", "common"], names, strong=False, cue=False, alone=False) is None
    assert decide(["first", "common"], names, strong=False, cue=True, alone=False) == PAIR
    names = [(0, "H.", "initial"), (3, "Butte", "shared")]
    assert decide(["initial", "shared"], names, strong=False, cue=False, alone=False) is None


def test_takes_tail() -> None:
    assert takes_tail([(0, "H.", "initial")])
    assert takes_tail([(0, "Linn", "first"), (5, "van", "particle")])
    assert not takes_tail([(0, "Hein", "wlast")])
