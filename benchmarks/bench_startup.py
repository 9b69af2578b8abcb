"""Start-up benchmark: ``import nghiquyet`` on top of pydantic and regex, and ``nghiquyet
--help``, each in fresh processes run in turns (median of N); the baseline is ``import pydantic, regex``.

    python benchmarks/bench_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from turns import in_turns

ROOT = Path(__file__).resolve().parent.parent


def medians_ms(cmds: list[list[str]], repeat: int) -> list[float]:
    """Median milliseconds of each command, in fresh processes run in turns.

    A first untimed round runs with bytecode writing allowed: a start-up is measured with its
    ``.pyc`` files in place, as every start after the first has them, even where the
    environment sets ``PYTHONDONTWRITEBYTECODE``."""
    warm = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for cmd in cmds:
        subprocess.run(cmd, check=True, capture_output=True, env=warm)
    runs = [functools.partial(subprocess.run, cmd, check=True, capture_output=True) for cmd in cmds]
    return [statistics.median(t) * 1000 for t in in_turns(runs, repeat, warm_up=False)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    py = sys.executable
    seed = ROOT / "corpus" / "hai-duong" / "2023-ktxh.txt"
    base, pkg, cli, cold = medians_ms([
        [py, "-c", "import pydantic, regex"],
        [py, "-c", "import pydantic, regex, nghiquyet"],
        [py, "-m", "nghiquyet", "--help"],
        [py, "-c", f"import pydantic, regex, nghiquyet; nghiquyet.parse_file({str(seed)!r})"],
    ], args.repeat)
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
