"""Test helper: the labelled texts of ../shared/eval, the dev corpus and the peer corpora."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["CORPORA", "EVAL", "corpus_texts"]

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
CORPORA = (EVAL / "dev.jsonl", *sorted((EVAL / "peers").glob("*.jsonl")))


def corpus_texts(per_corpus: int | None = None) -> list[str]:
    """The text of every record of every corpus, or of the first `per_corpus` of each."""
    return [
        json.loads(line)["text"]
        for corpus in CORPORA
        for line in corpus.read_text().splitlines()[:per_corpus]
    ]
