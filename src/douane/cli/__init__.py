"""The `douane` command line: a thin click group; each command lives in its own module."""

from __future__ import annotations

import sys

import click

from douane import __version__
from douane.errors import ConfigError, DouaneError

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="douane")
@click.option("--traceback", is_flag=True, help="Show the full traceback of an unexpected error.")
def cli(traceback: bool) -> None:
    """Douane: customs for AI traffic. Finds, masks and records what leaves for LLM providers."""


def _register() -> None:
    """Attach every command module's commands to the group (each module owns its commands)."""
    from douane.cli import commands

    for command in commands.ALL:
        cli.add_command(command)


def main() -> None:
    """Entry point; the one place where a DouaneError becomes a clean message and exit code."""
    _register()
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
