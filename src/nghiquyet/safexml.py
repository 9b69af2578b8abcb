"""Safe parsers for untrusted XML and HTML: the one place the project gets them.

Every XML or HTML byte string that comes from outside (DOCX parts, web pages, AKN files to
validate) is parsed here, never with a bare ``lxml.etree.fromstring``. The parsers:

- never expand entities and never load a DTD (no billion laughs, no ``file://`` reads);
- never touch the network (``no_network=True``);
- keep libxml2's default size guards (``huge_tree=False``);
- drop comments and processing instructions, which no reader needs.

:func:`parse_xml` goes further and refuses, before parsing, any DOCTYPE that declares entities
or names an external DTD: OOXML parts never carry one, so such input is hostile (NQ108).
:func:`parse_html` strips an internal DTD subset (browsers ignore it; lxml would print it as
text), and removes active and embedded content (scripts, styles, frames, objects).
"""

from __future__ import annotations

import codecs

from lxml import etree, html

from nghiquyet import grammar
from nghiquyet.errors import CorruptDocumentError, LimitExceededError, UnsafeInputError

ACTIVE_HTML_TAGS: tuple[str, ...] = (
    "script", "style", "iframe", "frame", "frameset", "noscript", "object", "embed", "applet",
    "template", "svg", "math", "link", "base", "canvas", "audio", "video", "source", "track",
)
"""Elements :func:`parse_html` removes with their content: code, styling and embedded media,
never text of the document."""

_SCAN_LIMIT = 1 << 20
"""How far into an XML byte string the DOCTYPE scan looks (a DOCTYPE must precede the root
element; 1 MiB of prolog is already absurd)."""


def xml_parser() -> etree.XMLParser:
    """Return a fresh XML parser that resolves nothing and fetches nothing."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def html_parser(encoding: str | None = "utf-8") -> html.HTMLParser:
    """Return a fresh HTML parser (libxml2's, which never expands custom entities)."""
    return html.HTMLParser(
        encoding=encoding,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        default_doctype=False,
    )


def _scan_text(data: bytes) -> str:
    """Decode the start of an XML byte string well enough to look for markup declarations."""
    head = data[:_SCAN_LIMIT]
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                       (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="replace")
    if head.startswith(b"<\x00\x00\x00"):
        return head.decode("utf-32-le", errors="replace")
    if head.startswith(b"\x00\x00\x00<"):
        return head.decode("utf-32-be", errors="replace")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", errors="replace")
    # UTF-8 and every ASCII-compatible encoding keep "<!DOCTYPE" and "<!ENTITY" as bytes.
    return head.decode("latin-1")


def check_xml_safe(data: bytes, source: str = "") -> None:
    """Refuse XML whose DOCTYPE declares entities or loads an external DTD (NQ108).

    A DOCTYPE without either (``<!DOCTYPE html>``) is harmless and allowed.

    Raises:
        UnsafeInputError: an entity declaration or an external DTD reference.
    """
    text = _scan_text(data)
    doctype = grammar.XML_DOCTYPE.search(text)
    if doctype is None:
        return
    if grammar.XML_ENTITY_DECLARATION.search(text, doctype.start()):
        raise UnsafeInputError(source=source,
                               detail="XML entity declarations (possible entity bomb or XXE)")
    if doctype["external"]:
        raise UnsafeInputError(source=source, detail="XML DOCTYPE referring to an external DTD")


def parse_xml(data: bytes, *, max_bytes: int, source: str = "") -> etree._Element:
    """Parse untrusted XML bytes into an element tree, safely.

    >>> parse_xml(b"<r><a>x</a></r>", max_bytes=100).findtext("a")
    'x'

    Raises:
        LimitExceededError: more than ``max_bytes`` bytes (NQ105).
        UnsafeInputError: entity declarations or an external DTD (NQ108).
        CorruptDocumentError: not well-formed XML (NQ103).
    """
    if len(data) > max_bytes:
        raise LimitExceededError(source=source,
                                 detail=f"XML part of {len(data)} bytes > {max_bytes}")
    check_xml_safe(data, source)
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        raise CorruptDocumentError(source=source, detail=f"malformed XML: {exc}") from exc
    if root is None:
        raise CorruptDocumentError(source=source, detail="empty XML")
    return root


def strip_doctype_subset(text: str) -> tuple[str, bool]:
    """Replace an HTML DOCTYPE's internal subset by nothing; return (text, was_there)."""
    match = grammar.HTML_DOCTYPE_SUBSET.search(text, 0, min(len(text), _SCAN_LIMIT))
    if match is None:
        return text, False
    return text[: match.start()] + "<!DOCTYPE" + match["head"].rstrip() + ">" + text[match.end():], True


def parse_html(data: bytes, *, encoding: str = "utf-8") -> html.HtmlElement:
    """Parse untrusted HTML bytes (in ``encoding``) into an ``lxml.html`` document element.

    The internal DTD subset, if any, is dropped before parsing; entities other than HTML's
    own are never expanded; nothing is fetched; :data:`ACTIVE_HTML_TAGS` are removed.

    >>> parse_html(b"<p>A<script>x()</script> B</p>").text_content()
    'A B'

    Raises:
        CorruptDocumentError: nothing parseable (NQ103).
    """
    text = data.decode(encoding, errors="replace")
    text, _ = strip_doctype_subset(text)
    try:
        root = html.document_fromstring(text.encode("utf-8"), parser=html_parser("utf-8"))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise CorruptDocumentError(detail=f"unreadable HTML: {exc}") from exc
    etree.strip_elements(root, *ACTIVE_HTML_TAGS, with_tail=False)
    return root


__all__ = [
    "ACTIVE_HTML_TAGS", "check_xml_safe", "html_parser", "parse_html", "parse_xml",
    "strip_doctype_subset", "xml_parser",
]
