"""nghiquyet: resolutions of Vietnam's People's Councils (Nghị quyết HĐND) as validated data.

>>> import nghiquyet
>>> result = nghiquyet.parse_file("corpus/hai-duong/2023-ktxh.txt")  # doctest: +SKIP
>>> result.document.header.council.locality  # doctest: +SKIP
'Hải Dương'

The public names are loaded on first use (PEP 562), so ``import nghiquyet`` costs almost
nothing; the model, the grammar and the parser load with the first name that needs them, and
the heavy libraries (pdfplumber, pypdfium2, lxml, underthesea, dask) only with the reader or
writer that uses them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Diagnostic", "NghiquyetError", "ParseResult", "ReaderError", "Resolution", "Severity",
    "__version__", "from_akn", "from_json", "parse", "parse_bytes", "parse_file", "parse_source",
    "to_akn", "to_json", "validate_akn", "validate_json",
]

if TYPE_CHECKING:
    from nghiquyet.api import parse, parse_bytes, parse_file
    from nghiquyet.diagnostics import Diagnostic, Severity
    from nghiquyet.errors import NghiquyetError, ReaderError
    from nghiquyet.model import Resolution
    from nghiquyet.parser import ParseResult, parse_source
    from nghiquyet.readers.akn import from_akn
    from nghiquyet.validate import validate_akn, validate_json
    from nghiquyet.writers.akn import to_akn
    from nghiquyet.writers.json import from_json, to_json

_HOME = {
    "parse": "nghiquyet.api", "parse_bytes": "nghiquyet.api", "parse_file": "nghiquyet.api",
    "Diagnostic": "nghiquyet.diagnostics", "Severity": "nghiquyet.diagnostics",
    "NghiquyetError": "nghiquyet.errors", "ReaderError": "nghiquyet.errors",
    "Resolution": "nghiquyet.model", "ParseResult": "nghiquyet.parser",
    "parse_source": "nghiquyet.parser", "from_json": "nghiquyet.writers.json",
    "to_json": "nghiquyet.writers.json", "to_akn": "nghiquyet.writers.akn",
    "from_akn": "nghiquyet.readers.akn", "validate_akn": "nghiquyet.validate",
    "validate_json": "nghiquyet.validate",
}
"""Where each public name lives."""


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use and cache the name here."""
    if name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nghiquyet' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
