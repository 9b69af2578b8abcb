"""AKN reader: Akoma Ntoso 3.0 XML written by :mod:`nghiquyet.writers.akn` → ``Resolution``.

The inverse of the AKN writer: elements and attributes give the model back, text offsets
(citations, targets, footnote markers) are counted in the text the XML carries, and values
the writer only records when they cannot be derived come from ``nq:fix``. The round trip
model → AKN → model is exact apart from spans; with ``to_akn(..., spans=True)`` it is exact.
Without ``nq:span`` attributes a node's span is the line of its element in the XML.

Input is parsed safely (:func:`nghiquyet.safexml.parse_xml`): no DTD, no entity expansion, no
network, a size limit; a DOCTYPE of any kind is refused, since AKN never has one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from nghiquyet import grammar
from nghiquyet.errors import SchemaError, UnsafeInputError
from nghiquyet.limits import DEFAULT_LIMITS
from nghiquyet.model import (
    SCHEMA_VERSION, Attachment, Child, CitedDocument, Closing, Consideration, Council, DateLine,
    DocumentNumber, DocumentType, Effect, EnactingFormula, Footnote, FootnoteRef, Header,
    Indicator, LegalBasis, Paragraph, PassingClause, Preamble, Provision, Recipient,
    RecipientGroup, Recipients, Resolution, Session, Signature, SourceInfo, Table, Target,
    TextLine, TextRepair, Title, Unparsed,
)
from nghiquyet.safexml import parse_xml
from nghiquyet.source import Span
from nghiquyet.writers.akn import (
    AKN_NS, EMPTY_BODY, KINDS, PLACEHOLDER, derive_attachment_num, derive_num,
    derive_purpose_raw, n, parse_span, q,
)

__all__ = ["from_akn"]

_ELEMENT_KIND = {element: kind for kind, (element, name, _) in KINDS.items() if name is None}
_HCONTAINER_KIND = {name: kind for kind, (element, name, _) in KINDS.items() if name is not None}
_NOT_CHILDREN = frozenset({"num", "heading", "subheading", "intro", "content", "wrapUp"})
_PURPOSE_HREF = "/ontology/concept/vn/recipient-purpose/"


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _fix(element: etree._Element | None) -> dict[str, Any]:
    if element is None:
        return {}
    value: dict[str, Any] = json.loads(element.get(n("fix"), "{}"))
    return value


def _int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@dataclass(slots=True)
class _Inline:
    """Text of a mixed-content element with its inline elements and notes located in it."""

    text: str
    ranges: list[tuple[etree._Element, int, int]] = field(default_factory=list)
    notes: list[tuple[etree._Element, int]] = field(default_factory=list)

    def of(self, tag: str, name: str | None = None) -> list[tuple[etree._Element, int, int]]:
        return [(el, s, e) for el, s, e in self.ranges
                if el.tag == q(tag) and (name is None or el.get("name") == name)]


def read_inline(element: etree._Element | None) -> _Inline:
    """Text as the writer filled it: ``<br/>`` is "\\n", note contents are not text."""
    if element is None:
        return _Inline("")
    parts: list[str] = []
    ranges: list[list[Any]] = []
    notes: list[tuple[etree._Element, int]] = []
    length = 0

    def walk(el: etree._Element) -> None:
        nonlocal length
        if el.text:
            parts.append(el.text)
            length += len(el.text)
        for child in el:
            local = _local(child)
            if local == "authorialNote":
                notes.append((child, length))
            elif local == "br":
                parts.append("\n")
                length += 1
            elif local:
                entry: list[Any] = [child, length, length]
                ranges.append(entry)
                walk(child)
                entry[2] = length
            if child.tail:
                parts.append(child.tail)
                length += len(child.tail)

    walk(element)
    return _Inline("".join(parts), [(el, s, e) for el, s, e in ranges], notes)


def _ordered(items: list[tuple[dict[str, Any], Any]]) -> list[Any]:
    """Items in model order: by their ``nq:fix`` index when the writer recorded one."""
    if any("i" in fix for fix, _ in items):
        items = sorted(items, key=lambda pair: pair[0].get("i", 0))
    return [value for _, value in items]


def _position(fix: dict[str, Any], start: int, end: int) -> tuple[int, int]:
    return fix.get("start", start), fix.get("end", end)


def _slice(text: str, start: int, end: int) -> str:
    return text[start:end] if 0 <= start <= end else ""


class _Reader:
    def __init__(self, root: etree._Element) -> None:
        if root.tag != q("akomaNtoso") or not len(root):
            raise SchemaError("not an Akoma Ntoso document (root element akomaNtoso expected)")
        self.main = root[0]
        if self.main.tag not in (q("act"), q("statement")):
            raise SchemaError(f"unsupported AKN document type: {_local(self.main)}")
        self.footnotes: dict[int, Footnote] = {}
        self.meta = self._one(self.main, "meta")
        self.tlcs = {el.get("eId"): el for el in self.meta.iterfind(f"{{{AKN_NS}}}references/*")}

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _one(parent: etree._Element, tag: str) -> etree._Element:
        element = parent.find(q(tag))
        if element is None:
            raise SchemaError(f"AKN element {tag} missing under {_local(parent)}")
        return element

    @staticmethod
    def span(element: etree._Element | None, *, required: bool = True) -> Span | None:
        if element is not None and element.get(n("span")) is not None:
            return parse_span(element.get(n("span"), ""))
        if not required:
            return None
        line: int | None = getattr(element, "sourceline", None)
        return Span(line or 1)

    def rspan(self, element: etree._Element) -> Span:
        span = self.span(element)
        assert span is not None
        return span

    def refs(self, inline: _Inline, anchor: tuple[str, ...]) -> tuple[FootnoteRef, ...]:
        """Footnote markers of a text; a note that carries a footnote records it."""
        items = []
        for note, position in inline.notes:
            fix = _fix(note)
            marker = note.get("marker", "")
            ref = FootnoteRef(label=note.get(n("label"), marker), marker=marker,
                              offset=fix.get("offset", position))
            items.append((fix, ref))
            index = note.get(n("footnote"))
            if index is not None:
                self.footnotes[int(index) - 1] = Footnote(
                    label=ref.label, text=read_inline(note.find(q("p"))).text, anchor=anchor,
                    offset=ref.offset, span=self.rspan(note))
        return tuple(_ordered(items))

    # ------------------------------------------------------------------ document

    def read(self) -> Resolution:
        prop = self.meta.find(q("proprietary"))
        version = SCHEMA_VERSION
        if prop is not None and prop.find(n("document")) is not None:
            version = prop.find(n("document")).get("schemaVersion", SCHEMA_VERSION)  # type: ignore[union-attr]
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise SchemaError(f"unknown schema version {version!r} (this is {SCHEMA_VERSION})")
        header = self.header()
        preamble = self.preamble()
        body_el = self.main.find(q("body"))
        if body_el is None:
            body_el = self._one(self.main, "mainBody")
        body = self.children(body_el, ())
        closing = self.closing(prop)
        attachments = self.attachments()
        self.loose_notes()
        footnotes = tuple(self.footnotes[k] for k in sorted(self.footnotes))
        return Resolution(schema_version=version, source=self.source(prop), header=header,
                          preamble=preamble, body=body, closing=closing,
                          attachments=attachments, footnotes=footnotes)

    def source(self, prop: etree._Element | None) -> SourceInfo:
        element = prop.find(n("source")) if prop is not None else None
        if element is None:
            return SourceInfo(name="<akn>", format="akn")
        repairs = []
        for repair in element.iterfind(n("repair")):
            text = repair.text or ""
            if repair.get(n("escaped")) == "json":
                text = json.loads(text)
            repairs.append(TextRepair(line=int(repair.get("line", "0")),
                                      page=_int(repair.get("page")), original=text))
        return SourceInfo(name=element.get("name", ""), format=element.get("format", ""),
                          sha256=element.get("sha256"), pages=_int(element.get("pages")),
                          repairs=tuple(repairs))

    # ------------------------------------------------------------------ header

    def text_line(self, p: etree._Element) -> TextLine:
        return TextLine(text=read_inline(p).text, span=self.rspan(p))

    def header(self) -> Header:
        preface = self.main.find(q("preface"))
        fields: dict[str, Any] = {"council": self.council()}
        session = self.main.find(f"{{{AKN_NS}}}preamble/{{{AKN_NS}}}formula/{{{AKN_NS}}}p"
                                 f"[@class='session']")
        if session is not None:
            fields["session"] = self.session(session)
        if preface is None:
            return Header(**fields)
        heading = preface.find(q("container"))
        if heading is not None and heading.get("name") == "nationalHeading":
            for p in heading.iterfind(q("p")):
                key = "national_title" if p.get("class") == "nationalTitle" else "motto"
                fields[key] = self.text_line(p)
        other = []
        for p in preface.iterfind(q("p")):
            cls = p.get("class")
            if cls == "number":
                fields["number"] = self.number(self._one(p, "docNumber"))
            elif cls == "dateLine":
                fields["date_line"] = self.date_line(p)
            elif cls == "docType":
                element = self._one(p, "docType")
                fields["document_type"] = DocumentType(
                    raw=read_inline(element).text, type=self.main.get("name", "resolution"),
                    span=self.span(element, required=False))
            elif cls == "other":
                other.append(self.text_line(p))
        title = preface.find(f"{{{AKN_NS}}}longTitle/{{{AKN_NS}}}p/{{{AKN_NS}}}docTitle")
        if title is not None:
            fix = _fix(title)
            text = read_inline(title).text
            lines = tuple(fix["lines"]) if "lines" in fix else tuple(text.split("\n"))
            fields["title"] = Title(text=fix.get("text", " ".join(lines)), lines=lines,
                                    span=self.rspan(title))
        return Header(other=tuple(other), **fields)

    def council(self) -> Council | None:
        for part in ("preface", "preamble"):
            container = self.main.find(q(part))
            if container is None:
                continue
            for element in container.iter(q("docAuthority")):
                tlc = self.tlcs.get(element.get("refersTo", "").lstrip("#"))

                def get(key: str, tlc: etree._Element | None = tlc) -> Any:
                    return tlc.get(n(key)) if tlc is not None else None

                return Council(name=read_inline(element).text, level=get("level"),
                               unit=get("unit"), locality=get("locality"),
                               province_id=get("province"), evidence=get("evidence") or "header",
                               span=self.span(element, required=False))
        return None

    def number(self, element: etree._Element) -> DocumentNumber:
        work_number = self.meta.find(f"{{{AKN_NS}}}identification/{{{AKN_NS}}}FRBRWork/"
                                     f"{{{AKN_NS}}}FRBRnumber")
        raw = read_inline(element).text
        return DocumentNumber(
            raw=raw, sequence=element.get(n("sequence")), year=_int(element.get(n("year"))),
            type_symbol=element.get(n("typeSymbol")), issuer_symbol=element.get(n("issuerSymbol")),
            symbol=element.get(n("symbol"), ""),
            normalised=work_number.get("value", raw) if work_number is not None else raw,
            normative=self.main.tag == q("act"), span=self.rspan(element))

    def date_line(self, p: etree._Element) -> DateLine:
        inline = read_inline(p)
        fix = _fix(p)
        locations = inline.of("location")
        if "place" in fix:
            place = fix["place"]
        else:
            place = inline.text[locations[0][1]:locations[0][2]] if locations else None
        dates = inline.of("docDate")
        return DateLine(raw=inline.text, place=place,
                        date=_date(dates[0][0].get("date")) if dates else None,
                        span=self.rspan(p))

    def session(self, p: etree._Element) -> Session:
        inline = read_inline(p)
        fix = _fix(p)
        values: dict[str, Any] = {}
        for tag, key in (("legislature", "term"), ("session", "number")):
            if key in fix or f"{key}_raw" in fix:
                values[key], values[f"{key}_raw"] = fix.get(key), fix.get(f"{key}_raw")
                continue
            found = inline.of(tag)
            if found:
                element, start, end = found[0]
                values[key] = _int(element.get("value"))
                values[f"{key}_raw"] = inline.text[start:end]
            else:
                values[key] = values[f"{key}_raw"] = None
        kind: Any = p.get(n("kind"), "regular")
        return Session(raw=inline.text, kind=kind, span=self.rspan(p),
                       **values)

    # ------------------------------------------------------------------ preamble

    def cited(self, p: etree._Element, anchor: tuple[str, ...]
              ) -> tuple[str, tuple[CitedDocument, ...], tuple[FootnoteRef, ...]]:
        inline = read_inline(p)
        items = []
        for element, start, end in inline.of("ref"):
            fix = _fix(element)
            start, end = _position(fix, start, end)
            items.append((fix, CitedDocument(
                text=fix.get("text", _slice(inline.text, start, end)), start=start, end=end,
                document_kind=element.get(n("kind")), number=element.get(n("number")),
                date=_date(element.get(n("date"))), issuer=element.get(n("issuer")),
                name=element.get(n("name")))))
        return inline.text, tuple(_ordered(items)), self.refs(inline, anchor)

    def preamble(self) -> Preamble:
        preamble = self.main.find(q("preamble"))
        if preamble is None:
            return Preamble()
        bases, considerations = [], []
        for citation in preamble.iterfind(f"{{{AKN_NS}}}citations/{{{AKN_NS}}}citation"):
            text, cited, refs = self.cited(self._one(citation, "p"), ())
            bases.append(LegalBasis(text=text, citations=cited, footnote_refs=refs,
                                    span=self.rspan(citation)))
        for recital in preamble.iterfind(f"{{{AKN_NS}}}recitals/{{{AKN_NS}}}recital"):
            text, cited, refs = self.cited(self._one(recital, "p"), ())
            considerations.append(Consideration(text=text, citations=cited, footnote_refs=refs,
                                                span=self.rspan(recital)))
        enacting = None
        for formula in preamble.iterfind(q("formula")):
            if formula.get("name") == "enactingFormula":
                style: Any = formula.get(n("style"), "quyet-nghi")
                enacting = EnactingFormula(text=read_inline(formula.find(q("p"))).text,
                                           style=style,
                                           span=self.rspan(formula))
        return Preamble(legal_bases=tuple(bases), considerations=tuple(considerations),
                        enacting_formula=enacting)

    # ------------------------------------------------------------------ body

    def children(self, parent: etree._Element, path: tuple[str, ...]) -> tuple[Child, ...]:
        out: list[Child] = []
        for element in parent:
            local = _local(element)
            if not local or local in _NOT_CHILDREN:
                continue
            if local == "hcontainer":
                if element.get("name") == EMPTY_BODY:
                    continue
                kind = _HCONTAINER_KIND.get(element.get("name", ""))
            else:
                kind = _ELEMENT_KIND.get(local)
            if kind is None:
                raise SchemaError(f"line {element.sourceline}: unexpected AKN element {local}"
                                  f" in {_local(parent)}")
            out.append(self.node(element, kind, path))
        return tuple(out)

    def _content_p(self, element: etree._Element) -> etree._Element | None:
        return element.find(f"{{{AKN_NS}}}content/{{{AKN_NS}}}p")

    def node(self, element: etree._Element, kind: str, path: tuple[str, ...]) -> Child:
        span = self.rspan(element)
        if kind == "paragraph":
            inline = read_inline(self._content_p(element))
            return Paragraph(text=inline.text, footnote_refs=self.refs(inline, (*path, "")),
                             span=span)
        if kind == "unparsed":
            return Unparsed(text=read_inline(self._content_p(element)).text, span=span)
        if kind == "table":
            return self.table(self._one(self._one(element, "content"), "table"), span)
        label = read_inline(element.find(q("num"))).text
        fix = _fix(element)
        num = fix["num"] if "num" in fix else derive_num(kind, label)
        anchor = (*path, label)
        if kind == "indicator":
            inline = read_inline(self._content_p(element))
            return Indicator(num=num or "", label=label, text=inline.text,
                             targets=self.targets(inline), footnote_refs=self.refs(inline, anchor),
                             span=span)
        return self.provision(element, kind, num, label, anchor, span)

    def provision(self, element: etree._Element, kind: str, num: str | None, label: str,
                  anchor: tuple[str, ...], span: Span) -> Provision:
        heading_el = element.find(q("heading"))
        heading_inline = read_inline(heading_el) if heading_el is not None else None
        refs = self.refs(heading_inline, anchor) if heading_inline is not None else ()
        own = element.find(f"{{{AKN_NS}}}intro/{{{AKN_NS}}}p")
        if own is None:
            own = self._content_p(element)
        text = None
        if own is not None:
            inline = read_inline(own)
            text = None if own.get(n("absent")) == "true" else inline.text
            refs = (*refs, *self.refs(inline, anchor))
        children = list(self.children(element, anchor))
        wrap_up = element.find(q("wrapUp"))
        if wrap_up is not None:
            for p in wrap_up.iterfind(q("p")):
                inline = read_inline(p)
                children.append(Paragraph(text=inline.text,
                                          footnote_refs=self.refs(inline, (*anchor, "")),
                                          span=self.rspan(p)))
        return Provision(kind=kind, num=num, label=label,  # type: ignore[arg-type]
                         heading=heading_inline.text if heading_inline is not None else None,
                         text=text, footnote_refs=tuple(refs), children=tuple(children),
                         span=span)

    def targets(self, inline: _Inline) -> tuple[Target, ...]:
        items = []
        for element, start, end in inline.of("quantity"):
            fix = _fix(element)
            start, end = _position(fix, start, end)
            covered = _slice(inline.text, start, end)
            m = grammar.QUANTITY_TEXT.match(covered)
            raw: str = (m["raw"] or "") if m else ""
            unit: str | None = (m["unit"] or None) if m else None
            items.append((fix, Target(
                text=element.get(n("phrase"), ""), start=start, end=end,
                metric=element.get(n("metric")), comparator=element.get(n("comparator")),
                value=element.get("normalized", ""), value_raw=fix.get("value_raw", raw),
                unit=fix.get("unit", unit),
                reference=element.get(n("reference")))))
        return tuple(_ordered(items))

    def table(self, table: etree._Element, span: Span) -> Table:
        rows: list[tuple[str, ...]] = []
        header_rows = 0
        counting = True
        for tr in table.iterfind(q("tr")):
            if tr.get("class") == PLACEHOLDER:
                continue
            cells = [c for c in tr if _local(c) in ("th", "td")]
            is_header = bool(cells) and _local(cells[0]) == "th"
            if counting and is_header:
                header_rows += 1
            else:
                counting = False
            rows.append(tuple(read_inline(c.find(q("p"))).text for c in cells
                              if c.get("class") != PLACEHOLDER))
        caption = table.find(q("caption"))
        fix = _fix(table)
        return Table(rows=tuple(rows), header_rows=fix.get("header_rows", header_rows),
                     caption=read_inline(caption).text if caption is not None else None,
                     span=span)

    # ------------------------------------------------------------------ closing

    def closing(self, prop: etree._Element | None) -> Closing:
        effect = self.effect(prop)
        conclusions = self.main.find(q("conclusions"))
        if conclusions is None:
            return Closing(effect=effect)
        passing = signature = recipients = None
        other = []
        for element in conclusions:
            local, cls = _local(element), element.get("class")
            if local == "formula" and element.get("name") == "adoptionFormula":
                passing = self.passing(element)
            elif local == "p" and cls == "other":
                other.append(self.text_line(element))
            elif local == "blockContainer" and cls == "signature":
                signature = self.signature(element)
            elif local == "blockList" and cls == "recipients":
                recipients = self.recipients(element)
        return Closing(passing=passing, effect=effect, signature=signature,
                       recipients=recipients, other=tuple(other))

    def effect(self, prop: etree._Element | None) -> Effect | None:
        element = prop.find(n("effect")) if prop is not None else None
        if element is None:
            return None
        text = element.text or ""
        if element.get(n("escaped")) == "json":
            text = json.loads(text)
        return Effect(text=text, date=_date(element.get("date")),
                      rule=element.get("rule", "date"),  # type: ignore[arg-type]
                      days=_int(element.get("days")), span=self.rspan(element))

    def passing(self, formula: etree._Element) -> PassingClause:
        inline = read_inline(formula.find(q("p")))
        fix = _fix(formula)
        organizations = inline.of("organization")
        if "council" in fix:
            council = fix["council"]
        else:
            council = inline.text[organizations[0][1]:organizations[0][2]] \
                if organizations else None
        return PassingClause(
            text=inline.text, council=council, term=_int(formula.get(n("term"))),
            session=_int(formula.get(n("session"))),
            session_kind=formula.get(n("sessionKind")),  # type: ignore[arg-type]
            date=_date(formula.get(n("date"))), embedded=formula.get(n("embedded")) == "true",
            span=self.rspan(formula))

    def signature(self, container: etree._Element) -> Signature:
        element = container.find(f"{{{AKN_NS}}}p/{{{AKN_NS}}}signature")
        inline = read_inline(element)
        fix = _fix(element)
        found: dict[str, str | None] = dict.fromkeys(
            ("authority_prefix", "authority", "role", "signed_marker", "name"))
        for el, start, end in inline.ranges:
            local = _local(el)
            key = {"organization": "authority", "role": "role", "person": "name"}.get(local)
            if local == "inline":
                key = {"authorityPrefix": "authority_prefix",
                       "signedMarker": "signed_marker"}.get(el.get("name", ""))
            if key is not None and found[key] is None:
                found[key] = inline.text[start:end].replace("\n", " ")
        found.update({k: v for k, v in fix.items() if k in found})
        lines = tuple(fix["lines"]) if "lines" in fix else tuple(inline.text.split("\n"))
        return Signature(lines=lines, span=self.rspan(container), **found)

    def recipients(self, block: etree._Element) -> Recipients:
        heading = read_inline(block.find(q("listIntroduction"))).text
        concepts = [el for el in self.tlcs.values() if el.tag == q("TLCConcept")
                    and el.get("href", "").startswith(_PURPOSE_HREF)]
        index_of = {f"#{el.get('eId')}": g for g, el in enumerate(concepts)}
        entries: list[Recipient] = []
        covered: list[list[int]] = [[] for _ in concepts]
        for item in block.iterfind(q("item")):
            if item.get("class") == PLACEHOLDER:
                continue
            k = len(entries)
            groups = sorted(index_of[r] for r in item.get("refersTo", "").split()
                            if r in index_of)
            for g in groups:
                covered[g].append(k)
            fix = _fix(item)
            inline = read_inline(item.find(q("p")))
            organizations = inline.of("organization")
            if "text" in fix:
                text = fix["text"]
            else:
                text = inline.text[organizations[0][1]:organizations[0][2]] \
                    if organizations else ""
            derived = concepts[groups[0]].get("showAs") if groups else None
            entries.append(Recipient(
                text=text, raw=inline.text, purpose=fix.get("purpose", derived),
                archive=item.get("class") == "archive", span=self.rspan(item)))
        groups_out = []
        for g, concept in enumerate(concepts):
            purpose = concept.get("showAs", "")
            fix = _fix(concept)
            groups_out.append(RecipientGroup(
                purpose=purpose, raw=concept.get(n("raw"), derive_purpose_raw(purpose)),
                entries=tuple(fix.get("entries", covered[g]))))
        return Recipients(heading=heading, entries=tuple(entries), groups=tuple(groups_out),
                          span=self.rspan(block))

    # ------------------------------------------------------------------ attachments, notes

    def attachments(self) -> tuple[Attachment, ...]:
        out = []
        for wrapper in self.main.iterfind(f"{{{AKN_NS}}}attachments/{{{AKN_NS}}}attachment"):
            document = self._one(wrapper, "doc")
            preface = self._one(document, "preface")
            label_p = next((p for p in preface.iterfind(q("p")) if p.get("class") == "label"),
                           None)
            label = read_inline(label_p).text
            fix = _fix(label_p)
            title = preface.find(f"{{{AKN_NS}}}longTitle/{{{AKN_NS}}}p/{{{AKN_NS}}}docTitle")
            pointer = next((p for p in preface.iterfind(q("p")) if p.get("class") == "pointer"),
                           None)
            out.append(Attachment(
                kind=document.get("name", "annex"),  # type: ignore[arg-type]
                label=label, num=fix["num"] if "num" in fix else derive_attachment_num(label),
                title=read_inline(title).text if title is not None else None,
                pointer=read_inline(pointer).text if pointer is not None else None,
                children=self.children(self._one(document, "mainBody"), ()),
                span=self.rspan(wrapper)))
        return tuple(out)

    def loose_notes(self) -> None:
        for note in self.meta.iterfind(f"{{{AKN_NS}}}notes/{{{AKN_NS}}}note"):
            anchor = note.get(n("anchor"))
            self.footnotes[int(note.get(n("footnote"), "0")) - 1] = Footnote(
                label=note.get("marker", ""), text=read_inline(note.find(q("p"))).text,
                anchor=tuple(json.loads(anchor)) if anchor is not None else None,
                offset=_int(note.get(n("offset"))), span=self.rspan(note))


def from_akn(xml: bytes | str, *, max_bytes: int = DEFAULT_LIMITS.max_bytes,
             source: str = "") -> Resolution:
    """Build the model from an Akoma Ntoso document written by :func:`~nghiquyet.to_akn`.

    Example:
        >>> from nghiquyet import parse, to_akn  # doctest: +SKIP
        >>> doc = parse("NGHỊ QUYẾT\\nVề thử\\nĐiều 1. Thử.").document  # doctest: +SKIP
        >>> from_akn(to_akn(doc)).articles()[0].label  # doctest: +SKIP
        'Điều 1.'

    Raises:
        UnsafeInputError: a DOCTYPE, entity declarations or an external DTD (NQ108).
        LimitExceededError: more than ``max_bytes`` bytes (NQ105).
        CorruptDocumentError: not well-formed XML (NQ103).
        SchemaError: well-formed, but not an AKN document of this writer (NQ501).
    """
    if isinstance(xml, str):
        data = xml.encode("utf-8")
    elif isinstance(xml, (bytes, bytearray)):
        data = bytes(xml)
    else:
        raise TypeError(f"from_akn() takes bytes or str, not {type(xml).__name__}")
    root = parse_xml(data, max_bytes=max_bytes, source=source)
    if root.getroottree().docinfo.doctype:  # type: ignore[attr-defined]
        raise UnsafeInputError(source=source, detail="a DOCTYPE in an Akoma Ntoso document")
    try:
        return _Reader(root).read()
    except (ValueError, KeyError, TypeError) as exc:
        raise SchemaError(f"not an AKN document of this writer: {exc}") from exc
