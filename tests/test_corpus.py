"""End to end over corpus/: JSON goldens (reviewed diffs) and schema validity."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import jsonschema
import pytest

import nghiquyet
from nghiquyet.writers.json import json_schema_text
from tests.conftest import CORPUS, ROOT, corpus_inputs

SCHEMA_FILE = ROOT / "schemas" / "nghiquyet.schema.json"


def _golden(path: Path, suffix: str) -> Path:
    return path.with_name(path.stem + f".expected{suffix}")


def _compare(golden: Path, actual: str, update: bool, tmp_path: Path) -> None:
    if update:
        golden.write_text(actual, encoding="utf-8")
        return
    if not golden.exists():
        pytest.fail(f"missing golden {golden.relative_to(ROOT)}: run "
                    f"pytest --update-golden -k {golden.stem.split('.')[0]}")
    expected = golden.read_text(encoding="utf-8")
    if expected != actual:
        out = tmp_path / golden.name
        out.write_text(actual, encoding="utf-8")
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            str(golden), str(out), n=2))
        pytest.fail(f"output differs from golden (actual written to {out}):\n{diff[:6000]}")


def test_schema_file_is_current(update_golden: bool, tmp_path: Path) -> None:
    _compare(SCHEMA_FILE, json_schema_text(), update_golden, tmp_path)


@pytest.mark.parametrize("path", corpus_inputs(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_json_golden_and_schema(path: Path, update_golden: bool, tmp_path: Path) -> None:
    result = nghiquyet.parse_file(path)
    text = nghiquyet.to_json(result.document)
    jsonschema.validate(json.loads(text), json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    _compare(_golden(path, ".json"), text, update_golden, tmp_path)
    diags = "".join(d.format() + "\n" for d in result.diagnostics)
    _compare(_golden(path, ".diag"), diags, update_golden, tmp_path)


@pytest.mark.parametrize("path", corpus_inputs(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_json_round_trip(path: Path) -> None:
    document = nghiquyet.parse_file(path).document
    text = nghiquyet.to_json(document)
    assert nghiquyet.to_json(nghiquyet.from_json(text)) == text


def test_schema_rejects_a_broken_document() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    document = json.loads(nghiquyet.to_json(nghiquyet.parse_file(corpus_inputs()[0]).document))
    document["body"][0]["kind"] = "chapterette"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_schema_describes_every_field_with_its_docstring() -> None:
    """Descriptions come from the field docstrings (read when the schema is made)."""
    import json

    schema = json.loads(json_schema_text())
    span = schema["$defs"]["Span"]["properties"]
    assert span["line"]["description"] == "First line (1-based)."
    provision = schema["$defs"]["Provision"]["properties"]
    assert provision["children"]["description"].startswith("Nested units")
    described = sum("description" in prop for d in schema["$defs"].values()
                    for prop in d.get("properties", {}).values())
    assert described > 150
