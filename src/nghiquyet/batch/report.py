"""Batch report: :class:`FileResult` records ↔ ``report.jsonl``, the summary, resumability.

The report has one JSON line per input, keyed by ``path`` (the item key), and ends with one
``{"summary": …}`` line. During a run each result is appended and flushed as soon as its outputs
are written, so a killed run loses at most the line being written. On the next start
:func:`load_report` drops a partial last line and the summary, keeps the last line per path,
and the file is rewritten (atomically) without duplicates; at the end of a run it is rewritten
sorted by path, with the summary. The lines' content hash, tool version and options decide
which inputs are up to date (see :func:`reusable`).

Line keys, in this order: path, status, source, sha256, format, outputs, diagnostics (counts by
severity), code, message, seconds, tool_version, options, problems (error and warning
diagnostics, machine form).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from nghiquyet.diagnostics import CODES, Severity

STATUSES = ("ok", "warnings", "errors", "failed", "skipped")
"""ok: converted cleanly; warnings / errors: converted with warning / error diagnostics;
failed: no output (unreadable input, time-out, crash); skipped: refused at discovery (unsafe or
special member or file)."""

CONVERTED = ("ok", "warnings", "errors")


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one input (one report line)."""

    path: str
    """Item key: relative path of the input (``hs.zip/nq-01.txt`` for an archive member)."""
    status: str
    """One of :data:`STATUSES`."""
    source: str = ""
    """Where the bytes came from (local path or URL, ``!member`` for archive members)."""
    sha256: str | None = None
    """SHA-256 of the input bytes."""
    format: str | None = None
    """Input format read from the content."""
    outputs: tuple[str, ...] = ()
    """Output files written, relative to the output folder."""
    diagnostics: Mapping[str, int] = field(default_factory=dict)
    """Diagnostics by severity: error, warning, info."""
    code: str | None = None
    """Failure code, else the first error (then warning) diagnostic's code."""
    message: str | None = None
    """Message that goes with ``code``."""
    seconds: float = 0.0
    """Time spent on the input (zero for inputs not redone)."""
    tool_version: str = ""
    """Version of the code that produced the outputs (release + code digest)."""
    options: str = ""
    """Fingerprint of the options that change outputs (PDF engine, limits)."""
    problems: tuple[Mapping[str, Any], ...] = ()
    """Error and warning diagnostics (at most 50)."""
    up_to_date: bool = False
    """True when the input was not redone in this run (its outputs were current). Not stored."""

    @property
    def converted(self) -> bool:
        return self.status in CONVERTED

    @property
    def worst(self) -> Severity | None:
        """The most serious severity this input reported, for ``--fail-on``."""
        if self.status == "failed" or self.diagnostics.get("error"):
            return Severity.ERROR
        if self.status == "skipped" and self.code in CODES:
            return CODES[self.code][0]
        if self.diagnostics.get("warning"):
            return Severity.WARNING
        return None

    def breaks(self, fail_on: str) -> bool:
        """Does this result break the ``--fail-on`` policy ("error", "warning", "never")?"""
        worst = self.worst
        if fail_on == "never" or worst is None:
            return False
        return worst is Severity.ERROR or (fail_on == "warning" and worst is Severity.WARNING)

    def format_line(self) -> str:
        """Compiler-style line for failures and refusals: ``hs.zip/x.txt: error NQ108: …``."""
        severity = self.worst.value if self.worst else "info"
        word = {"skipped": f"skipped, {severity}"}.get(self.status, severity)
        return f"{self.path}: {word} {self.code}: {self.message}"

    def to_record(self) -> dict[str, Any]:
        return {
            "path": self.path, "status": self.status, "source": self.source,
            "sha256": self.sha256, "format": self.format, "outputs": list(self.outputs),
            "diagnostics": {k: int(self.diagnostics.get(k, 0))
                            for k in ("error", "warning", "info")},
            "code": self.code, "message": self.message, "seconds": self.seconds,
            "tool_version": self.tool_version, "options": self.options,
            "problems": [dict(p) for p in self.problems],
        }

    def to_line(self) -> str:
        return json.dumps(self.to_record(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_record(cls, record: Mapping[str, Any], *, up_to_date: bool = False) -> FileResult:
        return cls(
            path=str(record["path"]), status=str(record.get("status", "failed")),
            source=str(record.get("source", "")), sha256=record.get("sha256"),
            format=record.get("format"), outputs=tuple(record.get("outputs") or ()),
            diagnostics=dict(record.get("diagnostics") or {}), code=record.get("code"),
            message=record.get("message"), seconds=float(record.get("seconds") or 0.0),
            tool_version=str(record.get("tool_version", "")),
            options=str(record.get("options", "")),
            problems=tuple(record.get("problems") or ()), up_to_date=up_to_date)

    def as_up_to_date(self) -> FileResult:
        return replace(self, up_to_date=True)


@dataclass(slots=True)
class Summary:
    """Counts over the inputs of one run (up-to-date inputs count with their recorded status)."""

    files: int = 0
    converted: int = 0
    """Inputs with outputs (including those with warnings or errors)."""
    with_warnings: int = 0
    """Converted inputs whose worst diagnostic is a warning."""
    with_errors: int = 0
    """Converted inputs with error diagnostics (the output is incomplete or wrong)."""
    failed: int = 0
    skipped: int = 0
    up_to_date: int = 0
    """Inputs not redone because their outputs were current."""
    broke_policy: int = 0
    """Inputs that break the ``--fail-on`` policy."""

    def add(self, result: FileResult, fail_on: str = "error") -> None:
        self.files += 1
        if result.converted:
            self.converted += 1
            self.with_warnings += result.status == "warnings"
            self.with_errors += result.status == "errors"
        elif result.status == "skipped":
            self.skipped += 1
        else:
            self.failed += 1
        self.up_to_date += result.up_to_date
        self.broke_policy += result.breaks(fail_on)

    def text(self) -> str:
        """``N converted, W with warnings, F failed, S skipped`` (+ errors and up-to-date)."""
        parts = [f"{self.converted} converted", f"{self.with_warnings} with warnings"]
        if self.with_errors:
            parts.append(f"{self.with_errors} with errors")
        parts += [f"{self.failed} failed", f"{self.skipped} skipped"]
        text = ", ".join(parts)
        if self.up_to_date:
            text += f" ({self.up_to_date} up to date, not redone)"
        return text

    def to_dict(self) -> dict[str, int]:
        return {"files": self.files, "converted": self.converted,
                "with_warnings": self.with_warnings, "with_errors": self.with_errors,
                "failed": self.failed, "skipped": self.skipped, "up_to_date": self.up_to_date}


# --------------------------------------------------------------------------- the file


def load_report(path: Path) -> dict[str, dict[str, Any]]:
    """Records of an existing report, last line per path wins.

    A partial last line (a run killed while writing it), unreadable lines and summary lines are
    dropped. A missing file gives an empty mapping.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    lines = data.split(b"\n")
    if not data.endswith(b"\n"):
        lines = lines[:-1]  # the line being written when the run was killed
    records: dict[str, dict[str, Any]] = {}
    for raw in lines:
        try:
            record = json.loads(raw)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("path"), str):
            records.pop(record["path"], None)
            records[record["path"]] = record
    return records


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    from nghiquyet.cli import write_atomic

    write_atomic(path, "".join(line + "\n" for line in lines).encode("utf-8"))


class ReportFile:
    """The report of one run: compacted on open, appended per result, sorted on close."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records: dict[str, dict[str, Any]] = {}
        self._handle: IO[bytes] | None = None

    def open(self) -> dict[str, dict[str, Any]]:
        """Load and compact the existing report; return its records by path."""
        self.records = load_report(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _write_lines(self.path, (json.dumps(r, ensure_ascii=False, separators=(",", ":"))
                                 for r in self.records.values()))
        self._handle = open(self.path, "ab")  # noqa: SIM115 (closed in close())
        return dict(self.records)

    def append(self, result: FileResult) -> None:
        """Record one result; it is on disk (in the OS's hands) when this returns."""
        assert self._handle is not None
        record = result.to_record()
        self.records.pop(result.path, None)
        self.records[result.path] = record
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        self._handle.write((line + "\n").encode("utf-8"))
        self._handle.flush()

    def close(self, summary: Summary | None = None, extra: Mapping[str, Any] | None = None) -> None:
        """Rewrite the report sorted by path, ending with the summary line (if given)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if summary is None:
            return
        lines = [json.dumps(self.records[k], ensure_ascii=False, separators=(",", ":"))
                 for k in sorted(self.records)]
        lines.append(json.dumps({"summary": {**summary.to_dict(), **(extra or {})}},
                                ensure_ascii=False, separators=(",", ":")))
        _write_lines(self.path, lines)


def reusable(record: Mapping[str, Any] | None, *, tool: str, options: str,
             expected_outputs: Iterable[str], outdir: Path) -> str | None:
    """The recorded input hash if ``record`` may be reused when the input still has it.

    Reusable: made by the same code with the same options, and either converted with every
    requested output still present, or failed for a reason that depends only on the bytes
    (an NQ1xx reader error). Time-outs, crashes and internal errors (NQ6xx) are always redone.
    """
    if not record or record.get("tool_version") != tool or record.get("options") != options:
        return None
    sha256 = record.get("sha256")
    if not isinstance(sha256, str):
        return None
    status, code = record.get("status"), str(record.get("code") or "")
    if status in CONVERTED:
        recorded = set(record.get("outputs") or ())
        expected = list(expected_outputs)
        # outputs are renamed into place without a sync: after a power cut a file may exist
        # but be empty, so an empty output is never trusted
        if all(o in recorded and os.path.isfile(outdir / o) and os.path.getsize(outdir / o) > 0
               for o in expected):
            return sha256
        return None
    if status == "failed" and code.startswith("NQ1"):
        return sha256
    return None
