"""Tests for nghiquyet.readers.legacy (legacy 8-bit encodings, format reference §14.2)."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nghiquyet.readers import legacy
from nghiquyet.readers.legacy import (
    TCVN3_TO_UNICODE,
    UNICODE_TO_TCVN3,
    UNICODE_TO_VNI,
    VIETNAMESE_LETTERS,
    Decoded,
    decode_cp1258,
    decode_legacy,
    decode_tcvn3,
    decode_vni,
    encode_tcvn3,
    encode_vni,
    repair_mojibake,
    tcvn3_to_unicode,
    vni_to_unicode,
)

SEED = Path("/work/shared/seed/hai-duong-2023-ktxh.txt")
LOWER = VIETNAMESE_LETTERS[:67]
UPPER = VIETNAMESE_LETTERS[67:]
TONES = "\u0300\u0301\u0303\u0309\u0323"
VN3_CAPITALS = "ĂÂÊÔƠƯĐ"

FALLBACK_PARAGRAPH = """\
NGHỊ QUYẾT
Kết quả thực hiện kế hoạch phát triển kinh tế - xã hội năm 2023
HỘI ĐỒNG NHÂN DÂN TỈNH HẢI DƯƠNG
KHOÁ XVII, KỲ HỌP THỨ 19
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Xét Báo cáo số 216/BC-UBND ngày 04 tháng 12 năm 2023 của Ủy ban nhân dân tỉnh;
QUYẾT NGHỊ:
Điều 1. Hội đồng nhân dân tỉnh tán thành báo cáo của Ủy ban nhân dân tỉnh.
Kế hoạch năm 2023 được thực hiện trong bối cảnh kinh tế trong nước chịu nhiều tác động.
"""


@pytest.fixture(scope="module")
def paragraph() -> str:
    """First 40 lines of the Hải Dương seed (a realistic resolution opening), NFC."""
    if SEED.exists():
        lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)[:40]
        text = "".join(lines)
    else:  # pragma: no cover - the shared seed is outside the repository
        text = FALLBACK_PARAGRAPH
    return unicodedata.normalize("NFC", text)


def encode_cp1258(text: str) -> bytes:
    """Encode like Windows does for 1258: precomposed base where it exists + combining tone."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        tone = "".join(mark for mark in decomposed if mark in TONES)
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in TONES))
        out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def as_cp1252(data: bytes) -> str:
    """What a program reading the bytes as Windows-1252 shows (undefined bytes kept as C1)."""
    return "".join(
        chr(byte) if byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([byte]).decode("cp1252")
        for byte in data
    )


# --------------------------------------------------------------------------- tables


def test_the_134_letters() -> None:
    assert len(VIETNAMESE_LETTERS) == 134
    assert len(set(VIETNAMESE_LETTERS)) == 134
    assert all(unicodedata.is_normalized("NFC", c) and len(c) == 1 for c in VIETNAMESE_LETTERS)
    assert LOWER.upper() == UPPER
    assert set("ăâđêôơư") <= set(LOWER)
    assert not any(c.isascii() for c in VIETNAMESE_LETTERS)


def test_tcvn3_table_is_vn3() -> None:
    # 67 lower-case letters + the seven capitals VN3 has, one byte each, no collisions.
    assert len(TCVN3_TO_UNICODE) == 74
    assert set(TCVN3_TO_UNICODE.values()) == set(LOWER) | set(VN3_CAPITALS)
    assert all(0xA1 <= byte <= 0xFE for byte in TCVN3_TO_UNICODE)
    # Anchors from the format reference and the classic "Céng hoµ x· héi chñ nghÜa ViÖt Nam".
    assert TCVN3_TO_UNICODE[0xD0] == "é"
    assert TCVN3_TO_UNICODE[0xAE] == "đ"
    assert TCVN3_TO_UNICODE[0xA7] == "Đ"
    assert TCVN3_TO_UNICODE[0xAD] == "ư"
    assert tcvn3_to_unicode("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == (
        "Cộng hoà xã hội chủ nghĩa Việt Nam")
    assert tcvn3_to_unicode("§éc lËp - Tù do - H¹nh phóc") == "Độc lập - Tự do - Hạnh phúc"


@pytest.mark.parametrize("letter", LOWER + VN3_CAPITALS)
def test_tcvn3_round_trip_letters(letter: str) -> None:
    data = encode_tcvn3(letter)
    assert len(data) == 1
    assert decode_tcvn3(data, restore_case=False) == letter


@pytest.mark.parametrize("letter", [c for c in UPPER if c not in VN3_CAPITALS])
def test_tcvn3_capitals_use_the_lower_case_code(letter: str) -> None:
    # VN3 has no upper-case toned letters: an upper-case (.VnTimeH) font shows the lower code.
    assert encode_tcvn3(letter) == encode_tcvn3(letter.lower())
    assert decode_tcvn3(encode_tcvn3(letter), restore_case=False) == letter.lower()


def test_tcvn3_encoder_covers_all_134() -> None:
    assert set(UNICODE_TO_TCVN3) == set(VIETNAMESE_LETTERS)


def test_tcvn3_pairs_round_trip() -> None:
    for first in LOWER:
        for second in LOWER:
            word = f"x{first}{second}n"
            assert decode_tcvn3(encode_tcvn3(word), restore_case=False) == word


def test_tcvn3_vn1_capitals_in_free_positions() -> None:
    assert decode_tcvn3(bytes([0xC4, 0xFF]), restore_case=False) == "ẤỐ"
    assert len(legacy.TCVN3_VN1_CAPITALS) == 16
    assert not set(legacy.TCVN3_VN1_CAPITALS) & set(TCVN3_TO_UNICODE)


def test_tcvn3_heading_case() -> None:
    heading = encode_tcvn3("NGHỊ QUYẾT\nHỘI ĐỒNG NHÂN DÂN\nĐiều 1. Hà Nội\n")
    assert decode_tcvn3(heading) == "NGHỊ QUYẾT\nHỘI ĐỒNG NHÂN DÂN\nĐiều 1. Hà Nội\n"
    assert decode_tcvn3(heading, restore_case=False) == "NGHị QUYếT\nHộI ĐồNG NHÂN DÂN\nĐiều 1. Hà Nội\n"


def test_vni_table() -> None:
    assert set(UNICODE_TO_VNI) == set(VIETNAMESE_LETTERS)
    assert UNICODE_TO_VNI["đ"] == "ñ" and UNICODE_TO_VNI["Đ"] == "Ñ"
    assert UNICODE_TO_VNI["ệ"] == "eä"
    assert UNICODE_TO_VNI["ơ"] == "ô" and UNICODE_TO_VNI["ư"] == "ö"
    assert UNICODE_TO_VNI["ờ"] == "ôø"
    assert UNICODE_TO_VNI["ỵ"] == "î"
    assert UNICODE_TO_VNI["Ấ"] == "AÁ"
    assert len(set(UNICODE_TO_VNI.values())) == 134
    assert vni_to_unicode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == (
        "Cộng hòa xã hội chủ nghĩa Việt Nam")
    assert vni_to_unicode("ÑIEÀU 1. Ñieàu leä cuûa ngöôøi") == "ĐIỀU 1. Điều lệ của người"


@pytest.mark.parametrize("letter", VIETNAMESE_LETTERS)
def test_vni_round_trip_letters(letter: str) -> None:
    assert decode_vni(encode_vni(letter)) == letter
    assert decode_vni(encode_vni(f"x{letter}n")) == f"x{letter}n"


def test_vni_pairs_round_trip() -> None:
    for first in VIETNAMESE_LETTERS:
        text = "".join(first + second + " " for second in VIETNAMESE_LETTERS)
        assert decode_vni(encode_vni(text)) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=VIETNAMESE_LETTERS + "abcdeghiklmnopqrstuvxyABCDEGHIKLMNOPQRSTUVXY .,;:-\n",
               max_size=60))
def test_round_trip_property(text: str) -> None:
    assert decode_vni(encode_vni(text)) == text
    assert decode_tcvn3(encode_tcvn3(text), restore_case=False).lower() == text.lower()
    assert decode_cp1258(encode_cp1258(text)) == text


def test_encoders_refuse_what_they_cannot_write() -> None:
    with pytest.raises(UnicodeEncodeError):
        encode_tcvn3("ç")  # byte E7 is "ỗ" in TCVN3
    with pytest.raises(UnicodeEncodeError):
        encode_vni("ç")
    with pytest.raises(UnicodeEncodeError):
        encode_vni("中")
    assert encode_tcvn3("“x” – …") == "“x” – …".encode("cp1252")


# --------------------------------------------------------------------------- detection


def test_decoded_is_frozen() -> None:
    decoded = Decoded("x", "vni", 0.9)
    with pytest.raises(AttributeError):
        decoded.text = "y"  # type: ignore[misc]
    assert not hasattr(decoded, "__dict__")


def test_detect_tcvn3(paragraph: str) -> None:
    decoded = decode_legacy(encode_tcvn3(paragraph))
    assert decoded is not None
    assert decoded.encoding == "tcvn3"
    assert decoded.confidence >= 0.8
    assert decoded.text.lower() == paragraph.lower()
    # Heading lines (all ASCII letters upper case) get their capitals back; elsewhere an
    # upper-case toned letter comes back lower case ("ủy ban"), as VN3 has none.
    lines = dict(zip([line.strip() for line in paragraph.splitlines()],
                     [line.strip() for line in decoded.text.splitlines()], strict=True))
    for original in ("NGHỊ QUYẾT", "HỘI ĐỒNG NHÂN DÂN TỈNH HẢI DƯƠNG", "KHOÁ XVII, KỲ HỌP THỨ 19",
                     "QUYẾT NGHỊ:"):
        assert lines[original] == original
    differences = [(a, b) for a, b in lines.items() if a != b]
    assert all(b == a.replace("Ủy", "ủy") for a, b in differences), differences


def test_detect_tcvn3_lowercase_without_case_restoration(paragraph: str) -> None:
    text = decode_tcvn3(encode_tcvn3(paragraph), restore_case=False)
    assert text.lower() == paragraph.lower()
    assert text != paragraph  # "NGHị QUYếT": capitals are lost in VN3


def test_detect_vni(paragraph: str) -> None:
    decoded = decode_legacy(encode_vni(paragraph))
    assert decoded is not None
    assert decoded.encoding == "vni"
    assert decoded.confidence >= 0.8
    assert decoded.text == paragraph


def test_detect_cp1258(paragraph: str) -> None:
    data = encode_cp1258(paragraph)
    raw = data.decode("cp1258")
    assert not unicodedata.is_normalized("NFC", raw)  # base + combining tone on the wire
    decoded = decode_legacy(data)
    assert decoded is not None
    assert decoded.encoding == "cp1258"
    assert decoded.confidence >= 0.8
    assert decoded.text == paragraph
    assert unicodedata.is_normalized("NFC", decoded.text)


def test_cp1258_combining_tone_composes() -> None:
    data = b"Vi\xea\xf2t Nam"  # "Vi" + ê + combining dot below + "t"
    assert data.decode("cp1258") == "Viê\u0323t Nam"
    assert decode_cp1258(data) == "Việt Nam"


@pytest.mark.parametrize(("encoder", "name"), [(encode_tcvn3, "tcvn3"), (encode_vni, "vni"),
                                               (encode_cp1258, "cp1258")])
def test_detect_each_encoding_on_every_paragraph_slice(paragraph: str, encoder, name) -> None:
    lines = [line for line in paragraph.splitlines() if len(line) > 30]
    for line in lines:
        decoded = decode_legacy(encoder(line))
        assert decoded is not None, line
        assert decoded.encoding == name, line


def test_short_snippets() -> None:
    assert decode_legacy(encode_vni("Cộng hòa xã hội chủ nghĩa Việt Nam")).encoding == "vni"
    assert decode_legacy(encode_tcvn3("Cộng hòa xã hội chủ nghĩa Việt Nam")).encoding == "tcvn3"


def test_utf8_input(paragraph: str) -> None:
    decoded = decode_legacy(paragraph.encode("utf-8"))
    assert decoded == Decoded(paragraph, "utf-8", 1.0)
    decoded = decode_legacy(b"\xef\xbb\xbf" + paragraph.encode("utf-8"))
    assert decoded == Decoded(paragraph, "utf-8-sig", 1.0)
    decoded = decode_legacy(paragraph.encode("utf-16"))
    assert decoded == Decoded(paragraph, "utf-16", 1.0)


def test_utf8_with_a_few_broken_bytes(paragraph: str) -> None:
    data = paragraph.encode("utf-8")
    cut = data.index("QUYẾT".encode()) + 3  # inside "Ế"
    decoded = decode_legacy(data[:cut] + data[cut + 1:])
    assert decoded is not None and decoded.encoding == "utf-8"
    assert "\ufffd" in decoded.text


# --------------------------------------------------------------------------- mojibake


def test_repair_utf8_mojibake(paragraph: str) -> None:
    garbled = as_cp1252(paragraph.encode("utf-8"))
    assert "á»" in garbled and "Ä" in garbled
    assert repair_mojibake(garbled) == paragraph
    decoded = decode_legacy(garbled.encode("utf-8"))
    assert decoded == Decoded(paragraph, "utf-8-mojibake", 1.0)


def test_repair_utf8_mojibake_examples() -> None:
    assert repair_mojibake("Ä\x90iá»\x81u 1. Há»™i Ä‘á»“ng nhÃ¢n dÃ¢n") == "Điều 1. Hội đồng nhân dân"
    # Bytes Windows-1252 does not define (81 8D 8F 90 9D) dropped: restored when unambiguous.
    assert repair_mojibake("Äiá»u 1") == "Điều 1"


def test_repair_utf8_mojibake_nbsp_lost() -> None:
    text = "Nghị quyết này được thông qua và có hiệu lực. HẠNH PHÚC. CƠ QUAN"
    garbled = as_cp1252(text.encode("utf-8"))
    assert "\xa0" in garbled
    assert repair_mojibake(garbled.replace("\xa0", " ")) == text
    assert repair_mojibake(garbled.replace("\xa0", "")) == text


def test_repair_double_mojibake() -> None:
    text = "Hội đồng nhân dân tỉnh Hải Dương"
    twice = as_cp1252(as_cp1252(text.encode("utf-8")).encode("utf-8"))
    assert repair_mojibake(twice) == text


def test_repair_partial_mojibake() -> None:
    text = "Điều 1. Hội đồng nhân dân tỉnh\n"
    mixed = text + as_cp1252(text.encode("utf-8")) + "Giá trị → 5 %\n"
    assert repair_mojibake(mixed) == text + text + "Giá trị → 5 %\n"


def test_repair_tcvn3_and_vni_read_as_1252(paragraph: str) -> None:
    vni = as_cp1252(encode_vni(paragraph))
    assert "Vieät" in as_cp1252(encode_vni("Việt"))
    assert repair_mojibake(vni) == paragraph
    tcvn = as_cp1252(encode_tcvn3(paragraph))
    assert repair_mojibake(tcvn).lower() == paragraph.lower()
    assert decode_legacy(vni.encode("utf-8")).encoding == "vni"
    assert decode_legacy(tcvn.encode("utf-8")).encoding == "tcvn3"


def test_repair_keeps_correct_lines() -> None:
    good = "Điều 2. Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết này.\n"
    bad = as_cp1252(encode_tcvn3("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 "
                                 "năm 2015 của Quốc hội;\n"))
    repaired = repair_mojibake(bad + bad + good)
    assert repaired is not None
    assert repaired.endswith(good)
    assert repaired.startswith("Căn cứ Luật Tổ chức chính quyền địa phương")


# --------------------------------------------------------------------------- negatives

ENGLISH = (
    "The People's Council of the province adopted the resolution on the socio-economic "
    "development plan for 2024. Article 1. The Council approves the report of the "
    "provincial People's Committee, with the following contents.\n"
) * 5

FRENCH = (
    "Le conseil populaire de la province a adopté la résolution relative au plan de "
    "développement économique et social. Article premier. Le conseil approuve le rapport "
    "du comité populaire provincial, avec les éléments détaillés ci-après: déjà réalisé, "
    "prévu pour l'année prochaine, à préciser. Où en est-on? Ça dépend des crédits.\n"
) * 3

GERMAN = (
    "Der Volksrat der Provinz hat den Beschluss über den Plan für die wirtschaftliche und "
    "soziale Entwicklung gefasst. Änderungen müssen größtenteils öffentlich geprüft werden; "
    "Übergangsfristen gelten für Gebäude und Straßen.\n"
) * 3


def test_english_is_left_alone() -> None:
    assert decode_legacy(ENGLISH.encode("ascii")) is None
    assert repair_mojibake(ENGLISH) is None


@pytest.mark.parametrize("text", [FRENCH, GERMAN])
def test_latin1_languages_are_not_vietnamese(text: str) -> None:
    assert decode_legacy(text.encode("cp1252")) is None
    assert repair_mojibake(text) is None
    decoded = decode_legacy(text.encode("utf-8"))
    assert decoded == Decoded(text, "utf-8", 1.0)


def test_correct_vietnamese_is_not_repaired(paragraph: str) -> None:
    assert repair_mojibake(paragraph) is None
    assert repair_mojibake("Nghị quyết của Hội đồng nhân dân tỉnh Hải Dương") is None
    assert repair_mojibake("Điều 1. Giá trị sản xuất tăng 5 % so với năm 2022.") is None


@pytest.mark.parametrize("seed", range(5))
def test_random_binary(seed: int) -> None:
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(4096))
    assert decode_legacy(data) is None


def test_random_high_bytes_without_controls() -> None:
    rng = random.Random(7)
    alphabet = bytes(range(0x20, 0x7F)) + bytes(range(0xA0, 0x100))
    data = bytes(rng.choice(alphabet) for _ in range(4096))
    assert decode_legacy(data) is None
    assert repair_mojibake(data.decode("latin-1")) is None


def test_empty_and_ascii() -> None:
    assert decode_legacy(b"") is None
    assert decode_legacy(b"Nghi quyet so 12/2023/NQ-HDND") is None
    assert repair_mojibake("") is None


def test_vietnamese_confidence() -> None:
    assert legacy.vietnamese_confidence("Nghị quyết của Hội đồng nhân dân tỉnh về các điều") > 0.8
    assert legacy.vietnamese_confidence("Céng hoµ x· héi chñ nghÜa ViÖt Nam") < 0.2
    assert legacy.vietnamese_confidence("plain ascii") == 0.0


# --------------------------------------------------------------------------- text reader


def test_text_reader_uses_legacy(paragraph: str) -> None:
    from nghiquyet.diagnostics import Diagnostics
    from nghiquyet.readers.text import decode_text

    for encoder, name in ((encode_tcvn3, "tcvn3"), (encode_vni, "vni"),
                          (encode_cp1258, "cp1258")):
        text, encoding = decode_text(encoder(paragraph), Diagnostics("t"))
        assert encoding == name
        assert text.lower() == paragraph.lower()
        assert name == "tcvn3" or text == paragraph
    garbled = as_cp1252(paragraph.encode("utf-8")).encode("utf-8")
    assert decode_text(garbled, Diagnostics("t")) == (paragraph, "utf-8-mojibake")
