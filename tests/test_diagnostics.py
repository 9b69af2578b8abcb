"""One test per diagnostic code the text path can trigger, and the catalogue's shape."""

from __future__ import annotations

import pytest

import nghiquyet
from nghiquyet import errors
from nghiquyet.diagnostics import CODES, Severity, make
from tests.conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
HEADER = ("HỘI ĐỒNG NHÂN DÂN\nTỈNH HẢI DƯƠNG\n\nSố: 15/NQ-HĐND\n\nHải Dương, ngày 08 tháng 12 năm 2023\n\n"
          "NGHỊ QUYẾT\nVề việc thử\n\nHỘI ĐỒNG NHÂN DÂN TỈNH HẢI DƯƠNG\nKHÓA XVII, KỲ HỌP THỨ 19\n\n"
          "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n\n")


def codes_of(text: str) -> list[str]:
    return [d.code for d in nghiquyet.parse(text).diagnostics]


CASES = {
    "NQ120": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Vie\u0302\u0323t Nam.\n",
    "NQ121": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. t\u0301ìm kiếm.\n",
    "NQ122": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Ðảm bảo.\n",
    "NQ123": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Giao\u00a0Ủy ban.\n",
    "NQ124": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Giao   Ủy ban.\n",
    "NQ125": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Giao\x07 Ủy ban.\n",
    "NQ126": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Nghie\u0301\u0302m.\n",
    "NQ115": "**NGHỊ QUYẾT**\n**Về việc thử**\n**Điều 1. Thử**\n**Điều 2. Thử**\n",
    "NQ200": "QUYẾT ĐỊNH\nVề việc thử\n\nĐiều 1. Thử.\n",
    "NQ201": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Thử.\n\nNơi nhận:\n- Như Điều 1;\n\nCHỦ TỊCH\n\nLê Văn A\n\nGhi chú lạ\n",
    "NQ202": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Thử.\n\nĐiều 3. Thử.\n",
    "NQ203": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Thử:\n\na) Một;\n\nc) Hai;\n\nb) Ba.\n",
    "NQ205": "NGHỊ QUYẾT\nVề việc thử\n\nCăn cứ Luật A;\n\nĐiều 1. Thử.\n",
    "NQ206": HEADER + "QUYẾT NGHỊ:\n\nI. MỤC TIÊU\n\n1. Thử.\n",
    "NQ207": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Giao Ủy ban nhân dân tỉnh tổ chức thực",
    "NQ208": HEADER + "QUYẾT NGHỊ\n\nĐiều 1. Thử.\n",
    "NQ213": " ".join(HEADER.split("\n")) + " QUYẾT NGHỊ: Điều 1. Thử nghiệm một văn bản dài. "
             + "Điều 2. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết này. " * 6,
    "NQ301": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Thử[1].\n",
    "NQ303": SEED_TEXT,
    "NQ304": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Các chỉ tiêu chủ yếu:\n\n(1) Giữ vững an ninh;\n",
    "NQ305": SEED_TEXT,
    "NQ401": SEED_TEXT,
    "NQ402": SEED_TEXT,
    "NQ403": "NGHỊ QUYẾT\nVề việc thử\n\nQUYẾT NGHỊ:\n\nĐiều 1. Thử.\n",
    "NQ404": "HỘI ĐỒNG NHÂN DÂN\nTỈNH HẢI DƯƠNG\n\nQUYẾT NGHỊ:\n\nĐiều 1. Thử.\n",
    "NQ405": "NGHỊ QUYẾT\nVề việc thử\n\nQUYẾT NGHỊ:\n\nĐiều 1. Thử.\n",
    "NQ406": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Thử.\n",
    "NQ407": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Thử.\n",
    "NQ408": HEADER.replace("ngày 08 tháng 12", "ngày 31 tháng 02") + "QUYẾT NGHỊ:\n\nĐiều 1. Thử.\n",
    "NQ410": "NGHỊ QUYẾT\nVề việc thử\n\nQUYẾT NGHỊ:\n\nĐiều 1. Thử.\n\nNghị quyết này được Hội đồng "
             "nhân dân tỉnh Hải Dương khóa XVII, kỳ họp thứ 19 thông qua ngày 08 tháng 12 năm 2023./.\n",
    "NQ411": HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Thử.\n",
    "NQ413": HEADER.replace("Số: 15/NQ-HĐND", "Số: 15 /NQ-HĐND") + "QUYẾT NGHỊ:\n\nĐiều 1. Thử.\n",
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_code_is_triggered(code: str) -> None:
    assert code in codes_of(CASES[code])


def test_clean_header_triggers_no_metadata_warning() -> None:
    codes = codes_of(HEADER + "QUYẾT NGHỊ:\n\nĐiều 1. Thử.\n")
    assert not {"NQ401", "NQ402", "NQ403", "NQ404", "NQ405"} & set(codes)


@pytest.mark.parametrize(("data", "error", "code"), [
    (b"", errors.EmptyInputError, "NQ100"),
    (b"   \n\t\n", errors.EmptyInputError, "NQ100"),
    (bytes(range(256)) * 40, errors.BinaryInputError, "NQ106"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, errors.UnsupportedFormatError, "NQ107"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, errors.UnsupportedFormatError, "NQ104"),
])
def test_unreadable_input_raises_typed_errors(data: bytes, error: type, code: str) -> None:
    with pytest.raises(error) as info:
        nghiquyet.parse_bytes(data, "x.txt")
    assert info.value.code == code
    assert code in info.value.format()


def test_size_limit() -> None:
    from nghiquyet.limits import Limits

    with pytest.raises(errors.LimitExceededError) as info:
        nghiquyet.parse_bytes(b"x" * 2000, "big.txt", limits=Limits(max_bytes=1000))
    assert info.value.code == "NQ105"


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed base (â, ơ …) plus a combining tone mark."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    return bytes(out)


def test_utf16_without_bom_and_cp1258() -> None:
    text = "NGHỊ QUYẾT\nVề việc thử\n\nĐiều 1. Giao Ủy ban nhân dân tỉnh thực hiện.\n"
    result = nghiquyet.parse_bytes(text.encode("utf-16-le"), "a.txt")
    assert "NQ110" in [d.code for d in result.diagnostics]
    assert result.document.articles()[0].text == "Giao Ủy ban nhân dân tỉnh thực hiện."
    result = nghiquyet.parse_bytes(_cp1258(text), "b.txt")
    assert result.document.articles()[0].text == "Giao Ủy ban nhân dân tỉnh thực hiện."


def test_catalogue_is_well_formed() -> None:
    for code, (severity, template) in CODES.items():
        assert code.startswith("NQ") and len(code) == 5 and code[2:].isdigit()
        assert isinstance(severity, Severity) and template
    d = make("NQ202", None, "Điều 4", source="x.txt", prev="2", found="4")
    assert d.format() == 'x.txt: warning NQ202: article number jumps from 2 to 4: "Điều 4"'
    assert list(d.to_dict()) == ["code", "severity", "message", "source", "page", "line", "excerpt"]


def test_markdown_emphasis_spans_and_partial_bold() -> None:
    from nghiquyet.readers.text import _Emphasis

    emphasis = _Emphasis()
    assert emphasis.line("**Điều 1. Phạm vi") == (True, False)  # bold runs on
    assert emphasis.line("điều chỉnh**") == (True, False)
    assert emphasis.line("**Điều 2.** Quy định mức học phí đối với") == (False, False)
    assert emphasis.line("* một gạch đầu dòng") == (False, False)
    assert emphasis.line("*Căn cứ Luật*") == (False, True)
