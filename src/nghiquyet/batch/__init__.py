"""Batch conversion: archives of resolutions → a folder of JSON / AKN outputs plus a report.

Stages: SOURCE arguments → :func:`~nghiquyet.batch.sources.discover` → items → jobs (largest
first) → an engine (local worker processes or a Dask cluster) → outputs written atomically (by
the local workers themselves, or here for Dask) → outcomes → one report line per input, written
here, in the calling process (:mod:`nghiquyet.batch.report`).

Example:
    >>> from nghiquyet.batch import convert
    >>> for result in convert(["archive/"], "out", to=("json", "akn"), jobs=4):  # doctest: +SKIP
    ...     if result.status == "failed":
    ...         print(result.format_line())

Guarantees: one input's failure (unreadable, parser bug, time-out, crash, memory blow-up) is
recorded and never stops the batch; outputs are written atomically and the report is flushed
per input, so a run killed at any point can simply be run again; inputs whose content hash,
tool version and options match the report are not redone (``force=True`` redoes them); outputs
are byte-identical whatever the engine, the number of workers or the interruptions.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import astuple
from pathlib import Path
from typing import Any

from nghiquyet import grammar
from nghiquyet.batch.report import FileResult, ReportFile, Summary, reusable
from nghiquyet.batch.sources import Item, SourceError, discover
from nghiquyet.batch.work import (
    Outcome, output_file, output_paths, place_outputs, remove_temporaries,
)
from nghiquyet.limits import DEFAULT_LIMITS, DEFAULT_PDF_ENGINE, Limits

__all__ = ["FORMATS", "Batch", "BatchError", "FileResult", "SourceError", "Summary", "convert"]

FORMATS = ("json", "akn", "jsonl")
"""Output formats: per-input JSON and AKN files, and ``jsonl`` — one combined
``documents.jsonl`` (it implies ``json``: the per-input JSON files are what makes it
resumable)."""

LOCK_WAIT = 3.0
"""Seconds a run waits for the output folder's lock before calling it busy."""

REPORT_NAME = "report.jsonl"
JSONL_NAME = "documents.jsonl"


class BatchError(RuntimeError):
    """The batch cannot run as asked: bad arguments, output folder busy or not writable
    (``nghiquyet convert`` exits with 2); :class:`~nghiquyet.batch.engines.EngineError`, a
    subclass, when the workers themselves fail (exit 3)."""


def schedule(items: Sequence[Item]) -> list[Item]:
    """The order in which to hand items to the workers: largest first.

    Longest-processing-time-first: the inputs that finish a run are then small ones, so no
    worker sits idle at the end while another converts a big PDF. Sizes are compared by powers
    of two only, and within one class discovery order is kept, so the members of a zip archive
    stay together (a worker keeps the archive it last read open). Inputs of unknown size
    (URLs) go last, in discovery order.
    """
    return sorted(items, key=lambda item: -(item.size or 0).bit_length())


def _check_akn() -> None:
    try:
        from nghiquyet.writers.akn import to_akn  # noqa: F401
    except ImportError as exc:
        raise BatchError(f"--to akn is not available in this installation: the AKN writer "
                         f"(nghiquyet.writers.akn) cannot be imported ({exc})") from None


class Batch:
    """One batch conversion: discovery happens on construction, the work in :meth:`run`.

    Args:
        sources: files, folders, glob patterns, zip archives or fsspec URLs.
        outdir: output folder; outputs mirror the inputs' relative paths.
        to: output formats, from :data:`FORMATS`.
        jobs: worker processes (local engine; local Dask cluster); default all cores.
        engine: "local" (worker processes on this machine) or "dask".
        scheduler: Dask scheduler address or ``distributed.Client``; None starts a local
            cluster (Dask engine only).
        force: redo inputs even when their outputs are up to date.
        timeout: seconds one input may take before its worker is killed (NQ601).
        max_memory: address-space limit of a worker process in bytes (0: none).
        limits: input limits; pdf_engine: PDF text engine.
        report: report path (default ``outdir/report.jsonl``).
        fail_on: policy used for :attr:`Summary.broke_policy` ("error", "warning", "never").

    Raises:
        SourceError: a source names nothing, or two inputs would write the same output.
        BatchError: an argument is unusable (unknown format, AKN writer missing …).
    """

    def __init__(self, sources: Sequence[str | os.PathLike[str]], outdir: str | os.PathLike[str],
                 *, to: Sequence[str] = ("json",), jobs: int | None = None,
                 engine: str = "local", scheduler: Any = None, force: bool = False,
                 timeout: float = 120.0, max_memory: int | None = None,
                 limits: Limits = DEFAULT_LIMITS, pdf_engine: str = DEFAULT_PDF_ENGINE,
                 report: str | os.PathLike[str] | None = None, fail_on: str = "error") -> None:
        from nghiquyet.batch.engines import DEFAULT_MAX_MEMORY

        if isinstance(sources, (str, os.PathLike)):
            sources = [sources]
        formats = tuple(dict.fromkeys(to))
        unknown = [f for f in formats if f not in FORMATS]
        if unknown or not formats:
            raise BatchError(f"unknown output format(s) {', '.join(unknown) or '(none)'}; "
                             f"choose from {', '.join(FORMATS)}")
        if "akn" in formats:
            _check_akn()
        if engine not in ("local", "dask"):
            raise BatchError(f"unknown engine {engine!r}: choose local or dask")
        if scheduler is not None and engine != "dask":
            raise BatchError("a scheduler address needs --engine dask")
        if jobs is not None and jobs < 1:
            raise BatchError("--jobs must be at least 1")
        if not timeout > 0:
            raise BatchError("--timeout must be positive")
        if fail_on not in ("error", "warning", "never"):
            raise BatchError(f"unknown --fail-on policy {fail_on!r}")
        self.outdir = Path(outdir).absolute()
        if self.outdir.exists() and not self.outdir.is_dir():
            raise BatchError(f"{self.outdir}: the output folder is a file")
        self.report_path = Path(report).absolute() if report else self.outdir / REPORT_NAME
        self.formats = formats
        self.file_formats = tuple(f for f in ("json", "akn")
                                  if f in formats or (f == "json" and "jsonl" in formats))
        self.jobs, self.engine_name, self.scheduler = jobs, engine, scheduler
        self.force, self.timeout = force, float(timeout)
        self.max_memory = DEFAULT_MAX_MEMORY if max_memory is None else int(max_memory)
        self.limits, self.pdf_engine, self.fail_on = limits, pdf_engine, fail_on
        self.items: list[Item] = discover(sources, exclude=[self.outdir, self.report_path],
                                          limits=limits)
        self.summary = Summary()
        self.notes: list[str] = []
        """Things the user should know that are not about one input (version mismatches)."""
        self.seconds = 0.0

    @property
    def total(self) -> int:
        """Number of inputs found."""
        return len(self.items)

    @property
    def options(self) -> str:
        """Fingerprint of the options that change output bytes."""
        text = repr((self.pdf_engine, astuple(self.limits)))
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def _engine(self, lock: int) -> Any:
        from nghiquyet.batch.engines import DaskEngine, LocalEngine

        if self.engine_name == "dask":
            return DaskEngine(self.scheduler, self.jobs, timeout=self.timeout,
                              max_memory=self.max_memory)
        return LocalEngine(self.jobs, timeout=self.timeout, max_memory=self.max_memory,
                           lock=lock)

    # ------------------------------------------------------------------ the run

    def run(self) -> Iterator[FileResult]:
        """Convert every input; yield one :class:`FileResult` per input as it is settled.

        Outputs and the report line of a result are written before it is yielded. Stopping
        the iteration early stops the workers; the report is then left compacted but without
        a summary, and the next run resumes.
        """
        from nghiquyet.batch.work import Job, tool_version

        started = time.perf_counter()
        try:
            self.outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BatchError(f"{self.outdir}: cannot create the output folder: "
                             f"{exc.strerror or exc}") from None
        lock = self._lock()
        report = ReportFile(self.report_path)
        try:
            try:
                previous = report.open()
            except OSError as exc:
                raise BatchError(f"{self.report_path}: cannot write the report: "
                                 f"{exc.strerror or exc}") from None
            self._remove_temporaries()
            tool, options = tool_version(), self.options
            self.summary = Summary()
            engine = self._engine(lock)
            # Local workers write their outputs themselves: the client's work per input stays
            # a report line, so it does not hold the workers back (or take their cores).
            outdir = str(self.outdir) if engine.writes_outputs else None
            jobs: list[Job] = []
            for item in schedule(self.items):
                if item.verdict is not None:
                    result = FileResult(item.key, item.verdict.status, item.source,
                                        diagnostics={"error": 0, "warning": 0, "info": 0},
                                        code=item.verdict.code, message=item.verdict.message,
                                        tool_version=tool, options=options)
                    yield self._settled(report, result)
                    continue
                known = None if self.force else reusable(
                    previous.get(item.key), tool=tool, options=options, outdir=self.outdir,
                    expected_outputs=output_paths(item.key, self.file_formats).values())
                jobs.append(Job(item.key, item.origin, item.member, self.file_formats,
                                self.limits, self.pdf_engine, known, outdir))
            sources = {item.key: item.source for item in self.items}
            try:
                for outcome in engine.run(jobs):
                    if outcome.status == "unchanged":
                        result = FileResult.from_record(previous[outcome.key], up_to_date=True)
                        self.summary.add(result, self.fail_on)
                        yield result
                        continue
                    yield self._settled(report, self._result(outcome, sources[outcome.key],
                                                             tool, options))
            finally:
                self.notes += engine.notes
            if "jsonl" in self.formats:
                self._write_jsonl(report)
            self.seconds = time.perf_counter() - started
            report.close(self.summary, {"seconds": round(self.seconds, 3),
                                        "tool_version": tool})
        finally:
            report.close()
            os.close(lock)

    def _settled(self, report: ReportFile, result: FileResult) -> FileResult:
        report.append(result)
        self.summary.add(result, self.fail_on)
        return result

    def _result(self, outcome: Outcome, source: str, tool: str, options: str) -> FileResult:
        """An outcome's report record, once its outputs are in place."""
        if outcome.written is None:  # outputs from a Dask worker, or a failure made here
            if outcome.code in ("NQ601", "NQ602"):  # a worker killed while writing?
                remove_temporaries(self.outdir, outcome.key)
            outcome = place_outputs(outcome, self.outdir)
        assert outcome.written is not None
        return FileResult(outcome.key, outcome.status, source, outcome.sha256,
                          outcome.input_format, outcome.written, outcome.counts, outcome.code,
                          outcome.message, outcome.seconds, outcome.tool_version or tool,
                          options, outcome.problems)

    def _write_jsonl(self, report: ReportFile) -> None:
        from nghiquyet.batch.export import export_jsonl

        keys = sorted(item.key for item in self.items)
        files = [output_file(self.outdir, rel) for key in keys
                 for rel in (report.records.get(key) or {}).get("outputs", ())
                 if rel.endswith(".json")]
        export_jsonl(self.outdir, self.outdir / JSONL_NAME, files=files)

    def _lock(self) -> int:
        """Hold an exclusive lock on the output folder for the run (two runs writing the same
        report would interleave).

        The local workers inherit the lock, so it is free only once no process that can write
        into the folder is left. Those of a run that was just killed take a moment to exit,
        so a busy lock is tried again for :data:`LOCK_WAIT` seconds.
        """
        import fcntl

        try:
            fd = os.open(self.outdir, os.O_RDONLY)
        except OSError as exc:
            raise BatchError(f"{self.outdir}: {exc.strerror or exc}") from None
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except OSError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise BatchError(f"{self.outdir}: another conversion is writing to this "
                                     "folder") from None
                time.sleep(0.05)

    def _remove_temporaries(self) -> None:
        """Delete temporary files a killed run left behind (they never replaced an output)."""
        for folder, _, files in os.walk(self.outdir):
            for name in files:
                if grammar.TEMP_OUTPUT.match(name):
                    Path(folder, name).unlink(missing_ok=True)


def convert(sources: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
            outdir: str | os.PathLike[str], *, to: Sequence[str] = ("json",),
            jobs: int | None = None, engine: str = "local", scheduler: Any = None,
            force: bool = False, timeout: float = 120.0, max_memory: int | None = None,
            limits: Limits = DEFAULT_LIMITS, pdf_engine: str = DEFAULT_PDF_ENGINE,
            report: str | os.PathLike[str] | None = None) -> Iterator[FileResult]:
    """Convert files, folders, globs and zip archives; return an iterator of per-input results.

    The same as ``nghiquyet convert`` (see :class:`Batch` for the arguments), for use inside
    other pipelines. Arguments and sources are checked at once (``SourceError``,
    ``BatchError``); the work happens as the iterator is consumed, and the outputs and report
    line of a result are on disk when it is yielded.

    Example:
        >>> failed = [r.path for r in convert("archive/", "out") if r.status == "failed"]
        ... # doctest: +SKIP
    """
    batch = Batch(sources if not isinstance(sources, (str, os.PathLike)) else [sources], outdir,
                  to=to, jobs=jobs, engine=engine, scheduler=scheduler, force=force,
                  timeout=timeout, max_memory=max_memory, limits=limits, pdf_engine=pdf_engine,
                  report=report)
    return batch.run()
