"""Real resolutions from ../shared/corpus-real: never an exception, and verified facts hold.

The expectation files in tests/expectations/corpus-real/ were written by reading each
document. Every (document, field) pair is a test. Pairs the parser does not get right yet are
listed in KNOWN_GAPS with the reason, as strict xfails: they fail loudly once fixed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import nghiquyet
from nghiquyet.evaluate import facts_of
from nghiquyet.lossless import lost_characters
from tests.conftest import CORPUS_REAL, ROOT, real_texts

EXPECTATIONS = sorted((ROOT / "tests" / "expectations" / "corpus-real").glob("*.json"))

KNOWN_GAPS: dict[tuple[str, str], str] = {}
"""(document id, field) → why the parser misses it today."""

pytestmark = pytest.mark.skipif(not CORPUS_REAL.is_dir(), reason="../shared/corpus-real absent")

_cache: dict[str, dict[str, Any]] = {}


def _facts(spec: dict[str, Any]) -> dict[str, Any]:
    if spec["path"] not in _cache:
        _cache[spec["path"]] = facts_of(nghiquyet.parse_file(CORPUS_REAL / spec["path"]).document)
    return _cache[spec["path"]]


@pytest.mark.parametrize("path", real_texts(), ids=lambda p: p.stem)
def test_parses_without_exception(path: Path) -> None:
    result = nghiquyet.parse_file(path)
    assert result.document.source.name == path.name
    assert not lost_characters(path.read_text(encoding="utf-8"), result.document)
    assert nghiquyet.from_json(nghiquyet.to_json(result.document)) == result.document


def _cases() -> list[Any]:
    cases = []
    for path in EXPECTATIONS:
        spec = json.loads(path.read_text(encoding="utf-8"))
        for key, value in spec["facts"].items():
            marks = []
            gap = KNOWN_GAPS.get((spec["id"], key))
            if gap:
                marks.append(pytest.mark.xfail(reason=gap, strict=True))
            cases.append(pytest.param(spec, key, value, id=f"{spec['id']}-{key}", marks=marks))
    return cases


@pytest.mark.parametrize(("spec", "key", "expected"), _cases())
def test_fact(spec: dict[str, Any], key: str, expected: Any) -> None:
    got = _facts(spec)[key]
    if key == "article_headings":
        expected = [" ".join(h.split()) if h else h for h in expected]
    assert got == expected


def test_every_shared_document_has_an_expectation_file() -> None:
    named = {json.loads(p.read_text(encoding="utf-8"))["path"] for p in EXPECTATIONS}
    present = {str(p.relative_to(CORPUS_REAL)) for p in real_texts()}
    assert present <= named
