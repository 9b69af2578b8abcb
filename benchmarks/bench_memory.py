"""Memory benchmark: the resident memory of each batch worker process over a long run.

A long batch (2000 inputs by default: texts of the seed and ../shared/corpus-real with their
years changed, so that no two are alike, some of them in a zip archive, and every 20th input a
PDF or a DOCX) goes through the local engine's worker processes, writing JSON and AKN outputs,
while every worker's VmRSS (/proc/<pid>/status) is sampled. Prints, per worker process, its RSS
after 10 %, 50 % and 100 % of the inputs, and the growth and trend over the second half (the
first inputs warm a worker up: the PDF and DOCX readers are imported, caches fill once);
writes benchmarks/results/memory.json.

The inputs go to the engine in the interleaved order built here: a Batch schedules the
largest first, which would put every PDF at the start and hide a leak per PDF in the warm-up.

    python benchmarks/bench_memory.py [--files 2000] [--workers 2] [--every 20]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from bench_batch import ROOT, SHARED, WorkerSampler, text_sources

from nghiquyet.batch.engines import LocalEngine
from nghiquyet.batch.work import Job, tool_version

FLAT_KB = 4096
"""Growth over the second half of the run up to which a worker counts as flat (4 MiB: the
allocator's arenas and the garbage collector's timing move RSS by about that much)."""


def _binaries() -> list[Path]:
    """PDF and DOCX renderings of the seed, where present."""
    found = []
    for name in ("nq15_hd.pdf", "nq15_reportlab.pdf", "nq15_hd.docx"):
        for folder in (ROOT / "tests" / "fixtures" / "pdf", SHARED / "fixtures-pdf"):
            if (folder / name).is_file():
                found.append(folder / name)
                break
    return found


def build(root: Path, files: int, every: int, outdir: Path) -> list[Job]:
    """Write the inputs; return their jobs in the interleaved order they are run in."""
    texts = text_sources()
    binaries = [p.read_bytes() for p in _binaries()]
    suffixes = [p.suffix for p in _binaries()]
    root.mkdir(parents=True)
    zipped = root / "archive.zip"
    jobs: list[Job] = []
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(files):
            formats = ("json", "akn")
            if binaries and i % every == every - 1:
                n = i // every % len(binaries)
                key = f"bin/nq-{i:05d}{suffixes[n]}"
                (root / key).parent.mkdir(exist_ok=True)
                (root / key).write_bytes(binaries[n])
                jobs.append(Job(key, str(root / key), None, formats, outdir=str(outdir)))
                continue
            # "2023" → "1453" …: the same document structure, different text every time
            data = texts[i % len(texts)].replace(b"202", str(100 + i % 900).encode())
            if i % 5 == 0:
                member = f"nq-{i:05d}.txt"
                archive.writestr(member, data)
                jobs.append(Job(f"archive.zip/{member}", str(zipped), member, formats,
                                outdir=str(outdir)))
            else:
                key = f"texts/{i % 20:02d}/nq-{i:05d}.txt"
                (root / key).parent.mkdir(parents=True, exist_ok=True)
                (root / key).write_bytes(data)
                jobs.append(Job(key, str(root / key), None, formats, outdir=str(outdir)))
    return jobs


def _at(series: list[tuple[int, int]], done: int) -> int:
    """RSS (kB) of the first sample taken once ``done`` inputs were finished."""
    return next((rss for d, rss in series if d >= done), series[-1][1])


def _slope(series: list[tuple[int, int]]) -> float:
    """Least-squares trend of RSS in kB per 1000 inputs."""
    if len(series) < 3 or series[0][0] == series[-1][0]:
        return 0.0
    return 1000 * statistics.linear_regression([d for d, _ in series],
                                               [r for _, r in series]).slope


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--every", type=int, default=20,
                        help="every N-th input is a PDF or DOCX")
    parser.add_argument("--interval", type=float, default=0.1,
                        help="seconds between samples")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nghiquyet-bench-memory-") as tmp:
        jobs = build(Path(tmp) / "archive", args.files, args.every, Path(tmp) / "out")
        engine = LocalEngine(args.workers)
        start = time.perf_counter()
        with WorkerSampler(interval=args.interval, memory=True) as sampler:
            for outcome in engine.run(jobs):
                assert outcome.status != "failed", (outcome.key, outcome.code, outcome.message)
                sampler.done += 1
        seconds = time.perf_counter() - start
    total = len(jobs)
    rows = []
    for pid, samples in sampler.samples.items():
        series = [(s.done, s.rss_kb) for s in samples]
        second_half = [(d, r) for d, r in series if d >= total // 2]
        row = {"pid": pid, "samples": len(series), "first_done": series[0][0],
               "last_done": series[-1][0], "rss_kb_start": series[0][1],
               "rss_kb_10": _at(series, total // 10), "rss_kb_50": _at(series, total // 2),
               "rss_kb_end": series[-1][1], "rss_kb_max": max(r for _, r in series),
               "kb_per_1000_inputs": _slope(second_half)}
        row["growth_kb"] = row["rss_kb_end"] - row["rss_kb_50"]
        row["flat"] = row["growth_kb"] <= FLAT_KB
        rows.append(row)
    print(f"{total} inputs ({sum(1 for j in jobs if not j.key.endswith('.txt'))} PDF/DOCX), "
          f"{args.workers} worker(s), {seconds:.1f} s, sampled every {args.interval:g} s")
    print(f"{'worker pid':>10} {'inputs seen':>13} {'RSS MiB: start':>14} {'10 %':>7} {'50 %':>7} "
          f"{'end':>7} {'max':>7} {'growth':>8} {'trend':>14}")
    for row in rows:
        seen = f"{row['first_done']}-{row['last_done']}"
        print(f"{row['pid']:>10} {seen:>13} {row['rss_kb_start'] / 1024:14.1f} "
              f"{row['rss_kb_10'] / 1024:7.1f} {row['rss_kb_50'] / 1024:7.1f} "
              f"{row['rss_kb_end'] / 1024:7.1f} {row['rss_kb_max'] / 1024:7.1f} "
              f"{row['growth_kb'] / 1024:+7.1f}M {row['kb_per_1000_inputs'] / 1024:+8.2f}M/1000")
    flat = all(row["flat"] for row in rows)
    print(f"memory per worker {'flat' if flat else 'GROWS'} (growth over the second half "
          f"≤ {FLAT_KB // 1024} MiB; growth and trend are from 50 % to the end)")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "memory.json").write_text(json.dumps({
        "inputs": total, "workers": args.workers, "seconds": seconds,
        "python": platform.python_version(), "tool_version": tool_version(),
        "flat": flat, "flat_kb": FLAT_KB, "per_worker": rows}, indent=2) + "\n",
        encoding="utf-8")


if __name__ == "__main__":
    main()
