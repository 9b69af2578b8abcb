"""Command-line interface: ``nghiquyet parse | schema | validate | convert | export | eval | debug``.

Exit codes: 0 success (under ``--fail-on``), 1 a file broke the policy, 2 usage error,
3 internal error (a bug: the traceback is printed), 4 the input cannot be read at all
(empty, binary, corrupt, encrypted, scanned — the printed code says which).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nghiquyet.limits import DEFAULT_PDF_ENGINE

if TYPE_CHECKING:
    from nghiquyet.diagnostics import Diagnostic
    from nghiquyet.limits import Limits

EXIT_OK, EXIT_POLICY, EXIT_USAGE, EXIT_INTERNAL, EXIT_UNREADABLE = 0, 1, 2, 3, 4


@functools.cache
def new_file_mode() -> int:
    """The mode an ordinary new file gets under this process's umask (read once: reading the
    umask means setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write a file via a temporary file in the same folder and a rename.

    The rename alone guarantees that a killed process leaves either the old file or the new
    one, never half of one. ``durable`` also syncs the data to disk first, which survives a
    power cut too; the batch writer turns it off (a sync per file would cap a whole archive
    run at a few hundred files per second) and relies on re-running, which redoes any file
    whose output does not match the report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.chmod(tmp, new_file_mode())  # mkstemp makes 0600 files; outputs are for sharing
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _policy_broken(diagnostics: Sequence[Diagnostic], fail_on: str) -> bool:
    from nghiquyet.diagnostics import Severity

    if fail_on == "never":
        return False
    worst = {d.severity for d in diagnostics}
    if Severity.ERROR in worst:
        return True
    return fail_on == "warning" and Severity.WARNING in worst


def _limits(args: argparse.Namespace) -> Limits:
    from nghiquyet.limits import Limits

    return Limits(max_bytes=args.max_bytes, max_pages=args.max_pages)


def cmd_parse(args: argparse.Namespace) -> int:
    import nghiquyet
    from nghiquyet.errors import NghiquyetError

    try:
        result = nghiquyet.parse_file(args.file, limits=_limits(args),
                                      pdf_engine=args.pdf_engine)
    except FileNotFoundError:
        print(f"nghiquyet: {args.file}: no such file", file=sys.stderr)
        return EXIT_USAGE
    except NghiquyetError as exc:
        print(exc.format(), file=sys.stderr)
        return EXIT_UNREADABLE
    for diagnostic in result.diagnostics:
        if args.verbose or diagnostic.severity.value != "info":
            print(diagnostic.format(), file=sys.stderr)
    if args.format == "akn":
        from nghiquyet.writers.akn import to_akn

        data = to_akn(result.document)
    else:
        data = nghiquyet.to_json(result.document).encode("utf-8")
    if args.output and args.output != "-":
        try:
            write_atomic(Path(args.output), data)
        except OSError as exc:  # disk full, read-only folder …: nothing was left behind
            print(f"{args.output}: error NQ604: cannot write output: {exc.strerror or exc}",
                  file=sys.stderr)
            return EXIT_POLICY
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_POLICY if _policy_broken(result.diagnostics, args.fail_on) else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from nghiquyet.writers.json import json_schema_text

    sys.stdout.write(json_schema_text())
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from nghiquyet.validate import validate_files

    problems = validate_files([Path(p) for p in args.files])
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    if not args.quiet:
        print(f"{len(args.files)} file(s) checked, {len(problems)} problem(s)", file=sys.stderr)
    return EXIT_POLICY if problems else EXIT_OK


def cmd_debug(args: argparse.Namespace) -> int:
    from nghiquyet.readers import read_path

    source = read_path(args.file)
    if args.what == "lines":
        for line in source.lines:
            page = f"p{line.span.page}" if line.span.page else "  "
            size = f"{line.size:4.1f}" if line.size else "    "
            flags = ("B" if line.bold else "-") + ("I" if line.italic else "-") + \
                    ("P" if line.paragraph_start else "-")
            print(f"{page:>4} l{line.span.line:<4} {line.zone.value:<12} {size} {flags} {line.text}")
    else:
        from nghiquyet.parser.body import segment
        from nghiquyet.parser.lines import Doc, detect_wrapped

        doc = Doc(list(source.lines), source.diagnostics)
        doc.wrapped = source.format != "text" or detect_wrapped(list(source.lines))
        for unit in segment(doc, 0, len(doc.lines)):
            first = doc.lines[unit.lines[0]]
            print(f"{unit.rule:<10} {first.span!s:<10} {first.text[:90]}")
    return EXIT_OK


_PLUGINS = (
    ("nghiquyet.batch.cli", "add_commands"),
    ("nghiquyet.evaluate", "add_commands"),
    ("nghiquyet.fuzz", "add_commands"),
)
"""Modules that add their own sub-commands (batch conversion, export, accuracy harness)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nghiquyet",
        description="Turn resolutions of Vietnam's People's Councils (Nghị quyết HĐND) into "
                    "validated JSON and Akoma Ntoso 3.0.")
    parser.add_argument("--version", action="version", version="nghiquyet 0.1.0")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse one file and write JSON or AKN")
    p.add_argument("file", help="a .txt, .pdf, .html or .docx file (format read from content)")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--format", choices=("json", "akn"), default="json")
    p.add_argument("--fail-on", choices=("error", "warning", "never"), default="error")
    p.add_argument("--pdf-engine", choices=("pdfplumber", "pdfium"),
                   default=DEFAULT_PDF_ENGINE)
    p.add_argument("--max-bytes", type=int, default=64 * 1024 * 1024)
    p.add_argument("--max-pages", type=int, default=500)
    p.add_argument("-v", "--verbose", action="store_true", help="also print INFO diagnostics")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("schema", help="print the JSON Schema of the output")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("validate", help="check JSON and AKN files against their schemas")
    p.add_argument("files", nargs="+")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("debug", help="print what the reader or the segmenter sees")
    p.add_argument("what", choices=("lines", "blocks"))
    p.add_argument("file")
    p.set_defaults(func=cmd_debug)

    for module, function in _PLUGINS:
        try:
            getattr(importlib.import_module(module), function)(sub)
        except ImportError:
            continue
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # a bug: say so plainly, with the traceback for the report
        traceback.print_exc()
        print("nghiquyet: internal error (exit 3) — please report it with the input file",
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
