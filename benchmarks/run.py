"""Run every benchmark with one command and print their tables:

    python benchmarks/run.py            # full run (a few minutes)
    python benchmarks/run.py --quick    # fewer repeats

Each benchmark prints ratios against a baseline measured in the same run, because the machine
is shared and noisy, and writes its figures to benchmarks/results/*.json for comparing runs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = [
        ("parse", ["bench_parse.py", "--repeat", "50" if args.quick else "300"]),
        ("instructions", ["bench_instructions.py", "--repeat", "4" if args.quick else "10"]),
        ("pdf", ["bench_pdf.py", "--repeat", "2" if args.quick else "5"]),
        ("startup", ["bench_startup.py", "--repeat", "5" if args.quick else "15"]),
        ("batch", ["bench_batch.py", *(["--repeat", "1", "--texts", "100"] if args.quick else [])]),
        ("memory", ["bench_memory.py", *(["--files", "1000"] if args.quick else [])]),
    ]
    failed = 0
    for name, command in runs:
        script = HERE / command[0]
        if not script.exists():
            continue
        print(f"\n== {name} ==", flush=True)
        failed += subprocess.run([sys.executable, str(script), *command[1:]]).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
