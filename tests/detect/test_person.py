"""Tests for the built-in PERSON detector: names found, hard negatives left alone."""

from __future__ import annotations

import pytest

from douane.config import parse_config
from douane.detect._names import load_lexicon
from douane.detect.person import BuiltinPersonDetector, person_detectors
from douane.errors import ConfigError


@pytest.fixture(scope="module")
def det() -> BuiltinPersonDetector:
    return BuiltinPersonDetector(load_lexicon())


def names(det: BuiltinPersonDetector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in det.scan(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sehr geehrte Frau Schneider,", ["Schneider"]),
        ("Bonjour M. Dupont, merci.", ["Dupont"]),
        ("Dear Mr Khan,", ["Khan"]),
        ("Ansprechpartner beim Kunden ist Bernt Lorch, Tel.", ["Bernt Lorch"]),
        ("Nom : Henri POTTIER", ["Henri POTTIER"]),
        (
            "Attendees: Andrea Field, Ronald Cruz, R. Hughes",
            ["Andrea Field", "Ronald Cruz", "R. Hughes"],
        ),
        ("Viele Grüße\nAnna Schmidt", ["Anna Schmidt"]),
        ("For identity verification Esther van Oostendorp sent", ["Esther van Oostendorp"]),
        ("still uses Theresa's account", ["Theresa"]),
        ("Hi Carlos,", ["Carlos"]),
    ],
)
def test_finds_names(det: BuiltinPersonDetector, text: str, expected: list[str]) -> None:
    assert names(det, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Der Koch unserer Kantine ist krank.",
        "Der Meister der Spätschicht meldet Ausschuss.",
        "Vergleiche Mentzel & Scheuermann GmbH und Stiffel Bau GmbH.",
        "manufactured by Allen & Sons Ltd.",
        "Hersteller ist die Robert Bosch GmbH.",
        "Login nicht möglich, Konto nach fünf Fehlversuchen gesperrt.",
        "Die Firmware der Steuerung steht auf Version 9.",
        "memory: 512Mi",
    ],
)
def test_leaves_hard_negatives(det: BuiltinPersonDetector, text: str) -> None:
    assert names(det, text) == []


def test_backend_none_and_unknown() -> None:
    assert person_detectors(parse_config("detection: {person_backend: none}")) == ()
    with pytest.raises(ConfigError, match="person_backend"):
        person_detectors(parse_config("detection: {person_backend: 'foo:bar'}"))


def test_missing_local_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="person_backend"):
        person_detectors(parse_config("detection: {person_backend: 'gliner:/nonexistent/model'}"))
