"""The package type-checks under ``mypy --strict`` (configured in pyproject.toml)."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT


def test_mypy_strict() -> None:
    api = pytest.importorskip("mypy.api", reason="mypy is in the dev extra")
    stdout, stderr, status = api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                      "--cache-dir", str(ROOT / ".mypy_cache")])
    assert status == 0, stdout + stderr
