"""Commands are imported when they run: `douane scan` does not pay for the gateway's imports."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from douane.cli import cli
from douane.cli.commands import COMMANDS

_PROBE = """
import sys
from click.testing import CliRunner
from douane.cli import cli
line = '{"id": 1, "text": "x"}\\n'
result = CliRunner().invoke(cli, ["scan", "--format", "jsonl", "-"], input=line)
assert result.exit_code == 0, result.output
print(",".join(m for m in ("douane.gateway.app", "douane.ledger", "aiohttp") if m in sys.modules))
"""


def test_scan_imports_neither_gateway_nor_ledger() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""


def test_every_listed_command_loads_under_its_name() -> None:
    runner = CliRunner()
    for name in COMMANDS:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert f" {name} [OPTIONS]" in result.output  # the usage line names the command
    assert runner.invoke(cli, ["no-such-command"]).exit_code == 2
