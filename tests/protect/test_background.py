"""Bundled and configured boilerplate never counts as a protected excerpt."""

from __future__ import annotations

from pathlib import Path

import pytest

from douane.db import make_engine
from douane.detect.fingerprint import protect_detectors
from douane.errors import ConfigError
from douane.protect.register import register_paths
from douane.types import Level
from tests.protect._docs import make_config, make_doc, make_store

DISCLAIMER = (
    "If you have received this email in error, please notify the sender immediately and delete "
    "it from your system. Any unauthorised use, disclosure, copying or distribution of this "
    "message is strictly prohibited."
)
HOUSE_STYLE = "Quarterly figures are prepared by the controlling team under the group manual."


def _scan(tmp_path: Path, extra: str, text: str) -> list[str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = make_config(tmp_path, extra)
    store = make_store(config)
    doc = tmp_path / "memo.md"
    doc.write_text(
        make_doc(1, 10) + "\n\n" + DISCLAIMER + "\n\n" + HOUSE_STYLE + "\n\n" + make_doc(2, 10)
    )
    register_paths(config, store, [doc], "memo", Level.SECRET)
    dets = {d.name: d for d in protect_detectors(config, make_engine(config.database))}
    return [f.label for f in dets["protected-excerpt"].scan(text)]


def test_bundled_disclaimer_in_a_single_document_does_not_trigger(tmp_path: Path) -> None:
    assert _scan(tmp_path, "", "Footer:\n" + DISCLAIMER) == []
    assert _scan(tmp_path / "b", "", "Copied: " + make_doc(2, 10)) == ["memo"]


def test_configured_background_file_extends_the_bundled_list(tmp_path: Path) -> None:
    assert _scan(tmp_path / "a", "", HOUSE_STYLE * 2) == ["memo"]
    (tmp_path / "house.txt").write_text("# our templates\n" + HOUSE_STYLE + "\n")
    extra = f"protect: {{background_files: [{tmp_path / 'house.txt'}]}}\n"
    assert _scan(tmp_path / "b", extra, HOUSE_STYLE * 2) == []


def test_missing_background_file_fails_closed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        _scan(tmp_path, "protect: {background_files: [nope.txt]}\n", "x")
