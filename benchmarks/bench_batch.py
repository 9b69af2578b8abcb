"""Batch benchmark: files/s of ``nghiquyet convert`` (local engine) with 1 and 2 workers, and
the CPU time behind them.

The archive is generated in a temporary folder: a few hundred text files (copies of the seed
and of ../shared/corpus-real when present, some inside a zip) plus some PDFs (the seed
rendered by LibreOffice and ReportLab, from tests/fixtures/pdf or ../shared/fixtures-pdf).
Each run converts the whole archive from scratch (``force=True``, fresh output folder), so the
time includes discovery, starting the worker processes, reading, parsing, serialising and
writing the outputs and the report. Prints a table and writes benchmarks/results/batch.json.

Wall-clock figures depend on what else the machine runs; CPU times much less. So each run
also records (Linux, from getrusage and /proc/<pid>/schedstat of the workers):

- client CPU per file: the CPU of the calling process (discovery, feeding the workers, the
  report). It competes with the workers for the cores, so it caps the speed-up;
- worker CPU per file (start-up excluded), and the CPU one worker takes to start (import the
  parser), measured apart;
- worker idle: the share of the workers' lifetime spent neither running nor waiting for a
  core (waiting for a job, or for the others at the end of the run);
- run-queue wait: the share spent ready to run but without a core, i.e. how busy the machine
  was (other processes) and so how far the wall-clock figures can be trusted;
- the predicted speed-up: what these figures allow on an otherwise idle machine with this many
  cores, from ``T(n) = discovery + start-up + max(J / n, (J + client) / min(cores, n + 1))
  + idle per worker``, where J is the worker CPU of the whole archive as measured with one
  worker. It assumes a file costs a worker as much CPU when the other cores are busy as when
  they are idle: the worker CPU column shows how far that held in this run.

    python benchmarks/bench_batch.py [--repeat 3] [--texts 300] [--pdfs 6] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nghiquyet.batch import Batch
from nghiquyet.batch.engines import _child_env, default_jobs
from nghiquyet.batch.work import tool_version

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hai-duong" / "2023-ktxh.txt"
SHARED = ROOT.parent / "shared"
TICKS = os.sysconf("SC_CLK_TCK")


def _pdfs() -> list[Path]:
    found = []
    for name in ("nq15_hd.pdf", "nq15_reportlab.pdf"):
        for folder in (ROOT / "tests" / "fixtures" / "pdf", SHARED / "fixtures-pdf"):
            if (folder / name).is_file():
                found.append(folder / name)
                break
    return found


def text_sources() -> list[bytes]:
    """The seed and the real resolutions in ../shared/corpus-real (when present)."""
    return [SEED.read_bytes()] + [p.read_bytes() for p in
                                  sorted((SHARED / "corpus-real").glob("**/*.txt"))]


def build(root: Path, texts: int, pdfs: int) -> dict[str, int]:
    """Write the benchmark archive; return what it holds."""
    sources = text_sources()
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


# --------------------------------------------------------------------------- worker sampling


@dataclass
class Sample:
    """One look at a worker process."""

    at: float
    """Seconds since the sampler started."""
    done: int
    """Files the client had received results for."""
    run: float
    """CPU seconds so far (on a core)."""
    wait: float
    """Seconds so far ready to run but waiting for a core."""
    alive: float
    """Seconds since the process started."""
    rss_kb: int
    """Resident memory (VmRSS)."""


@dataclass
class WorkerSampler:
    """Samples the worker processes (children of this process's main thread) from /proc
    (Linux) in a background thread, every ``interval`` seconds, until the ``with`` block ends;
    ``memory`` adds their VmRSS. The main loop sets :attr:`done` as results arrive."""

    interval: float = 0.02
    memory: bool = False
    done: int = 0
    samples: dict[int, list[Sample]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._children = f"/proc/self/task/{threading.main_thread().native_id}/children"
        self._started: dict[int, float | None] = {}
        """pid → start (seconds since boot), None for a child that is not a worker."""
        self._start = time.monotonic()

    def __enter__(self) -> WorkerSampler:
        self._start = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def _start_of(self, pid: int) -> float | None:
        if pid not in self._started:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                worker = b"nghiquyet.batch.child" in handle.read()
            with open(f"/proc/{pid}/stat") as handle:
                started = int(handle.read().rsplit(")", 1)[1].split()[19]) / TICKS
            self._started[pid] = started if worker else None
        return self._started[pid]

    def sample(self) -> None:
        try:
            with open(self._children) as handle:
                pids = [int(p) for p in handle.read().split()]
            with open("/proc/uptime") as handle:
                uptime = float(handle.read().split()[0])
        except OSError:
            return
        for pid in pids:
            try:
                started = self._start_of(pid)
                if started is None:
                    continue
                with open(f"/proc/{pid}/schedstat") as handle:
                    run_ns, wait_ns, _ = handle.read().split()
                rss = 0
                if self.memory:
                    with open(f"/proc/{pid}/status") as handle:
                        rss = next(int(line.split()[1]) for line in handle
                                   if line.startswith("VmRSS:"))
            except (OSError, StopIteration, ValueError, IndexError):
                continue  # it ended meanwhile
            self.samples.setdefault(pid, []).append(Sample(
                time.monotonic() - self._start, self.done, int(run_ns) / 1e9,
                int(wait_ns) / 1e9, uptime - started, rss))

    def totals(self) -> dict[str, float]:
        """Run, wait and idle seconds summed over the workers (from their last samples)."""
        last = [series[-1] for series in self.samples.values() if series]
        alive = sum(s.alive for s in last)
        run = sum(s.run for s in last)
        wait = sum(s.wait for s in last)
        return {"workers": len(last), "alive": alive, "run": run, "wait": wait,
                "idle": max(0.0, alive - run - wait)}


def startup_cpu(repeat: int = 3) -> float:
    """Median CPU seconds a worker process takes from its start to "ready" (the parser
    imported)."""
    from nghiquyet.batch.child import recv_frame

    measured = []
    for _ in range(repeat):
        proc = subprocess.Popen([sys.executable, "-m", "nghiquyet.batch.child", "0"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_child_env(),
                                bufsize=0)
        assert proc.stdout is not None and proc.stdin is not None
        recv_frame(proc.stdout)
        with open(f"/proc/{proc.pid}/schedstat") as handle:
            measured.append(int(handle.read().split()[0]) / 1e9)
        proc.stdin.close()
        proc.wait()
    return statistics.median(measured)


# --------------------------------------------------------------------------- the runs


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def run_once(archive: Path, out: Path, workers: int) -> dict[str, float]:
    """Convert the archive once; return wall seconds, files and CPU seconds used."""
    # The client's CPU is its main thread's: the sampler thread is the benchmark's own.
    children = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN))
    me = _cpu(resource.getrusage(resource.RUSAGE_THREAD))
    start = time.perf_counter()
    with WorkerSampler() as sampler:
        batch = Batch([archive], out, jobs=workers, force=True)
        discovery = _cpu(resource.getrusage(resource.RUSAGE_THREAD)) - me
        for _ in batch.run():
            sampler.done += 1
    seconds = time.perf_counter() - start
    assert batch.summary.failed == 0, batch.summary.text()
    totals = sampler.totals()
    alive = totals["alive"] or 1.0
    return {"seconds": seconds, "files": sampler.done,
            "worker_cpu": _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - children,
            "client_cpu": _cpu(resource.getrusage(resource.RUSAGE_THREAD)) - me,
            "discovery_cpu": discovery,
            "worker_idle": totals["idle"] / max(1, totals["workers"]),
            "worker_idle_share": totals["idle"] / alive,
            "worker_wait_share": totals["wait"] / alive}


def predicted_seconds(run: dict[str, float], workers: int, cores: int, startup: float,
                      work: float) -> float:
    """Wall time the CPU figures of a run allow on an idle machine (see the module doc);
    ``work`` is the worker CPU of the whole archive, start-up excluded, with one worker."""
    client = run["client_cpu"] - run["discovery_cpu"]
    return (run["discovery_cpu"] + startup + run["worker_idle"]
            + max(work / workers, (work + client) / min(cores, workers + 1)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--pdfs", type=int, default=6)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    workers = [int(w) for w in args.workers.split(",")]
    cores = default_jobs()
    with tempfile.TemporaryDirectory(prefix="nghiquyet-bench-") as tmp:
        archive = Path(tmp) / "archive"
        contents = build(archive, args.texts, args.pdfs)
        run_once(archive, Path(tmp) / "warm-up", 1)  # page cache, .pyc files
        startup = startup_cpu()
        load_before = os.getloadavg()
        runs: dict[int, list[dict[str, float]]] = {n: [] for n in workers}
        for r in range(args.repeat):  # interleaved, so that a change in load hits all alike
            for n in workers:
                runs[n].append(run_once(archive, Path(tmp) / f"out-{n}-{r}", n))
        load_after = os.getloadavg()
    results: dict[str, dict[str, Any]] = {}
    files = int(runs[workers[0]][0]["files"])
    # The worker CPU of the archive, start-up excluded, as one worker needs it.
    work = statistics.median(m["worker_cpu"] for m in runs[min(workers)]) - min(workers) * startup
    for n, measured in runs.items():
        def median(key: str, measured: list[dict[str, float]] = measured) -> float:
            return statistics.median(m[key] for m in measured)

        cpu = median("worker_cpu")
        results[str(n)] = {
            "seconds": [m["seconds"] for m in measured], "median_seconds": median("seconds"),
            "files": files, "files_per_second": files / median("seconds"),
            "worker_cpu_seconds_median": cpu,
            "client_cpu_seconds_median": median("client_cpu"),
            "client_cpu_ms_per_file": 1000 * median("client_cpu") / files,
            "discovery_cpu_ms_per_file": 1000 * median("discovery_cpu") / files,
            "worker_cpu_ms_per_file": 1000 * (cpu - n * startup) / files,
            "worker_idle_share": median("worker_idle_share"),
            "worker_wait_share": median("worker_wait_share"),
            "predicted_seconds": statistics.median(
                predicted_seconds(m, n, cores, startup, work) for m in measured),
            "cores_busy": cpu / median("seconds")}
    base = results[str(workers[0])]
    for row in results.values():
        row["speedup"] = row["files_per_second"] / base["files_per_second"]
        row["predicted_speedup"] = base["predicted_seconds"] / row["predicted_seconds"]
    print(f"archive: {files} files ({contents['texts']} texts, {contents['texts_in_zip']} of "
          f"them in a zip; {contents['pdfs']} PDFs), median of {args.repeat}, "
          f"{cores} core(s), load average {load_before[0]:.1f} → {load_after[0]:.1f}; "
          f"a worker takes {startup:.2f} CPU s to start")
    print(f"{'workers':>7} {'median s':>9} {'files/s':>8} {'speed-up':>9} {'cores busy':>11} "
          f"│ {'client CPU':>10} {'worker CPU':>10} {'worker idle':>11} {'run-queue':>9} "
          f"{'predicted':>9}")
    print(f"{'':>7} {'':>9} {'':>8} {'':>9} {'':>11} │ {'ms/file':>10} {'ms/file':>10} "
          f"{'% of life':>11} {'wait %':>9} {'speed-up':>9}")
    for n, row in results.items():
        print(f"{n:>7} {row['median_seconds']:9.2f} {row['files_per_second']:8.1f} "
              f"{row['speedup']:9.2f} {row['cores_busy']:11.2f} │ "
              f"{row['client_cpu_ms_per_file']:10.3f} {row['worker_cpu_ms_per_file']:10.2f} "
              f"{100 * row['worker_idle_share']:11.1f} {100 * row['worker_wait_share']:9.1f} "
              f"{row['predicted_speedup']:9.2f}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "batch.json").write_text(json.dumps({
        "archive": contents, "files": files, "repeat": args.repeat, "engine": "local",
        "cores": cores, "python": platform.python_version(),
        "machine": platform.machine(), "tool_version": tool_version(),
        "worker_startup_cpu_seconds": startup,
        "load_average_before_after": [load_before, load_after],
        "workers": results}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
