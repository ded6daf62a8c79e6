"""Every shipped example config is valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from douane.config import load_config

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_config_is_valid(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DOUANE_SECRET_KEY", "MISTRAL_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.setenv(name, "test-value")
    monkeypatch.setenv("DOUANE_DATABASE_URL", "postgresql://douane@127.0.0.1/test")
    config = load_config(str(path))
    assert config.models and config.providers


def test_examples_cover_the_four_real_setups() -> None:
    names = {p.name for p in EXAMPLES}
    assert {"onprem-vllm.yaml", "mistral-eu.yaml", "openai-us.yaml", "anthropic-us.yaml"} <= names
