"""Config loading: validation errors name the key and line, env: values, file selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from douane.config import config_path, load_config, parse_config
from douane.errors import ConfigError

GOOD = """\
database: sqlite:///x.db
secret_key: env:TEST_DOUANE_SECRET
providers:
  - name: openai
    kind: openai
    base_url: https://api.openai.com/v1
    api_key: env:TEST_OPENAI_KEY
    jurisdiction: US
models:
  - name: gpt-4o
    provider: openai
    model: gpt-4o
"""


def test_valid_config_resolves_env_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_DOUANE_SECRET", "s3cret")
    monkeypatch.setenv("TEST_OPENAI_KEY", "sk-test")
    config = parse_config(GOOD, "good.yaml")
    assert config.providers[0].api_key == "sk-test"
    assert config.resolved_secret_key() == b"s3cret"
    assert config.models[0].provider == "openai"


def test_missing_env_variable_names_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_DOUANE_SECRET", raising=False)
    monkeypatch.setenv("TEST_OPENAI_KEY", "sk-test")
    with pytest.raises(ConfigError, match="secret_key: environment variable TEST_DOUANE_SECRET"):
        parse_config(GOOD, "good.yaml")


def test_unknown_key_and_bad_enum_report_path_and_line() -> None:
    text = GOOD.replace("env:TEST_DOUANE_SECRET", "x").replace("env:TEST_OPENAI_KEY", "k")
    text = text.replace("jurisdiction: US", "jurisdiction: MARS\n    colour: red")
    with pytest.raises(ConfigError) as info:
        parse_config(text, "bad.yaml")
    message = info.value.message
    assert "providers[0].jurisdiction (line 8)" in message
    assert "'MARS'" in message
    assert "providers[0].colour (line 9)" in message and "unknown key" in message


def test_dangling_provider_reference_names_the_model_and_line() -> None:
    text = "providers: []\nmodels:\n  - {name: a, provider: nope, model: b}\n"
    with pytest.raises(
        ConfigError, match=r"models\[0\]\.provider \(line 3\).*unknown provider 'nope'"
    ):
        parse_config(text, "bad.yaml")


def test_dangling_team_policy_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"teams\[0\]\.policy.*unknown policy 'strict'"):
        parse_config("teams:\n  - {name: eng, policy: strict}\n", "bad.yaml")


def test_invalid_yaml_and_non_mapping_are_clear_errors() -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        parse_config("a: [1, 2", "broken.yaml")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        parse_config("- 1\n- 2\n", "list.yaml")


def test_config_file_selection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DOUANE_CONFIG", raising=False)
    assert config_path(None) is None
    (tmp_path / "douane.yaml").write_text("database: sqlite:///local.db\n")
    assert config_path(None) == Path("douane.yaml")
    monkeypatch.setenv("DOUANE_CONFIG", str(tmp_path / "other.yaml"))
    assert config_path(None) == tmp_path / "other.yaml"
    assert config_path("explicit.yaml") == Path("explicit.yaml")


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(str(tmp_path / "absent.yaml"))


def test_builtin_defaults_load_and_auto_secret_is_persisted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DOUANE_CONFIG", raising=False)
    monkeypatch.delenv("DOUANE_SECRET_KEY", raising=False)
    config = load_config(None)
    assert {m.name for m in config.models} >= {"gpt-4o", "claude-sonnet"}
    first = config.resolved_secret_key()
    assert first == config.resolved_secret_key()
    key_file = tmp_path / "douane.key"
    assert key_file.stat().st_mode & 0o077 == 0


def test_environment_override_of_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOUANE_DATABASE", "sqlite:///override.db")
    assert parse_config("{}", "x.yaml").database == "sqlite:///override.db"


@pytest.mark.parametrize("size", [0, 16])
def test_mask_value_cache_reaches_the_gateway_masker(tmp_path: Path, size: int) -> None:
    from douane.gateway.services import build_services

    config = parse_config(
        f"database: sqlite:///{tmp_path}/d.db\nsecret_key: k\nmask_value_cache: {size}\n"
    )
    services = build_services(config)
    try:
        assert services.masker.cache_size == size
    finally:
        services.ledger.close()
        services.engine.dispose()


def test_negative_mask_value_cache_is_refused() -> None:
    with pytest.raises(ConfigError, match="mask_value_cache"):
        parse_config("mask_value_cache: -1\n")
