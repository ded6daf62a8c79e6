"""The protect store: add, update, list, remove, and no plaintext anywhere in the database file."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from douane.db import make_engine
from douane.detect._fold import WORD, fold
from douane.protect.register import register_paths, register_table
from douane.protect.store import NewDocument
from douane.types import Level
from tests.protect._docs import make_config, make_doc, make_store


def _doc(name: str, content: str, level: Level = Level.SECRET) -> NewDocument:
    return NewDocument(name, "lbl", level, content, 10, np.array([3, 1, 2], dtype=np.uint64))


def test_migration_creates_the_protect_tables(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    make_store(config)
    names = set(sa.inspect(make_engine(config.database)).get_table_names())
    assert {"protected_documents", "protected_tables"} <= names


def test_add_list_update_and_remove_documents(tmp_path: Path) -> None:
    store = make_store(make_config(tmp_path))
    assert store.add_documents([_doc("a", "h1"), _doc("b", "h2")]) == (2, 0)
    assert store.add_documents([_doc("a2", "h1", Level.INTERNAL)]) == (0, 1)
    docs = store.list_documents()
    assert [(d.name, d.level, d.fingerprints) for d in docs] == [
        ("a2", Level.INTERNAL, 3),
        ("b", Level.SECRET, 3),
    ]
    loaded = {d.id: d for d in store.load_documents()}
    assert loaded[docs[0].id].fingerprints.tolist() == [3, 1, 2]
    assert store.remove_documents(names=["b"]) == 1
    assert store.remove_documents(ids=[docs[0].id]) == 1
    assert store.list_documents() == []
    assert store.remove_documents() == 0


def test_remove_by_label_and_tables(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    store = make_store(config)
    f = tmp_path / "t.csv"
    f.write_text("name,account\nAnna Schmidt,12345678\n")
    assert register_table(config, store, f, ["name", "account"], "crm", Level.SECRET) == (True, 1)
    assert register_table(config, store, f, ["name", "account"], "crm", Level.SECRET) == (False, 1)
    (info,) = store.list_tables()
    assert (info.label, info.columns, info.rows) == ("crm", ("name", "account"), 1)
    assert store.remove_tables(label="crm") == 1
    assert store.list_tables() == []


def _database_bytes(config_db: str) -> bytes:
    path = Path(config_db.removeprefix("sqlite:///"))
    data = b""
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")):
        if p.exists():
            data += p.read_bytes()
    return data


def test_no_plaintext_of_documents_or_cells_is_recoverable_from_the_database(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    store = make_store(config)
    texts = [make_doc(seed, 12) for seed in (11, 12, 13)]
    for i, text in enumerate(texts):
        (tmp_path / f"secret{i}.md").write_text(text)
    register_paths(
        config, store, [tmp_path / f"secret{i}.md" for i in range(3)], None, Level.SECRET
    )
    rows = [
        ("Anna Schmidt", "DE89370400440532013000"),
        ("Jean Dupont", "FR7630006000011234567890189"),
    ]
    with (tmp_path / "cust.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "iban"])
        w.writerows(rows)
    register_table(config, store, tmp_path / "cust.csv", ["name", "iban"], "crm", Level.SECRET)
    data = _database_bytes(config.database)
    lowered = data.lower()
    assert len(data) > 10_000
    checked = 0
    for text in texts:
        words = text.split()
        folded = WORD.findall(fold(text))
        for seq in (words, folded):
            for i in range(len(seq) - 4):
                needle = " ".join(seq[i : i + 5]).encode()
                assert needle.lower() not in lowered
                checked += 1
    for row in rows:
        for cell in row:
            assert cell.encode().lower() not in lowered
            assert fold(cell).replace(" ", "").encode() not in lowered
    assert checked > 500
