"""Timing in turns, shared by the benchmarks.

The development VM's speed drifts by up to 2× within minutes. Running every stage and its
baseline once per round, rather than all repeats of one and then all of the other, makes a slow
spell fall on them alike; a ratio is then the median of the rounds' ratios, each taken from runs
that were back to back.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def in_turns(fns: Sequence[Callable[[], object]], repeat: int, *, warm_up: bool = True) -> list[list[float]]:
    """Seconds per run of each function, one run of each per round (after an untimed round)."""
    if warm_up:
        for fn in fns:
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return times


def ratio(times: list[float], baseline: list[float]) -> float:
    """Median of the per-round ratios of ``times`` to ``baseline``."""
    return statistics.median(t / b for t, b in zip(times, baseline, strict=True))
