"""AKN writer stage: :class:`~nghiquyet.model.Resolution` → Akoma Ntoso 3.0 XML (``bytes``).

The output validates against the strict OASIS schema (``schemas/akn/akomantoso30.xsd``) and
carries the whole model, so that :func:`nghiquyet.readers.akn.from_akn` gives it back (spans
aside, or exactly with ``spans=True``). docs/akn.md documents the mapping, the FRBR URI scheme
and the eId rules; this module is their single implementation.

* Normative resolutions (the number carries a year) are ``<act name="resolution">`` with a
  ``<body>``; all others ``<statement name="resolution">`` with a ``<mainBody>``.
* Body nodes map through one table, :data:`KINDS` [bluebell ``item_to_xml_*``].
* What AKN has an element or attribute for is written that way (``docNumber``, ``docDate``,
  ``legislature``, ``quantity normalized=…``, ``signature/role/person``, ``authorialNote``…).
  Model facts AKN has no place for travel in attributes of our own namespace (``nq:``,
  :data:`NQ_NS`), which AKN allows on every element (``anyAttribute namespace="##other"``);
  source facts go into ``<proprietary>``. Values the reader derives from the text (offsets,
  numbers from labels) are written only when the derivation would not give them back, as
  JSON in ``nq:fix``.
* Deterministic bytes: no clock, no random ids; ``generated_on`` defaults to the document's own
  date. Indentation is added only where it cannot change text (never inside ``<p>``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from nghiquyet import grammar
from nghiquyet.diagnostics import Diagnostic, Diagnostics
from nghiquyet.errors import WriterError
from nghiquyet.model import (
    Attachment, Child, CitedDocument, Council, FootnoteRef, Indicator, Paragraph, Provision,
    Resolution, Table, Target, TextLine, Unparsed,
)
from nghiquyet.source import Span
from nghiquyet.writers.frbr import FrbrUri, adoption_date, frbr_uri_for, slugify

__all__ = ["AKN_NS", "KINDS", "NQ_NS", "to_akn", "to_akn_with_diagnostics", "write_akn"]

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
"""The Akoma Ntoso 3.0 namespace."""
NQ_NS = "https://nghiquyet.invalid/ns/akn/1.0"
"""This project's extension namespace (prefix ``nq``) for model facts AKN has no place for."""
NSMAP = {None: AKN_NS, "nq": NQ_NS}
SOFTWARE = "nghiquyet"
"""eId of the TLCOrganization standing for this software (``source="#nghiquyet"``)."""
EMPTY_BODY = "emptyBody"
"""``hcontainer/@name`` standing in for an empty body (``<body>`` needs one element)."""
PLACEHOLDER = "placeholder"
"""``@class`` of an element that only satisfies the schema and carries no model content."""

KINDS: dict[str, tuple[str, str | None, str]] = {
    # model kind   AKN element     hcontainer name  eId prefix
    "part":       ("part",         None,           "part"),
    "chapter":    ("chapter",      None,           "chp"),
    "section":    ("section",      None,           "sec"),
    "subsection": ("subsection",   None,           "subsec"),
    "article":    ("article",      None,           "art"),
    "division":   ("hcontainer",   "division",     "dvs"),       # Roman "I."
    "clause":     ("paragraph",    None,           "para"),      # khoản "1." (name mismatch)
    "subclause":  ("hcontainer",   "subclause",    "subcl"),     # decimal "1.1."
    "point":      ("point",        None,           "point"),     # điểm "a)", "đ)"
    "item":       ("hcontainer",   "item",         "item"),      # parenthesised "(1)"
    "bullet":     ("hcontainer",   "bullet",       "bullet"),    # "-", "+"
    "paragraph":  ("alinea",       None,           "al"),        # unnumbered paragraph
    "indicator":  ("hcontainer",   "indicator",    "indicator"), # chỉ tiêu "(1)" with quantities
    "table":      ("hcontainer",   "table",        "table"),     # holds an AKN <table>
    "unparsed":   ("hcontainer",   "unparsed",     "unparsed"),  # text the parser could not place
}
"""The one mapping table from model kind to AKN element (STYLE §7, glossary §10)."""

MIXED = frozenset({
    "p", "num", "heading", "subheading", "docTitle", "docNumber", "docType", "docAuthority",
    "docDate", "docProponent", "listIntroduction", "listWrapUp", "caption", "signature", "ref",
    "quantity", "organization", "person", "role", "location", "inline", "legislature",
    "session", "span", "concept", "term", "date", "shortTitle",
})
"""Elements with mixed content: the writer never indents inside them."""

_MIXED_TAGS = frozenset(f"{{{AKN_NS}}}{tag}" for tag in MIXED)
_AUTHORIAL_NOTE = f"{{{AKN_NS}}}authorialNote"
_FIX = f"{{{NQ_NS}}}fix"

_FORMULA_COUNCIL, _FORMULA_ENACTING, _FORMULA_ADOPTION = (
    "councilLine", "enactingFormula", "adoptionFormula")


@functools.cache
def q(tag: str) -> str:
    """Clark name of an AKN element (cached: the writer asks for the same few hundred names)."""
    return f"{{{AKN_NS}}}{tag}"


@functools.cache
def n(name: str) -> str:
    """Clark name of an ``nq:`` attribute or element."""
    return f"{{{NQ_NS}}}{name}"


# --------------------------------------------------------------------------- shared rules
# The reader (nghiquyet.readers.akn) uses the same functions, so writer and reader agree.


def format_span(span: Span) -> str:
    """``Span`` → ``nq:span`` value: ``"27"``, ``"27-34"``, ``"14@3"``, ``"14-2@3-4"``."""
    text = str(span.line)
    if span.end_line is not None:
        text += f"-{span.end_line}"
    if span.page is not None or span.end_page is not None:
        text += f"@{'' if span.page is None else span.page}"
        if span.end_page is not None:
            text += f"-{span.end_page}"
    return text


def parse_span(text: str) -> Span:
    """Inverse of :func:`format_span`.

    Raises:
        ValueError: not a span attribute.
    """
    m = grammar.SPAN_ATTR.match(text)
    if m is None:
        raise ValueError(f"bad nq:span {text!r}")

    def num(name: str) -> int | None:
        return int(m[name]) if m[name] else None

    return Span(int(m["line"]), num("end_line"), num("page"), num("end_page"))


def derive_num(kind: str, label: str) -> str | None:
    """The number a label gives when nothing says otherwise: "Điều 5." → "5", "(1)" → "1",
    "1.1." → "1.1", "đ)" → "đ"; bullets have none."""
    if kind == "bullet":
        return None
    tokens = label.split()
    num = tokens[-1].strip(".:;,()[]") if tokens else ""
    return num or None


def derive_attachment_num(label: str) -> str | None:
    """"Phụ lục I" → "I", "Phụ lục số 02" → "02"; a label without a number ("QUY ĐỊNH")
    gives None."""
    tokens = label.split()
    if len(tokens) < 3:
        return None
    return tokens[-1].strip(".:;,()[]") or None


def derive_purpose_raw(purpose: str) -> str:
    """How a purpose note is printed when nothing says otherwise: "(để báo cáo)"."""
    return f"({purpose})"


@functools.lru_cache(maxsize=1024)  # numbers repeat ("1", "2", "a" …): one regex pass each
def clean_num(num: str | None) -> str:
    """A number as eIds carry it [bluebell ``clean_num``]: no spaces or punctuation around it,
    "đ" never folded to "d" (the XSD types eIds as ``noWhiteSpace``)."""
    if not num:
        return ""
    return grammar.EID_UNSAFE.sub("", num).strip(".-")


def node_label(node: Child) -> str:
    """A node's label as the parser puts it into a footnote anchor ("" for unlabelled)."""
    return node.label if isinstance(node, (Provision, Indicator)) else ""


# --------------------------------------------------------------------------- inline text


@dataclass(slots=True)
class _Range:
    """An inline element covering ``text[start:end]``; ``key`` groups it for ordering."""

    start: int
    end: int
    element: etree._Element
    key: str
    index: int
    inner: list[_Range] = field(default_factory=list)
    """Ranges nested inside this one (a citation inside a citation)."""


@dataclass(slots=True)
class _Point:
    """An element standing at ``offset`` (a note) without covering text."""

    offset: int
    element: etree._Element
    key: str
    index: int


def _append_text(parent: etree._Element, text: str) -> None:
    """Append text to a mixed-content element, after its last child; "\\n" becomes ``<br/>``."""
    if not text:
        return
    for k, piece in enumerate(text.split("\n") if "\n" in text else (text,)):
        if k:
            _mixed_sub(parent, "br")
        if not piece:
            continue
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + piece
        else:
            parent.text = (parent.text or "") + piece


def _set_text(parent: etree._Element, text: str) -> None:
    """:func:`_append_text` for an element still empty (no text, no children): the common case
    of :func:`fill`, without looking for the last child."""
    if "\n" not in text:
        if text:
            parent.text = text
        return
    first, *rest = text.split("\n")
    parent.text = first  # "" still marks the element as mixed content (see _mixed_append)
    br = q("br")
    for piece in rest:
        element = etree.SubElement(parent, br)
        if piece:
            element.tail = piece


def _mixed_append(parent: etree._Element, element: etree._Element) -> None:
    """Append an element to a mixed-content element.

    libxml2's pretty printer indents an element whose children are all elements, and leaves
    alone one that has a text node. So a mixed-content element that gets a child gets an empty
    text node first: it serialises as nothing and keeps the printer out (see :func:`_serialise`).
    """
    if parent.text is None:
        parent.text = ""
    parent.append(element)


def _mixed_sub(parent: etree._Element, tag: str,
               attrib: dict[str, str] | None = None) -> etree._Element:
    """:func:`_sub` for a mixed-content parent (see :func:`_mixed_append`)."""
    if parent.text is None:
        parent.text = ""
    return _sub(parent, tag, attrib)


def set_fix(element: etree._Element, **values: Any) -> None:
    """Record values the reader could not derive, as JSON in ``nq:fix``."""
    current = element.get(_FIX)
    if current is not None:  # most elements have none: no JSON to read back
        values = {**json.loads(current), **values}
    element.set(_FIX, json.dumps(values, ensure_ascii=False, sort_keys=True))


def _nest(ranges: Sequence[_Range], size: int) -> tuple[list[_Range], list[_Range]]:
    """Arrange ranges as a forest of properly nested ones; return (roots, rejected).

    A range out of bounds, or crossing one accepted before it, is rejected.
    """
    roots: list[_Range] = []
    rejected: list[_Range] = []
    stack: list[_Range] = []
    for r in sorted(ranges, key=lambda r: (r.start, -r.end, r.index)):
        r.inner = []
        if not 0 <= r.start <= r.end <= size:
            rejected.append(r)
            continue
        while stack and not (stack[-1].start <= r.start and r.end <= stack[-1].end):
            stack.pop()
        siblings = stack[-1].inner if stack else roots
        if siblings and siblings[-1].end > r.start:
            rejected.append(r)  # crosses the previous range without being inside it
            continue
        siblings.append(r)
        stack.append(r)
    return roots, rejected


def fill(parent: etree._Element, text: str, ranges: Sequence[_Range] = (),
         points: Sequence[_Point] = ()) -> None:
    """Write ``text`` into ``parent`` with inline elements at their offsets.

    Ranges may nest (a citation inside a citation). A range that is out of bounds or crosses
    another is written empty at its start and its offsets go into ``nq:fix``; so are points
    out of bounds. A point at a range's start stands before it, one inside stands inside.
    When elements of one key do not appear in the model's order, each gets its model index in
    ``nq:fix`` (``"i"``).
    """
    if not ranges and not points:  # plain text into a fresh element, the common case
        _set_text(parent, text)
        return
    size = len(text)
    roots, rejected = _nest(ranges, size)
    loose: list[_Point] = list(points)
    for r in rejected:
        set_fix(r.element, start=r.start, end=r.end)
        loose.append(_Point(r.start, r.element, r.key, r.index))
    placed: list[_Point] = []
    for p in loose:
        if not 0 <= p.offset <= size:
            if p.element.tag == _AUTHORIAL_NOTE:
                set_fix(p.element, offset=p.offset)
            p = _Point(min(max(p.offset, 0), size), p.element, p.key, p.index)
        placed.append(p)
    placed.sort(key=lambda p: p.offset)
    k = 0

    def emit(out: etree._Element, pos: int, end: int, children: list[_Range],
             last: bool) -> None:
        nonlocal k
        for r in children:
            while k < len(placed) and placed[k].offset <= r.start:
                _append_text(out, text[pos:placed[k].offset])
                pos = placed[k].offset
                _mixed_append(out, placed[k].element)
                k += 1
            _append_text(out, text[pos:r.start])
            _mixed_append(out, r.element)  # placed first, then filled: nothing moves twice
            emit(r.element, r.start, r.end, r.inner, False)
            pos = r.end
        while k < len(placed) and (placed[k].offset < end or last):
            _append_text(out, text[pos:placed[k].offset])
            pos = placed[k].offset
            _mixed_append(out, placed[k].element)
            k += 1
        _append_text(out, text[pos:end])

    emit(parent, 0, size, roots, True)
    _fix_order(parent, [*ranges, *points])


def _fix_order(parent: etree._Element, items: Sequence[_Range | _Point]) -> None:
    if len({item.key for item in items}) == len(items):
        return  # one element per key at most: nothing can be out of order
    order = {id(el): k for k, el in enumerate(parent.iter())}
    keys = sorted({item.key for item in items})
    for key in keys:
        group = [item for item in items if item.key == key]
        placed = sorted(group, key=lambda item: order[id(item.element)])
        if [item.index for item in placed] != sorted(item.index for item in group):
            for item in group:
                set_fix(item.element, i=item.index)


def _find(text: str, needle: str, taken: list[tuple[int, int]]) -> int:
    """First occurrence of ``needle`` in ``text`` not overlapping ``taken``; -1 if none."""
    if not needle:
        return -1
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        if all(end <= a or start >= b for a, b in taken):
            return start
        start = text.find(needle, start + 1)
    return -1


# --------------------------------------------------------------------------- the writer


class _Writer:
    """One document's AKN: eIds, TLC registry and the footnotes still to place."""

    def __init__(self, doc: Resolution, generated_on: dt.date | None, spans: bool,
                 diags: Diagnostics) -> None:
        self.doc = doc
        self.spans = spans
        self.diags = diags
        self.used: set[str] = set()
        self.tlcs: dict[str, etree._Element] = {}
        self.tlc_keys: dict[tuple[str, str, str], str] = {}
        self.uri, missing = frbr_uri_for(doc)
        if missing:
            span = doc.header.number.span if doc.header.number else None
            diags.add("NQ504", span, missing=" and ".join(missing))
        self.on, self.date_name = adoption_date(doc)
        self.generated_on = generated_on or self.on or dt.date(1970, 1, 1)
        self.indicators = 0
        # Footnotes a reference can carry: label → [(index, footnote)], in model order.
        self.carriable: dict[str, list[int]] = {}
        for k, note in enumerate(doc.footnotes):
            if note.anchor is not None and note.offset is not None:
                self.carriable.setdefault(note.label, []).append(k)
        self.carried: set[int] = set()
        # Every element is built in place under its parent: one made on its own and appended
        # later is moved between lxml documents, its whole subtree walked again. So the
        # skeleton comes first. <meta> stands first in the output but gets its eIds last, after
        # the body's (the body keeps the short ones); see _finish_meta.
        normative = bool(doc.header.number and doc.header.number.normative)
        doc_type = doc.header.document_type.type if doc.header.document_type else "resolution"
        self.root = etree.Element(q("akomaNtoso"), nsmap=NSMAP)  # type: ignore[arg-type]
        self.main = etree.SubElement(self.root, q("act" if normative else "statement"),
                                     name=doc_type)
        self.meta = etree.SubElement(self.main, q("meta"))
        identification = etree.SubElement(self.meta, q("identification"), source=f"#{SOFTWARE}")
        # (element, eId base) to number in _finish_meta; eId="" keeps the attribute's place.
        self.events: list[tuple[etree._Element, str]] = []
        effect = doc.closing.effect
        if self.on is not None or (effect and effect.date):
            lifecycle = etree.SubElement(self.meta, q("lifecycle"), source=f"#{SOFTWARE}")
            if self.on is not None:
                self.events.append((_leaf(lifecycle, "eventRef", eId="",
                                          date=self.on.isoformat(), source="#original",
                                          type="generation"), "e_adoption"))
            if effect is not None and effect.date is not None:
                self.events.append((_leaf(lifecycle, "eventRef", eId="",
                                          date=effect.date.isoformat(), source="#original"),
                                    "e_entry_into_force"))
        self.references = etree.SubElement(self.meta, q("references"), source=f"#{SOFTWARE}")
        title = doc.header.title.text if doc.header.title else self.uri.work_uri
        self.events.append((_leaf(self.references, "original", eId="",
                                  href=self.uri.expression_uri, showAs=title), "original"))
        self.events.append((_leaf(self.references, "TLCOrganization", eId="",
                                  href=f"/ontology/organization/{SOFTWARE}", showAs=SOFTWARE),
                            SOFTWARE))
        self.council_eid = self._council_tlc(doc.header.council)
        self._frbr(identification, self.uri)

    # ------------------------------------------------------------------ small helpers

    def eid(self, base: str) -> str:
        """Make ``base`` unique in the document (``art_1``, then ``art_1_2`` …)."""
        if base not in self.used:
            self.used.add(base)
            return base
        k = 2
        while f"{base}_{k}" in self.used:
            k += 1
        self.used.add(f"{base}_{k}")
        return f"{base}_{k}"

    def span(self, element: etree._Element, span: Span | None) -> None:
        if self.spans and span is not None:
            element.set(n("span"), format_span(span))

    def inline(self, tag: str, attrib: dict[str, str] | None = None) -> etree._Element:
        """A new inline element (range or note), standing alone until :func:`fill` places it."""
        return etree.Element(q(tag), attrib)

    def tlc(self, kind: str, prefix: str, href: str, show_as: str, *,
            reuse: bool = True) -> str:
        """Register a TLC element in ``<references>``; return its eId."""
        key = (kind, href, show_as)
        if reuse and key in self.tlc_keys:
            return self.tlc_keys[key]
        eid = self.eid(prefix)
        element = etree.SubElement(self.references, q(kind),
                                   {"eId": eid, "href": href, "showAs": show_as})
        self.tlcs[eid] = element
        if reuse:
            self.tlc_keys[key] = eid
        return eid

    def organization(self, name: str) -> str:
        slug = slugify(name, 60) or "unnamed"
        return self.tlc("TLCOrganization", f"org-{slug}",
                        f"/ontology/organization/vn/{slug}", name)

    def _council_tlc(self, council: Council | None) -> str | None:
        if council is None:
            return None
        eid = self.eid(self.uri.actor or "hdnd")
        element = etree.SubElement(self.references, q("TLCOrganization"), {
            "eId": eid, "href": f"/ontology/organization/{self.uri.country}/{self.uri.actor}",
            "showAs": council.name})
        for attr, value in (("level", council.level), ("unit", council.unit),
                            ("locality", council.locality), ("province", council.province_id),
                            ("evidence", council.evidence)):
            if value is not None:
                element.set(n(attr), value)
        self.tlcs[eid] = element
        self._successor(council)
        return eid

    def _successor(self, council: Council) -> None:
        """Record the unit holding a pre-2025 council's territory after the 2025 reform."""
        from nghiquyet import gazetteer

        if self.on is not None and self.on >= gazetteer.REFORM_DATE:
            return
        province = gazetteer.province_by_id(council.province_id) if council.province_id else None
        if province is None or province.valid_to is None:
            return
        name: str | None
        if council.level == "tỉnh":
            name = gazetteer.successor(province, gazetteer.REFORM_DATE).name
        elif council.unit and council.locality:
            try:
                name = gazetteer.convert_local_address(
                    f"{council.unit} {council.locality}, {province.name}")
            except Exception:  # the mapping is optional data: never fatal to writing
                name = None
        else:
            name = None
        if name:
            slug = slugify(name, 60)
            self.tlc("TLCLocation", "successor", f"/ontology/location/vn/{slug}", name)

    # ------------------------------------------------------------------ document

    def write(self) -> etree._Element:
        doc = self.doc
        normative = bool(doc.header.number and doc.header.number.normative)
        self.preface(self.main)
        self.preamble(self.main)
        self.body(self.main, doc.body, "body" if normative else "mainBody", "")
        self.conclusions(self.main)
        if doc.attachments:
            self.attachments(self.main)
        self._finish_meta()
        return self.root

    # ------------------------------------------------------------------ meta

    def _frbr(self, parent: etree._Element, uri: FrbrUri) -> None:
        council = f"#{self.council_eid}" if self.council_eid else f"#{SOFTWARE}"
        on = self.on.isoformat() if self.on else None
        number = self.doc.header.number
        if on is None:
            year = number.year if number is not None and number.year else None
            on, name = (f"{year:04d}-01-01", "year") if year else ("0001-01-01", "unknown")
        else:
            name = self.date_name
        work = etree.SubElement(parent, q("FRBRWork"))
        _leaf(work, "FRBRthis", value=uri.work_this)
        _leaf(work, "FRBRuri", value=uri.work_uri)
        _leaf(work, "FRBRdate", date=on, name=name)
        _leaf(work, "FRBRauthor", href=council)
        _leaf(work, "FRBRcountry", value=uri.country)
        _leaf(work, "FRBRsubtype", value=uri.subtype)
        if number is not None:
            _leaf(work, "FRBRnumber", value=number.normalised, showAs=number.raw)
        _leaf(work, "FRBRname", value=uri.subtype)
        _leaf(work, "FRBRprescriptive", value="true" if uri.doctype == "act" else "false")
        _leaf(work, "FRBRauthoritative", value="false")
        expression = etree.SubElement(parent, q("FRBRExpression"))
        _leaf(expression, "FRBRthis", value=uri.expression_this)
        _leaf(expression, "FRBRuri", value=uri.expression_uri)
        _leaf(expression, "FRBRdate", date=on, name=name)
        _leaf(expression, "FRBRauthor", href=council)
        _leaf(expression, "FRBRlanguage", language=uri.language)
        manifestation = etree.SubElement(parent, q("FRBRManifestation"))
        _leaf(manifestation, "FRBRthis", value=uri.manifestation_this)
        _leaf(manifestation, "FRBRuri", value=uri.manifestation_uri)
        _leaf(manifestation, "FRBRdate", date=self.generated_on.isoformat(), name="generation")
        _leaf(manifestation, "FRBRauthor", href=f"#{SOFTWARE}")
        _leaf(manifestation, "FRBRformat", value="application/akn+xml")

    def _finish_meta(self) -> None:
        """Complete the main ``<meta>``: notes no marker carries, the eIds held back (in the
        order the writer has always given them) and ``<proprietary>``."""
        self.loose_notes(self.meta)
        for element, base in self.events:
            element.set("eId", self.eid(base))
        self.proprietary(self.meta)

    def attachment_meta(self, parent: etree._Element, uri: FrbrUri) -> None:
        """An attachment's ``<meta>``: its identification only."""
        meta = etree.SubElement(parent, q("meta"))
        self._frbr(etree.SubElement(meta, q("identification"), source=f"#{SOFTWARE}"), uri)

    def proprietary(self, meta: etree._Element) -> None:
        prop = etree.SubElement(meta, q("proprietary"), source=f"#{SOFTWARE}")
        info = self.doc.source
        etree.SubElement(prop, n("document"), schemaVersion=self.doc.schema_version)
        source = etree.SubElement(prop, n("source"), name=info.name, format=info.format)
        if info.sha256 is not None:
            source.set("sha256", info.sha256)
        if info.pages is not None:
            source.set("pages", str(info.pages))
        for repair in info.repairs:
            element = etree.SubElement(source, n("repair"), line=str(repair.line))
            if repair.page is not None:
                element.set("page", str(repair.page))
            _safe_text(element, repair.original)
        effect = self.doc.closing.effect
        if effect is not None:
            element = etree.SubElement(prop, n("effect"), rule=effect.rule)
            if effect.date is not None:
                element.set("date", effect.date.isoformat())
            if effect.days is not None:
                element.set("days", str(effect.days))
            self.span(element, effect.span)
            _safe_text(element, effect.text)

    # ------------------------------------------------------------------ preface

    def text_line(self, parent: etree._Element, line: TextLine, cls: str) -> None:
        p = _sub(parent, "p", {"class": cls})
        fill(p, line.text)
        self.span(p, line.span)

    def preface(self, main: etree._Element) -> None:
        header = self.doc.header
        preface = etree.SubElement(main, q("preface"))
        if header.national_title or header.motto:
            container = _sub(preface, "container", {"name": "nationalHeading",
                                                    "eId": self.eid("nationalHeading")})
            if header.national_title:
                self.text_line(container, header.national_title, "nationalTitle")
            if header.motto:
                self.text_line(container, header.motto, "motto")
        council = header.council
        if council is not None and council.evidence != "council-line":
            self.authority(_sub(preface, "p", {"class": "council"}), council)
        if header.number is not None:
            number = header.number
            p = _sub(preface, "p", {"class": "number"})
            _set_text(p, "Số: ")
            element = _mixed_sub(p, "docNumber")
            fill(element, number.raw)
            for attr, value in (("sequence", number.sequence), ("typeSymbol", number.type_symbol),
                                ("issuerSymbol", number.issuer_symbol), ("symbol", number.symbol)):
                if value is not None:
                    element.set(n(attr), value)
            if number.year is not None:
                element.set(n("year"), str(number.year))
            self.span(element, number.span)
        if header.date_line is not None:
            self.date_line(preface)
        if header.document_type is not None:
            p = _sub(preface, "p", {"class": "docType"})
            element = _mixed_sub(p, "docType")
            fill(element, header.document_type.raw)
            self.span(element, header.document_type.span)
        if header.title is not None:
            title = header.title
            long_title = _sub(preface, "longTitle", {"eId": self.eid("longTitle")})
            element = _mixed_sub(_sub(long_title, "p"), "docTitle")
            fill(element, "\n".join(title.lines))
            if title.text != " ".join(title.lines):
                set_fix(element, text=title.text)
            if _lines_lost(title.lines):
                set_fix(element, lines=list(title.lines))
            self.span(element, title.span)
        for line in header.other:
            self.text_line(preface, line, "other")
        if not len(preface):
            main.remove(preface)

    def authority(self, p: etree._Element, council: Council) -> None:
        element = _mixed_sub(p, "docAuthority", {"refersTo": f"#{self.council_eid}"})
        fill(element, council.name)
        self.span(element, council.span)

    def date_line(self, preface: etree._Element) -> None:
        line = self.doc.header.date_line
        assert line is not None
        p = _sub(preface, "p", {"class": "dateLine"})
        raw = line.raw
        ranges: list[_Range] = []
        place_end = 0
        if line.place is not None:
            start = raw.find(line.place) if line.place else -1
            if start >= 0:
                slug = slugify(line.place, 60) or "unnamed"
                eid = self.tlc("TLCLocation", f"loc-{slug}", f"/ontology/location/vn/{slug}",
                               line.place)
                element = self.inline("location", {"refersTo": f"#{eid}"})
                ranges.append(_Range(start, start + len(line.place), element, "location", 0))
                place_end = start + len(line.place)
            else:
                set_fix(p, place=line.place)
        if line.date is not None:
            lowered = raw.casefold()
            start = lowered.find("ngày", place_end)
            if start < 0:
                start = place_end
                while start < len(raw) and raw[start] in " ,":
                    start += 1
            element = self.inline("docDate", {"date": line.date.isoformat()})
            ranges.append(_Range(start, len(raw), element, "docDate", 0))
        fill(p, raw, ranges)
        self.span(p, line.span)

    # ------------------------------------------------------------------ preamble

    def preamble(self, main: etree._Element) -> None:
        doc = self.doc
        preamble = etree.SubElement(main, q("preamble"))
        council = doc.header.council
        session = doc.header.session
        if (council is not None and council.evidence == "council-line") or session is not None:
            formula = _sub(preamble, "formula", {"name": _FORMULA_COUNCIL,
                                                 "eId": self.eid(_FORMULA_COUNCIL)})
            if council is not None and council.evidence == "council-line":
                self.authority(_sub(formula, "p", {"class": "council"}), council)
            if session is not None:
                self.session(_sub(formula, "p", {"class": "session"}))
        pre = doc.preamble
        if pre.legal_bases:
            citations = _sub(preamble, "citations", {"eId": self.eid("cits")})
            for k, basis in enumerate(pre.legal_bases, start=1):
                eid = self.eid(f"cit_{k}")
                element = _sub(citations, "citation", {"eId": eid})
                self.cited(_sub(element, "p"), eid, basis.text, basis.citations,
                           basis.footnote_refs, ())
                self.span(element, basis.span)
        if pre.considerations:
            recitals = _sub(preamble, "recitals", {"eId": self.eid("recs")})
            for k, item in enumerate(pre.considerations, start=1):
                eid = self.eid(f"rec_{k}")
                element = _sub(recitals, "recital", {"eId": eid})
                self.cited(_sub(element, "p"), eid, item.text, item.citations,
                           item.footnote_refs, ())
                self.span(element, item.span)
        if pre.enacting_formula is not None:
            enacting = pre.enacting_formula
            formula = _sub(preamble, "formula", {"name": _FORMULA_ENACTING,
                                                 "eId": self.eid(_FORMULA_ENACTING)})
            formula.set(n("style"), enacting.style)
            fill(_sub(formula, "p"), enacting.text)
            self.span(formula, enacting.span)
        if not len(preamble):
            main.remove(preamble)

    def session(self, p: etree._Element) -> None:
        session = self.doc.header.session
        assert session is not None
        raw = session.raw
        taken: list[tuple[int, int]] = []
        ranges: list[_Range] = []
        for tag, printed, value in (("legislature", session.term_raw, session.term),
                                    ("session", session.number_raw, session.number)):
            start = _find(raw, printed, taken) if printed is not None else -1
            if start >= 0 and printed is not None:
                element = self.inline(tag)
                if value is not None:
                    element.set("value", str(value))
                ranges.append(_Range(start, start + len(printed), element, tag, 0))
                taken.append((start, start + len(printed)))
            elif printed is not None or value is not None:
                key = "term" if tag == "legislature" else "number"
                set_fix(p, **{key: value, f"{key}_raw": printed})
        if session.kind != "regular":
            p.set(n("kind"), session.kind)
        fill(p, raw, ranges)
        self.span(p, session.span)

    def cited(self, p: etree._Element, host: str, text: str,
              citations: Sequence[CitedDocument], refs: Sequence[FootnoteRef],
              anchor: tuple[str, ...] | None) -> None:
        """A paragraph with ``<ref>`` for each cited document and its footnote markers."""
        ranges = []
        for k, cited in enumerate(citations):
            element = self.inline("ref", {"eId": self.eid(f"{host}__ref_{k + 1}"),
                                          "href": cited_uri(cited)})
            for attr, value in (("kind", cited.document_kind), ("number", cited.number),
                                ("issuer", cited.issuer), ("name", cited.name)):
                if value is not None:
                    element.set(n(attr), value)
            if cited.date is not None:
                element.set(n("date"), cited.date.isoformat())
            if text[cited.start:cited.end] != cited.text or not 0 <= cited.start <= cited.end:
                set_fix(element, text=cited.text)
            ranges.append(_Range(cited.start, cited.end, element, "ref", k))
        fill(p, text, ranges, self.notes(host, refs, anchor))

    # ------------------------------------------------------------------ footnotes

    def notes(self, host: str, refs: Sequence[FootnoteRef],
              anchor: tuple[str, ...] | None) -> list[_Point]:
        """``<authorialNote>`` elements for a node's footnote markers.

        The first marker that matches a footnote (label, anchor path, offset) carries it
        (``nq:footnote`` = its 1-based place in ``Resolution.footnotes``); other markers show
        the text of the footnote with their label, if any.
        """
        points = []
        for k, ref in enumerate(refs):
            note = self.inline("authorialNote", {"eId": self.eid(f"{host}__fnt_{k + 1}"),
                                                 "marker": ref.marker, "placement": "bottom"})
            if ref.label != ref.marker:
                note.set(n("label"), ref.label)
            carried = None
            for index in self.carriable.get(ref.label, ()):
                footnote = self.doc.footnotes[index]
                if index not in self.carried and anchor is not None \
                        and footnote.anchor == anchor and footnote.offset == ref.offset:
                    carried = index
                    break
            text = ""
            if carried is not None:
                self.carried.add(carried)
                note.set(n("footnote"), str(carried + 1))
                footnote = self.doc.footnotes[carried]
                self.span(note, footnote.span)
                text = footnote.text
            else:
                text = next((f.text for f in self.doc.footnotes if f.label == ref.label), "")
            fill(_sub(note, "p"), text)
            points.append(_Point(ref.offset, note, "authorialNote", k))
        return points

    def loose_notes(self, meta: etree._Element) -> None:
        """Footnotes no marker carries, in ``<meta><notes>``."""
        loose = [k for k in range(len(self.doc.footnotes)) if k not in self.carried]
        if not loose:
            return
        notes = etree.SubElement(meta, q("notes"), source=f"#{SOFTWARE}")
        for k in loose:
            footnote = self.doc.footnotes[k]
            note = _sub(notes, "note", {"eId": self.eid(f"note_{k + 1}"),
                                        "marker": footnote.label, "placement": "bottom"})
            note.set(n("footnote"), str(k + 1))
            if footnote.anchor is not None:
                note.set(n("anchor"), json.dumps(list(footnote.anchor), ensure_ascii=False))
            if footnote.offset is not None:
                note.set(n("offset"), str(footnote.offset))
            self.span(note, footnote.span)
            fill(_sub(note, "p"), footnote.text)

    # ------------------------------------------------------------------ body

    def body(self, parent: etree._Element, nodes: Sequence[Child], tag: str,
             prefix: str) -> None:
        body = etree.SubElement(parent, q(tag))
        counters: dict[str, int] = {}
        for node in nodes:
            self.node(body, node, prefix, (), counters)
        if not len(body):
            _sub(body, "hcontainer", {"name": EMPTY_BODY})

    def _node_eid(self, prefix: str, short: str, num: str | None,
                  counters: dict[str, int]) -> str:
        counters[short] = counters.get(short, 0) + 1
        local = clean_num(num) or str(counters[short])
        return self.eid(f"{prefix}__{short}_{local}" if prefix else f"{short}_{local}")

    def node(self, parent: etree._Element, node: Child, prefix: str, path: tuple[str, ...],
             counters: dict[str, int]) -> None:
        kind = node.kind
        tag, name, short = KINDS[kind]
        num = node.num if isinstance(node, (Provision, Indicator)) else None
        eid = self._node_eid(prefix, short, num, counters)
        element = etree.SubElement(parent, q(tag), {"eId": eid} if name is None
                                   else {"name": name, "eId": eid})
        anchor = (*path, node_label(node))
        if isinstance(node, Provision):
            self.provision(element, node, eid, path)
        elif isinstance(node, Indicator):
            self.label(element, node.kind, node.label, node.num)
            self.indicator(_sub(_sub(element, "content"), "p"), node, eid, anchor)
        elif isinstance(node, Paragraph):
            self.paragraph(_sub(_sub(element, "content"), "p"), node, eid, anchor)
        elif isinstance(node, Table):
            self.table(_sub(element, "content"), node, eid)
        elif isinstance(node, Unparsed):
            fill(_sub(_sub(element, "content"), "p"), node.text)
        self.span(element, node.span)

    def label(self, element: etree._Element, kind: str, label: str, num: str | None) -> None:
        fill(_sub(element, "num"), label)
        if derive_num(kind, label) != num:
            set_fix(element, num=num)

    def provision(self, element: etree._Element, node: Provision, eid: str,
                  path: tuple[str, ...]) -> None:
        self.label(element, node.kind, node.label, node.num)
        anchor = (*path, node.label)
        notes = self.notes(eid, node.footnote_refs, anchor)
        heading_notes: list[_Point] = []
        if node.text is None and node.heading is not None:
            heading_notes, notes = notes, []
        if node.heading is not None:
            fill(_sub(element, "heading"), node.heading, (), heading_notes)
        children = node.children
        if not children:
            content = _sub(element, "content")
            if node.text is not None or notes:
                self._own_text(_sub(content, "p"), node.text, notes)
            return
        if node.text is not None or notes:
            self._own_text(_sub(_sub(element, "intro"), "p"), node.text, notes)
        last_structured = max((k for k, c in enumerate(children)
                               if not isinstance(c, Paragraph)), default=-1)
        wrap = [c for c in children[last_structured + 1:] if isinstance(c, Paragraph)] \
            if last_structured >= 0 else []
        counters: dict[str, int] = {}
        for child in children[: len(children) - len(wrap)]:
            self.node(element, child, eid, anchor, counters)
        if wrap:
            wrap_up = _sub(element, "wrapUp", {"eId": self.eid(f"{eid}__wrapup")})
            for k, para in enumerate(wrap, start=1):
                p_eid = self.eid(f"{eid}__wrapup__p_{k}")
                p = _sub(wrap_up, "p", {"eId": p_eid})
                self.paragraph(p, para, p_eid, (*anchor, ""))
                self.span(p, para.span)

    def _own_text(self, p: etree._Element, text: str | None, notes: list[_Point]) -> None:
        if text is None:
            p.set(n("absent"), "true")
        fill(p, text or "", (), notes)

    def paragraph(self, p: etree._Element, node: Paragraph, eid: str,
                  anchor: tuple[str, ...]) -> None:
        fill(p, node.text, (), self.notes(eid, node.footnote_refs, anchor))

    def indicator(self, p: etree._Element, node: Indicator, eid: str,
                  anchor: tuple[str, ...]) -> None:
        self.indicators += 1
        ranges = [self.quantity(node, target, eid, k) for k, target in enumerate(node.targets)]
        fill(p, node.text, ranges, self.notes(eid, node.footnote_refs, anchor))

    def quantity(self, node: Indicator, target: Target, eid: str, k: int) -> _Range:
        if target.metric:
            slug = slugify(target.metric, 50) or "unnamed"
            concept = self.tlc("TLCConcept", f"concept-{slug}",
                               f"/ontology/concept/vn/indicator/{slug}", target.metric)
        else:
            slug = slugify(node.text, 50) or "unnamed"
            concept = self.tlc("TLCConcept", f"concept-indicator-{self.indicators}",
                               f"/ontology/concept/vn/indicator/{slug}", node.text[:80])
        element = self.inline("quantity", {"eId": self.eid(f"{eid}__qty_{k + 1}"),
                                           "refersTo": f"#{concept}", "normalized": target.value})
        element.set(n("phrase"), target.text)
        for attr, value in (("metric", target.metric), ("comparator", target.comparator),
                            ("reference", target.reference)):
            if value is not None:
                element.set(n(attr), value)
        covered = node.text[target.start:target.end] if 0 <= target.start <= target.end else ""
        m = grammar.QUANTITY_TEXT.match(covered)
        raw, unit = (m["raw"], m["unit"] or None) if m else (None, None)
        if raw != target.value_raw or unit != target.unit:
            set_fix(element, value_raw=target.value_raw, unit=target.unit)
        return _Range(target.start, target.end, element, "quantity", k)

    def table(self, content: etree._Element, node: Table, eid: str) -> None:
        table = _sub(content, "table", {"eId": self.eid(f"{eid}__tbl")})
        if node.caption is not None:
            fill(_sub(table, "caption"), node.caption)
        for r, row in enumerate(node.rows):
            tr = _sub(table, "tr")
            cell_tag = "th" if r < node.header_rows else "td"
            for cell in row:
                element = _sub(tr, cell_tag)
                if cell:
                    fill(_sub(element, "p"), cell)
            if not row:
                _sub(tr, cell_tag, {"class": PLACEHOLDER})
        if not node.rows:
            _sub(_sub(table, "tr", {"class": PLACEHOLDER}), "td")
        if node.header_rows != min(node.header_rows, len(node.rows)) or node.header_rows < 0:
            set_fix(table, header_rows=node.header_rows)

    # ------------------------------------------------------------------ conclusions

    def conclusions(self, main: etree._Element) -> None:
        closing = self.doc.closing
        conclusions = etree.SubElement(main, q("conclusions"))
        if closing.passing is not None:
            self.passing(conclusions)
        for line in closing.other:
            self.text_line(conclusions, line, "other")
        if closing.signature is not None:
            self.signature(conclusions)
        if closing.recipients is not None:
            self.recipients(conclusions)
        if not len(conclusions):
            main.remove(conclusions)

    def passing(self, conclusions: etree._Element) -> None:
        passing = self.doc.closing.passing
        assert passing is not None
        formula = _sub(conclusions, "formula", {"name": _FORMULA_ADOPTION,
                                                "eId": self.eid(_FORMULA_ADOPTION)})
        for attr, value in (("term", passing.term), ("session", passing.session),
                            ("sessionKind", passing.session_kind), ("date", passing.date)):
            if value is not None:
                text = value.isoformat() if isinstance(value, dt.date) else str(value)
                formula.set(n(attr), text)
        if passing.embedded:
            formula.set(n("embedded"), "true")
        p = _sub(formula, "p")
        ranges = []
        if passing.council is not None:
            start = _find(passing.text, passing.council, [])
            if start >= 0:
                refers = self.council_eid or self.organization(passing.council)
                element = self.inline("organization", {"refersTo": f"#{refers}"})
                ranges.append(_Range(start, start + len(passing.council), element, "org", 0))
            else:
                set_fix(formula, council=passing.council)
        fill(p, passing.text, ranges)
        self.span(formula, passing.span)

    def signature(self, conclusions: etree._Element) -> None:
        sig = self.doc.closing.signature
        assert sig is not None
        container = _sub(conclusions, "blockContainer", {"eId": self.eid("signature"),
                                                         "class": "signature"})
        text = "\n".join(sig.lines)
        # A name printed over two lines ("Phùng" / "Thị Hồng Hà", full/103) is still found:
        # line breaks match spaces, and the reader reads <br/> inside a field as a space.
        flat = text.replace("\n", " ")
        taken: list[tuple[int, int]] = []
        ranges: list[_Range] = []
        role_eid = None
        if sig.role is not None:
            slug = slugify(sig.role, 50) or "unnamed"
            role_eid = self.tlc("TLCRole", f"role-{slug}", f"/ontology/role/vn/{slug}", sig.role)
        fields: list[tuple[str, str | None, Callable[[], etree._Element]]] = [
            ("authority_prefix", sig.authority_prefix,
             lambda: self.inline("inline", {"name": "authorityPrefix"})),
            ("authority", sig.authority,
             lambda: self.inline("organization", {"refersTo": "#" + (
                 self.council_eid or self.organization(sig.authority or ""))})),
            ("role", sig.role, lambda: self.inline("role", {"refersTo": f"#{role_eid}"})),
            ("signed_marker", sig.signed_marker,
             lambda: self.inline("inline", {"name": "signedMarker"})),
            ("name", sig.name, lambda: self._person_element(role_eid)),
        ]
        fixes: dict[str, Any] = {}
        for field_name, value, make in fields:
            if value is None:
                continue
            start = _find(flat, value, taken)
            if start < 0:
                fixes[field_name] = value
                continue
            ranges.append(_Range(start, start + len(value), make(), field_name, 0))
            taken.append((start, start + len(value)))
        signature = _mixed_sub(_sub(container, "p"), "signature")
        fill(signature, text, ranges)
        if _lines_lost(sig.lines):
            fixes["lines"] = list(sig.lines)
        if fixes:
            set_fix(signature, **fixes)
        self.span(container, sig.span)

    def _person_element(self, role_eid: str | None) -> etree._Element:
        sig = self.doc.closing.signature
        assert sig is not None and sig.name is not None
        slug = slugify(sig.name, 50) or "unnamed"
        person = self.tlc("TLCPerson", f"person-{slug}", f"/ontology/person/vn/{slug}", sig.name)
        element = self.inline("person", {"refersTo": f"#{person}"})
        if role_eid is not None:
            element.set("as", f"#{role_eid}")  # the signer acts in this role
        return element

    def recipients(self, conclusions: etree._Element) -> None:
        rec = self.doc.closing.recipients
        assert rec is not None
        block = _sub(conclusions, "blockList", {"eId": self.eid("recipients"),
                                                "class": "recipients"})
        fill(_sub(block, "listIntroduction"), rec.heading)
        self.span(block, rec.span)
        concepts: list[str] = []
        for k, group in enumerate(rec.groups, start=1):
            slug = slugify(group.purpose, 50) or "unnamed"
            eid = self.tlc("TLCConcept", f"purpose-{k}",
                           f"/ontology/concept/vn/recipient-purpose/{slug}", group.purpose,
                           reuse=False)
            if group.raw != derive_purpose_raw(group.purpose):
                self.tlcs[eid].set(n("raw"), group.raw)
            concepts.append(eid)
        covering: dict[int, list[int]] = {}
        for g, group in enumerate(rec.groups):
            for index in group.entries:
                covering.setdefault(index, []).append(g)
        for k, entry in enumerate(rec.entries):
            item = _sub(block, "item", {"eId": self.eid(f"recipients__item_{k + 1}")})
            groups = covering.get(k, [])
            if groups:
                item.set("refersTo", " ".join(f"#{concepts[g]}" for g in groups))
            derived = rec.groups[groups[0]].purpose if groups else None
            if entry.purpose != derived:
                set_fix(item, purpose=entry.purpose)
            if entry.archive:
                item.set("class", "archive")
            p = _sub(item, "p")
            start = _find(entry.raw, entry.text, [])
            ranges = []
            if start >= 0:
                element = self.inline("organization",
                                      {"refersTo": f"#{self.organization(entry.text)}"})
                ranges.append(_Range(start, start + len(entry.text), element, "org", 0))
            else:
                set_fix(item, text=entry.text)
            fill(p, entry.raw, ranges)
            self.span(item, entry.span)
        extra = sorted({i for g in rec.groups for i in g.entries if not 0 <= i < len(rec.entries)})
        for g, group in enumerate(rec.groups):
            if any(i in extra for i in group.entries) or list(group.entries) != sorted(
                    set(group.entries)):
                set_fix(self.tlcs[concepts[g]], entries=list(group.entries))
        if not rec.entries:
            _sub(_sub(block, "item", {"class": PLACEHOLDER}), "p")

    # ------------------------------------------------------------------ attachments

    def attachments(self, main: etree._Element) -> None:
        attachments = etree.SubElement(main, q("attachments"))
        for k, att in enumerate(self.doc.attachments, start=1):
            eid = self.eid(f"att_{k}")
            wrapper = _sub(attachments, "attachment", {"eId": eid})
            self.span(wrapper, att.span)
            document = _sub(wrapper, "doc", {"name": att.kind})
            self.attachment_meta(document, self.uri.for_component(eid))
            self.attachment_preface(document, att, eid)
            self.body(document, att.children, "mainBody", eid)

    def attachment_preface(self, document: etree._Element, att: Attachment, eid: str) -> None:
        preface = etree.SubElement(document, q("preface"))
        p = _sub(preface, "p", {"class": "label"})
        fill(p, att.label)
        if derive_attachment_num(att.label) != att.num:
            set_fix(p, num=att.num)
        if att.title is not None:
            long_title = _sub(preface, "longTitle", {"eId": self.eid(f"{eid}__longTitle")})
            fill(_mixed_sub(_sub(long_title, "p"), "docTitle"), att.title)
        if att.pointer is not None:
            fill(_sub(preface, "p", {"class": "pointer"}), att.pointer)


# --------------------------------------------------------------------------- helpers


def _sub(parent: etree._Element, tag: str, attrib: dict[str, str] | None = None) -> etree._Element:
    return etree.SubElement(parent, q(tag), attrib) if attrib else etree.SubElement(parent, q(tag))


def _leaf(parent: etree._Element, tag: str, **attrib: str) -> etree._Element:
    return etree.SubElement(parent, q(tag), attrib)


def _lines_lost(lines: Sequence[str]) -> bool:
    """Whether lines joined by ``<br/>`` would not split back into the same lines."""
    return not lines or any("\n" in line for line in lines)


def _safe_text(element: etree._Element, text: str) -> None:
    """Element text; a string XML cannot carry is stored JSON-escaped (``nq:escaped``)."""
    if grammar.XML_INVALID_CHAR.search(text):
        element.set(n("escaped"), "json")
        element.text = json.dumps(text)
    else:
        element.text = text


def cited_uri(cited: CitedDocument) -> str:
    """A best-effort FRBR work URI for a cited document (``<ref href>``).

    ``/akn/vn/{act|doc}/{kind}/{date|year|0000}/{number|name}``; laws and numbers with a year
    are acts. The URI identifies the citation well enough to follow it, not authoritatively.
    """
    kind = slugify(cited.document_kind or "", 40) or "van-ban"
    number = cited.number or ""
    parts = number.split("/")
    year = next((p for p in parts[1:] if p.isdigit() and len(p) == 4), None)
    laws = {"luat", "bo-luat", "phap-lenh", "hien-phap"}
    doctype = "act" if year or kind in laws else "doc"
    date = cited.date.isoformat() if cited.date is not None else year or "0000"
    key = slugify(number, 60) or slugify(cited.name or cited.text, 60) or "unnamed"
    return f"/akn/vn/{doctype}/{kind}/{date}/{key}"


def _indent(element: etree._Element, level: int = 0) -> None:
    """Indent element-only content; mixed content (``<p>`` …) is left exactly as written."""
    if element.tag in _MIXED_TAGS or not len(element) or (element.text and element.text.strip()):
        return
    pad = _PADS[level + 1] if level + 1 < len(_PADS) else "\n" + "  " * (level + 1)
    element.text = pad
    for child in element:
        child.tail = pad
        if len(child):
            _indent(child, level + 1)
    element[-1].tail = _PADS[level] if level < len(_PADS) else "\n" + "  " * level


_PADS = tuple("\n" + "  " * k for k in range(24))

_CAPPED_LINE = b"\n" + b"  " * 30 + b"<"
"""Where libxml2's pretty printer stops indenting: it pads a line with at most 30 levels."""


def _serialise(root: etree._Element) -> bytes:
    """The document's bytes, indented as :func:`_indent` indents it.

    libxml2 indents exactly the elements :func:`_indent` indents, since every mixed-content
    element with children has a text node (:func:`_mixed_append`): those it leaves alone, with
    all their descendants, as :func:`_indent` does. Its padding stops growing at level 30; a
    document that reaches that level goes through :func:`_indent` instead.
    """
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    if _CAPPED_LINE not in data:
        return data  # pretty_print ends the document with a line break, as _indent's output
    _indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def to_akn_with_diagnostics(document: Resolution, *, generated_on: dt.date | None = None,
                            spans: bool = False) -> tuple[bytes, list[Diagnostic]]:
    """Like :func:`to_akn`, also returning the writer's diagnostics (NQ504)."""
    if not isinstance(document, Resolution):
        raise TypeError(f"to_akn() takes a Resolution, not {type(document).__name__}")
    diags = Diagnostics(document.source.name)
    try:
        root = _Writer(document, generated_on, spans, diags).write()
    except ValueError as exc:  # lxml refuses text XML cannot carry
        raise WriterError(f"the document cannot be written as XML: {exc}") from exc
    return _serialise(root), list(diags)


def to_akn(document: Resolution, *, generated_on: dt.date | None = None,
           spans: bool = False) -> bytes:
    """Serialise a document as Akoma Ntoso 3.0 XML (UTF-8 bytes, deterministic).

    Args:
        document: the model.
        generated_on: the manifestation's generation date (``FRBRManifestation/FRBRdate``).
            Default: the document's own date (passing date, else header date, else
            1970-01-01), so the same document always gives the same bytes. Never the clock.
        spans: also write each node's source position (``nq:span``), so that
            :func:`~nghiquyet.readers.akn.from_akn` gives back the spans too.

    Example:
        >>> import nghiquyet  # doctest: +SKIP
        >>> doc = nghiquyet.parse_file("corpus/hai-duong/2023-ktxh.txt").document  # doctest: +SKIP
        >>> xml = to_akn(doc)  # doctest: +SKIP
        >>> xml[:38]  # doctest: +SKIP
        b"<?xml version='1.0' encoding='UTF-8'?>"

    Raises:
        WriterError: text that XML cannot carry (control characters).
    """
    return to_akn_with_diagnostics(document, generated_on=generated_on, spans=spans)[0]


def write_akn(document: Resolution) -> bytes:
    """Registry entry (``WRITERS["akn"]``): :func:`to_akn` with its defaults."""
    return to_akn(document)
