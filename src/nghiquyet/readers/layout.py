"""PDF layout: positioned text runs of each page → :class:`~nghiquyet.source.SourceText`.

Stage: reader (PDF), shared by both PDF engines. Input: one :class:`PageContent` per page —
text :class:`Run` objects (text with font name, size, baseline and horizontal extent),
thin horizontal :class:`Rule` objects and the share of the page covered by images — made by
:mod:`nghiquyet.readers.pdf` (pdfplumber) or :mod:`nghiquyet.readers.pdfium` (pypdfium2).
Output: normalised :class:`~nghiquyet.source.Line` objects in reading order, located
footnote bodies and reader diagnostics. The two engines differ only in how they obtain runs,
so everything that reads geometry lives here:

- runs are grouped into visual rows by baseline; superscripts (smaller, raised) join the row
  whose baseline they sit above;
- page numbers (a lone number in the top or bottom margin) and running headers (the same
  margin line on most pages) leave the flow and are counted (NQ131, NQ130);
- the footnote area (under a short rule at the left margin, or a smaller-font block that
  starts with a pending marker's label) becomes :class:`~nghiquyet.source.FootnoteBody`
  objects, continued across pages; superscript digits in the text become markers;
- the official header table on page 1 and the "Nơi nhận" / signature table at the end are
  split at the widest vertical gap common to their rows and emitted column by column;
- paragraph starts are set from geometry (vertical gap, first-line indent, the previous line
  ending short of the right margin in justified text), across page breaks.

A page is reduced to a few line records as soon as it is read, so memory does not grow with
the page count beyond those records.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from nghiquyet import grammar
from nghiquyet.diagnostics import Diagnostics
from nghiquyet.errors import (
    CorruptDocumentError,
    EmptyInputError,
    LimitExceededError,
    ScannedDocumentError,
)
from nghiquyet.limits import Limits
from nghiquyet.readers import legacy
from nghiquyet.source import (
    FootnoteBody,
    Line,
    Marker,
    SourceText,
    Span,
    Zone,
    lines_needing_repair,
    normalise_line,
)

# --------------------------------------------------------------------------- tuning

ROW_TOLERANCE = 0.3
"""Runs whose baselines differ by less than this share of the smaller size share a row."""
SUPERSCRIPT_RATIO = 0.85
"""A run at most this share of its line's size may be a superscript."""
SUPERSCRIPT_RAISE = 0.15
"""…and its baseline must sit at least this share of the line's size above the line's."""
SUPERSCRIPT_REACH = 0.7
"""A separate row of small text this close (share of size) above a row belongs to it."""
SPACE_GAP = 0.15
"""A horizontal gap wider than this share of the font size stands for a space."""
RUN_BREAK_GAP = 1.5
"""pdfplumber runs break at gaps wider than this share of the size (a text object rarely
holds one)."""
GUTTER_MIN = 1.2
"""Narrowest column gutter, as a share of the body font size."""
MARGIN_BAND = 0.15
"""Page numbers and running headers sit in the top or bottom share of the page."""
INDENT_MIN = 0.2
"""A first-line indent is at least this share of the font size."""
SHORT_LINE = 0.5
"""In justified text, a line ending this share of the size before the margin ends a paragraph."""
GAP_RATIO = 1.2
"""A baseline distance this much above the usual line pitch is a paragraph gap."""
DEDUPE_TOLERANCE = 1.0
"""Duplicate glyphs of fake-bold text lie within this many points of each other."""

LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                           "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
"""Presentation-form ligatures some fonts extract as (pdfplumber keeps them in chars)."""
REPLACEMENT = "\ufffd"
"""What an unmapped glyph becomes in the text: the text is incomplete and says so."""
SYMBOL_BULLET = "•"
"""What a private-use bullet of a symbol font (Word's list bullets) becomes."""
FIRST_PRIVATE_USE = "\ue000"
"""Private-use code points and the ligatures of :data:`LIGATURES` all lie at or above this."""


# --------------------------------------------------------------------------- page input

@dataclass(slots=True)
class Run:
    """A horizontal piece of text in one font, size and baseline (top-down page coordinates)."""

    text: str
    x0: float
    """Origin of the first glyph (leading spaces included)."""
    x1: float
    """Right edge of the last visible glyph."""
    baseline: float
    size: float
    font: str
    """Font name without the subset tag."""
    fake_bold: bool = False
    """The run was drawn twice at almost the same place (bold simulated by over-printing)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A thin horizontal line or rectangle (table border, footnote separator, underline)."""

    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(slots=True)
class PageContent:
    """What an engine reads from one page."""

    number: int
    width: float
    height: float
    runs: list[Run]
    rules: list[Rule] = field(default_factory=list)
    image_cover: float = 0.0
    """Share of the page area covered by images (a scan is about 1)."""
    unmapped: int = 0
    """Glyphs without a Unicode mapping (already replaced in the run texts)."""


# --------------------------------------------------------------------------- shared helpers

def check_pdf_bytes(data: bytes, name: str, limits: Limits) -> None:
    """Refuse input that is empty, too large, not a PDF or visibly truncated.

    Both engines repair broken files silently (pdfium rebuilds a missing cross-reference
    table), so truncation is checked here: a complete PDF ends with ``%%EOF`` and its last
    ``startxref`` points inside the file.
    """
    if not data:
        raise EmptyInputError(source=name)
    if len(data) > limits.max_bytes:
        raise LimitExceededError(source=name, detail=f"{len(data)} bytes > {limits.max_bytes}")
    if data.find(b"%PDF-", 0, 1024) < 0:
        raise CorruptDocumentError(source=name, detail="no %PDF- header: not a PDF file")
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise CorruptDocumentError(source=name, detail="truncated: no end-of-file marker (%%EOF)")
    start = data.rfind(b"startxref", 0, end)
    if start >= 0:
        digits = data[start + 9:end].strip()
        if digits.isdigit() and int(digits) >= len(data):
            raise CorruptDocumentError(
                source=name, detail=f"truncated: cross-reference offset {int(digits)} is past "
                                    f"the end of the file ({len(data)} bytes)")


def check_page_count(count: int, name: str, limits: Limits) -> None:
    """Refuse a document without pages or with more pages than the limit."""
    if count <= 0:
        raise CorruptDocumentError(source=name, detail="the document has no pages")
    if count > limits.max_pages:
        raise LimitExceededError(source=name, detail=f"{count} pages > {limits.max_pages} "
                                                     "(--max-pages)")


def strip_subset(font: str) -> str:
    """Font name without its subset tag ("BAAAAA+LiberationSerif" → "LiberationSerif")."""
    return grammar.FONT_SUBSET_PREFIX.sub("", font)


@lru_cache(maxsize=256)
def font_style(font: str) -> tuple[bool, bool]:
    """``(bold, italic)`` as the font name tells."""
    return bool(grammar.FONT_BOLD.search(font)), bool(grammar.FONT_ITALIC.search(font))


@lru_cache(maxsize=256)
def _is_symbol_font(font: str) -> bool:
    return bool(grammar.FONT_SYMBOL.search(font))


def clean_text(text: str, font: str) -> tuple[str, int]:
    """Expand ligatures and mark unmapped glyphs; return ``(text, unmapped count)``.

    A glyph without Unicode (NUL, "(cid:N)") becomes U+FFFD; a private-use code point does too,
    except in symbol fonts where it is a list bullet.
    """
    if ("\x00" not in text and "(cid:" not in text
            and (text.isascii() or max(text) < FIRST_PRIVATE_USE)):
        return text, 0  # nothing to do (Vietnamese text included): no ligature, no private use
    if grammar.UNMAPPED_GLYPH.match(text):
        return REPLACEMENT, 1
    text = text.translate(LIGATURES)
    if "\x00" in text:
        count = text.count("\x00")
        return text.replace("\x00", REPLACEMENT), count
    if grammar.PRIVATE_USE.search(text):
        if _is_symbol_font(font):
            return grammar.PRIVATE_USE.sub(SYMBOL_BULLET, text), 0
        return grammar.PRIVATE_USE.subn(REPLACEMENT, text)
    return text, 0


@lru_cache(maxsize=256)
def legacy_encoding(font: str) -> str | None:
    """"TCVN3", "TCVN3-upper" or "VNI" when the font name says the text is in that encoding."""
    if grammar.FONT_VNI.match(font):
        return "VNI"
    m = grammar.FONT_TCVN3.match(font)
    if m:
        return "TCVN3-upper" if m["upper"] else "TCVN3"
    return None


def convert_legacy(text: str, encoding: str) -> str:
    """Text of a TCVN3 or VNI font (its bytes read as Windows-1252) → Unicode.

    TCVN3 has lower-case codes only for most accented letters; a heading font (".VnTimeH")
    shows them in capitals, so its text is upper-cased.
    """
    if encoding == "VNI":
        return legacy.vni_to_unicode(text)
    converted = legacy.tcvn3_to_unicode(text, restore_case=False)
    return converted.upper() if encoding == "TCVN3-upper" else converted


def dedupe_runs(runs: list[Run]) -> list[Run]:
    """Drop runs drawn twice at (almost) the same place; the kept run is marked fake-bold."""
    kept: list[Run] = []
    seen: dict[tuple[str, float], list[Run]] = {}
    for run in runs:
        key = (run.text.strip(), round(run.size, 1))
        same = seen.get(key)
        if same is None:  # the usual case: no other run with this text and size
            seen[key] = [run]
            kept.append(run)
            continue
        twin = next((k for k in same if abs(k.x0 - run.x0) <= DEDUPE_TOLERANCE
                     and abs(k.baseline - run.baseline) <= DEDUPE_TOLERANCE), None)
        if twin is not None:
            twin.fake_bold = True
            continue
        same.append(run)
        kept.append(run)
    return kept


def format_pages(pages: Iterable[int]) -> str:
    """Compact page list: ``[1, 2, 3, 5]`` → "1-3, 5"."""
    ordered = sorted(set(pages))
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ", ".join(parts)


# --------------------------------------------------------------------------- rows

@dataclass(slots=True)
class _Row:
    """Runs that share a baseline (superscripts included), left to right."""

    runs: list[Run]
    baseline: float
    size: float

    @property
    def x0(self) -> float:
        return min(r.x0 for r in self.runs)

    @property
    def x1(self) -> float:
        return max(r.x1 for r in self.runs)

    def text(self) -> str:
        return " ".join(r.text.strip() for r in self.runs if r.text.strip())


def _cluster_rows(runs: list[Run]) -> list[_Row]:
    """Group runs into rows by baseline, then attach superscript rows to the row below."""
    rows: list[_Row] = []
    for run in sorted(runs, key=lambda r: (r.baseline, r.x0)):
        if rows:
            row = rows[-1]
            if run.baseline - row.baseline <= ROW_TOLERANCE * min(row.size, run.size):
                row.runs.append(run)
                row.size = max(row.size, run.size)
                continue
        rows.append(_Row([run], run.baseline, run.size))
    merged: list[_Row] = []
    for index, row in enumerate(rows):
        below = rows[index + 1] if index + 1 < len(rows) else None
        if (below is not None and row.size <= SUPERSCRIPT_RATIO * below.size
                and 0 < below.baseline - row.baseline <= SUPERSCRIPT_REACH * below.size
                and row.x0 >= below.x0 - 2 * below.size and row.x1 <= below.x1 + 2 * below.size):
            below.runs.extend(row.runs)
            continue
        merged.append(row)
    for row in merged:
        row.runs.sort(key=lambda r: r.x0)
    return merged


def _text_size(row: _Row) -> float:
    """The size most of a row's text is set in (a footnote's full-size label aside)."""
    sizes = Counter[float]()
    for run in row.runs:
        sizes[round(run.size, 1)] += len(run.text.strip())
    return sizes.most_common(1)[0][0]


def _main_baseline(runs: Sequence[Run]) -> tuple[float, float]:
    """Baseline and size of the largest text in a row (superscripts excluded)."""
    if len(runs) == 1:
        return runs[0].baseline, runs[0].size
    biggest = max(runs, key=lambda r: (r.size, len(r.text.strip())))
    return biggest.baseline, biggest.size


def _is_raised(run: Run, baseline: float, size: float) -> bool:
    return (run.size <= SUPERSCRIPT_RATIO * size
            and run.baseline < baseline - SUPERSCRIPT_RAISE * size)


# --------------------------------------------------------------------------- line records

@dataclass(slots=True)
class _LineRec:
    """One extracted line before normalisation; kept per document until the end."""

    raw: str
    page: int
    number: int
    zone: Zone
    x0: float
    x1: float
    baseline: float
    size: float
    bold: bool
    italic: bool
    lo: float
    """Left edge of the line's column (set once the page is known)."""
    hi: float
    """Right edge of the line's column."""
    markers: list[tuple[str, str]] = field(default_factory=list)
    """(label, raw text before the marker)."""
    label: str | None = None
    """Footnote label that starts this line (footnote area only)."""
    paragraph_start: bool | None = None


@dataclass(slots=True)
class _Assembled:
    """A row (or one column of it) as raw text with its layout evidence."""

    text: str
    markers: list[tuple[str, str]]
    label: str | None
    x0: float
    x1: float
    baseline: float
    size: float
    bold: bool
    italic: bool


def _assemble(runs: Sequence[Run], *, footnote: bool = False) -> _Assembled:
    """Join a row's runs into raw text, left to right.

    Superscript digits become markers (their digits leave the text; "m²" stays text); in the
    footnote area the first run, when it is a separate number, is the footnote's label. A space
    goes between runs when either side has one or the gap is wider than :data:`SPACE_GAP`.
    Bold, italic and size are those of most of the text (raised runs aside).
    """
    if len(runs) == 1 and runs[0].text.strip() and runs[0].size >= 0:
        return _assemble_one(runs[0])  # (a negative size, upside-down text, counts as raised)
    baseline, size = _main_baseline(runs)
    parts: list[str] = []
    markers: list[tuple[str, str]] = []
    label: str | None = None
    prev_x1: float | None = None
    prev_size = size
    total = bold_weight = italic_weight = 0
    sizes: dict[float, int] = {}
    visible = [r for r in runs if r.text.strip()]
    for index, run in enumerate(visible):
        text = run.text
        raised = _is_raised(run, baseline, size)
        if footnote and index == 0 and len(visible) > 1:
            m = grammar.FOOTNOTE_LABEL.match(text)
            if m:
                label = m["label"]
                prev_x1 = run.x1
                continue
        if raised and not footnote:
            m = grammar.FOOTNOTE_LABEL.match(text)
            before = "".join(parts)
            if m and not grammar.UNIT_BEFORE_EXPONENT.search(before):
                markers.append((m["label"], before))
                prev_x1 = run.x1 if prev_x1 is None else max(prev_x1, run.x1)
                continue
        if parts:
            gap = run.x0 - (prev_x1 if prev_x1 is not None else run.x0)
            if (parts[-1][-1:].isspace() or text[:1].isspace()
                    or gap > SPACE_GAP * min(prev_size, run.size)):
                parts[-1] = parts[-1].rstrip()
                text = " " + text.lstrip()
        else:
            text = text.lstrip() if label is not None else text
        parts.append(text)
        prev_x1 = run.x1 if prev_x1 is None else max(prev_x1, run.x1)
        prev_size = run.size
        if not raised:
            weight = len(text.strip())
            bold, italic = font_style(run.font)
            total += weight
            bold_weight += weight if bold or run.fake_bold else 0
            italic_weight += weight if italic else 0
            key = round(run.size, 1)
            sizes[key] = sizes.get(key, 0) + weight
    return _Assembled(
        text="".join(parts).strip(), markers=markers, label=label,
        x0=round(min(r.x0 for r in visible), 2), x1=round(max(r.x1 for r in visible), 2),
        baseline=round(baseline, 2),
        size=max(sizes, key=sizes.__getitem__) if sizes else round(size, 1),  # first of equals
        bold=bold_weight * 2 > total, italic=italic_weight * 2 > total)


def _assemble_one(run: Run) -> _Assembled:
    """:func:`_assemble` of a row that is one visible run (most rows): no marker, no label."""
    bold, italic = font_style(run.font)
    return _Assembled(text=run.text.strip(), markers=[], label=None, x0=round(run.x0, 2),
                      x1=round(run.x1, 2), baseline=round(run.baseline, 2),
                      size=round(run.size, 1), bold=bold or run.fake_bold, italic=italic)


# --------------------------------------------------------------------------- columns

def _free_gaps(rows: Sequence[_Row], lo: float, hi: float) -> list[tuple[float, float]]:
    """Horizontal intervals of [lo, hi] that no run of ``rows`` covers."""
    spans = sorted((r.x0, r.x1) for row in rows for r in row.runs if r.text.strip())
    gaps: list[tuple[float, float]] = []
    cursor = lo
    for a, b in spans:
        if a > cursor:
            gaps.append((cursor, a))
        cursor = max(cursor, b)
    if hi > cursor:
        gaps.append((cursor, hi))
    return gaps


def _gutter(rows: Sequence[_Row], lo: float, hi: float, width: float) -> tuple[float, float] | None:
    """The widest gap common to ``rows`` with text on both sides, at least ``width`` wide."""
    best: tuple[float, float] | None = None
    for a, b in _free_gaps(rows, lo, hi):
        if b - a < width:
            continue
        left = any(r.x1 <= a + 0.5 for row in rows for r in row.runs if r.text.strip())
        right = any(r.x0 >= b - 0.5 for row in rows for r in row.runs if r.text.strip())
        if left and right and (best is None or b - a > best[1] - best[0]):
            best = (a, b)
    return best


def _has_gap(rows: Sequence[_Row], lo: float, hi: float, width: float) -> bool:
    return any(b - a >= width for a, b in _free_gaps(rows, lo, hi))


def _side(row: _Row, gutter: tuple[float, float]) -> str | None:
    """"L" or "R" when the row lies on one side of the gutter, "LR" on both, None across."""
    a, b = gutter
    sides = set()
    for run in row.runs:
        if not run.text.strip():
            continue
        if run.x1 <= a + 0.5:
            sides.add("L")
        elif run.x0 >= b - 0.5:
            sides.add("R")
        else:
            return None
    return "".join(sorted(sides)) or None


def _split(row: _Row, gutter: tuple[float, float]) -> tuple[list[Run], list[Run]]:
    middle = (gutter[0] + gutter[1]) / 2
    left = [r for r in row.runs if (r.x0 + r.x1) / 2 < middle]
    right = [r for r in row.runs if (r.x0 + r.x1) / 2 >= middle]
    return left, right


def _centre(runs: Sequence[Run]) -> float:
    visible = [r for r in runs if r.text.strip()]
    return (min(r.x0 for r in visible) + max(r.x1 for r in visible)) / 2


def _header_band(rows: list[_Row], page_height: float, body: float,
                 lo: float, hi: float) -> tuple[int, tuple[float, float]] | None:
    """Rows at the top of page 1 that form the two-column header table, and their gutter.

    Rows join while some gap at least :data:`GUTTER_MIN` body sizes wide stays free of text;
    the band ends at its last row with text on both sides, plus following one-sided rows
    aligned with their column (a right column one line longer than the left).
    """
    width = GUTTER_MIN * body
    grown: list[_Row] = []
    for row in rows[:16]:
        if row.baseline > 0.45 * page_height:
            break
        if grown and row.baseline - grown[-1].baseline > 3.5 * body:
            break
        if not _has_gap([*grown, row], lo, hi, width):
            break
        grown.append(row)
    # a free margin keeps the loop going; the band is the longest prefix with a real gutter
    gutter = None
    while grown and gutter is None:
        gutter = _gutter(grown, lo, hi, width)
        if gutter is None:
            grown.pop()
    if gutter is None:
        return None
    both = [i for i, row in enumerate(grown) if _side(row, gutter) == "LR"]
    if not both:
        return None
    count = both[-1] + 1
    gutter = _gutter(grown[:count], lo, hi, width) or gutter
    for row in grown[count:]:
        side = _side(row, gutter)
        if side not in ("L", "R") or row.baseline - grown[count - 1].baseline > 2.2 * row.size:
            break
        column = [_split(r, gutter)[0 if side == "L" else 1] for r in grown[:count]]
        column = [c for c in column if any(r.text.strip() for r in c)]
        if not column:
            break
        centres = [_centre(c) for c in column]
        starts = [min(r.x0 for r in c if r.text.strip()) for c in column]
        centred = abs(_centre(row.runs) - sum(centres) / len(centres)) <= 0.75 * row.size
        aligned = (max(starts) - min(starts) <= 1.0 and abs(row.x0 - starts[0]) <= 1.0)
        if not (centred or aligned):
            break
        count += 1
    return count, gutter


def _closing_band(rows: list[_Row], start: int, body: float, lo: float,
                  hi: float) -> tuple[int, int, tuple[float, float]] | None:
    """Rows of the "Nơi nhận" / signature table that starts at ``rows[start]``.

    Returns ``(first, end, gutter)``: rows[first:end] are in the band (right-only rows just
    above the "Nơi nhận" row are the top of the signature block).
    """
    width = GUTTER_MIN * body
    end = start + 1
    while end < len(rows) and _has_gap(rows[start:end + 1], lo, hi, width):
        end += 1
    gutter = _gutter(rows[start:end], lo, hi, width)
    if gutter is None:
        return None
    first = start
    while (first > 0 and _side(rows[first - 1], gutter) == "R"
           and rows[first].baseline - rows[first - 1].baseline <= 2.5 * body):
        first -= 1
    return first, end, gutter


# --------------------------------------------------------------------------- builder

@dataclass(slots=True)
class _OpenBand:
    """A closing band that reached the bottom of its page and may continue on the next."""

    gutter: tuple[float, float]
    recipients: str
    """Side ("L" or "R") of the recipients column."""


class LayoutBuilder:
    """Accumulates pages one at a time and produces the :class:`SourceText` at the end."""

    def __init__(self, name: str, limits: Limits, *, engine: str) -> None:
        self.name = name
        self.limits = limits
        self.engine = engine
        self.diags = Diagnostics(name)
        self.records: list[_LineRec] = []
        self.footnotes: list[tuple[str, list[_LineRec]]] = []
        self.pending: list[str] = []
        """Marker labels seen in the text and not yet matched by a footnote body."""
        self.page_count = 0
        self.textless: list[int] = []
        self.scanned: list[int] = []
        self.unmapped: dict[int, int] = {}
        self.page_numbers = 0
        self.size_weight: Counter[float] = Counter()
        self.margins: list[tuple[int, float, str, int]] = []
        """Running-header candidates: (page, baseline, text, record index)."""
        self.band: _OpenBand | None = None
        self.legacy: set[str] = set()
        """Legacy encodings met in font names (TCVN3, VNI)."""

    # ------------------------------------------------------------------ per page

    def add_page(self, page: PageContent) -> None:
        """Read one page's runs into line records (the page's objects can then be freed)."""
        self.page_count += 1
        if page.unmapped:
            self.unmapped[page.number] = page.unmapped
        for run in page.runs:
            encoding = legacy_encoding(run.font)
            if encoding is not None:
                run.text = convert_legacy(run.text, encoding)
                self.legacy.add(encoding.split("-")[0])
        runs = dedupe_runs([r for r in page.runs if r.text.strip()])
        if not runs:
            self.textless.append(page.number)
            if page.image_cover >= 0.3:
                self.scanned.append(page.number)
            return
        page_sizes: dict[float, int] = {}
        for run in runs:
            key = round(run.size, 1)
            page_sizes[key] = page_sizes.get(key, 0) + len(run.text.strip())
        self.size_weight.update(page_sizes)
        rows = _cluster_rows(runs)
        body = max(page_sizes, key=page_sizes.__getitem__)  # the first of equal weights
        lo = min(row.x0 for row in rows)
        hi = max(row.x1 for row in rows)

        top_furniture, bottom_furniture = self._page_number_rows(rows, page.height)
        content = rows[len(top_furniture):len(rows) - len(bottom_furniture)]
        notes_at = self._footnote_start(content, page, body, lo)
        footnote_rows = content[notes_at:]
        content = content[:notes_at]

        ordered: list[tuple[Zone, list[Run], float, float]] = []
        if page.number == 1:
            header = _header_band(content, page.height, body, lo, hi)
            if header is not None:
                count, gutter = header
                left = [_split(row, gutter)[0] for row in content[:count]]
                right = [_split(row, gutter)[1] for row in content[:count]]
                ordered += [(Zone.HEADER_LEFT, runs_, lo, gutter[0]) for runs_ in left if runs_]
                ordered += [(Zone.HEADER_RIGHT, runs_, gutter[1], hi) for runs_ in right if runs_]
                content = content[count:]
        ordered += self._body_segments(content, body, lo, hi)

        number = len(top_furniture)  # line numbers count the furniture too
        self.page_numbers += len(top_furniture) + len(bottom_furniture)
        first_record = len(self.records)
        for zone, row_runs, col_lo, col_hi in ordered:
            number += 1
            self._add_record(row_runs, page.number, number, zone, col_lo, col_hi)
        for row in footnote_rows:
            number += 1
            self._add_footnote_row(row, page.number, number, lo, hi)
        body_records = [i for i in range(first_record, len(self.records))
                        if self.records[i].zone is Zone.BODY]
        if len(body_records) >= 2:  # a running header is the first or last line, set apart
            for index, neighbour, top in ((body_records[0], body_records[1], True),
                                          (body_records[-1], body_records[-2], False)):
                rec = self.records[index]
                apart = abs(self.records[neighbour].baseline - rec.baseline) >= 1.4 * rec.size
                in_band = (rec.baseline <= MARGIN_BAND * page.height if top
                           else rec.baseline >= (1 - MARGIN_BAND) * page.height)
                if apart and in_band:
                    self.margins.append((page.number, rec.baseline, rec.raw, index))

    def _page_number_rows(self, rows: list[_Row], height: float) -> tuple[list[_Row], list[_Row]]:
        """The first and last rows when they are lone page numbers in the margins."""
        def is_number(index: int, neighbour: int | None, top: bool) -> bool:
            row = rows[index]
            if not grammar.PAGE_NUMBER.match(row.text()):
                return False
            in_band = row.baseline <= MARGIN_BAND * height if top else \
                row.baseline >= (1 - MARGIN_BAND) * height
            if not in_band:
                return False
            if neighbour is None:
                return True
            return abs(rows[neighbour].baseline - row.baseline) >= 1.4 * row.size
        top = [rows[0]] if rows and is_number(0, 1 if len(rows) > 1 else None, True) else []
        bottom: list[_Row] = []
        if len(rows) > len(top):
            last = len(rows) - 1
            neighbour = last - 1 if last - 1 >= len(top) else None
            if is_number(last, neighbour, False):
                bottom = [rows[last]]
        return top, bottom

    def _footnote_start(self, rows: list[_Row], page: PageContent, body: float, lo: float) -> int:
        """Index of the first footnote-area row (``len(rows)`` when the page has none)."""
        if not rows:
            return 0
        text_width = max(row.x1 for row in rows) - lo
        rules = sorted((r for r in page.rules
                        if 15 <= r.x1 - r.x0 <= 0.5 * text_width and abs(r.x0 - lo) <= 0.6 * body
                        and r.top >= 0.4 * page.height), key=lambda r: r.top)
        for rule in rules:
            below = next((i for i, row in enumerate(rows) if row.baseline > rule.bottom), None)
            if below is None or below == 0:
                continue
            if rows[below].baseline - rule.bottom > 3 * body:
                continue
            if self._starts_footnote(rows[below], separator=True):
                return below
        # no separator: a smaller-font block at the bottom that starts with a pending label
        index = len(rows)
        while index > 0 and _text_size(rows[index - 1]) <= SUPERSCRIPT_RATIO * body:
            index -= 1
        for i in range(index, len(rows)):
            if self._starts_footnote(rows[i], separator=False):
                return i
        return len(rows)

    def _starts_footnote(self, row: _Row, *, separator: bool) -> bool:
        """Does this row open a footnote area (a label), or continue an open footnote?"""
        first = next((r for r in row.runs if r.text.strip()), None)
        if first is None:
            return False
        smaller = _text_size(row) < 0.95 * self._body_size()
        m = grammar.FOOTNOTE_LABEL.match(first.text)
        if m and len([r for r in row.runs if r.text.strip()]) > 1:
            return m["label"] in self.pending or (separator and smaller)
        m = grammar.FOOTNOTE_LABEL_START.match(first.text)
        if m and m["label"] in self.pending:
            return True
        return separator and smaller and bool(self.footnotes)

    def _body_size(self) -> float:
        return self.size_weight.most_common(1)[0][0] if self.size_weight else 12.0

    def _body_segments(self, rows: list[_Row], body: float, lo: float,
                       hi: float) -> list[tuple[Zone, list[Run], float, float]]:
        """Body rows in reading order, with the closing table emitted column by column."""
        out: list[tuple[Zone, list[Run], float, float]] = []
        index = 0
        if self.band is not None:
            band, self.band = self.band, None
            end = 0
            while end < len(rows) and _side(rows[end], band.gutter) in ("L", "R", "LR"):
                end += 1
            if end:
                out += self._band_lines(rows[:end], band.gutter, band.recipients, lo, hi)
                index = end
                if end == len(rows):
                    self.band = band
        while index < len(rows):
            row = rows[index]
            first = next((r for r in row.runs if r.text.strip()), None)
            if first is not None and grammar.RECIPIENTS_HEADING.match(first.text.strip()):
                found = _closing_band(rows, index, body, lo, hi)
                if found is not None:
                    start, end, gutter = found
                    del out[len(out) - (index - start):]
                    side = "L" if (first.x0 + first.x1) / 2 < (gutter[0] + gutter[1]) / 2 else "R"
                    out += self._band_lines(rows[start:end], gutter, side, lo, hi)
                    if end == len(rows):
                        self.band = _OpenBand(gutter, side)
                    index = end
                    continue
            out.append((Zone.BODY, row.runs, lo, hi))
            index += 1
        return out

    @staticmethod
    def _band_lines(rows: Sequence[_Row], gutter: tuple[float, float], recipients: str,
                    lo: float, hi: float) -> list[tuple[Zone, list[Run], float, float]]:
        left_zone, right_zone = ((Zone.RECIPIENTS, Zone.SIGNATURE) if recipients == "L"
                                 else (Zone.SIGNATURE, Zone.RECIPIENTS))
        left = [(left_zone, part, lo, gutter[0]) for part in (_split(r, gutter)[0] for r in rows)
                if part]
        right = [(right_zone, part, gutter[1], hi) for part in (_split(r, gutter)[1] for r in rows)
                 if part]
        return left + right if recipients == "L" else right + left

    def _add_record(self, runs: list[Run], page: int, number: int, zone: Zone, lo: float,
                    hi: float) -> None:
        row = _assemble(runs)
        markers = row.markers
        if not row.text.strip():
            if markers and self.records:  # a marker alone on its row: it ends the line above
                prev = self.records[-1]
                prev.markers.extend((label, prev.raw) for label, _before in markers)
                self.pending.extend(label for label, _before in markers)
            return
        self.records.append(_LineRec(row.text, page, number, zone, row.x0, row.x1, row.baseline,
                                     row.size, row.bold, row.italic, lo, hi, markers))
        self.pending.extend(label for label, _before in markers)

    def _add_footnote_row(self, row: _Row, page: int, number: int, lo: float, hi: float) -> None:
        line = _assemble(row.runs, footnote=True)
        text, label = line.text, line.label
        if label is None:
            m = grammar.FOOTNOTE_LABEL_START.match(text)
            if m and m["label"] in self.pending:
                label, text = m["label"], m["text"]
        rec = _LineRec(text.strip(), page, number, Zone.FOOTNOTE, line.x0, line.x1,
                       line.baseline, line.size, line.bold, line.italic, lo, hi, label=label)
        if label is not None or not self.footnotes:
            self.footnotes.append((label or "", [rec]))
            if label in self.pending:
                self.pending.remove(label)
        else:
            self.footnotes[-1][1].append(rec)

    # ------------------------------------------------------------------ document

    def finish(self, meta: dict[str, str] | None = None) -> SourceText:
        """Decide what needs the whole document, normalise every line, report."""
        if not self.records and not self.footnotes:
            pages = self.textless or list(range(1, self.page_count + 1))
            raise ScannedDocumentError(source=self.name, pages=format_pages(pages))
        if self.scanned:
            self.diags.add("NQ101", pages=format_pages(self.scanned))
        for encoding in sorted(self.legacy):
            self.diags.add("NQ111", encoding=encoding)
        if self.unmapped:
            self.diags.add("NQ113", count=sum(self.unmapped.values()),
                           pages=format_pages(self.unmapped))
        if self.page_numbers:
            self.diags.add("NQ131", count=self.page_numbers)
        self._drop_running_headers()
        body = [r for r in self.records if r.zone is Zone.BODY]
        _paragraph_starts(body, self._body_size())
        for zone in (Zone.HEADER_LEFT, Zone.HEADER_RIGHT, Zone.RECIPIENTS, Zone.SIGNATURE):
            _zone_starts([r for r in self.records if r.zone is zone])
        suspects = self._repair_suspects()
        lines = [line for rec in self.records for line in self._lines(rec, id(rec) in suspects)]
        footnotes = []
        for label, records in self.footnotes:
            for k, rec in enumerate(records):
                rec.paragraph_start = k == 0
            flines = tuple(line for rec in records
                           for line in self._lines(rec, id(rec) in suspects))
            if flines:
                footnotes.append(FootnoteBody(label, flines))
        return SourceText(self.name, "pdf", tuple(lines), self.diags, tuple(footnotes),
                          pages=self.page_count, meta={"engine": self.engine, **(meta or {})})

    def _drop_running_headers(self) -> None:
        """Remove margin lines repeated at the same height on most pages (NQ130)."""
        pages_with_text = self.page_count - len(self.textless)
        if pages_with_text < 3:
            return
        groups: dict[str, list[tuple[int, float, int]]] = defaultdict(list)
        for page, baseline, raw, index in self.margins:
            key = "".join("#" if c.isdigit() else c for c in " ".join(raw.split()))
            groups[key].append((page, baseline, index))
        drop: set[int] = set()
        for key, hits in groups.items():
            pages = {p for p, _b, _i in hits}
            if len(pages) < max(2, math.ceil(0.5 * pages_with_text)):
                continue
            baselines = sorted(b for _p, b, _i in hits)
            if baselines[-1] - baselines[0] > 6:
                continue
            drop.update(i for _p, _b, i in hits)
            self.diags.add("NQ130", what=f'running header or footer "{key}" on '
                                         f"{len(pages)} pages")
        if drop:
            self.records = [r for i, r in enumerate(self.records) if i not in drop]

    def _repair_suspects(self) -> set[int]:
        """Ids of the records whose text may need a Unicode repair (one scan of all of them);
        the others are normalised without the repair checks, with the same result."""
        records = self.records + [rec for _label, recs in self.footnotes for rec in recs]
        return {id(records[i]) for i in lines_needing_repair([rec.raw for rec in records])}

    def _lines(self, rec: _LineRec, repairs: bool = True) -> list[Line]:
        """Normalise one record into one Line (or several when it exceeds the limit)."""
        span = Span(rec.number, None, rec.page, None)
        text, original = normalise_line(rec.raw, span, self.diags, repairs)
        if not text:
            return []
        markers: tuple[Marker, ...] = ()
        if rec.markers:  # a marker's offset in the normalised text
            scratch = Diagnostics()
            markers = tuple(Marker(len(normalise_line(before, span, scratch)[0]), label)
                            for label, before in rec.markers)
        indented = rec.x0 - rec.lo >= INDENT_MIN * rec.size
        limit = self.limits.max_line_chars
        pieces = []
        for start in range(0, len(text), limit):  # one piece unless the line is too long
            end = start + limit
            inside = tuple(Marker(m.offset - start, m.label) for m in markers
                           if start <= m.offset < end or m.offset == len(text) <= end)
            pieces.append(Line(text[start:end], span, original if start == 0 else None,
                               rec.zone, indented, rec.bold, rec.italic, rec.size, rec.x0,
                               rec.paragraph_start if start == 0 else False, inside))
        return pieces


# --------------------------------------------------------------------------- paragraphs

def _centred(rec: _LineRec) -> bool:
    tolerance = max(2.0, 0.3 * rec.size)
    return (rec.x0 >= rec.lo + rec.size and rec.x1 <= rec.hi - rec.size
            and abs((rec.x0 + rec.x1) / 2 - (rec.lo + rec.hi) / 2) <= tolerance)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(share * (len(ordered) - 1) + 0.5)))]


def _paragraph_starts(records: list[_LineRec], body: float) -> None:
    """Set ``paragraph_start`` on body lines from geometry, across page breaks.

    Evidence, in order: the first line; a size change; a vertical gap above the usual pitch;
    centred lines (a centred line after another centred one is left undecided: titles wrap);
    a first-line indent; in justified text, the previous line ending short (True) or full
    (False). Ragged text without a gap or indent stays undecided (None).
    """
    if not records:
        return
    main = [r for r in records if abs(r.size - body) <= 0.6]
    # the body column per page: where lines of the body size start and end
    columns: dict[int, tuple[float, float]] = {}
    by_page: dict[int, list[_LineRec]] = defaultdict(list)
    for rec in main:
        by_page[rec.page].append(rec)
    all_lo = _percentile([r.x0 for r in main], 0.05) if main else 0.0
    all_hi = _percentile([r.x1 for r in main], 0.95) if main else 0.0
    for page, recs in by_page.items():
        if len(recs) >= 5:
            columns[page] = (min(r.x0 for r in recs), _percentile([r.x1 for r in recs], 0.9))
    if main:
        for rec in records:
            rec.lo, rec.hi = columns.get(rec.page, (all_lo, all_hi))
    full = [r for r in main if not _centred(r)]
    flush = sum(r.x1 >= r.hi - SHORT_LINE * r.size for r in full)
    justified = bool(full) and flush >= 0.5 * len(full)
    pitches: dict[float, list[float]] = defaultdict(list)
    for a, b in zip(records, records[1:], strict=False):
        same = a.page == b.page and abs(a.size - b.size) < 0.6
        if same and 0 < b.baseline - a.baseline < 3 * b.size:
            pitches[round(b.size)].append(b.baseline - a.baseline)
    pitch = {size: _percentile(values, 0.25) for size, values in pitches.items() if values}
    prev: _LineRec | None = None
    for rec in records:
        rec.paragraph_start = _start(rec, prev, pitch, justified) if prev else True
        prev = rec


def _start(rec: _LineRec, prev: _LineRec, pitch: dict[float, float],
           justified: bool) -> bool | None:
    """Paragraph evidence for ``rec`` following ``prev`` (see :func:`_paragraph_starts`)."""
    if abs(rec.size - prev.size) >= 1.0:
        return True
    if rec.page == prev.page:
        usual = pitch.get(round(rec.size), 1.5 * rec.size)
        if rec.baseline - prev.baseline > GAP_RATIO * usual:
            return True
    if _centred(rec):
        return None if _centred(prev) and rec.bold == prev.bold else True
    if _centred(prev):
        return True
    indent = INDENT_MIN * rec.size
    if rec.x0 - rec.lo >= indent and not (abs(rec.x0 - prev.x0) < indent
                                          and prev.paragraph_start is False):
        return True
    if not justified:
        return None
    return prev.x1 < prev.hi - SHORT_LINE * prev.size


def _zone_starts(records: list[_LineRec]) -> None:
    """Header, signature and recipients columns: a start at the top and after a wide gap."""
    for k, rec in enumerate(records):
        if k == 0:
            rec.paragraph_start = True
            continue
        prev = records[k - 1]
        gap = rec.baseline - prev.baseline
        rec.paragraph_start = True if rec.page != prev.page or gap > 2.2 * rec.size else None


__all__ = ["LayoutBuilder", "PageContent", "Rule", "Run", "check_page_count", "check_pdf_bytes",
           "clean_text", "convert_legacy", "dedupe_runs", "font_style", "format_pages",
           "legacy_encoding", "strip_subset"]
