"""PDF reader (pdfplumber): bytes of a PDF → :class:`~nghiquyet.source.SourceText`.

Stage: reader. Input: PDF bytes. Output: lines in reading order with zones, positions, font
evidence, footnote markers and located footnote bodies (see :mod:`nghiquyet.readers.layout`,
which holds all geometry shared with the fast pypdfium2 reader). This module only turns each
page's characters into text runs: duplicates of fake-bold text are removed (the same test as
pdfplumber's ``dedupe_chars``, in linear time), upright characters that share font, size and
baseline and follow each other are joined, and unmapped glyphs are counted. Pages are read one
at a time and closed.

>>> from pathlib import Path
>>> data = Path("tests/fixtures/pdf/nq15_hd.pdf").read_bytes()
>>> source = read_pdf(data, "nq15_hd.pdf")  # doctest: +SKIP
>>> source.lines[0].text, source.lines[0].zone  # doctest: +SKIP
('HỘI ĐỒNG NHÂN DÂN', <Zone.HEADER_LEFT: 'header-left'>)
"""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nghiquyet.errors import CorruptDocumentError, EncryptedDocumentError
from nghiquyet.limits import DEFAULT_LIMITS, Limits
from nghiquyet.readers.layout import (
    DEDUPE_TOLERANCE,
    RUN_BREAK_GAP,
    SPACE_GAP,
    LayoutBuilder,
    PageContent,
    Rule,
    Run,
    check_page_count,
    check_pdf_bytes,
    clean_text,
    strip_subset,
)
from nghiquyet.source import SourceText

if TYPE_CHECKING:
    from pdfplumber.page import Page
    from pdfplumber.pdf import PDF

Char = dict[str, Any]

OWNER_PASSWORD = (": it is protected by an owner password (copying restricted); remove the "
                  "protection first (e.g. `qpdf --decrypt IN OUT`)")
USER_PASSWORD = ": a password is needed to open it"


def read_pdf(data: bytes, name: str, *, limits: Limits = DEFAULT_LIMITS) -> SourceText:
    """Read a PDF with pdfplumber.

    Raises :class:`~nghiquyet.errors.ScannedDocumentError` (no text layer),
    :class:`~nghiquyet.errors.EncryptedDocumentError`,
    :class:`~nghiquyet.errors.CorruptDocumentError` (corrupt, truncated, no pages) and
    :class:`~nghiquyet.errors.LimitExceededError` (too many pages or bytes).
    """
    check_pdf_bytes(data, name, limits)
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises many kinds on broken input
        cause = error.__cause__ or error.__context__ or error
        if isinstance(error, PDFPasswordIncorrect) or isinstance(cause, PDFPasswordIncorrect):
            raise EncryptedDocumentError(source=name, detail=USER_PASSWORD) from None
        raise CorruptDocumentError(source=name, detail=_describe(error)) from None
    try:
        return _read(pdf, name, limits)
    finally:
        try:
            pdf.close()
        except Exception:  # pdfplumber's close() walks the pages again, and they may be broken
            pdf.stream.close()


def _read(pdf: PDF, name: str, limits: Limits) -> SourceText:
    """Read the pages of an open document one at a time."""
    if getattr(pdf.doc, "encryption", None):
        raise EncryptedDocumentError(source=name, detail=OWNER_PASSWORD)
    try:
        pages = pdf.pages
    except Exception as error:
        raise CorruptDocumentError(source=name, detail=_describe(error)) from None
    check_page_count(len(pages), name, limits)
    builder = LayoutBuilder(name, limits, engine="pdfplumber")
    for index, page in enumerate(pages):
        try:
            objects = _page_objects(page)
        except Exception as error:  # pdfminer's errors on a broken page
            raise CorruptDocumentError(
                source=name, detail=f"page {index + 1}: {_describe(error)}") from None
        finally:
            page.close()
        builder.add_page(_page_content(objects, index + 1))
    return builder.finish(_metadata(pdf.metadata))


def _describe(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 200 else text[:197] + "…"


def _metadata(info: dict[str, Any]) -> dict[str, str]:
    """Producer and creator, when the document states them as text."""
    meta = {}
    for key in ("Producer", "Creator"):
        value = info.get(key)
        if isinstance(value, bytes):
            value = value.decode("latin-1", errors="replace")
        if isinstance(value, str) and value.strip():
            meta[key.lower()] = value.strip()
    return meta


@dataclass(slots=True)
class _PageObjects:
    """What pdfplumber parsed on one page (kept only until the page's runs are built)."""

    width: float
    height: float
    chars: list[Char]
    thin: list[Char]
    """Rectangles and lines (candidates for rules)."""
    images: list[Char]


def _page_objects(page: Page) -> _PageObjects:
    return _PageObjects(float(page.width), float(page.height), list(page.chars),
                        [*page.rects, *page.lines], list(page.images))


def _page_content(page: _PageObjects, number: int) -> PageContent:
    """Runs, rules and image cover of one page."""
    chars = [c for c in page.chars if c.get("upright", True)]
    doubled = _dedupe_chars(chars)
    runs, unmapped = _runs(chars, doubled)
    rules = [Rule(o["x0"], o["x1"], o["top"], o["bottom"]) for o in page.thin
             if o["bottom"] - o["top"] <= 2.5 and o["x1"] - o["x0"] >= 15]
    covered = sum(max(0.0, min(i["x1"], page.width) - max(i["x0"], 0))
                  * max(0.0, min(i["bottom"], page.height) - max(i["top"], 0))
                  for i in page.images)
    return PageContent(number, page.width, page.height, runs, rules,
                       min(1.0, covered / ((page.width * page.height) or 1.0)), unmapped)


def _dedupe_chars(chars: list[Char]) -> set[int]:
    """Remove duplicate characters of fake-bold text in place; return ids of kept twins.

    Same test as ``pdfplumber.Page.dedupe_chars`` (same text, font and size, position within
    :data:`DEDUPE_TOLERANCE`), using a grid of one-point cells instead of sorting.
    """
    grid: dict[tuple[str, str, float, int, int], list[Char]] = {}
    kept: list[Char] = []
    doubled: set[int] = set()
    for char in chars:
        x, y = char["x0"], char["top"]
        key = (char["text"], char["fontname"], round(char["size"], 2))
        cx, cy = int(x), int(y)
        twin = None
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for other in grid.get((*key, cx + dx, cy + dy), ()):
                    if (abs(other["x0"] - x) <= DEDUPE_TOLERANCE
                            and abs(other["top"] - y) <= DEDUPE_TOLERANCE):
                        twin = other
                        break
        if twin is not None:
            doubled.add(id(twin))
            continue
        grid.setdefault((*key, cx, cy), []).append(char)
        kept.append(char)
    chars[:] = kept
    return doubled


def _runs(chars: list[Char], doubled: set[int]) -> tuple[list[Run], int]:
    """Join characters into runs; return the runs and the count of unmapped glyphs.

    The baseline is the char's origin lowered by any text rise: pdfminer's matrix leaves the
    rise out while its box includes it, so a superscript set with ``Ts`` is found from the box
    offset that differs from the font's usual one.
    """
    usual: dict[str, Counter[float]] = {}
    offsets = []
    for char in chars:
        offset = (char["matrix"][5] - char["y0"]) / (char["size"] or 1.0)
        offsets.append(offset)
        usual.setdefault(char["fontname"], Counter())[round(offset, 2)] += 1
    usual_offset = {font: counts.most_common(1)[0][0] for font, counts in usual.items()}
    runs: list[Run] = []
    unmapped = 0
    current: Run | None = None
    last_x0 = 0.0
    for char, offset in zip(chars, offsets, strict=True):
        size = float(char["size"])
        font = strip_subset(str(char["fontname"]))
        rise = usual_offset[char["fontname"]] - offset
        baseline = char["bottom"] + char["y0"] - char["matrix"][5]
        if abs(rise) > 0.02:
            baseline -= rise * size
        text, missing = clean_text(char["text"], font)
        unmapped += missing
        x0, x1 = float(char["x0"]), float(char["x1"])
        if current is not None and text and all(unicodedata.combining(ch) for ch in text):
            current.text += text  # a combining mark drawn apart belongs to the letter before
            continue
        if (current is not None and current.font == font and abs(current.size - size) < 0.01
                and abs(current.baseline - baseline) < 0.01 * size and x0 >= last_x0 - 0.5
                and x0 - current.x1 <= RUN_BREAK_GAP * size):
            if text.isspace() and current.text[-1:].isspace():
                continue  # PDFium drops repeated spaces too; the gap already shows
            if (x0 - current.x1 > SPACE_GAP * size and not current.text[-1:].isspace()
                    and not text.isspace()):
                current.text += " "
            current.text += text
            if not text.isspace():
                current.x1 = x1
        else:
            current = Run(text, x0, x1 if not text.isspace() else x0, baseline, size, font)
            runs.append(current)
        if id(char) in doubled:
            current.fake_bold = True
        last_x0 = x0
    return [r for r in runs if r.text.strip()], unmapped


__all__ = ["read_pdf"]
