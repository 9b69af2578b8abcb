"""Line stage: the parser's view of the reader's lines, and how lines join into text.

:class:`Doc` holds the lines with their matching views (tone styles folded) and the
document-wide layout evidence (is the text hard-wrapped? where were blank lines?). Joining
lines into a paragraph keeps footnote markers at the right offsets and re-joins words split
at a line-end hyphen ("2023-" + "2030").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from nghiquyet import grammar
from nghiquyet.diagnostics import Diagnostics
from nghiquyet.source import Line, Marker, Span, Zone


@dataclass(slots=True)
class Doc:
    """Lines of one document in reading order, with matching views."""

    lines: list[Line]
    diags: Diagnostics
    folded: list[str] = field(default_factory=list)
    wrapped: bool = False
    """True when paragraphs are hard-wrapped over several lines (PDF text, Markdown)."""

    def __post_init__(self) -> None:
        if len(self.folded) != len(self.lines):
            self.folded = [grammar.fold(line.text) for line in self.lines]

    def blank_before(self, i: int) -> bool:
        """A blank line (or a layout paragraph break) stands between line i-1 and line i."""
        if i == 0:
            return True
        line, prev = self.lines[i], self.lines[i - 1]
        if line.paragraph_start is not None:
            return line.paragraph_start
        if line.span.page != prev.span.page:
            return False
        if line.indented and self.wrapped:
            # a page begins here in PDF text copies: the blank line is page furniture
            return False
        prev_end = prev.span.end_line or prev.span.line
        return line.span.line > prev_end + 1

    def style_break(self, i: int) -> bool:
        """Emphasis changes between line i-1 and line i (a bold heading, then body text)."""
        prev, line = self.lines[i - 1], self.lines[i]
        if prev.bold is None or line.bold is None:
            return False
        return prev.bold != line.bold

    def match(self, pattern: regex.Pattern[str], i: int) -> regex.Match[str] | None:
        return pattern.match(self.folded[i])

    def span(self, first: int, last: int) -> Span:
        return self.lines[first].span.through(self.lines[last].span)


def reflow(lines: list[Line], diags: Diagnostics) -> list[Line]:
    """Cut a document that a copy flattened onto one or two lines back into lines."""
    if len(lines) > 3 or not any(len(line.text) > 400 for line in lines):
        return lines
    out: list[Line] = []
    for line in lines:
        cuts = [m.start() for m in grammar.REFLOW_POINT.finditer(line.text)]
        if len(cuts) < 3:
            out.append(line)
            continue
        bounds = [0, *cuts, len(line.text)]
        pieces = [line.text[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False)]
        pieces = [p for p in pieces if p]
        diags.add("NQ213", line.span, line.text, count=len(pieces))
        for k, piece in enumerate(pieces):
            out.append(Line(piece, line.span, line.original if k == 0 else None, line.zone,
                            paragraph_start=True))
    return out


def detect_wrapped(lines: list[Line]) -> bool:
    """Hard-wrapped text: many lines end mid-sentence and the next line continues it."""
    body = [ln for ln in lines if ln.zone is Zone.BODY]
    if len(body) < 8:
        return False
    open_ends = sum(
        1 for a, b in zip(body, body[1:], strict=False)
        if len(a.text) > 40 and b.span.line == (a.span.end_line or a.span.line) + 1
        and not grammar.ends_sentence(a.text)
    )
    return open_ends > 0.2 * len(body)


@dataclass(slots=True)
class Joined:
    """Text joined from several lines, with footnote markers at their offsets."""

    text: str
    markers: list[tuple[int, str, str]]
    """(offset, label, marker as printed)."""


def join_lines(lines: list[Line], *, strip_prefix: int = 0) -> Joined:
    """Join lines with single spaces; a line ending in "-" after a non-space joins without one.

    ``strip_prefix`` drops that many characters from the start of the first line (a label
    already read), keeping marker offsets right.
    """
    parts: list[str] = []
    markers: list[tuple[int, str, str]] = []
    length = 0
    for index, line in enumerate(lines):
        text = line.text
        cut = strip_prefix if index == 0 else 0
        if cut:
            text = text[cut:]
            lead = len(text) - len(text.lstrip())
            text = text.lstrip()
            cut += lead
        if parts:
            if not grammar.hyphen_end(parts[-1]):
                parts.append(" ")
                length += 1
        for marker in line.markers:
            markers.append((length + max(0, marker.offset - cut), marker.label, marker.label))
        parts.append(text)
        length += len(text)
    return Joined("".join(parts), markers)


def shift_markers(markers: list[tuple[int, str, str]], start: int,
                  end: int | None = None) -> list[tuple[int, str, str]]:
    """Markers inside [start, end) re-based to ``start``."""
    return [(o - start, label, raw) for o, label, raw in markers
            if o >= start and (end is None or o <= end)]


__all__ = ["Doc", "Joined", "Marker", "detect_wrapped", "join_lines", "shift_markers"]
