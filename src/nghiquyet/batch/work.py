"""Batch work unit: :class:`Job` → :class:`Outcome` (read → parse → serialise → place outputs).

:func:`run_job` reads the input (a local file, a zip member or an fsspec URL), parses it and
serialises the outputs. Where they go depends on the job: a local worker shares the client's
file system, so it writes them into the output folder itself (``Job.outdir``,
:func:`place_outputs`) and sends back only the report data, which keeps the client's work per
input small; a Dask worker may run on another machine, so it returns the bytes and the client
places them with the same function. Any exception becomes a failed outcome with a code; only
the death of the process itself escapes, and the engines turn that into NQ602.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import functools
import hashlib
import importlib
import os
import time
import traceback
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import IO, Any

from nghiquyet.diagnostics import CODES, Severity
from nghiquyet.limits import DEFAULT_LIMITS, DEFAULT_PDF_ENGINE, Limits

OUTPUT_SUFFIXES = {"json": ".json", "akn": ".akn.xml"}
"""Output format → suffix appended to the item key."""

MAX_PROBLEMS = 50
"""Most error and warning diagnostics copied into a report line (the counts are always full)."""

FAULTS_ENV = "_NGHIQUYET_BATCH_FAULTS"
"""Test-only fault injection, read in the worker: ``action:glob[:arg]`` items separated by
``;``, where action is ``sleep`` (arg seconds), ``exit`` (os._exit), ``kill`` (SIGKILL to
itself), ``alloc`` (allocate arg megabytes), all before parsing, or ``kill-written`` (SIGKILL
once the outputs are in place, before the outcome is sent). The glob is matched against the
item key. Never set it outside tests."""


@dataclass(frozen=True, slots=True)
class Job:
    """What a worker needs to convert one input."""

    key: str
    """The item key (relative path naming the outputs)."""
    origin: str
    """Local path or URL of the file or of its archive."""
    member: str | None = None
    """Zip member name as stored, for archive members."""
    formats: tuple[str, ...] = ("json",)
    """Output formats to produce ("json", "akn")."""
    limits: Limits = DEFAULT_LIMITS
    """Input limits."""
    pdf_engine: str = DEFAULT_PDF_ENGINE
    """PDF text extraction engine."""
    known_sha256: str | None = None
    """SHA-256 of the input that produced the existing outputs: if the input still has it, the
    worker answers "unchanged" without parsing."""
    outdir: str | None = None
    """Output folder (absolute) when the worker writes the outputs itself (local engine); None
    when they travel back in :attr:`Outcome.outputs` (Dask)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a worker returns for one job."""

    key: str
    status: str
    """"ok", "warnings", "errors" (converted with error diagnostics), "failed" or "unchanged"."""
    sha256: str | None = None
    """SHA-256 of the input bytes, when they could be read."""
    input_format: str | None = None
    """Input format read from the content ("text", "pdf" …)."""
    outputs: dict[str, bytes] = field(default_factory=dict)
    """Output format → bytes, for converted inputs whose outputs are not placed yet."""
    counts: dict[str, int] = field(default_factory=dict)
    """Diagnostics by severity: {"error": n, "warning": n, "info": n}."""
    code: str | None = None
    """Failure code, or the first error (then warning) diagnostic's code."""
    message: str | None = None
    """The message that goes with ``code``."""
    problems: tuple[dict[str, Any], ...] = ()
    """Error and warning diagnostics (machine form, at most :data:`MAX_PROBLEMS`)."""
    seconds: float = 0.0
    """Time spent on this input."""
    tool_version: str = ""
    """:func:`tool_version` of the process that did the work."""
    restart: bool = False
    """The worker should be replaced after this job (it ran out of memory)."""
    written: tuple[str, ...] | None = None
    """Output files now in the output folder (relative paths), once :func:`place_outputs` has
    run; None before (outputs still in :attr:`outputs`, or a failure the supervisor made)."""


_VERSIONS: dict[tuple[tuple[str, int, int], ...], str] = {}
_PINNED: list[str] = []


def _package_files() -> tuple[Path, list[Path]]:
    import nghiquyet

    root = Path(nghiquyet.__file__).parent
    return root, sorted(p for p in root.rglob("*") if p.suffix in (".py", ".json", ".xsd")
                        and "__pycache__" not in p.parts)


def tool_version() -> str:
    """``<release>+<digest>``: the release plus a digest of the package's code and data.

    Output bytes depend on the code, and the release number is not bumped for every change, so
    resumability compares this string: any change to the package redoes every file. It is
    recomputed when a file's size or time stamp changes (a long-lived process calling
    :func:`nghiquyet.batch.convert` again sees edits), except in a worker, which pins the value
    of the code it imported (:func:`pin_tool_version`).
    """
    if _PINNED:
        return _PINNED[0]
    import nghiquyet

    root, files = _package_files()
    signature = tuple((p.relative_to(root).as_posix(), p.stat().st_mtime_ns, p.stat().st_size)
                      for p in files)
    version = _VERSIONS.get(signature)
    if version is None:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0" + path.read_bytes() + b"\0")
        version = _VERSIONS[signature] = f"{nghiquyet.__version__}+{digest.hexdigest()[:12]}"
    return version


def pin_tool_version() -> str:
    """Fix :func:`tool_version` for the rest of this process (worker processes do it at start,
    once the parser is imported)."""
    _PINNED[:] = [tool_version()]
    return _PINNED[0]


def failure(job: Job, code: str, elapsed: float = 0.0, sha256: str | None = None,
            restart: bool = False, **fields: object) -> Outcome:
    """A failed outcome with a catalogue code and its message filled in from ``fields``."""
    template = CODES[code][1]
    try:
        message = template.format(**fields)
    except KeyError:
        message = template
    return Outcome(job.key, "failed", sha256, None, {}, {"error": 1, "warning": 0, "info": 0},
                   code, message, (), round(elapsed, 6), tool_version(), restart)


# --------------------------------------------------------------------------- reading


class _Archives:
    """The last zip archive opened by this process, kept open: members of one archive are
    queued one after another, and re-reading the central directory for each member would make
    a large archive quadratic."""

    origin: str | None = None
    handle: IO[bytes] | None = None
    archive: zipfile.ZipFile | None = None

    @classmethod
    def get(cls, origin: str) -> zipfile.ZipFile:
        if cls.origin != origin or cls.archive is None:
            cls.close()
            cls.handle = _open(origin)
            try:
                cls.archive = zipfile.ZipFile(cls.handle)
            except BaseException:
                cls.close()
                raise
            cls.origin = origin
        return cls.archive

    @classmethod
    def close(cls) -> None:
        for thing in (cls.archive, cls.handle):
            if thing is not None:
                thing.close()
        cls.origin, cls.handle, cls.archive = None, None, None


def _open(origin: str) -> IO[bytes]:
    from nghiquyet.batch.sources import is_url

    if is_url(origin):
        fsspec: Any = importlib.import_module("fsspec")  # no type information
        handle: IO[bytes] = fsspec.open(origin, "rb").open()
        return handle
    return open(origin, "rb")  # noqa: SIM115 (closed by the caller)


def read_input(job: Job) -> bytes:
    """The input's bytes, within the limits.

    Raises:
        ReaderError: too large (NQ105), encrypted member (NQ102), corrupt archive (NQ103).
        OSError: the file cannot be read (the caller reports NQ605).
    """
    from nghiquyet.errors import (
        CorruptDocumentError, EncryptedDocumentError, LimitExceededError,
    )

    limits = job.limits
    if job.member is None:
        from nghiquyet.batch.sources import is_url

        if not is_url(job.origin):
            size = os.stat(job.origin).st_size
            if size > limits.max_bytes:
                raise LimitExceededError(source=job.key, detail=f"{size} bytes > "
                                                                 f"{limits.max_bytes}")
        with _open(job.origin) as handle:
            data = handle.read(limits.max_bytes + 1)
        if len(data) > limits.max_bytes:
            raise LimitExceededError(source=job.key, detail=f"more than {limits.max_bytes} bytes")
        return data
    try:
        archive = _Archives.get(job.origin)
        info = archive.getinfo(job.member)
        if info.flag_bits & 0x1:
            raise EncryptedDocumentError(source=job.key, detail=" (encrypted zip member)")
        cap = min(limits.max_bytes, limits.max_unpacked_bytes)
        if info.file_size > cap:
            raise LimitExceededError(source=job.key, detail=f"{info.file_size} bytes > {cap}")
        with archive.open(info) as member:
            # The header's size can lie; never unpack more than the cap.
            data = member.read(cap + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, NotImplementedError) as exc:
        _Archives.close()
        raise CorruptDocumentError(source=job.key, detail=f"zip member: {exc}") from None
    if len(data) > cap:
        raise LimitExceededError(source=job.key, detail=f"member unpacks to more than {cap} bytes")
    return data


# --------------------------------------------------------------------------- placing outputs


def output_paths(key: str, formats: Iterable[str]) -> dict[str, str]:
    """Output format → output path relative to the output folder, for one input key."""
    return {fmt: key + OUTPUT_SUFFIXES[fmt] for fmt in formats if fmt in OUTPUT_SUFFIXES}


@functools.lru_cache(maxsize=256)
def _output_folder(outdir: str, folder: str) -> Path | None:
    """``outdir/folder`` with symbolic links resolved, or None when that lands outside the
    output folder. Cached (and bounded): the outputs of an archive share a few folders, and
    resolving costs a system call per path component."""
    root = Path(outdir).resolve()
    path = (root / folder).resolve()
    return path if path.is_relative_to(root) else None


def output_file(outdir: str | os.PathLike[str], rel: str) -> Path:
    """``outdir/rel``, refusing (``OSError``) a path that a symbolic link to a folder would take
    outside the output folder. The file itself may be a link: it is replaced or removed, never
    written through."""
    folder, _, name = rel.rpartition("/")
    path = _output_folder(os.fspath(outdir), folder)
    if path is None:
        raise OSError(errno.EACCES, "output path outside the output folder", rel)
    return path / name


def place_outputs(outcome: Outcome, outdir: str | os.PathLike[str]) -> Outcome:
    """Put an outcome's outputs into ``outdir``; return it with :attr:`Outcome.written` set and
    the bytes dropped.

    Each file is written atomically (a temporary file, then a rename), without a sync (see
    :func:`nghiquyet.cli.write_atomic`). The input's outputs in other formats (all of them when
    it failed) are removed: no output is left that does not match the input's report line. If
    a write fails, the outcome becomes NQ604 and the input has no output at all.
    """
    from nghiquyet.cli import write_atomic

    written: list[str] = []
    problem = None
    for fmt, rel in output_paths(outcome.key, outcome.outputs).items():
        try:
            write_atomic(output_file(outdir, rel), outcome.outputs[fmt], durable=False)
        except (OSError, ValueError) as exc:
            detail = getattr(exc, "strerror", None) or exc
            problem = f"cannot write output: {detail} ({getattr(exc, 'filename', None) or rel})"
            written = []
            break
        written.append(rel)
    for rel in output_paths(outcome.key, OUTPUT_SUFFIXES).values():
        if rel not in written:
            with contextlib.suppress(OSError):  # (the folder may be what is unwritable)
                output_file(outdir, rel).unlink(missing_ok=True)
    if problem is not None:
        return replace(outcome, status="failed", code="NQ604", message=problem, outputs={},
                       written=())
    return replace(outcome, outputs={}, written=tuple(written))


def remove_temporaries(outdir: str | os.PathLike[str], key: str) -> None:
    """Delete the temporary files of an input's outputs, which a worker killed while writing
    them leaves behind (they never replaced an output)."""
    from nghiquyet import grammar

    with contextlib.suppress(OSError):  # no folder (or outside it): nothing to remove
        outputs = [output_file(outdir, rel)
                   for rel in output_paths(key, OUTPUT_SUFFIXES).values()]
        folder = outputs[0].parent
        targets = {path.name for path in outputs}
        for name in os.listdir(folder):
            m = grammar.TEMP_OUTPUT.match(name)
            if m is not None and m["target"] in targets:
                (folder / name).unlink(missing_ok=True)


# --------------------------------------------------------------------------- the job


def _apply_faults(key: str, *, written: bool = False) -> None:
    """Test-only fault injection (see :data:`FAULTS_ENV`): called before parsing, and with
    ``written`` once the outputs are in place."""
    spec = os.environ.get(FAULTS_ENV, "")
    for entry in filter(None, spec.split(";")):
        action, pattern, *rest = entry.split(":")
        if not fnmatch.fnmatchcase(key, pattern) or (action == "kill-written") != written:
            continue
        if action == "sleep":
            time.sleep(float(rest[0]))
        elif action == "exit":
            os._exit(17)
        elif action in ("kill", "kill-written"):
            import signal

            os.kill(os.getpid(), signal.SIGKILL)
        elif action == "alloc":
            hog = bytearray(int(float(rest[0]) * 1024 * 1024))
            hog[::4096] = b"x" * len(hog[::4096])


def serialise(document: Any, fmt: str) -> bytes:
    """One output format of a document as bytes."""
    if fmt == "json":
        from nghiquyet.writers.json import to_json

        return to_json(document).encode("utf-8")
    if fmt == "akn":
        from nghiquyet.writers.akn import to_akn

        data = to_akn(document)
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise ValueError(f"unknown output format {fmt!r}")


def run_job(job: Job) -> Outcome:
    """Convert one input and, when the job names an output folder, place its outputs there;
    never raises for anything the input can cause."""
    outcome = convert_input(job)
    if job.outdir is None or outcome.status == "unchanged":
        return outcome
    outcome = place_outputs(outcome, job.outdir)
    _apply_faults(job.key, written=True)
    return outcome


def convert_input(job: Job) -> Outcome:
    """Read, parse and serialise one input (the output bytes stay in the outcome)."""
    from nghiquyet.errors import NghiquyetError

    start = time.perf_counter()
    sha256: str | None = None
    try:
        try:
            data = read_input(job)
        except OSError as exc:
            return failure(job, "NQ605", time.perf_counter() - start,
                           detail=exc.strerror or str(exc))
        sha256 = hashlib.sha256(data).hexdigest()
        if job.known_sha256 == sha256:
            return Outcome(job.key, "unchanged", sha256, tool_version=tool_version(),
                           seconds=round(time.perf_counter() - start, 6))
        _apply_faults(job.key)
        from nghiquyet.api import parse_bytes
        from nghiquyet.readers import sniff_format

        name = PurePosixPath(job.member or job.key).name
        result = parse_bytes(data, name, limits=job.limits, pdf_engine=job.pdf_engine)
        outputs = {fmt: serialise(result.document, fmt) for fmt in job.formats}
    except NghiquyetError as exc:  # unreadable input (NQ1xx) or a writer's broken invariant
        return Outcome(job.key, "failed", sha256, None, {}, {"error": 1, "warning": 0, "info": 0},
                       exc.code, exc.message, (), round(time.perf_counter() - start, 6),
                       tool_version())
    except MemoryError:
        # The worker is replaced after this (its heap may be in a bad state): report it as a
        # worker death, which a later run retries (maybe with a larger --max-memory).
        return failure(job, "NQ602", time.perf_counter() - start, sha256, restart=True,
                       detail="out of memory: the worker's --max-memory limit was reached")
    except RecursionError as exc:
        return failure(job, "NQ603", time.perf_counter() - start, sha256,
                       detail=f"RecursionError: {exc}")
    except Exception as exc:  # a parser or writer bug: keep the traceback's last frame
        where = traceback.extract_tb(exc.__traceback__)[-1]
        detail = (f"{type(exc).__name__}: {exc} "
                  f"(at {Path(where.filename).name}:{where.lineno})")
        return failure(job, "NQ603", time.perf_counter() - start, sha256, detail=detail)
    counts = {"error": 0, "warning": 0, "info": 0}
    for diagnostic in result.diagnostics:
        counts[diagnostic.severity.value] += 1
    problems = [d for d in result.diagnostics if d.severity is not Severity.INFO]
    first = next((d for d in problems if d.severity is Severity.ERROR), None) or \
        next(iter(problems), None)
    status = "errors" if counts["error"] else "warnings" if counts["warning"] else "ok"
    return Outcome(job.key, status, sha256, sniff_format(data[:65536], name), outputs, counts,
                   first.code if first else None, first.message if first else None,
                   tuple(d.to_dict() for d in problems[:MAX_PROBLEMS]),
                   round(time.perf_counter() - start, 6), tool_version())
