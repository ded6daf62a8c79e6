"""Douane under concurrent load against the same loopback upstream called directly, in one run.

`bench/gateway.py` sends one request at a time. Here `--clients` streaming clients (default 8)
send 4 KB prompts with values the gateway has not seen, back to back for `--seconds` per round,
to the upstream directly and through `douane serve` in alternating rounds. Per path: requests per
second, time to first token p50/p99, and the ratio Douane / direct. Client, upstream and gateway
share this machine's cores, so the direct path has more CPU to itself: the ratio is an upper
bound on the gateway's cost, not a capacity figure for a dedicated host.

Run: .venv/bin/python bench/load.py [--clients 8] [--seconds 10] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.harness import create_key, start_gateway, start_upstream

from gateway import CONFIG, FIRST_TEXT, make_prompt, percentile

__all__: list[str] = []


async def _one(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str], model: str, prompt: str
) -> float:
    """Time to the first content chunk of one streamed answer, read to its end (ms)."""
    body = {"model": model, "stream": True, "messages": [{"role": "user", "content": prompt}]}
    start = time.perf_counter()
    ttft = None
    async with session.post(url, json=body, headers=headers) as response:
        response.raise_for_status()
        async for line in response.content:
            if ttft is None and FIRST_TEXT.search(line.decode()):
                ttft = (time.perf_counter() - start) * 1000
    if ttft is None:
        raise RuntimeError("no content arrived")
    return ttft


async def _round(
    path: tuple[str, dict[str, str], str], clients: int, seconds: float, prompts: Iterator[str]
) -> tuple[float, list[float]]:
    """Requests per second and the TTFTs of `clients` clients sending back to back."""
    url, headers, model = path
    ttfts: list[float] = []
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def client() -> None:
            while time.perf_counter() < deadline:
                ttfts.append(await _one(session, url, headers, model, next(prompts)))

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    return len(ttfts) / elapsed, ttfts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        upstream = start_upstream(workdir)
        config = CONFIG.format(workdir=workdir, upstream=upstream.url)
        gateway = start_gateway(workdir / "gw", config)
        try:
            key = create_key(gateway.workdir, gateway.config)
            paths = {
                "direct": (upstream.url + "/v1/chat/completions", {"x-demo-chunk": "64"}, "echo"),
                "douane": (
                    gateway.url + "/v1/chat/completions",
                    {"authorization": f"Bearer {key}"},
                    "gpt-bench",
                ),
            }
            prompts = (make_prompt(i) for i in itertools.count(1))
            results: dict[str, tuple[list[float], list[float]]] = {p: ([], []) for p in paths}
            for path in paths.values():  # warm up
                asyncio.run(_round(path, args.clients, 1.0, prompts))
            for _ in range(args.rounds):
                for name, path in paths.items():
                    rate, ttfts = asyncio.run(_round(path, args.clients, args.seconds, prompts))
                    results[name][0].append(rate)
                    results[name][1].extend(ttfts)
        finally:
            gateway.process.stop()
            upstream.stop()
    print(
        f"{args.clients} streaming clients, 4 KB prompts with new values each, "
        f"{args.rounds} alternating rounds of {args.seconds:g} s per path"
    )
    print(f"{'':8} {'req/s':>8} {'TTFT p50':>9} {'TTFT p99':>9}")
    summary = {}
    for name, (rates, ttfts) in results.items():
        rate = sum(rates) / len(rates)
        summary[name] = (rate, percentile(ttfts, 0.5), percentile(ttfts, 0.99))
        print(f"{name:8} {rate:8.0f} {summary[name][1]:9.2f} {summary[name][2]:9.2f}")
    (d_rate, d_p50, _), (g_rate, g_p50, _) = summary["direct"], summary["douane"]
    print(
        f"Douane / direct: throughput {g_rate / d_rate:.2f}x, "
        f"TTFT p50 {g_p50 / d_p50:.2f}x ({g_p50 - d_p50:+.2f} ms)"
    )


if __name__ == "__main__":
    main()
