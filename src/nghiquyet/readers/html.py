"""HTML reader: a saved legal-portal page → :class:`~nghiquyet.source.SourceText`.

Legal portals (thuvienphapluat.vn, luatvietnam.vn, vbpl.vn, luatminhkhue.vn …) wrap the
document's own HTML in site chrome: menus, search boxes, adverts, related-document lists and a
metadata panel ("Số hiệu", "Loại văn bản", "Ngày ban hành" …). The reader:

1. decodes the bytes (BOM, then the ``<meta>`` charset, else UTF-8 with the text reader's legacy
   fallback) and parses them with :func:`nghiquyet.safexml.parse_html`;
2. finds the **document container** (:func:`find_container`): an element whose class or id the
   portals use for the text (``grammar.HTML_CONTAINER_HINT``) and that holds most of the
   resolution's landmarks, otherwise the tightest element that holds nearly all of them;
3. removes chrome left inside the container (hidden elements, form controls, adverts, metadata
   panels) and reports it (NQ130);
4. links footnote references (``<a href="#_ftn1">[1]</a>``) to their notes, which become
   :class:`~nghiquyet.source.FootnoteBody` objects instead of text;
5. walks the container in document order: block elements and ``<br>`` make lines; the header
   table and the signature/recipients table are emitted column by column with their zones;
   other tables become Markdown rows; ``<b>``/``<strong>``/``<i>``/``<em>`` and inline CSS give
   bold/italic evidence.

``Span.line`` is the HTML source line of the element a line starts in.

The first part of this module (:class:`RawLine`, :func:`finish_lines`, :func:`classify_columns`,
:func:`markdown_row`) is shared with the DOCX reader: both turn markup runs into lines.
"""

from __future__ import annotations

import codecs
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import regex
from lxml import etree

from nghiquyet import grammar
from nghiquyet.diagnostics import Diagnostics
from nghiquyet.errors import EmptyInputError, LimitExceededError, ReaderError
from nghiquyet.limits import DEFAULT_LIMITS, Limits
from nghiquyet.safexml import parse_html
from nghiquyet.source import FootnoteBody, Line, Marker, SourceText, Span, Zone, normalise_line

# =========================================================================== shared with DOCX


@dataclass(slots=True)
class RawLine:
    """A line being assembled from markup runs, before normalisation.

    Counts are of non-space characters, so that a line's bold/italic evidence is a majority
    vote over what is printed.
    """

    zone: Zone = Zone.BODY
    source_line: int | None = None
    paragraph_start: bool | None = None
    parts: list[str] = field(default_factory=list)
    length: int = 0
    chars: int = 0
    bold: int = 0
    italic: int = 0
    link: int = 0
    """Characters inside hyperlinks (site chrome is mostly links)."""
    sizes: Counter[float] = field(default_factory=Counter)
    markers: list[tuple[int, str]] = field(default_factory=list)
    """(offset in the raw text, label) of footnote references."""
    owner: object = None
    """The markup element the line was read from (used to score containers)."""
    styled: bool = False
    """True when the markup states formatting fully (DOCX): no bold markup means "not bold".
    HTML styling may come from style sheets the reader does not see, so there only positive
    evidence counts."""

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def is_blank(self) -> bool:
        return self.chars == 0

    def ends_with_space(self) -> bool:
        return not self.parts or self.parts[-1][-1:] in (" ", "\t")

    def add(self, text: str, *, bold: bool = False, italic: bool = False,
            size: float | None = None, link: bool = False) -> None:
        """Append a run of text with its formatting."""
        if not text:
            return
        printed = len("".join(text.split()))
        self.parts.append(text)
        self.length += len(text)
        self.chars += printed
        if bold:
            self.bold += printed
        if italic:
            self.italic += printed
        if link:
            self.link += printed
        if size is not None and printed:
            self.sizes[size] += printed

    def add_marker(self, label: str) -> None:
        """Record a footnote reference at the current end of the line."""
        self.markers.append((self.length, label))

    def extend(self, other: RawLine) -> None:
        """Append another line's text, formatting counts and markers."""
        self.markers.extend((offset + self.length, label) for offset, label in other.markers)
        self.parts.extend(other.parts)
        self.length += other.length
        self.chars += other.chars
        self.bold += other.bold
        self.italic += other.italic
        self.link += other.link
        self.sizes.update(other.sizes)


def join_raw(lines: Sequence[RawLine], separator: str = " ") -> RawLine:
    """Join several raw lines into one (a table cell's paragraphs)."""
    joined = RawLine(styled=any(line.styled for line in lines))
    for line in lines:
        if line.is_blank() and not line.markers:
            continue
        if joined.parts:
            joined.add(separator)
        joined.extend(line)
    if lines:
        joined.source_line = lines[0].source_line
        joined.zone = lines[0].zone
    return joined


def _escape_pipes(cell: RawLine) -> RawLine:
    """Escape "|" inside a table cell as "\\|" (Markdown), keeping marker offsets right."""
    text = cell.text
    if "|" not in text:
        return cell
    pipes = [i for i, c in enumerate(text) if c == "|"]
    escaped = RawLine(styled=cell.styled, source_line=cell.source_line, zone=cell.zone)
    escaped.extend(cell)
    escaped.parts = [text.replace("|", "\\|")]
    escaped.length = len(escaped.parts[0])
    escaped.markers = [(offset + sum(1 for p in pipes if p < offset), label)
                       for offset, label in cell.markers]
    return escaped


def markdown_row(cells: Sequence[RawLine | None], *, zone: Zone, source_line: int | None,
                 styled: bool) -> RawLine:
    """One table row as a Markdown line ``| a | b |`` (an empty cell is ``| |``)."""
    row = RawLine(zone=zone, source_line=source_line, paragraph_start=True, styled=styled)
    row.add("|")
    for cell in cells:
        if cell is None or (cell.is_blank() and not cell.markers):
            row.add(" |")
            continue
        row.add(" ")
        row.extend(_escape_pipes(cell))
        row.add(" |")
    return row


def markdown_rule(columns: int, *, zone: Zone, source_line: int | None) -> RawLine:
    """The rule line under a Markdown table's header rows: ``| --- | --- |``."""
    rule = RawLine(zone=zone, source_line=source_line, paragraph_start=False)
    rule.add("|" + " --- |" * max(columns, 1))
    return rule


@dataclass(slots=True)
class TableCell:
    """A table cell placed on the table's grid (spans already resolved)."""

    row: int
    col: int
    lines: list[RawLine]
    header: bool = False
    """Markup says this cell belongs to a header row (``<th>``, ``<thead>``, ``w:tblHeader``)."""
    span: int = 1
    """Columns the cell covers."""

    def has_text(self) -> bool:
        return any(not line.is_blank() or line.markers for line in self.lines)


def emit_table(cells: Sequence[TableCell], *, rows: Sequence[int | None], width: int,
               zone: Zone, header_allowed: bool, styled: bool) -> tuple[list[RawLine], bool]:
    """Lines for one table, and whether it was the document header.

    A table with two filled columns is the header (HEADER_LEFT then HEADER_RIGHT) or the
    recipients/signature block (RECIPIENTS then SIGNATURE) when :func:`classify_columns` says
    so; a table with one filled column, or one filled cell per row, is layout and its cells
    are read as blocks; anything else is data, emitted as Markdown rows (``rows`` gives each
    row's source line).
    """
    filled = sorted({cell.col for cell in cells if cell.has_text()})
    if not filled:
        return [], False
    if len(filled) == 2:
        columns: list[list[RawLine]] = [[], []]
        spanning: list[RawLine] = []  # a row spanning both columns (a title under the header)
        for cell in cells:
            if cell.col == filled[0] and cell.col + cell.span > filled[1]:
                spanning.extend(cell.lines)
            elif cell.col in filled:
                columns[filled.index(cell.col)].extend(cell.lines)
        zones = classify_columns([probe(ln.text) for ln in columns[0]],
                                 [probe(ln.text) for ln in columns[1]],
                                 header_allowed=header_allowed)
        if zones is not None:
            out: list[RawLine] = []
            for index, column_zone in zones:
                for line in columns[index]:
                    line.zone = column_zone
                    out.append(line)
            return out + spanning, zones[0][1] is Zone.HEADER_LEFT
    per_row = Counter(cell.row for cell in cells if cell.has_text())
    if len(filled) == 1 or max(per_row.values()) <= 1:
        return [line for cell in cells for line in cell.lines], False
    header_rows = 0
    by_row: dict[int, list[TableCell]] = {}
    for cell in cells:
        by_row.setdefault(cell.row, []).append(cell)
    while header_rows < len(rows) and by_row.get(header_rows) \
            and all(cell.header for cell in by_row[header_rows]):
        header_rows += 1
    header_rows = max(header_rows, 1)
    at = {(cell.row, cell.col): cell for cell in cells}
    out = []
    for r, source_line in enumerate(rows):
        row_cells = [at.get((r, c)) for c in range(width)]
        out.append(markdown_row([join_raw(cell.lines) if cell else None for cell in row_cells],
                                zone=zone, source_line=source_line, styled=styled))
        if r == header_rows - 1:
            out.append(markdown_rule(width, zone=zone, source_line=source_line))
    return out, False


def probe(text: str) -> str:
    """The matching view of a raw text: normalised (diagnostics discarded) and tone-folded."""
    clean, _ = normalise_line(text, Span(0), Diagnostics())
    return grammar.fold(clean)


def _any(pattern: regex.Pattern[str], texts: Iterable[str]) -> bool:
    return any(pattern.match(text) for text in texts)


def classify_columns(left: Sequence[str], right: Sequence[str], *,
                     header_allowed: bool) -> list[tuple[int, Zone]] | None:
    """Tell a two-column layout table apart: the header, or the recipients/signature block.

    ``left`` and ``right`` are the columns' lines in matching view (:func:`probe`). Returns the
    columns in emission order with their zones, or None for a data table.
    """
    both = [*left, *right]
    if header_allowed and (_any(grammar.NATIONAL_TITLE, both) or _any(grammar.MOTTO, both)
                           or (_any(grammar.NUMBER, both) and _any(grammar.DATE_LINE, both))):
        return [(0, Zone.HEADER_LEFT), (1, Zone.HEADER_RIGHT)]
    recipients = [_any(grammar.RECIPIENTS_HEADING, column) for column in (left, right)]
    signature = [_any(grammar.SIGNATURE_AUTHORITY, column) or _any(grammar.SIGNATURE_ROLE, column)
                 for column in (left, right)]
    if recipients[0] != recipients[1]:
        first = 0 if recipients[0] else 1
        return [(first, Zone.RECIPIENTS), (1 - first, Zone.SIGNATURE)]
    if signature[0] and signature[1]:
        return [(0, Zone.SIGNATURE), (1, Zone.SIGNATURE)]
    if signature[0] != signature[1]:
        signer = 0 if signature[0] else 1
        return [(1 - signer, Zone.RECIPIENTS), (signer, Zone.SIGNATURE)]
    return None


def _evidence(count: int, total: int, styled: bool) -> bool | None:
    if total and count * 2 > total:
        return True
    return False if styled and total else None


def _marker_offset(raw: str, offset: int, clean: str) -> int:
    """Where a marker at ``offset`` of the raw text stands in the normalised text."""
    if offset <= 0:
        return 0
    if offset >= len(raw):
        return len(clean)
    prefix, _ = normalise_line(raw[:offset] + "x", Span(0), Diagnostics())
    return max(0, min(len(prefix) - 1, len(clean)))


def _cut(raw: RawLine, limit: int) -> Iterator[tuple[str, list[tuple[int, str]]]]:
    text = raw.text
    if len(text) <= limit:
        yield text, raw.markers
        return
    for start in range(0, len(text), limit):
        end = start + limit
        yield text[start:end], [(o - start, label) for o, label in raw.markers
                                if start <= o < end or (o == len(text) and end >= len(text))]


def finish_lines(raws: Iterable[RawLine], diags: Diagnostics, limits: Limits) -> list[Line]:
    """Normalise raw lines once (CONTRACTS: ``normalise_line``) into :class:`Line` objects.

    Blank lines are dropped; lines longer than ``limits.max_line_chars`` are cut into pieces
    (NQ105); marker offsets are mapped onto the normalised text.
    """
    lines: list[Line] = []
    last_number = 1
    for raw in raws:
        if raw.is_blank() and not raw.markers:
            continue
        number = raw.source_line if raw.source_line is not None else last_number
        last_number = number
        span = Span(number)
        pieces = list(_cut(raw, limits.max_line_chars))
        if len(pieces) > 1:
            diags.add("NQ116", span, length=len(raw.text), limit=limits.max_line_chars)
        size = raw.sizes.most_common(1)[0][0] if raw.sizes else None
        for index, (text, markers) in enumerate(pieces):
            clean, original = normalise_line(text, span, diags)
            if not clean and not markers:
                continue
            lines.append(Line(
                clean, span, original, zone=raw.zone,
                bold=_evidence(raw.bold, raw.chars, raw.styled),
                italic=_evidence(raw.italic, raw.chars, raw.styled),
                size=size,
                paragraph_start=raw.paragraph_start if index == 0 else False,
                markers=tuple(Marker(_marker_offset(text, offset, clean), label)
                              for offset, label in markers),
            ))
    return lines


# =========================================================================== HTML decoding


def decode_html(data: bytes, diags: Diagnostics) -> tuple[str, str]:
    """Decode a page: BOM, then ``<meta charset>``, then UTF-8, then the legacy fallback."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        diags.add("NQ110", encoding="UTF-16 (BOM)")
        return data.decode("utf-16", errors="replace"), "utf-16"
    declared = grammar.HTML_CHARSET.search(data[:4096].decode("latin-1"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if declared is not None:
        try:
            codec = codecs.lookup(declared["charset"]).name
        except LookupError:
            codec = "utf-8"
        if codec != "utf-8":
            if text is not None and not text.isascii():
                # Valid multi-byte UTF-8 is never an accident: the declaration is stale.
                diags.add("NQ110", encoding=f"utf-8 (the page declares {declared['charset']})")
                return text, "utf-8"
            diags.add("NQ110", encoding=declared["charset"])
            return data.decode(codec, errors="replace"), codec
    if text is not None:
        return text, "utf-8"
    from nghiquyet.readers.text import decode_text

    return decode_text(data, diags)


# =========================================================================== HTML structure

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend "
    "li main menu nav ol p pre section summary table tbody td tfoot th thead tr ul".split())
_BOLD_TAGS = frozenset(("b", "strong", "th", "h1", "h2", "h3", "h4", "h5", "h6"))
_ITALIC_TAGS = frozenset(("i", "em", "cite", "dfn", "var"))
_CONTROL_TAGS = ("input", "button", "select", "textarea", "nav")
"""Removed inside the container: form controls and navigation never hold document text."""
_FOOTNOTE_BLOCKS = frozenset(("p", "li", "div", "dd", "section", "aside", "td", "blockquote"))

_SIGNAL_WEIGHTS: tuple[tuple[regex.Pattern[str], int], ...] = (
    (grammar.ENACTING_FORMULA, 3),
    (grammar.NATIONAL_TITLE, 2),
    (grammar.DOCUMENT_TYPE, 2),
    (grammar.RECIPIENTS_HEADING, 2),
    (grammar.ARTICLE, 1),
    (grammar.LEGAL_BASIS, 1),
    (grammar.MOTTO, 1),
    (grammar.NUMBER, 1),
    (grammar.COUNCIL, 1),
    (grammar.SIGNATURE_AUTHORITY, 1),
)
"""Landmarks of a resolution, weighted by how unlikely they are in site chrome."""


def _signal(text: str) -> int:
    for pattern, weight in _SIGNAL_WEIGHTS:
        if pattern.match(text):
            return weight
    return 0


def _tokens(el: etree._Element) -> list[str]:
    tokens = (el.get("class") or "").split()
    if el.get("id"):
        tokens.append(el.get("id") or "")
    return tokens


def describe(el: etree._Element) -> str:
    """A CSS-like name for an element: ``div#toanvancontent.fulltext``."""
    name = str(el.tag)
    if el.get("id"):
        name += "#" + (el.get("id") or "")
    classes = (el.get("class") or "").split()
    if classes:
        name += "." + ".".join(classes)
    return name


def _is_hidden(el: etree._Element) -> bool:
    style = el.get("style") or ""
    return el.get("hidden") is not None or bool(grammar.HTML_HIDDEN_STYLE.search(style))


@dataclass(slots=True)
class _Page:
    """What the walkers share for one page: markers, skipped elements, the header flag."""

    markers: dict[etree._Element, str] = field(default_factory=dict)
    skip: set[etree._Element] = field(default_factory=set)
    header_done: bool = False


@dataclass(slots=True)
class _Style:
    bold: bool = False
    italic: bool = False
    size: float | None = None
    link: bool = False


def _element_style(el: etree._Element, parent: _Style) -> _Style:
    tag = el.tag
    style = el.get("style") or ""
    bold = parent.bold or tag in _BOLD_TAGS
    italic = parent.italic or tag in _ITALIC_TAGS
    size = parent.size
    if style:
        weight = grammar.HTML_FONT_WEIGHT.search(style)
        if weight:
            bold = bool(weight["bold"])
        slant = grammar.HTML_FONT_STYLE.search(style)
        if slant:
            italic = bool(slant["italic"])
        font = grammar.HTML_FONT_SIZE.search(style)
        if font:
            value = float(font["size"])
            size = value if font["unit"].lower() == "pt" else round(value * 0.75, 1)
    link = parent.link or (tag == "a" and el.get("href") is not None)
    return _Style(bold, italic, size, link)


def format_ordinal(number: int, fmt: str) -> str:
    """A list number as printed, in Word's format names: "decimal" 3, "decimalZero" 03,
    "lowerLetter" c, "upperLetter" C, "lowerRoman" iii, "upperRoman" III, "none"."""
    if fmt in ("lowerLetter", "upperLetter"):
        letters, n = "", number
        while n > 0:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman, n = "", number
        for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                               (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
                               (5, "v"), (4, "iv"), (1, "i")):
            while n >= value:
                roman, n = roman + letters, n - value
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt == "none":
        return ""
    return str(number)


_OL_TYPES = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}
"""HTML ``<ol type>`` values → :func:`format_ordinal` formats."""


class _Walker:
    """Turns an element subtree into raw lines in document order."""

    def __init__(self, page: _Page, zone: Zone = Zone.BODY, *, flat: bool = False,
                 number_lists: bool = True) -> None:
        self.page = page
        self.zone = zone
        self.flat = flat
        """Scoring mode: tables are walked as ordinary blocks."""
        self.number_lists = number_lists
        self.lines: list[RawLine] = []
        self._line: RawLine | None = None
        self._next_start = True
        self._styles = [_Style()]
        self._blocks: list[etree._Element] = []
        self._lists: list[list[int | str]] = []
        self._pre = 0

    # ------------------------------------------------------------------ line plumbing

    def _open(self, source: etree._Element) -> RawLine:
        if self._line is None:
            self._line = RawLine(zone=self.zone, source_line=_line_no(source),
                                 paragraph_start=self._next_start,
                                 owner=self._blocks[-1] if self._blocks else source)
        return self._line

    def _flush(self) -> None:
        line, self._line = self._line, None
        if line is not None and (not line.is_blank() or line.markers):
            self.lines.append(line)

    def block_break(self) -> None:
        self._flush()
        self._next_start = True

    def _line_break(self) -> None:
        if self._line is None or (self._line.is_blank() and not self._line.markers):
            self._line = None
            self._next_start = True  # an empty line: a paragraph break
            return
        self._flush()
        self._next_start = False

    def _text(self, text: str | None, source: etree._Element) -> None:
        if not text:
            return
        if self._pre:
            for index, piece in enumerate(text.split("\n")):
                if index:
                    self._line_break()
                if piece:
                    self._add(piece, source)
            return
        collapsed = grammar.HTML_WHITESPACE.sub(" ", text)
        if collapsed == " ":
            if self._line is not None and not self._line.ends_with_space():
                self._line.add(" ")
            return
        if (self._line is None or self._line.ends_with_space()) and collapsed.startswith(" "):
            collapsed = collapsed[1:]
        self._add(collapsed, source)

    def _add(self, text: str, source: etree._Element) -> None:
        style = self._styles[-1]
        self._open(source).add(text, bold=style.bold, italic=style.italic, size=style.size,
                               link=style.link)

    # ------------------------------------------------------------------ traversal

    def walk_children(self, el: etree._Element) -> None:
        self._text(el.text, el)
        for child in el:
            self.walk(child)
            self._text(child.tail, child)

    def walk(self, el: etree._Element) -> None:
        tag = el.tag
        if not isinstance(tag, str) or el in self.page.skip:
            return
        label = self.page.markers.get(el)
        if label is not None:
            self._open(el).add_marker(label)
            return
        if tag == "br":
            self._line_break()
            return
        if tag == "hr":
            self.block_break()
            return
        if tag == "table" and not self.flat:
            self.block_break()
            self._table(el)
            self.block_break()
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.block_break()
            self._blocks.append(el)
        self._styles.append(_element_style(el, self._styles[-1]))
        if tag in ("ol", "ul"):
            start = el.get("start") or "1"
            self._lists.append([int(start) if start.isdigit() else 1,
                                (el.get("type") or "1") if tag == "ol" else ""])
        if tag == "li" and self._lists and self._lists[-1][1] and self.number_lists:
            counter = self._lists[-1]
            label = format_ordinal(int(counter[0]), _OL_TYPES.get(str(counter[1]), "decimal"))
            self._add(label + ". ", el)
            counter[0] = int(counter[0]) + 1
        if tag == "pre":
            self._pre += 1
        self.walk_children(el)
        if tag == "pre":
            self._pre -= 1
        if tag in ("ol", "ul"):
            self._lists.pop()
        self._styles.pop()
        if block:
            self.block_break()
            self._blocks.pop()

    # ------------------------------------------------------------------ tables

    def _cell_lines(self, cell: etree._Element) -> list[RawLine]:
        sub = _Walker(self.page, self.zone, number_lists=self.number_lists)
        sub._blocks = [cell]
        sub._styles = [_element_style(cell, self._styles[-1])]
        sub.walk_children(cell)
        sub.block_break()
        return sub.lines

    def _table(self, table: etree._Element) -> None:
        rows = [row for row in _table_rows(table) if row not in self.page.skip]
        busy: dict[int, int] = {}
        """Column → last row a cell spanning down from above occupies."""
        cells: list[TableCell] = []
        width = 0
        for r, row in enumerate(rows):
            parent = row.getparent()
            in_head = parent is not None and parent.tag == "thead"
            c = 0
            for cell in row:
                if not isinstance(cell.tag, str) or cell.tag not in ("td", "th") \
                        or cell in self.page.skip:
                    continue
                while busy.get(c, -1) >= r:
                    c += 1
                colspan = min(_span(cell.get("colspan")), max(1, _MAX_COLUMNS - c))
                last_row = r + min(_span(cell.get("rowspan")), len(rows) - r) - 1
                for column in range(c, c + colspan):
                    busy[column] = last_row
                cells.append(TableCell(r, c, self._cell_lines(cell),
                                       header=in_head or cell.tag == "th", span=colspan))
                c += colspan
            width = max(width, c)
        lines, is_header = emit_table(cells, rows=[_line_no(row) for row in rows], width=width,
                                      zone=self.zone, header_allowed=not self.page.header_done,
                                      styled=False)
        self.page.header_done = self.page.header_done or is_header
        self.lines.extend(lines)


_MAX_COLUMNS = 512
"""Column spans stop here: real tables are far narrower, hostile ones must stay cheap."""


def _table_rows(table: etree._Element) -> Iterator[etree._Element]:
    """A table's own rows (not those of nested tables), through thead/tbody/tfoot."""
    for child in table:
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (row for row in child if row.tag == "tr")


def _line_no(el: etree._Element) -> int | None:
    line = el.sourceline
    return line if isinstance(line, int) else None


def _text_of(el: etree._Element) -> str:
    return "".join(str(text) for text in el.itertext())


def _span(value: str | None) -> int:
    if value and value.strip().isdigit():
        return max(1, min(int(value.strip()), 1000))
    return 1


# =========================================================================== container


@dataclass(slots=True)
class _Scores:
    signals: Counter[etree._Element]
    strong: Counter[etree._Element]
    text: Counter[etree._Element]
    metadata: Counter[etree._Element]


def _score(body: etree._Element) -> _Scores:
    """Walk the whole page once and count landmarks and text under every element."""
    walker = _Walker(_Page(), flat=True, number_lists=False)
    walker.walk(body)
    walker.block_break()
    scores = _Scores(Counter(), Counter(), Counter(), Counter())
    for raw in walker.lines:
        text = probe(raw.text)
        weight = 0 if raw.link * 2 > raw.chars else _signal(text)
        metadata = bool(grammar.METADATA_LABEL.match(text))
        strong = weight if weight and not grammar.COUNCIL.match(text) else 0
        owner = raw.owner
        if not isinstance(owner, etree._Element):
            continue
        for el in (owner, *owner.iterancestors()):
            scores.text[el] += len(text)
            if weight:
                scores.signals[el] += weight
            if strong:
                scores.strong[el] += strong
            if metadata:
                scores.metadata[el] += 1
    return scores


def _depth(el: etree._Element) -> int:
    return sum(1 for _ in el.iterancestors())


def find_container(body: etree._Element, scores: _Scores) -> etree._Element:
    """The element holding the document's own text.

    A portal's known container (``grammar.HTML_CONTAINER_HINT``) wins when it holds at least
    half of the page's landmarks (the most landmarks, then the least text); otherwise the
    tightest element holding 90 % of them. A page without landmarks is read whole.
    """
    total = scores.signals[body]
    hinted = [el for el in body.iter() if isinstance(el.tag, str)
              and any(grammar.HTML_CONTAINER_HINT.match(t) for t in _tokens(el))]
    if total == 0:
        if hinted:
            return max(hinted, key=lambda el: (scores.text[el], -_depth(el)))
        return body
    good = [el for el in hinted if scores.signals[el] * 2 >= total]
    if good:
        return max(good, key=lambda el: (scores.signals[el], -scores.text[el], _depth(el)))
    need = math.ceil(0.9 * total)
    candidates = [el for el in body.iter() if isinstance(el.tag, str)
                  and scores.signals[el] >= need]
    return min(candidates, key=lambda el: (scores.text[el], -_depth(el)))


def _remove_chrome(container: etree._Element, scores: _Scores, page: _Page,
                   diags: Diagnostics) -> None:
    """Drop hidden elements, form controls, adverts and metadata panels inside the container.

    Elements holding footnote references or notes are kept (their chrome-looking class names
    are not trusted over the links).
    """
    chrome: list[str] = []
    panels = 0
    protected: set[etree._Element] = set()
    for el in (*page.markers, *page.skip):
        protected.add(el)
        protected.update(el.iterancestors())
    stack = list(container)
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or el in page.skip:
            continue
        if el in protected:
            stack.extend(el)
            continue
        hinted = any(grammar.HTML_CHROME_HINT.match(t) for t in _tokens(el))
        if _is_hidden(el) or el.tag in _CONTROL_TAGS or (hinted and not scores.strong[el]):
            chrome.append(describe(el))
            page.skip.add(el)
            continue
        if scores.metadata[el] >= 3 and not scores.strong[el]:
            panels += 1
            page.skip.add(el)
            continue
        stack.extend(el)
    if panels:
        diags.add("NQ130", what=f"{panels} metadata panel(s) of the portal")
    if chrome:
        diags.add("NQ130", what=f"{len(chrome)} site element(s) inside the document "
                                f"({', '.join(sorted(set(chrome))[:5])})")


# =========================================================================== footnotes


def _fragment(href: str | None) -> str | None:
    if not href or "#" not in href:
        return None
    fragment = href.split("#", 1)[1].strip()
    return fragment or None


def _block_of(el: etree._Element) -> etree._Element:
    """The block holding a footnote's text, given the element a reference points at."""
    if el.tag in _FOOTNOTE_BLOCKS:
        return el
    for ancestor in el.iterancestors():
        if ancestor.tag in _FOOTNOTE_BLOCKS:
            return ancestor
    return el


def _find_footnotes(body: etree._Element, container: etree._Element,
                    page: _Page) -> list[tuple[str, etree._Element, set[etree._Element]]]:
    """Link footnote references inside the container to their notes.

    A reference is a link whose text is a label ("[1]", "1", "(1)", "*") and whose target
    (``id`` or ``<a name>``) comes *later* in the page, outside the reference's paragraph:
    Word's HTML export (``<a href="#_ftn1" name="_ftnref1">[1]</a>`` … ``<div id="ftn1"><p>
    <a href="#_ftnref1" name="_ftn1">[1]</a> text</p></div>``, whose back-link points up and
    so is no reference), and ``<sup><a href="#fn1">1</a></sup>`` … ``<li id="fn1">``. Returns
    (label, note element, back-links to hide) in reference order; sets ``page.markers`` and
    adds the notes to ``page.skip``.
    """
    order: dict[etree._Element, int] = {}
    targets: dict[str, etree._Element] = {}
    for index, el in enumerate(body.iter()):
        order[el] = index
        if not isinstance(el.tag, str):
            continue
        for key in (el.get("id"), el.get("name") if el.tag == "a" else None):
            if key and key not in targets:
                targets[key] = el
    container_chain = {container, *container.iterancestors()}
    pairs: list[tuple[etree._Element, str, etree._Element, etree._Element]] = []
    for anchor in container.iter("a"):
        fragment = _fragment(anchor.get("href"))
        target = targets.get(fragment) if fragment else None
        if target is None or order.get(target, -1) <= order[anchor]:
            continue
        label_text = _text_of(anchor)
        match = grammar.FOOTNOTE_REFERENCE.match(label_text)
        if match is None or not _looks_like_note_link(anchor, label_text, fragment or ""):
            continue
        note = _block_of(target)
        if note in container_chain or anchor in set(note.iterancestors()) or note is anchor \
                or note in set(anchor.iterancestors()):
            continue
        pairs.append((anchor, match["label"], target, note))
    # Word keeps each note in its own <div id="ftnN">: take the whole div (several paragraphs)
    # when it holds this note only.
    notes_of: Counter[etree._Element] = Counter()
    for note in {note for *_, note in pairs}:
        parent = note.getparent()
        if parent is not None:
            notes_of[parent] += 1
    ref_keys = {key for anchor, *_ in pairs for key in (anchor.get("name"), anchor.get("id"))
                if key}
    notes: list[tuple[str, etree._Element, set[etree._Element]]] = []
    taken: set[etree._Element] = set()
    for anchor, label, target, note in pairs:
        parent = note.getparent()
        if (note is not target and parent is not None and parent.get("id")
                and parent.tag in ("div", "li", "section", "aside")
                and parent not in container_chain and notes_of[parent] == 1):
            note = parent
        marker = anchor
        holder = anchor.getparent()
        if (holder is not None and holder.tag == "sup"
                and _text_of(holder).strip() == _text_of(anchor).strip()):
            marker = holder
        page.markers[marker] = label
        if note in taken:
            continue
        taken.add(note)
        back_links = {a for a in note.iter("a")
                      if a is target or _fragment(a.get("href")) in ref_keys
                      or _text_of(a).strip() in ("↑", "↩", "↩︎", "^")}
        page.skip.add(note)
        notes.append((label, note, back_links))
    return notes


def _looks_like_note_link(anchor: etree._Element, text: str, fragment: str) -> bool:
    """A bracketed label, a superscript, or footnote-ish names ("_ftn1", "fn1", "footnote")."""
    stripped = text.strip()
    if stripped[:1] in "[(" or anchor.tag == "sup" or anchor.find(".//sup") is not None:
        return True
    parent = anchor.getparent()
    if parent is not None and parent.tag == "sup":
        return True
    names = [fragment, anchor.get("id") or "", anchor.get("name") or "", anchor.get("class") or "",
             anchor.get("style") or ""]
    return any(grammar.FOOTNOTE_LINK_HINT.search(name) for name in names)


def _strip_label(line: RawLine, label: str) -> RawLine:
    """Drop the note's own label ("[1]", "(1)", "1") when it was plain text, not a link."""
    text = line.text
    rest = text.lstrip()
    for prefix in (f"[{label}]", f"({label})", label):
        if rest.startswith(prefix) and not rest[len(prefix):len(prefix) + 1].isalnum():
            stripped = RawLine(zone=line.zone, source_line=line.source_line,
                               paragraph_start=line.paragraph_start, owner=line.owner)
            stripped.add(rest[len(prefix):].lstrip(), italic=line.italic * 2 > line.chars,
                         bold=line.bold * 2 > line.chars)
            return stripped
    return line


def _read_notes(notes: list[tuple[str, etree._Element, set[etree._Element]]], page: _Page,
                diags: Diagnostics, limits: Limits) -> tuple[FootnoteBody, ...]:
    bodies: list[FootnoteBody] = []
    for label, note, back_links in notes:
        note_page = _Page(skip=set(back_links))
        walker = _Walker(note_page, Zone.FOOTNOTE, number_lists=False)
        walker._blocks = [note]
        walker.walk_children(note)
        walker.block_break()
        if walker.lines:
            walker.lines[0] = _strip_label(walker.lines[0], label)
        lines = finish_lines(walker.lines, diags, limits)
        if lines:
            bodies.append(FootnoteBody(label, tuple(lines)))
    return tuple(bodies)


# =========================================================================== reader


def read_html(data: bytes, name: str = "<html>", *, limits: Limits = DEFAULT_LIMITS) -> SourceText:
    """Read a saved web page holding one resolution.

    >>> page = "<div class='content1'><p><b>Điều 1.</b> Nội dung.</p></div>".encode()
    >>> [ln.text for ln in read_html(page, "x.html").lines]
    ['Điều 1. Nội dung.']

    Raises:
        LimitExceededError: larger than ``limits.max_bytes`` (NQ105).
        EmptyInputError: no text in the page (NQ100).
    """
    if len(data) > limits.max_bytes:
        raise LimitExceededError(source=name, detail=f"{len(data)} bytes > {limits.max_bytes}")
    if not data.strip():
        raise EmptyInputError(source=name)
    diags = Diagnostics(name)
    text, encoding = decode_html(data, diags)
    if grammar.HTML_DOCTYPE_SUBSET.search(text, 0, min(len(text), 1 << 20)):
        diags.add("NQ140", detail="DTD internal subset in the page's DOCTYPE "
                                  "(entities are not expanded)")
    try:
        root = parse_html(text.encode("utf-8"), encoding="utf-8")
    except ReaderError as exc:
        exc.source = name
        raise
    body = root.find("body")
    if body is None:
        body = root
    scores = _score(body)
    container = find_container(body, scores)
    page = _Page()
    notes = _find_footnotes(body, container, page)
    if container is not body and container is not root:
        diags.add("NQ130", what=f"site chrome around the document container {describe(container)}")
    _remove_chrome(container, scores, page, diags)
    walker = _Walker(page)
    walker.walk(container)
    walker.block_break()
    lines = finish_lines(walker.lines, diags, limits)
    if not lines:
        raise EmptyInputError(source=name)
    footnotes = _read_notes(notes, page, diags, limits)
    meta = {"encoding": encoding, "container": describe(container)}
    title = root.findtext(".//title")
    if title and title.strip():
        meta["title"] = grammar.HTML_WHITESPACE.sub(" ", title).strip()
    return SourceText(name, "html", tuple(lines), diags, footnotes=footnotes, meta=meta)


__all__ = [
    "RawLine", "TableCell", "classify_columns", "decode_html", "describe", "emit_table",
    "find_container", "finish_lines", "format_ordinal",
    "join_raw", "markdown_row", "markdown_rule", "probe", "read_html",
]
