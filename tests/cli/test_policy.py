"""Tests of `douane policy check`: validation, explanation per team, JSON output, warnings."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from douane.cli.policy import policy_group
from douane.errors import ConfigError

CONFIG = """\
database: sqlite:///{tmp}/douane.db
secret_key: k
providers:
  - {{name: p-us, kind: openai, base_url: "http://127.0.0.1:1/v1", jurisdiction: US}}
  - {{name: p-eu, kind: openai, base_url: "http://127.0.0.1:1/v1", jurisdiction: EU}}
models:
  - {{name: gpt, provider: p-us, model: gpt}}
  - {{name: mistral, provider: p-eu, model: mistral}}
teams:
  - {{name: default}}
  - {{name: research, policy: strict}}
policies:
  strict:
    types:
      PERSON: {{allow: [on-prem], otherwise: redact}}
  unused: {{}}
"""


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "douane.yaml"
    path.write_text(text.format(tmp=tmp_path))
    return str(path)


def test_policy_check_explains_each_team_level_and_type(tmp_path: Path) -> None:
    result = CliRunner().invoke(policy_group, ["check", "--config", _write(tmp_path, CONFIG)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "policy OK" in out
    assert 'Team "research" — policy "strict"' in out
    assert (
        "type PERSON [policy strict]: sent as is to on-prem; elsewhere (EU, US, other): redact"
        in out
    )
    assert "redacted:" in out and "gpt (US), mistral (EU)" in out
    assert "level confidential [shipped default]" in out
    # No on-prem model: the secret level cannot be rerouted, so it is blocked everywhere.
    assert "policies.default.levels.secret: reroute, but no model is configured in on-prem" in out
    assert "policies.unused: no team uses this policy" in out


def test_policy_check_json_and_team_filter(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        policy_group, ["check", "--config", _write(tmp_path, CONFIG), "--json", "--team", "default"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [t["team"] for t in data["teams"]] == ["default"]
    lines = {line["subject"]: line for line in data["teams"][0]["lines"]}
    assert lines["type PERSON"]["models"] == {"gpt": "masked", "mistral": "as is"}
    assert lines["type SECRET"]["models"] == {"gpt": "blocked", "mistral": "blocked"}
    assert lines["level secret"]["models"] == {"gpt": "blocked", "mistral": "blocked"}
    assert data["warnings"]


def test_policy_check_strict_fails_on_warnings(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        policy_group, ["check", "--config", _write(tmp_path, CONFIG), "--strict"]
    )
    assert result.exit_code == 1


def test_policy_check_rejects_an_invalid_policy(tmp_path: Path) -> None:
    bad = CONFIG.replace("otherwise: redact", "otherwise: reroute, reroute_to: mistral")
    result = CliRunner().invoke(policy_group, ["check", "--config", _write(tmp_path, bad)])
    assert isinstance(result.exception, ConfigError)
    assert "policies.strict.types.PERSON" in result.exception.message
    assert "EU" in result.exception.message
