"""nghiquyet: resolutions of Vietnam's People's Councils (Nghị quyết HĐND) as validated data.

>>> import nghiquyet
>>> result = nghiquyet.parse_file("corpus/hai-duong/2023-ktxh.txt")  # doctest: +SKIP
>>> result.document.header.council.locality  # doctest: +SKIP
'Hải Dương'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nghiquyet.api import parse, parse_bytes, parse_file
from nghiquyet.diagnostics import Diagnostic, Severity
from nghiquyet.errors import NghiquyetError, ReaderError
from nghiquyet.model import Resolution
from nghiquyet.parse import ParseResult, parse_source
from nghiquyet.writers.json import from_json, to_json

__version__ = "0.1.0"

__all__ = [
    "Diagnostic", "NghiquyetError", "ParseResult", "ReaderError", "Resolution", "Severity",
    "__version__", "from_akn", "from_json", "parse", "parse_bytes", "parse_file", "parse_source",
    "to_akn", "to_json", "validate_akn", "validate_json",
]

if TYPE_CHECKING:
    from nghiquyet.readers.akn import from_akn
    from nghiquyet.validate import validate_akn, validate_json
    from nghiquyet.writers.akn import to_akn

_LAZY = {"to_akn": "nghiquyet.writers.akn", "from_akn": "nghiquyet.readers.akn",
         "validate_akn": "nghiquyet.validate", "validate_json": "nghiquyet.validate"}


def __getattr__(name: str) -> Any:
    """Load the AKN and validation modules (lxml, jsonschema) on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nghiquyet' has no attribute {name!r}")
