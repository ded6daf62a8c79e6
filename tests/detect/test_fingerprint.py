"""PROTECTED_EXCERPT: copied passages (verbatim and lightly edited), background, table rows."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from tests.protect._docs import VOCAB, make_config, make_doc, make_store

from douane.config import Config
from douane.db import make_engine
from douane.detect.base import Detector
from douane.detect.fingerprint import (
    ExactDataDetector,
    ProtectedExcerptDetector,
    protect_detectors,
)
from douane.protect.register import register_paths, register_table
from douane.types import Finding, FindingType, Level


def _detectors(config: Config) -> dict[str, Detector]:
    engine = make_engine(config.database)
    return {d.name: d for d in protect_detectors(config, engine)}


Registered = tuple[Config, ProtectedExcerptDetector, list[str]]


@pytest.fixture()
def registered(tmp_path: Path) -> Registered:
    config = make_config(tmp_path)
    store = make_store(config)
    docs = [make_doc(seed) for seed in range(4)]
    for i, text in enumerate(docs):
        f = tmp_path / f"doc{i}.md"
        f.write_text(text)
        register_paths(config, store, [f], f"label-{i}", Level.SECRET if i == 0 else Level.INTERNAL)
    det = _detectors(config)["protected-excerpt"]
    assert isinstance(det, ProtectedExcerptDetector)
    return config, det, docs


def _excerpt(doc: str, start_word: int, n_words: int) -> str:
    return " ".join(doc.split(" ")[start_word : start_word + n_words])


def _coverage(findings: list[Finding], start: int, end: int) -> float:
    covered: set[int] = set()
    for f in findings:
        covered.update(range(max(f.start, start), min(f.end, end)))
    return len(covered) / (end - start)


def _check(det: ProtectedExcerptDetector, excerpt: str, label: str) -> None:
    prefix = "Please summarise the following section for the board:\n\n"
    text = prefix + excerpt + "\n\nThanks a lot, see you tomorrow."
    findings = list(det.scan(text))
    assert findings, "excerpt not found"
    assert {f.label for f in findings} == {label}
    assert all(f.type is FindingType.PROTECTED_EXCERPT for f in findings)
    assert _coverage(findings, len(prefix), len(prefix) + len(excerpt)) >= 0.9
    assert not any(f.start < len(prefix) - 1 for f in findings)


@pytest.mark.parametrize("start", [0, 37, 120, 200])
def test_verbatim_25_word_excerpt_is_found_with_label_and_level(
    registered: Registered, start: int
) -> None:
    _, det, docs = registered
    excerpt = _excerpt(docs[0], start, 25)
    _check(det, excerpt, "label-0")
    assert {f.level for f in det.scan(excerpt)} == {Level.SECRET}


def test_rewrapped_recased_repunctuated_excerpt_is_found(registered: Registered) -> None:
    _, det, docs = registered
    excerpt = _excerpt(docs[1], 50, 60)
    words = re.sub(r"[.]", ";", excerpt).upper().split(" ")
    lines = [" ".join(words[i : i + 7]) for i in range(0, len(words), 7)]
    _check(det, "\n".join(lines), "label-1")


def test_excerpt_with_swapped_words_and_cut_start_is_found(registered: Registered) -> None:
    _, det, docs = registered
    rng = random.Random(3)
    words = _excerpt(docs[2], 80, 80).split(" ")[4:]
    for i in range(9, len(words), 12):
        words[i] = rng.choice(VOCAB)
    _check(det, " ".join(words), "label-2")


def test_excerpt_with_reordered_and_dropped_sentences_is_found(registered: Registered) -> None:
    _, det, docs = registered
    sentences = re.findall(r"[^.]+\.", docs[3])[5:11]
    edited = " ".join([sentences[3], sentences[0], sentences[5], sentences[2]]).strip()
    text = "Summary please:\n" + edited
    findings = list(det.scan(text))
    assert findings and {f.label for f in findings} == {"label-3"}
    assert _coverage(findings, len("Summary please:\n"), len(text)) >= 0.9


def test_unrelated_text_and_short_common_overlaps_do_not_trigger(registered: Registered) -> None:
    _, det, docs = registered
    assert list(det.scan(make_doc(99))) == []
    stitched = " ".join(
        _excerpt(docs[i % 4], 10 * i, 6) + " " + make_doc(200 + i, 1) for i in range(8)
    )
    assert list(det.scan(stitched)) == []


def test_boilerplate_shared_by_many_documents_is_background(tmp_path: Path) -> None:
    config = make_config(tmp_path, "protect: {background_docs: 5}\n")
    store = make_store(config)
    boilerplate = make_doc(500, 4)
    for i in range(6):
        f = tmp_path / f"d{i}.txt"
        f.write_text(make_doc(600 + i) + " " + boilerplate)
        register_paths(config, store, [f], f"d{i}", Level.CONFIDENTIAL)
    det = _detectors(config)["protected-excerpt"]
    assert isinstance(det, ProtectedExcerptDetector)
    assert det.index.background > 0
    assert list(det.scan("Context: " + boilerplate)) == []
    unique = _excerpt(make_doc(603), 20, 30)
    assert [f.label for f in det.scan(unique)] == ["d3"]


def test_passage_shared_by_two_documents_takes_the_higher_level(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    store = make_store(config)
    shared = make_doc(700, 5)
    for name, level in (("low", Level.INTERNAL), ("high", Level.SECRET)):
        f = tmp_path / f"{name}.txt"
        f.write_text(make_doc(len(name)) + " " + shared)
        register_paths(config, store, [f], name, level)
    det = _detectors(config)["protected-excerpt"]
    findings = list(det.scan(shared))
    assert len(findings) == 1
    assert findings[0].level is Level.SECRET


def test_no_registered_documents_means_no_detector(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    assert protect_detectors(config, None) == []
    assert not (tmp_path / "douane.db").exists()
    make_store(config)
    assert _detectors(config) == {}
    assert protect_detectors(config, None) == []


def test_without_an_engine_an_existing_database_is_read(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    store = make_store(config)
    (tmp_path / "a.md").write_text(make_doc(5))
    register_paths(config, store, [tmp_path / "a.md"], "memo", Level.SECRET)
    (det,) = protect_detectors(config, None)
    assert [f.label for f in det.scan(_excerpt(make_doc(5), 30, 30))] == ["memo"]


@pytest.fixture()
def table_detector(tmp_path: Path) -> ExactDataDetector:
    config = make_config(tmp_path)
    store = make_store(config)
    csv_file = tmp_path / "customers.csv"
    csv_file.write_text(
        "name,account,city\n"
        "Anna Schmidt,DE89370400440532013000,Berlin\n"
        "Jean Dupont,FR1420041010050500013M02606,Paris\n"
        "Li Wei,GB29NWBK60161331926819,Berlin\n"
    )
    register_table(config, store, csv_file, ["name", "account", "city"], "customers", Level.SECRET)
    det = _detectors(config)["exact-data"]
    assert isinstance(det, ExactDataDetector)
    return det


def test_two_values_of_one_row_are_flagged(table_detector: ExactDataDetector) -> None:
    text = "Kundin Anna Schmidt, Konto DE89 3704 0044 0532 0130 00, bitte prüfen."
    findings = list(table_detector.scan(text))
    assert sorted(text[f.start : f.end] for f in findings) == [
        "Anna Schmidt",
        "DE89 3704 0044 0532 0130 00",
    ]
    assert {(f.type, f.level, f.label) for f in findings} == {
        (FindingType.PROTECTED_EXCERPT, Level.SECRET, "customers")
    }


def test_values_of_different_rows_or_one_column_are_not_flagged(
    table_detector: ExactDataDetector,
) -> None:
    assert list(table_detector.scan("Anna Schmidt paid from FR1420041010050500013M02606")) == []
    assert list(table_detector.scan("Anna Schmidt called again")) == []
    assert list(table_detector.scan("Berlin and Paris are cities")) == []
    assert [f.label for f in table_detector.scan("li wei lives in berlin")] == ["customers"] * 2


def test_three_character_values_pass_the_prefix_filter(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    store = make_store(config)
    csv_file = tmp_path / "staff.csv"
    csv_file.write_text("code,name\nQ7X,Ruth Okafor\nZZ9,Ian Poole\n")
    register_table(config, store, csv_file, ["code", "name"], "staff", Level.CONFIDENTIAL)
    det = _detectors(config)["exact-data"]
    text = "Badge Q7X belongs to Ruth Okafor."
    assert sorted(text[f.start : f.end] for f in det.scan(text)) == ["Q7X", "Ruth Okafor"]
    assert list(det.scan("Badge ZZ9 belongs to Ruth Okafor.")) == []


def test_a_value_inside_another_value_is_not_a_second_column(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    store = make_store(config)
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("name,email\nAnna Schmidt,anna.schmidt@example.com\n")
    register_table(config, store, csv_file, ["name", "email"], "hr", Level.CONFIDENTIAL)
    det = _detectors(config)["exact-data"]
    assert list(det.scan("write to anna.schmidt@example.com")) == []
    text = "Anna Schmidt (anna.schmidt@example.com)"
    assert sorted(text[f.start : f.end] for f in det.scan(text)) == [
        "Anna Schmidt",
        "anna.schmidt@example.com",
    ]


class _StrongName:
    name = "fake-person"

    def scan(self, text: str) -> list[Finding]:
        start = text.index("X")
        return [Finding(start, start + 1, FindingType.PERSON, Level.INTERNAL, self.name, 0.86)]


def test_a_validated_finding_inside_an_excerpt_does_not_drop_the_excerpt(
    registered: Registered,
) -> None:
    from douane.detect.scanner import Scanner

    _, det, docs = registered
    words = _excerpt(docs[1], 40, 16).split(" ")
    text = " ".join([*words[:8], "X", *words[8:]])
    findings = Scanner([det, _StrongName()]).scan(text)
    assert [f.type for f in findings] == [FindingType.PROTECTED_EXCERPT]
