"""Shared test fixtures: golden updating, corpus discovery, shared-folder paths."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
CORPUS_REAL = SHARED / "corpus-real"
FIXTURES_PDF = SHARED / "fixtures-pdf"
SEED = CORPUS / "hai-duong" / "2023-ktxh.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite corpus goldens and schemas/ from the current code")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def corpus_inputs() -> list[Path]:
    """Inputs under corpus/ (goldens are named *.expected.*)."""
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and ".expected." not in p.name
                  and p.suffix in (".txt", ".pdf", ".html", ".docx") and p.name != "README.md")


def real_texts() -> list[Path]:
    if not CORPUS_REAL.is_dir():
        return []
    return sorted([*CORPUS_REAL.glob("*.txt"), *CORPUS_REAL.glob("full/*.txt")])
