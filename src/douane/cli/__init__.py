"""The `douane` command line: a thin click group; each command lives in its own module."""

from __future__ import annotations

import importlib
import sys

import click

from douane import __version__
from douane.cli.commands import COMMANDS
from douane.errors import ConfigError, DouaneError

__all__ = ["cli", "main"]


class _LazyGroup(click.Group):
    """A group whose commands are imported when they run (or when help lists them)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, _, attr = where.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="douane")
@click.option("--traceback", is_flag=True, help="Show the full traceback of an unexpected error.")
def cli(traceback: bool) -> None:
    """Douane: customs for AI traffic. Finds, masks and records what leaves for LLM providers."""


def main() -> None:
    """Entry point; the one place where a DouaneError becomes a clean message and exit code."""
    try:
        # standalone_mode=False returns ctx.exit()'s code instead of exiting: pass it on.
        sys.exit(cli.main(standalone_mode=False) or 0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except ConfigError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    except DouaneError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(1)
    except Exception as exc:
        if "--traceback" in sys.argv[1:2]:
            raise
        # The type only: an exception's text may quote the data being scanned.
        click.echo(
            f"Error: unexpected {type(exc).__name__}; run `douane --traceback ...` for details",
            err=True,
        )
        sys.exit(70)
