"""Batch conversion (``nghiquyet convert`` / ``nghiquyet.batch``): discovery, isolation,
resumability, determinism, exports.

The archive is generated at test time from the seed, ../shared/corpus-real (when present) and
the PDF fixtures: ~200 small text files, zips (with hostile members), renamed files and broken
inputs. Fault injection (time-outs, dying workers, memory blow-ups) goes through the worker's
test hook, the ``_NGHIQUYET_BATCH_FAULTS`` environment variable.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import stat
import subprocess
import sys
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nghiquyet.batch import Batch, BatchError, SourceError, convert
from nghiquyet.batch.cli import parse_size
from nghiquyet.batch.export import INDICATOR_COLUMNS, export_indicators, export_jsonl
from nghiquyet.batch.progress import Progress
from nghiquyet.batch.report import FileResult, load_report
from nghiquyet.batch.sources import discover
from nghiquyet.batch.work import FAULTS_ENV
from nghiquyet.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hai-duong" / "2023-ktxh.txt"
SHARED = ROOT.parent / "shared"
REAL = sorted((SHARED / "corpus-real").glob("*.txt")) + \
    sorted((SHARED / "corpus-real" / "full").glob("*.txt"))


def _pdf(name: str) -> Path | None:
    for folder in (ROOT / "tests" / "fixtures" / "pdf", SHARED / "fixtures-pdf"):
        if (folder / name).is_file():
            return folder / name
    return None


# --------------------------------------------------------------------------- the archive


@dataclass
class Archive:
    root: Path
    good: dict[str, bytes] = field(default_factory=dict)
    """Key → input bytes of every input that must convert."""
    bad: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Key → (status, code) of every input that must fail or be skipped."""

    @property
    def total(self) -> int:
        return len(self.good) + len(self.bad)


def _set_encrypted_flag(data: bytes, name: str) -> bytes:
    """Mark one member as encrypted (zipfile cannot write encrypted members)."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = raw.find(signature)
        while at >= 0:
            if raw[at + name_at: at + name_at + len(encoded)] == encoded:
                raw[at + flag_at] |= 0x1
            at = raw.find(signature, at + 4)
    return bytes(raw)


def build_archive(root: Path, *, seed_copies: int = 90, zip_members: int = 40) -> Archive:
    """Write the test archive under ``root``; return what each input must give."""
    archive = Archive(root)
    seed = SEED.read_bytes()
    real = [p.read_bytes() for p in REAL] or [seed]
    texts = [seed] + real

    def put(key: str, data: bytes, expect: tuple[str, str] | None = None) -> None:
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if expect is None:
            archive.good[key] = data
        else:
            archive.bad[key] = expect

    regions = ("ha-noi", "hai-duong", "da-nang", "hue", "can-tho", "lam-dong")
    for i in range(seed_copies):
        put(f"seed/{regions[i % len(regions)]}/nq-{i:03d}.txt", seed)
    for copy in ("a", "b"):
        for path, data in zip(REAL, real, strict=False):
            put(f"real/{copy}/{path.name}", data)
    # Renamed inputs: the kind is read from the content, not the name.
    put("renamed/nq.pdf", seed)
    put("renamed/nq.docx", real[0])
    put("renamed/no-extension", seed)
    put("renamed/nq.html", real[-1])
    # A zip archive with sound members and hostile ones.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2023/", b"")
        for i in range(zip_members):
            data = texts[i % len(texts)]
            zf.writestr(f"2023/nq-{i:03d}.txt", data)
            archive.good[f"zips/batch1.zip/2023/nq-{i:03d}.txt"] = data
        zf.writestr("../evil.txt", seed)
        zf.writestr("/abs.txt", seed)
        zf.writestr("dir/../../up.txt", seed)
        link = zipfile.ZipInfo("link.txt")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Duplicate name": exactly what is tested
            zf.writestr("dup.txt", seed)
            zf.writestr("dup.txt", real[0])
        zf.writestr("bomb.txt", b"\0" * (20 * 1024 * 1024))
        zf.writestr("__MACOSX/2023/._nq-000.txt", b"\0\x05\x16\x07junk")
        zf.writestr(".DS_Store", b"\0\0\0\1Bud1")
        zf.writestr("enc.txt", seed)
        zf.writestr("empty-member.txt", b"")
    put("zips/batch1.zip", _set_encrypted_flag(buffer.getvalue(), "enc.txt"), ("", ""))
    del archive.bad["zips/batch1.zip"]  # the archive itself is not an input; its members are
    for key, code in (("../evil.txt", "NQ108"), ("/abs.txt", "NQ108"),
                      ("dir/../../up.txt", "NQ108"), ("link.txt", "NQ108"),
                      ("dup.txt", "NQ108"), ("bomb.txt", "NQ105")):
        archive.bad[f"zips/batch1.zip/{key}"] = ("skipped", code)
    archive.bad["zips/batch1.zip/enc.txt"] = ("failed", "NQ102")
    archive.bad["zips/batch1.zip/empty-member.txt"] = ("failed", "NQ100")
    # A zip archive under another name, and a corrupt one.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(10):
            zf.writestr(f"nq-{i}.txt", seed)
            archive.good[f"zips/archive.dat/nq-{i}.txt"] = seed
    put("zips/archive.dat", buffer.getvalue(), ("", ""))
    del archive.bad["zips/archive.dat"]
    put("zips/corrupt.zip", b"PK\x03\x04" + random.Random(7).randbytes(3000),
        ("failed", "NQ103"))
    # Broken inputs.
    put("broken/empty.txt", b"", ("failed", "NQ100"))
    put("broken/junk.bin", random.Random(1).randbytes(4000), ("failed", "NQ106"))
    put("broken/image.png", b"\x89PNG\r\n\x1a\n" + bytes(200), ("failed", "NQ104"))
    put("broken/old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ("failed", "NQ107"))
    whole = _pdf("nq15_hd.pdf")
    if whole is not None:
        put("broken/truncated.pdf", whole.read_bytes()[:30000], ("failed", "NQ103"))
    scanned = _pdf("nq15_scanned.pdf")
    if scanned is not None:
        put("broken/scanned.pdf", scanned.read_bytes(), ("failed", "NQ101"))
    # Never inputs: hidden files and folders.
    (root / ".hidden.txt").write_bytes(seed)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD.txt").write_bytes(seed)
    return archive


_STATUS_BY_CONTENT: dict[str, str] = {}


def expected_status(data: bytes, name: str = "x.txt") -> str:
    """Status a sound input must get, from an in-process parse (cached per content)."""
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _STATUS_BY_CONTENT:
        import nghiquyet

        result = nghiquyet.parse_bytes(data, name)
        severities = {d.severity.value for d in result.diagnostics}
        _STATUS_BY_CONTENT[digest] = ("errors" if "error" in severities else
                                      "warnings" if "warning" in severities else "ok")
    return _STATUS_BY_CONTENT[digest]


def tree(folder: Path, *, ignore: tuple[str, ...] = ("report.jsonl",)) -> dict[str, bytes]:
    """Relative path → bytes of every file under ``folder``."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).as_posix() not in ignore}


def report_lines(path: Path) -> tuple[list[dict], dict]:
    """(file records, summary) of a finished report."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert "summary" in records[-1], "a finished report ends with its summary"
    return records[:-1], records[-1]["summary"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    return build_archive(tmp_path_factory.mktemp("batch") / "archive")


@pytest.fixture(scope="module")
def clean(archive: Archive, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """One clean CLI run over the archive: (outdir, exit code, stderr)."""
    out = tmp_path_factory.mktemp("clean") / "out"
    proc = subprocess.run([sys.executable, "-m", "nghiquyet", "convert", str(archive.root),
                           "-o", str(out), "--jobs", "2"], capture_output=True, text=True,
                          timeout=300)
    return out, proc.returncode, proc.stderr


# --------------------------------------------------------------------------- acceptance


def test_archive_counts_codes_and_outputs(archive: Archive, clean: tuple[Path, int, str]) -> None:
    out, code, stderr = clean
    assert code == 1, stderr  # broken inputs break the default --fail-on error
    records, summary = report_lines(out / "report.jsonl")
    by_path = {r["path"]: r for r in records}
    assert len(by_path) == len(records) == archive.total
    assert set(by_path) == set(archive.good) | set(archive.bad)
    for key, (status, code_) in archive.bad.items():
        assert (by_path[key]["status"], by_path[key]["code"]) == (status, code_), key
        assert by_path[key]["outputs"] == []
    statuses = Counter()
    for key, data in archive.good.items():
        status = expected_status(data)
        statuses[status] += 1
        record = by_path[key]
        assert record["status"] == status, key
        assert record["outputs"] == [key + ".json"]
        assert record["sha256"] == hashlib.sha256(data).hexdigest()
        assert record["tool_version"] and record["seconds"] >= 0
        assert sum(record["diagnostics"].values()) >= 0
    assert summary["files"] == archive.total
    assert summary["converted"] == len(archive.good)
    assert summary["with_warnings"] == statuses["warnings"]
    assert summary["with_errors"] == statuses["errors"]
    assert summary["failed"] == sum(s == "failed" for s, _ in archive.bad.values())
    assert summary["skipped"] == sum(s == "skipped" for s, _ in archive.bad.values())
    assert summary["up_to_date"] == 0
    # Outputs mirror the source tree and nothing else is written.
    outputs = set(tree(out))
    assert outputs == {key + ".json" for key in archive.good}
    # The final summary line and the failures are on stderr (no terminal: plain lines).
    assert f"{summary['converted']} converted" in stderr
    assert f"{archive.total}/{archive.total} (100%)" in stderr
    assert "zips/batch1.zip/../evil.txt: skipped, error NQ108" in stderr
    assert "broken/empty.txt: error NQ100" in stderr


def test_outputs_equal_single_file_parse(archive: Archive, clean: tuple[Path, int, str]) -> None:
    import nghiquyet

    out = clean[0]
    for key in sorted(archive.good)[::25] + ["zips/batch1.zip/2023/nq-001.txt",
                                              "renamed/nq.pdf"]:
        name = key.rsplit("/", 1)[-1]
        result = nghiquyet.parse_bytes(archive.good[key], name)
        assert (out / (key + ".json")).read_bytes() == \
            nghiquyet.to_json(result.document).encode("utf-8"), key


def test_rerun_is_incremental_and_force_redoes(archive: Archive, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(6):
        (src / f"nq-{i}.txt").write_bytes(SEED.read_bytes())
    (src / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    first = list(convert([src], out, jobs=2))
    assert sum(r.converted for r in first) == 6 and not any(r.up_to_date for r in first)
    stamp = {p: p.stat().st_mtime_ns for p in out.rglob("*.json")}
    second = list(convert([src], out, jobs=2))
    # Same content, same tool, same options: nothing redone, outputs untouched; the empty
    # file failed for a reason that depends only on its bytes (NQ100), so it is not redone.
    assert sum(r.up_to_date for r in second) == 7
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.json")} == stamp
    # A changed input is redone; a deleted output is redone.
    (src / "nq-1.txt").write_bytes(SEED.read_bytes() + "\nThêm một dòng.\n".encode())
    (out / "nq-2.txt.json").unlink()
    third = {r.path: r for r in convert([src], out, jobs=2)}
    assert not third["nq-1.txt"].up_to_date and not third["nq-2.txt"].up_to_date
    assert sum(r.up_to_date for r in third.values()) == 5
    assert (out / "nq-2.txt.json").exists()
    records, summary = report_lines(out / "report.jsonl")
    assert len(records) == 7 and summary["up_to_date"] == 5
    changed = {r["path"]: r for r in records}["nq-1.txt"]
    assert changed["sha256"] == hashlib.sha256((src / "nq-1.txt").read_bytes()).hexdigest()
    # --force redoes everything.
    forced = list(convert([src], out, jobs=2, force=True))
    assert not any(r.up_to_date for r in forced)
    # A file that now fails loses its stale output.
    (src / "nq-3.txt").write_bytes(b"")
    results = {r.path: r for r in convert([src], out, jobs=1)}
    assert results["nq-3.txt"].code == "NQ100"
    assert not (out / "nq-3.txt.json").exists()


def _outputs(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.json")) if folder.exists() else 0


def _kill_after(cmd: list[str], out: Path, at_least: int, env: dict[str, str]) -> None:
    """Run the CLI and SIGKILL it once ``at_least`` outputs exist; check no worker survives."""
    import psutil

    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers: list[psutil.Process] = []
    while _outputs(out) < at_least:
        assert proc.poll() is None, "the run finished before it could be killed"
        assert time.monotonic() < deadline
        with contextlib.suppress(psutil.NoSuchProcess):
            workers = psutil.Process(proc.pid).children() or workers
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, "worker processes outlived the killed run"


def test_sigkill_midway_then_resume_gives_identical_outputs(
        archive: Archive, clean: tuple[Path, int, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "nghiquyet", "convert", str(archive.root), "-o", str(out),
           "--jobs", "2", "-q"]
    slow = {**os.environ, FAULTS_ENV: "sleep:*:0.02"}  # so that the kill lands mid-run
    _kill_after(cmd, out, 25, slow)
    first_kill = _outputs(out)
    assert 25 <= first_kill < len(archive.good)
    _kill_after(cmd, out, first_kill + 30, slow)  # a resumed run killed again
    assert _outputs(out) < len(archive.good)
    # The report of a killed run may end with a partial line; it has no summary.
    assert "summary" not in (out / "report.jsonl").read_text(encoding="utf-8")
    versions = {r["tool_version"] for r in load_report(out / "report.jsonl").values()}
    code = main(["convert", str(archive.root), "-o", str(out), "--jobs", "2", "-q"])
    assert code == 1
    assert tree(out) == tree(clean[0]), "outputs differ from a clean run's"
    records, summary = report_lines(out / "report.jsonl")
    paths = [r["path"] for r in records]
    assert len(paths) == len(set(paths)) == archive.total
    assert paths == sorted(paths)
    assert summary["converted"] == len(archive.good)
    if versions == {summary["tool_version"]}:  # (unless the code was edited meanwhile)
        assert summary["up_to_date"] > 0  # the killed runs' work was kept
    assert not [p for p in out.rglob("*.tmp")]


def test_timeout_dead_worker_and_memory_blowup_are_isolated(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("slow-hook.txt", "die-hook.txt", "exit-hook.txt", "hog-hook.txt",
                 *(f"ok-{i}.txt" for i in range(6))):
        (src / name).write_bytes(SEED.read_bytes())
    monkeypatch.setenv(FAULTS_ENV, "sleep:slow-hook.txt:60;kill:die-hook.txt;"
                                   "exit:exit-hook.txt;alloc:hog-hook.txt:3000")
    out = tmp_path / "out"
    start = time.monotonic()
    results = {r.path: r for r in convert([src], out, jobs=2, timeout=2.0,
                                          max_memory=1024**3)}
    assert time.monotonic() - start < 40
    assert (results["slow-hook.txt"].status, results["slow-hook.txt"].code) == \
        ("failed", "NQ601")
    assert "2 s" in (results["slow-hook.txt"].message or "")
    assert results["die-hook.txt"].code == "NQ602"
    assert "SIGKILL" in (results["die-hook.txt"].message or "")
    assert results["exit-hook.txt"].code == "NQ602"
    assert results["hog-hook.txt"].code == "NQ602"
    assert "memory" in (results["hog-hook.txt"].message or "")
    assert all(results[f"ok-{i}.txt"].converted for i in range(6))
    assert len(results) == 10
    # A later run without the faults retries them (NQ6xx failures are never reused).
    monkeypatch.delenv(FAULTS_ENV)
    again = {r.path: r for r in convert([src], out, jobs=2)}
    assert all(r.converted for r in again.values())
    assert sum(r.up_to_date for r in again.values()) == 6


def test_many_worker_deaths_blame_exactly_the_dying_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers dying often, while others are queued behind them: every death is NQ602 for
    its own file at once (never a time-out of a file that was queued), nothing is lost."""
    src = tmp_path / "src"
    src.mkdir()
    names = [f"{i:02d}-{'die' if i % 3 == 0 else 'ok'}.txt" for i in range(24)]
    for name in names:
        (src / name).write_bytes(SEED.read_bytes())
    monkeypatch.setenv(FAULTS_ENV, "exit:*-die.txt")
    start = time.monotonic()
    results = {r.path: r for r in convert([src], tmp_path / "out", jobs=2, timeout=30.0)}
    assert time.monotonic() - start < 25
    assert sorted(results) == names
    for name, result in results.items():
        if name.endswith("-die.txt"):
            assert (result.code, result.message) == (
                "NQ602", "the worker died while converting this file (exit status 17)")
        else:
            assert result.converted, result


def test_worker_killed_after_writing_leaves_no_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Local workers write their own outputs: one killed once they are in place, before it
    reports, leaves no output of that input (it is NQ602), and the batch goes on."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a.txt", "b-hook.txt", "c.txt"):
        (src / name).write_bytes(SEED.read_bytes())
    monkeypatch.setenv(FAULTS_ENV, "kill-written:b-hook.txt")
    out = tmp_path / "out"
    results = {r.path: r for r in convert([src], out, jobs=2)}
    assert (results["b-hook.txt"].code, results["b-hook.txt"].outputs) == ("NQ602", ())
    assert "SIGKILL" in (results["b-hook.txt"].message or "")
    assert results["a.txt"].converted and results["c.txt"].converted
    assert sorted(p.name for p in out.iterdir()) == ["a.txt.json", "c.txt.json",
                                                     "report.jsonl"]
    monkeypatch.delenv(FAULTS_ENV)
    assert all(r.converted for r in convert([src], out, jobs=2))


def test_workers_hold_the_output_folder_lock(tmp_path: Path) -> None:
    """The workers inherit the lock on the output folder: no other run can start writing there
    while a process that can still write into it is alive."""
    import psutil

    src = tmp_path / "src"
    src.mkdir()
    for i in range(6):
        (src / f"nq-{i}.txt").write_bytes(SEED.read_bytes())
    out = tmp_path / "out"
    results = convert([src], out, jobs=2)
    next(results)
    workers = [c for c in psutil.Process().children()
               if "nghiquyet.batch.child" in " ".join(c.cmdline())]
    assert workers
    for worker in workers:
        fds = Path(f"/proc/{worker.pid}/fd")
        assert str(out.resolve()) in {os.path.realpath(fd) for fd in fds.iterdir()}
    results.close()


def test_schedule_puts_large_inputs_first_and_keeps_archives_together() -> None:
    from nghiquyet.batch import schedule
    from nghiquyet.batch.sources import Item

    items = [Item("a.txt", "/a.txt", size=2_000), Item("b.pdf", "/b.pdf", size=300_000),
             Item("z.zip/1.txt", "/z.zip", "1.txt", size=2_100),
             Item("z.zip/2.txt", "/z.zip", "2.txt", size=3_000),
             Item("z.zip/3.txt", "/z.zip", "3.txt", size=3_900), Item("s3://u", "s3://u"),
             Item("c.txt", "/c.txt", size=40_000)]
    # Sizes count by powers of two: 2 100 to 3 900 bytes are one class, discovery order kept.
    assert [i.key for i in schedule(items)] == [
        "b.pdf", "c.txt", "z.zip/1.txt", "z.zip/2.txt", "z.zip/3.txt", "a.txt", "s3://u"]


def test_remove_temporaries_takes_only_the_inputs_own(tmp_path: Path) -> None:
    from nghiquyet.batch.work import remove_temporaries

    folder = tmp_path / "out" / "2023"
    folder.mkdir(parents=True)
    names = ["x.txt.json", ".x.txt.json.k3j_a9zq.tmp", ".x.txt.akn.xml.0123abcd.tmp",
             ".x.txt.json.extra.json.abcdefgh.tmp", ".y.txt.json.abcdefgh.tmp"]
    for name in names:
        (folder / name).write_bytes(b"{}")
    remove_temporaries(tmp_path / "out", "2023/x.txt")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["x.txt.json", ".x.txt.json.extra.json.abcdefgh.tmp", ".y.txt.json.abcdefgh.tmp"])


def test_cli_timeout_exit_code_and_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_bytes(SEED.read_bytes())
    (src / "slow-hook.txt").write_bytes(SEED.read_bytes())
    monkeypatch.setenv(FAULTS_ENV, "sleep:slow-hook.txt:60")
    assert main(["convert", str(src), "-o", str(tmp_path / "o1"), "--timeout", "1",
                 "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "slow-hook.txt: error NQ601: timed out after 1 s" in err
    assert main(["convert", str(src), "-o", str(tmp_path / "o2"), "--timeout", "1",
                 "--fail-on", "never", "-q"]) == 0
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------- policy, formats


def test_fail_on_policy(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "seed.txt").write_bytes(SEED.read_bytes())
    status = expected_status(SEED.read_bytes())
    warn = 1 if status in ("warnings", "errors") else 0
    err = 1 if status == "errors" else 0
    assert main(["convert", str(src), "-o", str(tmp_path / "a"), "-q"]) == err
    assert main(["convert", str(src), "-o", str(tmp_path / "b"), "-q", "--fail-on",
                 "warning"]) == warn
    (src / "empty.txt").write_bytes(b"")
    assert main(["convert", str(src), "-o", str(tmp_path / "c"), "-q"]) == 1
    assert main(["convert", str(src), "-o", str(tmp_path / "d"), "-q", "--fail-on",
                 "never"]) == 0


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(tmp_path / "missing"), "-o", str(tmp_path / "o")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["convert", str(tmp_path / "*.nothing"), "-o", str(tmp_path / "o")]) == 2
    assert "matches no file" in capsys.readouterr().err
    assert main(["convert", str(SEED), "-o", str(tmp_path / "o"), "--to", "pdf"]) == 2
    assert main(["convert", str(SEED), "-o", str(tmp_path / "o"), "--jobs", "0"]) == 2
    assert main(["convert", str(SEED), "-o", str(tmp_path / "o"), "--max-memory", "lots"]) == 2
    assert main(["convert", str(SEED)]) == 2  # -o is required
    assert main(["export", "indicators", str(tmp_path / "missing")]) == 2


def test_unusable_output_folder_and_workers_that_cannot_start(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["convert", str(SEED), "-o", str(tmp_path / "file")]) == 2
    assert "is a file" in capsys.readouterr().err
    # 20 MB of address space is too little to start Python: the batch stops with exit 3
    # and says why, rather than failing every file.
    assert main(["convert", str(SEED), "-o", str(tmp_path / "o"), "--max-memory", "20M"]) == 3
    assert "fail to start" in capsys.readouterr().err


def test_to_akn_writes_xml_or_is_reported_unavailable(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    try:
        from nghiquyet.writers.akn import to_akn  # noqa: F401
    except ImportError:
        assert main(["convert", str(SEED), "-o", str(tmp_path / "o"), "--to", "json,akn"]) == 2
        assert "--to akn is not available" in capsys.readouterr().err
        return
    out = tmp_path / "o"
    main(["convert", str(SEED), "-o", str(out), "--to", "json,akn", "-q"])
    assert (out / "2023-ktxh.txt.json").exists()
    assert (out / "2023-ktxh.txt.akn.xml").read_bytes().lstrip().startswith(b"<")
    record = load_report(out / "report.jsonl")["2023-ktxh.txt"]
    assert record["outputs"] == ["2023-ktxh.txt.json", "2023-ktxh.txt.akn.xml"]
    # Dropping a format later removes its now-stale output when the input is redone.
    main(["convert", str(SEED), "-o", str(out), "--to", "json", "--force", "-q"])
    assert not (out / "2023-ktxh.txt.akn.xml").exists()


def test_to_jsonl_and_exports(archive: Archive, clean: tuple[Path, int, str],
                              tmp_path: Path) -> None:
    out = clean[0]
    # export jsonl: one compact document per line, sorted by path, deterministic.
    first = export_jsonl(out, tmp_path / "a.jsonl")
    export_jsonl(out, tmp_path / "b.jsonl")
    data = (tmp_path / "a.jsonl").read_bytes()
    assert data == (tmp_path / "b.jsonl").read_bytes()
    lines = data.decode("utf-8").splitlines()
    assert first.documents == len(lines) == len(archive.good) and not first.unreadable
    import nghiquyet

    keys = sorted(archive.good)
    doc = nghiquyet.from_json(lines[3])
    assert doc.source.sha256 == hashlib.sha256(archive.good[keys[3]]).hexdigest()
    assert "\n" not in lines[0] and lines[0].startswith("{")
    # convert --to jsonl writes the same file as OUTDIR/documents.jsonl.
    small = tmp_path / "small"
    small.mkdir()
    for key in keys[:5]:
        (small / key.replace("/", "_")).write_bytes(archive.good[key])
    out2 = tmp_path / "out2"
    assert main(["convert", str(small), "-o", str(out2), "--to", "jsonl", "-q",
                 "--fail-on", "never"]) == 0
    combined = (out2 / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(combined) == 5
    assert [nghiquyet.from_json(line).source.name for line in combined] == \
        sorted(p.name for p in small.iterdir())
    # export indicators: one row per target, with the document's facts.
    csv_path = tmp_path / "indicators.csv"
    assert main(["export", "indicators", str(out), "-o", str(csv_path), "-q"]) == 0
    import csv

    rows = list(csv.DictReader(csv_path.open(encoding="utf-8", newline="")))
    seed_doc = nghiquyet.parse_bytes(SEED.read_bytes(), "x.txt").document
    per_seed = sum(len(i.targets) for i in seed_doc.indicators())
    assert per_seed > 0
    seed_rows = [r for r in rows if r["path"] == "seed/ha-noi/nq-000.txt"]
    assert len(seed_rows) == per_seed
    target = seed_doc.indicators()[0].targets[0]
    assert seed_rows[0]["ordinal"] == seed_doc.indicators()[0].num
    assert (seed_rows[0]["metric"], seed_rows[0]["value"], seed_rows[0]["unit"]) == \
        (target.metric or "", target.value, target.unit or "")
    assert list(rows[0]) == list(INDICATOR_COLUMNS)
    assert seed_rows[0]["council"] == (seed_doc.header.council.name
                                       if seed_doc.header.council else "")
    again = tmp_path / "again.csv"
    export_indicators(out, again)
    assert again.read_bytes() == csv_path.read_bytes()
    # --bom for Excel.
    export_indicators(out, tmp_path / "bom.csv", bom=True)
    assert (tmp_path / "bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")


# --------------------------------------------------------------------------- discovery


def test_discovery_keys_globs_and_exclusions(tmp_path: Path) -> None:
    src = tmp_path / "data"
    (src / "2023" / "q1").mkdir(parents=True)
    (src / "2023" / "q1" / "a.txt").write_text("x", encoding="utf-8")
    (src / "2023" / "b.txt").write_text("x", encoding="utf-8")
    (src / ".cache").mkdir()
    (src / ".cache" / "c.txt").write_text("x", encoding="utf-8")
    out = src / "out"  # an output folder inside the source is never an input
    out.mkdir()
    (out / "old.txt.json").write_text("{}", encoding="utf-8")
    (out / "report.txt").write_text("{}", encoding="utf-8")
    (src / "2023" / "link.txt").symlink_to(out / "report.txt")  # leads into the output folder
    keys = [i.key for i in discover([src], exclude=[out])]
    assert keys == ["2023/b.txt", "2023/q1/a.txt"]
    (src / "2023" / "link.txt").unlink()
    assert [i.key for i in discover([str(src / "2023" / "**" / "*.txt")])] == \
        ["b.txt", "q1/a.txt"]
    assert [i.key for i in discover([str(src / "2023" / "q1" / "a.txt")])] == ["a.txt"]
    # The same input reached twice is kept once; two inputs with one key are a usage error.
    assert len(discover([src / "2023", str(src / "2023" / "*.txt")])) == 2
    other = tmp_path / "other"
    other.mkdir()
    (other / "b.txt").write_text("y", encoding="utf-8")
    with pytest.raises(SourceError, match="same output"):
        discover([src / "2023", other])
    with pytest.raises(SourceError, match="inside the output folder"):
        discover([out], exclude=[src])
    with pytest.raises(SourceError):
        discover([])


def test_special_files_and_undecodable_names_are_skipped(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_bytes(SEED.read_bytes())
    os.mkfifo(src / "pipe.txt")  # reading it would hang a worker forever
    try:
        (src / os.fsdecode(b"bad-\xff.txt")).write_bytes(SEED.read_bytes())
        undecodable = True
    except (OSError, UnicodeEncodeError):
        undecodable = False
    results = {r.path: r for r in convert([src], tmp_path / "out", jobs=1)}
    assert results["pipe.txt"].status == "skipped" and results["pipe.txt"].code == "NQ606"
    assert results["good.txt"].converted
    if undecodable:
        assert results["bad-\ufffd.txt"].code == "NQ606"


def test_input_vanishing_after_discovery_is_nq605(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_bytes(SEED.read_bytes())
    (src / "gone.txt").write_bytes(SEED.read_bytes())
    batch = Batch([src], tmp_path / "out", jobs=1)
    (src / "gone.txt").unlink()
    results = {r.path: r for r in batch.run()}
    assert (results["gone.txt"].status, results["gone.txt"].code) == ("failed", "NQ605")
    assert results["a.txt"].converted


def test_fsspec_url_source(tmp_path: Path) -> None:
    pytest.importorskip("fsspec")
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.txt").write_bytes(SEED.read_bytes())
    with zipfile.ZipFile(src / "z.zip", "w") as zf:
        zf.writestr("m/b.txt", SEED.read_bytes())
    by_url = tmp_path / "by-url"
    by_path = tmp_path / "by-path"
    list(convert([src.as_uri()], by_url, jobs=1))
    list(convert([src], by_path, jobs=1))
    assert tree(by_url) == tree(by_path)
    assert set(tree(by_url)) == {"sub/a.txt.json", "z.zip/m/b.txt.json"}


def test_busy_output_folder_is_refused(tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(BatchError, match="another conversion"):
            list(convert([SEED], out))
    finally:
        os.close(fd)


def test_stopping_the_iteration_stops_the_workers(tmp_path: Path) -> None:
    import psutil

    src = tmp_path / "src"
    src.mkdir()
    for i in range(20):
        (src / f"nq-{i:02d}.txt").write_bytes(SEED.read_bytes())
    results = convert([src], tmp_path / "out", jobs=2)
    next(results)
    me = psutil.Process()
    assert any("nghiquyet.batch.child" in " ".join(c.cmdline()) for c in me.children())
    results.close()
    time.sleep(0.2)
    assert not [c for c in me.children() if "nghiquyet.batch.child" in " ".join(c.cmdline())]
    # The next run resumes from the compacted report.
    again = list(convert([src], tmp_path / "out", jobs=2))
    assert len(again) == 20 and any(r.up_to_date for r in again)


# --------------------------------------------------------------------------- units


def test_load_report_drops_partial_lines_duplicates_and_summary(tmp_path: Path) -> None:
    path = tmp_path / "report.jsonl"
    a1 = FileResult("a.txt", "failed", code="NQ601").to_line()
    a2 = FileResult("a.txt", "ok", sha256="1" * 64).to_line()
    b = FileResult("b.txt", "ok").to_line()
    path.write_text(f"{a1}\n{b}\n{{\"summary\": {{}}}}\n{a2}\n{{\"path\": \"c.t",
                    encoding="utf-8")
    records = load_report(path)
    assert list(records) == ["b.txt", "a.txt"]
    assert records["a.txt"]["status"] == "ok"
    assert load_report(tmp_path / "missing.jsonl") == {}


def test_file_result_round_trip_and_policy() -> None:
    result = FileResult("x.txt", "warnings", diagnostics={"error": 0, "warning": 2, "info": 1},
                        code="NQ401", message="m", outputs=("x.txt.json",))
    again = FileResult.from_record(json.loads(result.to_line()))
    assert again == result
    assert not result.breaks("error") and result.breaks("warning") and not result.breaks("never")
    skipped = FileResult("z.zip/../e", "skipped", code="NQ108", message="unsafe")
    assert skipped.breaks("error")
    assert skipped.format_line() == "z.zip/../e: skipped, error NQ108: unsafe"
    assert FileResult("p", "skipped", code="NQ606").breaks("warning")
    assert not FileResult("p", "skipped", code="NQ606").breaks("error")


def test_progress_bar_and_plain_lines() -> None:
    now = [0.0]
    bar_stream = io.StringIO()
    bar = Progress(4, bar_stream, mode="bar", clock=lambda: now[0])
    bar.begin()
    for i in range(4):
        now[0] += 1.0
        bar.advance(failed=i == 2)
    bar.message("x.txt: error NQ100: the input is empty")
    bar.finish()
    text = bar_stream.getvalue()
    assert "\r" in text and "4/4" in text and "1.0 files/s" in text and "1 failed" in text
    assert "x.txt: error NQ100" in text
    lines_stream = io.StringIO()
    lines = Progress(100, lines_stream, mode="lines", interval=10, clock=lambda: now[0])
    for _ in range(30):
        now[0] += 1.0
        lines.advance()
    lines.finish()
    out = lines_stream.getvalue().splitlines()
    assert "\r" not in lines_stream.getvalue()
    assert len(out) == 4  # every 10 s, plus the last
    assert out[-1].endswith("30/100 (30%), 1.0 files/s, ETA 0:01:10, 0 failed")
    off = io.StringIO()
    quiet = Progress(3, off, mode="off")
    quiet.advance()
    quiet.message("nothing")
    quiet.finish()
    assert off.getvalue() == ""


def test_parse_size() -> None:
    assert parse_size("4G") == 4 * 1024**3
    assert parse_size("512m") == 512 * 1024**2
    assert parse_size("1.5GiB") == int(1.5 * 1024**3)
    assert parse_size("0") == 0
