"""Registration: progress per file, skipped files, idempotent re-adding, table validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from douane.errors import BadRequest
from douane.protect.register import compact, register_paths, register_table
from douane.types import Level
from tests.protect._docs import make_config, make_doc, make_store


def test_register_reports_progress_and_skips_binary_and_short_files(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    store = make_store(config)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text(make_doc(1))
    (folder / "b.txt").write_text(make_doc(2))
    (folder / "short.txt").write_text("too short")
    (folder / "img.png").write_bytes(b"\x89PNG\x00\x00")
    ticks: list[int] = []
    report = register_paths(config, store, [folder], None, Level.SECRET, progress=ticks.append)
    assert sum(ticks) == 4
    assert report.added == 2
    assert [Path(p).name for p in report.skipped] == ["img.png"]
    assert [Path(p).name for p in report.too_short] == ["short.txt"]
    assert sorted(d.label for d in store.list_documents()) == ["a", "b"]
    again = register_paths(config, store, [folder / "a.md"], "renamed", Level.INTERNAL)
    assert (again.added, again.updated) == (0, 1)
    assert sorted(d.label for d in store.list_documents()) == ["b", "renamed"]


def test_same_text_under_another_key_gives_other_fingerprints(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(make_doc(1))
    prints = []
    for key in ("k1", "k2"):
        config = make_config(tmp_path / key, "")
        config = config.model_copy(update={"secret_key": key})
        (tmp_path / key).mkdir()
        store = make_store(config)
        register_paths(config, store, [tmp_path / "a.md"], None, Level.SECRET)
        prints.append(set(store.load_documents()[0].fingerprints.tolist()))
    assert prints[0] and not prints[0] & prints[1]


def test_table_with_a_missing_column_is_rejected(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    store = make_store(config)
    f = tmp_path / "t.csv"
    f.write_text("name,account\nAnna,1\n")
    with pytest.raises(BadRequest, match="acct"):
        register_table(config, store, f, ["name", "acct"], "x", Level.SECRET)
    with pytest.raises(BadRequest):
        register_table(config, store, f, [], "x", Level.SECRET)


def test_compact_form_ignores_spacing_case_and_punctuation() -> None:
    assert compact("DE89 3704-0044") == compact("de8937040044") == "de8937040044"
    assert compact("Müller, Anna") == "mulleranna"
