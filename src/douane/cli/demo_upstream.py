"""`douane demo-upstream`: serve the echoing demo/test upstream (OpenAI and Anthropic dialects)."""

from __future__ import annotations

import click

__all__ = ["demo_upstream_command"]


@click.command("demo-upstream")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=9100, show_default=True, type=int, help="TCP port to listen on.")
@click.option(
    "--log-level", default="warning", show_default=True, help="debug, info, warning or error."
)
def demo_upstream_command(host: str, port: int, log_level: str) -> None:
    """Serve a fake LLM upstream that echoes the last user message, for demos and tests.

    Speaks OpenAI (/v1/chat/completions, /v1/embeddings, /v1/models) and Anthropic
    (/v1/messages). Model names inject faults: fail-NNN, slow-N, cut-stream, bad-sse,
    hang-stream. GET /_demo/requests lists the recorded requests, DELETE clears them.
    """
    import uvicorn

    from douane.demo_upstream import create_demo_upstream

    uvicorn.run(create_demo_upstream(), host=host, port=port, log_level=log_level)
