"""The list of top-level commands; each command module adds its own line here."""

from __future__ import annotations

import click

from douane.cli.demo import demo_command
from douane.cli.keys import keys_group
from douane.cli.policy import policy_group
from douane.cli.serve import serve_command

__all__ = ["ALL"]

ALL: tuple[click.Command, ...] = (
    demo_command,
    keys_group,
    policy_group,
    serve_command,
)
