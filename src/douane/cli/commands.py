"""The top-level commands, by name: where each lives. A command module adds its own line here.

Imported only when its command runs, so `douane scan` does not load the gateway, the ledger and
the demo upstream (0.4 s of imports it never uses).
"""

from __future__ import annotations

__all__ = ["COMMANDS"]

COMMANDS: dict[str, str] = {
    "audit": "douane.cli.audit:audit_group",
    "demo": "douane.cli.demo:demo_command",
    "demo-upstream": "douane.cli.demo_upstream:demo_upstream_command",
    "eval": "douane.cli.scan:eval_command",
    "keys": "douane.cli.keys:keys_group",
    "policy": "douane.cli.policy:policy_group",
    "preview": "douane.cli.preview:preview_command",
    "protect": "douane.cli.protect:protect_group",
    "rules": "douane.cli.scan:rules_group",
    "scan": "douane.cli.scan:scan_command",
    "serve": "douane.cli.serve:serve_command",
}
