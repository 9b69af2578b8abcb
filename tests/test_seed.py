"""Acceptance: the seed resolution (Hải Dương, 2023) parses to the facts the issue lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import nghiquyet
from nghiquyet.model import Indicator, Provision, Resolution
from tests.conftest import SEED


@pytest.fixture(scope="module")
def result() -> nghiquyet.ParseResult:
    return nghiquyet.parse_file(SEED)


@pytest.fixture(scope="module")
def doc(result: nghiquyet.ParseResult) -> Resolution:
    return result.document


def test_no_errors_and_missing_header_parts_are_warnings(result: nghiquyet.ParseResult) -> None:
    assert result.ok
    codes = {d.code: d.severity.value for d in result.diagnostics}
    assert codes["NQ402"] == "warning"  # no number
    assert codes["NQ401"] == "warning"  # no date line
    assert result.document.header.number is None
    assert result.document.header.date_line is None


def test_council_term_session_title(doc: Resolution) -> None:
    h = doc.header
    assert h.council is not None
    assert (h.council.level, h.council.locality) == ("tỉnh", "Hải Dương")
    assert h.council.name == "HỘI ĐỒNG NHÂN DÂN TỈNH HẢI DƯƠNG"
    assert h.session is not None and (h.session.term, h.session.number) == (17, 19)
    assert h.title is not None
    assert h.title.text == ("Kết quả thực hiện kế hoạch phát triển kinh tế - xã hội năm 2023 và "
                            "kế hoạch phát triển kinh tế - xã hội năm 2024")


def test_legal_bases_and_consideration(doc: Resolution) -> None:
    cited = [c for b in doc.preamble.legal_bases for c in b.citations]
    assert [(c.document_kind, c.date) for c in cited] == [
        ("Luật", dt.date(2015, 6, 19)), ("Luật", dt.date(2019, 11, 22))]
    assert cited[0].name == "Tổ chức chính quyền địa phương"
    report = doc.preamble.considerations[0].citations[0]
    assert (report.document_kind, report.number, report.date) == (
        "Báo cáo", "216/BC-UBND", dt.date(2023, 12, 4))
    assert report.issuer == "Ủy ban nhân dân tỉnh"
    assert doc.preamble.enacting_formula is not None
    assert doc.preamble.enacting_formula.text == "QUYẾT NGHỊ:"


def _labels(node: Provision) -> list[str]:
    return [c.label for c in node.children if isinstance(c, Provision)]


def test_structure(doc: Resolution) -> None:
    articles = doc.articles()
    assert [a.num for a in articles] == ["1", "2", "3"]
    art1 = articles[0]
    assert _labels(art1) == ["I.", "II."]
    sec1, sec2 = (c for c in art1.children if isinstance(c, Provision))
    assert _labels(sec1) == ["1.", "2."]
    assert _labels(sec1.children[0]) == [f"1.{i}." for i in range(1, 7)]  # type: ignore[arg-type]
    assert _labels(sec1.children[1]) == [f"2.{i}." for i in range(1, 7)]  # type: ignore[arg-type]
    assert _labels(sec2) == ["1.", "2.", "3."]
    items = {c.label: c for c in sec2.children if isinstance(c, Provision)}
    assert _labels(items["1."]) == [f"1.{i}." for i in range(1, 6)]
    assert _labels(items["3."]) == [f"3.{i}." for i in range(1, 18)]
    sub33 = next(c for c in items["3."].children if isinstance(c, Provision) and c.label == "3.3.")
    assert [c.kind for c in sub33.children] == ["bullet"] * 3


def test_indicators(doc: Resolution) -> None:
    indicators = doc.indicators()
    assert [i.num for i in indicators] == [str(n) for n in range(1, 16)]
    by_num: dict[str, Indicator] = {i.num: i for i in indicators}

    def target(num: str, k: int = 0) -> tuple[str | None, str, str | None]:
        t = by_num[num].targets[k]
        return t.comparator, t.value, t.unit

    assert target("1") == ("tăng trên", "9", "%")
    assert target("4") == ("đạt", "205", "triệu đồng")
    assert "thủy sản đạt 205 triệu đồng" in by_num["4"].text  # spans the page break
    assert Decimal(by_num["5"].targets[0].value) == Decimal("16.8")
    assert [(t.metric, t.value) for t in by_num["11"].targets] == [
        ("Mầm non", "70.5"), ("Tiểu học", "96.7"), ("Trung học cơ sở", "92"),
        ("Trung học phổ thông", "75")]
    assert [(t.value, t.unit) for t in by_num["12"].targets] == [
        ("32.7", "giường/ 01 vạn dân"), ("9.8", "bác sĩ/ 01 vạn dân")]
    assert target("13") == ("còn", "1.2", "%")
    assert by_num["3"].targets[0].reference == "so với dự toán"
    assert by_num["6"].targets[0].reference == "so với thực hiện năm 2023"


def _find(doc: Resolution, label: str, parent: str = "3.") -> Provision:
    art1 = doc.articles()[0]
    sec2 = [c for c in art1.children if isinstance(c, Provision)][1]
    item3 = next(c for c in sec2.children if isinstance(c, Provision) and c.label == parent)
    return next(c for c in item3.children if isinstance(c, Provision) and c.label == label)


def test_footnotes_attached_and_text_rejoined(doc: Resolution) -> None:
    fn1, fn2 = doc.footnotes
    assert fn1.text.startswith("Mục tiêu đến năm 2025:") and fn1.text.endswith("15.965 căn")
    assert fn2.text.startswith("Bãi rác phường Cộng Hòa") and fn2.text.endswith("huyện Tứ Kỳ,…")
    n35, n311 = _find(doc, "3.5."), _find(doc, "3.11.")
    assert n35.text is not None and n311.text is not None
    ref1, ref2 = n35.footnote_refs[0], n311.footnote_refs[0]
    assert n35.text[: ref1.offset].endswith("giai đoạn 2023-2030")
    assert n311.text[: ref2.offset].endswith("của tỉnh")
    assert fn1.anchor == ("Điều 1.", "II.", "3.", "3.5.")
    n310, n315 = _find(doc, "3.10."), _find(doc, "3.15.")
    assert "sàn giao dịch việc làm. Nghiên cứu chính sách" in (n310.text or "")
    assert "tạo được chuyển biến rõ nét trong việc" in (n315.text or "")
    assert "Mục tiêu đến năm 2025" not in (n310.text or "")


def test_closing(doc: Resolution) -> None:
    c = doc.closing
    assert c.passing is not None
    assert (c.passing.date, c.passing.term, c.passing.session) == (dt.date(2023, 12, 8), 17, 19)
    assert c.signature is not None
    assert (c.signature.role, c.signature.name) == ("CHỦ TỊCH", "Lê Văn Hiệu")
    assert c.recipients is not None
    entries = c.recipients.entries
    assert len(entries) == 15
    assert entries[-1].archive and entries[-1].text == "Lưu VT"
    assert [e.purpose for e in entries[:4]] == ["để báo cáo"] * 3 + [None]
    assert c.recipients.groups[0].entries == (0, 1, 2)


def test_repairs_are_reported_and_originals_kept(result: nghiquyet.ParseResult) -> None:
    codes = [d.code for d in result.diagnostics]
    assert "NQ121" in codes and "NQ122" in codes and "NQ124" in codes
    originals = [r.original for r in result.document.source.repairs]
    assert any("t\u0301ìm" in o for o in originals)
    text = nghiquyet.to_json(result.document)
    assert "tìm kiếm cứu nạn" in text and "Đảm bảo an ninh" in text
    assert "văn hoá" in text and "văn hóa" in text  # both tone styles kept as printed
