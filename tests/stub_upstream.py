"""A real HTTP upstream on 127.0.0.1 whose answers a test writes as one aiohttp handler."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from aiohttp import web

__all__ = ["Handler", "stub_upstream"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@contextmanager
def stub_upstream(handler: Handler) -> Iterator[str]:
    """Serve every path with `handler` on its own loop in a thread; yields the base URL."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    state: dict[str, object] = {}

    async def start() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state["runner"] = runner
        state["port"] = runner.addresses[0][1]
        started.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, name="stub-upstream", daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("stub upstream did not start")
    try:
        yield f"http://127.0.0.1:{state['port']}"
    finally:
        runner = state["runner"]
        assert isinstance(runner, web.AppRunner)
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
