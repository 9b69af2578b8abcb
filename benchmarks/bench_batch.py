"""Batch benchmark: files/s of ``nghiquyet convert`` (local engine) with 1 and 2 workers.

The archive is generated in a temporary folder: a few hundred text files (copies of the seed
and of ../shared/corpus-real when present, some inside a zip) plus some PDFs (the seed
rendered by LibreOffice and ReportLab, from tests/fixtures/pdf or ../shared/fixtures-pdf).
Each run converts the whole archive from scratch (``force=True``, fresh output folder), so the
time includes starting the worker processes, reading, parsing, serialising and writing the
outputs and the report. Prints a table and writes benchmarks/results/batch.json.

    python benchmarks/bench_batch.py [--repeat 3] [--texts 300] [--pdfs 6] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from nghiquyet.batch import Batch
from nghiquyet.batch.engines import default_jobs
from nghiquyet.batch.work import tool_version

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hai-duong" / "2023-ktxh.txt"
SHARED = ROOT.parent / "shared"


def _pdfs() -> list[Path]:
    found = []
    for name in ("nq15_hd.pdf", "nq15_reportlab.pdf"):
        for folder in (ROOT / "tests" / "fixtures" / "pdf", SHARED / "fixtures-pdf"):
            if (folder / name).is_file():
                found.append(folder / name)
                break
    return found


def build(root: Path, texts: int, pdfs: int) -> dict[str, int]:
    """Write the benchmark archive; return what it holds."""
    sources = [SEED.read_bytes()] + [p.read_bytes() for p in
                                     sorted((SHARED / "corpus-real").glob("**/*.txt"))]
    in_zip = texts // 5
    for i in range(texts - in_zip):
        path = root / "texts" / f"{i % 10}" / f"nq-{i:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(sources[i % len(sources)])
    (root / "zips").mkdir()
    with zipfile.ZipFile(root / "zips" / "archive.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(in_zip):
            zf.writestr(f"nq-{i:04d}.txt", sources[i % len(sources)])
    available = _pdfs()
    made = 0
    if available:
        (root / "pdfs").mkdir()
        for i in range(pdfs):
            (root / "pdfs" / f"nq-{i:02d}.pdf").write_bytes(available[i % len(available)]
                                                            .read_bytes())
            made += 1
    return {"texts": texts, "texts_in_zip": in_zip, "pdfs": made,
            "text_bytes_each_median": int(statistics.median(len(s) for s in sources))}


def run_once(archive: Path, out: Path, workers: int) -> dict[str, float]:
    """Convert the archive once; return wall seconds, files and CPU seconds used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    me_before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    batch = Batch([archive], out, jobs=workers, force=True)
    files = sum(1 for _ in batch.run())
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    me_after = resource.getrusage(resource.RUSAGE_SELF)
    assert batch.summary.failed == 0, batch.summary.text()
    return {"seconds": seconds, "files": files,
            "worker_cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
            "client_cpu": (me_after.ru_utime + me_after.ru_stime)
            - (me_before.ru_utime + me_before.ru_stime)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--pdfs", type=int, default=6)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    workers = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="nghiquyet-bench-") as tmp:
        archive = Path(tmp) / "archive"
        contents = build(archive, args.texts, args.pdfs)
        run_once(archive, Path(tmp) / "warm-up", 1)  # page cache, .pyc files
        load_before = os.getloadavg()
        runs: dict[int, list[dict[str, float]]] = {n: [] for n in workers}
        for r in range(args.repeat):  # interleaved, so that a change in load hits all alike
            for n in workers:
                runs[n].append(run_once(archive, Path(tmp) / f"out-{n}-{r}", n))
        load_after = os.getloadavg()
    results: dict[str, dict[str, object]] = {}
    for n, measured in runs.items():
        median = statistics.median(m["seconds"] for m in measured)
        files = int(measured[0]["files"])
        cpu = statistics.median(m["worker_cpu"] for m in measured)
        results[str(n)] = {
            "seconds": [m["seconds"] for m in measured], "median_seconds": median,
            "files": files, "files_per_second": files / median,
            "worker_cpu_seconds_median": cpu,
            "client_cpu_seconds_median": statistics.median(m["client_cpu"] for m in measured),
            "cores_busy": cpu / median}
    base = float(results[str(workers[0])]["files_per_second"])  # type: ignore[arg-type]
    for row in results.values():
        row["speedup"] = float(row["files_per_second"]) / base  # type: ignore[arg-type]
    files = results[str(workers[0])]["files"]
    print(f"archive: {files} files ({contents['texts']} texts, {contents['texts_in_zip']} of "
          f"them in a zip; {contents['pdfs']} PDFs), median of {args.repeat}, "
          f"{default_jobs()} core(s), load average {load_before[0]:.1f} → {load_after[0]:.1f}")
    print(f"{'workers':>7} {'median s':>9} {'files/s':>8} {'speed-up':>9} {'worker CPU s':>13} "
          f"{'cores busy':>11}")
    for n, row in results.items():
        print(f"{n:>7} {row['median_seconds']:9.2f} {row['files_per_second']:8.1f} "
              f"{row['speedup']:9.2f} {row['worker_cpu_seconds_median']:13.2f} "
              f"{row['cores_busy']:11.2f}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "batch.json").write_text(json.dumps({
        "archive": contents, "files": files, "repeat": args.repeat, "engine": "local",
        "cores": default_jobs(), "python": platform.python_version(),
        "machine": platform.machine(), "tool_version": tool_version(),
        "load_average_before_after": [load_before, load_after],
        "workers": results}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
