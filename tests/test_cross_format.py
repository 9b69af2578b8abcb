"""The same resolution read from text, PDF (both engines) and DOCX gives the same document.

Only spans, source facts and the header facts the text copy lacks may differ."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import nghiquyet
from tests.conftest import ROOT, SEED

PDF = ROOT / "tests" / "fixtures" / "pdf"
DOCX = ROOT / "tests" / "fixtures" / "docx" / "nq15_hd.docx"


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("span", "repairs")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def comparable(document: nghiquyet.Resolution) -> dict[str, Any]:
    data = _strip(document.model_dump(mode="json"))
    data.pop("source")
    header = data["header"]
    for key in ("national_title", "motto", "number", "date_line", "other", "council"):
        header.pop(key, None)
    return data


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return comparable(nghiquyet.parse_file(SEED).document)


@pytest.mark.parametrize(("path", "engine"), [
    (PDF / "nq15_hd.pdf", "pdfplumber"), (PDF / "nq15_hd.pdf", "pdfium"),
    (PDF / "nq15_reportlab.pdf", "pdfplumber"), (PDF / "nq15_reportlab.pdf", "pdfium"),
    (DOCX, "pdfplumber"),
], ids=["official-pdfplumber", "official-pdfium", "reportlab-pdfplumber", "reportlab-pdfium", "docx"])
def test_same_document_as_the_text(path: Any, engine: str, seed: dict[str, Any]) -> None:
    document = nghiquyet.parse_file(path, pdf_engine=engine).document
    got = comparable(document)
    for section in ("preamble", "body", "closing", "footnotes", "attachments"):
        assert got[section] == seed[section], section
    assert got["header"] == seed["header"]
    if path.name != "nq15_reportlab.pdf":
        h = document.header
        assert h.number is not None and h.number.normalised == "15/NQ-HĐND"
        assert h.number.normative is False
        assert h.date_line is not None and h.date_line.place == "Hải Dương"
        assert h.date_line.date == dt.date(2023, 12, 8)
        assert h.council is not None and h.council.locality == "Hải Dương"


def test_pdf_has_no_page_numbers_in_the_content() -> None:
    document = nghiquyet.parse_file(PDF / "nq15_hd.pdf").document
    texts = [getattr(n, "text", None) for n in document.indicators()]
    assert all(t and not t.strip().isdigit() for t in texts)
    assert [i.num for i in document.indicators()] == [str(k) for k in range(1, 16)]
