"""The benchmark scripts still run (their figures are not asserted: no timing in tests)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

BENCH = ROOT / "benchmarks"
RESULTS = BENCH / "results"


def _run(*args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCH / args[0]), *args[1:]],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_parse_benchmark_prints_and_writes_every_stage() -> None:
    out = _run("bench_parse.py", "--repeat", "2")
    results = json.loads((RESULTS / "parse.json").read_text(encoding="utf-8"))
    stages = ["regex floor (baseline)", "text → model", "text → JSON", "text → AKN"]
    assert list(results["ms"]) == stages
    assert all(results["ms"][s] > 0 for s in stages)
    assert results["ratio_to_floor"]["regex floor (baseline)"] == 1.0
    assert all(s in out for s in stages)


def test_instruction_benchmark_child_runs_every_stage() -> None:
    """What callgrind counts (the counting itself needs valgrind and two minutes)."""
    for stage in ("floor", "model", "akn", "writer"):
        _run("bench_instructions.py", "--child", stage, "--repeat", "1")


def test_startup_benchmark_measures_with_and_without_the_package() -> None:
    _run("bench_startup.py", "--repeat", "1")
    results = json.loads((RESULTS / "startup.json").read_text(encoding="utf-8"))
    assert results["import_nghiquyet_ms"] > 0 and results["baseline_import_pydantic_regex_ms"] > 0
    assert results["import_on_top_ms"] == results["import_nghiquyet_ms"] - \
        results["baseline_import_pydantic_regex_ms"]
