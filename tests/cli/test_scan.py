"""Tests for `douane scan`, `douane eval` and `douane rules check` through the click group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from douane.cli import cli
from douane.cli.scan import mask_preview

IBAN = "DE89 3704 0044 0532 0130 00"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def no_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DOUANE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


def test_jsonl_machine_interface(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "text": f"IBAN {IBAN}"})
        + "\n"
        + json.dumps({"id": 7, "text": "nichts"})
        + "\n"
    )
    result = runner.invoke(cli, ["scan", "--format", "jsonl", str(src)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows[0]["id"] == "a" and rows[1] == {"id": 7, "findings": []}
    (f,) = rows[0]["findings"]
    assert set(f) == {"start", "end", "type", "level", "detector", "score"}
    assert (f["start"], f["end"], f["type"]) == (5, 5 + len(IBAN), "IBAN")


def test_text_output_masks_values(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "notes.md").write_text(f"# Notes\n\nKonto {IBAN}\nPasswort: Tiger2024!x\n")
    result = runner.invoke(cli, ["scan", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    assert "notes.md:3:" in result.output and "IBAN" in result.output
    assert IBAN not in result.output and "Tiger2024!x" not in result.output


def test_sarif_and_fail_flag(runner: CliRunner, tmp_path: Path) -> None:
    p = tmp_path / "a.env"
    p.write_text("GITHUB_TOKEN=ghp_2gjljEmp0icmzTLAUzGV0SUeB5FMZs6VuoxA\n")
    result = runner.invoke(cli, ["scan", "--format", "sarif", "--fail", str(p)])
    assert result.exit_code == 1
    sarif = json.loads(result.output)
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"][0]["ruleId"] == "github-token"
    assert "ghp_2gjljEmp0icmzTLAUzGV0SUeB5FMZs6VuoxA" not in result.output


def test_binary_and_invalid_utf8_files_do_not_crash(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "b.bin").write_bytes(bytes(range(256)) * 50)
    (tmp_path / "c.txt").write_bytes(b"\xfa\xff\xc3 " + IBAN.encode())
    result = runner.invoke(cli, ["scan", "--format", "json", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert any(f["type"] == "IBAN" for file in data["files"] for f in file["findings"])


def test_eval_json(runner: CliRunner, tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    text = f"IBAN {IBAN}"
    corpus.write_text(
        json.dumps(
            {
                "id": "1",
                "lang": "de",
                "text": text,
                "spans": [{"start": 5, "end": 5 + len(IBAN), "type": "IBAN"}],
            }
        )
        + "\n"
    )
    result = runner.invoke(cli, ["eval", "--format", "json", str(corpus)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["per_type"]["IBAN"]["f1"] == 1.0 and data["leak_rate"] == 0.0


def test_rules_check_passes_on_bundled_rules(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["rules", "check"])
    assert result.exit_code == 0, result.output
    assert "rules OK" in result.output


def test_mask_preview_never_shows_whole_value() -> None:
    for value in ("abc", "Anna Schmidt", IBAN, "x" * 100):
        assert mask_preview(value) != value
