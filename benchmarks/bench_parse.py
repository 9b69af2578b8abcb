"""Parse benchmark: the seed (text → model, text → JSON, text → AKN) against the regex floor.

The baseline, measured in the same run, is the "regex floor": NFC-normalise, split lines and
run every grammar pattern once over every line — the unavoidable work. Ratios to it show what
the parser adds. Prints a table and writes benchmarks/results/parse.json.

    python benchmarks/bench_parse.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import regex

import nghiquyet
from nghiquyet import grammar

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hai-duong" / "2023-ktxh.txt"
PATTERNS = [v for v in vars(grammar).values() if isinstance(v, (regex.Pattern, re.Pattern))]
"""Every pattern of the grammar (a few plain ones use the standard library's engine)."""


def regex_floor(text: str) -> int:
    hits = 0
    for line in unicodedata.normalize("NFC", text).splitlines():
        for pattern in PATTERNS:
            if pattern.search(line):
                hits += 1
    return hits


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    text = SEED.read_text(encoding="utf-8")
    results: dict[str, float] = {}
    results["regex floor (baseline)"] = median_ms(lambda: regex_floor(text), args.repeat)
    results["text → model"] = median_ms(lambda: nghiquyet.parse(text), args.repeat)
    results["text → JSON"] = median_ms(lambda: nghiquyet.to_json(nghiquyet.parse(text).document),
                                       args.repeat)
    try:
        from nghiquyet.writers.akn import to_akn
    except ImportError:
        to_akn = None
    if to_akn is not None:
        results["text → AKN"] = median_ms(lambda: to_akn(nghiquyet.parse(text).document),
                                          args.repeat)
    base = results["regex floor (baseline)"]
    print(f"seed: {len(text.encode())} bytes, {len(text.splitlines())} lines, "
          f"{len(PATTERNS)} patterns, median of {args.repeat}")
    print(f"{'stage':<26} {'ms':>8} {'× floor':>8}")
    for name, ms in results.items():
        print(f"{name:<26} {ms:8.2f} {ms / base:8.2f}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "parse.json").write_text(json.dumps(
        {"repeat": args.repeat, "ms": results, "ratio_to_floor": {k: v / base for k, v in results.items()}},
        indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
