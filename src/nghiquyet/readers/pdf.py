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
import math
import unicodedata
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
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

Obj = dict[str, Any]

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


CHAR_FIELDS = ("upright", "text", "fontname", "size", "x0", "x1", "top", "bottom", "y0",
               "matrix")
"""The attributes of a pdfplumber char that the reader uses, in the order of :data:`_Char`."""
_Char = tuple[bool, str, str, float, float, float, float, float, float, tuple[float, ...]]
"""A char as a plain tuple of :data:`CHAR_FIELDS` (unpacked by name where it is used: a plain
tuple unpacks several times faster than a named tuple, and there is one per glyph)."""
_char_fields = itemgetter(*CHAR_FIELDS)
_fontname = itemgetter(CHAR_FIELDS.index("fontname"))


def _upright_chars(chars: list[Obj]) -> list[_Char]:
    """The upright chars of a page as :data:`_Char` tuples.

    pdfplumber's char dicts are large and scattered in memory, so they are read once, here,
    in C (no Python code per char); everything after works on the tuples.
    """
    return [c for c in map(_char_fields, chars) if c[0]]


@dataclass(slots=True)
class _PageObjects:
    """What pdfplumber parsed on one page (kept only until the page's runs are built)."""

    width: float
    height: float
    chars: list[_Char]
    """Upright chars."""
    thin: list[Obj]
    """Rectangles and lines (candidates for rules)."""
    images: list[Obj]


def _page_objects(page: Page) -> _PageObjects:
    return _PageObjects(float(page.width), float(page.height), _upright_chars(page.chars),
                        [*page.rects, *page.lines], list(page.images))


def _page_content(page: _PageObjects, number: int) -> PageContent:
    """Runs, rules and image cover of one page."""
    chars = list(page.chars)
    doubled = _dedupe_chars(chars)
    runs, unmapped = _runs(chars, doubled)
    rules = [Rule(o["x0"], o["x1"], o["top"], o["bottom"]) for o in page.thin
             if o["bottom"] - o["top"] <= 2.5 and o["x1"] - o["x0"] >= 15]
    covered = sum(max(0.0, min(i["x1"], page.width) - max(i["x0"], 0))
                  * max(0.0, min(i["bottom"], page.height) - max(i["top"], 0))
                  for i in page.images)
    return PageContent(number, page.width, page.height, runs, rules,
                       min(1.0, covered / ((page.width * page.height) or 1.0)), unmapped)


DEDUPE_CELL = 2 * DEDUPE_TOLERANCE
"""Side of a grid cell in :func:`_dedupe_chars`: on each axis, a twin lies in the char's own
cell or in the neighbouring one on the side of the cell the char is nearer to."""
GRID_STRIDE = 1 << 16
"""Cell ``(column, row)`` is filed under the number ``column * GRID_STRIDE + row`` (cells that
share a number by chance only cost a comparison: the twin test checks real positions)."""


def _dedupe_chars(chars: list[_Char]) -> set[int]:
    """Remove duplicate characters of fake-bold text in place; return ids of kept twins.

    Same test as ``pdfplumber.Page.dedupe_chars`` (same text, font and size, position within
    :data:`DEDUPE_TOLERANCE`), in linear time: kept chars are filed in a grid of cells twice
    the tolerance wide, so each char looks into four cells. A cell holds the index of the
    last kept char filed in it, and ``earlier`` chains each kept char to the one filed in the
    same cell before it (plain integers: nothing per char for the garbage collector).
    """
    latest: dict[int, int] = {}
    earlier: list[int] = []
    kept: list[_Char] = []
    doubled: set[int] = set()
    filed = latest.keys()
    for char in chars:
        _u, _t, _f, _s, x0, _x1, top, _b, _y0, _m = char
        x, y = x0 / DEDUPE_CELL, top / DEDUPE_CELL
        column, row = math.floor(x), math.floor(y)
        near_column = (column - 1 if x - column < 0.5 else column + 1) * GRID_STRIDE
        near_row = row - 1 if y - row < 0.5 else row + 1
        home = column * GRID_STRIDE + row
        cells = (home, home - row + near_row, near_column + row, near_column + near_row)
        if filed.isdisjoint(cells):  # the usual case, answered without a Python loop
            twin = None
        else:
            twin = _twin(char, kept, latest, earlier, cells)
        if twin is not None:
            doubled.add(id(twin))
            continue
        earlier.append(latest.get(home, -1))
        latest[home] = len(kept)
        kept.append(char)
    chars[:] = kept
    return doubled


def _twin(char: _Char, kept: list[_Char], latest: dict[int, int], earlier: list[int],
          cells: tuple[int, ...]) -> _Char | None:
    """A kept char in ``cells`` that ``char`` duplicates (same glyph at almost the same place)."""
    _u, text, fontname, size, x0, _x1, top, _b, _y0, _m = char
    for cell in cells:
        index = latest.get(cell, -1)
        while index >= 0:
            other = kept[index]
            _u, other_text, other_font, other_size, other_x0, _x1, other_top, _b, _y0, _m = other
            if (other_text == text and other_font == fontname
                    and abs(other_x0 - x0) <= DEDUPE_TOLERANCE
                    and abs(other_top - top) <= DEDUPE_TOLERANCE
                    and round(other_size, 2) == round(size, 2)):
                return other
            index = earlier[index]
    return None


_Glyph = tuple[str, str, int, bool]
"""A char's cleaned text, its font without the subset tag, its count of unmapped glyphs, and
whether the text is only combining marks."""


def _glyph(text: str, fontname: str) -> _Glyph:
    font = strip_subset(str(fontname))
    cleaned, missing = clean_text(text, font)
    marks = bool(cleaned) and all(unicodedata.combining(ch) for ch in cleaned)
    return cleaned, font, missing, marks


def _baselines(chars: list[_Char]) -> list[float]:
    """Each char's baseline: its origin lowered by any text rise.

    pdfminer's matrix leaves the rise out while its box includes it, so a superscript set with
    ``Ts`` is found from the box offset that differs from the font's usual one (the most
    common offset of that font on the page).
    """
    offsets = [(matrix[5] - y0) / (size or 1.0)
               for _u, _t, _f, size, _x0, _x1, _top, _b, y0, matrix in chars]
    counts = Counter[tuple[str, float]]()
    for (font, offset), count in Counter(zip(map(_fontname, chars), offsets)).items():
        counts[font, round(offset, 2)] += count  # a page has a few distinct offsets: round those
    usual: dict[str, float] = {}
    best: dict[str, int] = {}
    for (font, offset), count in counts.items():  # of equal counts the first wins, as in
        if count > best.get(font, 0):             # Counter.most_common
            best[font], usual[font] = count, offset
    baselines = []
    for char, offset in zip(chars, offsets, strict=True):
        _u, _t, fontname, size, _x0, _x1, _top, bottom, y0, matrix = char
        baseline = bottom + y0 - matrix[5]
        rise = usual[fontname] - offset
        if abs(rise) > 0.02:
            baseline -= rise * float(size)
        baselines.append(baseline)
    return baselines


def _runs(chars: list[_Char], doubled: set[int]) -> tuple[list[Run], int]:
    """Join characters into runs; return the runs and the count of unmapped glyphs.

    Chars that share font, size and baseline and follow each other closely join; a gap wider
    than :data:`SPACE_GAP` becomes a space and repeated spaces collapse. A run's text is
    collected in a list and joined once the run is complete.
    """
    glyphs: dict[tuple[str, str], _Glyph] = {}
    runs: list[Run] = []
    parts: list[str] = []
    unmapped = 0
    current: Run | None = None
    tail = ""  # the last character of the current run's text
    last_x0 = 0.0
    for char, baseline in zip(chars, _baselines(chars), strict=True):
        _u, raw, fontname, size, x0, x1, _top, _b, _y0, _m = char
        glyph = glyphs.get((raw, fontname))
        if glyph is None:
            glyph = glyphs[raw, fontname] = _glyph(raw, fontname)
        text, font, missing, marks = glyph
        unmapped += missing
        if current is not None and marks:  # a mark drawn apart belongs to the letter before
            parts.append(text)
            tail = text[-1]
            continue
        size, x0 = float(size), float(x0)
        space = text.isspace()
        if (current is not None and current.font == font and abs(current.size - size) < 0.01
                and abs(current.baseline - baseline) < 0.01 * size and x0 >= last_x0 - 0.5
                and x0 - current.x1 <= RUN_BREAK_GAP * size):
            if space and tail.isspace():
                continue  # PDFium drops repeated spaces too; the gap already shows
            if x0 - current.x1 > SPACE_GAP * size and not tail.isspace() and not space:
                parts.append(" ")
                tail = " "
            if text:
                parts.append(text)
                tail = text[-1]
            if not space:
                current.x1 = float(x1)
        else:
            if current is not None:
                current.text = "".join(parts)
            current = Run(text, x0, float(x1) if not space else x0, baseline, size, font)
            runs.append(current)
            parts = [text]
            tail = text[-1:]
        if doubled and id(char) in doubled:
            current.fake_bold = True
        last_x0 = x0
    if current is not None:
        current.text = "".join(parts)
    return [r for r in runs if r.text.strip()], unmapped


__all__ = ["read_pdf"]
