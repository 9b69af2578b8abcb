"""Legacy Vietnamese 8-bit encodings → Unicode NFC (format reference §14.2).

Pre-Unicode documents reach us in four shapes:

* **TCVN3** (TCVN 5712:1993 *VN3*, the "ABC" fonts ``.VnTime``/``.VnArial``): one byte per
  letter. VN3 has all 67 lower-case letters but only seven upper-case ones (Ă Â Ê Ô Ơ Ư Đ);
  headings are typed with the lower-case codes in an upper-case font (``.VnTimeH``), so the
  bytes say "nghÞ quyÕt" where the page shows "NGHỊ QUYẾT". :func:`tcvn3_to_unicode` restores
  the case of such heading lines when every ASCII letter on the line is upper case; elsewhere
  the converted text is lower case where the font was (expected, not an error).
* **VNI** (``VNI-Times``): base letter + one diacritic byte ("Vieät" = Việt); ơ, ư, đ and the
  toned i's are single bytes. Converted from the Windows-1252 reading of the bytes.
* **Windows-1258**: precomposed base letter + *combining* tone mark; Python's ``cp1258``
  codec + NFC.
* **UTF-8 read as Windows-1252** ("Äiá»u"): re-encode as 1252 and decode as UTF-8, only where
  that round-trips cleanly.

:func:`decode_legacy` scores each candidate decoding by how Vietnamese it looks (share of
word tokens that are well-formed Vietnamese syllables, plus common words) and keeps the best;
:func:`repair_mojibake` does the same for text that was already decoded the wrong way.

All tables are built from the explicit letter tables below when the module is imported; no
other work happens at import time. Patterns live in :mod:`nghiquyet.grammar`
("legacy encodings" section).
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nghiquyet import grammar

if TYPE_CHECKING:
    import regex

# --------------------------------------------------------------------------- result type

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1258", "tcvn3", "vni", "utf-8-mojibake")
"""The values :attr:`Decoded.encoding` can take."""

MIN_CONFIDENCE = 0.5
"""Below this, a candidate decoding is not convincing and :func:`decode_legacy` gives None."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, with the encoding that was recognised.

    Attributes:
        text: the decoded text (Unicode NFC for the legacy encodings).
        encoding: one of :data:`ENCODINGS`.
        confidence: 0–1; 1.0 for unambiguous cases (BOM, valid UTF-8, clean mojibake repair),
            otherwise the Vietnamese-likeness score of the chosen decoding.
    """

    text: str
    encoding: str
    confidence: float


# --------------------------------------------------------------------------- letters

_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
"""Tone marks in the order huyền, sắc, hỏi, ngã, nặng (grave, acute, hook, tilde, dot)."""

_VOWELS = "aăâeêioôơuưy"


def _build_letters() -> str:
    letters = []
    for vowel in _VOWELS:
        if not vowel.isascii():
            letters.append(vowel)
        letters.extend(unicodedata.normalize("NFC", vowel + tone) for tone in _TONES)
    letters.append("đ")
    lower = "".join(letters)
    return lower + lower.upper()


VIETNAMESE_LETTERS = _build_letters()
"""The 134 Vietnamese letters outside ASCII: 67 lower case (12 vowels × 5 tones, ă â ê ô ơ ư,
đ) followed by the 67 upper-case ones, in the same order."""

# --------------------------------------------------------------------------- Windows-1252


def _build_cp1252() -> str:
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:  # 81 8D 8F 90 9D: undefined, read as C1 controls (Latin-1)
            chars.append(chr(byte))
    return "".join(chars)


_CP1252 = _build_cp1252()
"""Byte → character as Windows-1252 shows it (undefined bytes as their Latin-1 C1 control)."""

_TO_LATIN1 = {ord(char): byte for byte, char in enumerate(_CP1252) if ord(char) != byte}
"""``str.translate`` table turning a Windows-1252 reading back into Latin-1 code points, so
that ``.encode("latin-1")`` restores the bytes."""

_FROM_LATIN1 = {byte: char for byte, char in enumerate(_CP1252) if ord(char) != byte}
"""``str.translate`` table from a Latin-1 reading of bytes to the Windows-1252 reading."""


def _cp1252_bytes(text: str) -> bytes | None:
    """The bytes a Windows-1252 (or Latin-1) reading came from; None if it cannot be one."""
    try:
        return text.translate(_TO_LATIN1).encode("latin-1")
    except UnicodeEncodeError:
        return None


def _cp1252_text(data: bytes) -> str:
    """Read bytes as Windows-1252 without failing on the five undefined bytes."""
    return data.decode("latin-1").translate(_FROM_LATIN1)


# --------------------------------------------------------------------------- TCVN3

_TCVN3_ROWS = (
    # letter + its VN3 byte; one row per vowel: [untoned,] huyền, sắc, hỏi, ngã, nặng
    "à\xb5 á\xb8 ả\xb6 ã\xb7 ạ\xb9",
    "ă\xa8 ằ\xbb ắ\xbe ẳ\xbc ẵ\xbd ặ\xc6",
    "â\xa9 ầ\xc7 ấ\xca ẩ\xc8 ẫ\xc9 ậ\xcb",
    "è\xcc é\xd0 ẻ\xce ẽ\xcf ẹ\xd1",
    "ê\xaa ề\xd2 ế\xd5 ể\xd3 ễ\xd4 ệ\xd6",
    "ì\xd7 í\xdd ỉ\xd8 ĩ\xdc ị\xde",
    "ò\xdf ó\xe3 ỏ\xe1 õ\xe2 ọ\xe4",
    "ô\xab ồ\xe5 ố\xe8 ổ\xe6 ỗ\xe7 ộ\xe9",
    "ơ\xac ờ\xea ớ\xed ở\xeb ỡ\xec ợ\xee",
    "ù\xef ú\xf3 ủ\xf1 ũ\xf2 ụ\xf4",
    "ư\xad ừ\xf5 ứ\xf8 ử\xf6 ữ\xf7 ự\xf9",
    "ỳ\xfa ý\xfd ỷ\xfb ỹ\xfc ỵ\xfe",
    "đ\xae",
    # the seven upper-case letters VN3 has
    "Ă\xa1 Â\xa2 Ê\xa3 Ô\xa4 Ơ\xa5 Ư\xa6 Đ\xa7",
)

TCVN3_TO_UNICODE: dict[int, str] = {
    ord(pair[1]): pair[0] for row in _TCVN3_ROWS for pair in row.split()
}
"""TCVN 5712:1993 VN3 byte → letter: the 67 lower-case letters and Ă Â Ê Ô Ơ Ư Đ."""

TCVN3_VN1_CAPITALS: dict[int, str] = {
    0xAF: "Ằ", 0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ",
    0xC5: "Ề", 0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố",
}
"""Decode-only extension: the upper-case letters that TCVN 5712 VN1/VN2 put in byte positions
VN3 leaves unused (A0–FF). The other 44 VN1 capitals sit in C0 controls and 80–9F, where
``.VnTime`` documents carry Windows-1252 punctuation (“ ” – …), so they are not mapped."""


def _build_tcvn3_decoder() -> dict[int, str]:
    table = {byte: _CP1252[byte] for byte in range(0x80, 0x100)}
    table.update(TCVN3_VN1_CAPITALS)
    table.update(TCVN3_TO_UNICODE)
    return table


_TCVN3_FROM_LATIN1 = _build_tcvn3_decoder()
"""``str.translate`` table: Latin-1 reading of TCVN3 bytes → Unicode."""

_TCVN3_FROM_CP1252_BYTES = frozenset(TCVN3_TO_UNICODE) | frozenset(TCVN3_VN1_CAPITALS)
"""Bytes that TCVN3 decoding turns into letters."""

_TCVN3_FROM_CP1252 = {ord(_CP1252[byte]): char for byte, char in
                      (TCVN3_TO_UNICODE | TCVN3_VN1_CAPITALS).items()}
"""``str.translate`` table: Windows-1252 reading of TCVN3 bytes → Unicode."""


def _build_tcvn3_encoder() -> dict[str, int]:
    table = {char: byte for byte, char in TCVN3_TO_UNICODE.items()}
    for char, byte in list(table.items()):
        table.setdefault(char.upper(), byte)  # H-font convention: capitals use the lower code
    return table


UNICODE_TO_TCVN3: dict[str, int] = _build_tcvn3_encoder()
"""Letter → VN3 byte for all 134 letters; the 60 upper-case letters VN3 lacks map to the
byte of their lower-case form, as typed for an upper-case (``…H``) font."""

# --------------------------------------------------------------------------- VNI

_VNI_TONE = dict(zip(_TONES, "øùûõï", strict=True))
"""Tone byte after a, e, o, u, y, ơ, ư (Windows-1252 reading, lower case)."""
_VNI_CIRCUMFLEX = dict(zip(("", *_TONES), "âàáåãä", strict=True))
"""Circumflex (+ tone) byte after a, e, o."""
_VNI_BREVE = dict(zip(("", *_TONES), "êèéúüë", strict=True))
"""Breve (+ tone) byte after a."""
_VNI_I = dict(zip(_TONES, "ìíæóò", strict=True))
"""Toned i: single bytes."""
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ", "ỵ": "î"}
"""Letters VNI stores in one byte (ỵ is a single byte, unlike ỳ ý ỷ ỹ)."""


def _vni_lower(letter: str) -> str:
    """VNI sequence (Windows-1252 reading) of one lower-case letter."""
    if letter in _VNI_SINGLE:
        return _VNI_SINGLE[letter]
    decomposed = unicodedata.normalize("NFD", letter)
    base, marks = decomposed[0], decomposed[1:]
    tone = "".join(mark for mark in marks if mark in _TONES)
    shape = "".join(mark for mark in marks if mark not in _TONES)
    if base == "i":
        return _VNI_I[tone]
    if shape == "\u0302":
        return base + _VNI_CIRCUMFLEX[tone]
    if shape == "\u0306":
        return base + _VNI_BREVE[tone]
    if shape == "\u031b":
        return _VNI_SINGLE[unicodedata.normalize("NFC", base + shape)] + _VNI_TONE[tone]
    return base + _VNI_TONE[tone]


def _build_vni() -> dict[str, str]:
    half = len(VIETNAMESE_LETTERS) // 2
    table = {}
    for lower, upper in zip(VIETNAMESE_LETTERS[:half], VIETNAMESE_LETTERS[half:], strict=True):
        table[lower] = _vni_lower(lower)
        table[upper] = table[lower].upper()
    return table


UNICODE_TO_VNI: dict[str, str] = _build_vni()
"""Letter → VNI sequence (as Windows-1252 shows the bytes) for all 134 letters."""


def _build_vni_decoder() -> tuple[dict[str, str], dict[str, str]]:
    pairs: dict[str, str] = {}
    singles: dict[str, str] = {}
    for letter, sequence in UNICODE_TO_VNI.items():
        if len(sequence) == 1:
            singles[sequence] = letter
        else:
            pairs[sequence] = letter
    for sequence, letter in list(pairs.items()):  # tolerate a diacritic byte of the other case
        pairs.setdefault(sequence[0] + sequence[1].swapcase(), letter)
    return pairs, singles


_VNI_PAIRS, _VNI_SINGLES = _build_vni_decoder()
"""VNI two-character sequences and single characters → letter."""

# --------------------------------------------------------------------------- converters


def tcvn3_to_unicode(text: str, *, restore_case: bool = True) -> str:
    """Convert TCVN3 text as read with Windows-1252 ("Céng hoµ x· héi") to Unicode NFC.

    With ``restore_case``, a line whose ASCII letters are all upper case (at least two) is
    upper-cased whole: a heading typed for an upper-case font ("NGHÞ QUYÕT").
    """
    return _finish_tcvn3(text.translate(_TCVN3_FROM_CP1252), restore_case)


def decode_tcvn3(data: bytes, *, restore_case: bool = True) -> str:
    """Decode TCVN3 bytes to Unicode NFC (see :func:`tcvn3_to_unicode`)."""
    return _finish_tcvn3(data.decode("latin-1").translate(_TCVN3_FROM_LATIN1), restore_case)


def _finish_tcvn3(text: str, restore_case: bool) -> str:
    if restore_case:
        text = "".join(_heading_case(line) for line in text.splitlines(keepends=True))
    return unicodedata.normalize("NFC", text)


def _heading_case(line: str) -> str:
    upper = lower = 0
    for char in line:
        if "A" <= char <= "Z":
            upper += 1
        elif "a" <= char <= "z":
            lower += 1
    if upper >= 2 and lower == 0:
        return line.upper()
    return line


def vni_to_unicode(text: str) -> str:
    """Convert VNI text as read with Windows-1252 ("Vieät Nam", "Ñieàu") to Unicode NFC."""
    if text.isascii():
        return text
    out: list[str] = []
    index, end = 0, len(text)
    pairs, singles = _VNI_PAIRS, _VNI_SINGLES
    while index < end:
        char = text[index]
        if char < "\x80" and index + 1 < end:
            letter = pairs.get(text[index:index + 2])
            if letter is not None:
                out.append(letter)
                index += 2
                continue
        elif char in singles:  # ô ö Ô Ö (ơ ư Ơ Ư) may carry a tone byte
            letter = pairs.get(text[index:index + 2])
            if letter is not None:
                out.append(letter)
                index += 2
                continue
            char = singles[char]
        out.append(char)
        index += 1
    return unicodedata.normalize("NFC", "".join(out))


def decode_vni(data: bytes) -> str:
    """Decode VNI bytes to Unicode NFC."""
    return vni_to_unicode(_cp1252_text(data))


def decode_cp1258(data: bytes) -> str:
    """Decode Windows-1258 bytes (base letter + combining tone) to Unicode NFC."""
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def encode_tcvn3(text: str) -> bytes:
    """Encode text as TCVN3 (VN3) bytes; upper-case toned letters get their lower-case code.

    Other characters are written as Windows-1252 when their byte is not a TCVN3 letter.

    Raises:
        UnicodeEncodeError: a character TCVN3 cannot represent.
    """
    out = bytearray()
    for position, char in enumerate(unicodedata.normalize("NFC", text)):
        if char < "\x80":
            out.append(ord(char))
        elif char in UNICODE_TO_TCVN3:
            out.append(UNICODE_TO_TCVN3[char])
        else:
            raw = _cp1252_bytes(char)
            if raw is None or raw[0] in _TCVN3_FROM_CP1252_BYTES:
                raise UnicodeEncodeError("tcvn3", text, position, position + 1,
                                         "not representable in TCVN3")
            out += raw
    return bytes(out)


def encode_vni(text: str) -> bytes:
    """Encode text as VNI bytes.

    Other characters are written as Windows-1252 when their byte is below C0 (C0–FF hold
    VNI's letters and diacritics).

    Raises:
        UnicodeEncodeError: a character VNI cannot represent.
    """
    out = bytearray()
    for position, char in enumerate(unicodedata.normalize("NFC", text)):
        known = char in UNICODE_TO_VNI
        raw = _cp1252_bytes(UNICODE_TO_VNI[char] if known else char)
        if raw is None or (not known and raw[0] >= 0xC0):
            raise UnicodeEncodeError("vni", text, position, position + 1,
                                     "not representable in VNI")
        out += raw
    return bytes(out)


# --------------------------------------------------------------------------- scoring

COMMON_WORDS = frozenset(
    "của và các nghị quyết hội đồng nhân dân điều năm ngày tháng được theo tỉnh những "
    "trong với người để có là này về thực hiện phát triển tế xã số ủy uỷ định cấp "
    "đến từ đã một không chính quản lý đầu tư địa phương thành phố huyện sở bộ".split()
)
"""Frequent non-ASCII words of resolutions; a correct decoding is full of them."""

_SAMPLE_CHARS = 200_000
"""Candidate decodings are scored on this much of the input."""

_STOP_TONES = frozenset(("\u0301", "\u0323"))
"""A syllable ending in c, ch, p, t (k in Tây Nguyên names: Đắk Lắk) takes sắc or nặng."""


def _is_syllable(token: str) -> bool:
    """True if a token is one well-formed Vietnamese syllable (any case, any tone style)."""
    word = unicodedata.normalize("NFC", token).lower()
    if any(unicodedata.combining(char) for char in word):
        return False  # a tone mark that did not compose: on a consonant, or a second one
    decomposed = unicodedata.normalize("NFD", word)
    tones = grammar.LEGACY_TONE_MARK.findall(decomposed)
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", grammar.LEGACY_TONE_MARK.sub("", decomposed))
    if grammar.LEGACY_SYLLABLE.fullmatch(bare) is None:
        return False
    if bare.endswith(("c", "ch", "p", "t", "k")) and (not tones or tones[0] not in _STOP_TONES):
        return False
    return True


def _evidence(text: str, cache: dict[str, bool] | None = None) -> tuple[int, int, int]:
    """(tokens with non-ASCII letters, valid syllables among them, common words)."""
    cache = {} if cache is None else cache
    tokens = valid = common = 0
    for match in grammar.LEGACY_TOKEN.finditer(text):
        token = match.group()
        if token.isascii():
            continue
        tokens += 1
        ok = cache.get(token)
        if ok is None:
            ok = cache[token] = _is_syllable(token)
        if ok:
            valid += 1
            if unicodedata.normalize("NFC", token).lower() in COMMON_WORDS:
                common += 1
    return tokens, valid, common


def vietnamese_confidence(text: str) -> float:
    """How Vietnamese a text looks, 0–1.

    Counts the word tokens that contain non-ASCII characters (ASCII words read the same under
    every candidate encoding): the share that are well-formed Vietnamese syllables (80 %) and
    the share of common words (20 %, saturating at one in four), damped for short samples
    and for control characters or U+FFFD.
    """
    sample = text[:_SAMPLE_CHARS]
    tokens, valid, common = _evidence(sample)
    if not tokens:
        return 0.0
    score = 0.8 * valid / tokens + 0.2 * min(1.0, 4 * common / tokens)
    score *= tokens / (tokens + 2)
    junk = len(grammar.LEGACY_JUNK.findall(sample))
    score *= max(0.0, 1.0 - 20 * junk / len(sample))
    return round(score, 3)


# --------------------------------------------------------------------------- decoding

def _decode_utf8_lossy(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


_CANDIDATES: tuple[tuple[str, Callable[[bytes], str]], ...] = (
    ("tcvn3", decode_tcvn3),
    ("vni", decode_vni),
    ("cp1258", decode_cp1258),
    ("utf-8", _decode_utf8_lossy),
)
"""Candidate decoders for bytes that are not valid UTF-8, in tie-break order."""


def decode_legacy(data: bytes) -> Decoded | None:
    """Decode bytes, recognising the legacy Vietnamese encodings.

    Meant for bytes that are not valid UTF-8: TCVN3, VNI, Windows-1258 and UTF-8 with a few
    broken bytes are each tried and scored with :func:`vietnamese_confidence`; the best is
    returned if it reaches :data:`MIN_CONFIDENCE`. Also safe on other input: a BOM gives
    ``utf-8-sig``/``utf-16``; valid UTF-8 gives ``utf-8``, or the repaired text when it is
    mojibake (see :func:`repair_mojibake`).

    Returns:
        The decoded text, or None for empty input, pure ASCII (nothing to decide), binary
        data, or when no candidate looks Vietnamese.
    """
    if not data:
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        return _from_utf8(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(data.decode("utf-16", errors="replace"), "utf-16", 1.0)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return None if text.isascii() else _from_utf8(text, "utf-8")
    sample = data[:_SAMPLE_CHARS]
    controls = sum(1 for byte in sample if byte < 0x09 or 0x0E <= byte < 0x20 or byte == 0x7F)
    if controls > 0.02 * len(sample):
        return None  # binary (or UTF-16 without BOM, which the text reader handles)
    scored = sorted(((vietnamese_confidence(decoder(sample)), -order, name)
                     for order, (name, decoder) in enumerate(_CANDIDATES)), reverse=True)
    best, _, name = scored[0]
    if best < MIN_CONFIDENCE:
        return None
    if best - scored[1][0] < 0.05:  # two readings about as good: say so
        best *= 0.8
    decoder = dict(_CANDIDATES)[name]
    return Decoded(unicodedata.normalize("NFC", decoder(data)), name, round(best, 3))


def _from_utf8(text: str, encoding: str) -> Decoded:
    if not text.isascii():
        repaired = _repair(text)
        if repaired is not None:
            return Decoded(*repaired)
    return Decoded(text, encoding, 1.0)


# --------------------------------------------------------------------------- repair


def repair_mojibake(text: str) -> str | None:
    """Repair text that was decoded with the wrong code page.

    Handles UTF-8 read as Windows-1252 or Latin-1 ("Äiá»u" → "Điều"; also twice-garbled
    text and the common losses: NBSP turned into a space, the undefined bytes 81 8D 8F 90 9D
    dropped — restored only when exactly one choice gives Vietnamese), and TCVN3 or VNI read as
    Windows-1252 ("Céng hoµ", "Vieät Nam"), converting line by line only lines that look
    more Vietnamese afterwards.

    Returns:
        The repaired text, or None when no repair applies (plain English, correct Vietnamese,
        or mojibake that does not round-trip).
    """
    repaired = _repair(text)
    return None if repaired is None else repaired[0]


def _repair(text: str) -> tuple[str, str, float] | None:
    """(repaired text, encoding label, confidence) or None."""
    if text.isascii():
        return None
    utf8 = _repair_utf8(text) if _looks_utf8_mojibake(text) else None
    if utf8 is not None and utf8[1] < 1.0 and not _more_vietnamese(utf8[0], text):
        utf8 = None  # a token-level guess that does not make the text read better
    if utf8 is not None and utf8[1] >= 0.9:
        return utf8[0], "utf-8-mojibake", utf8[1]
    eight_bit = _repair_8bit(text)  # "TÆNH" (VNI "TỈNH") also reads as UTF-8 "TƠNH"
    if utf8 is None or utf8[1] < MIN_CONFIDENCE:
        return eight_bit
    if eight_bit is not None and (vietnamese_confidence(eight_bit[0])
                                  > vietnamese_confidence(utf8[0])):
        return eight_bit
    return utf8[0], "utf-8-mojibake", utf8[1]


def _more_vietnamese(candidate: str, original: str) -> bool:
    """True if a larger share of the candidate's non-ASCII words are Vietnamese syllables."""
    new_tokens, new_valid, _ = _evidence(candidate[:_SAMPLE_CHARS])
    old_tokens, old_valid, _ = _evidence(original[:_SAMPLE_CHARS])
    return new_valid * max(old_tokens, 1) > old_valid * max(new_tokens, 1)


def _looks_utf8_mojibake(text: str) -> bool:
    return bool(grammar.LEGACY_UTF8_MOJIBAKE.search(text)
                or grammar.LEGACY_UTF8_MOJIBAKE_LOSSY.search(text))


def _utf8_roundtrip(text: str) -> str | None:
    raw = _cp1252_bytes(text)
    if raw is None:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _repair_utf8(text: str) -> tuple[str, float] | None:
    current, confidence, changed = text, 1.0, False
    for _ in range(3):  # text garbled twice needs two passes
        if not _looks_utf8_mojibake(current):
            break
        whole = _utf8_roundtrip(current)
        if whole is not None and whole != current:
            current, changed = whole, True
            continue
        current, repaired, failed, exact = _repair_utf8_tokens(current)
        if not repaired:
            break
        changed = True
        confidence = min(confidence, (1.0 if exact else 0.9) * repaired / (repaired + failed))
    return (current, round(confidence, 3)) if changed else None


def _has_utf8_lead(token: str) -> bool:
    return any(char in "ÃÄÅÆ" for char in token) or "áº" in token or "á»" in token


def _repair_utf8_tokens(text: str) -> tuple[str, int, int, bool]:
    """Repair token by token; return (text, tokens repaired, tokens left, all exact)."""
    out: list[str] = []
    last = 0
    repaired = failed = 0
    exact = True
    tokens = list(grammar.LEGACY_MOJIBAKE_TOKEN.finditer(text))
    index = 0
    while index < len(tokens):
        match = tokens[index]
        index += 1
        token = match.group()
        if not _has_utf8_lead(token):
            continue
        start, end = match.start(), match.end()
        fixed = _utf8_roundtrip(token)
        if fixed is None:
            exact = False
            fixed, end, joined = _nbsp_lost(text, match, tokens[index] if index < len(tokens) else None)
            index += joined
        if fixed is None:
            fixed = _fill_lost_bytes(token)
        if fixed is None or fixed == token:
            failed += 1
            continue
        out.append(text[last:start])
        out.append(fixed)
        last = end
        repaired += 1
    out.append(text[last:])
    return "".join(out), repaired, failed, exact


def _nbsp_lost(text: str, match: regex.Match[str],
               following: regex.Match[str] | None) -> tuple[str | None, int, int]:
    """Repair a token whose trailing NBSP (byte A0 of "à" C3 A0, "Ơ" C6 A0, "Ạ" E1 BA A0)
    became a space: "nÃ y" is "này" (one space: the word goes on, if that reads as
    Vietnamese), "vÃ  cÃ¡c" is "và các" (two spaces: the second is real).

    Returns (repaired text or None, end of the replaced span, tokens consumed after it).
    """
    token, end = match.group(), match.end()
    if text[end:end + 1] != " " or not grammar.LEGACY_MOJIBAKE_NBSP_LOST.search(token):
        return None, end, 0
    if following is not None and following.start() == end + 1:
        joined = _utf8_roundtrip(token + "\xa0" + following.group())
        if joined is not None and _all_syllables(joined):
            return joined, following.end(), 1
    fixed = _utf8_roundtrip(token + "\xa0")
    if fixed is None:
        return None, end, 0
    return fixed, (end + 1 if text[end + 1:end + 2] == " " else end), 0


def _all_syllables(text: str) -> bool:
    tokens, valid, _ = _evidence(text)
    return tokens > 0 and valid == tokens


_LOST_BYTES = (0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xA0)
"""Continuation bytes a Windows-1252 round trip loses: the five it does not define, and A0
(NBSP), which is often turned into a space or dropped."""


def _fill_lost_bytes(token: str) -> str | None:
    """Re-insert lost continuation bytes when exactly one choice reads as Vietnamese."""
    raw = _cp1252_bytes(token.replace("\ufffd", "\x00"))
    if raw is None:
        return None
    options: list[tuple[bytes, ...]] = []
    gaps = index = 0
    while index < len(raw):
        byte = raw[index]
        index += 1
        if byte < 0x80:
            if byte == 0:
                return None  # U+FFFD outside a sequence
            options.append((bytes([byte]),))
            continue
        need = 1 if 0xC2 <= byte <= 0xDF else 2 if 0xE0 <= byte <= 0xEF else 0
        if not need:
            return None
        choices = [bytes([byte])]
        for _ in range(need):
            if index < len(raw) and 0x80 <= raw[index] <= 0xBF:
                choices = [choice + raw[index:index + 1] for choice in choices]
                index += 1
                continue
            gaps += 1
            if gaps > 3:
                return None
            if index < len(raw) and raw[index] == 0:  # U+FFFD stands for the lost byte
                index += 1
            choices = [choice + bytes([lost]) for choice in choices for lost in _LOST_BYTES]
        options.append(tuple(choices))
    if not gaps:
        return None
    ranked: dict[str, tuple[int, int]] = {}
    for combination in itertools.product(*options):
        try:
            candidate = b"".join(combination).decode("utf-8")
        except UnicodeDecodeError:
            continue
        tokens, valid, common = _evidence(candidate)
        if tokens and valid == tokens:
            ranked[candidate] = (_case_consistent(candidate), common)
    if not ranked:
        return None
    best = max(ranked.values())
    winners = [candidate for candidate, rank in ranked.items() if rank == best]
    return winners[0] if len(winners) == 1 else None


def _case_consistent(token: str) -> int:
    """1 if a token's letters are all lower, all upper, or Capitalised."""
    letters = [char for char in token if char.isalpha()]
    if not letters:
        return 1
    rest = letters[1:]
    return int(all(char.islower() for char in rest) or all(char.isupper() for char in letters))


_LEGACY_CONVERTERS = (("tcvn3", tcvn3_to_unicode), ("vni", vni_to_unicode))


def _repair_8bit(text: str) -> tuple[str, str, float] | None:
    """TCVN3 or VNI text that was read as Windows-1252."""
    sample = text[:_SAMPLE_CHARS]
    if _SUSPECT.isdisjoint(sample):
        return None
    original = vietnamese_confidence(sample)
    best_name, best_score = "", 0.0
    for name, convert in _LEGACY_CONVERTERS:
        score = vietnamese_confidence(convert(sample))
        if score > best_score:
            best_name, best_score = name, score
    if best_score < MIN_CONFIDENCE or best_score < original + 0.2:
        return None
    convert = dict(_LEGACY_CONVERTERS)[best_name]
    cache: dict[str, bool] = {}
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        converted = convert(line)
        if converted != line and _line_share(converted, cache) >= _line_share(line, cache):
            out.append(converted)
        else:
            out.append(line)
    result = "".join(out)
    return (result, best_name, best_score) if result != text else None


_SUSPECT = frozenset(_CP1252[0xA1:]) - frozenset(VIETNAMESE_LETTERS) - {"\xb0"}
"""Windows-1252 characters that are not Vietnamese letters (µ ¸ ® ä ø ñ …): TCVN3 and VNI
read as Windows-1252 are full of them; correct text has few, so it skips the scoring."""


def _line_share(line: str, cache: dict[str, bool]) -> float:
    tokens, valid, _ = _evidence(line, cache)
    return valid / tokens if tokens else 1.0


__all__ = [
    "COMMON_WORDS",
    "ENCODINGS",
    "MIN_CONFIDENCE",
    "TCVN3_TO_UNICODE",
    "TCVN3_VN1_CAPITALS",
    "UNICODE_TO_TCVN3",
    "UNICODE_TO_VNI",
    "VIETNAMESE_LETTERS",
    "Decoded",
    "decode_cp1258",
    "decode_legacy",
    "decode_tcvn3",
    "decode_vni",
    "encode_tcvn3",
    "encode_vni",
    "repair_mojibake",
    "tcvn3_to_unicode",
    "vietnamese_confidence",
    "vni_to_unicode",
]
