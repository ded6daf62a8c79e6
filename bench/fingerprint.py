"""Benchmark PROTECTED_EXCERPT: registration time, index size and lookup latency vs. documents.

Run:  .venv/bin/python bench/fingerprint.py [--steps 100,1000,10000] [--words 950]
      .venv/bin/python bench/fingerprint.py --corpus ../shared/eval   (quality on the dev corpus)

Documents are synthetic (words drawn by real-world frequency from wordfreq), written to a temp
folder and registered through the same code path as `douane protect add`, in steps, into one
SQLite database. After each step the detector is rebuilt from the database and a fixed set of
prompts (half carry a 40-word excerpt) is scanned.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from wordfreq import top_n_list, word_frequency

from douane.config import parse_config
from douane.db import make_engine, migrate
from douane.detect.fingerprint import ProtectedExcerptDetector, protect_detectors
from douane.protect.register import register_paths
from douane.protect.store import ProtectStore
from douane.types import Level

__all__ = ["main"]


def _vocabulary() -> tuple[list[str], list[float]]:
    words = [w for w in top_n_list("en", 30000) if w.isalpha()]
    return words, [word_frequency(w, "en") for w in words]


def _document(rng: random.Random, vocab: list[str], weights: list[float], n: int) -> str:
    words = rng.choices(vocab, weights=weights, k=n)
    out, i = [], 0
    while i < len(words):
        step = rng.randint(8, 20)
        out.append(" ".join(words[i : i + step]).capitalize() + ".")
        i += step
    return " ".join(out)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def corpus_quality(corpus: Path) -> None:
    """CODENAME P/R/F1 and PROTECTED_EXCERPT recall, coverage and false positives on `corpus`."""
    import json

    from douane.detect.codename import CodenameDetector

    work = Path(tempfile.mkdtemp(prefix="douane-eval-"))
    config = parse_config(f"database: sqlite:///{work}/eval.db\nsecret_key: eval-secret\n")
    engine = make_engine(config.database)
    migrate(engine)
    for doc in sorted((corpus / "protected").glob("*.md")):
        register_paths(config, ProtectStore(engine), [doc], doc.stem, Level.SECRET)
    (excerpts,) = [d for d in protect_detectors(config, engine) if d.name == "protected-excerpt"]
    stored = b"".join(p.read_bytes() for p in work.glob("eval.db*")).lower()
    grams = leaked = 0
    for doc in sorted((corpus / "protected").glob("*.md")):
        words = doc.read_text().split()
        for i in range(len(words) - 4):
            grams += 1
            leaked += " ".join(words[i : i + 5]).lower().encode() in stored
    print(f"plaintext check: {leaked} of {grams} 5-word sequences found in the database files")
    codenames = CodenameDetector(corpus / "terms.csv")
    cn = {"pred": 0, "correct": 0, "gold": 0, "found": 0}
    ex = {"gold": 0, "found": 0, "chars": 0, "covered": 0, "clean": 0, "fp_records": 0}
    for line in (corpus / "dev.jsonl").read_text().splitlines():
        rec = json.loads(line)
        text = rec["text"]
        gold = {
            t: [(s["start"], s["end"]) for s in rec["spans"] if s["type"] == t]
            for t in ("CODENAME", "PROTECTED_EXCERPT")
        }
        pred_cn = [(f.start, f.end) for f in codenames.scan(text)]
        cn["pred"] += len(pred_cn)
        cn["correct"] += sum(any(_overlaps(p, g) for g in gold["CODENAME"]) for p in pred_cn)
        cn["gold"] += len(gold["CODENAME"])
        cn["found"] += sum(any(_overlaps(p, g) for p in pred_cn) for g in gold["CODENAME"])
        pred_ex = [(f.start, f.end) for f in excerpts.scan(text)]
        if not gold["PROTECTED_EXCERPT"]:
            ex["clean"] += 1
            ex["fp_records"] += bool(pred_ex)
        covered = {i for a, b in pred_ex for i in range(a, b)}
        for g in gold["PROTECTED_EXCERPT"]:
            if len(text[g[0] : g[1]].split()) < 25:
                continue
            ex["gold"] += 1
            ex["found"] += any(_overlaps(p, g) for p in pred_ex)
            ex["chars"] += g[1] - g[0]
            ex["covered"] += len(covered & set(range(*g)))
    p, r = cn["correct"] / max(cn["pred"], 1), cn["found"] / max(cn["gold"], 1)
    print(
        f"CODENAME: precision {p:.4f} recall {r:.4f} F1 {2 * p * r / (p + r):.4f} "
        f"({cn['gold']} gold spans, {cn['pred']} predicted)"
    )
    print(
        f"PROTECTED_EXCERPT (>= 25 words): recall {ex['found'] / ex['gold']:.4f} "
        f"({ex['found']}/{ex['gold']}), span coverage {ex['covered'] / ex['chars']:.4f}, "
        f"false-positive records {ex['fp_records']}/{ex['clean']} "
        f"({ex['fp_records'] / ex['clean']:.2%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", default="100,1000,10000", help="cumulative document counts")
    parser.add_argument("--words", type=int, default=950, help="words per document")
    parser.add_argument("--prompts", type=int, default=40, help="prompts scanned per step")
    parser.add_argument(
        "--protect", default="{}", help="YAML mapping of protect settings, e.g. '{kgram: 5}'"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="score the dev corpus in this folder instead of benchmarking",
    )
    args = parser.parse_args()
    if args.corpus is not None:
        corpus_quality(args.corpus)
        return
    steps = [int(s) for s in args.steps.split(",")]
    rng = random.Random(20250611)
    vocab, weights = _vocabulary()
    work = Path(tempfile.mkdtemp(prefix="douane-bench-"))
    config = parse_config(
        f"database: sqlite:///{work}/bench.db\nsecret_key: bench-secret\nprotect: {args.protect}\n"
    )
    engine = make_engine(config.database)
    migrate(engine)
    store = ProtectStore(engine)

    t = time.perf_counter()
    docs_dir = work / "docs"
    docs_dir.mkdir()
    texts: list[str] = []
    for i in range(steps[-1]):
        text = _document(rng, vocab, weights, args.words)
        (docs_dir / f"{i:05d}.txt").write_text(text)
        if i < 50:
            texts.append(text)
    total_mb = sum(p.stat().st_size for p in docs_dir.iterdir()) / 1e6
    print(f"generated {steps[-1]} documents, {total_mb:.1f} MB, in {time.perf_counter() - t:.1f} s")

    prompts = []
    for i in range(args.prompts):
        filler = _document(rng, vocab, weights, 400)
        if i % 2 == 0:
            words = texts[i % len(texts)].split(" ")
            start = rng.randint(0, len(words) - 41)
            filler += "\n\n" + " ".join(words[start : start + 40])
        prompts.append(filler)

    files = sorted(docs_dir.iterdir())
    done = 0
    register_total = 0.0
    print(
        "| documents | MB registered | register s (step) | register s (total) | load s "
        "| index MB (RAM) | DB MB | scan ms median | scan ms p95 | excerpts found "
        "| false alarms |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for target in steps:
        t = time.perf_counter()
        register_paths(config, store, files[done:target], "bench", Level.CONFIDENTIAL)
        step_s = time.perf_counter() - t
        register_total += step_s
        done = target
        t = time.perf_counter()
        (det,) = [d for d in protect_detectors(config, engine) if d.name == "protected-excerpt"]
        load_s = time.perf_counter() - t
        assert isinstance(det, ProtectedExcerptDetector)
        for p in prompts[:5]:
            det.scan(p)
        times, found, false = [], 0, 0
        for i, p in enumerate(prompts):
            t = time.perf_counter()
            hit = bool(det.scan(p))
            times.append((time.perf_counter() - t) * 1000)
            found += hit and i % 2 == 0
            false += hit and i % 2 == 1
        times.sort()
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db_mb = (work / "bench.db").stat().st_size / 1e6
        mb = sum(f.stat().st_size for f in files[:target]) / 1e6
        print(
            f"| {target} | {mb:.1f} | {step_s:.1f} | {register_total:.1f} | {load_s:.2f} "
            f"| {det.index.nbytes / 1e6:.1f} | {db_mb:.1f} | {statistics.median(times):.2f} "
            f"| {times[int(0.95 * (len(times) - 1))]:.2f} | {found}/{(len(prompts) + 1) // 2} "
            f"| {false}/{len(prompts) // 2} |"
        )
    print(
        f"peak RSS {_rss_mb():.0f} MB; prompts: {args.prompts}, ~400-440 words each, "
        f"half carry a 40-word excerpt of a registered document"
    )


if __name__ == "__main__":
    main()
