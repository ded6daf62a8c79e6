"""One pass of the default scanner over the corpus: for callgrind, or timed.

Instruction and cache-miss counts are repeatable on these shared machines where seconds are not,
so most detection work is measured as (see docs/benchmarks.md, "Tenth session"):

    PYTHONHASHSEED=0 valgrind --tool=callgrind --cache-sim=yes --I1=32768,8,64 \\
        --D1=49152,12,64 --LL=524288,8,64 --toggle-collect='CPyPy_scanner___Scanner___scan' \\
        .venv/bin/python bench/scan_pass.py cold

callgrind then counts one `Scanner.scan` per text: the scanner is built and has run over the
corpus twice first (RE2's DFA states, lazily loaded metadata), then frozen out of the
garbage collector's generations as at a gateway's start. `cold` empties every cache before
the counted pass, `warm` keeps them, `4k` scans 100 warm prompts of 4 KB. With `--repeat N` the
pass runs N times (caches emptied before each one for `cold`) and the best and mean times print.
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from douane.config import load_config
from douane.detect import build_scanner
from douane.evaluate import load_corpus
from scan import DEFAULT_CORPUS, cold, prompts

__all__: list[str] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("cold", "warm", "4k"))
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=1, help="passes to time (1: untimed)")
    args = parser.parse_args()
    texts = [record.text for record in load_corpus(args.corpus)]
    if args.mode == "4k":
        texts = prompts(texts, 4096, 100)
    scanner = build_scanner(load_config())
    scanner.scan_segments(texts)
    scanner.scan_segments(texts)
    gc.collect()  # as `douane serve` and bench/scan.py do after start-up
    gc.freeze()
    reset = cold(scanner) if args.mode == "cold" else lambda: None
    times = []
    for _ in range(args.repeat):
        reset()
        start = time.perf_counter()
        for text in texts:
            scanner.scan(text)
        times.append(time.perf_counter() - start)
    if args.repeat > 1:
        size = sum(len(t.encode()) for t in texts)
        best = min(times)
        print(
            f"{args.mode}: best {best * 1e3:.2f} ms ({size / best / 1e6:.2f} MB/s), "
            f"mean {sum(times) / len(times) * 1e3:.2f} ms over {args.repeat} passes"
        )


if __name__ == "__main__":
    main()
