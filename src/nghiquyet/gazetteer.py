"""Effective-dated gazetteer of Vietnam's provincial-level units (tỉnh / thành phố).

The data (``data/provinces.json``) holds the 63 units that existed until 2025-06-30 and the
34 units that exist from 2025-07-01 (Resolution 202/2025/QH15), plus Thừa Thiên Huế, which became
the centrally-run *Thành phố Huế* on 2025-01-01.

Identity rules (see the ``_note`` in the JSON file):

* A unit the 2025 merger did not touch (Hà Nội, Cao Bằng, Điện Biên, Lai Châu, Sơn La, Lạng Sơn,
  Quảng Ninh, Thanh Hóa, Nghệ An, Hà Tĩnh, Huế) is **one** entity valid across 2025-07-01; its
  2-digit GSO code is the same in both code lists.
* A unit formed by merging several provinces is a **new** entity with id ``<slug>-2025`` (e.g.
  ``hai-phong-2025``), no ISO 3166-2 code, ``predecessors`` and ``continues`` (the predecessor
  whose name it took). Each merged pre-2025 unit ends on 2025-06-30 and names it as ``successor``.
* ``valid_from`` / ``valid_to`` are inclusive; ``None`` means unbounded (earlier reorganisations,
  e.g. the 2004 splits or Hà Tây 2008, are not modelled).

A historical issuer is never rewritten to its successor (format reference §15.2.1): use
:func:`find_province` with the document date to identify the issuer as printed, and
:func:`successor` to derive the unit holding its territory on a later date.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from nghiquyet import grammar

__all__ = [
    "REFORM_DATE",
    "Province",
    "convert_local_address",
    "find_province",
    "gso_key",
    "iso_subdivision",
    "province_by_gso_code",
    "province_by_id",
    "provinces",
    "successor",
    "valid_on",
]

#: First day of the 34-unit structure and of the Decision 19/2025/QĐ-TTg code list.
REFORM_DATE = date(2025, 7, 1)

_DATA_FILE = "data/provinces.json"


@dataclass(frozen=True, slots=True)
class Province:
    """A provincial-level unit, valid from ``valid_from`` to ``valid_to`` (both inclusive)."""

    id: str
    """ASCII kebab slug, unique (``"hai-duong"``, ``"hai-phong-2025"``)."""
    name: str
    """Official name with unit word (``"Tỉnh Hải Dương"``, ``"Thành phố Hải Phòng"``)."""
    short_name: str
    """Name without unit word (``"Hải Dương"``)."""
    kind: str
    """``"tỉnh"`` or ``"thành phố"`` (centrally-run city)."""
    gso_code: str
    """2-digit code in ``gso_system``."""
    gso_system: str
    """``"gso-2004"`` (Decision 124/2004/QĐ-TTg) or ``"gso-2025"`` (Decision 19/2025/QĐ-TTg)."""
    iso_3166_2: str | None
    """ISO 3166-2 code (``"VN-61"``, ``"VN-HP"``); ``None`` for merged 2025 units."""
    valid_from: date | None
    valid_to: date | None
    successor: str | None
    """Id of the unit that took over the territory the day after ``valid_to``."""
    predecessors: tuple[str, ...]
    """Ids of the units this one was formed from (empty when not formed by a change)."""
    continues: str | None
    """For a merged 2025 unit: the predecessor whose name it carries (and whose council's
    khóa numbering continues, format reference §15.2.2)."""
    aliases: tuple[str, ...]
    """Alternative spellings seen in documents (``"TP.HCM"``, ``"Khánh Hoà"``)."""

    def is_valid_on(self, on: date) -> bool:
        """Whether the unit existed on ``on``."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@cache
def provinces() -> tuple[Province, ...]:
    """All units (pre- and post-2025), sorted by id. Loaded once from the package data."""
    raw = json.loads(files(__package__ or "nghiquyet").joinpath(_DATA_FILE).read_text("utf-8"))
    return tuple(
        Province(
            id=u["id"],
            name=u["name"],
            short_name=u["short_name"],
            kind=u["kind"],
            gso_code=u["gso_code"],
            gso_system=u["gso_system"],
            iso_3166_2=u["iso_3166_2"],
            valid_from=_parse_date(u["valid_from"]),
            valid_to=_parse_date(u["valid_to"]),
            successor=u["successor"],
            predecessors=tuple(u["predecessors"]),
            continues=u["continues"],
            aliases=tuple(u["aliases"]),
        )
        for u in raw["units"]
    )


@cache
def _by_id() -> dict[str, Province]:
    return {p.id: p for p in provinces()}


def province_by_id(id: str) -> Province | None:  # noqa: A002 - the field is called id
    """The unit with this id, or ``None``."""
    return _by_id().get(id)


def valid_on(on: date) -> tuple[Province, ...]:
    """Units that existed on ``on`` (63 on 2025-06-30, 34 on 2025-07-01)."""
    return tuple(p for p in provinces() if p.is_valid_on(on))


# --- name matching -----------------------------------------------------------------------------

# Leading words dropped from a printed name: issuing-body words, then the unit word.
_BODY_PREFIXES = (("hoi", "dong", "nhan", "dan"), ("uy", "ban", "nhan", "dan"), ("hdnd",), ("ubnd",))
_UNIT_PREFIXES = (("thanh", "pho"), ("tinh",), ("tp",), ("t", "p"))
# "Đ" (U+0110) and its PDF homoglyph "Ð" (U+00D0) do not decompose under NFD.
_DSTROKE = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def _strip_prefix(tokens: list[str], prefixes: tuple[tuple[str, ...], ...]) -> list[str]:
    for prefix in prefixes:
        n = len(prefix)
        if len(tokens) > n and tuple(tokens[:n]) == prefix:
            return tokens[n:]
    return tokens


def _match_key(name: str) -> str:
    """Matching key: no diacritics (so tone placement is irrelevant), đ→d, lower case, no
    punctuation or spaces, leading "HĐND"/"tỉnh"/"thành phố"/"TP." removed.

    ``"THÀNH PHỐ HỒ CHÍ MINH"`` → ``"hochiminh"``; ``"Bà Rịa-Vũng Tàu"`` → ``"bariavungtau"``.
    Used for matching only, never for display.
    """
    decomposed = unicodedata.normalize("NFD", name.translate(_DSTROKE))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    tokens = grammar.ASCII_TOKEN.findall(folded)
    tokens = _strip_prefix(_strip_prefix(tokens, _BODY_PREFIXES), _UNIT_PREFIXES)
    return "".join(tokens)


@cache
def _by_key() -> dict[str, tuple[Province, ...]]:
    index: dict[str, list[Province]] = {}
    for p in provinces():
        keys = {_match_key(n) for n in (p.name, p.short_name, *p.aliases)}
        for key in keys:
            index.setdefault(key, []).append(p)
    return {k: tuple(v) for k, v in index.items()}


def find_province(name: str, on: date | None = None) -> Province | None:
    """Find the unit a printed locality name denotes.

    Matching ignores case, diacritics (hence old/new tone placement, "Hoà"/"Hòa"), punctuation,
    spacing and a leading unit word ("tỉnh", "thành phố", "TP.", also "HĐND ..."):
    ``"HẢI DƯƠNG"``, ``"tỉnh Hải Dương"``, ``"THÀNH PHỐ HỒ CHÍ MINH"``, ``"TP.HCM"``,
    ``"Thanh Hoá"`` all match. The name must be the whole unit name (no substring search).

    Several entities can share a name (``"Hải Phòng"`` before and after 2025-07-01):

    * with ``on`` given, only a unit valid on that date is returned, else ``None`` (e.g.
      ``"Thừa Thiên Huế"`` on 2025-03-01 → ``None``; ``"Huế"`` on 2024-06-01 → ``None``, since
      before 2025 "thành phố Huế" was a city *inside* the province, not a provincial unit);
    * with ``on=None`` the earliest-starting entity wins, i.e. the historic (pre-reform) unit,
      which is what the bulk of an archive means. Pass the document date to disambiguate.
    """
    candidates = _by_key().get(_match_key(name), ())
    if on is not None:
        valid = [p for p in candidates if p.is_valid_on(on)]
        return valid[0] if valid else None
    if not candidates:
        return None
    return min(candidates, key=lambda p: (p.valid_from or date.min, p.id))


# --- codes --------------------------------------------------------------------------------------


def iso_subdivision(p: Province) -> str | None:
    """Lower-case ISO 3166-2 code as used in an AKN country part (``"vn-61"``, ``"vn-hp"``),
    or ``None`` for units without an ISO code (merged 2025 units)."""
    return p.iso_3166_2.lower() if p.iso_3166_2 else None


def _gso_system_on(p: Province, on: date) -> str:
    if p.gso_system == "gso-2004" and on >= REFORM_DATE:
        return "gso-2025"  # only reachable for units spanning the reform: code unchanged
    return p.gso_system


def gso_key(p: Province, on: date | None = None) -> str:
    """Code qualified by its list, e.g. ``"gso-2004:30"`` or ``"gso-2025:31"`` (§15.2.3).

    For a unit spanning 2025-07-01 (same code in both lists), ``on`` selects the list in force
    on that date; without ``on`` the unit's own ``gso_system`` is used.
    """
    system = p.gso_system if on is None else _gso_system_on(p, on)
    return f"{system}:{p.gso_code}"


def province_by_gso_code(code: str, on: date) -> Province | None:
    """The unit that a 2-digit GSO code denoted on ``on``: the 2004 list before 2025-07-01, the
    Decision 19/2025 list from then on. E.g. ``"15"`` is Yên Bái on 2025-06-30 and the new Lào
    Cai on 2025-07-01. A ``"gso-2004:"``/``"gso-2025:"`` prefix is accepted and must fit ``on``.
    """
    system, sep, bare = code.rpartition(":")
    if sep:
        expected = "gso-2025" if on >= REFORM_DATE else "gso-2004"
        if system != expected:
            return None
    bare = bare.strip().zfill(2)
    for p in provinces():
        if p.gso_code == bare and p.is_valid_on(on):
            return p
    return None


# --- succession ---------------------------------------------------------------------------------


def successor(p: Province, on: date) -> Province:
    """The unit holding ``p``'s territory on ``on``: ``p`` itself while it is valid, otherwise
    the end of its successor chain at that date (``thua-thien-hue`` → ``hue``;
    ``hai-duong`` → ``hai-phong-2025``).

    Raises ``ValueError`` if ``on`` precedes ``p`` (merged units cannot be walked backwards).
    """
    if p.valid_from is not None and on < p.valid_from:
        raise ValueError(f"{p.id} did not exist on {on.isoformat()}")
    current = p
    while current.valid_to is not None and on > current.valid_to:
        nxt = province_by_id(current.successor) if current.successor else None
        if nxt is None:
            raise ValueError(f"{current.id} ended {current.valid_to} without a recorded successor")
        current = nxt
    return current


def convert_local_address(address: str) -> str | None:
    """Post-2025 name of a pre-2025 district/commune locality, via underthesea's offline mapping.

    ``address`` is comma-separated, smallest unit first, ending with the province:
    ``"xã An Bình, huyện Nam Sách, tỉnh Hải Dương"`` → ``"Xã An Phú, Thành phố Hải Phòng"``.
    Districts were abolished on 2025-07-01, so a district converts to its new province only:
    ``"huyện Nam Sách, tỉnh Hải Dương"`` → ``"Thành phố Hải Phòng"``;
    ``"quận Tân Phú, thành phố Hồ Chí Minh"`` → ``"Thành phố Hồ Chí Minh"``.
    A commune missing from the mapping also yields the province only; a commune that was split
    yields underthesea's default part. Returns ``None`` when the province is not recognised.

    underthesea is imported here, not at module import; ``underthesea.address`` reads a bundled
    JSON mapping and never downloads.
    """
    from underthesea.address import ConversionStatus, convert_address

    result = convert_address(address)
    if result.status == ConversionStatus.NOT_FOUND or not result.converted:
        return None
    return str(result.converted)
