"""Header stage: lines before the preamble → :class:`~nghiquyet.model.Header`.

The official header is a two-column table (issuing body and number left; national title,
motto, place and date right), then the document type, the title, and the council line with
term and session. Copies flatten the table in many ways — cells separated by "|", one cell per
line, cells broken inside words ("HỘI ĐỒNG NHÂN" / "DÂN") — so the header is read as *pieces*
(cells split at rules and "|"), and up to three consecutive pieces are joined when that
completes a known construct.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import regex

from nghiquyet import grammar
from nghiquyet.model import (
    Council, DateLine, DocumentNumber, DocumentType, Header, Level, Session, SessionKind,
    TextLine, Title,
)
from nghiquyet.parser.lines import Doc
from nghiquyet.parser.values import make_date, roman_to_int, title_case, words_to_int
from nghiquyet.source import Span, Zone


@dataclass(slots=True)
class Piece:
    text: str
    folded: str
    index: int
    """Index of the source line."""
    joinable: bool
    """May be joined with the next piece (same cell, no blank line between)."""


_COLUMNS = (Zone.HEADER_LEFT, Zone.HEADER_RIGHT)


def _same_cell(doc: Doc, i: int, j: int) -> bool:
    """Lines i and j stand in one header cell: the same column, or no blank line between."""
    a, b = doc.lines[i], doc.lines[j]
    if a.zone in _COLUMNS or b.zone in _COLUMNS:
        return a.zone == b.zone
    if a.span.page != b.span.page:
        return False
    return b.span.line == (a.span.end_line or a.span.line) + 1


@dataclass(slots=True)
class CouncilCandidate:
    """A council named in the header (pieces as printed, unit and locality read from them)."""

    pieces: list[Piece]
    unit: str | None
    name: str | None
    rest: str | None
    """Term and session printed on the same line, if any."""
    in_header: bool

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.pieces)

    def text_without_rest(self) -> str:
        """The council's name as printed, without the term and session that follow it."""
        text = self.text
        if self.rest and text.endswith(self.rest):
            text = text[: len(text) - len(self.rest)].rstrip()
        return text

    def span(self, doc: Doc) -> Span:
        return doc.span(self.pieces[0].index, self.pieces[-1].index)


def _pieces(doc: Doc, start: int, end: int) -> list[Piece]:
    pieces: list[Piece] = []
    for i in range(start, end):
        text, folded = doc.lines[i].text, doc.folded[i]
        if grammar.RULE_LINE.match(text):
            pieces.append(Piece(text, folded, i, False))
            continue
        if "|" in text:
            parts = [p for p in grammar.CELL_SEPARATOR.split(text) if p.strip()]
            fparts = [p for p in grammar.CELL_SEPARATOR.split(folded) if p.strip()]
            for part, fpart in zip(parts, fparts, strict=False):
                pieces.append(Piece(part, fpart, i, False))
            continue
        glued_rule = grammar.TRAILING_RULE.search(text)
        rule_text = ""
        if glued_rule:
            rule_text = text[glued_rule.start():].strip()
            text, folded = text[: glued_rule.start()], folded[: glued_rule.start()]
        next_blank = i + 1 >= end or not _same_cell(doc, i, i + 1)
        pieces.append(Piece(text, folded, i, not glued_rule and not next_blank))
        if rule_text:  # "TỈNH AN GIANG--------": the rule is kept as a line of its own
            pieces.append(Piece(rule_text, rule_text, i, False))
    return pieces


def _whole(m: regex.Match[str], folded: str) -> bool:
    return not folded[m.end():].strip(" -_|")  # nothing but a rule after it


_HEADER_RULES: tuple[tuple[str, regex.Pattern[str],
                           Callable[[regex.Match[str], str], bool]], ...] = (
    # (kind, pattern, does the match count — and is it complete), first match wins
    ("national_title", grammar.NATIONAL_TITLE, _whole),
    ("motto", grammar.MOTTO, _whole),
    ("number", grammar.NUMBER, lambda m, f: True),
    ("date_line", grammar.DATE_LINE, lambda m, f: True),
    ("other", grammar.DATE_PAREN, lambda m, f: True),
    ("council", grammar.COUNCIL, lambda m, f: True),
    ("document_type", grammar.DOCUMENT_TYPE, lambda m, f: True),
    ("session", grammar.SESSION_LINE, lambda m, f: True),
    ("locality", grammar.LOCALITY, lambda m, f: f.isupper()),
)


def _classify(folded: str) -> tuple[str, regex.Match[str] | None, bool]:
    """Return (kind, match, complete) for a header text; a council is complete once it names
    its locality ("HỘI ĐỒNG NHÂN DÂN" alone waits for the next piece)."""
    for kind, pattern, accept in _HEADER_RULES:
        m = pattern.match(folded)
        if m is not None and accept(m, folded):
            return kind, m, kind != "council" or bool(m["name"])
    return "text", None, False


def parse_session(raw: str, folded: str, span: Span) -> Session | None:
    """Term and session from a council line ("KHOÁ XVII, KỲ HỌP THỨ 19")."""
    term_m = grammar.TERM.search(folded)
    session_m = grammar.SESSION.search(folded)
    kind_m = grammar.SESSION_KIND.search(folded)
    term_raw = term_m["term"] if term_m else None
    term = roman_to_int(term_raw) if term_raw else None
    number_raw = session_m["num"] if session_m and session_m["num"] else None
    number: int | None = None
    if number_raw:
        number = int(number_raw) if number_raw.isdigit() else words_to_int(number_raw)
        assert session_m is not None  # number_raw came from it
        number_raw = raw[session_m.start("num"): session_m.end("num")].strip()
    kind: SessionKind = "regular"
    if kind_m:
        kind = "thematic" if kind_m["thematic"] else "extraordinary"
    if term is None and number is None:
        return None
    return Session(raw=raw, term=term, term_raw=term_raw, number=number,
                   number_raw=number_raw, kind=kind, span=span)


def council_from(name: str, unit: str | None, locality: str | None, evidence: str,
                 span: Span | None, on: dt.date | None) -> Council:
    """Build a Council, resolving level and locality with the province gazetteer."""
    from nghiquyet import gazetteer

    unit_l = " ".join(unit.lower().split()) if unit else None
    level: Level | None = None
    province_id: str | None = None
    clean = locality.strip(" ,.-") if locality else None
    if unit_l in ("tỉnh", "thành phố", "tp.", "tp"):
        province = gazetteer.find_province(clean, on) if clean else None
        if province is None and clean:
            province = gazetteer.find_province(clean, None)
        if province is not None:
            level, province_id, clean = "tỉnh", province.id, province.short_name
        elif unit_l == "tỉnh":
            level = "tỉnh"
        else:
            level = "huyện"
    elif unit_l in ("huyện", "quận", "thị xã"):
        level = "huyện"
    elif unit_l in ("xã", "phường", "thị trấn", "đặc khu"):
        level = "xã"
    if unit_l in ("tp.", "tp"):
        unit_l = "thành phố"
    if clean and level != "tỉnh":
        clean = title_case(clean)
    return Council(name=name, level=level, unit=unit_l, locality=clean,
                   province_id=province_id, evidence=evidence, span=span)


def parse_header(doc: Doc, start: int, end: int) -> Header:
    """Read the header block of lines ``[start, end)``."""
    pieces = _pieces(doc, start, end)
    found: dict[str, TextLine | DocumentNumber | DateLine | DocumentType] = {}
    other: list[TextLine] = []
    title_lines: list[Piece] = []
    in_title = False
    councils: list[CouncilCandidate] = []
    session_raw: list[tuple[str, str, Span, bool]] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        kind, match, complete = _classify(piece.folded)
        used = 1
        # join up to three pieces of one cell when that completes a construct
        if not complete and piece.joinable:
            for k in (2, 3):
                group = pieces[i: i + k]
                if len(group) < k or not all(p.joinable for p in group[:-1]):
                    break
                folded = " ".join(p.folded for p in group)
                k_kind, k_match, k_complete = _classify(folded)
                if k_complete and k_kind != "text" and (kind == "text" or k_kind == kind):
                    kind, match, complete, used = k_kind, k_match, True, k
                    break
        group = pieces[i: i + used]
        text = " ".join(p.text for p in group)
        folded = " ".join(p.folded for p in group)
        span = doc.span(group[0].index, group[-1].index)
        i += used
        if in_title and kind in ("text", "locality", "other") and not grammar.RULE_LINE.match(text):
            title_lines.extend(group)
            continue
        if in_title and kind != "text":
            in_title = False
        if kind == "national_title" and "national_title" not in found:
            found["national_title"] = TextLine(text=text, span=span)
        elif kind == "motto" and "motto" not in found:
            found["motto"] = TextLine(text=text, span=span)
        elif kind == "number" and "number" not in found and match is not None:
            found["number"] = _number(text, match, span, doc)
        elif kind == "date_line" and "date_line" not in found and match is not None:
            date = make_date(match["d"], match["m"], match["y"])
            if match["d"] and match["m"] and date is None:
                doc.diags.add("NQ408", span, text, raw=text)
            found["date_line"] = DateLine(raw=text, place=text[: match.end("place")].strip(),
                                          date=date, span=span)
        elif kind == "document_type" and "document_type" not in found and match is not None:
            type_word = " ".join(match["type"].split())
            found["document_type"] = DocumentType(
                raw=text, type=grammar.DOCUMENT_TYPES.get(type_word, "other"), span=span)
            in_title = True
        elif kind == "council" and match is not None:
            # the issuing body in the header, and again on the council line under the title
            councils.append(CouncilCandidate(group, match["unit"], match["name"], match["rest"],
                                             "document_type" not in found))
            if match["rest"]:
                session_raw.append((text, folded, span, True))
        elif kind == "locality" and councils and not councils[-1].name and match is not None:
            # "HỘI ĐỒNG NHÂN DÂN" / "TỈNH LÀO CAI": the locality completes the council
            councils[-1].pieces.extend(group)
            councils[-1].unit, councils[-1].name = match["unit"], match["name"]
        elif kind == "session":
            session_raw.append((text, folded, span, False))
        else:
            other.append(TextLine(text=text, span=span))

    header = Header.model_validate(found)  # keys are Header fields; values already built
    updates: dict[str, object] = {}
    if title_lines:
        updates["title"] = Title(text=" ".join(p.text for p in title_lines),
                                 lines=tuple(p.text for p in title_lines),
                                 span=doc.span(title_lines[0].index, title_lines[-1].index))
    date = header.date_line.date if header.date_line else None
    # the council: the first that names its locality (the header's, else the council line's)
    chosen = next((c for c in councils if c.name), councils[0] if councils else None)
    for candidate in councils:
        if candidate is not chosen:
            other.append(TextLine(text=candidate.text, span=candidate.span(doc)))
    if chosen is not None:
        evidence = "header" if chosen.in_header else "council-line"
        updates["council"] = council_from(chosen.text_without_rest(), chosen.unit, chosen.name,
                                          evidence, chosen.span(doc), date)
    for raw, folded, span, stored in session_raw:
        session = parse_session(raw, folded, span)
        if session is not None and "session" not in updates:
            updates["session"] = session
        elif not stored:  # a council line with its session is kept as the council already
            other.append(TextLine(text=raw, span=span))
    updates["other"] = tuple(sorted(other, key=lambda t: (t.span.page or 0, t.span.line)))
    return header.model_copy(update=updates)


def _number(text: str, m: regex.Match[str], span: Span, doc: Doc) -> DocumentNumber:
    raw = text[m.start("raw"): m.end("raw")]
    symbol = "".join(m["sym"].replace("–", "-").replace("Ð", "Đ").split())
    parts = symbol.split("-", 1)
    year = int(m["year"]) if m["year"] else None
    sequence = m["seq"]
    normalised = "/".join(x for x in (sequence or "", str(year) if year else None, symbol)
                          if x is not None)
    if sequence is None or " " in raw:
        doc.diags.add("NQ413", span, text, raw=raw)
    return DocumentNumber(label=text[: m.start("raw")].strip(), raw=raw, sequence=sequence, year=year, type_symbol=parts[0] or None,
                          issuer_symbol=parts[1] if len(parts) > 1 else None, symbol=symbol,
                          normalised=normalised, normative=year is not None, span=span)
