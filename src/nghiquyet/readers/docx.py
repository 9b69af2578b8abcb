"""DOCX reader: a Word (OOXML) file → :class:`~nghiquyet.source.SourceText`.

The package is opened with :mod:`zipfile` and every part is parsed with
:func:`nghiquyet.safexml.parse_xml`. Before any member is decompressed, the declared sizes and
compression ratios are checked against :class:`~nghiquyet.limits.Limits` (a zip bomb raises
:class:`~nghiquyet.errors.LimitExceededError`), and reads stop at the declared size.

What is read, in document order:

- paragraphs (``w:p``): one line per paragraph, more where it holds line breaks (``w:br``);
  automatic list numbers (``numbering.xml``) are rendered in front, because resolutions often
  number "Điều 1." or "1." that way; bold/italic/size evidence comes from direct formatting
  over character and paragraph styles over the document defaults; hidden text, deleted text and
  field instructions are skipped;
- tables: the header table is emitted column by column (HEADER_LEFT, HEADER_RIGHT), the
  recipients/signature table likewise (RECIPIENTS, SIGNATURE), layout tables as blocks, data
  tables as Markdown rows (see :func:`nghiquyet.readers.html.emit_table`);
- Word footnotes (``word/footnotes.xml``) and endnotes: each ``w:footnoteReference`` becomes a
  :class:`~nghiquyet.source.Marker` with its printed number, each note a
  :class:`~nghiquyet.source.FootnoteBody`;
- text boxes: read after the paragraph they are anchored to (NQ141).

Page headers and footers are page furniture: they are not read (NQ130). ``Span.line`` counts
the document's lines in reading order, empty paragraphs included; pages are unknown.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from nghiquyet.diagnostics import Diagnostics
from nghiquyet.errors import (
    CorruptDocumentError, EmptyInputError, EncryptedDocumentError, LimitExceededError,
    UnsupportedFormatError,
)
from nghiquyet.limits import DEFAULT_LIMITS, Limits
from nghiquyet.readers.html import RawLine, TableCell, emit_table, finish_lines, format_ordinal
from nghiquyet.safexml import parse_xml
from nghiquyet.source import FootnoteBody, SourceText, Zone

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound File Binary: old .doc files, and also password-protected .docx files."""

_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
"""The stream name Office uses for an encrypted OOXML package inside a CFB file."""

_RATIO_FLOOR = 1 << 20
"""Members smaller than this are not held to the compression-ratio limit: a small file cannot
be a bomb, and short XML parts compress very well."""

_MAX_MEMBERS = 10_000
"""More members than this is no Word file (a real one has 10 to 100): refused before reading."""

_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_TRUE = frozenset(("", "1", "true", "on"))
_SYMBOL_FONT_BASE = 0xF000
"""Word stores Symbol-font characters (``w:sym``) in the private-use range F000–F0FF."""


# =========================================================================== the package


class _Package:
    """The ZIP package with size guards; parts are read at most once."""

    def __init__(self, data: bytes, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
            raise CorruptDocumentError(source=name, detail=f"not a readable DOCX package ({exc})") \
                from exc
        self.members = {info.filename.lstrip("/").lower(): info for info in infos}
        self.budget = limits.max_unpacked_bytes
        self._check(infos)

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        """Refuse bombs and encrypted members before decompressing anything."""
        if len(infos) > _MAX_MEMBERS:
            raise LimitExceededError(source=self.name,
                                     detail=f"{len(infos)} members in the DOCX > {_MAX_MEMBERS}")
        total = sum(info.file_size for info in infos)
        if total > self.limits.max_unpacked_bytes:
            raise LimitExceededError(source=self.name, detail=f"the DOCX unpacks to {total} bytes"
                                     f" > {self.limits.max_unpacked_bytes}")
        for info in infos:
            if info.flag_bits & 0x1:
                raise EncryptedDocumentError(source=self.name, detail=f" (member {info.filename})")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > self.limits.max_compression_ratio:
                raise LimitExceededError(
                    source=self.name,
                    detail=f"member {info.filename} compression ratio {ratio:.0f} > "
                           f"{self.limits.max_compression_ratio} (zip bomb?)")

    def has(self, part: str) -> bool:
        return part.lower() in self.members

    def read(self, part: str) -> bytes | None:
        """The bytes of a part, or None when absent; never more than declared or allowed."""
        info = self.members.get(part.lstrip("/").lower())
        if info is None:
            return None
        allowed = min(info.file_size, self.budget)
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(1 << 16):
                    size += len(chunk)
                    if size > allowed:
                        raise LimitExceededError(
                            source=self.name,
                            detail=f"member {info.filename} unpacks beyond {allowed} bytes")
                    chunks.append(chunk)
        except LimitExceededError:
            raise
        except Exception as exc:  # BadZipFile (CRC), zlib.error, NotImplementedError (method)
            raise CorruptDocumentError(source=self.name,
                                       detail=f"member {info.filename}: {exc}") from exc
        self.budget -= size
        return b"".join(chunks)

    def xml(self, part: str) -> etree._Element | None:
        data = self.read(part)
        if data is None:
            return None
        return parse_xml(data, max_bytes=self.limits.max_unpacked_bytes,
                         source=f"{self.name}:{part}")

    def relationships(self, part: str) -> list[tuple[str, str, str]]:
        """(id, type suffix, resolved target) of a part's internal relationships."""
        folder, base = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        if rels is None:
            return []
        out: list[tuple[str, str, str]] = []
        for rel in rels.iter(f"{{{_REL_NS}}}Relationship"):
            if (rel.get("TargetMode") or "").lower() == "external":
                continue
            target = rel.get("Target") or ""
            resolved = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            out.append((rel.get("Id") or "", (rel.get("Type") or "").rsplit("/", 1)[-1],
                        resolved))
        return out


# =========================================================================== formatting


@dataclass(frozen=True, slots=True)
class _RunProps:
    """Run formatting; None means "not stated at this level"."""

    bold: bool | None = None
    italic: bool | None = None
    size: float | None = None
    caps: bool | None = None
    hidden: bool | None = None

    def over(self, other: _RunProps) -> _RunProps:
        """These properties overridden by the ones ``other`` states."""
        return _RunProps(
            self.bold if other.bold is None else other.bold,
            self.italic if other.italic is None else other.italic,
            self.size if other.size is None else other.size,
            self.caps if other.caps is None else other.caps,
            self.hidden if other.hidden is None else other.hidden,
        )


class _Names:
    """Qualified names in the document's WordprocessingML namespace (transitional or strict)."""

    def __init__(self, namespace: str) -> None:
        self.ns = namespace

    def __call__(self, local: str) -> str:
        return f"{{{self.ns}}}{local}"

    def local(self, el: etree._Element) -> str | None:
        tag = el.tag
        if not isinstance(tag, str) or not tag.startswith("{"):
            return None
        namespace, _, name = tag[1:].partition("}")
        return name if namespace == self.ns else None

    def val(self, el: etree._Element | None, default: str | None = None) -> str | None:
        if el is None:
            return default
        return el.get(self("val"), default)

    def flag(self, el: etree._Element | None) -> bool | None:
        if el is None:
            return None
        return (el.get(self("val")) or "").lower() in _TRUE


def _run_props(rpr: etree._Element | None, w: _Names) -> _RunProps:
    if rpr is None:
        return _RunProps()
    size = None
    sz = rpr.find(w("sz"))
    if sz is not None and (w.val(sz) or "").isdigit():
        size = int(w.val(sz) or "0") / 2
    return _RunProps(w.flag(rpr.find(w("b"))), w.flag(rpr.find(w("i"))), size,
                     w.flag(rpr.find(w("caps"))), w.flag(rpr.find(w("vanish"))))


@dataclass(slots=True)
class _Style:
    kind: str
    based_on: str | None
    props: _RunProps
    numbering: tuple[str, int] | None


class _Styles:
    """Paragraph and character styles with their ``basedOn`` chains resolved."""

    def __init__(self, root: etree._Element | None, w: _Names) -> None:
        self.w = w
        self.defaults = _RunProps()
        self.styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        self._cache: dict[str, _RunProps] = {}
        if root is None:
            return
        default = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        self.defaults = _run_props(default, w)
        for style in root.iter(w("style")):
            style_id = style.get(w("styleId"))
            if not style_id:
                continue
            kind = style.get(w("type")) or "paragraph"
            based = style.find(w("basedOn"))
            self.styles[style_id] = _Style(kind, w.val(based),
                                           _run_props(style.find(w("rPr")), w),
                                           _numbering_of(style.find(w("pPr")), w))
            if kind == "paragraph" and (style.get(w("default")) or "").lower() in _TRUE - {""}:
                self.default_paragraph = style_id

    def props(self, style_id: str | None) -> _RunProps:
        """A style's run properties, its base styles' underneath."""
        if not style_id or style_id not in self.styles:
            return _RunProps()
        cached = self._cache.get(style_id)
        if cached is not None:
            return cached
        chain: list[_Style] = []
        seen: set[str] = set()
        current: str | None = style_id
        while current and current in self.styles and current not in seen:
            seen.add(current)
            chain.append(self.styles[current])
            current = self.styles[current].based_on
        props = _RunProps()
        for style in reversed(chain):
            props = props.over(style.props)
        self._cache[style_id] = props
        return props

    def numbering(self, style_id: str | None) -> tuple[str, int] | None:
        seen: set[str] = set()
        current = style_id
        while current and current in self.styles and current not in seen:
            seen.add(current)
            if self.styles[current].numbering is not None:
                return self.styles[current].numbering
            current = self.styles[current].based_on
        return None


def _numbering_of(ppr: etree._Element | None, w: _Names) -> tuple[str, int] | None:
    if ppr is None:
        return None
    numpr = ppr.find(w("numPr"))
    if numpr is None:
        return None
    num_id = w.val(numpr.find(w("numId")))
    level = w.val(numpr.find(w("ilvl")), "0") or "0"
    if num_id is None:
        return None
    return num_id, int(level) if level.isdigit() else 0


# =========================================================================== list numbering


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"


class _Numbering:
    """Automatic paragraph numbers, counted as Word counts them (per list, levels restart)."""

    def __init__(self, root: etree._Element | None, w: _Names) -> None:
        self.w = w
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for abstract in root.iter(w("abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(w("lvl")):
                levels[_int(lvl.get(w("ilvl")), 0)] = self._level(lvl)
            self.abstract[abstract.get(w("abstractNumId")) or ""] = levels
        for num in root.iter(w("num")):
            overrides: dict[int, int] = {}
            for override in num.iter(w("lvlOverride")):
                start = override.find(w("startOverride"))
                if start is not None:
                    overrides[_int(override.get(w("ilvl")), 0)] = _int(w.val(start), 1)
            self.nums[num.get(w("numId")) or ""] = (w.val(num.find(w("abstractNumId"))) or "",
                                                    overrides)

    def _level(self, lvl: etree._Element) -> _Level:
        w = self.w
        return _Level(_int(w.val(lvl.find(w("start"))), 1),
                      w.val(lvl.find(w("numFmt")), "decimal") or "decimal",
                      w.val(lvl.find(w("lvlText")), "") or "",
                      w.val(lvl.find(w("suff")), "tab") or "tab")

    def label(self, num_id: str, level: int) -> str:
        """The next label of list ``num_id`` at ``level`` ("Điều 3.", "a)", "-"), with its
        separator."""
        if num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if level not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})

        def start(k: int) -> int:
            return overrides.get(k, levels[k].start if k in levels else 1)

        counters[level] = counters[level] + 1 if level in counters else start(level)
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        spec = levels[level]
        if spec.fmt == "bullet":
            text = spec.text
            if text and _SYMBOL_FONT_BASE <= ord(text[0]) <= _SYMBOL_FONT_BASE + 0xFF:
                text = "•"  # Symbol/Wingdings bullets have no Unicode text
        else:
            text = spec.text
            for k in range(9):
                if f"%{k + 1}" in text:
                    value = counters.get(k, start(k))
                    fmt = levels[k].fmt if k in levels else "decimal"
                    text = text.replace(f"%{k + 1}", format_ordinal(value, fmt))
        if not text:
            return ""
        return text + ("" if spec.suffix == "nothing" else " ")


def _int(value: str | None, default: int) -> int:
    if value is None:
        return default
    value = value.strip()
    if value.lstrip("-").isdigit():
        return int(value)
    return default


# =========================================================================== walking


@dataclass(slots=True)
class _Notes:
    """Footnote and endnote references met so far, in order."""

    footnotes: list[tuple[str, str]] = field(default_factory=list)
    """(footnote id, printed label)."""
    endnotes: list[tuple[str, str]] = field(default_factory=list)
    automatic: dict[str, int] = field(default_factory=dict)
    """How many automatically numbered references of each kind were met."""


@dataclass(slots=True)
class _Context:
    w: _Names
    styles: _Styles
    numbering: _Numbering
    notes: _Notes = field(default_factory=_Notes)
    line_number: int = 0
    header_done: bool = False
    text_boxes: int = 0
    insertions: int = 0
    deletions: int = 0

    def next_line(self) -> int:
        self.line_number += 1
        return self.line_number


class _Walker:
    """Turns WordprocessingML block content into raw lines in reading order."""

    def __init__(self, ctx: _Context, zone: Zone = Zone.BODY, *, in_note: bool = False) -> None:
        self.ctx = ctx
        self.w = ctx.w
        self.zone = zone
        self.in_note = in_note
        self.lines: list[RawLine] = []
        self._line: RawLine | None = None
        self._next_start = True
        self._boxes: list[etree._Element] = []
        self._fields: list[str] = []
        self._custom_mark: tuple[str, str] | None = None

    # ------------------------------------------------------------------ blocks

    def blocks(self, parent: etree._Element) -> None:
        """Read the block-level children of a body, cell, note or text box."""
        w = self.w
        for child in parent:
            name = w.local(child)
            if name == "p":
                self.paragraph(child)
            elif name == "tbl":
                self.table(child)
            elif name == "sdt":
                content = child.find(w("sdtContent"))
                if content is not None:
                    self.blocks(content)
            elif name in ("customXml", "ins", "moveTo"):
                self.blocks(child)
            elif child.tag == f"{{{_MC_NS}}}AlternateContent":
                chosen = _alternate(child)
                if chosen is not None:
                    self.blocks(chosen)

    def paragraph(self, p: etree._Element) -> None:
        w = self.w
        ppr = p.find(w("pPr"))
        style_id = w.val(ppr.find(w("pStyle"))) if ppr is not None else None
        style_id = style_id or self.ctx.styles.default_paragraph
        base = self.ctx.styles.defaults.over(self.ctx.styles.props(style_id))
        self._next_start = True
        self._new_line()
        numbering = _numbering_of(ppr, w) or self.ctx.styles.numbering(style_id)
        if numbering is not None:
            label = self.ctx.numbering.label(*numbering)
            if label:
                self._add(label, base)
        self._fields = []
        self.inline(p, base)
        self._end_line()
        boxes, self._boxes = self._boxes, []
        for box in boxes:
            self.ctx.text_boxes += 1
            self.blocks(box)

    def table(self, tbl: etree._Element) -> None:
        w = self.w
        cells: list[TableCell] = []
        row_lines: list[int | None] = []
        width = 0
        open_merges: dict[int, TableCell] = {}
        for r, tr in enumerate(_children(tbl, w, "tr")):
            trpr = tr.find(w("trPr"))
            header = trpr is not None and w.flag(trpr.find(w("tblHeader"))) is True
            c = _int(w.val(trpr.find(w("gridBefore"))) if trpr is not None else None, 0)
            row_lines.append(None)
            for tc in _children(tr, w, "tc"):
                tcpr = tc.find(w("tcPr"))
                grid_span = tcpr.find(w("gridSpan")) if tcpr is not None else None
                span = max(1, _int(w.val(grid_span), 1))
                merge = tcpr.find(w("vMerge")) if tcpr is not None else None
                sub = _Walker(self.ctx, self.zone, in_note=self.in_note)
                sub.blocks(tc)
                if merge is not None and (w.val(merge) or "continue") == "continue" \
                        and c in open_merges:
                    open_merges[c].lines.extend(sub.lines)  # a merged cell continues upwards
                else:
                    cell = TableCell(r, c, sub.lines, header=header, span=span)
                    cells.append(cell)
                    if merge is not None:
                        open_merges[c] = cell
                    else:
                        open_merges.pop(c, None)
                    if row_lines[r] is None and sub.lines:
                        row_lines[r] = sub.lines[0].source_line
                c += span
            width = max(width, c)
        lines, is_header = emit_table(cells, rows=row_lines, width=width, zone=self.zone,
                                      header_allowed=not self.ctx.header_done, styled=True)
        self.ctx.header_done = self.ctx.header_done or is_header
        self.lines.extend(lines)

    # ------------------------------------------------------------------ inline content

    def inline(self, parent: etree._Element, base: _RunProps) -> None:
        w = self.w
        for child in parent:
            name = w.local(child)
            if name == "r":
                self.run(child, base)
            elif name in ("hyperlink", "smartTag", "customXml", "fldSimple", "dir", "bdo",
                          "moveTo"):
                self.inline(child, base)
            elif name == "ins":
                self.ctx.insertions += 1
                self.inline(child, base)
            elif name in ("del", "moveFrom"):
                self.ctx.deletions += 1
            elif name == "sdt":
                content = child.find(w("sdtContent"))
                if content is not None:
                    self.inline(content, base)
            elif child.tag == f"{{{_MC_NS}}}AlternateContent":
                self._collect_boxes(child)

    def run(self, r: etree._Element, base: _RunProps) -> None:
        w = self.w
        rpr = r.find(w("rPr"))
        char_style = w.val(rpr.find(w("rStyle"))) if rpr is not None else None
        props = base.over(self.ctx.styles.props(char_style)).over(_run_props(rpr, w))
        for child in r:
            name = w.local(child)
            if name == "fldChar":
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    self._fields.append("instruction")
                elif kind == "separate" and self._fields:
                    self._fields[-1] = "result"
                elif kind == "end" and self._fields:
                    self._fields.pop()
                continue
            if name in ("drawing", "pict", "object") \
                    or child.tag == f"{{{_MC_NS}}}AlternateContent":
                self._collect_boxes(child)
                continue
            if props.hidden or "instruction" in self._fields:
                continue
            if name == "t":
                text = child.text or ""
                if self._custom_mark is not None:
                    kind, note_id = self._custom_mark
                    self._custom_mark = None
                    self._reference(kind, note_id, text.strip() or "*")
                    continue
                self._add(text.upper() if props.caps else text, props)
            elif name in ("tab", "ptab"):
                if self._line is None or not self._line.ends_with_space():
                    self._add("\t", props)  # runs of tabs are layout: one space
            elif name in ("br", "cr"):
                self._line_break()
            elif name == "noBreakHyphen":
                self._add("-", props)
            elif name == "sym":
                char = child.get(w("char"))
                code = int(char, 16) if char and _is_hex(char) else 0
                if _SYMBOL_FONT_BASE <= code <= _SYMBOL_FONT_BASE + 0xFF:
                    code -= _SYMBOL_FONT_BASE
                if code >= 0x20:
                    self._add(chr(code), props)
            elif name in ("footnoteReference", "endnoteReference") and not self.in_note:
                kind = "footnote" if name == "footnoteReference" else "endnote"
                note_id = child.get(w("id")) or ""
                if (child.get(w("customMarkFollows")) or "").lower() in ("1", "true", "on"):
                    self._custom_mark = (kind, note_id)
                else:
                    self._reference(kind, note_id, None)

    def _reference(self, kind: str, note_id: str, custom: str | None) -> None:
        registry = self.ctx.notes
        notes = registry.footnotes if kind == "footnote" else registry.endnotes
        if custom is None:
            number = registry.automatic.get(kind, 0) + 1
            registry.automatic[kind] = number
            # Word's defaults: footnotes 1, 2, 3 …; endnotes i, ii, iii …
            label = str(number) if kind == "footnote" else format_ordinal(number, "lowerRoman")
        else:
            label = custom
        notes.append((note_id, label))
        self._new_line().add_marker(label)

    def _collect_boxes(self, el: etree._Element) -> None:
        """Queue the text boxes inside a drawing, reading only one branch of mc:AlternateContent."""
        if el.tag == f"{{{_MC_NS}}}AlternateContent":
            chosen = _alternate(el, need=self.w("txbxContent"))
            if chosen is None:
                return
            el = chosen
        name = self.w("txbxContent")
        for box in el.iter(name):
            nested = False
            for ancestor in box.iterancestors():
                if ancestor is el:
                    break
                if ancestor.tag == name:
                    nested = True  # read with its outer box
                    break
            if not nested:
                self._boxes.append(box)

    # ------------------------------------------------------------------ line plumbing

    def _new_line(self) -> RawLine:
        if self._line is None:
            self._line = RawLine(zone=self.zone, source_line=self.ctx.next_line(),
                                 paragraph_start=self._next_start, styled=True)
        return self._line

    def _add(self, text: str, props: _RunProps) -> None:
        if text:
            self._new_line().add(text, bold=bool(props.bold), italic=bool(props.italic),
                                 size=props.size)

    def _end_line(self) -> None:
        line, self._line = self._line, None
        if line is not None:
            self.lines.append(line)  # blank ones too; finish_lines drops them

    def _line_break(self) -> None:
        line = self._new_line()
        blank = line.is_blank() and not line.markers
        self._end_line()
        self._next_start = blank


def _children(parent: etree._Element, w: _Names, name: str) -> Iterator[etree._Element]:
    """Children called ``name``, looking through content controls and custom XML wrappers."""
    for child in parent:
        local = w.local(child)
        if local == name:
            yield child
        elif local == "sdt":
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _children(content, w, name)
        elif local == "customXml":
            yield from _children(child, w, name)


def _alternate(el: etree._Element, need: str | None = None) -> etree._Element | None:
    """The branch of mc:AlternateContent to read: the first Choice (holding ``need``), else
    the Fallback — never both, which would duplicate the text."""
    for choice in el.iter(f"{{{_MC_NS}}}Choice"):
        if need is None or next(choice.iter(need), None) is not None:
            return choice
        break
    fallback = el.find(f"{{{_MC_NS}}}Fallback")
    if fallback is not None and (need is None or next(fallback.iter(need), None) is not None):
        return fallback
    return None


def _is_hex(value: str | None) -> bool:
    return bool(value) and all(c in "0123456789abcdefABCDEF" for c in value or "")


# =========================================================================== notes


def _read_notes(package: _Package, part: str | None, kind: str,
                references: list[tuple[str, str]], ctx: _Context, diags: Diagnostics,
                limits: Limits) -> list[FootnoteBody]:
    if part is None or not references:
        return []
    root = package.xml(part)
    if root is None:
        return []
    w = ctx.w
    by_id = {note.get(w("id")): note for note in root.iter(w(kind))
             if (note.get(w("type")) or "normal") == "normal"}
    bodies: list[FootnoteBody] = []
    done: set[str] = set()
    for note_id, label in references:
        note = by_id.get(note_id)
        if note is None or note_id in done:
            continue
        done.add(note_id)
        walker = _Walker(ctx, Zone.FOOTNOTE, in_note=True)
        walker.blocks(note)
        lines = finish_lines(walker.lines, diags, limits)
        if lines:
            bodies.append(FootnoteBody(label, tuple(lines)))
    return bodies


# =========================================================================== reader


def _refuse_non_zip(data: bytes, name: str) -> None:
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise EncryptedDocumentError(source=name, detail=" (password-protected Word file)")
        raise UnsupportedFormatError(code="NQ107", source=name)
    if data.lstrip()[:5] == b"{\\rtf":
        raise UnsupportedFormatError(source=name, detail="an RTF document (save it as .docx)")
    if not data.startswith(b"PK"):
        raise CorruptDocumentError(source=name, detail="not a DOCX (ZIP) package")


def _main_part(package: _Package) -> str:
    for _, kind, target in package.relationships(""):
        if kind == "officeDocument" and package.has(target):
            return target
    if package.has("word/document.xml"):
        return "word/document.xml"
    raise CorruptDocumentError(source=package.name, detail="no main document part")


def read_docx(data: bytes, name: str = "<docx>", *, limits: Limits = DEFAULT_LIMITS) -> SourceText:
    """Read a Word 2007+ (.docx) resolution.

    Raises:
        EmptyInputError: no bytes, or no text in the document (NQ100).
        UnsupportedFormatError: an old binary .doc (NQ107) or an RTF file (NQ104).
        EncryptedDocumentError: a password-protected file (NQ102).
        LimitExceededError: too large, or a zip bomb (NQ105).
        CorruptDocumentError: not a readable package (NQ103).
        UnsafeInputError: a part declares XML entities or an external DTD (NQ108).
    """
    if len(data) > limits.max_bytes:
        raise LimitExceededError(source=name, detail=f"{len(data)} bytes > {limits.max_bytes}")
    if not data:
        raise EmptyInputError(source=name)
    _refuse_non_zip(data, name)
    package = _Package(data, name, limits)
    main = _main_part(package)
    document = package.xml(main)
    if document is None or not isinstance(document.tag, str) or "}" not in document.tag:
        raise CorruptDocumentError(source=name, detail=f"{main} is not WordprocessingML")
    w = _Names(document.tag[1:].split("}", 1)[0])
    parts: dict[str, str] = {}
    furniture: list[str] = []
    for _, kind, target in package.relationships(main):
        if kind in ("header", "footer"):
            furniture.append(target)
        elif kind in ("styles", "numbering", "footnotes", "endnotes") and kind not in parts:
            parts[kind] = target
    ctx = _Context(w, _Styles(package.xml(parts["styles"]) if "styles" in parts else None, w),
                   _Numbering(package.xml(parts["numbering"]) if "numbering" in parts else None, w))
    body = document.find(w("body"))
    if body is None:
        raise CorruptDocumentError(source=name, detail=f"{main} has no body")
    diags = Diagnostics(name)
    walker = _Walker(ctx)
    walker.blocks(body)
    lines = finish_lines(walker.lines, diags, limits)
    if not lines:
        raise EmptyInputError(source=name)
    notes = _read_notes(package, parts.get("footnotes"), "footnote", ctx.notes.footnotes, ctx,
                        diags, limits)
    notes += _read_notes(package, parts.get("endnotes"), "endnote", ctx.notes.endnotes, ctx,
                         diags, limits)
    printed = sum(1 for part in furniture if _has_text(package, part, w))
    if printed:
        diags.add("NQ130", what=f"{printed} Word page header/footer part(s) (page numbers, "
                                "running heads) not read")
    if ctx.text_boxes:
        diags.add("NQ141", count=ctx.text_boxes)
    if ctx.insertions or ctx.deletions:
        diags.add("NQ142", detail=f"{ctx.insertions} insertion(s) kept, {ctx.deletions} "
                                  "deletion(s) dropped")
    return SourceText(name, "docx", tuple(lines), diags, footnotes=tuple(notes),
                      meta=_meta(package))


def _has_text(package: _Package, part: str, w: _Names) -> bool:
    root = package.xml(part)
    return root is not None and any((t.text or "").strip() for t in root.iter(w("t")))


def _meta(package: _Package) -> dict[str, str]:
    meta: dict[str, str] = {}
    app = package.xml("docProps/app.xml") if package.has("docProps/app.xml") else None
    if app is not None:
        for el in app:
            if isinstance(el.tag, str) and el.tag.endswith("}Application") and el.text:
                meta["producer"] = el.text.strip()
    return meta


__all__ = ["OLE_MAGIC", "read_docx"]
