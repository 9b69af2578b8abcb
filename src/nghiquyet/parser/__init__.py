"""Parse stage: :class:`~nghiquyet.source.SourceText` → :class:`ParseResult`.

Regions, in order: header (until the first "Căn cứ", "Xét", "QUYẾT NGHỊ" or "Điều"),
preamble (until the enacting formula), body, closing (passing clause, signature, recipients)
and attachments (Phụ lục, attached Quy định). Each region has its own stage module; the
named passes after building (footnotes, indicators, embedded passing clause and effect,
metadata fallbacks and checks) run on mutable drafts, which are frozen into the model last.
Nothing is dropped: every line lands in a node, and what fits nowhere is ``Unparsed``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal, cast

from nghiquyet import grammar
from nghiquyet.diagnostics import Diagnostic, Severity
from nghiquyet.model import (
    Attachment, Child, Closing, Consideration, EnactingFormula, Footnote, FootnoteRef, Header,
    Indicator, LegalBasis, Paragraph, Preamble, Provision, ProvisionKind, Resolution, SourceInfo,
    Table, TextRepair, Unparsed,
)
from nghiquyet.parser import body as body_stage
from nghiquyet.parser.body import Draft, build_tree, check_numbering, segment, walk
from nghiquyet.parser.citations import parse_citations
from nghiquyet.parser.closing import closing_starts, parse_closing, parse_effect, parse_passing
from nghiquyet.parser.footnotes import FoundNote, find_text_footnotes, link_glued_markers
from nghiquyet.parser.header import council_from, parse_header
from nghiquyet.parser.indicators import parse_targets
from nghiquyet.parser.lines import Doc, detect_wrapped, join_lines, reflow
from nghiquyet.source import Line, SourceText, Span, Zone


@dataclass(frozen=True, slots=True)
class ParseResult:
    """A parsed document and everything reported while reading and parsing it."""

    document: Resolution
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        """True when no diagnostic is an error."""
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


_PREAMBLE_STOP = (grammar.ARTICLE, grammar.CHAPTER, grammar.PART, grammar.SECTION)


def _find_pre_start(doc: Doc) -> int:
    for i, folded in enumerate(doc.folded):
        if doc.lines[i].zone in (Zone.HEADER_LEFT, Zone.HEADER_RIGHT):
            continue
        if (grammar.LEGAL_BASIS.match(folded) or grammar.CONSIDERATION.match(folded)
                or grammar.ENACTING_FORMULA.match(folded) or grammar.ENACTING_SENTENCE.match(folded)
                or any(p.match(folded) for p in _PREAMBLE_STOP)):
            return i
    for i, folded in enumerate(doc.folded):
        if grammar.DIVISION.match(folded) or grammar.CLAUSE.match(folded):
            return i
    return len(doc.lines)


def _preamble_continues(doc: Doc, i: int) -> bool:
    if doc.style_break(i):
        return False
    prev = doc.lines[i - 1].text
    open_end = not grammar.ends_sentence(prev)
    lower = grammar.starts_lower(doc.lines[i].text)
    if doc.blank_before(i):
        return open_end and lower
    return doc.wrapped or (open_end and lower)


def _parse_preamble(doc: Doc, start: int, end: int) -> tuple[Preamble, int]:
    """Read the preamble; return it and the index where the body starts."""
    units: list[tuple[str, list[int]]] = []
    enacted = False
    i = start
    while i < end:
        folded = doc.folded[i]
        if any(p.match(folded) for p in _PREAMBLE_STOP) or closing_starts(doc, i, end):
            break
        if grammar.ENACTING_FORMULA.match(folded):
            units.append(("enacting", [i]))
            i += 1
            enacted = True
            break
        if grammar.LEGAL_BASIS.match(folded):
            kind = "basis"
        elif grammar.CONSIDERATION.match(folded):
            kind = "consideration"
        elif grammar.ENACTING_SENTENCE.match(folded):
            kind = "sentence"
        else:
            kind = ""
        if not kind and units and i > start and _preamble_continues(doc, i):
            units[-1][1].append(i)
        elif not kind and (units and units[-1][0] == "sentence" or
                           grammar.DIVISION.match(folded) or grammar.CLAUSE.match(folded)):
            break
        else:
            units.append((kind or "consideration", [i]))
        i += 1
    bases: list[LegalBasis] = []
    considerations: list[Consideration] = []
    formula: EnactingFormula | None = None
    for kind, idx in units:
        joined = join_lines([doc.lines[k] for k in idx])
        span = doc.span(idx[0], idx[-1])
        refs = _refs(joined.markers)
        if kind == "enacting":
            m = grammar.ENACTING_FORMULA.match(doc.folded[idx[0]])
            text = joined.text.strip("* ")
            if m is not None and not m["colon"]:
                doc.diags.add("NQ208", span, text)
            formula = EnactingFormula(text=text, style="quyet-nghi", span=span)
        elif kind == "sentence" or (kind == "consideration" and not grammar.CONSIDERATION.match(
                doc.folded[idx[0]]) and grammar.ENACTING_SENTENCE.match(grammar.fold(joined.text))):
            formula = EnactingFormula(text=joined.text, style="sentence", span=span)
        elif kind == "basis":
            bases.append(LegalBasis(text=joined.text, citations=parse_citations(joined.text),
                                    footnote_refs=refs, span=span))
        else:
            considerations.append(Consideration(text=joined.text,
                                                citations=parse_citations(joined.text),
                                                footnote_refs=refs, span=span))
    if formula is None and i < end:
        doc.diags.add("NQ205", doc.lines[i].span if i < len(doc.lines) else None)
    del enacted
    return Preamble(legal_bases=tuple(bases), considerations=tuple(considerations),
                    enacting_formula=formula), i


def _refs(markers: list[tuple[int, str, str]]) -> tuple[FootnoteRef, ...]:
    return tuple(FootnoteRef(label=label, marker=raw, offset=offset)
                 for offset, label, raw in markers)


def _is_attachment_start(doc: Doc, i: int) -> bool:
    line = doc.lines[i]
    folded = doc.folded[i]
    if line.text.strip("* ") in ("Phụ", "PHỤ") and i + 1 < len(doc.lines):
        folded = folded.strip("* ") + " " + doc.folded[i + 1]
    m = grammar.ATTACHMENT.match(folded)
    if m is None:
        return False
    head = folded[: m.end("label")]
    if m["regulation"]:
        return i + 1 < len(doc.lines) and bool(grammar.ATTACHMENT_POINTER.match(doc.folded[i + 1]))
    return head.isupper() or bool(line.bold) or len(folded) < 24


def _freeze(draft: Draft, doc: Doc) -> Child:
    span = doc.span(draft.first, draft.last)
    if draft.kind == "paragraph":
        return Paragraph(text=draft.text or "", footnote_refs=_refs(draft.markers), span=span)
    if draft.kind == "table":
        return Table(rows=tuple(tuple(r) for r in draft.rows), header_rows=draft.header_rows,
                     span=span)
    if draft.kind == "unparsed":
        return Unparsed(text=draft.text or "", span=span)
    if draft.kind == "indicator":
        return Indicator(num=draft.num or "", label=draft.label, text=draft.text or "",
                         targets=draft.targets,
                         footnote_refs=_refs(draft.markers), span=span)
    kind = cast(ProvisionKind, draft.kind)  # the remaining kinds; pydantic checks the Literal
    return Provision(kind=kind, num=draft.num, label=draft.label,
                     heading=draft.heading, text=draft.text,
                     footnote_refs=_refs(draft.markers),
                     children=tuple(_freeze(c, doc) for c in draft.children), span=span)


def _mark_indicators(drafts: list[Draft], doc: Doc) -> None:
    """Items under a heading about indicators ("chỉ tiêu") become indicators with targets.

    An indicator has no children: whatever nested under it (a paragraph after the list)
    moves up to follow it in its parent.
    """
    lists: dict[int, bool] = {}  # id(parent) → does it introduce indicators?
    for draft, path in list(walk(drafts)):
        if draft.kind != "item" or not path:
            continue
        parent = path[-1]
        if id(parent) not in lists:
            intro = f"{parent.heading or ''} {parent.text or ''}"
            lists[id(parent)] = bool(grammar.INDICATOR_LIST.search(grammar.fold(intro)))
        if lists[id(parent)]:
            draft.kind = "indicator"
            if draft.children:
                at = parent.children.index(draft) + 1
                parent.children[at:at] = draft.children
                draft.children = []
            draft.targets = parse_targets(draft.text or "")
            if draft.text and not draft.targets:
                doc.diags.add("NQ304", doc.span(draft.first, draft.last), draft.text, num=draft.num)


def _body_texts(drafts: list[Draft]) -> list[tuple[Draft, str]]:
    return [(d, f"{d.heading or ''} {d.text or ''}".strip()) for d, _ in walk(drafts)]


def parse_source(source: SourceText) -> ParseResult:
    """Parse what a reader produced into a :class:`Resolution` and its diagnostics."""
    diags = source.diagnostics
    lines: list[Line] = reflow([ln for ln in source.lines if ln.zone is not Zone.FURNITURE], diags)
    notes: list[FoundNote] = []
    folded = grammar.fold("\n".join(ln.text for ln in lines)).split("\n")  # one pass
    if source.footnotes:
        notes = [FoundNote(fb.label, list(fb.lines), -1) for fb in source.footnotes]
    else:
        drop, notes = find_text_footnotes(lines, folded)
        if drop:
            dropped = set(drop)
            # a footnote body sat at a page bottom: the line after it continues the page before
            for k in drop:
                if k + 1 < len(lines) and k + 1 not in dropped and lines[k + 1].paragraph_start is None:
                    lines[k + 1] = lines[k + 1]._replace(paragraph_start=False)
            lines = [ln for k, ln in enumerate(lines) if k not in dropped]
            folded = [f for k, f in enumerate(folded) if k not in dropped]
    doc = Doc(lines, diags, folded)
    doc.wrapped = source.format != "text" or "markdown" in source.meta or detect_wrapped(lines)
    n = len(lines)

    pre_start = _find_pre_start(doc)
    header = parse_header(doc, 0, pre_start)
    preamble, body_start = _parse_preamble(doc, pre_start, n)

    closing_start = next((i for i in range(body_start, n) if closing_starts(doc, i, n)), None)
    search_from = closing_start if closing_start is not None else body_start
    att_start = next((i for i in range(search_from, n) if _is_attachment_start(doc, i)), n)
    if closing_start is not None and closing_start > att_start:
        closing_start = None
    body_end = closing_start if closing_start is not None else att_start

    drafts = build_tree(doc, segment(doc, body_start, body_end))
    closing = parse_closing(doc, closing_start, att_start) if closing_start is not None else Closing()
    attachments = _parse_attachments(doc, att_start, n)

    # --- passes -------------------------------------------------------------------------
    _mark_indicators(drafts, doc)
    footnotes = _resolve_footnotes(drafts, notes, doc)
    check_numbering(drafts, doc.diags.add, doc)
    closing = _embedded_closing(drafts, closing, doc)
    header = _fill_council(header, preamble, closing, doc)
    _check_missing(header, preamble, drafts, closing, doc, source)

    repairs = tuple(TextRepair(line=ln.span.line, page=ln.span.page, original=ln.original)
                    for ln in source.lines if ln.original is not None)
    info = SourceInfo(name=source.name, format=source.format, sha256=source.meta.get("sha256"),
                      pages=source.pages, repairs=repairs)
    document = Resolution(
        source=info, header=header, preamble=preamble,
        body=tuple(_freeze(d, doc) for d in drafts), closing=closing,
        attachments=attachments, footnotes=footnotes)
    return ParseResult(document, tuple(diags))


def _resolve_footnotes(drafts: list[Draft], notes: list[FoundNote], doc: Doc) -> tuple[Footnote, ...]:
    if not notes:
        for draft, _ in walk(drafts):
            labels = [label for _o, label, _r in draft.markers]
            labels += [m["label"] for m in grammar.BRACKET_MARKER.finditer(draft.text or "")]
            for label in labels:
                doc.diags.add("NQ301", doc.span(draft.first, draft.first), label=label)
        return ()
    linked = {}
    if any(note.position >= 0 for note in notes):
        linked = link_glued_markers(drafts, notes, doc)
    else:
        for draft, path in walk(drafts):
            for _o, label, _r in draft.markers:
                linked.setdefault(label, (draft, path))
    out: list[Footnote] = []
    for note in notes:
        if not note.lines:  # a reader's empty footnote body: nothing to keep
            continue
        text = join_lines(note.lines).text
        if note.position >= 0 and note.lines:
            first = note.lines[0]
            m = grammar.FOOTNOTE_BODY.match(first.text)
            if m is not None:
                text = text[m.start("text"):]
        span = note.lines[0].span.through(note.lines[-1].span)
        anchor = offset = None
        if note.label in linked:
            draft, path = linked[note.label]
            anchor = tuple(d.label for d in (*path, draft))
            offset = next((o for o, lb, _r in draft.markers if lb == note.label), None)
            doc.diags.add("NQ305", span, label=note.label)
        else:
            doc.diags.add("NQ302", span, text, label=note.label)
        out.append(Footnote(label=note.label, text=text, anchor=anchor, offset=offset,
                            span=span))
    return tuple(out)


def _embedded_closing(drafts: list[Draft], closing: Closing, doc: Doc) -> Closing:
    update: dict[str, object] = {}
    texts = _body_texts(drafts)
    if closing.passing is None:
        for draft, text in texts:
            # "qua" of "thông qua" is a cheap necessary condition (the fold never changes it)
            if "qua" in text.lower() and grammar.PASSING.search(grammar.fold(text)):
                passing = parse_passing(text, doc.span(draft.first, draft.last), embedded=True)
                if passing is not None:
                    update["passing"] = passing
    if closing.effect is None:
        for draft, text in texts:
            if "hiệu lực" not in text.lower():
                continue
            effect = parse_effect(text, doc.span(draft.first, draft.last))
            if effect is not None:
                update["effect"] = effect
                break
    return closing.model_copy(update=update) if update else closing


def _fill_council(header: Header, preamble: Preamble, closing: Closing, doc: Doc) -> Header:
    """Recover the council from the passing clause, running text or the date line."""
    if header.council is not None and header.council.locality:
        return header
    date = header.date_line.date if header.date_line else None
    candidates: list[tuple[str, str, Span | None]] = []
    if closing.passing is not None and closing.passing.council:
        candidates.append(("passing-clause", closing.passing.council, closing.passing.span))
    for basis in preamble.legal_bases:
        candidates.append(("preamble", basis.text, basis.span))
    for consideration in preamble.considerations:
        candidates.append(("preamble", consideration.text, consideration.span))
    if header.title is not None:
        candidates.append(("title", header.title.text, header.title.span))
    for evidence, text, span in candidates:
        m = grammar.COUNCIL_IN_TEXT.search(grammar.fold(text)) or \
            grammar.COUNCIL_IN_TEXT.search(grammar.fold("Hội đồng nhân dân " + text))
        if m is None:
            continue
        offset = len("Hội đồng nhân dân ") if not grammar.COUNCIL_IN_TEXT.search(grammar.fold(text)) else 0
        source_text = ("Hội đồng nhân dân " + text) if offset else text
        name = source_text[m.start(): m.end()]
        council = council_from(name, m["unit"], source_text[m.start("name"): m.end("name")],
                               evidence, span, date)
        doc.diags.add("NQ410", span, name, evidence=evidence.replace("-", " "))
        if header.council is not None:
            council = council.model_copy(update={"name": header.council.name,
                                                 "span": header.council.span})
        return header.model_copy(update={"council": council})
    if header.date_line is not None and header.date_line.place:
        from nghiquyet import gazetteer

        province = gazetteer.find_province(header.date_line.place, date)
        if province is not None:
            council = council_from(header.council.name if header.council else province.name,
                                   province.kind, province.short_name, "date-line",
                                   header.date_line.span, date)
            doc.diags.add("NQ410", header.date_line.span, header.date_line.raw, evidence="date line")
            return header.model_copy(update={"council": council})
    return header


def _check_missing(header: Header, preamble: Preamble, drafts: list[Draft], closing: Closing,
                   doc: Doc, source: SourceText) -> None:
    first = doc.lines[0].span if doc.lines else None
    if header.number is None:
        doc.diags.add("NQ402", first)
    if header.date_line is None:
        doc.diags.add("NQ401", first)
    if header.council is None:
        doc.diags.add("NQ403", first)
    if header.title is None:
        doc.diags.add("NQ404", first)
    if header.session is None and (closing.passing is None or closing.passing.session is None):
        doc.diags.add("NQ405", first)
    if header.document_type is not None and header.document_type.type != "resolution":
        doc.diags.add("NQ200", header.document_type.span, header.document_type.raw,
                      found=f"a {header.document_type.type} ({header.document_type.raw})")
    last = doc.lines[-1] if doc.lines else None
    if closing.signature is None:
        doc.diags.add("NQ406", last.span if last else None)
    if closing.recipients is None:
        doc.diags.add("NQ407", last.span if last else None)
    if closing.passing is None:
        doc.diags.add("NQ411", last.span if last else None)
    if last is not None and closing.signature is None and not grammar.ends_sentence(last.text):
        doc.diags.add("NQ207", last.span, last.text)
    if not drafts and not header.title:
        doc.diags.add("NQ212", first)
    if drafts and not any(d.kind == "article" for d, _ in walk(drafts)):
        doc.diags.add("NQ206", doc.span(drafts[0].first, drafts[0].first))
    del source


def _parse_attachments(doc: Doc, start: int, end: int) -> tuple[Attachment, ...]:
    starts = [i for i in range(start, end) if _is_attachment_start(doc, i)]
    out: list[Attachment] = []
    for n, first in enumerate(starts):
        last = starts[n + 1] if n + 1 < len(starts) else end
        label_lines = [first]
        folded = doc.folded[first]
        if doc.lines[first].text.strip("* ") in ("Phụ", "PHỤ") and first + 1 < last:
            label_lines.append(first + 1)
            folded = folded.strip("* ") + " " + doc.folded[first + 1]
        m = grammar.ATTACHMENT.match(folded)
        kind: Literal["annex", "regulation"] = \
            "regulation" if m is not None and m["regulation"] else "annex"
        label = join_lines([doc.lines[k] for k in label_lines]).text
        i = label_lines[-1] + 1
        title: list[int] = []
        pointer: list[int] = []
        while i < last:
            f = doc.folded[i]
            if grammar.ATTACHMENT_POINTER.match(f) or (pointer and not pointer_closed(doc, pointer)):
                pointer.append(i)
                i += 1
                continue
            if pointer or body_stage.classify(doc, i)[0] != "text" or title and not (
                    doc.lines[i].text.isupper() or doc.lines[i].bold) or len(title) > 6:
                break
            if not (doc.lines[i].text.isupper() or doc.lines[i].bold or not title):
                break
            title.append(i)
            i += 1
        children = build_tree(doc, segment(doc, i, last)) if i < last else []
        _mark_indicators(children, doc)
        doc.diags.add("NQ210", doc.lines[first].span, label, what=kind)
        out.append(Attachment(
            kind=kind, label=label, num=m["num"] if m is not None and m["num"] else None,
            title=join_lines([doc.lines[k] for k in title]).text if title else None,
            pointer=join_lines([doc.lines[k] for k in pointer]).text if pointer else None,
            children=tuple(_freeze(c, doc) for c in children),
            span=doc.span(first, last - 1)))
    return tuple(out)


def pointer_closed(doc: Doc, pointer: list[int]) -> bool:
    text = join_lines([doc.lines[k] for k in pointer]).text.rstrip("*_ ")
    return text.endswith(")") or len(pointer) > 3


def source_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
