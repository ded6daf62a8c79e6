"""Deterministic synthetic documents and a migrated SQLite store for the protect tests."""

from __future__ import annotations

import random
from pathlib import Path

from wordfreq import top_n_list

from douane.config import Config, parse_config
from douane.db import make_engine, migrate
from douane.protect.store import ProtectStore

__all__ = ["VOCAB", "make_config", "make_doc", "make_store"]

VOCAB = [w for w in top_n_list("en", 6000) if w.isalpha() and len(w) > 2][:4000]


def make_doc(seed: int, sentences: int = 30) -> str:
    """Sentences of 8-16 random common words; distinct seeds give unrelated documents."""
    rng = random.Random(seed)
    out = []
    for _ in range(sentences):
        words = [rng.choice(VOCAB) for _ in range(rng.randint(8, 16))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def make_config(tmp_path: Path, extra: str = "") -> Config:
    return parse_config(
        f"database: sqlite:///{tmp_path}/douane.db\nsecret_key: test-tenant-secret\n{extra}",
        str(tmp_path / "douane.yaml"),
    )


def make_store(config: Config) -> ProtectStore:
    engine = make_engine(config.database)
    migrate(engine)
    return ProtectStore(engine)
