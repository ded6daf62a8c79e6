"""The list of top-level commands; each command module adds its own line here."""

from __future__ import annotations

import click

from douane.cli.audit import audit_group
from douane.cli.demo import demo_command
from douane.cli.demo_upstream import demo_upstream_command
from douane.cli.keys import keys_group
from douane.cli.policy import policy_group
from douane.cli.preview import preview_command
from douane.cli.protect import protect_group
from douane.cli.scan import eval_command, rules_group, scan_command
from douane.cli.serve import serve_command

__all__ = ["ALL"]

ALL: tuple[click.Command, ...] = (
    audit_group,
    demo_command,
    demo_upstream_command,
    keys_group,
    policy_group,
    preview_command,
    protect_group,
    serve_command,
    scan_command,
    eval_command,
    rules_group,
)
