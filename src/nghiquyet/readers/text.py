"""Text reader: bytes of a plain-text copy → :class:`~nghiquyet.source.SourceText`.

Decodes UTF-8 (with or without BOM) and UTF-16 (with BOM, or detected by its NUL pattern),
falls back to the legacy Vietnamese encodings (TCVN3, VNI, Windows-1258) with a diagnostic,
repairs UTF-8-read-as-1252 mojibake, strips Markdown emphasis that web-page conversions leave
("**Điều 1.**") while keeping it as bold/italic evidence, and normalises each line once.
"""

from __future__ import annotations

from nghiquyet import grammar
from nghiquyet.diagnostics import Diagnostics
from nghiquyet.errors import BinaryInputError, EmptyInputError, LimitExceededError, ReaderError
from nghiquyet.limits import DEFAULT_LIMITS, Limits
from nghiquyet.source import Line, SourceText, Span, Zone, lines_needing_repair, normalise_line


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_text(data: bytes, diags: Diagnostics) -> tuple[str, str]:
    """Decode bytes to ``(text, encoding)``, reporting any fallback; raise on binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        diags.add("NQ110", encoding="UTF-16 (BOM)")
        return text, "utf-16"
    utf16 = _looks_utf16(data)
    if utf16:
        diags.add("NQ110", encoding=f"{utf16.upper()} (no BOM)")
        return data.decode(utf16, errors="replace"), utf16
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        suspect = not text.isascii() and not grammar.TONED_LETTER.search(text)
        if suspect or grammar.MOJIBAKE_UTF8_AS_1252.search(text):
            repaired = _repair(text)
            if repaired is not None:
                diags.add("NQ114")
                return repaired, "utf-8-mojibake"
        return text, "utf-8"
    decoded = _decode_legacy(data)
    if decoded is not None:
        text, encoding = decoded
        if encoding in ("tcvn3", "vni"):
            diags.add("NQ111", encoding=encoding.upper())
        else:
            diags.add("NQ110", encoding=encoding)
        return text, encoding
    text = data.decode("cp1258", errors="replace")
    diags.add("NQ110", encoding="Windows-1258 (fallback)")
    return text, "cp1258"


def _decode_legacy(data: bytes) -> tuple[str, str] | None:
    try:
        from nghiquyet.readers import legacy
    except ImportError:  # the legacy tables are optional during development
        return None
    result = legacy.decode_legacy(data)
    if result is None:
        return None
    return result.text, result.encoding


def _repair(text: str) -> str | None:
    try:
        from nghiquyet.readers import legacy
    except ImportError:
        return None
    return legacy.repair_mojibake(text)


def _is_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    return len(grammar.BINARY_CHAR.findall(sample)) > 0.1 * len(sample)


class _Emphasis:
    """Tracks Markdown bold/italic spans that run over several lines."""

    def __init__(self) -> None:
        self.bold = False
        self.italic = False

    def line(self, raw: str) -> tuple[bool, bool]:
        """Is most of this line's text bold / italic? ("**Điều 2.** Quy định …" is not bold.)"""
        counts = {"bold": [0, 0], "italic": [0, 0]}  # characters inside, outside
        stripped = raw.lstrip()
        if stripped.startswith("* "):  # a Markdown bullet, not emphasis
            raw = stripped[2:]
        for part_index, part in enumerate(raw.split("**")):
            if part_index:
                self.bold = not self.bold
            for piece_index, piece in enumerate(part.split("*")):
                if piece_index:
                    self.italic = not self.italic
                size = len(piece.strip())
                counts["bold"][0 if self.bold else 1] += size
                counts["italic"][0 if self.italic else 1] += size
        bold = counts["bold"][0] > 0 and counts["bold"][0] >= counts["bold"][1]
        italic = counts["italic"][0] > 0 and counts["italic"][0] >= counts["italic"][1]
        return bold, italic


def _strip_markdown(raw: str) -> str:
    """Remove Markdown emphasis markers, heading marks and escapes."""
    text = grammar.MARKDOWN_EMPHASIS.sub("", raw)
    text = grammar.MARKDOWN_HEADING.sub("", text)
    return grammar.BACKSLASH_ESCAPE.sub("", text)


def _is_markdown(text: str) -> bool:
    return text.count("**") >= 4 or text.count("\n|") >= 4


def read_text(data: bytes, name: str = "<text>", *, limits: Limits = DEFAULT_LIMITS,
              diags: Diagnostics | None = None) -> SourceText:
    """Read a plain-text resolution.

    Raises:
        EmptyInputError: nothing but white space.
        BinaryInputError: the bytes are not text.
        LimitExceededError: larger than ``limits.max_bytes``.
    """
    diags = diags if diags is not None else Diagnostics(name)
    if len(data) > limits.max_bytes:
        raise LimitExceededError(source=name, detail=f"{len(data)} bytes > {limits.max_bytes}")
    if not data.strip():
        raise EmptyInputError(source=name)
    text, encoding = decode_text(data, diags)
    return text_to_source(text, name, diags=diags, limits=limits, encoding=encoding)


def text_to_source(text: str, name: str = "<text>", *, diags: Diagnostics | None = None,
                   limits: Limits = DEFAULT_LIMITS, encoding: str = "str") -> SourceText:
    """Turn already-decoded text into lines (used by :func:`nghiquyet.parser`)."""
    diags = diags if diags is not None else Diagnostics(name)
    if _is_binary(text):
        raise BinaryInputError(source=name)
    if not text.strip():
        raise EmptyInputError(source=name)
    markdown = _is_markdown(text)
    if markdown:
        diags.add("NQ115")
    lines: list[Line] = []
    emphasis = _Emphasis()
    raw_lines = grammar.split_lines(text)
    flagged = lines_needing_repair(raw_lines)
    limit = limits.max_line_chars
    for number, whole in enumerate(raw_lines, start=1):
        clean = whole.strip()
        if not clean:
            continue
        if not (markdown or len(whole) > limit or number - 1 in flagged or "\t" in whole
                or "  " in clean):
            # the common line: nothing to repair, split or collapse, only its ends to strip
            # (what normalise_line gives, without its checks; a property test compares them)
            lines.append(Line(clean, Span(number), None, Zone.BODY, whole[:1] in _INDENT))
            continue
        pieces = _split_long(whole, limit)
        if len(pieces) > 1:
            diags.add("NQ116", Span(number), length=len(whole), limit=limits.max_line_chars)
        for raw in pieces:
            line = _make_line(raw, number, markdown, emphasis, number - 1 in flagged, diags)
            if line is not None:
                lines.append(line)
    if not lines:
        raise EmptyInputError(source=name)
    meta = {"encoding": encoding}
    if markdown:
        meta["markdown"] = "yes"
    return SourceText(name, "text", tuple(lines), diags, meta=meta)


_INDENT = (" ", "\t", "\u00a0")
"""What an indented raw line starts with."""


def _split_long(raw: str, limit: int) -> list[str]:
    """Split a line longer than ``limit`` at spaces (hard cuts only inside long words)."""
    if len(raw) <= limit:
        return [raw]
    pieces: list[str] = []
    while len(raw) > limit:
        cut = raw.rfind(" ", limit // 2, limit)
        cut = cut if cut > 0 else limit
        pieces.append(raw[:cut])
        raw = raw[cut:]
    pieces.append(raw)
    return pieces


def _make_line(raw: str, number: int, markdown: bool, emphasis: _Emphasis, repairs: bool,
               diags: Diagnostics) -> Line | None:
    """One normalised line; Markdown emphasis becomes bold/italic evidence."""
    bold: bool | None = None
    italic: bool | None = None
    source_raw = raw
    if markdown:
        bold, italic = emphasis.line(raw)
        raw = _strip_markdown(raw)
    span = Span(number)
    clean, original = normalise_line(raw, span, diags, repairs)
    if not clean:
        return None
    if markdown and source_raw.strip() != clean:
        original = source_raw
    return Line(clean, span, original, indented=source_raw[:1] in _INDENT,
                bold=bold, italic=italic)


__all__ = ["ReaderError", "decode_text", "read_text", "text_to_source"]
