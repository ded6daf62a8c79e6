"""Tests for the PERSON layout cues: closings, task lists, e-mail local parts."""

from __future__ import annotations

import random
import re

import pytest

from douane.detect._names import load_lexicon
from douane.detect._person_context import (
    _LOCAL_MAX,
    LabelLines,
    _local_part,
    after_closing,
    email_matches,
    list_cue,
    list_subject,
    local_parts,
)
from douane.detect._person_kinds import after_label


def test_after_closing_accepts_signature_lines() -> None:
    lex = load_lexicon()
    text = "Danke.\n\nBest,\nNoor\n\nNoor Giselmeyer | HR"
    assert after_closing(lex, text, text.index("Noor"))
    assert after_closing(lex, text, text.rindex("Noor"))


@pytest.mark.parametrize(
    "text",
    [
        "Viele Grüße\nAntonella Seiser\nVertrieb Innendienst",  # a job title under the name
        "Bitte prüfen.\nInnendienst meldet sich",  # no closing at all
        "Best,\n--\nStreng vertraulich",  # a separator is no sign-off
    ],
)
def test_after_closing_rejects_other_lines(text: str) -> None:
    lex = load_lexicon()
    last_line = text.rsplit("\n", 1)[1]
    assert not after_closing(lex, text, text.rindex(last_line))


def test_list_subject_needs_bullet_and_colon() -> None:
    text = "Actions :\n- Margaud : proposer des dates\nMargaud: x\n- Margaud dit"
    first = text.index("Margaud")
    assert list_subject(text, first, first + 7) == text.index("- Margaud :")
    second = text.index("Margaud", first + 1)
    assert list_subject(text, second, second + 7) is None
    third = text.rindex("Margaud")
    assert list_subject(text, third, third + 7) is None


def test_list_cue_header_or_sibling() -> None:
    lex = load_lexicon()
    text = "Actions :\n- Irina : devis\n- Margaud : dates\n"
    assert list_cue(lex, text, text.index("- Margaud"), set())
    plain = "Punkte:\n- Irina: Angebot\n- Margaud: Termine\n"
    line = plain.index("- Margaud")
    assert not list_cue(lex, plain, line, set())
    assert list_cue(lex, plain, line, {plain.index("- Irina")})


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("VALUES ('Ashleigh Broy', 'a.broy@ardentgrid.com')", "Ashleigh Broy", True),
        ("('Adélaïde Didier', 'didier.adelaide@ferlac.fr')", "Adélaïde Didier", True),
        ("('Barbara Ali', 'b.ali@weissach-it.de')", "Barbara Ali", True),
        ("('Nordlicht Projekt', 'info@nordlicht.de')", "Nordlicht Projekt", False),
        ("Ashleigh Broy\nsee a.broy@ardentgrid.com", "Ashleigh Broy", False),  # other line
        ("write to Broy@x.com", "Broy", False),  # the run is the local part itself
    ],
)
def test_email_matches(text: str, name: str, expected: bool) -> None:
    start = text.index(name)
    tokens = name.split()
    assert email_matches(text, start, start + len(name), tokens, local_parts(text)) is expected


def test_local_parts() -> None:
    assert local_parts("mail a.broy@x.com or rena.beckmann@y.de") == [
        (5, 11, ("a", "broy")),
        (21, 34, ("rena", "beckmann")),
    ]
    assert local_parts("no address @ here") == []


@pytest.mark.parametrize(
    "text",
    [
        "Teilnehmer: Anna Roth, Bob Lee,\nAn: Carla\nNotiz: Anna: Treffen",
        "Attendees:\n- Andrea Field\nCc: R. Hughes, \tMia\n:Leer",
        "x" * 230 + " Teilnehmer: Anna\n" + "Present: " + "y " * 150 + "Bob",  # long lines
        "Sehr-Langer-Vorspann-der-kein-Label-ist-und-weiter-geht: Anna\nClient : Ann",
    ],
)
def test_label_lines_agree_with_after_label(text: str) -> None:
    lex = load_lexicon()
    labels = LabelLines(lex, text)
    for base in range(len(text) + 1):
        assert labels.after(base) == after_label(lex, text, base), base


def test_local_part_is_the_anchored_search_it_replaces() -> None:
    tail = re.compile(r"[\w.+'-]+$")
    pieces = ["a", "B.", "+", "'", "-", "_", "é", "😀", " ", "\n", "@", ",", "x" * 30, "ü"]
    rng = random.Random(17)
    found = 0
    for _ in range(5000):
        text = "".join(rng.choices(pieces, k=rng.randrange(1, 14)))
        for at in range(len(text) + 1):
            plain = tail.search(text, max(0, at - _LOCAL_MAX), at)
            assert _local_part(text, at) == (plain and plain.span()), (text, at)
            found += plain is not None
    assert found > 10_000
