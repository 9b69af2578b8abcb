"""Writer helper: the FRBR URI of a resolution as a value object [cobalt ``uri.py``].

Resolution → :class:`FrbrUri` (:func:`frbr_uri_for`) → the Work, Expression and Manifestation
URIs the AKN writer puts into ``<identification>``. The scheme is a team decision recorded
here and in docs/akn.md, nowhere else::

    /akn/{country}/{doctype}/{subtype}/{actor}/{date}/{number}               Work
    /akn/vn-61/statement/nghi-quyet/hdnd-tinh-hai-duong/2023-12-08/57-nq-hdnd
    {work}/vie@                                                               Expression
    {work}/vie@.akn                                                           Manifestation
    {work}/!main  {expression}/!main  {expression}/!main.akn                  FRBRthis
    {work}/!att_1 ...                                                         attachments

* ``country``: ``vn`` plus the ISO 3166-2 subdivision of the council's province *as it was on
  the adoption date* (``vn-61`` Hải Dương, ``vn-hp`` Hải Phòng before 2025-07-01). Units
  formed by the 2025 merger have no ISO code: plain ``vn``; the actor names the council.
* ``doctype``: ``act`` for a normative resolution (its number carries a year), else
  ``statement``. ``subtype``: the document type as an ASCII slug (``nghi-quyet``).
* ``actor``: the council, ``hdnd-{unit}-{locality}`` (``hdnd-tinh-hai-duong``,
  ``hdnd-huyen-nam-sach``); a district or commune council of a unit without ISO code also gets
  the province slug (``hdnd-xa-an-phu-hai-phong``); ``hdnd`` when the council is unknown.
* ``date``: the adoption date (passing clause), else the header date, else the year of the
  number, else ``0000``.
* ``number``: the ASCII slug of the normalised number (``12/2023/NQ-HĐND`` →
  ``12-2023-nq-hdnd``). Without number, date or council the key is a slug of the title plus a
  short content hash, so the URI stays unique and deterministic (diagnostic NQ504).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from nghiquyet import grammar
from nghiquyet.model import Council, Resolution

__all__ = ["FrbrUri", "adoption_date", "content_hash", "frbr_uri_for", "slugify"]

LANGUAGE = "vie"
"""ISO 639-2 code of the expression (Vietnamese)."""

def _ascii_table() -> dict[int, str]:
    """Latin letters with diacritics (all Vietnamese letters among them) → their ASCII base."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = "".join(c for c in unicodedata.normalize("NFD", chr(cp))
                       if not unicodedata.combining(c))
        if base != chr(cp) and base.isascii():
            table[cp] = base
    return table


_TO_ASCII = _ascii_table()


def _fold(char: str) -> str:
    """What the general path of :func:`slugify` makes of one character before the separators
    are collapsed: its ASCII base (marks dropped), lower-cased; "" for a combining mark."""
    base = _TO_ASCII.get(ord(char), char)
    if not base.isascii():
        decomposed = unicodedata.normalize("NFD", base)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.lower()


def _slug_tables() -> tuple[dict[int, str], bytes]:
    """Tables of the fast path of :func:`slugify`.

    The first maps every character of the Latin and punctuation blocks a Vietnamese text uses
    to its slug letters, or to " " when it can only be a separator; the second then maps each
    ASCII byte to its lower-case letter or digit, or to a space. Folding, lower-casing and
    dropping marks work character by character (decomposition reorders nothing but marks,
    which are dropped), so the tables give what :func:`_slug_general` gives, split into
    characters; a character the first table lacks sends the text down the general path.
    """
    table: dict[int, str] = {}
    for cp in (*range(0x80, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00),
               *range(0x2000, 0x2070)):
        folded = _fold(chr(cp))
        table[cp] = "".join(c if c.isascii() and c.isalnum() else " " for c in folded)
    ascii_bytes = bytes(range(128)).decode("ascii")
    byte_table = "".join(c.lower() if c.isalnum() else " " for c in ascii_bytes) + " " * 128
    return table, byte_table.encode("ascii")


_SLUG_CHARS, _SLUG_BYTES = _slug_tables()


def _slug_general(text: str) -> str:
    """The slug of any text, uncut: fold to ASCII (decompose, drop the marks), lower-case,
    runs of other characters → "-"."""
    ascii_text = text.translate(_TO_ASCII)  # one C-level pass for the common letters
    if not ascii_text.isascii():  # anything else: decompose and drop the marks
        decomposed = unicodedata.normalize("NFD", ascii_text)
        ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return grammar.SLUG_SEPARATOR.sub("-", ascii_text.lower()).strip("-")


@functools.lru_cache(maxsize=4096)  # the writer asks for the same few names again and again
def slugify(text: str, limit: int = 0) -> str:
    """ASCII kebab slug for URIs and TLC ids: ``"12/2023/NQ-HĐND"`` → ``"12-2023-nq-hdnd"``.

    Only identifiers are folded to ASCII; eIds keep "đ" (see the AKN writer).
    """
    folded = text.translate(_SLUG_CHARS)  # one C-level pass for the common characters
    if folded.isascii():
        # Separators became spaces, so split() collapses their runs and drops the ends.
        slug = b"-".join(folded.encode("ascii").translate(_SLUG_BYTES).split()).decode("ascii")
    else:  # a character outside the tables
        slug = _slug_general(text)
    if limit and len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[1:] else slug[:limit]
        slug = slug.rstrip("-")
    return slug


@dataclass(frozen=True, slots=True)
class FrbrUri:
    """An FRBR URI of the project scheme; renders the Work, Expression and Manifestation forms.

    >>> uri = FrbrUri("vn-61", "act", "nghi-quyet", "hdnd-tinh-hai-duong", "2023-12-08",
    ...               "12-2023-nq-hdnd")
    >>> uri.expression_uri
    '/akn/vn-61/act/nghi-quyet/hdnd-tinh-hai-duong/2023-12-08/12-2023-nq-hdnd/vie@'
    >>> FrbrUri.parse(uri.manifestation_this) == uri
    True
    """

    country: str
    doctype: str
    subtype: str
    actor: str | None
    date: str
    number: str
    language: str = LANGUAGE
    component: str = "main"
    format: str = "akn"

    @property
    def work_uri(self) -> str:
        actor = f"/{self.actor}" if self.actor else ""
        return (f"/akn/{self.country}/{self.doctype}/{self.subtype}{actor}/{self.date}"
                f"/{self.number}")

    @property
    def expression_uri(self) -> str:
        return f"{self.work_uri}/{self.language}@"

    @property
    def manifestation_uri(self) -> str:
        return f"{self.expression_uri}.{self.format}"

    @property
    def work_this(self) -> str:
        return f"{self.work_uri}/!{self.component}"

    @property
    def expression_this(self) -> str:
        return f"{self.expression_uri}/!{self.component}"

    @property
    def manifestation_this(self) -> str:
        return f"{self.expression_uri}/!{self.component}.{self.format}"

    def for_component(self, component: str) -> FrbrUri:
        """The same document's URI for another component (``"att_1"``)."""
        return replace(self, component=component)

    def __str__(self) -> str:
        return self.work_uri

    @classmethod
    def parse(cls, uri: str) -> FrbrUri:
        """Read any form (work, expression, manifestation, with or without component).

        Raises:
            ValueError: the URI does not follow the scheme.
        """
        m = grammar.FRBR_URI.match(uri)
        if m is None:
            raise ValueError(f"not an FRBR URI of this scheme: {uri!r}")
        return cls(country=m["country"], doctype=m["doctype"], subtype=m["subtype"],
                   actor=m["actor"], date=m["date"], number=m["number"],
                   language=m["language"] or LANGUAGE, component=m["component"] or "main",
                   format=m["format"] or "akn")


# --------------------------------------------------------------------------- building


def adoption_date(doc: Resolution) -> tuple[dt.date | None, str]:
    """The date a resolution's URI uses and its FRBRdate name: the passing date
    ("adoption"), else the header date ("signature"), else ``(None, "unknown")``."""
    if doc.closing.passing is not None and doc.closing.passing.date is not None:
        return doc.closing.passing.date, "adoption"
    if doc.header.date_line is not None and doc.header.date_line.date is not None:
        return doc.header.date_line.date, "signature"
    return None, "unknown"


def _cut_spans(data: bytes) -> bytes:
    """Compact model JSON (UTF-8) with every ``"span"`` member cut out, commas mended: the
    JSON the model would give without spans. A span is a flat object of numbers, and the key
    cannot occur inside a string value (quotes there are escaped), so cutting at the key is
    exact; the bytes cut at are ASCII, which never occurs inside a multi-byte character."""
    pieces = data.split(b'"span":{')
    out = [pieces[0]]
    for piece in pieces[1:]:
        rest = piece[piece.index(b"}") + 1:]
        if out[-1].endswith(b","):  # a member after another: drop the comma before it
            out[-1] = out[-1][:-1]
        elif rest.startswith(b","):  # the first member: drop the comma after it
            rest = rest[1:]
        out.append(rest)
    return b"".join(out)


def _without_spans(data: str) -> str:
    """:func:`_cut_spans` for JSON text."""
    return _cut_spans(data.encode("utf-8", "surrogatepass")).decode("utf-8", "surrogatepass")


def content_hash(doc: Resolution, length: int = 8) -> str:
    """Short SHA-256 of the document content (spans and source facts left out), so that it
    survives a model → AKN → model round trip and does not depend on the input format.

    The content is the model's compact JSON from pydantic's serialiser, in field order (the
    bytes ``model_dump_json`` would give, taken before they are decoded).
    """
    data = doc.__pydantic_serializer__.to_json(doc, exclude_none=True, exclude={"source"})
    return hashlib.sha256(_cut_spans(data)).hexdigest()[:length]


def _province(council: Council | None) -> Any:
    if council is None or not council.province_id:
        return None
    from nghiquyet import gazetteer

    return gazetteer.province_by_id(council.province_id)


def country_for(council: Council | None, on: dt.date | None) -> str:
    """``vn`` plus the ISO 3166-2 subdivision of the council's province on ``on``."""
    from nghiquyet import gazetteer

    province = _province(council)
    if province is None:
        return "vn"
    unit = province
    if on is not None and not province.is_valid_on(on):
        try:
            unit = gazetteer.successor(province, on)
        except ValueError:  # a post-2025 unit on an earlier date: keep what was parsed
            unit = province
    code = gazetteer.iso_subdivision(unit)
    return code or "vn"


def actor_for(council: Council | None, country: str) -> str:
    """The council as a URI actor: ``hdnd-{unit}-{locality}`` (see the module docstring)."""
    if council is None:
        return "hdnd"
    parts = ["hdnd"]
    if council.unit:
        parts.append(slugify(council.unit))
    if council.locality:
        parts.append(slugify(council.locality))
    province = _province(council)
    if council.level != "tỉnh" and country == "vn" and province is not None:
        parts.append(slugify(province.short_name))
    return "-".join(p for p in parts if p) or "hdnd"


def subtype_for(doc_type: str) -> str:
    """The URI subtype: the Vietnamese name of the document type as a slug
    ("resolution" → "nghi-quyet"), never the printed line (old layouts print
    "NGHỊ QUYẾT CỦA HĐND TỈNH LÀO CAI" there)."""
    names = {english: vietnamese for vietnamese, english in grammar.DOCUMENT_TYPES.items()}
    return slugify(names.get(doc_type, doc_type)) or "nghi-quyet"


def frbr_uri_for(doc: Resolution) -> tuple[FrbrUri, tuple[str, ...]]:
    """The document's FRBR URI and what it had to do without ("number", "date", "council").

    A non-empty second value means the number slot carries a content-derived key and the
    caller reports NQ504.
    """
    header = doc.header
    number = header.number
    normative = bool(number is not None and number.normative)
    on, _ = adoption_date(doc)
    missing: list[str] = []
    if number is None or not number.sequence:
        missing.append("number")
    if on is None:
        missing.append("date")
    if header.council is None:
        missing.append("council")
    country = country_for(header.council, on)
    actor = actor_for(header.council, country)
    if on is not None:
        date = on.isoformat()
    elif number is not None and number.year:
        date = f"{number.year:04d}"
    else:
        date = "0000"
    subtype = subtype_for(header.document_type.type if header.document_type else "resolution")
    key = slugify(number.normalised) if number is not None else ""
    if missing or not key:
        stem = key or (slugify(header.title.text, 40) if header.title else "") or "nghi-quyet"
        key = f"{stem}-{content_hash(doc)}"
    return FrbrUri(country=country, doctype="act" if normative else "statement",
                   subtype=subtype or "nghi-quyet", actor=actor, date=date,
                   number=key), tuple(missing)
