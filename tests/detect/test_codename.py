"""CODENAME: whole-word, inflected and identifier matches, levels, reload, and linear time."""

from __future__ import annotations

import os
import random
import string
import time
from pathlib import Path

import pytest

from douane.config import parse_config
from douane.detect._codenames import CodenameDictionary, Term, parse_dictionary
from douane.detect.codename import CodenameDetector, codename_detectors, codenames_path
from douane.errors import ConfigError
from douane.types import FindingType, Level

CSV = """term,level,category
Nordlicht,secret,project
Falcon-2,confidential,product
Garonne,internal,project
Kestrel,confidential,project
Halcyon,secret,project
Sémaphore,internal,project
Orion,internal,product
Orion Edge,confidential,product
ORCA,secret,system
Maison Verdier SAS,confidential,customer
"""


@pytest.fixture()
def dictionary() -> CodenameDictionary:
    return parse_dictionary(CSV, "terms.csv")


def found(d: CodenameDictionary, text: str) -> list[str]:
    return [text[f.start : f.end] for f in d.find(text, "codename")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Stand zum Projekt Nordlichts heute", ["Nordlicht"]),
        ("Falcon-2's launch slipped", ["Falcon-2"]),
        ("Falcon-2’s launch slipped", ["Falcon-2"]),
        ("le budget de l'opération Garonne", ["Garonne"]),
        ("vis-à-vis d'Halcyon", ["Halcyon"]),
        ("image registry.example.com/kestrel-api:latest", ["kestrel"]),
        ("aws s3 cp dump.gz s3://halcyon-exports/2025/", ["halcyon"]),
        ("name: kestrel_db", ["kestrel"]),
        ("call getKestrel() now", ["Kestrel"]),
        ("NORDLICHT and nordlicht", ["NORDLICHT", "nordlicht"]),
        ("Semaphore ne synchronise plus", ["Semaphore"]),
        ("the Kestrels were late", ["Kestrel"]),
    ],
)
def test_codename_matches_inflected_and_identifier_forms(
    dictionary: CodenameDictionary, text: str, expected: list[str]
) -> None:
    assert found(dictionary, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Nordlichter leuchten",
        "Kestrelwood Farm",
        "a Halcyonic summer",
        "Falcon-20 is another product",
        "Prekestrel is one word",
        "garonnes2 and xgaronne",
        "the orca swims",
    ],
)
def test_codename_never_matches_inside_longer_words(
    dictionary: CodenameDictionary, text: str
) -> None:
    assert found(dictionary, text) == []


def test_codename_prefers_longest_term_and_keeps_level_and_category(
    dictionary: CodenameDictionary,
) -> None:
    text = "Pilot für Orion Edge bei Maison Verdier SAS, dann Orion."
    findings = dictionary.find(text, "codename")
    spans = [text[f.start : f.end] for f in findings]
    assert spans == ["Orion Edge", "Maison Verdier SAS", "Orion"]
    assert [f.level for f in findings] == [Level.CONFIDENTIAL, Level.CONFIDENTIAL, Level.INTERNAL]
    assert [f.label for f in findings] == ["product", "customer", "product"]
    assert all(f.type is FindingType.CODENAME for f in findings)


def test_short_all_caps_acronym_is_case_sensitive(dictionary: CodenameDictionary) -> None:
    assert found(dictionary, "ORCA is down") == ["ORCA"]
    assert found(dictionary, "Orca is down") == []


def test_case_column_overrides_the_automatic_choice() -> None:
    d = parse_dictionary("term,level,category,case\nAtlas,internal,system,sensitive\n", "t.csv")
    assert found(d, "Atlas runs") == ["Atlas"]
    assert found(d, "an atlas of maps") == []


def test_offsets_survive_characters_whose_lower_case_is_longer() -> None:
    d = parse_dictionary("term,level,category\nKestrel,secret,project\n", "t.csv")
    text = "İİİ Kestrel"
    assert found(d, text) == ["Kestrel"]


def test_invalid_csv_names_file_and_line_but_not_the_term() -> None:
    with pytest.raises(ConfigError) as err:
        parse_dictionary("term,level,category\nTopSecretName,ultra,project\n", "t.csv")
    assert "t.csv:2" in err.value.message
    assert "TopSecretName" not in err.value.message
    with pytest.raises(ConfigError):
        parse_dictionary("word,level\nx,secret\n", "t.csv")


def _random_term(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(7, 14)))


def test_matching_is_linear_in_the_text_with_100k_terms() -> None:
    rng = random.Random(5)
    terms = [Term(_random_term(rng), Level.SECRET, "x", False) for _ in range(100_000)]
    big = CodenameDictionary(terms)
    words = [_random_term(rng) for _ in range(5_000)]
    words[1234] = terms[50_000].term
    text = " ".join(words)
    long_text = " ".join([text] * 8)

    def best_time(t: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            big.find(t, "codename")
            times.append(time.perf_counter() - start)
        return min(times)

    assert [text[f.start : f.end] for f in big.find(text, "codename")] == [terms[50_000].term]
    assert len(big.find(long_text, "codename")) == 8
    short, long = best_time(text), best_time(long_text)
    assert long < 16 * short + 0.05  # 8x the text: linear (quadratic would be 64x)
    assert long < 2.0  # ~470k characters against 100k terms


def _touch(path: Path, text: str, bump_ns: int) -> None:
    path.write_text(text)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + bump_ns))


def test_detector_reloads_a_changed_file_and_keeps_the_old_one_when_broken(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text("term,level,category\nNordlicht,secret,project\n")
    det = CodenameDetector(path)
    assert det.reload_if_changed() is False
    assert len(det.scan("Eisvogel")) == 0
    _touch(path, "term,level,category\nEisvogel,internal,project\n", 10**9)
    assert det.reload_if_changed() is True
    assert [f.level for f in det.scan("Eisvogel und Nordlicht")] == [Level.INTERNAL]
    _touch(path, "term,level,category\nEisvogel,bogus,project\n", 2 * 10**9)
    assert det.reload_if_changed() is False
    assert len(det.scan("Eisvogel")) == 1


def test_watcher_thread_swaps_the_dictionary_without_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "terms.csv"
    path.write_text("term,level,category\nNordlicht,secret,project\n")
    det = CodenameDetector(path)
    det.start_watching(0.02)
    try:
        _touch(path, "term,level,category\nGriffon,secret,project\n", 10**9)
        deadline = time.monotonic() + 5
        while not det.scan("Griffon") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(det.scan("Griffon")) == 1
        assert det.scan("Nordlicht") == []
    finally:
        det.close()


def test_factory_resolves_the_file_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "terms.csv").write_text("term,level,category\nKestrel,secret,project\n")
    config_file = tmp_path / "douane.yaml"
    text = "codenames: terms.csv\nprotect: {codenames_reload_seconds: 0}\n"
    config_file.write_text(text)
    config = parse_config(text, str(config_file))
    assert codenames_path(config) == tmp_path / "terms.csv"
    (det,) = codename_detectors(config, None)
    assert det.name == "codename"
    assert len(list(det.scan("kestrel-api"))) == 1
    assert codename_detectors(parse_config("{}"), None) == []


def test_factory_fails_closed_on_a_missing_file(tmp_path: Path) -> None:
    config = parse_config(f"codenames: {tmp_path / 'nope.csv'}\n")
    with pytest.raises(ConfigError):
        codename_detectors(config, None)
