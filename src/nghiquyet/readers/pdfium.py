"""Fast PDF reader (pypdfium2): bytes of a PDF → :class:`~nghiquyet.source.SourceText`.

Stage: reader. Input: PDF bytes. Output: the same lines, zones, markers and footnotes as
:func:`nghiquyet.readers.pdf.read_pdf` (both feed :mod:`nghiquyet.readers.layout`), many times
faster. Instead of one call per character, it reads PDFium's page objects: each text object is
one text-showing operator, so it already is a run of one font, size and baseline; its text
comes from the text page, its origin and size from the object's matrix, its right edge from
its bounds. Form XObjects are entered (their matrices composed) and page rotation is applied
the way pdfminer applies it, so positions agree with the pdfplumber reader. Only on pages
where glyphs lack a Unicode mapping (PDFium drops them from object text) are characters read
one by one, to put U+FFFD where each one stood.

>>> from pathlib import Path
>>> data = Path("tests/fixtures/pdf/nq15_hd.pdf").read_bytes()
>>> source = read_pdf_fast(data, "nq15_hd.pdf")  # doctest: +SKIP
>>> source.pages  # doctest: +SKIP
9
"""

from __future__ import annotations

import ctypes
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from nghiquyet.errors import CorruptDocumentError, EncryptedDocumentError
from nghiquyet.limits import DEFAULT_LIMITS, Limits
from nghiquyet.readers.layout import (
    DEDUPE_TOLERANCE,
    REPLACEMENT,
    LayoutBuilder,
    PageContent,
    Rule,
    Run,
    check_page_count,
    check_pdf_bytes,
    clean_text,
    strip_subset,
)
from nghiquyet.readers.pdf import OWNER_PASSWORD, USER_PASSWORD
from nghiquyet.source import SourceText

if TYPE_CHECKING:
    import pypdfium2

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def read_pdf_fast(data: bytes, name: str, *, limits: Limits = DEFAULT_LIMITS) -> SourceText:
    """Read a PDF with pypdfium2: same result and errors as :func:`.pdf.read_pdf`, faster."""
    check_pdf_bytes(data, name, limits)
    import pypdfium2
    import pypdfium2.raw as c

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if error.err_code in (c.FPDF_ERR_PASSWORD, c.FPDF_ERR_SECURITY):
            raise EncryptedDocumentError(source=name, detail=USER_PASSWORD) from None
        raise CorruptDocumentError(source=name, detail=str(error)) from None
    try:
        if c.FPDF_GetSecurityHandlerRevision(document) != -1:
            raise EncryptedDocumentError(source=name, detail=OWNER_PASSWORD)
        count = len(document)
        check_page_count(count, name, limits)
        reader = _PageReader()
        builder = LayoutBuilder(name, limits, engine="pdfium")
        for index in range(count):
            try:
                page = document[index]
            except pypdfium2.PdfiumError as error:
                raise CorruptDocumentError(source=name,
                                           detail=f"page {index + 1}: {error}") from None
            try:
                content = reader.read(page, index + 1)
            finally:
                page.close()
            builder.add_page(content)
        return builder.finish(_metadata(document))
    finally:
        document.close()


def _metadata(document: pypdfium2.PdfDocument) -> dict[str, str]:
    info = document.get_metadata_dict(skip_empty=True)
    return {key.lower(): value.strip() for key, value in info.items()
            if key in ("Producer", "Creator") and value.strip()}


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)


class _PageReader:
    """Reads one page's objects into a :class:`PageContent` (ctypes buffers reused)."""

    def __init__(self) -> None:
        import pypdfium2.raw as c

        self.c = c
        self.matrix = c.FS_MATRIX()
        self.size = ctypes.c_float()
        self.bounds = [ctypes.c_float() for _ in range(4)]
        self.name = ctypes.create_string_buffer(256)
        self.fonts: dict[int | None, str] = {}
        self.text_buffer = ctypes.create_string_buffer(8192)
        self.text_pointer = ctypes.cast(self.text_buffer, ctypes.POINTER(c.FPDF_WCHAR))

    def read(self, page: pypdfium2.PdfPage, number: int) -> PageContent:
        """Runs, rules and image cover of one page."""
        c = self.c
        left, bottom, right, top = page.get_mediabox()
        rotation = page.get_rotation() % 360
        to_page, width, height = _device(rotation, left, bottom, right, top)
        self.fonts = {}  # font handles may be freed with their page and their address reused
        textpage = page.get_textpage()
        try:
            missing = self._unmapped_texts(textpage.raw)
            runs: list[Run] = []
            rules: list[Rule] = []
            covered = 0.0
            unmapped = 0
            # the raw handles: pypdfium2's helper objects convert themselves on every call
            for obj, kind, to_device in self._objects(page.raw, to_page):
                if kind == c.FPDF_PAGEOBJ_TEXT:
                    run, lost = self._run(obj, textpage.raw, to_device, height, missing, runs)
                    unmapped += lost
                    if run is not None and runs and _combining_only(run.text):
                        runs[-1].text += run.text.strip()  # a mark drawn apart from its letter
                    elif run is not None:
                        runs.append(run)
                elif kind in (c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_IMAGE):
                    x0, y0, x1, y1 = self._box(obj, to_device, height)
                    if kind == c.FPDF_PAGEOBJ_IMAGE:
                        covered += (max(0.0, min(x1, width) - max(x0, 0.0))
                                    * max(0.0, min(y1, height) - max(y0, 0.0)))
                    elif y1 - y0 <= 2.5 and x1 - x0 >= 15:
                        rules.append(Rule(x0, x1, y0, y1))
        finally:
            textpage.close()
        return PageContent(number, width, height, runs, rules,
                           min(1.0, covered / ((width * height) or 1.0)), unmapped)

    def _objects(self, page: Any, to_page: Matrix) -> Iterator[tuple[Any, int, Matrix]]:
        """Page objects (depth-first through forms) with their type and the matrix from their
        space to pdfplumber's coordinates (enclosing forms composed, then ``to_page``)."""
        c = self.c
        stack: list[tuple[Any, int, Matrix, Matrix]] = [
            (None, c.FPDFPage_CountObjects(page), IDENTITY, _multiply(IDENTITY, to_page))]
        position = [0]
        while stack:
            form, count, outer, to_device = stack[-1]
            index = position[-1]
            if index >= count:
                stack.pop()
                position.pop()
                continue
            position[-1] += 1
            obj = (c.FPDFPage_GetObject(page, index) if form is None
                   else c.FPDFFormObj_GetObject(form, index))
            kind = c.FPDFPageObj_GetType(obj)
            if kind == c.FPDF_PAGEOBJ_FORM:
                c.FPDFPageObj_GetMatrix(obj, self.matrix)
                inner = _multiply(_matrix(self.matrix), outer)
                stack.append((obj, c.FPDFFormObj_CountObjects(obj), inner,
                              _multiply(inner, to_page)))
                position.append(0)
                continue
            yield obj, kind, to_device

    def _run(self, obj: Any, textpage: Any, to_device: Matrix, height: float,
             missing: dict[int, str] | None, earlier: list[Run]) -> tuple[Run | None, int]:
        """One text object as a run (None when it is empty or not upright).

        PDFium's text page already drops characters drawn again over the same ones (fake
        bold), so such an object comes back empty: the run it doubles is marked instead.
        """
        c = self.c
        c.FPDFPageObj_GetMatrix(obj, self.matrix)
        m = _multiply(_matrix(self.matrix), to_device)
        a, b, cc, d, e, f = m
        if not (a * d > 0 and b * cc <= 0):  # pdfminer's test for upright characters
            return None, 0
        c.FPDFTextObj_GetFontSize(obj, self.size)
        size = round(self.size.value * d, 4)
        lost = 0
        if missing is not None:
            text = missing.get(ctypes.cast(obj, ctypes.c_void_p).value or 0, "")
            lost = text.count(REPLACEMENT)
        else:
            text = self._text(obj, textpage)
        font = self._font(obj)
        text, more = clean_text(text, font)
        lost += more
        if not text.strip():
            twin = next((r for r in reversed(earlier) if abs(r.x0 - e) <= DEDUPE_TOLERANCE
                         and abs(r.baseline - (height - f)) <= DEDUPE_TOLERANCE), None)
            if twin is not None and c.FPDFTextObj_GetText(obj, textpage, None, 0) <= 2:
                twin.fake_bold = True
            return None, lost
        x1 = self._box(obj, to_device, height)[2]
        return Run(text, e, max(x1, e), height - f, size, font), lost

    def _text(self, obj: Any, textpage: Any) -> str:
        """The object's text; one call when it fits the buffer (each call scans the page)."""
        c = self.c
        length = c.FPDFTextObj_GetText(obj, textpage, self.text_pointer, len(self.text_buffer))
        if length > len(self.text_buffer):
            self.text_buffer = ctypes.create_string_buffer(length)
            self.text_pointer = ctypes.cast(self.text_buffer, ctypes.POINTER(c.FPDF_WCHAR))
            length = c.FPDFTextObj_GetText(obj, textpage, self.text_pointer, length)
        if length <= 2:
            return ""
        raw = ctypes.string_at(self.text_buffer, length - 2)
        text = raw.decode("utf-16-le", errors="replace")
        # PDFium reports a hyphen that ends a line as U+0002 (it guesses a soft hyphen)
        return text.replace("\x02", "-")

    def _font(self, obj: Any) -> str:
        c = self.c
        font = c.FPDFTextObj_GetFont(obj)
        key = ctypes.c_void_p.from_buffer(font).value
        name = self.fonts.get(key)
        if name is None:
            length = c.FPDFFont_GetBaseFontName(font, self.name, len(self.name))
            raw = self.name.raw[:max(0, length - 1)]
            name = strip_subset(raw.decode("utf-8", errors="replace"))
            self.fonts[key] = name
        return name

    def _box(self, obj: Any, to_device: Matrix, height: float) -> tuple[float, float, float, float]:
        """Object bounds in top-down page coordinates: ``(x0, top, x1, bottom)``."""
        l, b, r, t = self.bounds
        self.c.FPDFPageObj_GetBounds(obj, l, b, r, t)
        left, lower, right, upper = l.value, b.value, r.value, t.value
        ma, mb, mc, md, me, mf = to_device  # the corners mapped: (x, y) → (ax+cy+e, bx+dy+f)
        xs = (ma * left + mc * lower + me, ma * left + mc * upper + me,
              ma * right + mc * lower + me, ma * right + mc * upper + me)
        ys = (mb * left + md * lower + mf, mb * left + md * upper + mf,
              mb * right + md * lower + mf, mb * right + md * upper + mf)
        return min(xs), height - max(ys), max(xs), height - min(ys)

    def _unmapped_texts(self, textpage: Any) -> dict[int, str] | None:
        """Object texts with U+FFFD for unmapped glyphs, or None when the page has none.

        PDFium leaves glyphs without Unicode out of ``FPDFText_GetText`` (so the text is
        shorter than the character count) and out of object text; only such pages are read
        character by character.
        """
        c = self.c
        count = c.FPDFText_CountChars(textpage)
        if count <= 0:
            return None
        buffer = ctypes.create_string_buffer((count + 1) * 2)
        written = c.FPDFText_GetText(textpage, 0, count,
                                     ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
        if written - 1 >= count:
            return None
        texts: dict[int, list[str]] = {}
        for index in range(count):
            code = c.FPDFText_GetUnicode(textpage, index)
            if code in (10, 13) and c.FPDFText_IsGenerated(textpage, index):
                continue
            key = ctypes.cast(c.FPDFText_GetTextObject(textpage, index), ctypes.c_void_p).value
            if key is None:
                continue
            char = "-" if code == 2 else chr(code) if code else REPLACEMENT
            texts.setdefault(key, []).append(char)
        return {key: "".join(chars) for key, chars in texts.items()}


def _combining_only(text: str) -> bool:
    stripped = text.strip()
    return (bool(stripped) and unicodedata.combining(stripped[0]) != 0
            and all(unicodedata.combining(ch) for ch in stripped))


def _matrix(m: Any) -> Matrix:
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _device(rotation: int, x0: float, y0: float, x1: float,
            y1: float) -> tuple[Matrix, float, float]:
    """Page space → pdfplumber's coordinates (y still upward), and the displayed width, height.

    pdfminer turns rotated pages upright and moves the media box to the origin; pdfplumber
    adds the box origin back and measures ``top`` from the displayed height. Doing the same
    keeps both engines' coordinates equal.
    """
    if rotation == 90:
        device, box = (0.0, -1.0, 1.0, 0.0, -y0, x1), (y0, x0, y1, x1)
    elif rotation == 180:
        device, box = (-1.0, 0.0, 0.0, -1.0, x1, y1), (x0, y0, x1, y1)
    elif rotation == 270:
        device, box = (0.0, 1.0, -1.0, 0.0, y1, -x0), (y0, x0, y1, x1)
    else:
        device, box = (1.0, 0.0, 0.0, 1.0, -x0, -y0), (x0, y0, x1, y1)
    # pdfplumber adds the (displayed) media box origin back: x += x0, top = height - y - y0
    device = _multiply(device, (1.0, 0.0, 0.0, 1.0, box[0], box[1]))
    return device, box[2] - box[0], box[3] - box[1]


__all__ = ["read_pdf_fast"]
