"""Source stage: positions, lines and the one place where text is normalised.

Readers turn bytes into a :class:`SourceText` — a tuple of :class:`Line` objects in reading
order plus reader diagnostics. Every later stage works on these lines and never normalises
again (STYLE §1.2). The normaliser repairs the known defects of Vietnamese text (NFD, stray or
mis-ordered combining marks, "Ð" for "Đ", special spaces, control characters, runs of spaces),
keeps the original line wherever it changed, and reports each repair kind once per line.
"""

from __future__ import annotations

import bisect
import enum
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from nghiquyet import grammar
from nghiquyet.diagnostics import Diagnostics


@dataclass(frozen=True, slots=True)
class Span:
    """Where a piece of the document came from: 1-based line (and page where known).

    For text inputs ``line`` counts physical lines of the decoded file. For PDFs ``line`` counts
    lines as extracted on that page, before furniture removal, so a human can find it.
    """

    line: int
    """First line (1-based)."""
    end_line: int | None = None
    """Last line, when the node spans several lines."""
    page: int | None = None
    """Page (1-based) of the first line, for paged inputs."""
    end_page: int | None = None
    """Page of the last line, when it differs from ``page``."""

    def through(self, other: Span) -> Span:
        """Return the span from the start of ``self`` to the end of ``other``."""
        end_line = other.end_line or other.line
        end_page = other.end_page or other.page
        if end_line == self.line and end_page == self.page:
            return Span(self.line, None, self.page, None)
        return Span(self.line, end_line, self.page, end_page if end_page != self.page else None)

    def __str__(self) -> str:
        return (f"p{self.page}:" if self.page is not None else "") + f"l{self.line}"


def _span_init(self: Span, line: int, end_line: int | None = None, page: int | None = None,
               end_page: int | None = None) -> None:
    """``Span.__init__``, setting the slots through their descriptors: the dataclass's own
    frozen ``__init__`` calls ``object.__setattr__`` once per field, and a parse makes a span
    for every line and node (this is 2-3x faster; assignment after construction still fails)."""
    _set_line(self, line)
    _set_end_line(self, end_line)
    _set_page(self, page)
    _set_end_page(self, end_page)


_set_line, _set_end_line, _set_page, _set_end_page = (
    Span.__dict__[name].__set__ for name in ("line", "end_line", "page", "end_page"))
Span.__init__ = _span_init  # type: ignore[method-assign]


class Zone(enum.StrEnum):
    """Layout zone of a line, as far as the reader can tell."""

    BODY = "body"
    HEADER_LEFT = "header-left"
    HEADER_RIGHT = "header-right"
    FOOTNOTE = "footnote"
    FURNITURE = "furniture"
    SIGNATURE = "signature"
    RECIPIENTS = "recipients"


@dataclass(frozen=True, slots=True)
class Marker:
    """A footnote reference found by geometry (a superscript) or markup (a Word footnote)."""

    offset: int
    """Character offset in ``Line.text`` where the marker stood (the marker text is not in it)."""
    label: str
    """The marker as printed, e.g. "1"."""


@dataclass(frozen=True, slots=True)
class FootnoteBody:
    """A footnote body that the reader located exactly (PDF geometry, DOCX footnotes part)."""

    label: str
    lines: tuple[Line, ...]


class Line(NamedTuple):
    """One normalised line of source text with its position and layout evidence.

    Immutable like the other records here, but a named tuple: a document has hundreds of
    lines, and building a named tuple costs a third of building a frozen dataclass. Change a
    field with ``line._replace(...)``.
    """

    text: str
    """NFC, repaired, whitespace collapsed and stripped."""
    span: Span
    original: str | None = None
    """The line as read, when normalisation changed more than surrounding whitespace."""
    zone: Zone = Zone.BODY
    indented: bool = False
    """The raw line began with white space (in PDF text copies: often a new page)."""
    bold: bool | None = None
    italic: bool | None = None
    size: float | None = None
    x0: float | None = None
    paragraph_start: bool | None = None
    """Layout evidence that a new paragraph starts here (None: no evidence)."""
    markers: tuple[Marker, ...] = ()


@dataclass(slots=True)
class SourceText:
    """What a reader hands to the parser."""

    name: str
    """File name (or "<text>") used in diagnostics."""
    format: str
    """Input format: "text", "pdf", "html", "docx"."""
    lines: tuple[Line, ...]
    diagnostics: Diagnostics
    footnotes: tuple[FootnoteBody, ...] = ()
    """Footnote bodies located exactly by the reader; text inputs leave this empty."""
    pages: int | None = None
    meta: dict[str, str] = field(default_factory=dict)
    """Reader facts worth keeping (encoding, producer …); deterministic values only."""


# --------------------------------------------------------------------------- normalisation

_SPECIAL_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                                          "\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Combining marks that change a letter's shape must precede tone marks, or NFC cannot compose
# ("e" + U+0301 + U+0302 stays decomposed; see the format reference §14.3).
_SHAPE_MARKS = frozenset("\u0302\u0306\u031b")
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _reorder_marks(text: str) -> str:
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if unicodedata.combining(ch) == 0:
            out.append(ch)
            i += 1
            continue
        j = i
        while j < n and unicodedata.combining(text[j]):
            j += 1
        marks = text[i:j]
        out.append("".join(sorted(marks, key=lambda m: 0 if m in _SHAPE_MARKS else 1)))
        i = j
    return "".join(out)


def lines_needing_repair(lines: list[str]) -> set[int]:
    """Indexes of the lines that may need a repair, found with one scan of the whole text
    (much faster than checking every line, and than ``unicodedata.is_normalized`` on the
    whole text, which is slow as soon as one combining mark is present). A fast prefilter
    finds characters outside the known-safe set; only those are checked in full."""
    text = "\n".join(lines)
    positions = [m.start() for m in grammar.MAYBE_REPAIR.finditer(text)
                 if grammar.REPAIR_SUSPECT.match(m.group())]
    if not positions:
        return set()
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    return {bisect.bisect_right(starts, p) - 1 for p in positions}


def normalise_line(raw: str, span: Span, diags: Diagnostics,
                   repairs: bool = True) -> tuple[str, str | None]:
    """Normalise one raw line; return ``(text, original_or_None)`` and report repairs.

    ``repairs=False`` skips the Unicode checks for lines that :func:`lines_needing_repair`
    did not flag (a fast path; the result is the same).

    >>> from nghiquyet.diagnostics import Diagnostics
    >>> normalise_line("Ðảm  bảo", Span(1), Diagnostics("<t>"))[0]
    'Đảm bảo'
    """
    text = raw
    if repairs and not text.isascii():
        # each check is one C-level scan; the repair runs only where it is needed
        if grammar.COMBINING_MARK.search(text):
            reordered = _reorder_marks(text)
            if reordered != text:
                diags.add("NQ126", span, excerpt=raw)
                text = reordered
        if not unicodedata.is_normalized("NFC", text):
            diags.add("NQ120", span, excerpt=raw)
            text = unicodedata.normalize("NFC", text)
        if grammar.STRAY_COMBINING.search(text):
            diags.add("NQ121", span, excerpt=raw)
            text = grammar.STRAY_COMBINING.sub("", text)
        if "Ð" in text or "ð" in text:
            diags.add("NQ122", span, excerpt=raw)
            text = text.replace("Ð", "Đ").replace("ð", "đ")
        if grammar.SPECIAL_SPACE.search(text):
            diags.add("NQ123", span, excerpt=raw)
            text = text.translate(_SPECIAL_SPACES).translate(_INVISIBLE)
    if "\t" in text:
        text = text.replace("\t", " ")
    if repairs and grammar.CONTROL_CHARS.search(text):
        diags.add("NQ125", span, excerpt=raw.encode("unicode_escape").decode("ascii"))
        text = grammar.CONTROL_CHARS.sub("", text)
    text = text.strip()
    if "  " in text:
        diags.add("NQ124", span, excerpt=raw)
        text = grammar.SPACE_RUN.sub(" ", text)
    original = raw if text != raw.strip() else None
    return text, original


def lines_from_text(text: str, diags: Diagnostics, *, first_line: int = 1,
                    page: int | None = None) -> list[Line]:
    """Split decoded text into normalised :class:`Line` objects (blank lines dropped).

    Line numbers count every physical line, blank ones included, so spans point at the file.
    """
    lines: list[Line] = []
    for number, raw in enumerate(grammar.split_lines(text), start=first_line):
        if not raw.strip():
            continue
        span = Span(number, None, page, None)
        clean, original = normalise_line(raw, span, diags)
        if not clean:
            continue
        lines.append(Line(clean, span, original, indented=raw[:1] in (" ", "\t", "\u00a0")))
    return lines
