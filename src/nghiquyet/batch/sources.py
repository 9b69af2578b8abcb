"""Batch discovery: SOURCE arguments → a sorted list of :class:`Item` (one per input document).

A SOURCE is a file, a directory (walked recursively), a glob pattern (``**`` allowed) or, when
fsspec is installed, a URL (``s3://bucket/archive/``, ``file:///data``). Zip archives are
recognised by content, not by name, and are expanded into their members, which are later read
without extracting anything to disk.

Every item gets a *key*: its path relative to the SOURCE it was found through (a directory's
contents, a glob's fixed leading folder, a file's own name), with zip members below the archive's
key (``2023/hs.zip/nq-01.txt``). Outputs are named after the key, so the key must be a safe
relative path: zip members that are not (``../``, absolute names, symlinks, duplicate names) and
members that look like zip bombs get a :class:`Verdict` here and are never read. Hidden files
and folders (``.git``, ``__MACOSX``) are left out, as is anything inside the output folder.
"""

from __future__ import annotations

import fnmatch
import glob
import importlib
import os
import stat
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from nghiquyet.diagnostics import CODES
from nghiquyet.limits import DEFAULT_LIMITS, Limits
from nghiquyet.readers import sniff_format

HEAD_BYTES = 65536
"""How much of a file discovery reads to tell a zip archive from a DOCX (``sniff_format``)."""

SMALL_MEMBER = 1024 * 1024
"""Members up to this size are never refused for their compression ratio: a small text of
repeated lines compresses very well, and a member this small cannot blow up memory anyway."""



class SourceError(ValueError):
    """A SOURCE argument names nothing, or two inputs would write the same output (usage error)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """A decision made at discovery: the item is not sent to a worker."""

    status: str
    """"skipped" (refused: unsafe or special) or "failed" (e.g. a corrupt archive)."""
    code: str
    """Catalogue code (NQ108 unsafe member, NQ105 zip bomb, NQ103 corrupt archive …)."""
    message: str
    """The catalogue message, filled in."""


@dataclass(frozen=True, slots=True)
class Item:
    """One input document found by discovery."""

    key: str
    """Relative POSIX path that names the outputs (``a/b.txt`` → ``a/b.txt.json``)."""
    origin: str
    """Absolute local path or URL of the file, or of the archive holding the member."""
    member: str | None = None
    """Member name exactly as stored in the zip archive, for archive members."""
    verdict: Verdict | None = None
    """Set when discovery already decided the outcome (unsafe member, corrupt archive …)."""
    size: int | None = None
    """Size in bytes (unpacked, for archive members) when known, to schedule large inputs
    first."""

    @property
    def source(self) -> str:
        """Where the bytes come from, for humans: ``/data/hs.zip!nq-01.txt`` (valid UTF-8)."""
        where = f"{self.origin}!{self.member}" if self.member is not None else self.origin
        return _display(where)


def _verdict(status: str, code: str, **fields: object) -> Verdict:
    return Verdict(status, code, CODES[code][1].format(**fields))


def is_url(source: str) -> bool:
    """True for ``scheme://…`` sources (read through fsspec); ``file://`` counts as a URL."""
    from nghiquyet import grammar

    return bool(grammar.URL_SCHEME.match(source))


# --------------------------------------------------------------------------- zip members


def _member_key(name: str) -> tuple[str | None, str]:
    """Normalise a member name to a relative POSIX path, or say why it is unsafe."""
    from nghiquyet import grammar

    cleaned = name.replace("\\", "/")
    if cleaned.startswith("/") or grammar.DRIVE_LETTER.match(cleaned):
        return None, f"absolute member name {name!r}"
    parts = [p for p in cleaned.split("/") if p not in ("", ".")]
    if ".." in parts:
        return None, f"member name {name!r} climbs out of the archive"
    if "\x00" in cleaned or not parts:
        return None, f"invalid member name {name!r}"
    return "/".join(parts), ""


def _hidden(parts: Iterable[str]) -> bool:
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    # Unix zips keep st_mode in the high 16 bits of external_attr (create_system 3).
    return stat.S_ISLNK(info.external_attr >> 16)


def archive_items(handle: IO[bytes], origin: str, key: str, limits: Limits) -> list[Item]:
    """List the members of a zip archive as items (the members are not read).

    A corrupt archive becomes one failed item named after the archive itself.
    """
    try:
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        corrupt = _verdict("failed", "NQ103", detail=f"zip archive: {exc}")
        return [Item(key, origin, verdict=corrupt)]
    groups: dict[str, list[zipfile.ZipInfo]] = {}
    refused: list[Item] = []
    for info in infos:
        if info.is_dir():
            continue
        rel, why = _member_key(info.filename)
        if rel is None:
            refused.append(Item(f"{key}/{info.filename}", origin, info.filename,
                                _verdict("skipped", "NQ108", detail=why)))
            continue
        if _hidden(rel.split("/")):
            continue  # macOS resource forks (__MACOSX/._x), .DS_Store and the like
        groups.setdefault(rel, []).append(info)
    items = refused
    for rel, infos_for_name in groups.items():
        info = infos_for_name[0]
        member_key = f"{key}/{rel}"
        if len(infos_for_name) > 1:
            verdict: Verdict | None = _verdict(
                "skipped", "NQ108",
                detail=f"{len(infos_for_name)} members are named {rel!r}: which one is meant "
                       "is ambiguous")
        elif _is_symlink(info):
            verdict = _verdict("skipped", "NQ108", detail=f"member {info.filename!r} is a "
                                                          "symbolic link")
        elif info.file_size > limits.max_unpacked_bytes:
            verdict = _verdict("skipped", "NQ105",
                               detail=f"member unpacks to {info.file_size} bytes > "
                                      f"{limits.max_unpacked_bytes}")
        elif (info.file_size > SMALL_MEMBER
              and info.file_size > limits.max_compression_ratio * max(info.compress_size, 1)):
            ratio = info.file_size // max(info.compress_size, 1)
            verdict = _verdict("skipped", "NQ105",
                               detail=f"member compression ratio {ratio}:1 > "
                                      f"{limits.max_compression_ratio}:1 (zip bomb?)")
        else:
            verdict = None
        items.append(Item(member_key, origin, info.filename, verdict, info.file_size))
    return items


# --------------------------------------------------------------------------- local files


def _display(name: str) -> str:
    """A file name that is valid UTF-8 (undecodable bytes shown as U+FFFD)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _file_items(path: Path, key: str, limits: Limits) -> list[Item]:
    """One local file → one item, or the items of the zip archive it is."""
    origin = str(path)
    display = _display(key)
    if display != key:
        return [Item(display, origin, verdict=_verdict("skipped", "NQ606",
                                                       detail="the file name is not UTF-8"))]
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            return [Item(key, origin, verdict=_verdict("skipped", "NQ606",
                                                       detail="not a regular file"))]
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
            if sniff_format(head, path.name) == "zip":
                handle.seek(0)
                return archive_items(handle, origin, key, limits)
    except OSError as exc:
        return [Item(key, origin, verdict=_verdict("failed", "NQ605",
                                                   detail=exc.strerror or str(exc)))]
    return [Item(key, origin, size=status.st_size)]


WALK_SKIP = ("*.expected.*", "*.json", "*.jsonl", "*.akn.xml", "*.diag", "README*",
             "LICENSE*", "NOTICE*")
"""Names a folder walk passes over: this tool's own outputs and goldens (JSON, AKN, reports,
``*.expected.*``) and a folder's read-me and licence files. A file named on the command line
is always taken."""


def _walk(root: Path, excluded: Sequence[Path]) -> Iterator[Path]:
    """Files under ``root``, hidden ones, :data:`WALK_SKIP` names and excluded folders left out
    (symlinked folders are not followed, so a link cycle cannot loop)."""
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not any(_inside(here / d, e) for e in excluded))
        real = here.resolve()  # once per folder: resolving costs a system call per component
        for name in sorted(files):
            if not name.startswith(".") and not any(fnmatch.fnmatch(name, p) for p in WALK_SKIP):
                path = here / name
                where = path.resolve() if path.is_symlink() else real / name
                if not any(_under(where, e) for e in excluded):
                    yield path


def _inside(path: Path, folder: Path) -> bool:
    """Is ``path``, symbolic links resolved, ``folder`` or inside it (``folder`` resolved)?"""
    return _under(path.resolve(), folder)


def _under(path: Path, folder: Path) -> bool:
    """Is the resolved ``path`` the resolved ``folder`` or inside it (no file system access)?"""
    return path == folder or str(path).startswith(str(folder).rstrip("/") + "/")


def _glob_base(pattern: str) -> Path:
    """The fixed leading folder of a glob pattern (``data/20*/**/*.txt`` → ``data``)."""
    parts = Path(pattern).parts
    fixed: list[str] = []
    for part in parts[:-1]:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _local_items(source: str, excluded: Sequence[Path], limits: Limits) -> list[Item]:
    path = Path(source)
    if path.is_dir():
        if any(_inside(path, folder) for folder in excluded):
            raise SourceError(f"{source}: the source folder is inside the output folder")
        return [item for file in _walk(path, excluded)
                for item in _file_items(file.absolute(), file.relative_to(path).as_posix(),
                                        limits)]
    if path.exists() or path.is_symlink():
        if any(_inside(path, e) for e in excluded):
            return []
        return _file_items(path.absolute(), path.name, limits)
    if not glob.has_magic(source):
        raise SourceError(f"{source}: no such file or directory")
    base = _glob_base(source)
    matches = sorted(glob.glob(source, recursive=True))
    if not matches:
        raise SourceError(f"{source}: the pattern matches no file")
    items: list[Item] = []
    for match in matches:
        found = Path(match)
        if any(_inside(found, e) for e in excluded):
            continue
        if found.is_dir():
            items += [item for file in _walk(found, excluded)
                      for item in _file_items(file.absolute(),
                                              file.relative_to(base).as_posix(), limits)]
        else:
            items += _file_items(found.absolute(), found.relative_to(base).as_posix(), limits)
    return items


# --------------------------------------------------------------------------- URLs (fsspec)


def _url_items(source: str, limits: Limits) -> list[Item]:
    try:
        fsspec: Any = importlib.import_module("fsspec")  # no type information
    except ImportError:
        raise SourceError(f"{source}: reading URLs needs fsspec (pip install fsspec)") from None
    fs, path = fsspec.core.url_to_fs(source)
    if glob.has_magic(path):
        base = str(_glob_base(path))
        files = [p for p in sorted(fs.glob(path)) if fs.isfile(p)]
        if not files:
            raise SourceError(f"{source}: the pattern matches no file")
    elif fs.isdir(path):
        base = path
        files = sorted(fs.find(path))
    elif fs.isfile(path):
        base = str(PurePosixPath(path).parent)
        files = [path]
    else:
        raise SourceError(f"{source}: no such file or directory")
    items: list[Item] = []
    for file in files:
        key = PurePosixPath(file).relative_to(base).as_posix() if base not in ("", ".") else file
        if _hidden(key.split("/")):
            continue
        origin = fs.unstrip_protocol(file)
        try:
            with fs.open(file, "rb") as handle:
                head = handle.read(HEAD_BYTES)
                if sniff_format(head, key) == "zip":
                    handle.seek(0)
                    items += archive_items(handle, origin, key, limits)
                    continue
        except OSError as exc:
            items.append(Item(key, origin, verdict=_verdict("failed", "NQ605", detail=str(exc))))
            continue
        items.append(Item(key, origin))
    return items


# --------------------------------------------------------------------------- entry point


def discover(sources: Sequence[str | os.PathLike[str]], *, exclude: Sequence[str | Path] = (),
             limits: Limits = DEFAULT_LIMITS,
             url_items: Callable[[str, Limits], list[Item]] = _url_items) -> list[Item]:
    """Find every input document named by ``sources``, sorted by key.

    ``exclude`` lists paths (the output folder, the report) that are never inputs. The same
    input reached twice (a folder and a glob inside it) is kept once.

    Raises:
        SourceError: a source names nothing, or two different inputs have the same key (they
            would write the same output file).
    """
    if not sources:
        raise SourceError("no SOURCE given")
    excluded = [Path(e).resolve() for e in exclude]
    by_key: dict[str, Item] = {}
    clashes: list[str] = []
    for raw in sources:
        source = os.fspath(raw)
        found = url_items(source, limits) if is_url(source) else _local_items(source, excluded,
                                                                              limits)
        for item in found:
            seen = by_key.get(item.key)
            if seen is None:
                by_key[item.key] = item
            elif (seen.origin, seen.member) != (item.origin, item.member):
                clashes.append(f"{item.key} ({seen.source} and {item.source})")
    if clashes:
        shown = "; ".join(clashes[:5]) + (f"; … {len(clashes) - 5} more" if len(clashes) > 5
                                          else "")
        raise SourceError(f"{len(clashes)} input(s) would write the same output as another: "
                          f"{shown}. Convert the sources into different output folders.")
    return [by_key[key] for key in sorted(by_key)]
