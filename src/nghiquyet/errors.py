"""Typed errors for input that cannot be read as a whole.

Content problems are diagnostics (:mod:`nghiquyet.diagnostics`); these exceptions are only for
input that gives nothing to parse (empty, binary, corrupt, encrypted, scanned, too large) and
for broken invariants in writers. Every error carries a catalogue code so that the CLI and the
batch report can name it.
"""

from __future__ import annotations

from nghiquyet.diagnostics import CODES


class NghiquyetError(Exception):
    """Base of every error this package raises on purpose."""

    code: str = "NQ603"

    def __init__(self, message: str = "", *, code: str | None = None, source: str = "",
                 **fields: object) -> None:
        if code is not None:
            self.code = code
        if not message:
            template = CODES[self.code][1]
            try:
                message = template.format(**fields)
            except KeyError:
                message = template
        self.source = source
        self.fields = fields
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def format(self) -> str:
        """Compiler-style line, like a diagnostic: ``file: error NQ101: …``."""
        return f"{self.source or '<input>'}: error {self.code}: {self.message}"


class ReaderError(NghiquyetError):
    """The input cannot be read (NQ1xx)."""

    code = "NQ104"


class EmptyInputError(ReaderError):
    code = "NQ100"


class ScannedDocumentError(ReaderError):
    """A PDF without a text layer: OCR is needed (NQ101)."""

    code = "NQ101"


class EncryptedDocumentError(ReaderError):
    code = "NQ102"


class CorruptDocumentError(ReaderError):
    code = "NQ103"


class UnsupportedFormatError(ReaderError):
    code = "NQ104"


class LimitExceededError(ReaderError):
    code = "NQ105"


class BinaryInputError(ReaderError):
    code = "NQ106"


class UnsafeInputError(ReaderError):
    """Hostile markup (entities, DTDs, external references) or archive members (NQ108)."""

    code = "NQ108"


class SchemaError(NghiquyetError):
    """A JSON document that does not fit the model or has an unknown schema version."""

    code = "NQ501"


class WriterError(NghiquyetError):
    """A writer met a broken invariant: a bug."""

    code = "NQ603"
