"""`douane keys`: create, list and revoke the virtual keys clients use instead of provider keys."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from douane.cli._common import config_option, load
from douane.config import Config
from douane.db import make_engine, migrate
from douane.errors import BadRequest
from douane.keys import KeyStore

__all__ = ["keys_group"]


def _store(config: Config) -> KeyStore:
    engine = make_engine(config.database)
    migrate(engine)
    return KeyStore(engine, config.resolved_secret_key())


@click.group("keys")
def keys_group() -> None:
    """Manage virtual API keys (only a keyed hash of each key is stored)."""


@keys_group.command("create")
@config_option
@click.option("--name", required=True, help="A label for the key, e.g. the application's name.")
@click.option("--team", default="default", show_default=True, help="The team whose policy applies.")
def create(config_file: str | None, name: str, team: str) -> None:
    """Create a key; it is printed once, on the last line of output."""
    config = load(config_file)
    if config.team(team) is None:
        known = ", ".join(t.name for t in config.teams)
        raise BadRequest(f"team {team!r} is not in the config; configured teams: {known}")
    info, plaintext = _store(config).create(name, team)
    click.echo(f"Created key {info.id} ({info.name}) for team {info.team}. Store it now:", err=True)
    click.echo(plaintext)


@keys_group.command("list")
@config_option
def list_keys(config_file: str | None) -> None:
    """List keys: id, name, team, created, revoked."""
    table = Table("id", "name", "team", "created", "revoked")
    for info in _store(load(config_file)).all():
        table.add_row(
            info.id,
            info.name,
            info.team,
            info.created_at.strftime("%Y-%m-%d %H:%M"),
            info.revoked_at.strftime("%Y-%m-%d %H:%M") if info.revoked_at else "",
        )
    Console().print(table)


@keys_group.command("revoke")
@config_option
@click.argument("key")
def revoke(config_file: str | None, key: str) -> None:
    """Revoke the key with id KEY, or every active key named KEY."""
    for info in _store(load(config_file)).revoke(key):
        click.echo(f"Revoked key {info.id} ({info.name}, team {info.team}).")
