"""Safe XML/HTML parsing: entity bombs, external entities and the network stay out."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from nghiquyet.errors import CorruptDocumentError, LimitExceededError, UnsafeInputError
from nghiquyet.safexml import check_xml_safe, html_parser, parse_html, parse_xml, xml_parser

LOL_DECLARATIONS = "".join(
    f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(2, 10))
BILLION_LAUGHS_XML = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol1 "lol">' + LOL_DECLARATIONS
    + ']><lolz>&lol9;</lolz>').encode()
BILLION_LAUGHS_HTML = (
    '<!DOCTYPE html [<!ENTITY lol1 "lol">' + LOL_DECLARATIONS
    + ']><html><body><p>Điều 1. &lol9; hết.</p></body></html>').encode()


def _passwd_needle() -> str | None:
    """A piece of /etc/passwd that must never appear in parsed output."""
    try:
        first = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").splitlines()[0]
    except (OSError, IndexError):
        return None
    return first[:12] or None


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT-4711", encoding="utf-8")
    return path


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, int]]:
    """A local TCP listener: any connection attempt to it shows up as a readable socket."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    try:
        yield server, server.getsockname()[1]
    finally:
        server.close()


@pytest.fixture
def no_python_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any Python-level socket creation fails the test."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _connected(server: socket.socket) -> bool:
    readable, _, _ = select.select([server], [], [], 0.2)
    return bool(readable)


# --------------------------------------------------------------------------- XML


def test_parse_xml_plain() -> None:
    root = parse_xml(b"<r><a>x</a></r>", max_bytes=100)
    assert root.findtext("a") == "x"


def test_parser_settings() -> None:
    parser = xml_parser()
    assert isinstance(parser, etree.XMLParser)
    assert isinstance(html_parser(), etree.HTMLParser)


def test_billion_laughs_xml_refused() -> None:
    start = time.monotonic()
    with pytest.raises(UnsafeInputError) as info:
        parse_xml(BILLION_LAUGHS_XML, max_bytes=1 << 20)
    assert info.value.code == "NQ108"
    assert time.monotonic() - start < 2


def test_billion_laughs_xml_in_utf16_refused() -> None:
    data = BILLION_LAUGHS_XML.decode().replace('<?xml version="1.0"?>',
                                               '<?xml version="1.0" encoding="UTF-16"?>')
    with pytest.raises(UnsafeInputError):
        parse_xml(data.encode("utf-16"), max_bytes=1 << 20)


def test_billion_laughs_not_expanded_by_the_parser_itself() -> None:
    """Second line of defence: even unchecked, the parser never expands the bomb (libxml2
    may also stop it on its own amplification guard)."""
    try:
        root = etree.fromstring(BILLION_LAUGHS_XML, xml_parser())
    except etree.XMLSyntaxError as exc:
        assert "amplification" in str(exc)
    else:
        assert "lollol" not in etree.tostring(root, encoding="unicode")


def test_external_entity_to_local_file(secret_file: Path) -> None:
    for target in (secret_file.as_uri(), "file:///etc/passwd"):
        data = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "{target}">]>'
                "<r>&xxe;</r>").encode()
        with pytest.raises(UnsafeInputError):
            parse_xml(data, max_bytes=10_000)
        text = etree.tostring(etree.fromstring(data, xml_parser()), encoding="unicode")
        assert "TOP-SECRET-CONTENT-4711" not in text
        needle = _passwd_needle()
        assert needle is None or needle not in text


def test_external_entity_over_http(listener: tuple[socket.socket, int],
                                   no_python_sockets: None) -> None:
    server, port = listener
    data = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY remote SYSTEM '
            f'"http://127.0.0.1:{port}/secret.txt">]><r>&remote;</r>').encode()
    with pytest.raises(UnsafeInputError):
        parse_xml(data, max_bytes=10_000)
    etree.fromstring(data, xml_parser())  # unchecked: still no fetch
    assert not _connected(server)


def test_external_dtd_refused(listener: tuple[socket.socket, int],
                              no_python_sockets: None) -> None:
    server, port = listener
    data = f'<!DOCTYPE r SYSTEM "http://127.0.0.1:{port}/x.dtd"><r/>'.encode()
    with pytest.raises(UnsafeInputError):
        parse_xml(data, max_bytes=10_000)
    etree.fromstring(data, xml_parser())
    assert not _connected(server)


def test_parameter_entity_refused(secret_file: Path) -> None:
    data = (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{secret_file.as_uri()}"> %p;]><r/>').encode()
    with pytest.raises(UnsafeInputError):
        check_xml_safe(data)


def test_harmless_doctype_allowed() -> None:
    assert parse_xml(b"<!DOCTYPE r><r>ok</r>", max_bytes=100).text == "ok"


def test_xml_size_limit() -> None:
    with pytest.raises(LimitExceededError):
        parse_xml(b"<r>" + b"x" * 200 + b"</r>", max_bytes=100)


def test_malformed_xml_is_corrupt() -> None:
    with pytest.raises(CorruptDocumentError) as info:
        parse_xml(b"<r><a></r>", max_bytes=100)
    assert info.value.code == "NQ103"


# --------------------------------------------------------------------------- HTML


def test_billion_laughs_html_not_expanded() -> None:
    start = time.monotonic()
    root = parse_html(BILLION_LAUGHS_HTML)
    text = root.text_content()
    assert "lollol" not in text
    assert "Điều 1." in text
    assert "]>" not in text  # the internal subset is not printed as text either
    assert time.monotonic() - start < 2


def test_html_external_entities(secret_file: Path, listener: tuple[socket.socket, int],
                                no_python_sockets: None) -> None:
    server, port = listener
    data = (f'<!DOCTYPE html SYSTEM "http://127.0.0.1:{port}/x.dtd" ['
            f'<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">'
            '<!ENTITY pw SYSTEM "file:///etc/passwd">'
            f'<!ENTITY remote SYSTEM "http://127.0.0.1:{port}/r">]>'
            '<html><body><p>A &xxe; B &pw; C &remote;</p>'
            f'<img src="http://127.0.0.1:{port}/i.png"></body></html>').encode()
    text = parse_html(data).text_content()
    assert "TOP-SECRET-CONTENT-4711" not in text
    needle = _passwd_needle()
    assert needle is None or needle not in text
    assert not _connected(server)


def test_html_active_content_dropped() -> None:
    data = ("<html><head><script>var a = 'SCRIPT';</script><style>p{}</style></head><body>"
            "<p>Giữ lại</p><iframe src='http://x/'>IFRAME</iframe><noscript>NOSCRIPT</noscript>"
            "<object data='x'>OBJECT</object><embed src='x'><svg><text>SVG</text></svg>"
            "<template>TEMPLATE</template>tail</body></html>").encode()
    root = parse_html(data)
    text = root.text_content()
    assert "Giữ lại" in text and "tail" in text
    for word in ("SCRIPT", "IFRAME", "NOSCRIPT", "OBJECT", "SVG", "TEMPLATE"):
        assert word not in text
    assert not root.xpath("//script | //style | //iframe | //object | //embed")


def test_html_encoding_argument() -> None:
    data = "<p>Nghị quyết</p>".encode("utf-16-le")
    assert "Nghị quyết" in parse_html(data, encoding="utf-16-le").text_content()


@pytest.mark.parametrize(("text", "external", "subset"), [
    ("<!DOCTYPE html>", False, False),
    ('<!DOCTYPE r SYSTEM "file:///etc/passwd">', True, False),
    ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd">', True, False),
    ('<!doctype r [<!ENTITY a "b">]>', False, True),
    ("<!DOCTYPE SYSTEMATIC>", False, False),
])
def test_doctype_pattern(text: str, external: bool, subset: bool) -> None:
    from nghiquyet import grammar

    match = grammar.XML_DOCTYPE.search(text)
    assert match is not None
    assert bool(match["external"]) is external
    assert bool(match["subset"]) is subset
    assert bool(grammar.HTML_DOCTYPE_SUBSET.search(text)) is subset
    assert bool(grammar.XML_ENTITY_DECLARATION.search(text)) is subset


def test_xml_nesting_limit() -> None:
    data = b"<a>" * 300 + b"x" + b"</a>" * 300
    with pytest.raises(LimitExceededError):
        parse_xml(data, max_bytes=1 << 20)


def test_doctype_after_a_padded_prolog_refused() -> None:
    data = (b'<?xml version="1.0"?>' + b"<!-- pad -->" * 200_000
            + b'<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>')
    with pytest.raises(UnsafeInputError):
        parse_xml(data, max_bytes=1 << 23)


def test_utf16_without_bom_refused() -> None:
    data = '<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'.encode("utf-16-le")
    with pytest.raises(UnsafeInputError):
        check_xml_safe(data)
