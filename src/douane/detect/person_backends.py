"""Optional model backends for PERSON: a local spaCy pipeline or GLiNER model on disk.

Selected by `detection.person_backend: spacy:PATH_OR_PACKAGE | gliner:PATH`. Nothing downloads:
a model that is not on disk (or a library that is not installed) is a ConfigError at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

from douane.detect.base import Detector
from douane.errors import ConfigError
from douane.types import Finding, FindingType, Level

__all__ = ["GlinerPersonDetector", "SpacyPersonDetector", "model_detector"]

_SPACY_PERSON = frozenset({"PER", "PERSON"})


class SpacyPersonDetector:
    """PERSON spans from a spaCy pipeline's named-entity recogniser (labels PER/PERSON)."""

    name = "person-spacy"

    def __init__(self, nlp: Any, level: Level = Level.CONFIDENTIAL) -> None:
        self._nlp = nlp
        self._level = level

    def scan(self, text: str) -> Iterable[Finding]:
        doc = self._nlp(text)
        return [
            Finding(e.start_char, e.end_char, FindingType.PERSON, self._level, self.name, 0.85)
            for e in doc.ents
            if e.label_ in _SPACY_PERSON
        ]


class GlinerPersonDetector:
    """PERSON spans from a GLiNER model loaded from a local directory."""

    name = "person-gliner"

    def __init__(
        self, model: Any, threshold: float = 0.5, level: Level = Level.CONFIDENTIAL
    ) -> None:
        self._model = model
        self._threshold = threshold
        self._level = level

    def scan(self, text: str) -> Iterable[Finding]:
        entities = self._model.predict_entities(text, ["person"], threshold=self._threshold)
        return [
            Finding(
                int(e["start"]),
                int(e["end"]),
                FindingType.PERSON,
                self._level,
                self.name,
                round(float(e.get("score", 0.85)), 3),
            )
            for e in entities
        ]


def _import(module: str, backend: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ConfigError(
            f"detection.person_backend: {backend!r} needs the {module!r} package, which is not "
            "installed; use 'builtin' or install it"
        ) from None


def model_detector(backend: str) -> Detector:
    """Build the detector for `spacy:…` or `gliner:…`; raises ConfigError if it cannot load."""
    kind, _, target = backend.partition(":")
    if not target:
        raise ConfigError(
            f"detection.person_backend: {backend!r}; "
            "expected builtin | none | spacy:PATH | gliner:PATH"
        )
    if kind == "spacy":
        spacy = _import("spacy", backend)
        try:
            nlp = spacy.load(target, exclude=["parser", "lemmatizer", "textcat"])
        except OSError as exc:
            raise ConfigError(
                f"detection.person_backend: cannot load spaCy model {target!r}: {exc}"
            ) from None
        return SpacyPersonDetector(nlp)
    if kind == "gliner":
        gliner = _import("gliner", backend)
        try:
            model = gliner.GLiNER.from_pretrained(target, local_files_only=True)
        except Exception as exc:  # foreign loader errors become one ConfigError
            raise ConfigError(
                f"detection.person_backend: cannot load GLiNER model {target!r}: "
                f"{type(exc).__name__}"
            ) from None
        return GlinerPersonDetector(model)
    raise ConfigError(
        f"detection.person_backend: unknown backend {kind!r}; "
        "expected builtin | none | spacy | gliner"
    )
