"""The list of top-level commands; each command module adds its own line here."""

from __future__ import annotations

import click

__all__ = ["ALL"]

ALL: tuple[click.Command, ...] = ()
