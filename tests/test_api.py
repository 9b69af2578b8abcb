"""The public API: every __all__ name exists; import stays light; misuse fails at once."""

from __future__ import annotations

import subprocess
import sys

import pytest

import nghiquyet


def test_all_names_exist() -> None:
    for name in nghiquyet.__all__:
        assert getattr(nghiquyet, name) is not None, name


def test_import_is_light() -> None:
    code = ("import sys, nghiquyet; heavy = [m for m in ('pdfplumber', 'lxml', 'underthesea', "
            "'dask', 'pypdfium2', 'docx') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_parse_rejects_bytes() -> None:
    with pytest.raises(TypeError):
        nghiquyet.parse("NGHỊ QUYẾT".encode())  # type: ignore[arg-type]


def test_from_json_rejects_bad_input() -> None:
    with pytest.raises(nghiquyet.NghiquyetError, match="not JSON"):
        nghiquyet.from_json("{")
    with pytest.raises(nghiquyet.NghiquyetError, match="schema version"):
        nghiquyet.from_json('{"schema_version": "9.0"}')
    with pytest.raises(nghiquyet.NghiquyetError, match="invalid document"):
        nghiquyet.from_json('{"schema_version": "1.0", "source": {"name": 1}}')


def test_deterministic_output_across_hash_seeds(tmp_path: object) -> None:
    code = ("import nghiquyet; r = nghiquyet.parse_file('corpus/hai-duong/2023-ktxh.txt');"
            "import sys; sys.stdout.write(nghiquyet.to_json(r.document))")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={"PYTHONHASHSEED": seed, "PATH": ""},
                           cwd=str(__import__("tests.conftest").conftest.ROOT)).stdout
            for seed in ("1", "2", "12345")}
    assert len(outs) == 1
