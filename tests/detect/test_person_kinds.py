"""Tests for PERSON token kinds and decisions."""

from __future__ import annotations

import itertools

import pytest

from douane.detect._names import load_lexicon
from douane.detect._person_kinds import FULL, PAIR, bare, classify, decide, is_solid, takes_tail


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
    assert decide(["first", "shared"], True, strong=False, cue=False, alone=False) == FULL
    assert decide(["first", "common"], True, strong=False, cue=False, alone=False) is None
    assert decide(["first", "common"], True, strong=False, cue=True, alone=False) == PAIR
    assert decide(["initial", "shared"], False, strong=False, cue=False, alone=False) is None


def test_is_solid() -> None:
    assert is_solid("Noor") and is_solid("Noor's")
    assert not is_solid("Al") and not is_solid("Chr.")


_ALL_KINDS = (
    *("first", "wfirst", "last", "wlast", "caps", "capsw", "initial", "unknown"),
    *("common", "shared", "other"),
)


@pytest.mark.parametrize("size", [1, 2, 3])
def test_decide_line_test_matters_only_without_cue_and_only_to_accept(size: int) -> None:
    """What the detector's plans rely on to skip the line test (see person._accept)."""
    for kinds in itertools.product(_ALL_KINDS, repeat=size):
        for strong, solid in itertools.product((False, True), repeat=2):
            args = (list(kinds), solid)
            with_cue = decide(*args, strong=strong, cue=True, alone=False)
            assert decide(*args, strong=strong, cue=True, alone=True) == with_cue
            anywhere = decide(*args, strong=strong, cue=False, alone=False)
            if anywhere is not None:
                assert decide(*args, strong=strong, cue=False, alone=True) == anywhere


def test_takes_tail() -> None:
    assert takes_tail([(0, "H.", "initial")])
    assert takes_tail([(0, "Linn", "first"), (5, "van", "particle")])
    assert not takes_tail([(0, "Hein", "wlast")])
