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
        # the company after a particle is cut off, the person before it stays
        ("Eine Antwort an Robin Schacht von Brennwald Logistik GmbH", ["Robin Schacht"]),
        ("répondre à Véronique Sanchez de Maison Verdier SAS :", ["Véronique Sanchez"]),
        ("Hallo Anna und Team,", ["Anna"]),  # "und Team" is no firm ("und Söhne" is)
        ("Kelvin Jones called about order 42.", ["Kelvin Jones"]),  # no number before it
        ("Zimmer 12: Herr Watt wartet.", ["Watt"]),  # after a title, a person
        ("Raum 12 Frau Weber", ["Weber"]),
        # a double given name whose second part is also a month or a feast
        ("Hallo Karl-August,\n\nkurzer Stand", ["Karl-August"]),
        ("Bonjour Marie-Noël,", ["Marie-Noël"]),
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
        "Le transporteur Diallo et Fils signale un retard.",
        "Pièces fabriquées par Meyer et Fils.\n\nArticle 9 – Confidentialité",
        "Kontakt: Weber und Söhne.\n\nDanke",  # a firm ends its line, as in a signature
        "weicht um mehr als 1,5 Kelvin vom Sollwert ab",  # units named after people
        "Abweichungen von bis zu 6 Kelvin zeigte die Messung.",
        "Die Presse drückt mit 20\tNewton.",
        "Supplier: Miller and Sons\nThanks",
        "Die Spedition Brandt und Söhne meldet den Eingang.",
        "Lieferant ist Haus von Kessler GmbH.",
        "Treffpunkt in der Karl-Marx-Straße.",
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # task-list subjects under a task header, or next to a person subject
        ("Actions :\n- Étienne : reprendre le devis\n- Margaud : dates", ["Étienne", "Margaud"]),
        ("Punkte:\n- Adrian: Angebot\n- Adelasia: Termine", ["Adrian", "Adelasia"]),
        # attendee lists, an initial with a surname that is also a word
        ("Present: Gilles Fouquet, Baudelio Buendía", ["Gilles Fouquet", "Baudelio Buendía"]),
        ("Teilnehmer: Günter Seidel, H. Butte\n", ["Günter Seidel", "H. Butte"]),
        # coreference: the given name alone later, possessive included
        (
            "Present: Baudelio Buendía\n- Server still uses Baudelio's account",
            ["Baudelio Buendía", "Baudelio"],
        ),
        # signature under a closing, first name alone above the full one
        ("Best,\nNoor\n\nNoor Giselmeyer | HR Business Partner", ["Noor", "Noor Giselmeyer"]),
        # quoted SQL values and French elision
        ("VALUES ('Ashleigh Broy', 'a.broy@ardentgrid.com')", ["Ashleigh Broy"]),
        ("la Steuer-ID d'Emil Hein : 45089631292", ["Emil Hein"]),
        ("Karte von Hans-Uwe für die Messe", ["Hans-Uwe"]),
        # whole spans: capitals, a particle, a title before a particle, a frequent-word surname
        ("Nom : Amélie PERRIN\n", ["Amélie PERRIN"]),
        ("Client : Alexandre NORMAND (n° client)", ["Alexandre NORMAND"]),
        ("verification Linn van Soest sent their BSN", ["Linn van Soest"]),
        ("Bonjour,\nM. Da Costa de la comptabilité", ["Da Costa"]),
        ("Anwesend: Rosa Mühle, Gloria Tonisto", ["Rosa Mühle", "Gloria Tonisto"]),
        ("- Neu im Team: Christa Butte – Steuer-ID", ["Christa Butte"]),
        # a phrase that introduces a name
        ("Could you block my card? My name is Aantje Mourik.", ["Aantje Mourik"]),
        ("Bonjour, je m'appelle Brosca Erdôs et", ["Brosca Erdôs"]),
        # the holder of an identifier only people have, named in no list
        ("we also need the tax ID of Friedemann Roskoth, which is", ["Friedemann Roskoth"]),
        ("- Neu im Team: Eckart Noack – Steuer-ID 13489255762", ["Eckart Noack"]),
        ("- New joiner Jaylinn Spruyt (Utrecht): BSN 861168021 received", ["Jaylinn Spruyt"]),
        ("between Quillon Ltd and Lope Barragán, holder of DNI 20177834A", ["Lope Barragán"]),
        ("and Demi Wagenvoort of Edinburgh, BSN 234211337 (the", ["Demi Wagenvoort"]),
        # or said to do what only people do
        ("a card for Amleto Bodoni, who has run our warehouse", ["Amleto Bodoni"]),
        ("et Grégoire Boulanger, domicilié(e) à Genève", ["Grégoire Boulanger"]),
        # lists: found names vouch for the other members
        ("They had 4: Efimiya, Mary, Ariana and Jodi.", ["Efimiya", "Mary", "Ariana", "Jodi"]),
        ("sowie der Richter Jacobi und Schödel beschlossen", ["Jacobi", "Schödel"]),
        # "Surname, Given" spelled by the e-mail address on the same line
        ("Ladeck, Kira / k.ladeck@alvena.nl / +41", ["Ladeck, Kira"]),
        ("Roberts, Brett / roberts.brett@gmail.com", ["Roberts, Brett"]),
    ],
)
def test_finds_names_in_context(det: BuiltinPersonDetector, text: str, expected: list[str]) -> None:
    assert names(det, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Punkte:\n- Nordlicht: Go-live in KW 15\n- Griffon: Pilot",  # projects, no person sibling
        "Viele Grüße\nAntonella Seiser\nVertrieb Innendienst | Rheinfeld",
        "Best,\nHenrike\n\n--\nStreng vertraulich",
        "Hein GmbH liefert. Anna Hein kommt.",
        "Gestern hat Thomas Urlaub genommen.",  # a given name before a German noun
        "The product name is Nordlicht.",  # a phrase cue, but "product name is" is no person's
        "Le nouveau projet intranet s'appelle Nordlicht, lancement le mois prochain.",
        "Prüfe bitte, ob diese Steuer-ID gültig ist: 12345678901",  # one word: a verb
        "Die Personalabteilung Nordlicht braucht die BSN.",  # "braucht die": names no holder
        "We migrated Nordlicht Cloud, which runs the BSN checks.",  # "which" is no "who"
    ],
)
def test_context_cues_leave_negatives(det: BuiltinPersonDetector, text: str) -> None:
    found = names(det, text)
    assert "Nordlicht" not in found and "Griffon" not in found
    assert "Innendienst" not in found and "Streng" not in found
    assert "Hein GmbH" not in found and not any(text.find(n) == 0 for n in found if n == "Hein")
    assert "Thomas Urlaub" not in found
