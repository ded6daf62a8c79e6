"""Helpers shared by the command modules: the `--config` option and config loading."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from douane.config import Config, load_config

__all__ = ["config_option", "load"]

F = TypeVar("F", bound=Callable[..., Any])


def config_option(func: F) -> F:
    """Add `--config FILE` (default: $DOUANE_CONFIG, else ./douane.yaml, else built-in defaults)."""
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        default=None,
        help="Config file (default: $DOUANE_CONFIG, else ./douane.yaml, else built-in defaults).",
    )(func)


def load(config_file: str | None) -> Config:
    """Load and validate the config; ConfigError propagates to the CLI's one error boundary."""
    return load_config(config_file)
