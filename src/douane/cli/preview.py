"""`douane preview`: what a provider would receive for a text sent to a model, without sending."""

from __future__ import annotations

import json
import sys

import click

from douane.cli._common import config_option, load
from douane.db import make_engine, migrate
from douane.detect import build_scanner
from douane.errors import BadRequest
from douane.mask import Masker
from douane.policy import Policy
from douane.preview import preview_text

__all__ = ["preview_command"]


@click.command("preview")
@config_option
@click.option("--model", required=True, help="The model name a client would ask for.")
@click.option("--team", default="default", show_default=True, help="The team whose policy applies.")
@click.argument("text", required=False)
def preview_command(config_file: str | None, model: str, team: str, text: str | None) -> None:
    """Print findings, the decision and the exact text the provider would receive, as JSON.

    TEXT defaults to standard input.
    """
    config = load(config_file)
    if config.team(team) is None:
        raise BadRequest(f"team {team!r} is not in the config")
    engine = make_engine(config.database)
    migrate(engine)
    secret = config.resolved_secret_key()
    result = preview_text(
        build_scanner(config, engine),
        Policy(config),
        Masker(secret, cache_size=0),  # one request: nothing to remember
        team,
        model,
        text if text is not None else sys.stdin.read(),
    )
    engine.dispose()
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))
