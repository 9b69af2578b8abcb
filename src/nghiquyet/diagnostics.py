"""Diagnostics: the catalogue of codes and the per-document sink every stage reports to.

A diagnostic is about the document's content (a repair, a guess, a missing part). It never
stops parsing; only unreadable input raises (see :mod:`nghiquyet.errors`). Codes have fixed
severities; messages are English with Vietnamese source text quoted verbatim.

Code ranges: NQ1xx reader, NQ2xx structure, NQ3xx references and footnotes, NQ4xx metadata,
NQ5xx output validation, NQ6xx batch.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nghiquyet.source import Span


class Severity(enum.StrEnum):
    """How serious a diagnostic is. ERROR means the output is incomplete or wrong."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

CODES: dict[str, tuple[Severity, str]] = {
    # --- NQ1xx reader: decoding, normalisation, page layout -------------------------------
    "NQ100": (E, "the input is empty"),
    "NQ101": (E, "no text layer on page(s) {pages}: the document is a scan and needs OCR"),
    "NQ102": (E, "the file is encrypted{detail}"),
    "NQ103": (E, "the file is corrupt or truncated: {detail}"),
    "NQ104": (E, "unsupported input format: {detail}"),
    "NQ105": (E, "the input exceeds a limit: {detail}"),
    "NQ106": (E, "the input is binary data, not text"),
    "NQ107": (E, "old binary Word (.doc) files are not supported: convert to .docx first "
                 "(e.g. `soffice --headless --convert-to docx FILE.doc`)"),
    "NQ108": (E, "unsafe content refused: {detail}"),
    "NQ110": (I, "decoded as {encoding}"),
    "NQ111": (W, "legacy Vietnamese encoding {encoding} detected; converted to Unicode"),
    "NQ112": (E, "the text is mojibake ({kind}) that could not be repaired reliably"),
    "NQ113": (W, "{count} character(s) on page(s) {pages} have no Unicode mapping "
                 "(a font without Vietnamese glyphs); text is incomplete"),
    "NQ114": (I, "UTF-8 text decoded as Windows-1252 repaired (mojibake)"),
    "NQ140": (W, "unsafe markup ignored: {detail}"),
    "NQ141": (I, "{count} text box(es) read after the paragraph they are anchored to"),
    "NQ142": (I, "tracked changes in the file: {detail}"),
    "NQ115": (I, "Markdown markup removed (the copy was converted from a web page)"),
    "NQ116": (W, "a line of {length} characters was split into pieces of at most {limit}"),
    "NQ120": (I, "decomposed characters composed to NFC"),
    "NQ121": (I, "stray combining mark removed"),
    "NQ122": (I, "'Ð' (U+00D0, eth) replaced by 'Đ' (U+0110)"),
    "NQ123": (I, "non-breaking or zero-width space(s) replaced"),
    "NQ124": (I, "run of spaces collapsed"),
    "NQ125": (I, "control character(s) removed: {excerpt}"),
    "NQ126": (I, "combining marks reordered so that they compose"),
    "NQ130": (I, "page furniture removed from the flow: {what}"),
    "NQ131": (I, "{count} page number(s) removed"),
    "NQ132": (I, "sentence re-joined across a page break"),
    # --- NQ2xx structure --------------------------------------------------------------------
    "NQ200": (W, "the document is not a resolution (Nghị quyết) but {found}"),
    "NQ201": (W, "line could not be placed in the structure; kept as unparsed"),
    "NQ202": (W, "article number jumps from {prev} to {found}"),
    "NQ203": (W, "point {found} follows point {prev} out of Vietnamese alphabetical order"),
    "NQ204": (W, "{what} number {found} does not follow {prev}"),
    "NQ205": (W, "no enacting formula (QUYẾT NGHỊ) found"),
    "NQ206": (I, "the body has no article (Điều); items kept in their own nesting"),
    "NQ207": (W, "the text ends abruptly: the document looks truncated"),
    "NQ208": (I, "enacting formula printed without its colon"),
    "NQ209": (I, "data table recognised from one-cell-per-line text"),
    "NQ210": (I, "attached {what} starts here; its numbering restarts"),
    "NQ211": (I, "words glued together in the copy were split: {excerpt}"),
    "NQ212": (I, "the body is empty"),
    "NQ213": (I, "the document was flattened onto one line; cut back into {count} lines"),
    # --- NQ3xx references and footnotes ----------------------------------------------------
    "NQ301": (W, "footnote marker {label} has no footnote text"),
    "NQ302": (W, "footnote {label} has no marker in the text"),
    "NQ303": (I, "footnote marker {label} glued to '{word}' split off ({evidence})"),
    "NQ304": (W, "indicator {num}: no target value could be read"),
    "NQ305": (I, "footnote {label} body moved out of the text flow"),
    # --- NQ4xx metadata ---------------------------------------------------------------------
    "NQ401": (W, "no place-and-date line found"),
    "NQ402": (W, "no document number (Số: …) found"),
    "NQ403": (W, "no issuing council found"),
    "NQ404": (W, "no title found"),
    "NQ405": (W, "no council line with term and session found"),
    "NQ406": (W, "no signature found"),
    "NQ407": (W, "no recipients list (Nơi nhận) found"),
    "NQ408": (W, "impossible date: {raw}"),
    "NQ409": (I, "the passing date {passed} differs from the header date {dated}"),
    "NQ410": (I, "issuing council taken from the {evidence}"),
    "NQ411": (W, "no passing clause found"),
    "NQ412": (W, "the issuing council in the {a} ({x}) differs from the {b} ({y})"),
    "NQ413": (I, "document number has unusual form: {raw}"),
    # --- NQ5xx output validation ------------------------------------------------------------
    "NQ501": (E, "JSON does not validate against the schema: {detail}"),
    "NQ502": (E, "AKN does not validate against the Akoma Ntoso 3.0 schema: {detail}"),
    "NQ503": (E, "AKN consistency check failed: {detail}"),
    "NQ504": (W, "FRBR URI built without {missing}; a content-derived key keeps it unique"),
    "NQ505": (E, "unsafe XML refused: {detail}"),
    "NQ506": (E, "not well-formed XML: {detail}"),
    # --- NQ6xx batch ------------------------------------------------------------------------
    "NQ601": (E, "timed out after {seconds} s"),
    "NQ602": (E, "the worker died while converting this file ({detail})"),
    "NQ603": (E, "internal error: {detail}"),
    "NQ604": (E, "cannot write output: {detail}"),
    "NQ605": (E, "cannot read the input: {detail}"),
    "NQ606": (W, "input skipped: {detail}"),
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One coded finding about a document, with where it was found."""

    code: str
    severity: Severity
    message: str
    span: Span | None = None
    excerpt: str = ""
    source: str = ""

    def format(self) -> str:
        """Compiler-style one-liner: ``file:p3:l14: warning NQ202: message: "excerpt"``."""
        where = self.source or "<input>"
        if self.span is not None:
            where += f":{self.span}"
        text = f"{where}: {self.severity.value} {self.code}: {self.message}"
        if self.excerpt:
            text += f': "{self.excerpt}"'
        return text

    def to_dict(self) -> dict[str, Any]:
        """Machine form with keys in a fixed order (for JSON Lines reports)."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "source": self.source,
            "page": self.span.page if self.span else None,
            "line": self.span.line if self.span else None,
            "excerpt": self.excerpt,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def make(code: str, span: Span | None = None, excerpt: str = "", source: str = "",
         **fields: object) -> Diagnostic:
    """Build a diagnostic from the catalogue (unknown codes are a bug: ``KeyError``)."""
    severity, template = CODES[code]
    fields.setdefault("excerpt", excerpt)
    message = template.format(**fields) if fields else template
    if len(excerpt) > 80:
        excerpt = excerpt[:77] + "…"
    return Diagnostic(code, severity, message, span, excerpt, source)


class Diagnostics:
    """The sink one document's stages append to; passed explicitly, never global."""

    __slots__ = ("source", "items")

    def __init__(self, source: str = "") -> None:
        self.source = source
        self.items: list[Diagnostic] = []

    def add(self, code: str, span: Span | None = None, excerpt: str = "",
            **fields: object) -> Diagnostic:
        diagnostic = make(code, span, excerpt, self.source, **fields)
        self.items.append(diagnostic)
        return diagnostic

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def codes(self) -> list[str]:
        return [d.code for d in self.items]

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)
