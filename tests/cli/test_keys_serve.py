"""The `keys` and `serve` commands as a user runs them."""

from __future__ import annotations

from pathlib import Path

from tests.harness import douane

CONFIG = """\
database: sqlite:///{db}
secret_key: cli-test
teams:
  - {{name: default}}
  - {{name: rnd}}
"""


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "douane.yaml"
    path.write_text(CONFIG.format(db=tmp_path / "k.db"))
    return path


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    config = _config(tmp_path)
    created = douane(
        "keys", "create", "--config", str(config), "--name", "bot", "--team", "rnd", cwd=tmp_path
    )
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("dk-")
    listed = douane("keys", "list", "--config", str(config), cwd=tmp_path).stdout
    key_id = key.split("-")[1]
    assert key_id in listed and "rnd" in listed and key not in listed
    revoked = douane("keys", "revoke", "--config", str(config), key_id, cwd=tmp_path).stdout
    assert f"Revoked key {key_id}" in revoked
    assert key.encode() not in (tmp_path / "k.db").read_bytes()


def test_keys_create_for_unknown_team_is_refused(tmp_path: Path) -> None:
    config = _config(tmp_path)
    result = douane(
        "keys",
        "create",
        "--config",
        str(config),
        "--name",
        "x",
        "--team",
        "sales",
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert "team 'sales' is not in the config" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_with_a_bad_config_exits_2_naming_key_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "providers:\n  - name: x\n    kind: grpc\n    base_url: u\n    jurisdiction: US\n"
    )
    result = douane("serve", "--config", str(bad), "--port", "1", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "providers[0].kind (line 3)" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = douane(
        "keys", "list", "--config", str(tmp_path / "nope.yaml"), cwd=tmp_path, check=False
    )
    assert result.returncode == 2
    assert "cannot read config file" in result.stderr


def test_preview_shows_what_the_provider_would_receive(tmp_path: Path) -> None:
    import json

    result = douane(
        "preview",
        "--model",
        "gpt-4o",
        "Please check IBAN DE89 3704 0044 0532 0130 00 today.",
        cwd=tmp_path,
    )
    data = json.loads(result.stdout)
    assert data["decision"]["blocked"] is False
    assert "DE89 3704" not in data["provider_text"]
    assert [f["type"] for f in data["findings"]] == ["IBAN"]
    assert data["findings"][0]["action"] == "mask"
