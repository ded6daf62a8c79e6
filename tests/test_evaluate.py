"""Tests for corpus scoring: overlap matching, leak and over-redaction, OTHER_ spans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from douane.errors import BadRequest
from douane.evaluate import Record, evaluate, load_corpus
from douane.types import Finding, FindingType, Level


def fixed(*spans: tuple[int, int, FindingType]):  # type: ignore[no-untyped-def]
    return lambda text: [Finding(s, e, t, Level.SECRET, "t") for s, e, t in spans]


def test_overlap_match_counts_and_rates() -> None:
    rec = Record("r", "de", "x" * 20, ((0, 10, "EMAIL"), (12, 15, "PERSON")))
    report = evaluate(fixed((2, 12, FindingType.EMAIL), (16, 18, FindingType.PERSON)), [rec])
    email, person = report.by_type()["EMAIL"], report.by_type()["PERSON"]
    assert (email.precision, email.recall) == (1.0, 1.0)
    assert (person.precision, person.recall) == (0.0, 0.0)
    # gold chars 0-9 and 12-14 (13); covered 2-11 and 16-17 → leaked 0,1,12,13,14 = 5
    assert report.leak_rate == pytest.approx(5 / 13)
    # clean chars: 10,11,15..19 (7); covered clean: 10,11,16,17 = 4
    assert report.over_redaction == pytest.approx(4 / 7)


def test_wrong_type_still_masks_characters() -> None:
    rec = Record("r", "en", "abcdef", ((0, 6, "SECRET"),))
    report = evaluate(fixed((0, 6, FindingType.PHONE)), [rec])
    assert report.leak_rate == 0.0 and report.by_type()["SECRET"].recall == 0.0


def test_other_spans_are_neither_leak_nor_over_redaction() -> None:
    rec = Record("r", "en", "abcdefghij", ((0, 5, "OTHER_ORG"),))
    report = evaluate(fixed((0, 5, FindingType.PERSON)), [rec])
    assert report.over_redaction == 0.0 and report.gold_chars == 0
    assert report.by_type()["PERSON"].pred == 1


def test_types_filter_ignores_other_types() -> None:
    rec = Record("r", "en", "abcdefghij", ((0, 3, "VAT_ID"), (5, 8, "PERSON")))
    report = evaluate(
        fixed((0, 3, FindingType.IBAN), (5, 8, FindingType.PERSON)), [rec], ["PERSON"]
    )
    assert set(report.by_type()) == {"PERSON"} and report.micro().f1 == 1.0


def test_load_corpus_reports_bad_line(tmp_path: Path) -> None:
    p = tmp_path / "c.jsonl"
    p.write_text(json.dumps({"id": "a", "text": "t", "spans": []}) + "\n{broken\n")
    with pytest.raises(BadRequest, match=":2:"):
        load_corpus(p)
