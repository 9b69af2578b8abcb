"""Lossless check: every printed character of the input is somewhere in the document.

The model keeps printed text in a known set of fields (``text``, ``raw``, ``label``,
``heading`` …); values derived from it (dates, numbers, citations, targets, the effect
phrase, a passing clause copied from an article) are left out. Comparing the multiset of
non-space characters of the normalised input with that of the printed fields finds text the
parser dropped. Used by the property tests and ``nghiquyet fuzz``.
"""

from __future__ import annotations

import collections

from pydantic import BaseModel

from nghiquyet.diagnostics import Diagnostics
from nghiquyet.model import (
    CitedDocument, Effect, FootnoteRef, PassingClause, Recipient, Resolution, Table, Target,
)
from nghiquyet.source import Span, normalise_line

_LAYOUT = frozenset(" \t|*")
"""Layout characters that carry no text: cell separators, Markdown emphasis."""
_PRINTED = ("raw", "text", "label", "heading", "title", "pointer", "signed_marker")

Chars = collections.Counter[str]


def _chars(text: str) -> Chars:
    return collections.Counter(c for c in text if c not in _LAYOUT and not c.isspace())


def _visit(value: object, out: Chars) -> None:
    if isinstance(value, (CitedDocument, Target, Effect)):
        return
    if isinstance(value, PassingClause) and value.embedded:
        return
    if isinstance(value, FootnoteRef):
        out.update(_chars(value.marker))
    elif isinstance(value, Recipient):
        out.update(_chars(value.raw))
    elif isinstance(value, Table):
        for row in value.rows:
            for cell in row:
                out.update(_chars(cell))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            field = getattr(value, name)
            if name == "lines" and hasattr(value, "authority_prefix"):  # signature lines
                for line in field:
                    out.update(_chars(line))
            elif name in _PRINTED and isinstance(field, str):
                out.update(_chars(field))
            elif name not in _PRINTED and name != "lines":
                _visit(field, out)
    elif isinstance(value, tuple):
        for item in value:
            _visit(item, out)


def printed_characters(doc: Resolution) -> Chars:
    """Characters of every printed fragment of the document."""
    out: Chars = collections.Counter()
    header = doc.header
    for part in (header.national_title, header.motto, header.number, header.date_line,
                 header.document_type, header.title, header.session, header.other):
        _visit(part, out)
    council = header.council
    if council is not None and council.evidence in ("header", "council-line"):
        out.update(_chars(council.name))
    for section in (doc.preamble, doc.body, doc.closing, doc.attachments):
        _visit(section, out)
    for note in doc.footnotes:
        out.update(_chars(note.label))
        out.update(_chars(note.text))
    return out


def lost_characters(text: str, doc: Resolution) -> Chars:
    """Characters of the (normalised) input that the document does not hold."""
    expected: Chars = collections.Counter()
    sink = Diagnostics()
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            expected.update(_chars(normalise_line(line, Span(number), sink)[0]))
    return expected - printed_characters(doc)
