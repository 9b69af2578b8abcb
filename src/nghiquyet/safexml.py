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

from lxml import etree, html

from nghiquyet import grammar
from nghiquyet.errors import CorruptDocumentError, LimitExceededError, UnsafeInputError

ACTIVE_HTML_TAGS: tuple[str, ...] = (
    "script", "style", "iframe", "frame", "frameset", "noscript", "object", "applet",
    "template", "svg", "math", "canvas", "audio", "video",
)
"""Elements :func:`parse_html` removes with their content: code, styling and embedded media,
never text of the document."""

VOID_EMBED_TAGS: tuple[str, ...] = ("embed", "source", "track", "link", "base", "param")
"""Empty elements :func:`parse_html` removes *without* what libxml2 nests in them: it does not
know that ``<embed>`` is void and swallows the rest of the page into it."""

_SCAN_LIMIT = 1 << 20
"""How far into a page :func:`strip_doctype_subset` looks for a DOCTYPE (it must precede the
``<html>`` element; one after 1 MiB of padding is left to lxml, which never expands it)."""


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
    return html.HTMLParser(  # type: ignore[call-arg]  # lxml-stubs lack default_doctype
        encoding=encoding,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        default_doctype=False,
    )


def _scan_texts(data: bytes) -> list[str]:
    """The whole byte string decoded every way an XML parser might read it.

    UTF-8 and every ASCII-compatible encoding keep "<!DOCTYPE" and "<!ENTITY" as bytes, so
    Latin-1 shows them; UTF-16/32 (with or without BOM) need their own decoding. The whole
    input is scanned: comments and white space may pad the prolog before a DOCTYPE.
    """
    texts = [data.decode("latin-1")]
    if b"\x00" in data:
        texts.extend(data.decode(codec, errors="replace")
                     for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))
    return texts


def check_xml_safe(data: bytes, source: str = "") -> None:
    """Refuse XML whose DOCTYPE declares entities or loads an external DTD (NQ108).

    A DOCTYPE without either (``<!DOCTYPE html>``) is harmless and allowed.

    Raises:
        UnsafeInputError: an entity declaration or an external DTD reference.
    """
    for text in _scan_texts(data):
        doctype = grammar.XML_DOCTYPE.search(text)
        if doctype is None:
            continue
        if grammar.XML_ENTITY_DECLARATION.search(text, doctype.start()):
            raise UnsafeInputError(source=source,
                                   detail="XML entity declarations (possible entity bomb or XXE)")
        if doctype["external"]:
            raise UnsafeInputError(source=source,
                                   detail="XML DOCTYPE referring to an external DTD")


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
    parser = xml_parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if _hit_resource_limit(parser):
            raise LimitExceededError(source=source,
                                     detail=f"XML beyond the parser's limits: {exc}") from exc
        raise CorruptDocumentError(source=source, detail=f"malformed XML: {exc}") from exc
    if root is None:
        raise CorruptDocumentError(source=source, detail="empty XML")
    return root


def _hit_resource_limit(parser: etree._FeedParser) -> bool:
    """libxml2 stopped on one of its guards (nesting depth, node size, amplification)."""
    return any(entry.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in entry.message
               for entry in parser.error_log)


def strip_doctype_subset(text: str) -> tuple[str, bool]:
    """Drop an HTML DOCTYPE's internal subset; return (text, whether there was one).

    The removed declarations are replaced by as many newlines as they spanned, so that source
    line numbers of the rest of the page stay true.
    """
    match = grammar.HTML_DOCTYPE_SUBSET.search(text, 0, min(len(text), _SCAN_LIMIT))
    if match is None:
        return text, False
    kept = "<!DOCTYPE" + match["head"].rstrip() + ">" + "\n" * match.group().count("\n")
    return text[: match.start()] + kept + text[match.end():], True


def parse_html(data: bytes, *, encoding: str = "utf-8") -> html.HtmlElement:
    """Parse untrusted HTML bytes (in ``encoding``) into an ``lxml.html`` document element.

    The internal DTD subset, if any, is dropped before parsing; entities other than HTML's
    own are never expanded; nothing is fetched; :data:`ACTIVE_HTML_TAGS` are removed.

    >>> parse_html(b"<p>A<script>x()</script> B</p>").text_content()
    'A B'

    Raises:
        LimitExceededError: nesting deeper than libxml2 allows without ``huge_tree`` (NQ105):
            the parser would silently drop everything below that depth.
        CorruptDocumentError: nothing parseable (NQ103).
    """
    text = data.decode(encoding, errors="replace")
    text, _ = strip_doctype_subset(text)
    parser = html_parser("utf-8")
    try:
        root = html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise CorruptDocumentError(detail=f"unreadable HTML: {exc}") from exc
    if _hit_resource_limit(parser):
        raise LimitExceededError(detail="HTML nested deeper than the parser's limit (256)")
    etree.strip_tags(root, *VOID_EMBED_TAGS)
    etree.strip_elements(root, *ACTIVE_HTML_TAGS, with_tail=False)
    return root


__all__ = [
    "ACTIVE_HTML_TAGS", "VOID_EMBED_TAGS", "check_xml_safe", "html_parser", "parse_html",
    "parse_xml",
    "strip_doctype_subset", "xml_parser",
]
