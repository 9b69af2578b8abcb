"""Start-up benchmark: ``import nghiquyet`` on top of pydantic and regex, and ``nghiquyet
--help``, each in fresh processes (median of N); the baseline is ``import pydantic, regex``.

    python benchmarks/bench_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_ms(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    py = sys.executable
    base = median_ms([py, "-c", "import pydantic, regex"], args.repeat)
    pkg = median_ms([py, "-c", "import pydantic, regex, nghiquyet"], args.repeat)
    cli = median_ms([py, "-m", "nghiquyet", "--help"], args.repeat)
    seed = ROOT / "corpus" / "hai-duong" / "2023-ktxh.txt"
    cold = median_ms([py, "-c", f"import pydantic, regex, nghiquyet; nghiquyet.parse_file({str(seed)!r})"],
                     args.repeat)
    results = {"baseline_import_pydantic_regex_ms": base, "import_nghiquyet_ms": pkg,
               "import_on_top_ms": pkg - base, "cli_help_ms": cli,
               "import_and_first_parse_ms": cold}
    print(f"import pydantic, regex (baseline) {base:7.1f} ms")
    print(f"import nghiquyet                  {pkg:7.1f} ms  (+{pkg - base:.1f} ms on top)")
    print(f"nghiquyet --help                  {cli:7.1f} ms  ({cli / base:.2f}× baseline)")
    print(f"import + first parse of the seed  {cold:7.1f} ms  (+{cold - base:.1f} ms: model, "
          "grammar and parser load on first use)")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "startup.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
