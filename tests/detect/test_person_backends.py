"""Tests for the optional PERSON model backends, with stand-in models (no download, no spaCy)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from douane.detect.person_backends import GlinerPersonDetector, SpacyPersonDetector, model_detector
from douane.errors import ConfigError
from douane.types import FindingType


@dataclass
class Ent:
    start_char: int
    end_char: int
    label_: str


class FakeNlp:
    def __call__(self, text: str) -> Any:
        class Doc:
            ents = (Ent(0, 4, "PER"), Ent(10, 16, "ORG"))

        return Doc()


class FakeGliner:
    def predict_entities(
        self, text: str, labels: list[str], threshold: float
    ) -> list[dict[str, Any]]:
        assert labels == ["person"]
        return [{"start": 5, "end": 9, "score": 0.91}]


def test_spacy_adapter_keeps_person_labels_only() -> None:
    (f,) = SpacyPersonDetector(FakeNlp()).scan("Anna works at Globex")
    assert (f.start, f.end, f.type) == (0, 4, FindingType.PERSON)


def test_gliner_adapter_maps_spans_and_scores() -> None:
    (f,) = GlinerPersonDetector(FakeGliner()).scan("Hi, Anna")
    assert (f.start, f.end, f.score) == (5, 9, 0.91)


@pytest.mark.parametrize("backend", ["spacy", "gliner:", "foo:bar"])
def test_malformed_backend_is_config_error(backend: str) -> None:
    with pytest.raises(ConfigError, match="person_backend"):
        model_detector(backend)
