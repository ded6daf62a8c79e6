"""Tests for PERSON run plans: the shortcuts give what the general analysis gives."""

from __future__ import annotations

import pytest

from douane.detect._names import load_lexicon
from douane.detect._person_kinds import classify
from douane.detect._person_plan import Planner

_TOKENS = [
    *("Anna", "Anna,", "Anna's", "Noor.", "Al", "Hans-Uwe", "Maria-Luise", "Konto", "Koch"),
    *("Schmidt", "Schmidt;", "Urlaub", "Butte", "RODRIGUEZ", "PERRIN", "IBAN", "GmbH", "H."),
    *("M.", "Me", "Frau", "Dear", "Hallo", "Die", "The", "Van", "van", "Da", "Wärmetauscher"),
    *("Zzyzxqk", "Q3", "A_B", "Ö.", "Ö", "É", "Teilnehmer", "Attendees:", "O'Brien", "D’Amato"),
]


@pytest.mark.parametrize("token", _TOKENS)
def test_token_kind_is_classify(token: str) -> None:
    assert Planner(load_lexicon()).kind(token) == classify(load_lexicon(), token)


@pytest.mark.parametrize("token", _TOKENS)
def test_lone_token_plan_is_the_general_plan(token: str) -> None:
    planner = Planner(load_lexicon())
    assert planner._analyse_word(token) == planner._analyse_tokens(token, [token])


def test_plans_are_cached_and_cleared() -> None:
    planner = Planner(load_lexicon())
    plan = planner.plan("Anna Schmidt")
    assert plan is not None and plan.candidates[0].end == len("Anna Schmidt")
    assert planner.plan("Anna Schmidt") is plan and "Anna Schmidt" in planner.plans
    planner.clear()
    assert not planner.plans
