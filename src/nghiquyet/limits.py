"""Limits that protect a run from hostile or runaway input; each has a CLI flag."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Input limits. Exceeding one raises :class:`~nghiquyet.errors.LimitExceededError` (NQ105)."""

    max_bytes: int = 64 * 1024 * 1024
    """Largest input file (``--max-bytes``); real resolutions are far below 10 MB."""
    max_pages: int = 500
    """Most PDF pages read (``--max-pages``)."""
    max_line_chars: int = 100_000
    """Longest line kept whole; longer lines are cut into pieces of this size."""
    max_unpacked_bytes: int = 256 * 1024 * 1024
    """Most bytes unpacked from a DOCX or zip member (zip-bomb guard)."""
    max_compression_ratio: int = 200
    """Highest unpacked/packed ratio accepted for a zip member."""


DEFAULT_LIMITS = Limits()

DEFAULT_PDF_ENGINE = "pdfium"
"""The PDF reader used unless another is asked for. Chosen by evidence: on every PDF fixture
the pypdfium2 reader gives the same lines, positions, markers and documents as the pdfplumber
reader (tests/test_readers_pdf.py, tests/test_cross_format.py), about 20× faster and with less
memory (benchmarks/bench_pdf.py). ``--pdf-engine pdfplumber`` selects the other."""
