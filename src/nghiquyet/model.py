"""Model stage: the pydantic v2 contract for a parsed resolution.

JSON and Akoma Ntoso are two writers of this one model; the model knows nothing of either
format. Every node keeps its :class:`~nghiquyet.source.Span`. Values parsed from the text
(dates, numbers, targets) sit beside the text as printed; numbers are decimal strings, never
floats. Identifiers are English; class docstrings start with the Vietnamese term.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import ModuleType
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from nghiquyet.source import Span

SCHEMA_VERSION = "1.0"
"""Version of the JSON shape. The loader rejects an unknown major version."""


class Node(BaseModel):
    """Base of every model class: frozen, no extra keys.

    Field docstrings become the JSON Schema's descriptions through :func:`field_docstrings`,
    read when the schema is made; pydantic's ``use_attribute_docstrings`` would read the
    source of every class at import, which more than doubled the import time (and every batch
    worker pays the import).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


def field_docstrings(*modules: ModuleType) -> dict[str, dict[str, str]]:
    """Class name → field name → the docstring under the field, for the classes of
    ``modules`` (each parsed once; the same reading as pydantic's attribute docstrings)."""
    import ast
    import inspect

    docs: dict[str, dict[str, str]] = {}
    for module in modules:
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if not isinstance(node, ast.ClassDef):
                continue
            fields = docs.setdefault(node.name, {})
            for target, after in zip(node.body, node.body[1:], strict=False):
                if (isinstance(target, ast.AnnAssign) and isinstance(target.target, ast.Name)
                        and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                        and isinstance(after.value.value, str)):
                    fields[target.target.id] = inspect.cleandoc(after.value.value)
    return docs


# --------------------------------------------------------------------------- inline parts


class FootnoteRef(Node):
    """Dấu chú thích: where a footnote marker stands in a node's text."""

    label: str
    """The footnote's number ("1")."""
    marker: str
    """The marker as printed in the text ("1", "[1]")."""
    offset: int
    """Character offset right after the word the marker follows, in the node's ``text`` (in
    its ``heading`` when the node has no text)."""


class CitedDocument(Node):
    """Văn bản được viện dẫn: a document cited in a legal basis or consideration."""

    text: str
    """The citation as printed (a fragment of the paragraph)."""
    start: int
    """Offset of ``text`` in the paragraph's text."""
    end: int
    """End offset of ``text`` in the paragraph's text."""
    document_kind: str | None = None
    """Kind of document as printed: "Luật", "Nghị định", "Báo cáo", "Tờ trình" …"""
    number: str | None = None
    """Number and symbol, normalised ("216/BC-UBND", "80/2015/QH13")."""
    date: dt.date | None = None
    """Date of the cited document."""
    issuer: str | None = None
    """Issuing body as printed ("Ủy ban nhân dân tỉnh")."""
    name: str | None = None
    """Name or subject of the cited document, where given."""


class Target(Node):
    """Chỉ tiêu cụ thể: one parsed target inside an indicator."""

    text: str
    """The phrase the target was read from."""
    start: int
    """Offset of the value in the indicator's text."""
    end: int
    """End offset of the value (with its unit, when one follows)."""
    metric: str | None = None
    """What is measured ("Tổng sản phẩm trên địa bàn", "Mầm non")."""
    comparator: str | None = None
    """Comparator word(s) as printed: "đạt", "tăng trên", "còn", "dưới" …"""
    value: str
    """Value as a decimal string ("16.8", "184123"); Vietnamese "16,8" is 16.8."""
    value_raw: str
    """Value as printed ("16,8")."""
    unit: str | None = None
    """Unit as printed ("%", "triệu đồng", "giường/01 vạn dân")."""
    reference: str | None = None
    """Basis of comparison ("so với dự toán", "so với thực hiện năm 2023")."""


# --------------------------------------------------------------------------- body nodes


ProvisionKind = Literal[
    "part", "chapter", "section", "subsection", "article",
    "division", "clause", "subclause", "point", "item", "bullet",
]


class Provision(Node):
    """Đơn vị nội dung: a numbered or bulleted unit at any level.

    Kinds: part (Phần), chapter (Chương), section (Mục), subsection (Tiểu mục), article
    (Điều), division (Roman "I."), clause (khoản "1."), subclause (decimal "1.1."), point
    (điểm "a)"), item (parenthesised "(1)"), bullet ("-", "+").
    """

    kind: ProvisionKind
    """Level of the unit."""
    num: str | None = None
    """Normalised number: "5", "5a", "II", "1.1", "đ"; None for bullets."""
    label: str
    """The number as printed, with its punctuation: "Điều 5.", "II.", "1.1.", "đ)", "-"."""
    heading: str | None = None
    """Name of the unit (Điều 5. Phạm vi điều chỉnh → "Phạm vi điều chỉnh")."""
    text: str | None = None
    """The unit's own text after label and heading (its intro when it has children)."""
    footnote_refs: tuple[FootnoteRef, ...] = ()
    """Footnote markers in ``text``."""
    children: tuple[Child, ...] = ()
    """Nested units, paragraphs and tables, in document order."""
    span: Span
    """Source position of the unit (label line to last own line)."""


class Paragraph(Node):
    """Đoạn văn: a paragraph without a number."""

    kind: Literal["paragraph"] = "paragraph"
    text: str
    """Paragraph text, lines joined."""
    footnote_refs: tuple[FootnoteRef, ...] = ()
    """Footnote markers in ``text``."""
    span: Span
    """Source position."""


class Indicator(Node):
    """Chỉ tiêu: a numbered indicator with its target values."""

    kind: Literal["indicator"] = "indicator"
    num: str
    """Ordinal ("1")."""
    label: str
    """Ordinal as printed ("(1)")."""
    text: str
    """Full text of the indicator."""
    targets: tuple[Target, ...] = ()
    """Parsed targets, in text order."""
    footnote_refs: tuple[FootnoteRef, ...] = ()
    """Footnote markers in ``text``."""
    span: Span
    """Source position."""


class Table(Node):
    """Bảng: a table, as rows of cell texts."""

    kind: Literal["table"] = "table"
    rows: tuple[tuple[str, ...], ...]
    """Rows of cells; the first ``header_rows`` rows are headings."""
    header_rows: int = 0
    """How many leading rows are column headings."""
    caption: str | None = None
    """Caption or unit line ("Đơn vị tính: triệu đồng"), when attached."""
    span: Span
    """Source position."""


class Unparsed(Node):
    """Nội dung chưa xác định: text the parser could not place (see diagnostic NQ201)."""

    kind: Literal["unparsed"] = "unparsed"
    text: str
    """The text as read."""
    span: Span
    """Source position."""


Child = Annotated[Union[Provision, Paragraph, Indicator, Table, Unparsed],
                  Field(discriminator="kind")]


# --------------------------------------------------------------------------- header


class TextLine(Node):
    """Dòng văn bản: a printed line kept as it is (national title, motto, rules …)."""

    text: str
    """The text as printed."""
    span: Span
    """Source position."""


SessionKind = Literal["regular", "thematic", "extraordinary"]
"""Kind of council session: regular, chuyên đề (thematic), bất thường (extraordinary)."""
Level = Literal["tỉnh", "huyện", "xã"]
"""Administrative level of a council."""


class Council(Node):
    """Hội đồng nhân dân: the issuing council."""

    name: str
    """Full name as printed, lines joined ("HỘI ĐỒNG NHÂN DÂN TỈNH HẢI DƯƠNG")."""
    level: Level | None = None
    """Administrative level: tỉnh (province or centrally-run city), huyện, xã."""
    unit: str | None = None
    """Unit word as printed, lower case: "tỉnh", "thành phố", "quận", "huyện", "xã" …"""
    locality: str | None = None
    """Locality name in title case, without the unit word ("Hải Dương")."""
    province_id: str | None = None
    """Gazetteer id of the province (of the council or the one it lies in)."""
    evidence: str
    """Where the council was read: "header", "council-line", "passing-clause", "date-line",
    "title", "signature"."""
    span: Span | None = None
    """Source position of the evidence."""


class DocumentNumber(Node):
    """Số, ký hiệu: the document number and symbol."""

    label: str = "Số:"
    """The word before the number as printed ("Số:", "Số :")."""
    raw: str
    """As printed after "Số:" ("15/NQ-HĐND", "09/2006/ NQ-HĐND")."""
    sequence: str | None = None
    """Sequence number as printed ("09", "30c"); None when left blank in a draft."""
    year: int | None = None
    """Year in the number (normative documents only)."""
    type_symbol: str | None = None
    """Document type symbol ("NQ")."""
    issuer_symbol: str | None = None
    """Issuer symbol, normalised ("HĐND")."""
    symbol: str
    """The whole symbol normalised: Ð→Đ, dashes → "-", spaces removed ("NQ-HĐND")."""
    normalised: str
    """The full number normalised ("09/2006/NQ-HĐND")."""
    normative: bool
    """True when the number carries a year (a legal normative document, VBQPPL)."""
    span: Span
    """Source position."""


class DateLine(Node):
    """Địa danh và thời gian ban hành: place and date in the header."""

    raw: str
    """As printed ("Hải Dương, ngày 08 tháng 12 năm 2023")."""
    place: str | None = None
    """Place name as printed."""
    date: dt.date | None = None
    """The date; None when blank or impossible."""
    span: Span
    """Source position."""


class Title(Node):
    """Tên gọi / trích yếu: the resolution's title."""

    text: str
    """Title lines joined with single spaces, as printed."""
    lines: tuple[str, ...]
    """The title's lines as printed."""
    span: Span
    """Source position."""


class DocumentType(Node):
    """Tên loại văn bản: the document type line ("NGHỊ QUYẾT")."""

    raw: str
    """As printed."""
    type: str
    """"resolution", or another type when the document is not a resolution."""
    span: Span | None = None
    """Source position."""


class Session(Node):
    """Khóa, kỳ họp: the council's term and session."""

    raw: str
    """The line as printed."""
    term: int | None = None
    """Term (khóa) as an integer (XVII → 17)."""
    term_raw: str | None = None
    """Term as printed ("XVII")."""
    number: int | None = None
    """Session number (kỳ họp thứ 19 → 19; "thứ Mười chín" → 19)."""
    number_raw: str | None = None
    """Session number as printed."""
    kind: SessionKind = "regular"
    """"thematic" for chuyên đề, "extraordinary" for bất thường."""
    span: Span
    """Source position."""


class Header(Node):
    """Phần đầu: everything before the preamble."""

    national_title: TextLine | None = None
    """Quốc hiệu ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")."""
    motto: TextLine | None = None
    """Tiêu ngữ ("Độc lập - Tự do - Hạnh phúc")."""
    council: Council | None = None
    """The issuing council."""
    number: DocumentNumber | None = None
    """Số, ký hiệu."""
    date_line: DateLine | None = None
    """Place and date."""
    document_type: DocumentType | None = None
    """Document type line."""
    title: Title | None = None
    """Title."""
    session: Session | None = None
    """Council line with term and session."""
    other: tuple[TextLine, ...] = ()
    """Other header lines as printed (the council's name lines, rules, extra dates)."""


# --------------------------------------------------------------------------- preamble


class LegalBasis(Node):
    """Căn cứ: one legal basis."""

    text: str
    """The paragraph as printed."""
    citations: tuple[CitedDocument, ...] = ()
    """Documents it cites."""
    footnote_refs: tuple[FootnoteRef, ...] = ()
    """Footnote markers in ``text``."""
    span: Span
    """Source position."""


class Consideration(Node):
    """Xét / Theo đề nghị / Sau khi xem xét: a consideration."""

    text: str
    """The paragraph as printed."""
    citations: tuple[CitedDocument, ...] = ()
    """Documents it cites."""
    footnote_refs: tuple[FootnoteRef, ...] = ()
    """Footnote markers in ``text``."""
    span: Span
    """Source position."""


class EnactingFormula(Node):
    """Lời ban hành: "QUYẾT NGHỊ:" or the 2025 sentence form."""

    text: str
    """As printed."""
    style: Literal["quyet-nghi", "sentence"]
    """"quyet-nghi" for the separate line, "sentence" for "Hội đồng nhân dân … ban hành …"."""
    span: Span
    """Source position."""


class Preamble(Node):
    """Phần mở đầu: legal bases, considerations and the enacting formula."""

    legal_bases: tuple[LegalBasis, ...] = ()
    """Căn cứ paragraphs, in order."""
    considerations: tuple[Consideration, ...] = ()
    """Xét … paragraphs, in order."""
    enacting_formula: EnactingFormula | None = None
    """The enacting formula."""


# --------------------------------------------------------------------------- closing


class PassingClause(Node):
    """Điều khoản thông qua: "Nghị quyết này được Hội đồng nhân dân … thông qua ngày …"."""

    text: str
    """As printed."""
    council: str | None = None
    """Council as named in the clause ("tỉnh Hải Dương")."""
    term: int | None = None
    """Term (khóa) as an integer."""
    session: int | None = None
    """Session number."""
    session_kind: SessionKind | None = None
    """Kind of session, when stated."""
    date: dt.date | None = None
    """Passing date."""
    embedded: bool = False
    """True when the clause is part of an article's text (then ``text`` is a copy of it)."""
    span: Span
    """Source position."""


class Effect(Node):
    """Hiệu lực: when the resolution takes effect, as stated."""

    text: str
    """The phrase as printed ("có hiệu lực từ ngày 01 tháng 01 năm 2024")."""
    date: dt.date | None = None
    """Effective date, when absolute or derivable."""
    rule: Literal["date", "on-passing", "on-signing", "after-days"]
    """How the date is given."""
    days: int | None = None
    """For "after-days": number of days after passing."""
    span: Span
    """Source position."""


class Signature(Node):
    """Chữ ký: authority, role and name of the signer."""

    authority_prefix: str | None = None
    """"TM.", "KT.", "Q.", "TL.", "TUQ." as printed ("T/M." kept)."""
    authority: str | None = None
    """The body signed for ("HỘI ĐỒNG NHÂN DÂN")."""
    role: str | None = None
    """Role ("CHỦ TỊCH", "PHÓ CHỦ TỊCH")."""
    name: str | None = None
    """Signer's name."""
    signed_marker: str | None = None
    """"(Đã ký)" or similar, as printed."""
    lines: tuple[str, ...] = ()
    """The block's lines as printed."""
    span: Span
    """Source position."""


class Recipient(Node):
    """Nơi nhận: one recipient entry."""

    text: str
    """Entry text without its bullet and final ";" ("Thủ tướng Chính phủ")."""
    raw: str
    """The entry as printed."""
    purpose: str | None = None
    """Purpose group that covers it ("để báo cáo")."""
    archive: bool = False
    """True for the archive entry ("Lưu: VT")."""
    span: Span
    """Source position."""


class RecipientGroup(Node):
    """A purpose note such as "(để báo cáo)" and the entries it covers."""

    purpose: str
    """As printed without brackets ("để báo cáo")."""
    raw: str
    """As printed ("(để báo cáo)")."""
    entries: tuple[int, ...]
    """Indexes of the covered entries in ``Recipients.entries``."""


class Recipients(Node):
    """Nơi nhận: the recipients list."""

    heading: str
    """As printed ("Nơi nhận:")."""
    entries: tuple[Recipient, ...] = ()
    """The entries in order, the archive entry included."""
    groups: tuple[RecipientGroup, ...] = ()
    """Purpose groups."""
    span: Span
    """Source position."""


class Closing(Node):
    """Phần kết: passing clause, effect, signature and recipients."""

    passing: PassingClause | None = None
    """The passing clause."""
    effect: Effect | None = None
    """When the resolution takes effect, if stated."""
    signature: Signature | None = None
    """The signature block."""
    recipients: Recipients | None = None
    """Nơi nhận."""
    other: tuple[TextLine, ...] = ()
    """Other closing lines as printed (digital-signature stamps, end marks)."""


# --------------------------------------------------------------------------- attachments


class Attachment(Node):
    """Phụ lục / Quy định ban hành kèm theo: an annex or an attached regulation."""

    kind: Literal["annex", "regulation"]
    """"annex" (Phụ lục) or "regulation" (Quy định/Quy chế with its own articles)."""
    label: str
    """Heading line as printed ("Phụ lục I", "QUY ĐỊNH")."""
    num: str | None = None
    """Number of the annex ("I", "01"), if any."""
    title: str | None = None
    """Title lines joined."""
    pointer: str | None = None
    """"(Kèm theo Nghị quyết số …)" as printed."""
    children: tuple[Child, ...] = ()
    """Content; a regulation's Điều numbering restarts at 1."""
    span: Span
    """Source position."""


class Footnote(Node):
    """Chú thích: a footnote with the place of its marker."""

    label: str
    """Number as printed."""
    text: str
    """Footnote text."""
    anchor: tuple[str, ...] | None = None
    """Labels of the nodes leading to the marker ("Điều 1.", "II.", "3.", "3.5."); None when
    no marker was found."""
    offset: int | None = None
    """Offset of the marker in the anchor node's text."""
    span: Span
    """Source position of the footnote body."""


class TextRepair(Node):
    """A line the reader changed while normalising, with its original text."""

    line: int
    """Line number (1-based)."""
    page: int | None = None
    """Page, when known."""
    original: str
    """The line as read."""


class SourceInfo(Node):
    """Where the document came from."""

    name: str
    """File name (without directories) or "<text>"."""
    format: str
    """Input format: "text", "pdf", "html", "docx"."""
    sha256: str | None = None
    """SHA-256 of the input bytes, when read from a file."""
    pages: int | None = None
    """Number of pages, for paged inputs."""
    repairs: tuple[TextRepair, ...] = ()
    """Lines changed by normalisation, with their original text."""


class Resolution(Node):
    """Nghị quyết: a resolution of a People's Council (Hội đồng nhân dân)."""

    schema_version: str = SCHEMA_VERSION
    """Version of this JSON shape."""
    source: SourceInfo
    """Input facts."""
    header: Header = Header()
    """Header block."""
    preamble: Preamble = Preamble()
    """Legal bases, considerations, enacting formula."""
    body: tuple[Child, ...] = ()
    """Parts, chapters, sections and articles (or items, for bodies without Điều)."""
    closing: Closing = Closing()
    """Passing clause, signature, recipients."""
    attachments: tuple[Attachment, ...] = ()
    """Annexes and attached regulations."""
    footnotes: tuple[Footnote, ...] = ()
    """Footnotes, in label order."""

    # -------------------------------------------------------------- convenience queries

    def articles(self) -> tuple[Provision, ...]:
        """The resolution's own articles (not those of attached regulations)."""
        return tuple(n for n in _iter(self.body) if isinstance(n, Provision)
                     and n.kind == "article")

    def indicators(self) -> tuple[Indicator, ...]:
        """All indicators, in document order."""
        return tuple(n for n in _iter(self.body) if isinstance(n, Indicator))


def _iter(nodes: tuple[Child, ...]) -> Iterator[Child]:
    for node in nodes:
        yield node
        if isinstance(node, Provision):
            yield from _iter(node.children)


def iter_nodes(doc: Resolution) -> Iterator[Child]:
    """Every body node then every attachment node, depth first, in document order."""
    yield from _iter(doc.body)
    for attachment in doc.attachments:
        yield from _iter(attachment.children)


Provision.model_rebuild()
