"""A real HTTP upstream speaking OpenAI and Anthropic that echoes, records and fails on demand.

It answers with the text of the last user message (or the last tool result), calls the first tool
when asked to ("use the tool" or a forcing tool_choice), streams in deterministic pieces, records
every request (GET/DELETE /_demo/requests) and injects faults chosen by model name: fail-NNN,
slow-N, cut-stream, bad-sse, hang-stream.
"""

from __future__ import annotations

from douane.demo_upstream.app import create_demo_upstream, demo_upstream_server

__all__ = ["create_demo_upstream", "demo_upstream_server"]
