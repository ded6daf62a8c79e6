"""Write docs/cli.md from the real `--help` output of every command (`--check`: fail if stale)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from douane.cli import cli

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
HEADER = """# Command line reference

Generated from `douane --help` by `scripts/cli_reference.py`; a test fails when it is stale.
Every command takes `--config FILE` (default: `$DOUANE_CONFIG`, else `./douane.yaml`, else the
built-in defaults). Errors print one line and exit non-zero: 2 for an invalid config, 1 for other
errors, 70 for an unexpected failure (`douane --traceback …` shows it).
"""


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is not None:
                found += _walk(sub, [*path, name])
    return found


def render() -> str:
    """The whole reference as Markdown."""
    parts = [HEADER]
    for path, command in _walk(cli, ["douane"]):
        with click.Context(command, info_name=" ".join(path), terminal_width=100) as ctx:
            text = command.get_help(ctx)
        parts.append(f"\n## `{' '.join(path)}`\n\n```text\n{text}\n```\n")
    return "".join(parts)


def main() -> None:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text() != text:
            sys.exit("docs/cli.md is stale: run `python scripts/cli_reference.py`")
        return
    DOC.write_text(text)


if __name__ == "__main__":
    main()
