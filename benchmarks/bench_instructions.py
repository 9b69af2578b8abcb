"""Instruction counts: the parse benchmark's stages counted by valgrind instead of timed.

A shared machine's clock varies by 2× from one hour to the next; the number of instructions a
stage executes does not (callgrind gives the same count for the same binary and input, however
busy the machine is). So this is the figure to compare runs and commits with. Each stage runs
in a child process under ``valgrind --tool=callgrind`` once with 0 and once with N repeats; the
difference divided by N is one run, start-up and warm-up excluded. The baseline is the regex
floor of ``bench_parse.py``, counted the same way. Skipped where valgrind is not installed.

    python benchmarks/bench_instructions.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hai-duong" / "2023-ktxh.txt"
STAGES = {"regex floor (baseline)": "floor", "text → model": "model", "text → AKN": "akn",
          "model → AKN (writer)": "writer"}


def child(stage: str, repeat: int) -> None:
    """Run one stage ``repeat`` times after one warm-up run (what is counted)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import nghiquyet
    from bench_parse import regex_floor
    from nghiquyet.writers.akn import to_akn

    text = SEED.read_text(encoding="utf-8")
    doc = nghiquyet.parse(text).document
    run = {"floor": lambda: regex_floor(text), "model": lambda: nghiquyet.parse(text),
           "akn": lambda: to_akn(nghiquyet.parse(text).document),
           "writer": lambda: to_akn(doc)}[stage]
    run()
    for _ in range(repeat):
        run()


def count(stage: str, repeat: int) -> int:
    """Instructions of ``repeat`` runs of a stage in a child process under callgrind."""
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         __file__, "--child", stage, "--repeat", str(repeat)],
        check=True, capture_output=True, text=True).stderr
    found = re.search(r"Collected\s*:\s*(\d+)", out)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat)
        return
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: instruction counts skipped")
        return
    results: dict[str, float] = {}
    for name, stage in STAGES.items():
        # the floor is ten times the work of a parse: fewer repeats give the same precision
        repeat = max(2, args.repeat // 5) if stage == "floor" else args.repeat
        results[name] = (count(stage, repeat) - count(stage, 0)) / repeat / 1e6
    floor = results["regex floor (baseline)"]
    print(f"seed, millions of instructions per run ({args.repeat} runs counted by callgrind)")
    print(f"{'stage':<26} {'M instr':>8} {'× floor':>8}")
    for name, value in results.items():
        print(f"{name:<26} {value:8.2f} {value / floor:8.3f}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "instructions.json").write_text(json.dumps(
        {"repeat": args.repeat, "million_instructions": results,
         "ratio_to_floor": {k: v / floor for k, v in results.items()}},
        indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
