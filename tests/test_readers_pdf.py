"""PDF readers: pdfplumber (``read_pdf``) and pypdfium2 (``read_pdf_fast``).

Both readers run every test. The committed fixtures under tests/fixtures/pdf/ are the seed
resolution rendered by the project (official layout, ReportLab, a font without Vietnamese
glyphs, a scan); the 53-page rendering and the real scan stay in ../shared and are skipped
when absent. Unreadable files (encrypted, truncated, without pages) and layout corner cases
(text rise, scaled text, forms, rotation, fake bold, footnotes continued on the next page)
are written at test time by the small PDF writer below.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from nghiquyet import grammar
from nghiquyet.diagnostics import Diagnostics
from nghiquyet.errors import (
    CorruptDocumentError,
    EmptyInputError,
    EncryptedDocumentError,
    LimitExceededError,
    ReaderError,
    ScannedDocumentError,
)
from nghiquyet.limits import Limits
from nghiquyet.readers.layout import format_pages
from nghiquyet.readers.legacy import encode_tcvn3, encode_vni
from nghiquyet.readers.pdf import read_pdf
from nghiquyet.readers.pdfium import read_pdf_fast
from nghiquyet.source import Line, SourceText, Zone, lines_from_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
SHARED = ROOT.parent / "shared"
PDF_50P = SHARED / "fixtures-pdf" / "nq15_hd_50p.pdf"
HANOI_SCAN = SHARED / "corpus-real" / "pdf" / "hanoi-12-2025-NQ-HDND-scan.pdf"
SEED = ROOT / "corpus" / "hai-duong" / "2023-ktxh.txt"

Reader = Callable[..., SourceText]
READERS = [pytest.param(read_pdf, id="pdfplumber"), pytest.param(read_pdf_fast, id="pdfium")]

_CACHE: dict[tuple[str, str], SourceText] = {}


def read(reader: Reader, path: Path) -> SourceText:
    """Read a fixture once per reader (the readers are pure functions of the bytes)."""
    key = (reader.__name__, str(path))
    if key not in _CACHE:
        _CACHE[key] = reader(path.read_bytes(), path.name)
    return _CACHE[key]


def need(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    return path


def zone_texts(source: SourceText, zone: Zone) -> list[str]:
    return [line.text for line in source.lines if line.zone is zone]


# --------------------------------------------------------------------------- grammar examples

PATTERN_EXAMPLES = [
    # (pattern, text, matches) — searched, as the readers use them
    ("FONT_SUBSET_PREFIX", "BAAAAA+LiberationSerif", True),
    ("FONT_SUBSET_PREFIX", "LiberationSerif", False),
    ("FONT_SUBSET_PREFIX", "Arial+Bold", False),
    ("FONT_BOLD", "TimesNewRomanPS-BoldMT", True),
    ("FONT_BOLD", "Times New Roman,Bold", True),
    ("FONT_BOLD", "LiberationSerif-BoldItalic", True),
    ("FONT_BOLD", "Roboto-SemiBold", True),
    ("FONT_BOLD", "LiberationSerif-Italic", False),
    ("FONT_BOLD", "TimesNewRomanPSMT", False),
    ("FONT_ITALIC", "TimesNewRomanPS-ItalicMT", True),
    ("FONT_ITALIC", "Helvetica-Oblique", True),
    ("FONT_ITALIC", "TimesNewRomanPS-BoldMT", False),
    ("FONT_SYMBOL", "Symbol", True),
    ("FONT_SYMBOL", "Wingdings-Regular", True),
    ("FONT_SYMBOL", "TimesNewRomanPSMT", False),
    ("FONT_TCVN3", ".VnTime", True),
    ("FONT_TCVN3", ".VnTimeH,Bold", True),
    ("FONT_TCVN3", "VnArial", True),
    ("FONT_TCVN3", "Vnexpress", False),
    ("FONT_TCVN3", "VNI-Times", False),
    ("FONT_VNI", "VNI-Times", True),
    ("FONT_VNI", "VNI-Helve-Bold", True),
    ("FONT_VNI", "VNIX", False),
    ("UNMAPPED_GLYPH", "\x00", True),
    ("UNMAPPED_GLYPH", "(cid:123)", True),
    ("UNMAPPED_GLYPH", "(cid:)", False),
    ("UNMAPPED_GLYPH", "a", False),
    ("PRIVATE_USE", "\uf0b7", True),
    ("PRIVATE_USE", "ư", False),
    ("PAGE_NUMBER", "9", True),
    ("PAGE_NUMBER", "- 12 -", True),
    ("PAGE_NUMBER", "Trang 3/9", True),
    ("PAGE_NUMBER", "Page 2", True),
    ("PAGE_NUMBER", "(9)", False),
    ("PAGE_NUMBER", "9.", False),
    ("PAGE_NUMBER", "Điều 9", False),
    ("FOOTNOTE_LABEL", "1", True),
    ("FOOTNOTE_LABEL", " 12 ", True),
    ("FOOTNOTE_LABEL", "*", True),
    ("FOOTNOTE_LABEL", "1.", False),
    ("FOOTNOTE_LABEL", "2023", False),
    ("FOOTNOTE_LABEL_START", "1 Mục tiêu đến năm 2025", True),
    ("FOOTNOTE_LABEL_START", "1. Mục tiêu", False),
    ("FOOTNOTE_LABEL_START", "12", False),
    ("UNIT_BEFORE_EXPONENT", "390.669m", True),
    ("UNIT_BEFORE_EXPONENT", "diện tích 20 km", True),
    ("UNIT_BEFORE_EXPONENT", "của tỉnh", False),
    ("UNIT_BEFORE_EXPONENT", "Điều", False),
]


@pytest.mark.parametrize(("name", "sample", "matches"), PATTERN_EXAMPLES,
                         ids=[f"{n}:{t!r}" for n, t, _m in PATTERN_EXAMPLES])
def test_pdf_reader_patterns(name: str, sample: str, matches: bool) -> None:
    assert bool(getattr(grammar, name).search(sample)) is matches


def test_format_pages() -> None:
    assert format_pages([5, 1, 2, 3, 3]) == "1-3, 5"
    assert format_pages([7]) == "7"


# --------------------------------------------------------------------------- a tiny PDF writer

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
PAGE_W, PAGE_H = 595.0, 842.0


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def make_pdf(pages: list[str], *, rotate: int = 0, forms: dict[str, str] | None = None,
             user_password: str | None = None, owner_password: str | None = None) -> bytes:
    """A PDF with one content stream per page, fonts F1 (Helvetica), F2 (Helvetica-Bold) and
    the legacy Vietnamese fonts F3 (.VnTime), F4 (.VnTimeH) and F5 (VNI-Times), a one-pixel
    image Im1 (draw it with :data:`FULL_PAGE_IMAGE`), optional form XObjects and optional
    RC4-40 encryption (standard security handler, R2)."""
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    catalog, pages_id = add(b""), add(b"")
    f1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    f2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
             b"/Encoding /WinAnsiEncoding >>")
    widths = b"/FirstChar 32 /LastChar 255 /Widths [%s]" % b" ".join([b"500"] * 224)
    descriptor = (b"/FontDescriptor << /Type /FontDescriptor /FontName /%s /Flags 32 "
                  b"/ItalicAngle 0 /FontBBox [0 -200 1000 800] /Ascent 800 /Descent -200 "
                  b"/CapHeight 700 /StemV 80 >>")
    legacy_fonts = [add(b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding "
                        b"%s %s >>" % (name, widths, descriptor % name))
                    for name in (b".VnTime", b".VnTimeH", b"VNI-Times")]
    fonts = b"/Font << /F1 %d 0 R /F2 %d 0 R /F3 %d 0 R /F4 %d 0 R /F5 %d 0 R >>" % (
        f1, f2, *legacy_fonts)
    streams: list[int] = []

    def stream(head: bytes, content: str) -> int:
        data = content.encode("latin-1")
        oid = add(b"<< %s /Length %d >>\nstream\n" % (head, len(data)) + data + b"\nendstream")
        streams.append(oid)
        return oid

    form_head = b"/Type /XObject /Subtype /Form /BBox [0 0 %d %d] /Resources << %s >>" % (
        PAGE_W, PAGE_H, fonts)
    ids = {name: stream(form_head, content) for name, content in (forms or {}).items()}
    ids["Im1"] = add(b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 "
                     b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\n"
                     b"stream\n\x80\nendstream")
    xobjects = b"/XObject << " + b" ".join(b"/%s %d 0 R" % (n.encode(), i)
                                           for n, i in ids.items()) + b" >>"
    kids = []
    for content in pages:
        cid = stream(b"", content)
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %g %g] /Rotate %d "
                        b"/Resources << %s %s >> /Contents %d 0 R >>"
                        % (pages_id, PAGE_W, PAGE_H, rotate, fonts, xobjects, cid)))
    objs[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objs[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    file_id = hashlib.md5(b"nghiquyet-test").digest()
    encrypt = b""
    if user_password is not None or owner_password is not None:
        user = (user_password or "").encode("latin-1")
        owner = (owner_password or user_password or "").encode("latin-1")
        o_value = _rc4(hashlib.md5((owner + _PAD)[:32]).digest()[:5], (user + _PAD)[:32])
        perms = -44
        key = hashlib.md5((user + _PAD)[:32] + o_value + perms.to_bytes(4, "little", signed=True)
                          + file_id).digest()[:5]
        for oid in streams:
            head, rest = objs[oid - 1].split(b"\nstream\n", 1)
            data = rest[:-len(b"\nendstream")]
            object_key = hashlib.md5(key + oid.to_bytes(3, "little") + b"\0\0").digest()[:10]
            objs[oid - 1] = head + b"\nstream\n" + _rc4(object_key, data) + b"\nendstream"
        eid = add(b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
                  % (o_value.hex().encode(), _rc4(key, _PAD).hex().encode(), perms))
        encrypt = b" /Encrypt %d 0 R" % eid
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root %d 0 R /ID [<%s> <%s>]%s >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, catalog, file_id.hex().encode(), file_id.hex().encode(), encrypt,
               xref))
    return bytes(out)


FULL_PAGE_IMAGE = f"q {PAGE_W} 0 0 {PAGE_H} 0 0 cm /Im1 Do Q\n"
"""A page-sized image: what a scanned page is."""


def text(x: float, y: float, s: str, size: float = 12, font: str = "F1", rise: float = 0) -> str:
    """Show ``s`` with its baseline at top-down ``y``."""
    s = s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT /{font} {size} Tf {rise} Ts {x} {PAGE_H - y} Td ({s}) Tj ET\n"


def rule(x0: float, x1: float, y: float) -> str:
    """A 0.5 pt filled rectangle at top-down ``y``."""
    return f"{x0} {PAGE_H - y} {x1 - x0} 0.5 re f\n"


def both(data: bytes, name: str = "t.pdf", **kwargs: object) -> tuple[SourceText, SourceText]:
    """Read with both engines and check they agree."""
    a = read_pdf(data, name, **kwargs)  # type: ignore[arg-type]
    b = read_pdf_fast(data, name, **kwargs)  # type: ignore[arg-type]
    assert_same(a, b)
    return a, b


# --------------------------------------------------------------------------- comparison

def _line_key(line: Line) -> tuple[object, ...]:
    return (line.text, line.zone, line.span, line.bold, line.italic, line.paragraph_start,
            line.indented, line.markers)


def assert_same(a: SourceText, b: SourceText) -> None:
    """Same lines, zones, positions (sizes within 0.1 pt, x within 1 pt), markers, footnotes."""
    assert [_line_key(x) for x in a.lines] == [_line_key(x) for x in b.lines]
    for x, y in zip(a.lines, b.lines, strict=True):
        assert x.size is not None and y.size is not None and abs(x.size - y.size) <= 0.1, x.text
        assert x.x0 is not None and y.x0 is not None and abs(x.x0 - y.x0) <= 1.0, x.text
    assert [(f.label, [_line_key(x) for x in f.lines]) for f in a.footnotes] == \
        [(f.label, [_line_key(x) for x in f.lines]) for f in b.footnotes]
    assert [d.format() for d in a.diagnostics] == [d.format() for d in b.diagnostics]
    assert a.pages == b.pages


# --------------------------------------------------------------------------- the official layout

@pytest.mark.parametrize("reader", READERS)
def test_header_columns_are_separated(reader: Reader) -> None:
    source = read(reader, FIXTURES / "nq15_hd.pdf")
    assert source.format == "pdf" and source.pages == 9
    assert zone_texts(source, Zone.HEADER_LEFT) == [
        "HỘI ĐỒNG NHÂN DÂN", "TỈNH HẢI DƯƠNG", "Số: 15/NQ-HĐND"]
    assert zone_texts(source, Zone.HEADER_RIGHT) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Hải Dương, ngày 08 tháng 12 năm 2023"]
    zones = [line.zone for line in source.lines[:7]]
    assert zones == [Zone.HEADER_LEFT] * 3 + [Zone.HEADER_RIGHT] * 3 + [Zone.BODY]
    date = source.lines[5]
    assert date.italic and not date.bold and date.size == 14.0
    assert source.lines[1].bold and not source.lines[0].bold
    assert source.lines[6].text == "NGHỊ QUYẾT"


@pytest.mark.parametrize("reader", READERS)
def test_page_numbers_leave_the_flow(reader: Reader) -> None:
    source = read(reader, FIXTURES / "nq15_hd.pdf")
    assert not [line.text for line in source.lines if line.text.isdigit()]
    assert [d.message for d in source.diagnostics if d.code == "NQ131"] == [
        "8 page number(s) removed"]
    # line numbers count the page number: page 2's first body line is its line 2
    first_on_2 = next(line for line in source.lines if line.span.page == 2)
    assert first_on_2.span.line == 2
    assert first_on_2.text.startswith("và Nhân dân trong tỉnh")


@pytest.mark.parametrize("reader", READERS)
def test_footnotes_are_linked_from_geometry(reader: Reader) -> None:
    source = read(reader, FIXTURES / "nq15_hd.pdf")
    assert [f.label for f in source.footnotes] == ["1", "2"]
    one, two = source.footnotes
    assert one.lines[0].text.startswith("Mục tiêu đến năm 2025")
    assert one.lines[-1].text.endswith("15.965 căn")
    assert two.lines[0].text.startswith("Bãi rác phường Cộng Hòa")
    assert {line.zone for f in source.footnotes for line in f.lines} == {Zone.FOOTNOTE}
    assert [f.lines[0].span.page for f in source.footnotes] == [6, 7]
    marked = [(line, marker) for line in source.lines for marker in line.markers]
    assert [(line.span.page, marker.label) for line, marker in marked] == [(6, "1"), (7, "2")]
    (l1, m1), (l2, m2) = marked
    assert l1.text[:m1.offset].endswith("2023-2030") and l1.text[m1.offset] == "."
    assert l2.text[:m2.offset].endswith("của tỉnh") and l2.text[m2.offset] == "."
    assert "20301" not in l1.text and "tỉnh2" not in l2.text
    # footnote text stays out of the flow
    assert not any("Mục tiêu đến năm 2025" in line.text for line in source.lines)


@pytest.mark.parametrize("reader", READERS)
def test_signature_and_recipients_are_separated(reader: Reader) -> None:
    source = read(reader, FIXTURES / "nq15_hd.pdf")
    assert zone_texts(source, Zone.SIGNATURE) == ["CHỦ TỊCH", "Lê Văn Hiệu"]
    recipients = zone_texts(source, Zone.RECIPIENTS)
    assert recipients[0] == "Nơi nhận:" and recipients[-1] == "- Lưu VT."
    assert "- Bộ Kế hoạch và Đầu tư; (để báo cáo)" in recipients
    tail = [line.zone for line in source.lines[-len(recipients) - 2:]]
    assert tail == [Zone.RECIPIENTS] * len(recipients) + [Zone.SIGNATURE] * 2
    last_body = [line for line in source.lines if line.zone is Zone.BODY][-1]
    assert last_body.text == "thứ 19 thông qua ngày 08 tháng 12 năm 2023./."


@pytest.mark.parametrize("reader", READERS)
def test_positions_and_paragraph_evidence(reader: Reader) -> None:
    source = read(reader, FIXTURES / "nq15_hd.pdf")
    for line in source.lines:
        assert line.span.page is not None and line.span.line >= 1
        assert line.size is not None and line.x0 is not None
    by_text = {line.text: line for line in source.lines}
    article = next(line for line in source.lines if line.text.startswith("Điều 1."))
    assert article.paragraph_start is True and article.indented
    assert not article.bold  # "Điều 1." is bold, the rest of the line is not
    assert by_text["QUYẾT NGHỊ:"].bold
    # a paragraph continued on the next page: the first line of page 2 continues it
    first_on_2 = next(line for line in source.lines if line.span.page == 2)
    assert first_on_2.paragraph_start is False
    # justified continuation lines and the short last line's successor
    index = source.lines.index(article)
    assert [line.paragraph_start for line in source.lines[index:index + 4]] == [
        True, False, False, True]
    assert source.lines[index + 3].text.startswith("I. KẾT QUẢ")


@pytest.mark.parametrize("reader", READERS)
def test_reportlab_lines_equal_the_seed(reader: Reader) -> None:
    source = read(reader, FIXTURES / "nq15_reportlab.pdf")
    seed = lines_from_text(SEED.read_text(encoding="utf-8"), Diagnostics())
    assert [" ".join(line.text.split()) for line in source.lines] == [
        " ".join(line.text.split()) for line in seed]
    assert source.footnotes == ()  # full-size footnote text in the flow: not located, kept
    assert {line.zone for line in source.lines} == {Zone.BODY}


@pytest.mark.parametrize("reader", READERS)
def test_missing_glyphs_are_reported(reader: Reader) -> None:
    source = read(reader, FIXTURES / "nq15_reportlab_missing_glyphs.pdf")
    found = [d for d in source.diagnostics if d.code == "NQ113"]
    assert len(found) == 1
    assert "on page(s) 1-8" in found[0].message
    count = int(found[0].message.split()[0])
    assert count == sum(line.text.count("\ufffd") for line in source.lines)
    assert source.lines[0].text == "NGH\ufffd QUY\ufffdT"


@pytest.mark.parametrize("reader", READERS)
def test_scanned_pdf_names_its_pages(reader: Reader) -> None:
    with pytest.raises(ScannedDocumentError) as caught:
        reader((FIXTURES / "nq15_scanned.pdf").read_bytes(), "nq15_scanned.pdf")
    assert caught.value.code == "NQ101"
    assert "page(s) 1-2" in caught.value.message


@pytest.mark.parametrize("reader", READERS)
def test_real_scan_is_refused(reader: Reader) -> None:
    path = need(HANOI_SCAN)
    with pytest.raises(ScannedDocumentError) as caught:
        reader(path.read_bytes(), path.name)
    assert caught.value.code == "NQ101" and "1-7" in caught.value.message


@pytest.mark.parametrize("reader", READERS)
def test_53_pages_link_all_14_footnotes(reader: Reader) -> None:
    source = read(reader, need(PDF_50P))
    assert source.pages == 53
    labels = [str(n) for n in range(1, 15)]
    assert [f.label for f in source.footnotes] == labels
    assert [m.label for line in source.lines for m in line.markers] == labels
    assert zone_texts(source, Zone.SIGNATURE) == ["CHỦ TỊCH", "Lê Văn Hiệu"]
    assert not [line.text for line in source.lines if line.text.isdigit()]


@pytest.mark.parametrize("name", ["nq15_hd.pdf", "nq15_reportlab.pdf",
                                  "nq15_reportlab_missing_glyphs.pdf", "nq15_hd_50p.pdf"])
def test_both_readers_give_the_same_lines(name: str) -> None:
    path = FIXTURES / name if (FIXTURES / name).is_file() else need(SHARED / "fixtures-pdf" / name)
    assert_same(read(read_pdf, path), read(read_pdf_fast, path))


# --------------------------------------------------------------------------- unreadable files

@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("passwords", [{"user_password": "secret"},
                                       {"owner_password": "owner"}], ids=["user", "owner-only"])
def test_encrypted_pdf_is_refused(reader: Reader, passwords: dict[str, str]) -> None:
    data = make_pdf([text(72, 100, "Secret text")], **passwords)
    with pytest.raises(EncryptedDocumentError) as caught:
        reader(data, "locked.pdf")
    assert caught.value.code == "NQ102"
    assert "password" in caught.value.message


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("cut", [10, 2000, 0.5, -8])
def test_truncated_pdf_is_corrupt(reader: Reader, cut: float) -> None:
    data = (FIXTURES / "nq15_hd.pdf").read_bytes()
    end = int(len(data) * cut) if isinstance(cut, float) else cut
    with pytest.raises(CorruptDocumentError) as caught:
        reader(data[:end], "cut.pdf")
    assert caught.value.code == "NQ103"


@pytest.mark.parametrize("reader", READERS)
def test_bad_cross_reference_offset_is_corrupt(reader: Reader) -> None:
    data = make_pdf([text(72, 100, "Hello")])
    start = data.rindex(b"startxref")
    broken = data[:start] + b"startxref\n99999999\n%%EOF\n"
    with pytest.raises(CorruptDocumentError):
        reader(broken, "bad.pdf")


@pytest.mark.parametrize("reader", READERS)
def test_garbage_and_empty_input(reader: Reader) -> None:
    with pytest.raises(CorruptDocumentError):
        reader(b"%PDF-1.4\n" + bytes(range(256)) * 20 + b"\n%%EOF\n", "junk.pdf")
    with pytest.raises(CorruptDocumentError):
        reader(b"just some text, no PDF here\n%%EOF", "text.pdf")
    with pytest.raises(EmptyInputError):
        reader(b"", "empty.pdf")


@pytest.mark.parametrize("reader", READERS)
def test_damaged_bytes_never_crash(reader: Reader) -> None:
    """Random byte damage gives a result or a ReaderError, never another exception."""
    data = (FIXTURES / "nq15_hd.pdf").read_bytes()
    rng = random.Random(7)
    for _ in range(12):
        damaged = bytearray(data)
        for _ in range(rng.choice([1, 20, 300])):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            reader(bytes(damaged), "damaged.pdf")
        except ReaderError:
            pass


@pytest.mark.parametrize("reader", READERS)
def test_pdf_without_pages_is_corrupt(reader: Reader) -> None:
    with pytest.raises(CorruptDocumentError) as caught:
        reader(make_pdf([]), "empty.pdf")
    assert caught.value.code == "NQ103"  # pdfplumber: "no pages"; PDFium refuses to load it


@pytest.mark.parametrize("reader", READERS)
def test_page_limit(reader: Reader) -> None:
    data = (FIXTURES / "nq15_hd.pdf").read_bytes()
    with pytest.raises(LimitExceededError) as caught:
        reader(data, "nq15_hd.pdf", limits=Limits(max_pages=5))
    assert "9 pages > 5" in caught.value.message
    with pytest.raises(LimitExceededError):
        reader(data, "nq15_hd.pdf", limits=Limits(max_bytes=1000))


# --------------------------------------------------------------------------- layout cases

def _footnote_pages() -> list[str]:
    """Two pages: a marker on page 1, its footnote continued at the bottom of page 2."""
    page1 = (text(72, 100, "The first paragraph ends with a marker")
             + text(278.5, 95, "1", size=7)
             + text(72, 115, "and goes on.")
             + rule(72, 130, 740)
             + text(72, 760, "1", size=12) + text(82, 760, "Note one begins here", size=9)
             + text(72, 771, "and runs on", size=9)
             + text(290, 810, "1", size=10))
    page2 = (text(72, 100, "Second page text with marker")
             + text(236, 95, "2", size=7, font="F1")
             + text(72, 115, "9")
             + text(72, 130, "Last line.")
             + rule(72, 130, 740)
             + text(72, 760, "onto the next page.", size=9)
             + text(72, 771, "2", size=12) + text(82, 771, "Note two", size=9)
             + text(290, 810, "2", size=10))
    return [page1, page2]


def test_footnote_continues_on_the_next_page() -> None:
    source, _ = both(make_pdf(_footnote_pages()))
    assert [f.label for f in source.footnotes] == ["1", "2"]
    one = source.footnotes[0]
    assert [(line.span.page, line.text) for line in one.lines] == [
        (1, "Note one begins here"), (1, "and runs on"), (2, "onto the next page.")]
    assert [line.paragraph_start for line in one.lines] == [True, False, False]
    texts = [line.text for line in source.lines]
    assert texts == ["The first paragraph ends with a marker", "and goes on.",
                     "Second page text with marker", "9", "Last line."]
    assert source.lines[0].markers[0].label == "1"
    assert source.lines[0].markers[0].offset == len(texts[0])
    # "9" on its own line in the body is text, not a page number; the bottom numbers are
    assert [d.message for d in source.diagnostics if d.code == "NQ131"] == [
        "2 page number(s) removed"]


def test_text_rise_scaling_and_forms() -> None:
    page = (text(72, 100, "Raised by text rise")
            + text(171, 100, "3", size=7, rise=5)
            + f"q 2 0 0 2 0 0 cm BT /F1 6 Tf 36 {(PAGE_H - 150) / 2} Td (Scaled twice) Tj ET Q\n"
            + "/Fm1 Do\n")
    source, _ = both(make_pdf([page], forms={"Fm1": text(72, 200, "Inside a form")}))
    assert [line.text for line in source.lines] == [
        "Raised by text rise", "Scaled twice", "Inside a form"]
    assert source.lines[0].markers[0].label == "3"
    assert source.lines[1].size == 12.0 and source.lines[1].x0 == 72.0


def test_slanted_and_vertical_text() -> None:
    """Sheared (synthetic italic) text is read; text turned by 90° (a stamp) is not."""
    page = (f"BT /F1 12 Tf 1 0 0.2 1 72 {PAGE_H - 100} Tm (Slanted text) Tj ET\n"
            f"BT /F1 12 Tf 0 1 -1 0 500 {PAGE_H - 300} Tm (Vertical stamp) Tj ET\n"
            + text(72, 130, "Plain text"))
    source, _ = both(make_pdf([page]))
    assert [line.text for line in source.lines] == ["Slanted text", "Plain text"]


def test_rotated_page() -> None:
    """A landscape page stored upright with /Rotate 90 and text drawn turned by 90°."""
    def turned(x: float, y: float, s: str) -> str:  # shows upright at (x, y) once rotated
        return f"BT /F1 12 Tf 0 1 -1 0 {y} {x} Tm ({s}) Tj ET\n"
    source, _ = both(make_pdf([turned(72, 100, "Rotated page text") + turned(72, 130, "Next")],
                              rotate=90))
    assert [line.text for line in source.lines] == ["Rotated page text", "Next"]
    assert source.lines[0].x0 == 72.0


def test_fake_bold_duplicates_are_removed() -> None:
    page = (text(72, 100, "Drawn twice") + text(72.4, 100.2, "Drawn twice")
            + text(72, 130, "Drawn once"))
    source, _ = both(make_pdf([page]))
    assert [(line.text, line.bold) for line in source.lines] == [
        ("Drawn twice", True), ("Drawn once", False)]


def test_fake_bold_search_finds_every_twin() -> None:
    """The pdfplumber reader's linear-time search for duplicate glyphs (a grid of cells)
    drops exactly what the pairwise rule drops: the same glyph within the tolerance of a kept
    one, on cell edges and at negative positions too."""
    from nghiquyet.readers.layout import DEDUPE_TOLERANCE
    from nghiquyet.readers.pdf import _Char, _dedupe_chars

    rng = random.Random(7)
    offsets = [0.0, 0.5, 0.99, 1.0, 1.01, 1.5, 1.99, 2.0, 2.01]
    chars: list[_Char] = []
    for _ in range(600):
        x = rng.choice([-3.0, 0.0, 1.0, 2.0, 7.0]) + rng.choice(offsets) * rng.choice([1, -1])
        y = rng.choice([-1.0, 0.0, 3.0]) + rng.choice(offsets) * rng.choice([1, -1])
        chars.append((True, rng.choice("ab"), "F1", rng.choice([12.0, 12.001, 13.0]), x,
                      x + 5, y, y + 12, 700 - y - 12, (1.0, 0.0, 0.0, 1.0, x, 700 - y - 10)))
    expected: list[_Char] = []
    for c in chars:
        if not any(k[1:3] == c[1:3] and round(k[3], 2) == round(c[3], 2)
                   and abs(k[4] - c[4]) <= DEDUPE_TOLERANCE
                   and abs(k[6] - c[6]) <= DEDUPE_TOLERANCE for k in expected):
            expected.append(c)
    kept = list(chars)
    doubled = _dedupe_chars(kept)
    assert kept == expected
    assert doubled and len(expected) < len(chars)


def test_running_header_is_removed() -> None:
    pages = [text(72, 40, "HDND TINH HAI DUONG - BAN SAO") + text(72, 100, f"Body of page {n}")
             + text(72, 118, "More text.") for n in range(1, 5)]
    source, _ = both(make_pdf(pages))
    assert "HDND TINH HAI DUONG - BAN SAO" not in [line.text for line in source.lines]
    assert [d.code for d in source.diagnostics] == ["NQ130"]


def test_bold_font_and_mixed_line() -> None:
    page = text(72, 100, "Dieu 1.", font="F2") + text(118, 100, "Noi dung cua dieu mot dai")
    source, _ = both(make_pdf([page]))
    assert source.lines[0].text == "Dieu 1. Noi dung cua dieu mot dai"
    assert source.lines[0].bold is False


def test_scanned_page_among_text_pages() -> None:
    source, _ = both(make_pdf([text(72, 100, "Page one has text") + text(72, 118, "Two lines"),
                               FULL_PAGE_IMAGE]))
    assert [line.text for line in source.lines] == ["Page one has text", "Two lines"]
    assert [(d.code, d.message) for d in source.diagnostics] == [
        ("NQ101", "no text layer on page(s) 2: the document is a scan and needs OCR")]
    with pytest.raises(ScannedDocumentError):
        read_pdf_fast(make_pdf([FULL_PAGE_IMAGE, FULL_PAGE_IMAGE]), "scan.pdf")


def test_legacy_font_encodings_are_converted() -> None:
    """Text in TCVN3 (".VnTime", heading font ".VnTimeH") and VNI fonts becomes Unicode.

    (TCVN3 "ư" is byte 0xAD, which WinAnsiEncoding turns into a hyphen: not used here.)
    """
    def legacy_text(y: float, font: str, data: bytes) -> str:
        return text(72, y, data.decode("latin-1"), font=font)
    page = (legacy_text(100, "F4", encode_tcvn3("nghị quyết"))
            + legacy_text(130, "F3", encode_tcvn3("Hội đồng nhân dân tỉnh Hải Phòng"))
            + legacy_text(160, "F5", encode_vni("Điều 1. Việt Nam")))
    source, _ = both(make_pdf([page]))
    assert [line.text for line in source.lines] == [
        "NGHỊ QUYẾT", "Hội đồng nhân dân tỉnh Hải Phòng", "Điều 1. Việt Nam"]
    assert [d.message for d in source.diagnostics] == [
        "legacy Vietnamese encoding TCVN3 detected; converted to Unicode",
        "legacy Vietnamese encoding VNI detected; converted to Unicode"]


# --------------------------------------------------------------------------- memory and speed

_MEASURE = """
import resource, sys
from nghiquyet.readers.{module} import {function}
data = open(sys.argv[1], "rb").read()
source = {function}(data, "x.pdf")
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:  # Linux keeps the parent's high-water mark across fork+exec in ru_maxrss; VmHWM does not
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
print(source.pages, peak_kb)
"""


def _peak_rss_mb(module: str, function: str, path: Path) -> float:
    """Peak resident memory of a fresh process that reads ``path``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", _MEASURE.format(module=module, function=function),
                           str(path)], capture_output=True, text=True, env=env, check=True,
                          timeout=300)
    _pages, kilobytes = done.stdout.split()
    return int(kilobytes) / 1024


@pytest.mark.parametrize(("module", "function"), [("pdf", "read_pdf"), ("pdfium", "read_pdf_fast")])
def test_peak_memory_does_not_grow_with_pages(module: str, function: str) -> None:
    big = _peak_rss_mb(module, function, need(PDF_50P))
    small = _peak_rss_mb(module, function, FIXTURES / "nq15_hd.pdf")
    assert big < 150, f"{big:.0f} MB peak RSS for 53 pages"
    assert big - small < 25, f"{small:.0f} MB for 9 pages, {big:.0f} MB for 53"


def test_fast_reader_is_much_faster() -> None:
    """The target is 20× (measured: 21-26× here); the test only guards against a collapse."""
    data = (FIXTURES / "nq15_hd.pdf").read_bytes()
    timings = {}
    for reader in (read_pdf, read_pdf_fast):
        reader(data, "warm-up.pdf")
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            reader(data, "x.pdf")
            runs.append(time.perf_counter() - start)
        timings[reader.__name__] = sorted(runs)[1]
    assert timings["read_pdf"] / timings["read_pdf_fast"] >= 5, json.dumps(timings)
