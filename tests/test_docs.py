"""Docs are checked against the code: every config key, command and finding type is documented."""

from __future__ import annotations

import subprocess
import sys
import typing
from pathlib import Path

from pydantic import BaseModel

from douane.config import Config
from douane.types import FindingType

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _keys(model: type[BaseModel]) -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        keys.add(name)
        for arg in (field.annotation, *typing.get_args(field.annotation)):
            for inner in (arg, *typing.get_args(arg)):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    keys |= _keys(inner)
    return keys


def test_every_config_key_is_in_the_config_reference() -> None:
    text = (DOCS / "config.md").read_text()
    missing = sorted(k for k in _keys(Config) if f"`{k}`" not in text)
    assert missing == [], f"document these keys in docs/config.md: {missing}"


def test_cli_reference_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cli_reference.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_every_finding_type_is_documented() -> None:
    text = (DOCS / "detection.md").read_text() + (DOCS / "trade-secrets.md").read_text()
    missing = [t.value for t in FindingType if f"`{t.value}`" not in text]
    assert missing == []


def test_readme_shows_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    assert "make run" in text and "make test" in text
