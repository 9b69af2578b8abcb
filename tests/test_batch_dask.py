"""Batch conversion on a real ``dask.distributed.LocalCluster`` (two worker processes).

The cluster's workers are started with the fault-injection hook set, for names that only the
fault test uses, so one cluster serves both tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from nghiquyet.batch import Batch, convert  # noqa: E402
from nghiquyet.batch.work import FAULTS_ENV  # noqa: E402

from test_batch import SEED, Archive, build_archive, report_lines, tree  # noqa: E402

FAULTS = "kill:*die-hook.txt;sleep:*slow-hook.txt:60"


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    before = os.environ.get(FAULTS_ENV)
    os.environ[FAULTS_ENV] = FAULTS  # inherited by the worker processes when they start
    try:
        cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                           dashboard_address=None)
    finally:
        if before is None:
            del os.environ[FAULTS_ENV]
        else:
            os.environ[FAULTS_ENV] = before
    with cluster:
        yield cluster


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    return build_archive(tmp_path_factory.mktemp("dask") / "archive", seed_copies=30,
                         zip_members=12)


def test_dask_outputs_equal_local_engine(small_archive: Archive, cluster: distributed.LocalCluster,
                                         tmp_path: Path) -> None:
    local = tmp_path / "local"
    dask = tmp_path / "dask"
    local_results = {r.path: r for r in convert([small_archive.root], local, jobs=2)}
    batch = Batch([small_archive.root], dask, engine="dask",
                  scheduler=cluster.scheduler_address)
    dask_results = {r.path: r for r in batch.run()}
    assert tree(dask) == tree(local)
    assert len(tree(dask)) == len(small_archive.good)
    assert {k: (r.status, r.code, r.sha256, r.outputs) for k, r in dask_results.items()} == \
        {k: (r.status, r.code, r.sha256, r.outputs) for k, r in local_results.items()}
    records, summary = report_lines(dask / "report.jsonl")
    assert len(records) == small_archive.total
    assert summary["converted"] == len(small_archive.good)
    assert batch.notes == []  # the workers run the same code as the client
    # Resuming works the same way on the cluster.
    again = list(Batch([small_archive.root], dask, engine="dask",
                       scheduler=cluster.scheduler_address).run())
    assert sum(r.up_to_date for r in again) >= len(small_archive.good)


def test_dask_timeout_and_dead_worker_are_isolated(cluster: distributed.LocalCluster,
                                                   tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("slow-hook.txt", "die-hook.txt", *(f"ok-{i}.txt" for i in range(6))):
        (src / name).write_bytes(SEED.read_bytes())
    workers = set(cluster.scheduler_info["workers"])
    results = {r.path: r for r in convert([src], tmp_path / "out", engine="dask",
                                          scheduler=cluster.scheduler_address, timeout=2.0)}
    assert results["slow-hook.txt"].code == "NQ601"
    assert results["die-hook.txt"].code == "NQ602"
    assert "SIGKILL" in (results["die-hook.txt"].message or "")
    assert all(results[f"ok-{i}.txt"].converted for i in range(6))
    # The Dask workers themselves survived: only their supervised children were replaced.
    assert set(cluster.scheduler_info["workers"]) == workers
    # …and the batch left no worker processes behind on them.
    from nghiquyet.batch.engines import stop_worker_children

    with distributed.Client(cluster) as client:
        assert sum(client.run(stop_worker_children).values()) == 0


def test_cli_engine_dask_with_scheduler_address(cluster: distributed.LocalCluster,
                                                tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_bytes(SEED.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "nghiquyet", "convert", str(src), "-o",
                           str(tmp_path / "out"), "--scheduler", cluster.scheduler_address,
                           "--fail-on", "never"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "a.txt.json").exists()
    assert "1 converted" in proc.stderr
    bad = subprocess.run([sys.executable, "-m", "nghiquyet", "convert", str(src), "-o",
                          str(tmp_path / "out2"), "--engine", "local", "--scheduler",
                          cluster.scheduler_address], capture_output=True, text=True)
    assert bad.returncode == 2 and "needs --engine dask" in bad.stderr
