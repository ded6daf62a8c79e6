"""`douane policy`: validate the configured policies and explain what they do per team."""

from __future__ import annotations

import json

import click

from douane.cli._common import config_option, load
from douane.policy import Policy
from douane.policy_explain import as_json, explain, policy_warnings, render_text

__all__ = ["policy_group"]


@click.group("policy")
def policy_group() -> None:
    """Inspect the routing and masking policy."""


@policy_group.command("check")
@config_option
@click.option("--team", "teams", multiple=True, help="Explain only this team (repeatable).")
@click.option("--json", "as_json_output", is_flag=True, help="Print the explanation as JSON.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when the check reports warnings.")
def check(
    config_file: str | None, teams: tuple[str, ...], as_json_output: bool, strict: bool
) -> None:
    """Validate the policy and explain, per team, level and type, which jurisdictions receive
    the data, what happens elsewhere, and what that means for each configured model."""
    config = load(config_file)
    compiled = Policy(config)
    explanations = explain(compiled, teams or None)
    warnings = policy_warnings(compiled)
    if as_json_output:
        click.echo(json.dumps({"teams": as_json(explanations), "warnings": warnings}, indent=2))
    else:
        click.echo(render_text(compiled, explanations))
    if strict and warnings:
        raise click.exceptions.Exit(1)
