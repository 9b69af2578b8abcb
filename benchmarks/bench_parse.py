"""Parse benchmark: the seed (text → model, text → JSON, text → AKN) against the regex floor.

The baseline, measured in the same run, is the "regex floor": NFC-normalise, split lines and
run every grammar pattern once over every line — the unavoidable work. Ratios to it show what
the parser adds. The stages run in turns, and each ratio is the median of the rounds'
ratios, so a slow spell of the shared machine does not fall on one stage only. Prints a table
and writes benchmarks/results/parse.json.

    python benchmarks/bench_parse.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import unicodedata
from collections.abc import Callable
from pathlib import Path

import regex

import nghiquyet
from nghiquyet import grammar
from turns import in_turns, ratio

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    text = SEED.read_text(encoding="utf-8")
    from nghiquyet.writers.akn import to_akn

    stages: dict[str, Callable[[], object]] = {
        "regex floor (baseline)": lambda: regex_floor(text),
        "text → model": lambda: nghiquyet.parse(text),
        "text → JSON": lambda: nghiquyet.to_json(nghiquyet.parse(text).document),
        "text → AKN": lambda: to_akn(nghiquyet.parse(text).document),
    }
    times = dict(zip(stages, in_turns(list(stages.values()), args.repeat), strict=True))
    floor = times["regex floor (baseline)"]
    results = {name: statistics.median(t) * 1000 for name, t in times.items()}
    ratios = {name: ratio(t, floor) for name, t in times.items()}
    print(f"seed: {len(text.encode())} bytes, {len(text.splitlines())} lines, "
          f"{len(PATTERNS)} patterns, median of {args.repeat} rounds")
    print(f"{'stage':<26} {'ms':>8} {'× floor':>8}")
    for name, ms in results.items():
        print(f"{name:<26} {ms:8.2f} {ratios[name]:8.2f}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "parse.json").write_text(json.dumps(
        {"repeat": args.repeat, "ms": results, "ratio_to_floor": ratios},
        indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
