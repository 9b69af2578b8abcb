"""Batch sub-commands: ``nghiquyet convert`` and ``nghiquyet export`` (added by
:func:`add_commands`, see ``nghiquyet.cli._PLUGINS``).

``convert SOURCE... -o OUTDIR [--to json,akn,jsonl] [--jobs N] [--engine local|dask]
[--scheduler ADDRESS] [--report FILE] [--fail-on error|warning|never] [--force] [--timeout S]
[--max-memory SIZE] [-q|-v]``

``export indicators OUTDIR [-o FILE.csv] [--bom]`` and ``export jsonl OUTDIR [-o FILE]``.

Exit codes (STYLE §4): 0 every input is fine under ``--fail-on``, 1 some input broke it,
2 usage error, 3 internal error (the batch itself could not run).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from nghiquyet.limits import DEFAULT_PDF_ENGINE



def parse_size(text: str) -> int:
    """``4G``, ``512M``, ``1.5g``, ``1000000`` → bytes (binary multiples); ``0`` means none."""
    from nghiquyet import grammar

    match = grammar.MEMORY_SIZE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 4G, 512M)")
    power = " kmgt".index(match["unit"].lower() or " ")
    return int(float(match["num"]) * 1024**power)


def _positive(kind: type) -> Any:
    def check(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
        return value
    return check


def _formats(text: str) -> tuple[str, ...]:
    from nghiquyet.batch import FORMATS

    formats = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(bad) or text!r}: "
                                         f"choose from {','.join(FORMATS)}")
    return formats


def cmd_convert(args: argparse.Namespace) -> int:
    from nghiquyet.batch import Batch, BatchError, SourceError
    from nghiquyet.batch.engines import EngineError
    from nghiquyet.batch.progress import Progress
    from nghiquyet.cli import EXIT_INTERNAL, EXIT_OK, EXIT_POLICY, EXIT_USAGE
    from nghiquyet.limits import Limits

    engine = args.engine or ("dask" if args.scheduler else "local")
    try:
        batch = Batch(args.sources, args.output, to=args.to, jobs=args.jobs, engine=engine,
                      scheduler=args.scheduler, force=args.force, timeout=args.timeout,
                      max_memory=args.max_memory, pdf_engine=args.pdf_engine,
                      limits=Limits(max_bytes=args.max_bytes, max_pages=args.max_pages),
                      report=args.report, fail_on=args.fail_on)
    except (SourceError, BatchError) as exc:
        print(f"nghiquyet convert: {exc}", file=sys.stderr)
        return EXIT_USAGE
    progress = Progress(batch.total, sys.stderr, mode="off" if args.quiet else "auto")
    progress.begin()
    try:
        for result in batch.run():
            shout = result.status in ("failed", "skipped") or result.breaks(args.fail_on) or (
                args.verbose and result.status != "ok")
            if shout and not result.up_to_date:
                progress.message(result.format_line())
            progress.advance(failed=result.status == "failed")
    except BatchError as exc:  # output folder unusable (2); workers or cluster failing (3)
        progress.finish()
        print(f"nghiquyet convert: {exc}", file=sys.stderr)
        return EXIT_INTERNAL if isinstance(exc, EngineError) else EXIT_USAGE
    progress.finish()
    if not args.quiet:
        for note in batch.notes:
            print(f"nghiquyet convert: note: {note}", file=sys.stderr)
        print(f"{batch.summary.text()} — report: {batch.report_path}", file=sys.stderr)
    return EXIT_POLICY if batch.summary.broke_policy else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from nghiquyet.batch import JSONL_NAME
    from nghiquyet.batch.export import export_indicators, export_jsonl
    from nghiquyet.cli import EXIT_OK, EXIT_POLICY, EXIT_USAGE

    outdir = Path(args.outdir)
    if not outdir.is_dir():
        print(f"nghiquyet export: {outdir}: not a folder of converted outputs", file=sys.stderr)
        return EXIT_USAGE
    dest: Path | None
    if args.output == "-" or (args.output is None and args.what == "indicators"):
        dest = None
    else:
        dest = Path(args.output) if args.output else outdir / JSONL_NAME
    if args.what == "indicators":
        done = export_indicators(outdir, dest, bom=args.bom, stdout=sys.stdout.buffer)
        what = f"{done.rows} indicator target(s) from {done.documents} document(s)"
    else:
        done = export_jsonl(outdir, dest, stdout=sys.stdout.buffer)
        what = f"{done.documents} document(s)"
    for problem in done.unreadable:
        print(f"nghiquyet export: skipped {problem}", file=sys.stderr)
    if not args.quiet:
        print(f"{what} exported" + (f" to {dest}" if dest else ""), file=sys.stderr)
    return EXIT_POLICY if done.unreadable else EXIT_OK


def add_commands(subparsers: Any) -> None:
    """Add ``convert`` and ``export`` to the ``nghiquyet`` command line."""
    from nghiquyet.batch.engines import DEFAULT_MAX_MEMORY

    p = subparsers.add_parser(
        "convert", help="convert many files, folders, globs or zip archives in parallel",
        description="Convert files, folders (recursively), glob patterns and zip archives into "
                    "OUTDIR, mirroring their paths (OUTDIR/<path>.json, .akn.xml), with a "
                    "report line per input in OUTDIR/report.jsonl. Re-running resumes: inputs "
                    "whose outputs are current are not redone.")
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="file, folder, glob pattern, zip archive or (with fsspec) URL")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder")
    p.add_argument("--to", type=_formats, default=("json",), metavar="FORMATS",
                   help="comma-separated: json, akn, jsonl (OUTDIR/documents.jsonl; implies "
                        "json); default json")
    p.add_argument("-j", "--jobs", type=_positive(int), metavar="N",
                   help="worker processes (default: all cores); with --scheduler the "
                        "cluster's workers are used")
    p.add_argument("--engine", choices=("local", "dask"),
                   help="local worker processes (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler, e.g. tcp://host:8786 (implies --engine dask); without "
                        "it --engine dask starts a local cluster")
    p.add_argument("--report", metavar="FILE", help="report path (default OUTDIR/report.jsonl)")
    p.add_argument("--fail-on", choices=("error", "warning", "never"), default="error",
                   help="exit 1 if an input has diagnostics of this severity or worse, or "
                        "failed (default error)")
    p.add_argument("--force", action="store_true", help="redo inputs that are up to date")
    p.add_argument("--timeout", type=_positive(float), default=120.0, metavar="S",
                   help="seconds one input may take before its worker is killed (default 120)")
    p.add_argument("--max-memory", type=parse_size, default=DEFAULT_MAX_MEMORY, metavar="SIZE",
                   help="memory limit of one worker process, e.g. 4G (default), 0 for none")
    p.add_argument("--pdf-engine", choices=("pdfplumber", "pdfium"),
                   default=DEFAULT_PDF_ENGINE)
    p.add_argument("--max-bytes", type=int, default=64 * 1024 * 1024)
    p.add_argument("--max-pages", type=int, default=500)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also name inputs converted with warnings")
    p.set_defaults(func=cmd_convert)

    p = subparsers.add_parser(
        "export", help="combine converted outputs: indicators CSV or one JSON Lines file",
        description="Read the JSON outputs of `nghiquyet convert` in OUTDIR (sorted by path) "
                    "and write one indicators CSV (a row per target) or one JSON Lines file.")
    p.add_argument("what", choices=("indicators", "jsonl"))
    p.add_argument("outdir", metavar="OUTDIR")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="output file, - for standard output (default: standard output for "
                        "indicators, OUTDIR/documents.jsonl for jsonl)")
    p.add_argument("--bom", action="store_true",
                   help="start the CSV with a UTF-8 byte-order mark (for Excel)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_export)
