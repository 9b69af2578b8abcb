"""Akoma Ntoso 3.0: writer, reader, FRBR URIs, eIds, determinism, round trips, safety."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import nghiquyet
from nghiquyet.errors import LimitExceededError, SchemaError, UnsafeInputError
from nghiquyet.model import (
    Attachment, CitedDocument, Closing, Consideration, Council, DateLine, DocumentNumber,
    DocumentType, Effect, EnactingFormula, Footnote, FootnoteRef, Header, Indicator, LegalBasis,
    Paragraph, PassingClause, Preamble, Provision, Recipient, RecipientGroup, Recipients,
    Resolution, Session, Signature, SourceInfo, Table, Target, TextLine, TextRepair, Title,
    Unparsed,
)
from nghiquyet.readers.akn import from_akn
from nghiquyet.source import Span
from nghiquyet.validate import validate_akn
from nghiquyet.writers.akn import AKN_NS, NQ_NS, node_label, to_akn, to_akn_with_diagnostics
from nghiquyet.writers.frbr import FrbrUri, frbr_uri_for, slugify
from tests.conftest import CORPUS_REAL, SEED, corpus_inputs, real_texts

NS = {"a": AKN_NS, "nq": NQ_NS}


def xpath(root: etree._Element, path: str) -> Any:
    return root.xpath(path, namespaces=NS)


def without_spans(value: Any) -> Any:
    """``model_dump`` with every "span" key removed (spans are not part of the round trip)."""
    if isinstance(value, dict):
        return {k: without_spans(v) for k, v in value.items() if k != "span"}
    if isinstance(value, (list, tuple)):
        return [without_spans(v) for v in value]
    return value


# --------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed_doc() -> Resolution:
    return nghiquyet.parse_file(SEED).document


@pytest.fixture(scope="module")
def seed_xml(seed_doc: Resolution) -> bytes:
    return to_akn(seed_doc)


@pytest.fixture(scope="module")
def seed(seed_xml: bytes) -> etree._Element:
    return etree.fromstring(seed_xml)


def test_seed_is_a_statement_with_frbr(seed: etree._Element) -> None:
    assert xpath(seed, "/a:akomaNtoso/a:statement/@name") == ["resolution"]
    assert not xpath(seed, "//a:act")
    work = "/a:akomaNtoso/a:statement/a:meta/a:identification/a:FRBRWork"
    assert xpath(seed, f"{work}/a:FRBRprescriptive/@value") == ["false"]
    assert xpath(seed, f"{work}/a:FRBRcountry/@value") == ["vn-61"]
    uri = xpath(seed, f"{work}/a:FRBRuri/@value")[0]
    assert uri.startswith("/akn/vn-61/statement/nghi-quyet/hdnd-tinh-hai-duong/2023-12-08/")
    assert xpath(seed, f"{work}/a:FRBRauthor/@href") == ["#hdnd-tinh-hai-duong"]
    assert xpath(seed, "//a:FRBRExpression/a:FRBRlanguage/@language") == ["vie"]
    assert xpath(seed, "//a:FRBRManifestation/a:FRBRdate/@date") == ["2023-12-08"]


def test_seed_preface_and_council_line(seed: etree._Element) -> None:
    assert xpath(seed, "string(//a:preface//a:docType)") == "NGHỊ QUYẾT"
    assert xpath(seed, "string(//a:preface/a:longTitle//a:docTitle)") == (
        "Kết quả thực hiện kế hoạch phát triển kinh tế - xã hội năm 2023"
        "và kế hoạch phát triển kinh tế - xã hội năm 2024")  # the two lines, <br/> between
    formula = "//a:preamble/a:formula[@name='councilLine']"
    assert xpath(seed, f"string({formula}//a:docAuthority)") == "HỘI ĐỒNG NHÂN DÂN TỈNH HẢI DƯƠNG"
    assert xpath(seed, f"{formula}//a:legislature/@value") == ["17"]
    assert xpath(seed, f"string({formula}//a:legislature)") == "XVII"
    assert xpath(seed, f"{formula}//a:session/@value") == ["19"]
    assert xpath(seed, "string(//a:preamble/a:formula[@name='enactingFormula'])").strip() == \
        "QUYẾT NGHỊ:"


def test_seed_two_citations_with_refs(seed: etree._Element) -> None:
    refs = xpath(seed, "//a:preamble/a:citations/a:citation//a:ref")
    assert [r.text for r in refs] == [
        "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
        "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính "
        "quyền địa phương ngày 22 tháng 11 năm 2019"]
    assert refs[0].get("href") == \
        "/akn/vn/act/luat/2015-06-19/to-chuc-chinh-quyen-dia-phuong"
    assert [r.get(f"{{{NQ_NS}}}date") for r in refs] == ["2015-06-19", "2019-11-22"]


def test_seed_recital_cites_216(seed: etree._Element) -> None:
    ref = xpath(seed, "//a:preamble/a:recitals/a:recital//a:ref[@nq:number='216/BC-UBND']")
    assert len(ref) == 1
    assert ref[0].get("href") == "/akn/vn/doc/bao-cao/2023-12-04/216-bc-ubnd"
    assert ref[0].text.startswith("Báo cáo số 216/BC-UBND ngày 04 tháng 12 năm 2023")
    assert ref[0].get(f"{{{NQ_NS}}}issuer") == "Ủy ban nhân dân tỉnh"


def test_seed_three_articles(seed: etree._Element) -> None:
    articles = xpath(seed, "//a:mainBody/a:article")
    assert [a.get("eId") for a in articles] == ["art_1", "art_2", "art_3"]
    assert [xpath(a, "string(a:num)") for a in articles] == ["Điều 1.", "Điều 2.", "Điều 3."]
    # khoản → paragraph, decimal items and Roman sections → hcontainer, bullets → hcontainer
    assert xpath(seed, "//a:hcontainer[@eId='art_1__dvs_II__para_3__subcl_3.3']/"
                       "a:hcontainer[@name='bullet']/@eId") == [
        f"art_1__dvs_II__para_3__subcl_3.3__bullet_{k}" for k in (1, 2, 3)]
    assert xpath(seed, "//a:hcontainer[@name='division']/a:num/text()") == ["I.", "II."]


def test_seed_fifteen_indicators_as_quantities(seed: etree._Element, seed_doc: Resolution) -> None:
    indicators = xpath(seed, "//a:hcontainer[@name='indicator']")
    assert len(indicators) == 15
    assert [xpath(i, "string(a:num)") for i in indicators] == [f"({k})" for k in range(1, 16)]
    for element, model in zip(indicators, seed_doc.indicators(), strict=True):
        quantities = xpath(element, ".//a:quantity")
        assert len(quantities) == len(model.targets) >= 1
        assert [q.get("normalized") for q in quantities] == [t.value for t in model.targets]
        for quantity in quantities:
            concept = quantity.get("refersTo")[1:]
            assert xpath(seed, f"//a:references/a:TLCConcept[@eId='{concept}']")
    first = xpath(indicators[0], ".//a:quantity")[0]
    assert (first.text, first.get("normalized")) == ("9%", "9")
    fifth = xpath(indicators[4], ".//a:quantity")[0]
    assert (fifth.text, fifth.get("normalized")) == ("16,8%", "16.8")


def test_seed_two_authorial_notes_in_place(seed: etree._Element) -> None:
    notes = xpath(seed, "//a:authorialNote")
    assert len(notes) == 2
    one, two = notes
    assert (one.get("marker"), one.get("placement")) == ("1", "bottom")
    assert (two.get("marker"), two.get("placement")) == ("2", "bottom")
    assert xpath(one, "ancestor::a:hcontainer[1]/@eId") == ["art_1__dvs_II__para_3__subcl_3.5"]
    assert xpath(two, "ancestor::a:hcontainer[1]/@eId") == ["art_1__dvs_II__para_3__subcl_3.11"]
    assert xpath(one, "preceding-sibling::text()[1]")[0].endswith("giai đoạn 2023-2030")
    assert one.tail.startswith(". Thực hiện đồng bộ")
    assert xpath(two, "preceding-sibling::text()[1]")[0].endswith("kinh tế - xã hội của tỉnh")
    assert two.tail.startswith(". Quản lý, sử dụng")
    assert xpath(one, "string(a:p)").startswith("Mục tiêu đến năm 2025")
    assert xpath(two, "string(a:p)").startswith("Bãi rác phường Cộng Hòa")


def test_seed_signature(seed: etree._Element) -> None:
    signature = xpath(seed, "//a:conclusions/a:blockContainer//a:signature")[0]
    assert xpath(signature, "string(a:role)") == "CHỦ TỊCH"
    assert xpath(signature, "string(a:person)") == "Lê Văn Hiệu"
    role = xpath(signature, "a:role/@refersTo")[0]
    person = xpath(signature, "a:person/@refersTo")[0]
    assert xpath(signature, "a:person/@as") == [role]
    assert xpath(seed, f"//a:TLCRole[@eId='{role[1:]}']/@showAs") == ["CHỦ TỊCH"]
    assert xpath(seed, f"//a:TLCPerson[@eId='{person[1:]}']/@showAs") == ["Lê Văn Hiệu"]


SEED_RECIPIENTS = [
    "Ủy ban TV Quốc hội", "Thủ tướng Chính phủ", "Bộ Kế hoạch và Đầu tư",
    "Ban Công tác Đại biểu", "Ban Thường vụ Tỉnh ủy", "Thường trực HĐND, UBND, UB MTTQ tỉnh",
    "Đoàn Đại biểu Quốc hội tỉnh", "Các đại biểu HĐND tỉnh", "VP: Tỉnh ủy, UBND tỉnh",
    "Các sở, ban, ngành, đoàn thể của tỉnh", "Lãnh đạo và CV Văn phòng Đoàn ĐBQH và HĐND tỉnh",
    "TT HĐND, UBND các huyện, TX, TP", "Báo Hải Dương, Trang TTĐT Đoàn ĐBQH và HĐND tỉnh",
    "Trung tâm CNTT - VP UBND tỉnh", "Lưu VT",
]


@pytest.mark.parametrize("k,name", list(enumerate(SEED_RECIPIENTS, start=1)))
def test_seed_recipient(seed: etree._Element, k: int, name: str) -> None:
    block = "//a:conclusions/a:blockList[@eId='recipients']"
    assert xpath(seed, f"string({block}/a:listIntroduction)") == "Nơi nhận:"
    assert len(xpath(seed, f"{block}/a:item")) == 15
    item = xpath(seed, f"{block}/a:item[@eId='recipients__item_{k}']")[0]
    assert xpath(item, "string(a:p/a:organization)") == name
    org = xpath(item, "a:p/a:organization/@refersTo")[0][1:]
    assert xpath(seed, f"//a:references/a:TLCOrganization[@eId='{org}']/@showAs") == [name]
    purposes = item.get("refersTo", "").split()
    if k <= 3:  # "(để báo cáo)" covers the first three entries
        assert xpath(seed, f"//a:TLCConcept[@eId='{purposes[0][1:]}']/@showAs") == ["để báo cáo"]
    else:
        assert purposes == []
    assert (item.get("class") == "archive") == (k == 15)


def test_seed_validates_and_round_trips(seed_xml: bytes, seed_doc: Resolution) -> None:
    assert validate_akn(seed_xml) == []
    assert without_spans(from_akn(seed_xml).model_dump()) == without_spans(seed_doc.model_dump())
    assert from_akn(to_akn(seed_doc, spans=True)) == seed_doc


def test_seed_reports_nq504_for_the_missing_number(seed_doc: Resolution) -> None:
    _, diagnostics = to_akn_with_diagnostics(seed_doc)
    assert [d.code for d in diagnostics] == ["NQ504"]
    assert "number" in diagnostics[0].message


# --------------------------------------------------------------------------- determinism


def test_bytes_are_deterministic_and_dated_by_the_document(seed_doc: Resolution) -> None:
    first = to_akn(seed_doc)
    assert first == to_akn(seed_doc)
    assert first.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<akomaNtoso")
    other = to_akn(seed_doc, generated_on=dt.date(2030, 1, 2))
    assert b'<FRBRdate date="2030-01-02" name="generation"/>' in other
    assert first.replace(b'date="2023-12-08" name="generation"',
                         b'date="2030-01-02" name="generation"') == other


def test_public_api_exposes_to_akn_and_from_akn(seed_doc: Resolution) -> None:
    xml = nghiquyet.to_akn(seed_doc)
    assert nghiquyet.from_akn(xml.decode("utf-8")).articles()[0].label == "Điều 1."
    assert nghiquyet.validate_akn(xml) == []


# --------------------------------------------------------------------------- corpus round trip


def corpus_documents() -> list[Any]:
    params = [pytest.param(p, id=str(p.relative_to(SEED.parent.parent))) for p in corpus_inputs()]
    params += [pytest.param(p, id=f"corpus-real/{p.relative_to(CORPUS_REAL)}")
               for p in real_texts()]
    return params


@pytest.mark.parametrize("path", corpus_documents())
def test_corpus_akn_is_valid_and_round_trips(path: Path) -> None:
    doc = nghiquyet.parse_file(path).document
    xml = to_akn(doc)
    assert validate_akn(xml, source=path.name) == []
    back = from_akn(xml)
    assert without_spans(back.model_dump()) == without_spans(doc.model_dump())
    assert to_akn(back) == xml  # and back again, byte for byte
    assert from_akn(to_akn(doc, spans=True)) == doc


@pytest.mark.skipif(not CORPUS_REAL.is_dir(), reason="../shared/corpus-real is absent")
def test_real_corpus_is_not_empty() -> None:
    assert len(real_texts()) >= 20


# --------------------------------------------------------------------------- FRBR and eIds


def _doc(**header: Any) -> Resolution:
    body = (Provision(kind="article", num="1", label="Điều 1.", text="Thử.", span=Span(3)),)
    return Resolution(source=SourceInfo(name="t.txt", format="text"), header=Header(**header),
                      body=body)


def _council(locality: str, province: str, unit: str = "tỉnh",
             level: str = "tỉnh") -> Council:
    return Council(name=f"HỘI ĐỒNG NHÂN DÂN {unit.upper()} {locality.upper()}", level=level,  # type: ignore[arg-type]
                   unit=unit, locality=locality, province_id=province, evidence="header")


def _number(raw: str, year: int | None) -> DocumentNumber:
    seq = raw.partition("/")[0]
    return DocumentNumber(raw=raw, sequence=seq, year=year, type_symbol="NQ", issuer_symbol="HĐND",
                          symbol="NQ-HĐND", normalised=raw, normative=year is not None,
                          span=Span(2))


def _dated(on: dt.date) -> DateLine:
    return DateLine(raw=f"ngày {on.day} tháng {on.month} năm {on.year}", date=on, span=Span(2))


def test_normative_resolution_is_an_act() -> None:
    doc = _doc(council=_council("Hải Dương", "hai-duong"), number=_number("12/2023/NQ-HĐND", 2023),
               date_line=_dated(dt.date(2023, 7, 14)))
    xml, diagnostics = to_akn_with_diagnostics(doc)
    root = etree.fromstring(xml)
    assert xpath(root, "/a:akomaNtoso/a:act/@name") == ["resolution"]
    assert xpath(root, "//a:act/a:body/a:article/@eId") == ["art_1"]
    assert xpath(root, "//a:FRBRWork/a:FRBRprescriptive/@value") == ["true"]
    assert xpath(root, "//a:FRBRWork/a:FRBRnumber/@value") == ["12/2023/NQ-HĐND"]
    assert xpath(root, "string(//a:preface//a:docNumber)") == "12/2023/NQ-HĐND"
    assert xpath(root, "//a:FRBRWork/a:FRBRuri/@value") == [
        "/akn/vn-61/act/nghi-quyet/hdnd-tinh-hai-duong/2023-07-14/12-2023-nq-hdnd"]
    assert xpath(root, "//a:FRBRWork/a:FRBRdate/@name") == ["signature"]
    assert diagnostics == []
    assert validate_akn(xml) == []


@pytest.mark.parametrize("locality,province,on,country", [
    ("Hải Dương", "hai-duong", dt.date(2023, 12, 8), "vn-61"),
    ("Hải Phòng", "hai-phong", dt.date(2024, 5, 1), "vn-hp"),
    ("Hải Phòng", "hai-phong-2025", dt.date(2025, 9, 1), "vn"),   # merged unit: no ISO code
    ("Hà Nội", "ha-noi", dt.date(2025, 11, 26), "vn-hn"),         # untouched by the merger
    ("Hải Dương", "hai-duong", dt.date(2025, 8, 1), "vn"),        # date after the merger
])
def test_country_is_the_iso_subdivision_on_the_adoption_date(
        locality: str, province: str, on: dt.date, country: str) -> None:
    doc = _doc(council=_council(locality, province), number=_number("5/NQ-HĐND", None),
               date_line=_dated(on))
    uri, missing = frbr_uri_for(doc)
    assert (uri.country, uri.doctype, missing) == (country, "statement", ())
    assert uri.work_uri.startswith(f"/akn/{country}/statement/nghi-quyet/hdnd-")
    assert validate_akn(to_akn(doc)) == []


def test_post_2025_commune_council_actor_names_the_province() -> None:
    council = _council("An Phú", "hai-phong-2025", unit="xã", level="xã")
    doc = _doc(council=council, number=_number("3/NQ-HĐND", None),
               date_line=_dated(dt.date(2025, 9, 1)))
    uri, _ = frbr_uri_for(doc)
    assert (uri.country, uri.actor) == ("vn", "hdnd-xa-an-phu-hai-phong")


def test_district_council_records_its_successor_unit() -> None:
    council = _council("Nam Sách", "hai-duong", unit="huyện", level="huyện")
    doc = _doc(council=council, number=_number("7/NQ-HĐND", None),
               date_line=_dated(dt.date(2020, 3, 4)))
    root = etree.fromstring(to_akn(doc))
    assert xpath(root, "//a:FRBRWork/a:FRBRuri/@value")[0].startswith(
        "/akn/vn-61/statement/nghi-quyet/hdnd-huyen-nam-sach/2020-03-04/")
    assert xpath(root, "//a:TLCLocation[@eId='successor']/@showAs") == ["Thành phố Hải Phòng"]


def test_provincial_council_records_its_successor_province(seed: etree._Element) -> None:
    assert xpath(seed, "//a:TLCLocation[@eId='successor']/@showAs") == ["Thành phố Hải Phòng"]


def test_missing_number_and_date_give_unique_uris_and_nq504() -> None:
    one = _doc(title=Title(text="Về việc A", lines=("Về việc A",), span=Span(1)))
    two = _doc(title=Title(text="Về việc B", lines=("Về việc B",), span=Span(1)))
    (u1, m1), (u2, _) = frbr_uri_for(one), frbr_uri_for(two)
    assert m1 == ("number", "date", "council")
    assert u1.work_uri != u2.work_uri
    assert u1.work_uri.startswith("/akn/vn/statement/nghi-quyet/hdnd/0000/ve-viec-a-")
    assert frbr_uri_for(one) == (u1, m1)  # deterministic
    xml, diagnostics = to_akn_with_diagnostics(one)
    assert [d.code for d in diagnostics] == ["NQ504"]
    assert "number and date and council" in diagnostics[0].message
    assert validate_akn(xml) == []


def test_frbr_uri_value_object() -> None:
    uri = FrbrUri("vn-61", "act", "nghi-quyet", "hdnd-tinh-hai-duong", "2023-12-08",
                  "12-2023-nq-hdnd")
    assert uri.work_this.endswith("/12-2023-nq-hdnd/!main")
    assert uri.manifestation_uri.endswith("/12-2023-nq-hdnd/vie@.akn")
    for form in (uri.work_uri, uri.expression_uri, uri.manifestation_uri, uri.expression_this):
        assert FrbrUri.parse(form) == uri
    assert FrbrUri.parse(uri.for_component("att_1").manifestation_this).component == "att_1"
    with pytest.raises(ValueError):
        FrbrUri.parse("/akn/vn/act/2023/1 x")
    assert slugify("12/2023/NQ-HĐND") == "12-2023-nq-hdnd"


def test_eids_keep_d_with_stroke_and_never_collide() -> None:
    points = tuple(_point(letter) for letter in ("d", "đ", "e"))
    clause = Provision(kind="clause", num="2", label="2.", text="Gồm:", children=points,
                       span=Span(4))
    article = Provision(kind="article", num="5", label="Điều 5.", children=(clause,),
                        span=Span(3))
    doc = Resolution(source=SourceInfo(name="t", format="text"), body=(article, article))
    root = etree.fromstring(to_akn(doc))
    eids = xpath(root, "//a:point/@eId")
    assert eids[:3] == ["art_5__para_2__point_d", "art_5__para_2__point_đ",
                        "art_5__para_2__point_e"]
    assert len(set(xpath(root, "//@eId"))) == len(xpath(root, "//@eId"))
    assert xpath(root, "//a:article/@eId") == ["art_5", "art_5_2"]
    assert validate_akn(to_akn(doc)) == []


def _point(letter: str) -> Provision:
    return Provision(kind="point", num=letter, label=f"{letter})", text=f"điểm {letter}",
                     span=Span(5))


def test_structures_map_to_their_elements() -> None:
    table = Table(rows=(("Chỉ tiêu", "Năm"), ("A", ""), ()), header_rows=1, caption="Đơn vị",
                  span=Span(9))
    article = Provision(kind="article", num="1", label="Điều 1.", text="Mở đầu", span=Span(3),
                        children=(
                            Paragraph(text="Đoạn giữa", span=Span(4)),
                            Provision(kind="item", num="1", label="(1)", text="Mục", span=Span(5)),
                            table,
                            Unparsed(text="???", span=Span(10)),
                            Paragraph(text="Đoạn cuối", span=Span(11)),
                        ))
    chapter = Provision(kind="chapter", num="I", label="Chương I", heading="QUY ĐỊNH CHUNG",
                        children=(article,), span=Span(2))
    doc = Resolution(source=SourceInfo(name="t", format="text"), body=(chapter,),
                     attachments=(Attachment(kind="annex", label="Phụ lục I", num="I",
                                             title="DANH MỤC", pointer="(Kèm theo …)",
                                             children=(table,), span=Span(20)),))
    xml = to_akn(doc)
    root = etree.fromstring(xml)
    art = xpath(root, "//a:chapter[@eId='chp_I']/a:article[@eId='chp_I__art_1']")[0]
    assert xpath(art, "string(a:intro/a:p)") == "Mở đầu"
    assert xpath(art, "a:alinea/@eId") == ["chp_I__art_1__al_1"]
    assert xpath(art, "a:hcontainer/@name") == ["item", "table", "unparsed"]
    assert xpath(art, "string(a:wrapUp/a:p)") == "Đoạn cuối"
    assert xpath(art, "count(.//a:table/a:tr[1]/a:th)") == 2
    assert xpath(root, "//a:attachments/a:attachment[@eId='att_1']/a:doc/@name") == ["annex"]
    assert xpath(root, "//a:attachment//a:FRBRthis/@value")[0].endswith("/!att_1")
    assert xpath(root, "//a:attachment//a:hcontainer/@eId") == ["att_1__table_1"]
    assert validate_akn(xml) == []
    assert from_akn(to_akn(doc, spans=True)) == doc


def test_nested_citations_nest_their_refs() -> None:
    # corpus-real/012: "Thông tư … ban hành kèm theo Nghị định số 91/2005/NĐ-CP … của Chính phủ"
    text = "Căn cứ Thông tư số 36 kèm theo Nghị định số 91/2005/NĐ-CP của Chính phủ;"
    outer, inner = text.index("Thông tư"), text.index("Nghị định")
    cited = (CitedDocument(text=text[outer:-1], start=outer, end=len(text) - 1,
                           document_kind="Thông tư", number="36"),
             CitedDocument(text="Nghị định số 91/2005/NĐ-CP", start=inner, end=inner + 26,
                           document_kind="Nghị định", number="91/2005/NĐ-CP"))
    doc = Resolution(source=SourceInfo(name="t", format="text"), preamble=Preamble(
        legal_bases=(LegalBasis(text=text, citations=cited, span=Span(1)),)))
    xml = to_akn(doc)
    root = etree.fromstring(xml)
    assert xpath(root, "string(//a:citation//a:ref/a:ref)") == "Nghị định số 91/2005/NĐ-CP"
    assert b"nq:fix" not in xml
    assert from_akn(to_akn(doc, spans=True)) == doc


def test_signature_name_printed_over_two_lines() -> None:
    # corpus-real/full/103: the signer's name is wrapped after the family name
    sig = Signature(role="CHỦ TỊCH", name="Phùng Thị Hồng Hà",
                    lines=("CHỦ TỊCH", "Phùng", "Thị Hồng Hà"), span=Span(9))
    doc = Resolution(source=SourceInfo(name="t", format="text"), closing=Closing(signature=sig))
    xml = to_akn(doc)
    root = etree.fromstring(xml)
    assert xpath(root, "count(//a:signature/a:person/a:br)") == 1
    assert b"nq:fix" not in xml
    assert from_akn(to_akn(doc, spans=True)) == doc


GOLDEN = SEED.with_name("2023-ktxh.expected.akn.xml")


def test_seed_golden_akn(seed_xml: bytes, update_golden: bool) -> None:
    if update_golden:
        GOLDEN.write_bytes(seed_xml)
    if not GOLDEN.exists():
        pytest.fail(f"missing golden {GOLDEN.name}: run pytest --update-golden -k seed_golden")
    assert seed_xml == GOLDEN.read_bytes(), "AKN differs from the golden; review the diff"


# --------------------------------------------------------------------------- safety

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">&lol4;</akomaNtoso>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE akomaNtoso [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">&xxe;</akomaNtoso>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE akomaNtoso SYSTEM "http://example.invalid/akn.dtd">
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"/>"""

PLAIN_DOCTYPE = b"""<?xml version="1.0"?>
<!DOCTYPE akomaNtoso>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"/>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PLAIN_DOCTYPE],
                         ids=["billion-laughs", "external-entity", "external-dtd", "doctype"])
def test_hostile_xml_is_refused(data: bytes) -> None:
    with pytest.raises(UnsafeInputError) as info:
        from_akn(data)
    assert info.value.code == "NQ108"
    assert "passwd" not in str(info.value)


def test_size_limit_and_wrong_documents(seed_xml: bytes) -> None:
    with pytest.raises(LimitExceededError):
        from_akn(seed_xml, max_bytes=1000)
    with pytest.raises(SchemaError):
        from_akn(b"<html/>")
    with pytest.raises(TypeError):
        from_akn(42)  # type: ignore[arg-type]


def test_unknown_schema_major_version_is_refused(seed_xml: bytes) -> None:
    with pytest.raises(SchemaError, match="schema version"):
        from_akn(seed_xml.replace(b'schemaVersion="1.0"', b'schemaVersion="9.0"'))


# --------------------------------------------------------------------------- property test

_SMALL = "aăâbcdđeêghiklmnoôơpqrstuưvxyĐÀẢỄ0123456789 .,;:()-/%"
TEXT = st.one_of(
    st.text(alphabet=_SMALL, max_size=24),
    st.text(alphabet=st.characters(codec="utf-8",
                                   exclude_categories=("Cs", "Cc", "Co", "Cn"),
                                   include_characters="\n\t"), max_size=12),
)
OPT = st.none() | TEXT
INTS = st.integers(-2, 40)
DATES = st.none() | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))
SPANS = st.builds(Span, line=st.integers(1, 999), end_line=st.none() | st.integers(1, 999),
                  page=st.none() | st.integers(1, 50), end_page=st.none() | st.integers(1, 50))
LABELS = st.sampled_from(["1", "2", "3", "[1]", "*"])
REFS = st.lists(st.builds(FootnoteRef, label=LABELS, marker=LABELS, offset=INTS), max_size=2)\
    .map(tuple)
KINDS = st.sampled_from(["part", "chapter", "section", "subsection", "article", "division",
                         "clause", "subclause", "point", "item", "bullet"])


@st.composite
def spans_in(draw: Any, text: str) -> tuple[int, int]:
    """Offsets inside ``text`` most of the time, anywhere sometimes."""
    if text and draw(st.integers(0, 4)):
        start = draw(st.integers(0, len(text)))
        return start, draw(st.integers(start, len(text)))
    return draw(INTS), draw(INTS)


@st.composite
def cited_paragraph(draw: Any) -> tuple[str, tuple[CitedDocument, ...]]:
    text = draw(TEXT)
    cited = []
    for _ in range(draw(st.integers(0, 3))):
        start, end = draw(spans_in(text))
        piece = text[start:end] if draw(st.booleans()) else draw(TEXT)
        cited.append(CitedDocument(text=piece, start=start, end=end, document_kind=draw(OPT),
                                   number=draw(OPT), date=draw(DATES), issuer=draw(OPT),
                                   name=draw(OPT)))
    return text, tuple(cited)


@st.composite
def indicators(draw: Any) -> Indicator:
    text = draw(TEXT)
    targets = []
    for _ in range(draw(st.integers(0, 3))):
        start, end = draw(spans_in(text))
        covered = text[start:end] if 0 <= start <= end else ""
        raw = draw(st.sampled_from([covered.split(" ")[0], "16,8", "9"]))
        targets.append(Target(text=draw(TEXT), start=start, end=end, metric=draw(OPT),
                              comparator=draw(OPT), value=draw(TEXT), value_raw=raw,
                              unit=draw(OPT), reference=draw(OPT)))
    num = draw(st.integers(1, 20))
    label = draw(st.sampled_from([f"({num})", f"{num}.", "x"]))
    return Indicator(num=str(num), label=label, text=text, targets=tuple(targets),
                     footnote_refs=draw(REFS), span=draw(SPANS))


@st.composite
def provisions(draw: Any, children: Any) -> Provision:
    kind = draw(KINDS)
    num = draw(st.sampled_from(["1", "2", "đ", "d", "II", "1.1", "5a", None]))
    label = "-" if kind == "bullet" else draw(st.sampled_from(
        [f"Điều {num}.", f"{num}.", f"{num})", f"({num})", "Chương II", "x"]))
    return Provision(kind=kind, num=num, label=label, heading=draw(OPT), text=draw(OPT),
                     footnote_refs=draw(REFS), children=tuple(draw(children)),
                     span=draw(SPANS))


LEAVES = st.one_of(
    st.builds(Paragraph, text=TEXT, footnote_refs=REFS, span=SPANS),
    indicators(),
    st.builds(Table, rows=st.lists(st.lists(TEXT, max_size=3).map(tuple), max_size=3).map(tuple),
              header_rows=st.integers(-1, 4), caption=OPT, span=SPANS),
    st.builds(Unparsed, text=TEXT, span=SPANS),
)
NODES = st.recursive(LEAVES, lambda inner: provisions(st.lists(inner, max_size=3)), max_leaves=8)


def walk_hosts(nodes: tuple[Any, ...], path: tuple[str, ...] = ()
               ) -> Iterator[tuple[tuple[str, ...], FootnoteRef]]:
    """(anchor, marker) pairs as the writer and reader see them."""
    for node in nodes:
        anchor = (*path, node_label(node))
        for ref in getattr(node, "footnote_refs", ()):
            yield anchor, ref
        if isinstance(node, Provision):
            yield from walk_hosts(node.children, anchor)


@st.composite
def resolutions(draw: Any) -> Resolution:
    council = draw(st.none() | st.builds(
        Council, name=TEXT, level=st.sampled_from([None, "tỉnh", "huyện", "xã"]),
        unit=st.sampled_from([None, "tỉnh", "huyện", "thành phố", "xã"]), locality=OPT,
        province_id=st.sampled_from([None, "hai-duong", "hai-phong-2025", "ha-noi", "nowhere"]),
        evidence=st.sampled_from(["header", "council-line", "passing-clause", "date-line"]),
        span=st.none() | SPANS))
    raw_session = draw(TEXT)
    term_raw = draw(st.sampled_from([None, raw_session[:3], "XVII"]))
    header = Header(
        national_title=draw(st.none() | st.builds(TextLine, text=TEXT, span=SPANS)),
        motto=draw(st.none() | st.builds(TextLine, text=TEXT, span=SPANS)),
        council=council,
        number=draw(st.none() | st.builds(
            DocumentNumber, raw=TEXT, sequence=OPT, year=st.none() | st.integers(1990, 2030),
            type_symbol=OPT, issuer_symbol=OPT, symbol=TEXT, normalised=TEXT,
            normative=st.booleans(), span=SPANS)),
        date_line=draw(st.none() | st.builds(DateLine, raw=TEXT, place=OPT, date=DATES,
                                             span=SPANS)),
        document_type=draw(st.none() | st.builds(
            DocumentType, raw=TEXT, type=st.sampled_from(["resolution", "decision"]),
            span=st.none() | SPANS)),
        title=draw(st.none() | st.builds(Title, text=TEXT, lines=st.lists(TEXT, max_size=3)
                                         .map(tuple), span=SPANS)),
        session=draw(st.none() | st.builds(
            Session, raw=st.just(raw_session), term=st.none() | st.integers(1, 20),
            term_raw=st.just(term_raw), number=st.none() | st.integers(1, 40), number_raw=OPT,
            kind=st.sampled_from(["regular", "thematic", "extraordinary"]), span=SPANS)),
        other=tuple(draw(st.lists(st.builds(TextLine, text=TEXT, span=SPANS), max_size=2))),
    )
    bases = []
    for _ in range(draw(st.integers(0, 2))):
        text, cited = draw(cited_paragraph())
        bases.append(LegalBasis(text=text, citations=cited, footnote_refs=draw(REFS),
                                span=draw(SPANS)))
    considerations = []
    for _ in range(draw(st.integers(0, 2))):
        text, cited = draw(cited_paragraph())
        considerations.append(Consideration(text=text, citations=cited, footnote_refs=draw(REFS),
                                            span=draw(SPANS)))
    preamble = Preamble(legal_bases=tuple(bases), considerations=tuple(considerations),
                        enacting_formula=draw(st.none() | st.builds(
                            EnactingFormula, text=TEXT,
                            style=st.sampled_from(["quyet-nghi", "sentence"]), span=SPANS)))
    passing_text = draw(TEXT)
    entries = tuple(draw(st.lists(st.builds(Recipient, text=TEXT, raw=TEXT, purpose=OPT,
                                            archive=st.booleans(), span=SPANS), max_size=4)))
    closing = Closing(
        passing=draw(st.none() | st.builds(
            PassingClause, text=st.just(passing_text),
            council=st.sampled_from([None, passing_text[2:9], "tỉnh X"]),
            term=st.none() | st.integers(1, 20), session=st.none() | st.integers(1, 40),
            session_kind=st.sampled_from([None, "regular", "thematic", "extraordinary"]),
            date=DATES, embedded=st.booleans(), span=SPANS)),
        effect=draw(st.none() | st.builds(
            Effect, text=TEXT, date=DATES,
            rule=st.sampled_from(["date", "on-passing", "on-signing", "after-days"]),
            days=st.none() | st.integers(0, 60), span=SPANS)),
        signature=draw(st.none() | st.builds(
            Signature, authority_prefix=OPT, authority=OPT, role=OPT, name=OPT,
            signed_marker=OPT, lines=st.lists(TEXT, max_size=4).map(tuple), span=SPANS)),
        recipients=draw(st.none() | st.builds(
            Recipients, heading=TEXT, entries=st.just(entries),
            groups=st.lists(st.builds(RecipientGroup, purpose=TEXT, raw=TEXT,
                                      entries=st.lists(st.integers(-1, 5), max_size=3)
                                      .map(tuple)), max_size=2).map(tuple),
            span=SPANS)),
        other=tuple(draw(st.lists(st.builds(TextLine, text=TEXT, span=SPANS), max_size=2))),
    )
    body = tuple(draw(st.lists(NODES, max_size=3)))
    attachments = tuple(draw(st.lists(st.builds(
        Attachment, kind=st.sampled_from(["annex", "regulation"]),
        label=st.sampled_from(["Phụ lục I", "QUY ĐỊNH", "Phụ lục số 02", "x"]), num=OPT,
        title=OPT, pointer=OPT, children=st.lists(NODES, max_size=2).map(tuple), span=SPANS),
        max_size=2)))
    hosts = [*walk_hosts(body)] + [((), ref) for b in bases for ref in b.footnote_refs]
    footnotes = []
    for anchor, ref in hosts:
        if draw(st.booleans()):
            footnotes.append(Footnote(label=ref.label, text=draw(TEXT), anchor=anchor,
                                      offset=ref.offset, span=draw(SPANS)))
    footnotes += draw(st.lists(st.builds(
        Footnote, label=LABELS, text=TEXT,
        anchor=st.none() | st.lists(TEXT, max_size=2).map(tuple),
        offset=st.none() | INTS, span=SPANS), max_size=2))
    source = SourceInfo(
        name=draw(TEXT), format=draw(st.sampled_from(["text", "pdf"])),
        sha256=draw(st.none() | st.just("ab" * 32)), pages=draw(st.none() | st.integers(1, 9)),
        repairs=tuple(draw(st.lists(st.builds(TextRepair, line=st.integers(1, 99),
                                              page=st.none() | st.integers(1, 9),
                                              original=st.text(max_size=12)), max_size=2))))
    return Resolution(source=source, header=header, preamble=preamble, body=body,
                      closing=closing, attachments=attachments,
                      footnotes=tuple(draw(st.permutations(footnotes))))


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(resolutions())
def test_generated_models_round_trip_through_valid_akn(doc: Resolution) -> None:
    xml = to_akn(doc, spans=True)
    assert validate_akn(xml) == []
    back = from_akn(xml)
    assert back.model_dump() == doc.model_dump()
    plain = to_akn(doc)
    assert without_spans(from_akn(plain).model_dump()) == without_spans(doc.model_dump())


def test_content_hash_ignores_exactly_the_spans(seed_doc: Resolution) -> None:
    """The content key is the model's JSON with the span members cut out, nothing more."""
    import json

    from nghiquyet.writers.frbr import _without_spans

    data = seed_doc.model_dump_json(exclude_none=True)
    expected = without_spans(seed_doc.model_dump(mode="json", exclude_none=True))
    assert data.count('"span":{') > 50
    assert json.loads(_without_spans(data)) == expected


@given(st.text(max_size=30))
def test_slugify_matches_decompose_and_strip(text: str) -> None:
    """The translate table is only a fast path of "decompose, drop the marks, ASCII"."""
    import unicodedata

    from nghiquyet import grammar

    plain = "".join(c for c in unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
                    if not unicodedata.combining(c)).lower()
    assert slugify(text) == grammar.SLUG_SEPARATOR.sub("-", plain).strip("-")
