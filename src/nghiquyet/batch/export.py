"""Exports for analysts: converted JSON outputs → one indicators CSV, or one JSON Lines file.

Both read the ``*.json`` outputs of a ``convert`` run (with :func:`nghiquyet.from_json`, so
every document is validated against the model) in sorted path order, and write atomically: the
same outputs always give the same bytes.

- :func:`export_indicators`: one CSV row per indicator target (chỉ tiêu) across all documents.
- :func:`export_jsonl`: one compact JSON document per line (``documents.jsonl``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from nghiquyet.model import Resolution

INDICATOR_COLUMNS = ("path", "council", "locality", "year", "document_number", "ordinal",
                     "metric", "comparator", "value", "unit", "reference", "value_raw", "text")
"""Columns of the indicators CSV. ``path`` is the input's path (the output's without .json);
``year`` is the document's date's year, else the year in its number; ``value`` is a decimal
string with a dot ("16.8"), ``value_raw`` as printed ("16,8"); ``text`` is the target phrase."""


@dataclass(slots=True)
class ExportReport:
    """What an export read and wrote."""

    documents: int = 0
    rows: int = 0
    unreadable: list[str] = field(default_factory=list)
    """``path: reason`` for JSON files that are not documents of this schema."""


def json_outputs(outdir: Path) -> list[Path]:
    """The ``*.json`` outputs under ``outdir`` (hidden files left out), sorted by the path of
    their input (the output's path without ``.json``), as ``convert --to jsonl`` orders them."""
    found = [p for p in outdir.rglob("*.json")
             if p.is_file() and not any(part.startswith(".")
                                        for part in p.relative_to(outdir).parts)]
    return sorted(found, key=lambda p: p.relative_to(outdir).as_posix().removesuffix(".json"))


def _documents(outdir: Path, files: Sequence[Path] | None,
               report: ExportReport) -> Iterator[tuple[str, Resolution]]:
    from nghiquyet.errors import NghiquyetError
    from nghiquyet.writers.json import from_json

    paths = json_outputs(outdir) if files is None else list(files)
    for path in paths:
        rel = path.relative_to(outdir).as_posix() if path.is_relative_to(outdir) else str(path)
        try:
            document = from_json(path.read_bytes())
        except (NghiquyetError, OSError) as exc:
            report.unreadable.append(f"{rel}: {exc}")
            continue
        report.documents += 1
        yield rel.removesuffix(".json"), document


def indicator_rows(path: str, document: Resolution) -> Iterable[dict[str, str]]:
    """CSV rows (column → text) for every target of every indicator of one document."""
    header = document.header
    council = header.council
    number = header.number
    year = (header.date_line.date.year if header.date_line and header.date_line.date
            else number.year if number else None)
    common = {
        "path": path,
        "council": council.name if council else "",
        "locality": (council.locality or "") if council else "",
        "year": str(year) if year else "",
        "document_number": number.normalised if number else "",
    }
    for indicator in document.indicators():
        for target in indicator.targets:
            yield {**common, "ordinal": indicator.num, "metric": target.metric or "",
                   "comparator": target.comparator or "", "value": target.value,
                   "unit": target.unit or "", "reference": target.reference or "",
                   "value_raw": target.value_raw, "text": target.text}


@contextlib.contextmanager
def _sink(dest: Path | None, stdout: BinaryIO | None) -> Iterator[BinaryIO]:
    """Where an export streams to: ``stdout``, or a temporary file renamed onto ``dest`` once
    complete (an export killed half-way leaves the previous file intact)."""
    if dest is None:
        assert stdout is not None
        yield stdout
        stdout.flush()
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_indicators(outdir: str | Path, dest: str | Path | None, *,
                      files: Sequence[Path] | None = None, bom: bool = False,
                      stdout: BinaryIO | None = None) -> ExportReport:
    """Write the indicators CSV of every JSON output under ``outdir`` to ``dest``.

    ``dest`` None writes to ``stdout``. ``bom`` starts the file with a UTF-8 byte-order mark
    (Excel needs it to show Vietnamese correctly).
    """
    outdir = Path(outdir)
    report = ExportReport()
    with _sink(Path(dest) if dest is not None else None, stdout) as sink:
        text = io.TextIOWrapper(sink, encoding="utf-8-sig" if bom else "utf-8", newline="",
                                write_through=True)
        writer = csv.DictWriter(text, fieldnames=INDICATOR_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for path, document in _documents(outdir, files, report):
            for row in indicator_rows(path, document):
                writer.writerow(row)
                report.rows += 1
        text.flush()
        text.detach()
    return report


def export_jsonl(outdir: str | Path, dest: str | Path | None, *,
                 files: Sequence[Path] | None = None,
                 stdout: BinaryIO | None = None) -> ExportReport:
    """Write every JSON output under ``outdir`` (or ``files``) as one compact line each."""
    outdir = Path(outdir)
    report = ExportReport()
    with _sink(Path(dest) if dest is not None else None, stdout) as sink:
        for _, document in _documents(outdir, files, report):
            sink.write(document.model_dump_json(exclude_none=True).encode("utf-8") + b"\n")
            report.rows += 1
    return report
