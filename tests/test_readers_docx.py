"""DOCX reader: the seed rendering, Word features built in small packages, hostile packages."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from nghiquyet.errors import (
    CorruptDocumentError, EmptyInputError, EncryptedDocumentError, LimitExceededError, ReaderError,
    UnsafeInputError, UnsupportedFormatError,
)
from nghiquyet.limits import Limits
from nghiquyet.readers import read_bytes
from nghiquyet.readers.docx import OLE_MAGIC, read_docx
from nghiquyet.source import Line, SourceText, Zone

NQ15 = Path(__file__).parent / "fixtures" / "docx" / "nq15_hd.docx"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def make_docx(body: str, *, footnotes: str | None = None, endnotes: str | None = None,
              numbering: str | None = None, styles: str | None = None,
              document: str | None = None, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal WordprocessingML package around ``body`` (the children of ``w:body``)."""
    parts: dict[str, str] = {}
    rels = []
    for name, content, kind in (("footnotes.xml", footnotes, "footnotes"),
                                ("endnotes.xml", endnotes, "endnotes"),
                                ("numbering.xml", numbering, "numbering"),
                                ("styles.xml", styles, "styles")):
        if content is not None:
            root = {"footnotes": "w:footnotes", "endnotes": "w:endnotes",
                    "numbering": "w:numbering", "styles": "w:styles"}[kind]
            parts[f"word/{name}"] = f'<{root} xmlns:w="{W_NS}">{content}</{root}>'
            rels.append(f'<Relationship Id="r{kind}" Type="{REL}/{kind}" Target="{name}"/>')
    parts["word/document.xml"] = document or (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}" xmlns:mc="{MC_NS}"><w:body>{body}</w:body></w:document>')
    parts["word/_rels/document.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels) + "</Relationships>")
    parts["_rels/.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
        "</Relationships>")
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return buffer.getvalue()


def p(*runs: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{''.join(runs)}</w:p>"


def r(text: str, rpr: str = "") -> str:
    props = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


def texts(source: SourceText, zone: Zone | None = None) -> list[str]:
    return [line.text for line in source.lines if zone is None or line.zone is zone]


def line_of(source: SourceText, start: str) -> Line:
    return next(line for line in source.lines if line.text.startswith(start))


# --------------------------------------------------------------------------- the seed rendering


@pytest.fixture(scope="module")
def nq15() -> SourceText:
    if not NQ15.exists():
        pytest.skip("tests/fixtures/docx/nq15_hd.docx is absent")
    return read_docx(NQ15.read_bytes(), NQ15.name)


def test_nq15_header_cells_separated(nq15: SourceText) -> None:
    assert nq15.format == "docx"
    assert texts(nq15, Zone.HEADER_LEFT) == [
        "HỘI ĐỒNG NHÂN DÂN", "TỈNH HẢI DƯƠNG", "Số: 15/NQ-HĐND"]
    assert texts(nq15, Zone.HEADER_RIGHT) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Hải Dương, ngày 08 tháng 12 năm 2023"]
    zones = [line.zone for line in nq15.lines[:6]]
    assert zones == [Zone.HEADER_LEFT] * 3 + [Zone.HEADER_RIGHT] * 3
    assert nq15.lines[6].text == "NGHỊ QUYẾT" and nq15.lines[6].zone is Zone.BODY


def test_nq15_footnotes_linked(nq15: SourceText) -> None:
    assert [note.label for note in nq15.footnotes] == ["1", "2"]
    first, second = nq15.footnotes
    assert first.lines[0].text.startswith("Mục tiêu đến năm 2025: phấn đấu xây dựng 390.669m2")
    assert second.lines[0].text.startswith("Bãi rác phường Cộng Hòa, thành phố Chí Linh")
    assert all(line.zone is Zone.FOOTNOTE for note in nq15.footnotes for line in note.lines)
    marked = [line for line in nq15.lines if line.markers]
    assert [m.label for line in marked for m in line.markers] == ["1", "2"]
    one, two = marked
    assert one.text[:one.markers[0].offset].endswith("2023-2030")
    assert one.text[one.markers[0].offset:].startswith(". Thực hiện")
    assert two.text[:two.markers[0].offset].endswith("của tỉnh")
    assert two.text[two.markers[0].offset:].startswith(". Quản lý")
    body = "\n".join(texts(nq15))
    assert "Bãi rác phường" not in body and "Mục tiêu đến năm 2025" not in body


def test_nq15_recipients_then_signature(nq15: SourceText) -> None:
    recipients = texts(nq15, Zone.RECIPIENTS)
    assert recipients[0] == "Nơi nhận:" and recipients[-1] == "- Lưu VT."
    assert len(recipients) == 16
    assert "- Bộ Kế hoạch và Đầu tư; (để báo cáo)" in recipients
    assert texts(nq15, Zone.SIGNATURE) == ["CHỦ TỊCH", "Lê Văn Hiệu"]
    zones = [line.zone for line in nq15.lines]
    assert zones[-18:] == [Zone.RECIPIENTS] * 16 + [Zone.SIGNATURE] * 2


def test_nq15_evidence_and_numbering(nq15: SourceText) -> None:
    title = line_of(nq15, "NGHỊ QUYẾT")
    assert (title.bold, title.italic, title.size) == (True, False, 14.0)
    assert line_of(nq15, "Căn cứ Luật").italic is True
    assert line_of(nq15, "Hải Dương, ngày").italic is True
    assert line_of(nq15, "Nơi nhận:").bold is True
    assert line_of(nq15, "- Thủ tướng").size == 11.0
    assert line_of(nq15, "Điều 2.").bold is False  # "Điều 2." bold, the rest not: a minority
    assert all(line.paragraph_start for line in nq15.lines)
    body = [line.span.line for line in nq15.lines if line.zone is Zone.BODY]
    assert body == sorted(body) and len(set(body)) == len(body)
    assert "NQ130" in [d.code for d in nq15.diagnostics]  # the page-number header
    assert any(d.code == "NQ122" for d in nq15.diagnostics)  # the seed's "Ð"


def test_nq15_fixture_is_the_shared_rendering() -> None:
    shared = Path("/work/shared/fixtures-pdf/nq15_hd.docx")
    if not (shared.exists() and NQ15.exists()):
        pytest.skip("shared rendering absent")
    assert shared.read_bytes() == NQ15.read_bytes()


def test_nq15_parses(nq15: SourceText) -> None:
    from nghiquyet import parse_source

    document = parse_source(nq15).document
    assert document.header.number.raw == "15/NQ-HĐND"
    assert str(document.header.date_line.date) == "2023-12-08"
    assert len(document.footnotes) == 2
    dumped = document.model_dump(mode="json")

    def count(node: object, kind: str) -> int:
        if isinstance(node, dict):
            return (node.get("kind") == kind) + sum(count(v, kind) for v in node.values())
        if isinstance(node, list):
            return sum(count(v, kind) for v in node)
        return 0

    assert count(dumped, "article") == 3


# --------------------------------------------------------------------------- Word features


def test_header_and_signature_tables() -> None:
    cell = "<w:tc>{}</w:tc>"
    header = ("<w:tbl><w:tr>" + cell.format(p(r("HỘI ĐỒNG NHÂN DÂN")) + p(r("TỈNH VÍ DỤ")))
              + cell.format(p(r("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
                            + p(r("Độc lập - Tự do - Hạnh phúc"))) + "</w:tr><w:tr>"
              + cell.format(p(r("Số: 3/NQ-HĐND")))
              + cell.format(p(r("Ví Dụ, ngày 1 tháng 2 năm 2024"))) + "</w:tr></w:tbl>")
    closing = ("<w:tbl><w:tr>" + cell.format(p(r("TM. HỘI ĐỒNG NHÂN DÂN")) + p(r("CHỦ TỊCH")))
               + cell.format(p(r("Nơi nhận:")) + p(r("- Lưu: VT."))) + "</w:tr></w:tbl>")
    source = read_docx(make_docx(header + p(r("NGHỊ QUYẾT")) + closing), "x.docx")
    assert texts(source) == [
        "HỘI ĐỒNG NHÂN DÂN", "TỈNH VÍ DỤ", "Số: 3/NQ-HĐND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Ví Dụ, ngày 1 tháng 2 năm 2024", "NGHỊ QUYẾT",
        "Nơi nhận:", "- Lưu: VT.", "TM. HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH"]  # recipients first
    assert [line.zone for line in source.lines][-4:] == [
        Zone.RECIPIENTS, Zone.RECIPIENTS, Zone.SIGNATURE, Zone.SIGNATURE]


def test_data_table_as_markdown() -> None:
    def tc(text: str, tcpr: str = "") -> str:
        props = f"<w:tcPr>{tcpr}</w:tcPr>" if tcpr else ""
        return f"<w:tc>{props}{p(r(text)) if text else p()}</w:tc>"
    head = "<w:tr><w:trPr><w:tblHeader/></w:trPr>"
    table = (
        "<w:tbl>"
        + head + tc("TT") + tc("Chỉ tiêu") + tc("Năm 2024") + "</w:tr>"
        + head + tc("") + tc("") + tc("(%)") + "</w:tr>"
        "<w:tr>" + tc("1", '<w:vMerge w:val="restart"/>') + tc("GRDP | tăng") + tc("9,0")
        + "</w:tr>"
        "<w:tr>" + tc("", "<w:vMerge/>") + tc("Ghi chú", '<w:gridSpan w:val="2"/>') + "</w:tr>"
        "</w:tbl>")
    source = read_docx(make_docx(table), "x.docx")
    assert texts(source) == [
        "| TT | Chỉ tiêu | Năm 2024 |",
        "| | | (%) |",
        "| --- | --- | --- |",
        "| 1 | GRDP \\| tăng | 9,0 |",
        "| | Ghi chú | |",
    ]


def test_footnote_and_endnote_references() -> None:
    body = p(r("Một"), '<w:r><w:footnoteReference w:id="5"/></w:r>', r(" hai"),
             '<w:r><w:footnoteReference w:customMarkFollows="1" w:id="6"/><w:t>*</w:t></w:r>',
             r(" ba"), '<w:r><w:endnoteReference w:id="2"/></w:r>', r("."))
    footnotes = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="5"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
        'Chú thích năm.</w:t></w:r></w:p><w:p><w:r><w:t>Đoạn hai.</w:t></w:r></w:p></w:footnote>'
        '<w:footnote w:id="6"><w:p><w:r><w:t>Chú thích sao.</w:t></w:r></w:p></w:footnote>'
        '<w:footnote w:id="7"><w:p><w:r><w:t>Không ai trỏ tới.</w:t></w:r></w:p></w:footnote>')
    endnotes = '<w:endnote w:id="2"><w:p><w:r><w:t>Chú thích cuối.</w:t></w:r></w:p></w:endnote>'
    source = read_docx(make_docx(body, footnotes=footnotes, endnotes=endnotes), "x.docx")
    line = source.lines[0]
    assert line.text == "Một hai ba."
    assert [(m.offset, m.label) for m in line.markers] == [(3, "1"), (7, "*"), (10, "i")]
    assert [(n.label, [ln.text for ln in n.lines]) for n in source.footnotes] == [
        ("1", ["Chú thích năm.", "Đoạn hai."]), ("*", ["Chú thích sao."]),
        ("i", ["Chú thích cuối."])]


def test_automatic_numbering() -> None:
    numbering = (
        '<w:abstractNum w:abstractNumId="0">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="Điều %1."/><w:suff w:val="space"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
        '<w:lvlText w:val="%2)"/></w:lvl>'
        '</w:abstractNum>'
        '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/>'
        '<w:lvlText w:val="\uf0b7"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>')
    styles = ('<w:style w:type="paragraph" w:styleId="Dieu"><w:pPr><w:numPr><w:numId w:val="1"/>'
              '</w:numPr></w:pPr><w:rPr><w:b/></w:rPr></w:style>')

    def item(level: int, text: str) -> str:
        return p(r(text), ppr=f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="1"/></w:numPr>')

    body = (p(r("Phạm vi"), ppr='<w:pStyle w:val="Dieu"/>') + item(1, "một") + item(1, "hai")
            + p(r("Đối tượng"), ppr='<w:pStyle w:val="Dieu"/>') + item(1, "ba")
            + p(r("gạch"), ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>'))
    source = read_docx(make_docx(body, numbering=numbering, styles=styles), "x.docx")
    assert texts(source) == ["Điều 1. Phạm vi", "a) một", "b) hai", "Điều 2. Đối tượng", "a) ba",
                             "• gạch"]
    assert source.lines[0].bold is True and source.lines[1].bold is False


def test_style_inheritance_and_direct_formatting() -> None:
    styles = (
        '<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="26"/></w:rPr></w:rPrDefault>'
        "</w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:rPr><w:sz w:val="28"/>'
        '</w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Base"><w:rPr><w:b/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading"><w:basedOn w:val="Base"/><w:rPr>'
        '<w:caps/></w:rPr></w:style>'
        '<w:style w:type="character" w:styleId="Em"><w:rPr><w:i/></w:rPr></w:style>')
    body = (p(r("tiêu đề"), ppr='<w:pStyle w:val="Heading"/>')
            + p(r("nghiêng", '<w:rStyle w:val="Em"/>'))
            + p(r("không đậm", '<w:b w:val="0"/>'), ppr='<w:pStyle w:val="Heading"/>')
            + p(r("ẩn", "<w:vanish/>"), r("hiện")))
    source = read_docx(make_docx(body, styles=styles), "x.docx")
    assert [(ln.text, ln.bold, ln.italic, ln.size) for ln in source.lines] == [
        ("TIÊU ĐỀ", True, False, 13.0), ("nghiêng", False, True, 14.0),
        ("KHÔNG ĐẬM", False, False, 13.0), ("hiện", False, False, 14.0)]


def test_breaks_fields_changes_and_controls() -> None:
    body = (p(r("Dòng một"), "<w:r><w:br/></w:r>", r("Dòng hai"), "<w:r><w:br/><w:br/></w:r>",
              r("Dòng ba"))
            + p('<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                '<w:r><w:instrText> PAGE </w:instrText></w:r>',
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', r("Trang 7"),
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
                '<w:fldSimple w:instr=" DATE ">' + r(" hôm nay") + "</w:fldSimple>")
            + p(r("Giữ "), '<w:ins w:id="1" w:author="A">' + r("thêm ") + "</w:ins>",
                '<w:del w:id="2" w:author="A"><w:r><w:delText>bỏ </w:delText></w:r></w:del>',
                r("cuối"))
            + '<w:sdt><w:sdtContent>' + p(r("Trong ô nội dung")) + "</w:sdtContent></w:sdt>"
            + p(r("A"), '<w:r><w:tab/><w:tab/><w:t>B</w:t><w:noBreakHyphen/><w:t>C</w:t></w:r>',
                '<w:r><w:sym w:font="Symbol" w:char="F02D"/></w:r>'))
    source = read_docx(make_docx(body), "x.docx")
    assert [(ln.text, ln.paragraph_start) for ln in source.lines] == [
        ("Dòng một", True), ("Dòng hai", False), ("Dòng ba", True), ("Trang 7 hôm nay", True),
        ("Giữ thêm cuối", True), ("Trong ô nội dung", True), ("A B-C-", True)]
    lines = [ln.span.line for ln in source.lines]
    assert lines == [1, 2, 4, 5, 6, 7, 8]  # the empty line between "hai" and "ba" counts
    assert [d.code for d in source.diagnostics] == ["NQ142"]


def test_text_box_read_once_after_its_paragraph() -> None:
    box = p(r("Trong hộp"))
    drawing = (f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx '
               f'xmlns:wps="urn:x-wps"><w:txbxContent>{box}</w:txbxContent></wps:txbx></w:drawing>'
               f'</mc:Choice><mc:Fallback><w:pict><w:txbxContent>{box}</w:txbxContent></w:pict>'
               f'</mc:Fallback></mc:AlternateContent></w:r>')
    source = read_docx(make_docx(p(r("Neo"), drawing) + p(r("Sau"))), "x.docx")
    assert texts(source) == ["Neo", "Trong hộp", "Sau"]
    assert "NQ141" in [d.code for d in source.diagnostics]


def test_read_bytes_dispatches_docx() -> None:
    source = read_bytes(make_docx(p(r("Điều 1. Nội dung."))), "x.docx")
    assert source.format == "docx" and texts(source) == ["Điều 1. Nội dung."]


# --------------------------------------------------------------------------- refusals


def test_old_doc_is_nq107(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(OLE_MAGIC + b"\x00" * 504 + b"WordDocument")
    with pytest.raises(UnsupportedFormatError) as info:
        read_docx(path.read_bytes(), path.name)
    assert info.value.code == "NQ107"
    with pytest.raises(UnsupportedFormatError) as info:
        read_bytes(path.read_bytes(), path.name)
    assert info.value.code == "NQ107"


def test_encrypted_docx_is_nq102() -> None:
    data = OLE_MAGIC + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100
    with pytest.raises(EncryptedDocumentError):
        read_docx(data, "secret.docx")


def test_zip_bomb_refused(tmp_path: Path) -> None:
    document = ('<w:document xmlns:w="' + W_NS + '"><w:body>'
                + " " * (40 * 1024 * 1024) + "</w:body></w:document>")
    path = tmp_path / "bomb.docx"
    path.write_bytes(make_docx("", document=document))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(LimitExceededError) as info:
        read_docx(path.read_bytes(), path.name)
    assert info.value.code == "NQ105"
    assert "compression ratio" in str(info.value)


def test_unpacked_size_limit() -> None:
    data = make_docx(p(r("Điều 1. " + "nội dung " * 200)))
    with pytest.raises(LimitExceededError):
        read_docx(data, "x.docx", limits=Limits(max_unpacked_bytes=1000))


def test_lying_member_size_refused(tmp_path: Path) -> None:
    """A member that unpacks to more than its header declares is refused while reading."""
    data = bytearray(make_docx(p(r("Điều 1. " + "nội dung " * 500))))
    name = b"word/document.xml"
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30:local + 30 + name_length] == name:
            struct.pack_into("<I", data, local + 22, 100)  # uncompressed size
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_length] == name:
            struct.pack_into("<I", data, central + 24, 100)
        central = data.find(b"PK\x01\x02", central + 4)
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(ReaderError) as info:
        read_docx(path.read_bytes(), path.name)
    assert info.value.code in ("NQ105", "NQ103")


def test_xxe_in_document_refused() -> None:
    document = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM '
                f'"file:///etc/passwd">]><w:document xmlns:w="{W_NS}"><w:body>'
                f"{p(r('&xxe;'))}</w:body></w:document>")
    with pytest.raises(UnsafeInputError) as info:
        read_docx(make_docx("", document=document), "x.docx")
    assert info.value.code == "NQ108"


def test_not_a_package() -> None:
    with pytest.raises(EmptyInputError):
        read_docx(b"", "x.docx")
    with pytest.raises(CorruptDocumentError):
        read_docx(b"PK\x03\x04 truncated", "x.docx")
    with pytest.raises(CorruptDocumentError):
        read_docx(b"hello", "x.docx")
    with pytest.raises(UnsupportedFormatError) as info:
        read_docx(b"{\\rtf1\\ansi hello}", "x.docx")
    assert info.value.code == "NQ104"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("other.txt", "x")
    with pytest.raises(CorruptDocumentError):
        read_docx(buffer.getvalue(), "x.docx")


def test_document_without_text_is_empty() -> None:
    with pytest.raises(EmptyInputError):
        read_docx(make_docx(p() + p(r("   "))), "x.docx")
