"""Validation: JSON against the model's schema, AKN against the strict XSD plus consistency
checks; one test per output-validation code (NQ501–NQ506), each with its line number."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

import nghiquyet
from nghiquyet.errors import SchemaError
from nghiquyet.model import Resolution
from nghiquyet.validate import (
    akn_schema, assert_valid_akn, assert_valid_json, validate_akn, validate_file, validate_files,
    validate_json,
)
from nghiquyet.writers.akn import to_akn
from tests.conftest import CORPUS_REAL, SEED, corpus_inputs, real_texts
from tests.test_akn import BILLION_LAUGHS, EXTERNAL_DTD, EXTERNAL_ENTITY, PLAIN_DOCTYPE


@pytest.fixture(scope="module")
def doc() -> Resolution:
    return nghiquyet.parse_file(SEED).document


@pytest.fixture(scope="module")
def json_text(doc: Resolution) -> str:
    return nghiquyet.to_json(doc)


@pytest.fixture(scope="module")
def akn_text(doc: Resolution) -> str:
    return to_akn(doc).decode("utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of ``needle``."""
    return text[: text.index(needle)].count("\n") + 1


def codes(diagnostics: list[Any]) -> list[str]:
    return [d.code for d in diagnostics]


# --------------------------------------------------------------------------- JSON (NQ501)


def test_valid_json_in_every_form(json_text: str) -> None:
    assert validate_json(json_text) == []
    assert validate_json(json_text.encode("utf-8")) == []
    assert validate_json(json.loads(json_text)) == []
    assert_valid_json(json_text)


def test_json_schema_errors_point_at_their_lines(json_text: str) -> None:
    bad = json_text.replace('"num": "1.1"', '"num": 11', 1).replace(
        '"kind": "bullet"', '"kind": "bulet"', 1)
    found = validate_json(bad, source="bad.json")
    assert codes(found) == ["NQ501", "NQ501"]
    num, kind = found
    assert num.span is not None and num.span.line == line_of(bad, '"num": 11')
    assert "/children/2/num" in num.message
    assert kind.span is not None and kind.span.line == line_of(bad, '"kind": "bulet"') - 1
    assert "unknown kind 'bulet'" in kind.message
    assert kind.format().startswith(f"bad.json:l{kind.span.line}: error NQ501:")


def test_json_syntax_error_and_wrong_version(json_text: str) -> None:
    broken = json_text.replace('"header": {', '"header" {', 1)
    [found] = validate_json(broken)
    assert found.code == "NQ501" and found.span is not None
    assert found.span.line == line_of(broken, '"header" {')
    old = json_text.replace('"schema_version": "1.0"', '"schema_version": "2.0"')
    assert any("unknown schema version '2.0'" in d.message for d in validate_json(old))
    assert codes(validate_json("[]")) == ["NQ501"]
    with pytest.raises(TypeError):
        validate_json(3)  # type: ignore[arg-type]


def test_assert_valid_json_raises() -> None:
    with pytest.raises(SchemaError) as info:
        assert_valid_json('{"schema_version": "1.0"}')
    assert info.value.code == "NQ501"
    assert "'source' is a required property" in str(info.value)


def corpus_params() -> list[Any]:
    return [pytest.param(p, id=p.name) for p in [*corpus_inputs(), *real_texts()]]


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_json_and_akn_validate(path: Path) -> None:
    doc = nghiquyet.parse_file(path).document
    assert validate_json(nghiquyet.to_json(doc), source=path.name) == []
    assert_valid_akn(to_akn(doc), source=path.name)


# --------------------------------------------------------------------------- AKN


def test_valid_akn(akn_text: str) -> None:
    assert validate_akn(akn_text) == []
    assert validate_akn(akn_text.encode("utf-8")) == []
    assert_valid_akn(akn_text)


def test_nq502_schema_error_with_line(akn_text: str) -> None:
    bad = akn_text.replace("<docType>NGHỊ QUYẾT</docType>", "<docKind>NGHỊ QUYẾT</docKind>")
    found = validate_akn(bad, source="bad.xml")
    assert codes(found) == ["NQ502"]
    assert found[0].span is not None and found[0].span.line == line_of(bad, "<docKind>")
    assert "docKind" in found[0].message
    with pytest.raises(SchemaError) as info:
        assert_valid_akn(bad)
    assert info.value.code == "NQ502"


def test_nq503_duplicate_eid(akn_text: str) -> None:
    bad = akn_text.replace('eId="art_2"', 'eId="art_1"')
    found = [d for d in validate_akn(bad) if d.code == "NQ503"]
    assert len(found) == 1
    assert "duplicate eId 'art_1'" in found[0].message
    assert found[0].span is not None
    assert found[0].span.line == line_of(bad, "<num>Điều 2.</num>") - 1  # the second article


def test_nq503_reference_that_resolves_nowhere(akn_text: str) -> None:
    bad = akn_text.replace('<role refersTo="#role-chu-tich">', '<role refersTo="#role-x">')
    [found] = validate_akn(bad)
    assert found.code == "NQ503"
    assert "refersTo='#role-x' on <role> names no element" in found.message
    assert found.span is not None and found.span.line == line_of(bad, "#role-x")


def test_nq503_frbr_uris_disagree(akn_text: str) -> None:
    country = akn_text.replace('<FRBRcountry value="vn-61"/>', '<FRBRcountry value="vn-62"/>')
    [found] = validate_akn(country)
    assert (found.code, found.span.line if found.span else 0) == (
        "NQ503", line_of(country, 'value="vn-62"'))
    expression = akn_text.replace("/vie@\"/>", "/eng@\"/>", 1)
    found_all = validate_akn(expression)
    assert codes(found_all) and set(codes(found_all)) == {"NQ503"}
    assert any("does not extend" in d.message for d in found_all)
    broken = akn_text.replace('<FRBRuri value="/akn/vn-61/', '<FRBRuri value="/akn/61/', 1)
    assert any("not an FRBR URI" in d.message for d in validate_akn(broken))


def test_nq503_attachment_belongs_to_the_main_work() -> None:
    from nghiquyet.model import Attachment, Paragraph, SourceInfo
    from nghiquyet.source import Span

    doc = Resolution(source=SourceInfo(name="t", format="text"), attachments=(
        Attachment(kind="annex", label="Phụ lục I", children=(Paragraph(text="x", span=Span(2)),),
                   span=Span(1)),))
    xml = to_akn(doc).decode("utf-8")
    assert validate_akn(xml) == []
    this = xml.index("/!att_1")
    start = xml.rindex('<FRBRuri value="', 0, this + 200)
    moved = xml[start:].replace('<FRBRuri value="/akn/vn/', '<FRBRuri value="/akn/vn-hp/', 1)
    bad = xml[:start] + moved
    assert any("attachment Work" in d.message for d in validate_akn(bad))


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PLAIN_DOCTYPE],
                         ids=["billion-laughs", "external-entity", "external-dtd", "doctype"])
def test_nq505_unsafe_xml(data: bytes) -> None:
    [found] = validate_akn(data, source="evil.xml")
    assert found.code == "NQ505"
    assert found.message.startswith("unsafe XML refused")


def test_nq506_not_well_formed(akn_text: str) -> None:
    bad = akn_text.replace("</docType>", "</docTyp>", 1)
    [found] = validate_akn(bad)
    assert found.code == "NQ506"
    assert found.span is not None and found.span.line == line_of(bad, "</docTyp>")
    with pytest.raises(TypeError):
        validate_akn(None)  # type: ignore[arg-type]


def test_schema_is_loaded_once_and_offline(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    akn_schema.cache_clear()

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the schema must load without network access")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.chdir(tmp_path)  # the import of xml.xsd resolves from the package, not the cwd
    first = akn_schema()
    assert akn_schema() is first


# --------------------------------------------------------------------------- files


def test_validate_files_picks_the_format_by_content(tmp_path: Path, json_text: str,
                                                    akn_text: str) -> None:
    good_json = tmp_path / "a.out"
    good_json.write_text(json_text, encoding="utf-8")
    good_akn = tmp_path / "b.out"
    good_akn.write_text(akn_text, encoding="utf-8")
    assert validate_files([good_json, good_akn]) == []
    bad_akn = tmp_path / "c.xml"
    bad_akn.write_text(akn_text.replace("<docType>", "<docKind>").replace("</docType>",
                                                                          "</docKind>"))
    junk = tmp_path / "d.txt"
    junk.write_text("NGHỊ QUYẾT", encoding="utf-8")
    missing = tmp_path / "e.json"
    found = validate_files([good_json, bad_akn, junk, missing])
    assert codes(found) == ["NQ502", "NQ104", "NQ103"]
    assert [d.source for d in found] == [str(bad_akn), str(junk), str(missing)]
    assert codes(validate_file(good_akn, max_bytes=10)) == ["NQ105"]


@pytest.mark.skipif(not CORPUS_REAL.is_dir(), reason="../shared/corpus-real is absent")
def test_real_corpus_present_for_validation() -> None:
    assert real_texts()
