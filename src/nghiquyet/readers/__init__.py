"""Readers: pick a reader by content (magic bytes), then by extension, and run it.

Registry of plain functions ``(data, name, *, limits) -> SourceText``; heavy readers (PDF,
DOCX, HTML) are imported on first use so that ``import nghiquyet`` stays light.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from nghiquyet.errors import EmptyInputError, LimitExceededError, UnsupportedFormatError
from nghiquyet.limits import DEFAULT_LIMITS, DEFAULT_PDF_ENGINE, Limits

if TYPE_CHECKING:
    from nghiquyet.source import SourceText

Reader = Callable[..., "SourceText"]

READERS: dict[str, tuple[str, str]] = {
    "text": ("nghiquyet.readers.text", "read_text"),
    "pdf": ("nghiquyet.readers.pdf", "read_pdf"),
    "pdf-fast": ("nghiquyet.readers.pdfium", "read_pdf_fast"),
    "html": ("nghiquyet.readers.html", "read_html"),
    "docx": ("nghiquyet.readers.docx", "read_docx"),
}
"""Input format → (module, function)."""

PDF_ENGINES = {"pdfplumber": "pdf", "pdfium": "pdf-fast"}



_EXTENSIONS = {".txt": "text", ".md": "text", ".pdf": "pdf", ".html": "html", ".htm": "html",
               ".xhtml": "html", ".docx": "docx", ".doc": "doc"}


def sniff_format(data: bytes, name: str = "") -> str:
    """Tell the input format from the content, using the file extension only as a tie-break.

    Returns one of "pdf", "docx", "doc", "zip", "html", "text", "image".
    """
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or name.lower().endswith(".docx") else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "image"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:65536].lower():
        return "html"
    if lowered.startswith(b"<") and (b"<body" in head.lower() or b"<div" in head.lower()
                                     or b"<p" in head.lower()):
        return "html"
    ext = Path(name).suffix.lower()
    if ext in (".html", ".htm") and lowered.startswith(b"<"):
        return "html"
    return "text"


def get_reader(fmt: str) -> Reader:
    """Return the reader function for an input format (imported on first use)."""
    module, function = READERS[fmt]
    reader: Reader = getattr(importlib.import_module(module), function)
    return reader


def read_bytes(data: bytes, name: str = "<input>", *, limits: Limits = DEFAULT_LIMITS,
               pdf_engine: str = DEFAULT_PDF_ENGINE) -> SourceText:
    """Read any supported input from bytes."""
    if len(data) > limits.max_bytes:
        raise LimitExceededError(source=name, detail=f"{len(data)} bytes > {limits.max_bytes}")
    if not data:
        raise EmptyInputError(source=name)
    fmt = sniff_format(data, name)
    if fmt == "doc":
        raise UnsupportedFormatError(code="NQ107", source=name)
    if fmt in ("zip", "image"):
        kind = "a zip archive" if fmt == "zip" else "an image"
        raise UnsupportedFormatError(source=name, detail=f"{kind}, not a document")
    if fmt == "pdf":
        fmt = PDF_ENGINES.get(pdf_engine, "pdf")
    return get_reader(fmt)(data, name, limits=limits)


def read_path(path: str | Path, *, limits: Limits = DEFAULT_LIMITS,
              pdf_engine: str = DEFAULT_PDF_ENGINE) -> SourceText:
    """Read a file, checking its size before loading it."""
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise LimitExceededError(source=path.name, detail=f"{size} bytes > {limits.max_bytes}")
    return read_bytes(path.read_bytes(), path.name, limits=limits, pdf_engine=pdf_engine)
