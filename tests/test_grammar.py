"""Every pattern's table of examples: positives (with the groups they must yield) and
near-miss negatives. Real corpus lines carry their file in the id."""

from __future__ import annotations

from typing import Any

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from nghiquyet import grammar as g

CASES: list[tuple[str, regex.Pattern[str], str, dict[str, Any] | None]] = [
    # id, pattern, text (matching view), expected groups (None: must not match)
    ("number-plain", g.NUMBER, "Số: 15/NQ-HĐND", {"seq": "15", "year": None, "sym": "NQ-HĐND"}),
    ("number-space-003", g.NUMBER, "Số: 09/2006/ NQ-HĐND", {"seq": "09", "year": "2006"}),
    ("number-glued", g.NUMBER, "Số:10/2011/NQ-HĐND", {"seq": "10", "year": "2011"}),
    ("number-blank-draft", g.NUMBER, "Số:   /2023/NQ-HĐND", {"seq": None, "year": "2023"}),
    ("number-letter", g.NUMBER, "Số: 30c/NQ-CP", {"seq": "30c"}),
    ("number-not-text", g.NUMBER, "Số lượng căn hộ", None),
    ("date-line", g.DATE_LINE, "Hải Dương, ngày 08 tháng 12 năm 2023", {"place": "Hải Dương", "d": "08"}),
    ("date-line-blank", g.DATE_LINE, "Hà Nội, ngày    tháng 12 năm 2023", {"d": None, "m": "12"}),
    ("date-line-glued", g.DATE_LINE, "Bến Tre, ngày20 tháng 7 năm 2007", {"d": "20"}),
    ("date-line-not-sentence", g.DATE_LINE, "Căn cứ Luật, ngày 19 tháng 6 năm 2015;", None),
    ("national-title-hoa", g.NATIONAL_TITLE, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {}),
    ("national-title-folded", g.NATIONAL_TITLE, g.fold("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"), {}),
    ("motto-en-dash-003", g.MOTTO, "Độc lập – Tự do - Hạnh phúc", {}),
    ("council-two-lines", g.COUNCIL, "HỘI ĐỒNG NHÂN DÂN TỈNH HẢI DƯƠNG", {"unit": "TỈNH", "name": "HẢI DƯƠNG"}),
    ("council-glued-003", g.COUNCIL, "HỘI ĐỒNG NHÂNDÂN TỈNH AN GIANG", {"name": "AN GIANG"}),
    ("council-with-session-029", g.COUNCIL, "HỘI ĐỒNG NHÂN DÂN QUẬN TÂN PHÚ KHÓA I, KỲ HỌP LẦN THỨ 7",
     {"unit": "QUẬN", "name": "TÂN PHÚ"}),
    ("council-abbrev", g.COUNCIL, "HĐND TỈNH LÀO CAI", {"name": "LÀO CAI"}),
    ("council-not-body-of", g.COUNCIL, "Hội đồng nhân dân tỉnh tán thành báo cáo", None),
    ("doc-type", g.DOCUMENT_TYPE, "NGHỊ QUYẾT", {"type": "NGHỊ QUYẾT"}),
    ("doc-type-of-037", g.DOCUMENT_TYPE, "NGHỊ QUYẾT CỦA HĐND TỈNH LÀO CAI", {"type": "NGHỊ QUYẾT"}),
    ("doc-type-not-sentence", g.DOCUMENT_TYPE, "Nghị quyết này được Hội đồng", None),
    ("article", g.ARTICLE, "Điều 1. Phạm vi điều chỉnh", {"num": "1", "rest": "Phạm vi điều chỉnh"}),
    ("article-colon", g.ARTICLE, "Điều 1: Phạm vi", {"num": "1"}),
    ("article-caps", g.ARTICLE, "ĐIỀU 3. Hiệu lực", {"num": "3"}),
    ("article-inserted", g.ARTICLE, "Điều 10a. Bổ sung", {"num": "10a"}),
    ("article-bold-md", g.ARTICLE, "**Điều 1. Phạm vi**", {"num": "1"}),
    ("article-alone", g.ARTICLE, "Điều 2", {"num": "2"}),
    ("article-cross-ref", g.ARTICLE, "Điều 5 của Luật này được sửa đổi", None),
    ("chapter", g.CHAPTER, "Chương I", {"num": "I"}),
    ("chapter-not-word", g.CHAPTER, "Chương trình phục hồi", None),
    ("section-not-word", g.SECTION, "Mục tiêu đến năm 2025", None),
    ("division", g.DIVISION, "I. KẾT QUẢ THỰC HIỆN", {"num": "I"}),
    ("clause", g.CLAUSE, "1. Kết quả đạt được", {"num": "1"}),
    ("clause-not-decimal", g.CLAUSE, "1.1. Thực hiện", None),
    ("clause-not-year", g.CLAUSE, "2023. Năm", None),
    ("subclause", g.SUBCLAUSE, "3.17. Đẩy mạnh", {"num": "3.17"}),
    ("subclause-not-thousands", g.SUBCLAUSE, "184.123 tỷ đồng", None),
    ("point-dd", g.POINT, "đ) Hỗ trợ", {"num": "đ"}),
    ("point-inserted", g.POINT, "a1) Bổ sung", {"num": "a1"}),
    ("item", g.ITEM, "(13) Phấn đấu tỷ lệ hộ nghèo", {"num": "13"}),
    ("bullet-dash", g.BULLET, "- Phát triển nông nghiệp", {"sym": "-"}),
    ("bullet-plus", g.BULLET, "+ Hỗ trợ", {"sym": "+"}),
    ("bullet-not-range", g.BULLET, "-2030", None),
    ("legal-basis", g.LEGAL_BASIS, "Căn cứ Luật Tổ chức chính quyền địa phương", {}),
    ("legal-basis-result-003", g.LEGAL_BASIS, "Căn cứ kết quả bầu cử", {}),
    ("legal-basis-not-word", g.LEGAL_BASIS, "Căn cứu", None),
    ("consideration", g.CONSIDERATION, "Xét Báo cáo số 216/BC-UBND", {}),
    ("consideration-after", g.CONSIDERATION, "Sau khi xem xét Tờ trình số 1390/TTr-UBND", {}),
    ("consideration-not-word", g.CONSIDERATION, "Xét nghiệm", None),
    ("enacting", g.ENACTING_FORMULA, "QUYẾT NGHỊ:", {"colon": ":"}),
    ("enacting-space-042", g.ENACTING_FORMULA, "QUYẾT NGHỊ :", {"colon": ":"}),
    ("enacting-no-colon", g.ENACTING_FORMULA, "QUYẾT NGHỊ", {"colon": None}),
    ("enacting-2025", g.ENACTING_SENTENCE, "Hội đồng nhân dân ban hành Nghị quyết về định mức", {}),
    ("enacting-2025-not-body", g.ENACTING_SENTENCE, "Hội đồng nhân dân tỉnh giám sát", None),
    ("term", g.TERM, g.fold("KHOÁ XVII, KỲ HỌP THỨ 19"), {"term": "XVII"}),
    ("session-words", g.SESSION, "KỲ HỌP THỨ BẢY", {"num": "BẢY"}),
    ("session-thematic", g.SESSION, "kỳ họp chuyên đề lần thứ 5", {"num": "5"}),
    ("passing-start", g.PASSING_START, "Nghị quyết này được Hội đồng nhân dân tỉnh Hải Dương khóa XVII, kỳ họp", {}),
    ("passing-start-no-nay-112", g.PASSING_START, "Nghị quyết đã được Hội đồng nhân dân thành phố", {}),
    ("passing-start-not-quote", g.PASSING_START, "Nghị quyết số 15/NQ-HĐND", None),
    ("signature-tm", g.SIGNATURE_AUTHORITY, "TM. HỘI ĐỒNG NHÂN DÂN", {"prefix": "TM"}),
    ("signature-slash-037", g.SIGNATURE_AUTHORITY, "T/M. HỘI ĐỒNG NHÂN DÂN", {"prefix": "T/M"}),
    ("signature-role", g.SIGNATURE_ROLE, "PHÓ CHỦ TỊCH", {}),
    ("recipients", g.RECIPIENTS_HEADING, "Nơi nhận:", {"heading": "Nơi nhận:"}),
    ("recipient-purpose", g.RECIPIENT, "- Bộ Kế hoạch và Đầu tư; (để báo cáo)",
     {"text": "Bộ Kế hoạch và Đầu tư", "purpose": "(để báo cáo)"}),
    ("archive", g.ARCHIVE, "- Lưu: VT.", {}),
    ("archive-no-colon", g.ARCHIVE, "- Lưu VT.", {}),
    ("archive-not-word", g.ARCHIVE, "- Lưu ý các sở", None),
    ("target-comparator", g.TARGET, "tăng trên 9%", {"comparator": "tăng trên", "value": "9", "unit": "%"}),
    ("target-money", g.TARGET, "đạt 205 triệu đồng", {"value": "205", "unit": "triệu đồng"}),
    ("glued-year", g.GLUED_MARKER, "giai đoạn 2023-20301.", {"year": "2030", "label": "1"}),
    ("glued-word", g.GLUED_MARKER, "của tỉnh2.", {"label": "2"}),
    ("footnote-body", g.FOOTNOTE_BODY, "1 Mục tiêu đến năm 2025: phấn đấu", {"label": "1"}),
    ("footnote-not-clause", g.FOOTNOTE_BODY, "1. Mục tiêu", None),
    ("document-ref", g.DOCUMENT_REF, "216/BC-UBND", {"number": "216/BC-UBND"}),
    ("document-ref-glued-106", g.DOCUMENT_REF, "35/2025/QĐ-TTgcủa", {"number": "35/2025/QĐ-TTg"}),
    ("document-ref-not-date", g.DOCUMENT_REF, "06/6/2003", None),
    ("attachment", g.ATTACHMENT, "PHỤ LỤC I", {"num": "I"}),
    ("attachment-regulation", g.ATTACHMENT, "QUY ĐỊNH", {}),
]


@pytest.mark.parametrize(("pattern", "text", "groups"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_pattern(pattern: regex.Pattern[str], text: str, groups: dict[str, Any] | None) -> None:
    m = pattern.search(text) if pattern in (g.TARGET, g.GLUED_MARKER, g.DOCUMENT_REF, g.TERM,
                                            g.SESSION) else pattern.match(text)
    if groups is None:
        assert m is None, m
        return
    assert m is not None
    for key, value in groups.items():
        assert m[key] == value, key


@pytest.mark.parametrize(("new", "old"), [("khoá", "khóa"), ("Hoà", "Hòa"), ("Uỷ ban", "Ủy ban"),
                                          ("thuỷ", "thủy"), ("KHOÁ", "KHÓA"), ("quý", "quý"),
                                          ("hoàn", "hoàn")])
def test_fold_tone_styles(new: str, old: str) -> None:
    assert g.fold(new) == old
    assert len(g.fold(new)) == len(new)


def test_point_letters_are_vietnamese_order() -> None:
    assert g.POINT_LETTERS.index("đ") == g.POINT_LETTERS.index("d") + 1
    assert not set("fjwz") & set(g.POINT_LETTERS)


def test_every_pattern_has_named_groups_only() -> None:
    for name, value in vars(g).items():
        if isinstance(value, regex.Pattern):
            assert value.groups == len(value.groupindex) or not value.groups or \
                len(set(value.groupindex.values())) <= value.groups, name


def test_no_pattern_is_compiled_outside_the_grammar_module() -> None:
    import re as stdlib_re

    from tests.conftest import ROOT

    offenders = []
    for path in (ROOT / "src" / "nghiquyet").rglob("*.py"):
        if path.name == "grammar.py":
            continue
        text = path.read_text(encoding="utf-8")
        for m in stdlib_re.finditer(r"\b(?:re|regex)\.(?:compile|match|search|sub|findall|finditer"
                                    r"|fullmatch|split)\(", text):
            offenders.append(f"{path.name}:{text.count(chr(10), 0, m.start()) + 1}")
    assert offenders == []


def test_safe_text_chars_hold_no_repair_suspect() -> None:
    """The reader's fast prefilter may skip only characters no repair can change."""
    import re as stdlib_re

    safe = stdlib_re.compile(f"[{g.SAFE_TEXT_CHARS}]")
    leaks = [hex(cp) for cp in range(0x110000)
             if safe.match(chr(cp)) and g.REPAIR_SUSPECT.match(chr(cp))]
    assert leaks == []
    assert g.MAYBE_REPAIR.match("\u0301") and g.MAYBE_REPAIR.match("Ð")
    assert not g.MAYBE_REPAIR.search("Điều 1. Thông qua kế hoạch phát triển – “năm 2024”")


@given(st.text(alphabet=" .;:!?…\"”)aà1\u00a0\t", max_size=12))
def test_ends_sentence_agrees_with_the_pattern(text: str) -> None:
    assert g.ends_sentence(text) == bool(g.SENTENCE_END.search(text))


@given(st.text(alphabet=" -–aĐà1(\"“%\u00a0\t\r\n\u2028\u00aa", max_size=10))
def test_line_helpers_agree_with_their_patterns(text: str) -> None:
    assert g.split_lines(text) == g.LINE_BREAK.split(text)
    line = text.replace("\r", "").replace("\n", "")
    assert g.starts_lower(line) == bool(g.STARTS_LOWER.match(line))
    assert g.hyphen_end(line) == bool(g.HYPHEN_END.search(line))


_OLD_FOLD = regex.compile(r"""
    (?<! [qQ] ) (?P<v> [oOuU] ) (?P<t> [àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ] ) (?! \p{L} )
    """, regex.VERBOSE)
"""The fold as one lookaround pattern: the reference the fast version is checked against."""


def _old_fold(text: str) -> str:
    import unicodedata

    def repl(m: regex.Match[str]) -> str:
        base, tone = g._BASE_TONE[m["t"]]
        return unicodedata.normalize("NFC", m["v"] + tone) + base
    return _OLD_FOLD.sub(repl, text)


@given(st.text(alphabet="qQoOuUàáỳÝẸeaỹ hn1ß\u0301", max_size=12))
def test_fold_agrees_with_the_lookaround_pattern(text: str) -> None:
    assert g.fold(text) == _old_fold(text)
    assert len(g.fold(text)) == len(text)


@given(st.text(alphabet="oOuUàáỳqQha m2k0l19[]/.,", max_size=16))
def test_glued_markers_are_the_same_on_folded_text(text: str) -> None:
    """The footnote linker looks for markers in unfolded text; the fold must not matter."""
    def found(t: str) -> list[tuple[tuple[int, int], str, str | None]]:
        return [(m.span(), m["label"], m["year"]) for m in g.GLUED_MARKER.finditer(t)]
    assert found(text) == found(g.fold(text))
