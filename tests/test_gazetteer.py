"""Tests for nghiquyet.gazetteer (province gazetteer, format reference §15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest

from nghiquyet import gazetteer as gz
from nghiquyet.gazetteer import (
    find_province,
    gso_key,
    iso_subdivision,
    province_by_gso_code,
    province_by_id,
    provinces,
    successor,
    valid_on,
)

BEFORE = date(2025, 6, 30)
AFTER = date(2025, 7, 1)
CHECK_DATES = (date(2020, 1, 1), date(2024, 12, 31), date(2025, 1, 1), BEFORE, AFTER, date(2026, 1, 1))


def pid(id_: str) -> gz.Province:
    p = province_by_id(id_)
    assert p is not None, id_
    return p


# --- data file ----------------------------------------------------------------------------------


def test_data_file_is_sorted_and_has_header():
    raw = json.loads(files("nghiquyet").joinpath("data/provinces.json").read_text("utf-8"))
    assert raw["_source"] and raw["_note"]
    ids = [u["id"] for u in raw["units"]]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids))


def test_ids_are_ascii_kebab():
    for p in provinces():
        assert p.id.isascii() and p.id == p.id.lower() and " " not in p.id, p.id


def test_fields_are_consistent():
    for p in provinces():
        assert p.kind in ("tỉnh", "thành phố")
        assert p.name == f"{p.kind.capitalize()} {p.short_name}"
        assert p.gso_system in ("gso-2004", "gso-2025")
        assert len(p.gso_code) == 2 and p.gso_code.isdigit()
        if p.gso_system == "gso-2025":
            assert p.valid_from == AFTER and p.iso_3166_2 is None
        for other in (p.successor, p.continues, *p.predecessors):
            assert other is None or province_by_id(other) is not None


# --- counts and succession ----------------------------------------------------------------------


def test_counts():
    assert len(valid_on(BEFORE)) == 63
    assert len(valid_on(AFTER)) == 34
    assert len(valid_on(date(2024, 12, 31))) == 63
    assert sum(p.kind == "thành phố" for p in valid_on(AFTER)) == 6
    assert sum(p.kind == "thành phố" for p in valid_on(BEFORE)) == 6  # Huế since 2025-01-01
    assert sum(p.kind == "thành phố" for p in valid_on(date(2024, 12, 31))) == 5


def test_every_ended_unit_has_a_successor_valid_after_reform():
    ended = [p for p in provinces() if p.valid_to is not None]
    assert len(ended) == 63 - 11 + 1  # 52 merged + Thừa Thiên Huế
    for p in ended:
        assert p.successor is not None, p.id
        nxt = pid(p.successor)
        assert nxt.is_valid_on(AFTER), p.id
        assert successor(p, AFTER) is nxt
        assert p.id in nxt.predecessors


def test_predecessors_and_successors_agree():
    for p in valid_on(AFTER):
        for q in p.predecessors:
            assert pid(q).successor == p.id
        if p.continues:
            assert p.continues in p.predecessors
            assert pid(p.continues).short_name == p.short_name
    merged = [p for p in valid_on(AFTER) if p.valid_from == AFTER]
    assert len(merged) == 23
    assert sum(len(p.predecessors) for p in merged) == 52


def test_successor_chain():
    hd = pid("hai-duong")
    assert successor(hd, date(2020, 1, 1)) is hd
    assert successor(hd, BEFORE) is hd
    assert successor(hd, AFTER).id == "hai-phong-2025"
    tth = pid("thua-thien-hue")
    assert successor(tth, date(2024, 12, 31)) is tth
    assert successor(tth, date(2025, 1, 1)).id == "hue"
    assert successor(tth, date(2030, 1, 1)).id == "hue"
    hn = pid("ha-noi")
    assert successor(hn, date(2030, 1, 1)) is hn
    with pytest.raises(ValueError):
        successor(pid("hai-phong-2025"), BEFORE)


# --- ISO 3166-2 ---------------------------------------------------------------------------------


def test_iso_codes_unique():
    for on in CHECK_DATES:
        codes = [p.iso_3166_2 for p in valid_on(on) if p.iso_3166_2]
        assert len(codes) == len(set(codes)), on
    # over all time, only the Thừa Thiên Huế → Huế rename shares a code (VN-26 kept)
    counts = Counter(p.iso_3166_2 for p in provinces() if p.iso_3166_2)
    assert {c for c, n in counts.items() if n > 1} == {"VN-26"}
    assert len(counts) == 63
    assert all(p.iso_3166_2 for p in valid_on(BEFORE))


@pytest.mark.parametrize(
    ("id_", "iso"),
    [
        ("hai-duong", "VN-61"),
        ("hai-phong", "VN-HP"),
        ("ho-chi-minh", "VN-SG"),
        ("thua-thien-hue", "VN-26"),
        ("hue", "VN-26"),
        ("ha-noi", "VN-HN"),
        ("ha-giang", "VN-03"),
        ("kien-giang", "VN-47"),
        ("can-tho", "VN-CT"),
    ],
)
def test_iso_sample(id_, iso):
    assert pid(id_).iso_3166_2 == iso
    assert iso_subdivision(pid(id_)) == iso.lower()


def test_iso_subdivision_none_for_merged_units():
    assert iso_subdivision(pid("hai-phong-2025")) is None
    assert iso_subdivision(pid("ho-chi-minh-2025")) is None


# --- GSO codes ----------------------------------------------------------------------------------

CHANGED_CODES = [
    ("15", "yen-bai", "lao-cai-2025"),
    ("24", "bac-giang", "bac-ninh-2025"),
    ("44", "quang-binh", "quang-tri-2025"),
    ("52", "binh-dinh", "gia-lai-2025"),
    ("80", "long-an", "tay-ninh-2025"),
    ("82", "tien-giang", "dong-thap-2025"),
    ("91", "kien-giang", "an-giang-2025"),
]


@pytest.mark.parametrize(("code", "old", "new"), CHANGED_CODES)
def test_gso_codes_that_changed_meaning(code, old, new):
    assert province_by_gso_code(code, BEFORE).id == old
    assert province_by_gso_code(code, AFTER).id == new
    assert province_by_gso_code(f"gso-2004:{code}", BEFORE).id == old
    assert province_by_gso_code(f"gso-2025:{code}", AFTER).id == new
    assert province_by_gso_code(f"gso-2004:{code}", AFTER) is None


def test_gso_codes():
    absent = "02 06 10 17 26 27 30 34 35 36 45 49 54 58 60 62 64 67 70 72 74 77 83 84 87 89 93 94 95"
    for code in absent.split():
        assert province_by_gso_code(code, AFTER) is None, code
        assert province_by_gso_code(code, BEFORE) is not None, code
    for on in CHECK_DATES:
        codes = [p.gso_code for p in valid_on(on)]
        assert len(codes) == len(set(codes)), on
    assert province_by_gso_code("30", BEFORE).id == "hai-duong"
    assert province_by_gso_code("31", AFTER).id == "hai-phong-2025"
    assert province_by_gso_code("1", AFTER).id == "ha-noi"
    assert gso_key(pid("hai-duong")) == "gso-2004:30"
    assert gso_key(pid("hai-phong-2025")) == "gso-2025:31"
    assert gso_key(pid("ha-noi"), BEFORE) == "gso-2004:01"
    assert gso_key(pid("ha-noi"), AFTER) == "gso-2025:01"


# --- name matching ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "on", "expected"),
    [
        ("HẢI DƯƠNG", date(2023, 12, 8), "hai-duong"),
        ("tỉnh Hải Dương", None, "hai-duong"),
        ("TỈNH HẢI DƯƠNG", BEFORE, "hai-duong"),
        ("HỘI ĐỒNG NHÂN DÂN TỈNH HẢI DƯƠNG", None, "hai-duong"),
        ("Hải Phòng", None, "hai-phong"),
        ("Hải Phòng", BEFORE, "hai-phong"),
        ("THÀNH PHỐ HẢI PHÒNG", AFTER, "hai-phong-2025"),
        ("THÀNH PHỐ HỒ CHÍ MINH", date(2020, 1, 1), "ho-chi-minh"),
        ("TP. Hồ Chí Minh", None, "ho-chi-minh"),
        ("TP.HCM", date(2025, 8, 1), "ho-chi-minh-2025"),
        ("TP HCM", None, "ho-chi-minh"),
        ("Hồ Chí Minh", None, "ho-chi-minh"),
        ("Thanh Hoá", None, "thanh-hoa"),
        ("THANH HÓA", AFTER, "thanh-hoa"),
        ("tỉnh Khánh Hoà", BEFORE, "khanh-hoa"),
        ("Khánh Hoà", AFTER, "khanh-hoa-2025"),
        ("Hoà Bình", None, "hoa-binh"),
        ("Bà Rịa-Vũng Tàu", None, "ba-ria-vung-tau"),
        ("BÀ RỊA – VŨNG TÀU", None, "ba-ria-vung-tau"),
        ("Đắk Lắk", None, "dak-lak"),
        ("Đăk Lăk", AFTER, "dak-lak-2025"),
        ("ÐÀ NẴNG", None, "da-nang"),  # U+00D0 homoglyph from PDF font maps
        ("Thừa Thiên - Huế", None, "thua-thien-hue"),
        ("TỈNH THỪA THIÊN HUẾ", date(2024, 12, 31), "thua-thien-hue"),
        ("Thành phố Huế", date(2025, 1, 1), "hue"),
        ("Huế", date(2026, 1, 1), "hue"),
        ("Hà Nội", date(2000, 1, 1), "ha-noi"),
        ("Hà Nội", date(2026, 1, 1), "ha-noi"),
    ],
)
def test_find_province(printed, on, expected):
    found = find_province(printed, on)
    assert found is not None and found.id == expected


@pytest.mark.parametrize(
    ("printed", "on"),
    [
        ("Thừa Thiên Huế", date(2025, 3, 1)),  # renamed on 2025-01-01
        ("Thành phố Huế", date(2024, 6, 1)),  # then a city inside the province
        ("Hải Dương", AFTER),  # merged into Hải Phòng
        ("Nam Sách", None),
        ("Hải", None),
        ("", None),
        ("tỉnh", None),
    ],
)
def test_find_province_none(printed, on):
    assert find_province(printed, on) is None


def test_names_do_not_collide_on_any_date():
    # every key a unit answers to identifies at most one unit on any date
    for on in CHECK_DATES:
        for p in valid_on(on):
            for n in (p.name, p.short_name, *p.aliases):
                assert find_province(n, on) is p, (n, on)


# --- underthesea --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("huyện Nam Sách, tỉnh Hải Dương", "Thành phố Hải Phòng"),
        ("quận Tân Phú, thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
        ("Huyện Nam Sách, Tỉnh Hải Dương", "Thành phố Hải Phòng"),
    ],
)
def test_convert_local_address_district(address, expected):
    pytest.importorskip("underthesea.address")
    assert gz.convert_local_address(address) == expected


def test_convert_local_address_commune():
    pytest.importorskip("underthesea.address")
    converted = gz.convert_local_address("xã An Bình, huyện Nam Sách, tỉnh Hải Dương")
    assert converted is not None
    assert converted.startswith("Xã ") and converted.endswith(", Thành phố Hải Phòng")


@pytest.mark.parametrize("address", ["", "blah", "huyện Nam Sách"])
def test_convert_local_address_unknown(address):
    pytest.importorskip("underthesea.address")
    assert gz.convert_local_address(address) is None


def test_import_does_not_import_underthesea():
    import nghiquyet

    src_root = Path(next(iter(nghiquyet.__path__))).parent
    code = (
        "import sys, datetime\n"
        "import nghiquyet.gazetteer as g\n"
        "g.find_province('Hải Dương', datetime.date(2024, 1, 1)); g.valid_on(datetime.date(2025, 7, 1))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('underthesea', 'underthesea_core')))\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src_root), env.get("PYTHONPATH")]))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
