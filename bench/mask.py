"""Micro-benchmark of policy + mask + restore on a 4 KB prompt.

    .venv/bin/python bench/mask.py [--corpus ../shared/eval] [--repeat 2000]

Builds a ~4 KB prompt from records of the dev corpus with their gold spans as findings (so the
numbers exclude scanning), then times each stage and prints p50 / p99 in microseconds. "mask" reuses
one Masker, as the gateway does (its value-hash cache is warm after the first call, as on a
conversation's later turns); "mask (cold cache)" builds a new one each time. It then times the
streaming relay (SSE decode → translate → restore → SSE encode) per upstream chunk, one event per
network read, for each pair of dialects. Finally it checks, over the whole corpus, that mask →
chunked restore (random chunks of 1–7 characters) gives every record back character for character.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import timeit
from collections.abc import Callable
from pathlib import Path

from douane.config import load_config
from douane.dialects.sse import SSEDecoder, encode_sse
from douane.dialects.stream_rewrite import StreamTextRewriter
from douane.dialects.stream_translate import StreamTranslator
from douane.mask import Mapping, Masker
from douane.policy import Policy
from douane.restore import Restorer, restore_text
from douane.types import Action, Finding, FindingType, Level

__all__ = ["main"]

KEY = b"bench-tenant-key"
LEVELS = {"SECRET": Level.SECRET, "MARKING": Level.INTERNAL, "CODENAME": Level.CONFIDENTIAL}


def _records(corpus: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in (corpus / "dev.jsonl").read_text().splitlines()]


def _findings(record: dict, offset: int = 0) -> list[Finding]:  # type: ignore[type-arg]
    return [
        Finding(
            s["start"] + offset,
            s["end"] + offset,
            FindingType(s["type"]),
            LEVELS.get(s["type"], Level.CONFIDENTIAL),
            "gold",
        )
        for s in record["spans"]
    ]


def _prompt(records: list[dict], size: int = 4096) -> tuple[str, list[Finding]]:  # type: ignore[type-arg]
    """Concatenate records without SECRET spans (they would block) up to `size` characters."""
    text, findings = "", []
    for record in records:
        if any(s["type"] == "SECRET" for s in record["spans"]):
            continue
        if len(text) + len(record["text"]) > size:
            break
        findings += _findings(record, len(text))
        text += record["text"] + "\n\n"
    return text, findings


def _time_all(
    stages: list[tuple[str, Callable[[], object]]], repeat: int
) -> dict[str, tuple[float, float, float, float]]:
    """Per stage (wall p50, wall p99, CPU p50, CPU min) in µs. Stages run round-robin so that a
    change of load on a shared machine affects all alike; the minimum approximates an idle CPU."""
    wall: dict[str, list[float]] = {name: [] for name, _ in stages}
    cpu: dict[str, list[float]] = {name: [] for name, _ in stages}
    for _ in range(repeat):
        for name, fn in stages:
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            cpu[name].append((time.process_time() - start_cpu) * 1e6)
            wall[name].append((time.perf_counter() - start) * 1e6)
    out = {}
    for name, _ in stages:
        w = sorted(wall[name])
        c = cpu[name]
        out[name] = (statistics.median(w), w[int(len(w) * 0.99) - 1], statistics.median(c), min(c))
    return out


def _chunks(text: str, rnd: random.Random) -> list[str]:
    out, i = [], 0
    while i < len(text):
        n = rnd.randint(1, 7)
        out.append(text[i : i + n])
        i += n
    return out


def _upstream(dialect: str, pieces: list[str]) -> list[bytes]:
    """A provider's stream of `pieces`, one SSE event per network read."""
    if dialect == "openai":
        head = {"id": "cc1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
        chunk = [{"index": 0, "delta": {"content": ""}, "logprobs": None, "finish_reason": None}]
        events: list[tuple[str | None, object]] = []
        for piece in pieces:
            chunk[0]["delta"] = {"content": piece}
            events.append((None, {**head, "choices": json.loads(json.dumps(chunk))}))
        stop = [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}]
        events += [(None, {**head, "choices": stop}), (None, "[DONE]")]
    else:
        message = {"id": "msg_1", "type": "message", "role": "assistant", "model": "m"}
        events = [
            ("message_start", {"type": "message_start", "message": {**message, "content": []}}),
            (
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "text", "text": ""},
                },
            ),
        ]
        events += [
            (
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": piece},
                },
            )
            for piece in pieces
        ]
        events += [
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            (
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn"},
                    "usage": {"output_tokens": len(pieces)},
                },
            ),
            ("message_stop", {"type": "message_stop"}),
        ]
    out = []
    for name, data in events:
        body = data if isinstance(data, str) else json.dumps(data)
        out.append((f"event: {name}\n" if name else "").encode() + f"data: {body}\n\n".encode())
    return out


def relay(source: str, target: str, reads: list[bytes], mapping: Mapping) -> int:
    """What the gateway's streaming relay does with each network read; bytes sent."""
    decoder = SSEDecoder()
    translator = StreamTranslator(source, target, "client-model")  # type: ignore[arg-type]
    rewriter = StreamTextRewriter(target, lambda kind: Restorer(mapping, kind))  # type: ignore[arg-type]
    sent = 0
    for read in reads:
        ready: list[bytes] = []
        for event in decoder.feed(read):
            for out in translator.feed(event):
                ready.extend(map(encode_sse, rewriter.feed(out)))
        sent += len(b"".join(ready))
    for out in rewriter.flush():
        sent += len(encode_sse(out))
    return sent


def round_trip(records: list[dict], masker: Masker) -> tuple[int, int]:  # type: ignore[type-arg]
    """(records restored exactly, records) with every gold span masked, streamed in 1–7 chunks."""
    rnd = random.Random(7)
    exact = 0
    for record in records:
        findings = _findings(record)
        result = masker.mask([record["text"]], findings, [Action.MASK] * len(findings))
        restorer = Restorer(result.mapping)
        out = "".join(restorer.feed(c) for c in _chunks(result.texts[0], rnd)) + restorer.flush()
        exact += out == record["text"]
    return exact, len(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="../shared/eval", help="directory with dev.jsonl")
    parser.add_argument("--repeat", type=int, default=2000, help="timed iterations per stage")
    args = parser.parse_args()

    records = _records(Path(args.corpus))
    text, findings = _prompt(records)
    policy = Policy(load_config(None))
    masker = Masker(KEY)
    decision = policy.decide("default", "gpt-4o", findings)
    assert not decision.blocked
    result = masker.mask([text], findings, decision.actions)
    answer = result.texts[0]
    rnd = random.Random(1)
    chunks = _chunks(answer, rnd)
    tokens = [answer[i : i + 4] for i in range(0, len(answer), 4)]

    def stream(parts: list[str]) -> str:
        restorer = Restorer(result.mapping)
        return "".join(restorer.feed(p) for p in parts) + restorer.flush()

    assert restore_text(result.mapping, answer) == text
    calibration = min(timeit.repeat("sum(range(10**6))", number=3, repeat=3)) / 3 * 1e3
    print(f"machine: sum(range(10**6)) takes {calibration:.1f} ms (an idle laptop: ~15 ms)")
    print(f"prompt: {len(text)} chars, {len(findings)} findings, masked {result.counts}")
    stages: list[tuple[str, Callable[[], object]]] = [
        ("policy.decide", lambda: policy.decide("default", "gpt-4o", findings)),
        ("mask", lambda: masker.mask([text], findings, decision.actions)),
        ("mask (cold cache)", lambda: Masker(KEY).mask([text], findings, decision.actions)),
        ("restore (one shot)", lambda: restore_text(result.mapping, answer)),
        ("restore (4-char chunks)", lambda: stream(tokens)),
        ("restore (1-7 char chunks)", lambda: stream(chunks)),
        (
            "decide + mask + restore",
            lambda: restore_text(
                masker.mask(
                    [text], findings, policy.decide("default", "gpt-4o", findings).actions
                ).mapping,
                answer,
            ),
        ),
    ]
    for name, (p50, p99, cpu, best) in _time_all(stages, args.repeat).items():
        print(
            f"{name:26} wall p50 {p50:7.1f} µs  p99 {p99:8.1f} µs  "
            f"CPU p50 {cpu:7.1f} µs  min {best:7.1f} µs"
        )
    pairs = [(s, t) for s in ("openai", "anthropic") for t in ("openai", "anthropic")]
    reads = {s: _upstream(s, tokens) for s in ("openai", "anthropic")}
    fastest = {pair: float("inf") for pair in pairs}
    for _ in range(max(3, args.repeat // 100)):
        for source, target in pairs:
            start_cpu = time.process_time()
            relay(source, target, reads[source], result.mapping)
            fastest[(source, target)] = min(
                fastest[(source, target)], time.process_time() - start_cpu
            )
    for (source, target), seconds in fastest.items():
        per_read = seconds / len(reads[source]) * 1e6
        print(f"relay {source:>9} -> {target:9} CPU min {per_read:5.1f} µs per upstream chunk")
    exact, total = round_trip(records, masker)
    print(f"round trip (all gold spans masked, 1-7 char chunks): {exact}/{total} records exact")


if __name__ == "__main__":
    main()
