"""The C finding constructor against the Python one: the same findings, the same references."""

from __future__ import annotations

import dataclasses
import gc
import sys

import pytest

from douane.detect._findings import FindingMaker
from douane.detect.base import FINDING_FIELDS, finding_factory, python_finding_factory
from douane.types import Finding, FindingType, Level


def test_the_c_maker_builds_what_the_python_factory_builds() -> None:
    for type_ in FindingType:
        for level in Level:
            c_make = FindingMaker(Finding, FINDING_FIELDS, type_, level, "rules", "iban-de")
            py_make = python_finding_factory(type_, level, "rules", "iban-de")
            for start, end, score in [(0, 1, 1.0), (5, 17, 0.85), (2**40, 2**40 + 3, 0.5)]:
                made, expected = c_make(start, end, score), py_make(start, end, score)
                assert type(made) is Finding
                assert made == expected and hash(made) == hash(expected)
                assert repr(made) == repr(expected)
                assert dataclasses.astuple(made) == (
                    start,
                    end,
                    type_,
                    level,
                    "rules",
                    score,
                    0,
                    "iban-de",
                )
                with pytest.raises(dataclasses.FrozenInstanceError):
                    made.start = 3  # type: ignore[misc]


def test_findings_hold_their_references_and_release_them() -> None:
    make = FindingMaker(Finding, FINDING_FIELDS, FindingType.EMAIL, Level.SECRET, "d", "l")
    score = 0.123456  # a float of its own, referenced by the findings alone
    before = sys.getrefcount(score)
    made = [make(1, 2, score) for _ in range(1000)]
    assert sys.getrefcount(score) == before + 1000
    del made
    gc.collect()
    assert sys.getrefcount(score) == before


class _NoSlots:
    start = 0  # a class attribute, no slot


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="8 slots"):
        FindingMaker(Finding, FINDING_FIELDS[:7], FindingType.EMAIL, Level.SECRET, "d", "")
    with pytest.raises(TypeError, match="object slot"):
        FindingMaker(_NoSlots, FINDING_FIELDS, FindingType.EMAIL, Level.SECRET, "d", "")  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        fields = ("start", "end", "type", "level", "detector", "score", "segment", "nope")
        FindingMaker(Finding, fields, FindingType.EMAIL, Level.SECRET, "d", "")
    make = FindingMaker(Finding, FINDING_FIELDS, FindingType.EMAIL, Level.SECRET, "d", "")
    with pytest.raises(TypeError):
        make(1, 2)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        make(1, 2, score=0.5)  # type: ignore[call-arg]


def test_the_factory_is_the_c_maker_unless_pure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOUANE_PURE_PYTHON", raising=False)
    assert isinstance(finding_factory(FindingType.EMAIL, Level.SECRET, "d"), FindingMaker)
    monkeypatch.setenv("DOUANE_PURE_PYTHON", "1")
    assert not isinstance(finding_factory(FindingType.EMAIL, Level.SECRET, "d"), FindingMaker)
