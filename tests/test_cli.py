"""The command line: parse, schema, validate exit codes and output files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nghiquyet.cli import main
from tests.conftest import SEED


def test_parse_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "seed.json"
    assert main(["parse", str(SEED), "-o", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["header"]["council"]["locality"] == "Hải Dương"
    err = capsys.readouterr().err
    assert "warning NQ402" in err and "info" not in err


def test_parse_to_stdout_and_fail_on_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEED), "--fail-on", "warning"]) == 1
    assert json.loads(capsys.readouterr().out)["schema_version"] == "1.0"


def test_unreadable_input_exit_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out.json"
    assert main(["parse", str(empty), "-o", str(out)]) == 4
    assert "error NQ100" in capsys.readouterr().err
    assert not out.exists()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse"]) == 2
    assert main(["parse", "/nonexistent/file.txt"]) == 2


def test_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Resolution"


def test_debug_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["debug", "lines", str(SEED)]) == 0
    assert "KHOÁ XVII" in capsys.readouterr().out


def test_outputs_get_the_ordinary_file_mode(tmp_path: Path) -> None:
    """Outputs are written through a private temporary file but end up readable as any new
    file of the user would (umask applied), not 0600."""
    import os
    import stat

    out = tmp_path / "out"
    assert main(["convert", str(SEED), "-o", str(out), "--to", "json,akn", "--jobs", "1"]) == 0
    written = sorted(p for p in out.rglob("*") if p.is_file() and p.suffix in (".json", ".xml"))
    mask = os.umask(0o022)
    os.umask(mask)
    assert written and {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o666 & ~mask}
