"""HTML reader: container detection, zones, tables, footnotes and evidence on portal pages.

The fixtures under ``tests/fixtures/html`` are pages the project wrote itself, shaped like the
portals' pages (thuvienphapluat "content1" with a Word-exported body, vbpl "toanvancontent",
luatvietnam "the-document-body", a blog without a known container, a hostile page).
"""

from __future__ import annotations

import socket
import unicodedata
from pathlib import Path

import pytest

from nghiquyet.errors import EmptyInputError, LimitExceededError
from nghiquyet.limits import Limits
from nghiquyet.readers import read_bytes
from nghiquyet.readers.html import read_html
from nghiquyet.source import Line, SourceText, Zone

FIXTURES = Path(__file__).parent / "fixtures" / "html"
PORTAL_PAGE = Path(__file__).parent.parent / "corpus" / "hai-duong" / "2023-nq15-portal.html"
"""The portal page modelled on thuvienphapluat.vn lives in corpus/ (the main job converts it)."""


def read_fixture(name: str) -> SourceText:
    path = PORTAL_PAGE if name == "tvpl-hai-duong-15.html" else FIXTURES / name
    return read_html(path.read_bytes(), name)


def texts(source: SourceText, zone: Zone | None = None) -> list[str]:
    return [line.text for line in source.lines if zone is None or line.zone is zone]


def line_of(source: SourceText, start: str) -> Line:
    return next(line for line in source.lines if line.text.startswith(start))


def page(body: str, head: str = '<meta charset="utf-8">') -> bytes:
    return (f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>").encode()


# --------------------------------------------------------------------------- thuvienphapluat-like


@pytest.fixture(scope="module")
def tvpl() -> SourceText:
    return read_fixture("tvpl-hai-duong-15.html")


def test_tvpl_container_and_chrome(tvpl: SourceText) -> None:
    assert tvpl.format == "html"
    assert tvpl.meta["container"] == "div.content1"
    everything = "\n".join(texts(tvpl))
    for chrome in ("Trang chủ", "Văn bản pháp luật", "Tìm", "Số hiệu", "Loại văn bản",
                   "Ngày ban hành", "Văn bản liên quan", "Nghị quyết 12/NQ-HĐND",
                   "Phạm vi điều chỉnh", "Chủ quản", "Đăng ký gói", "dataLayer", "Thuộc tính"):
        assert chrome not in everything
    codes = [d.code for d in tvpl.diagnostics]
    assert codes.count("NQ130") == 2  # chrome around the container; the advert inside it


def test_tvpl_header_zones_column_by_column(tvpl: SourceText) -> None:
    assert texts(tvpl, Zone.HEADER_LEFT) == [
        "HỘI ĐỒNG NHÂN DÂN", "TỈNH HẢI DƯƠNG", "-------", "Số: 15/NQ-HĐND"]
    assert texts(tvpl, Zone.HEADER_RIGHT) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "---------------",
        "Hải Dương, ngày 08 tháng 12 năm 2023"]
    zones = [line.zone for line in tvpl.lines]
    assert zones[:8] == [Zone.HEADER_LEFT] * 4 + [Zone.HEADER_RIGHT] * 4
    assert zones[8] is Zone.BODY
    assert tvpl.lines[8].text == "NGHỊ QUYẾT"


def test_tvpl_breaks_and_paragraph_starts(tvpl: SourceText) -> None:
    council = line_of(tvpl, "HỘI ĐỒNG NHÂN DÂN TỈNH HẢI DƯƠNG")
    session = line_of(tvpl, "KHÓA XVII, KỲ HỌP THỨ 19")
    assert council.paragraph_start is True
    assert session.paragraph_start is False  # after <br> in the same <p>
    assert line_of(tvpl, "Căn cứ Luật").paragraph_start is True


def test_tvpl_source_lines(tvpl: SourceText) -> None:
    raw = PORTAL_PAGE.read_text(encoding="utf-8").splitlines()
    for start in ("QUYẾT NGHỊ:", "Nghị quyết này được", "Căn cứ Luật"):
        line = line_of(tvpl, start)
        assert start in raw[line.span.line - 1]


def test_tvpl_evidence(tvpl: SourceText) -> None:
    assert line_of(tvpl, "NGHỊ QUYẾT").bold is True
    assert line_of(tvpl, "NGHỊ QUYẾT").size == 12.0
    assert line_of(tvpl, "Căn cứ Luật").italic is True
    assert line_of(tvpl, "Hải Dương, ngày").italic is True
    plain = line_of(tvpl, "Điều 2.")
    assert plain.bold is None and plain.italic is None  # HTML: only positive evidence


def test_tvpl_data_table(tvpl: SourceText) -> None:
    body = texts(tvpl, Zone.BODY)
    start = body.index("| TT | Chỉ tiêu | Đơn vị | Kế hoạch năm 2024 |")
    assert body[start + 1:start + 6] == [
        "| --- | --- | --- | --- |",
        "| 1 | Tốc độ tăng trưởng GRDP | % | 9,0 |",
        "| 2 | Tỷ lệ đô thị hóa | % | 41,5 |",
        "| 3 | Tỷ lệ hộ nghèo (theo chuẩn nghèo đa chiều) | % | giảm 0,2 |",
        "| | Trong đó: khu vực nông thôn giảm 0,3 | | |",  # rowspan above, colspan here
    ]


def test_tvpl_footnotes(tvpl: SourceText) -> None:
    assert [note.label for note in tvpl.footnotes] == ["1", "2"]
    first, second = tvpl.footnotes
    assert [line.text for line in first.lines] == [
        "Mục tiêu đến năm 2025: phấn đấu xây dựng 390.669m2 sàn xây dựng, tương đương khoảng "
        "5.860 căn hộ;", "đến năm 2030: xây dựng khoảng 1.171.473m2."]
    assert all(line.zone is Zone.FOOTNOTE for line in first.lines)
    assert second.lines[0].text.startswith("Bãi rác phường Cộng Hòa")
    marked = [line for line in tvpl.lines if line.markers]
    assert len(marked) == 2
    one, two = marked
    assert one.markers[0].label == "1"
    assert one.text[:one.markers[0].offset].endswith("giai đoạn 2023-2030")
    assert one.text[one.markers[0].offset:].startswith(". Thực hiện")
    assert two.text[:two.markers[0].offset].endswith("của tỉnh")
    everything = "\n".join(texts(tvpl))
    assert "[1]" not in everything and "[2]" not in everything
    assert "Bãi rác" not in everything and "Mục tiêu đến năm 2025" not in everything


def test_tvpl_recipients_then_signature(tvpl: SourceText) -> None:
    assert texts(tvpl, Zone.RECIPIENTS) == [
        "Nơi nhận:", "- Ủy ban TV Quốc hội;", "- Thủ tướng Chính phủ;",
        "- Bộ Kế hoạch và Đầu tư; (để báo cáo)", "- Thường trực HĐND, UBND, UB MTTQ tỉnh;",
        "- Các đại biểu HĐND tỉnh;", "- Lưu: VT."]
    assert texts(tvpl, Zone.SIGNATURE) == ["CHỦ TỊCH", "Lê Văn Hiệu"]
    assert line_of(tvpl, "Lê Văn Hiệu").paragraph_start is True  # after the blank <br>s
    zones = [line.zone for line in tvpl.lines]
    last_recipient = max(i for i, z in enumerate(zones) if z is Zone.RECIPIENTS)
    first_signature = zones.index(Zone.SIGNATURE)
    assert last_recipient < first_signature == len(zones) - 2
    assert tvpl.lines[-1].text == "Lê Văn Hiệu"


# --------------------------------------------------------------------------- other portal shapes


def test_vbpl_toanvan() -> None:
    source = read_fixture("vbpl-toanvan.html")
    assert source.meta["container"] == "div#toanvancontent.toanvancontent"
    assert texts(source, Zone.HEADER_LEFT) == [
        "HỘI ĐỒNG NHÂN DÂN", "HUYỆN VÍ DỤ", "_______", "Số: 07/NQ-HĐND"]
    assert texts(source, Zone.HEADER_RIGHT)[-1] == "Ví Dụ, ngày 15 tháng 7 năm 2024"
    assert texts(source, Zone.SIGNATURE) == [
        "TM. HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH", "(Đã ký)", "Trần Văn Mẫu"]
    assert texts(source, Zone.RECIPIENTS)[0] == "Nơi nhận:"
    body = texts(source, Zone.BODY)
    assert "| STT | Tên đường | Điểm đầu | Điểm cuối | Chiều dài (m) |" in body
    assert body[body.index("| STT | Tên đường | Điểm đầu | Điểm cuối | Chiều dài (m) |") + 1] \
        == "| --- | --- | --- | --- | --- |"
    everything = "\n".join(texts(source))
    assert "Cơ quan ban hành" not in everything and "Danh mục" not in everything
    assert "Văn bản cùng lĩnh vực" not in everything


def test_luatvietnam_like_page() -> None:
    source = read_fixture("lv-the-document-body.html")
    assert source.meta["container"] == "div.the-document-body.noidungtracuu"
    # the header table sits inside a one-cell layout table
    assert texts(source, Zone.HEADER_LEFT) == [
        "HỘI ĐỒNG NHÂN DÂN", "TỈNH VÍ DỤ", "Số: 21/2024/NQ-HĐND"]
    assert "Đang theo dõi" not in "\n".join(texts(source))
    line = line_of(source, "Nghị quyết này quy định")
    assert line.text.endswith("trên địa bàn tỉnh.")  # "t<span>ỉ</span>nh" stays one word
    assert line.text[:line.markers[0].offset].endswith("tổ dân phố")
    assert [(n.label, n.lines[0].text) for n in source.footnotes] == [
        ("1", "Tổ dân phố theo quy định tại Thông tư số 04/2012/TT-BNV."),
        ("2", "Mức chi đã bao gồm thù lao của tổ trưởng.")]  # back-links "↩" dropped
    assert texts(source, Zone.SIGNATURE) == ["CHỦ TỊCH", "Nguyễn Thị Mẫu"]


def test_container_found_without_a_known_class() -> None:
    source = read_fixture("blog-no-container.html")
    assert source.meta["container"] == "div.post-inner"
    all_text = texts(source)
    assert all_text[0] == "HỘI ĐỒNG NHÂN DÂN"
    assert all_text[-1] == "Phạm Văn Mẫu"
    assert "Mục lục bài viết" not in all_text and "Bình luận của bạn" not in all_text
    assert all_text.count("Điều 1. Đối tượng áp dụng") == 1  # the TOC link is chrome
    # <ol> numbers are generated by the browser: the reader prints them
    assert "1. Hỗ trợ tiền ăn bằng 30% mức lương cơ sở." in all_text
    assert "2. Hỗ trợ tiền nhà ở bằng 10% mức lương cơ sở." in all_text


def test_hostile_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    source = read_fixture("hostile.html")
    everything = "\n".join(texts(source))
    assert texts(source)[0] == "NGHỊ QUYẾT"
    assert "Điều 2. Nghị quyết này có hiệu lực từ ngày ký." in everything
    for bad in ("lollol", "alert", "fetch(", "CHÈN VÀO", "Nội dung khung", "theo dõi",
                "Đối tượng nhúng", "SVG lạ", "Mẫu ẩn", "root:"):
        assert bad not in everything
    assert "NQ140" in [d.code for d in source.diagnostics]
    raw = (FIXTURES / "hostile.html").read_text(encoding="utf-8").splitlines()
    assert "NGHỊ QUYẾT" in raw[source.lines[0].span.line - 1]  # the DTD removal kept lines


# --------------------------------------------------------------------------- decoding


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed letters where it has them, tones combining."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        shapes = [m for m in marks if m in "\u0302\u0306\u031b"]  # â ă ơ … are precomposed
        tones = [m for m in marks if m not in shapes]
        out += unicodedata.normalize("NFC", base + "".join(shapes)).encode("cp1258")
        out += "".join(tones).encode("cp1258")
    return out


def test_meta_charset_windows_1258() -> None:
    body = "<div class='content1'><p>Điều 1. Nội dung nghị quyết.</p></div>"
    html = page(body, "<meta http-equiv='Content-Type' content='text/html; charset=windows-1258'>")
    data = _cp1258(html.decode())
    source = read_html(data, "x.html")
    assert texts(source) == ["Điều 1. Nội dung nghị quyết."]
    assert source.meta["encoding"] == "cp1258"
    assert "NQ110" in [d.code for d in source.diagnostics]


def test_bom_and_utf16() -> None:
    html = page("<p>Điều 1. Có BOM.</p>").decode()
    assert texts(read_html(b"\xef\xbb\xbf" + html.encode(), "a.html")) == ["Điều 1. Có BOM."]
    utf16 = read_html(html.encode("utf-16"), "b.html")
    assert texts(utf16) == ["Điều 1. Có BOM."]


def test_stale_declaration_loses_to_valid_utf8() -> None:
    data = page("<p>Điều 1. Thật ra là UTF-8.</p>", "<meta charset='iso-8859-1'>")
    source = read_html(data, "x.html")
    assert texts(source) == ["Điều 1. Thật ra là UTF-8."]
    assert source.meta["encoding"] == "utf-8"


# --------------------------------------------------------------------------- details


def test_marker_offsets_survive_normalisation() -> None:
    body = ("<div class='content1'><p>&nbsp; Đề  án&nbsp;&nbsp;2023-2030<a href='#fn1'>[1]</a>"
            " tiếp tục.</p><ol><li id='fn1'>Ghi chú.</li></ol></div>")
    source = read_html(page(body), "x.html")
    line = source.lines[0]
    assert line.text == "Đề án 2023-2030 tiếp tục."
    assert line.text[:line.markers[0].offset] == "Đề án 2023-2030"
    assert [n.lines[0].text for n in source.footnotes] == ["Ghi chú."]


def test_reference_without_target_stays_text() -> None:
    source = read_html(page("<p>Theo quy định[3] hiện hành.</p><p><a href='#nowhere'>[4]</a></p>"),
                       "x.html")
    assert texts(source) == ["Theo quy định[3] hiện hành.", "[4]"]
    assert not source.footnotes and not any(line.markers for line in source.lines)


def test_hidden_and_controls_inside_container() -> None:
    body = ("<div class='content1'><p>Điều 1. Hiện.</p><div style='display: none'>Ẩn</div>"
            "<p hidden>Cũng ẩn</p><button>Bấm</button><select><option>Chọn</option></select>"
            "<p>Điều 2. Hiện.</p></div>")
    assert texts(read_html(page(body), "x.html")) == ["Điều 1. Hiện.", "Điều 2. Hiện."]


def test_metadata_panel_inside_container() -> None:
    body = ("<div class='content1'><dl><dt>Số hiệu:</dt><dd>1/NQ-HĐND</dd><dt>Loại văn bản:</dt>"
            "<dd>Nghị quyết</dd><dt>Ngày ban hành:</dt><dd>01/01/2024</dd></dl>"
            "<p><b>NGHỊ QUYẾT</b></p><p>Điều 1. Nội dung.</p></div>")
    source = read_html(page(body), "x.html")
    assert texts(source) == ["NGHỊ QUYẾT", "Điều 1. Nội dung."]
    assert any("metadata panel" in d.message for d in source.diagnostics)


def test_blank_br_lines_start_paragraphs() -> None:
    source = read_html(page("<p>A<br>B<br><br>C</p>"), "x.html")
    assert [(ln.text, ln.paragraph_start) for ln in source.lines] == [
        ("A", True), ("B", False), ("C", True)]


def test_pre_keeps_line_breaks() -> None:
    source = read_html(page("<pre>Dòng một\nDòng hai</pre>"), "x.html")
    assert texts(source) == ["Dòng một", "Dòng hai"]


def test_inline_css_evidence() -> None:
    body = ("<p><span style='font-weight:bold'>Đậm</span></p>"
            "<p><b><span style='font-weight: normal'>Thường</span></b></p>"
            "<p><span style='font-style:italic;font-size:16px'>Nghiêng</span></p>")
    lines = read_html(page(body), "x.html").lines
    assert [(ln.bold, ln.italic, ln.size) for ln in lines] == [
        (True, None, None), (None, None, None), (None, True, 12.0)]


def test_long_lines_are_cut() -> None:
    source = read_html(page("<p>" + "a" * 120 + "</p>"), "x.html",
                       limits=Limits(max_line_chars=50))
    assert [len(line.text) for line in source.lines] == [50, 50, 20]
    assert "NQ116" in [d.code for d in source.diagnostics]


def test_empty_and_oversized() -> None:
    with pytest.raises(EmptyInputError):
        read_html(b"   ", "x.html")
    with pytest.raises(EmptyInputError):
        read_html(page("<script>only()</script><div> </div>"), "x.html")
    with pytest.raises(LimitExceededError):
        read_html(page("<p>x</p>"), "x.html", limits=Limits(max_bytes=10))


def test_read_bytes_dispatches_html() -> None:
    source = read_bytes((FIXTURES / "vbpl-toanvan.html").read_bytes(), "vbpl.html")
    assert source.format == "html"
    assert source.lines[0].zone is Zone.HEADER_LEFT


def test_parser_reads_the_tvpl_page(tvpl: SourceText) -> None:
    from nghiquyet import parse_source

    document = parse_source(tvpl).document
    assert document.header.number.raw == "15/NQ-HĐND"
    assert str(document.header.date_line.date) == "2023-12-08"
    assert len(document.footnotes) == 2


def test_numbered_cross_reference_is_not_a_footnote() -> None:
    body = ("<div class='content1'><p>Điều 1. Theo khoản <a href='#dieu_5'>5</a> Điều 5.</p>"
            "<p><a name='dieu_5'></a>Điều 5. Nội dung điều năm.</p></div>")
    source = read_html(page(body), "x.html")
    assert texts(source) == ["Điều 1. Theo khoản 5 Điều 5.", "Điều 5. Nội dung điều năm."]
    assert not source.footnotes


# --------------------------------------------------------------------------- reader patterns

PATTERN_EXAMPLES = [
    # (pattern name, text, should match)
    ("HTML_CHARSET", '<meta charset="windows-1258">', True),
    ("HTML_CHARSET", "<meta http-equiv='Content-Type' content='text/html; charset=utf-8'>", True),
    ("HTML_CHARSET", '<meta name="description" content="charset">', False),
    ("HTML_CONTAINER_HINT", "content1", True),
    ("HTML_CONTAINER_HINT", "toanvancontent", True),
    ("HTML_CONTAINER_HINT", "divContentDoc", True),
    ("HTML_CONTAINER_HINT", "the-document-body", True),
    ("HTML_CONTAINER_HINT", "content", False),
    ("HTML_CONTAINER_HINT", "content12", False),
    ("HTML_CHROME_HINT", "ads", True),
    ("HTML_CHROME_HINT", "ads-incontent", True),
    ("HTML_CHROME_HINT", "tooltip-button", True),
    ("HTML_CHROME_HINT", "related-docs", True),
    ("HTML_CHROME_HINT", "popupRelate", False),  # luatvietnam's in-text reference popups
    ("HTML_CHROME_HINT", "header", False),
    ("HTML_CHROME_HINT", "loading", False),
    ("HTML_HIDDEN_STYLE", "color:red; display : none", True),
    ("HTML_HIDDEN_STYLE", "display:block", False),
    ("HTML_FONT_WEIGHT", "font-weight:bold", True),
    ("HTML_FONT_WEIGHT", "font-weight: 700", True),
    ("HTML_FONT_WEIGHT", "font-weight:normal", True),
    ("HTML_FONT_WEIGHT", "font-weight:boldish", False),
    ("HTML_FONT_STYLE", "font-style:italic", True),
    ("HTML_FONT_STYLE", "font-style: oblique", True),
    ("HTML_FONT_STYLE", "font-variant:italic", False),
    ("HTML_FONT_SIZE", "font-size:13.0pt", True),
    ("HTML_FONT_SIZE", "font-size: 16px", True),
    ("HTML_FONT_SIZE", "font-size:large", False),
    ("METADATA_LABEL", "Số hiệu:", True),
    ("METADATA_LABEL", "Loại văn bản: Nghị quyết", True),
    ("METADATA_LABEL", "Ngày hiệu lực:", True),
    ("METADATA_LABEL", "Tình trạng hiệu lực: Còn hiệu lực", True),
    ("METADATA_LABEL", "Số: 15/NQ-HĐND", False),
    ("METADATA_LABEL", "Người kýtên", False),
    ("FOOTNOTE_REFERENCE", "[1]", True),
    ("FOOTNOTE_REFERENCE", " (12) ", True),
    ("FOOTNOTE_REFERENCE", "3", True),
    ("FOOTNOTE_REFERENCE", "*", True),
    ("FOOTNOTE_REFERENCE", "[1] Mục tiêu", False),
    ("FOOTNOTE_REFERENCE", "Điều 1", False),
    ("FOOTNOTE_LINK_HINT", "_ftn1", True),
    ("FOOTNOTE_LINK_HINT", "fnref2", True),
    ("FOOTNOTE_LINK_HINT", "dieu_5", False),
]


@pytest.mark.parametrize(("name", "text", "expected"), PATTERN_EXAMPLES,
                         ids=[f"{n}:{t[:30]}" for n, t, _ in PATTERN_EXAMPLES])
def test_reader_patterns(name: str, text: str, expected: bool) -> None:
    from nghiquyet import grammar

    pattern = getattr(grammar, name)
    anchored = name in ("HTML_CONTAINER_HINT", "HTML_CHROME_HINT", "METADATA_LABEL",
                        "FOOTNOTE_REFERENCE")
    found = pattern.match(text) if anchored else pattern.search(text)
    assert bool(found) is expected
    if name == "HTML_FONT_WEIGHT" and found:
        assert bool(found["bold"]) is (text.rstrip().endswith(("bold", "700")))


def test_row_spanning_a_header_table_stays_after_it() -> None:
    body = ("<table><tr><td>HỘI ĐỒNG NHÂN DÂN</td><td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</td></tr>"
            "<tr><td>Số: 1/NQ-HĐND</td><td>Độc lập - Tự do - Hạnh phúc</td></tr>"
            "<tr><td colspan='2'>NGHỊ QUYẾT</td></tr></table><p>Điều 1. A.</p>")
    source = read_html(page(body), "x.html")
    assert [(ln.text, ln.zone) for ln in source.lines] == [
        ("HỘI ĐỒNG NHÂN DÂN", Zone.HEADER_LEFT), ("Số: 1/NQ-HĐND", Zone.HEADER_LEFT),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Zone.HEADER_RIGHT),
        ("Độc lập - Tự do - Hạnh phúc", Zone.HEADER_RIGHT),
        ("NGHỊ QUYẾT", Zone.BODY), ("Điều 1. A.", Zone.BODY)]


def test_nesting_beyond_the_parser_limit_is_refused() -> None:
    deep = "<div>" * 300 + "<p>Điều 1. Sâu.</p>" + "</div>" * 300
    with pytest.raises(LimitExceededError) as info:
        read_html(page(deep), "deep.html")
    assert info.value.source == "deep.html"
    shallow = "<div>" * 100 + "<p>Điều 1. Nông.</p>" + "</div>" * 100
    assert texts(read_html(page(shallow), "ok.html")) == ["Điều 1. Nông."]
