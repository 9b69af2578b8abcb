"""Public entry points: parse text, bytes or files into a :class:`ParseResult`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from nghiquyet.diagnostics import Diagnostics
from nghiquyet.limits import DEFAULT_LIMITS, DEFAULT_PDF_ENGINE, Limits
from nghiquyet.parser import ParseResult, parse_source
from nghiquyet.readers import read_bytes
from nghiquyet.readers.text import text_to_source


def parse(text: str, name: str = "<text>") -> ParseResult:
    """Parse the text of a resolution.

    Example:
        >>> result = parse("NGHỊ QUYẾT\\nVề việc thử\\nQUYẾT NGHỊ:\\nĐiều 1. Thử.")
        >>> result.document.articles()[0].num
        '1'

    Raises:
        EmptyInputError: the text is blank.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() takes str, not {type(text).__name__}; use parse_bytes()")
    return parse_source(text_to_source(text, name, diags=Diagnostics(name)))


def parse_bytes(data: bytes, name: str = "<input>", *, limits: Limits = DEFAULT_LIMITS,
                pdf_engine: str = DEFAULT_PDF_ENGINE) -> ParseResult:
    """Parse a resolution from bytes of any supported format (picked by content)."""
    source = read_bytes(data, name, limits=limits, pdf_engine=pdf_engine)
    source.meta["sha256"] = hashlib.sha256(data).hexdigest()
    return parse_source(source)


def parse_file(path: str | Path, *, limits: Limits = DEFAULT_LIMITS,
               pdf_engine: str = DEFAULT_PDF_ENGINE) -> ParseResult:
    """Parse a resolution file (text, PDF, HTML or DOCX; the format is read from the content).

    Raises:
        ReaderError: the file cannot be read (empty, corrupt, encrypted, scanned, too large).
    """
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        from nghiquyet.errors import LimitExceededError

        raise LimitExceededError(source=path.name, detail=f"{size} bytes > {limits.max_bytes}")
    return parse_bytes(path.read_bytes(), path.name, limits=limits, pdf_engine=pdf_engine)
