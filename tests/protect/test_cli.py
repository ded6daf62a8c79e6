"""`douane protect` commands end to end through click, on a temporary SQLite database."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from douane.cli.protect import protect_group
from douane.errors import BadRequest
from tests.protect._docs import make_doc


def _config(tmp_path: Path) -> str:
    path = tmp_path / "douane.yaml"
    path.write_text(f"database: sqlite:///{tmp_path}/d.db\nsecret_key: s\n")
    return str(path)


def test_add_list_remove_documents_and_tables(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"memo{i}.md").write_text(make_doc(i))
    (tmp_path / "crm.csv").write_text("name,account\nAnna Schmidt,4711-0815\n")
    runner = CliRunner()
    r = runner.invoke(
        protect_group, ["add", "--config", cfg, "--level", "secret", "--label", "board", str(docs)]
    )
    assert r.exit_code == 0, r.output
    assert "Added 3 document(s)" in r.output
    r = runner.invoke(
        protect_group,
        ["add-table", "--config", cfg, str(tmp_path / "crm.csv"), "--columns", "name,account"],
    )
    assert r.exit_code == 0 and "1 row(s)" in r.output
    r = runner.invoke(protect_group, ["list", "--config", cfg])
    assert r.exit_code == 0
    assert r.output.count("document") == 3 and "table" in r.output
    assert "Anna" not in r.output
    r = runner.invoke(protect_group, ["remove", "--config", cfg, str(docs / "memo1.md")])
    assert r.exit_code == 0 and "Removed 1" in r.output
    r = runner.invoke(protect_group, ["remove", "--config", cfg, "--label", "board"])
    assert "Removed 2" in r.output
    r = runner.invoke(protect_group, ["remove", "--config", cfg, "42"])
    assert isinstance(r.exception, BadRequest)
