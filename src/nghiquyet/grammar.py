"""Grammar: every pattern of the project, named, verbose and commented.

Patterns run on a line's *matching view* (:func:`fold`): the normalised text with both
tone-placement styles folded to one ("hoà" → "hòa", "khoá" → "khóa", "Uỷ" → "Ủy"). The fold
keeps the length, so match offsets index the stored text too, and stored text keeps the
spelling the document used. Patterns are therefore written in the old style ("hòa", "khóa",
"Ủy"). Keywords are case-insensitive where copies vary (``(?i:…)``), and literal elsewhere.

Domain sequences (point letters, number words) are data next to the patterns.

Patterns are compiled with ``regex`` (Unicode properties, verbose named groups). The few plain
ones scanned over whole documents (:data:`MAYBE_REPAIR`, :data:`BINARY_CHAR`,
:data:`FOLD_PAIR`) use the standard library's engine, which scans a plain character class
several times faster. Tests the parser asks of nearly every line and that only look at a
line's ends (:func:`ends_sentence`, :func:`starts_lower`, :func:`hyphen_end`) are functions
next to their patterns, and property tests check that each agrees with its pattern.
"""

from __future__ import annotations

import re
import unicodedata

import regex

V = regex.VERBOSE
VI = regex.VERBOSE | regex.IGNORECASE

# --------------------------------------------------------------------------- domain data

POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"
"""Vietnamese order of điểm letters: đ after d, no f, j, w, z."""

NUMBER_WORDS: dict[str, int] = {
    "một": 1, "mốt": 1, "nhất": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "nhăm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9, "mười": 10, "mươi": 10,
    "trăm": 100, "linh": 0, "lẻ": 0,
}
"""Vietnamese number words used for ordinals ("kỳ họp thứ Mười chín")."""

ROMAN = regex.compile(r"^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
"""A strict Roman numeral (upper case)."""

# --------------------------------------------------------------------------- reader level

LINE_BREAK = regex.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split at :data:`LINE_BREAK` (CR LF, CR or LF) with string methods: one C-level pass each,
    several times faster than a pattern split over a whole document."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

SPACE_RUN = regex.compile(r" {2,}")
CONTROL_CHARS = regex.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
COMBINING_MARK = regex.compile(r"\p{M}")
"""Any combining mark (decomposed text, or marks to check)."""

SPECIAL_SPACE = regex.compile(r"[\u00a0\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff\u00ad]")
"""Non-breaking, typographic and zero-width spaces, BOM and soft hyphen."""

REPAIR_SUSPECT = regex.compile(
    r"[\p{M}\p{NFC_Quick_Check=No}\p{NFC_Quick_Check=Maybe}"
    r"\u00a0\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff\u00adÐð\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""A character that one of the normaliser's repairs may change: marks, characters NFC
changes or may change, special spaces, "Ð"/"ð", control characters."""

SAFE_TEXT_CHARS = (
    "\n\x20-\x7e"              # ASCII printable (and the line break of a joined text)
    "\u00a1-\u00ac\u00ae-\u00cf\u00d1-\u00ef\u00f1-\u02ff"  # Latin-1 .. spacing modifiers,
    #                          without NBSP, soft hyphen and "Ð"/"ð"
    "\u0370-\u0373\u0375-\u037d\u037f-\u0386\u0388-\u03ff"  # Greek, without the singletons
    "\u0400-\u0482\u048a-\u052f"  # Cyrillic, without its combining marks
    "\u1e00-\u1eff"              # Latin Extended Additional: the toned Vietnamese letters
    "\u2010-\u2027\u2030-\u205e"  # dashes, quotes, bullets, primes
    "\u2070-\u20cf\u2100-\u2125\u2127-\u2129\u212c-\u2328\u232b-\u25ff"  # symbols
)
"""Characters that no repair of the normaliser can change (a test checks every one against
:data:`REPAIR_SUSPECT`): the common case of Vietnamese text."""

MAYBE_REPAIR = re.compile(f"[^{SAFE_TEXT_CHARS}]")
"""A prefilter for :data:`REPAIR_SUSPECT`: any character outside the known-safe set. It uses
the standard library's engine, which scans a plain character class about seven times faster
than ``regex`` scans a class of Unicode properties (the reader runs it over whole texts)."""

BINARY_CHAR = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")
"""Characters that do not occur in text (their share tells binary data from text). A plain
class, so the standard library's faster engine scans for it."""

STRAY_COMBINING = regex.compile(r"[\u0300-\u036f]")
"""After NFC every legitimate Vietnamese mark is composed; any combining mark left is stray
(the seed has "t́ìm": U+0301 on "t")."""

MOJIBAKE_UTF8_AS_1252 = regex.compile(r"(?:Ã[\x80-\xbf¡-¿]|á»|áº|Æ°|Ä‘|Ä\x90)")
"""Clusters that UTF-8 Vietnamese shows when decoded as Windows-1252 ("Äiá»u")."""

TONED_LETTER = regex.compile(r"[\u1ea0-\u1ef9]")
"""A precomposed toned Vietnamese letter (never produced by decoding as Windows-1252): text
without any, but not ASCII, is suspected of being a legacy encoding read as 1252."""

TCVN3_MARKERS = regex.compile(r"[µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâäå«èëéêí¬îóïñôõøö÷ùûúüþ]")
VNI_MARKERS = regex.compile(r"(?:[aeoAEOuUyYiI][ùøûõïaâeôöáàåäã]|ñ|Ñ|ô|ö)(?=\p{L}|\s|$)")

# --------------------------------------------------------------------------- tone folding

FOLD_PAIR = re.compile(r"[oOuU][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ]")
"""The o / u of an open diphthong (oa, oe, uy) before its toned second vowel, new style
("oà", "uý"). Two more conditions are checked by :func:`fold` on each candidate, where they
cost nothing: no "q" before it ("quý", "quà": the u belongs to the consonant qu), and no letter
after it (an open syllable only: "hoàn" has one spelling). A plain pair of classes, so the
standard library's engine finds the candidates, several times faster than a lookaround
pattern over a whole document."""

_BASE_TONE: dict[str, tuple[str, str]] = {}
for _base, _forms in (("a", "àáảãạ"), ("e", "èéẻẽẹ"), ("y", "ỳýỷỹỵ"),
                      ("A", "ÀÁẢÃẠ"), ("E", "ÈÉẺẼẸ"), ("Y", "ỲÝỶỸỴ")):
    for _form, _tone in zip(_forms, "\u0300\u0301\u0309\u0303\u0323", strict=True):
        _BASE_TONE[_form] = (_base, _tone)
_FOLDED_PAIR = {v + t: unicodedata.normalize("NFC", v + tone) + base
                for v in "oOuU" for t, (base, tone) in _BASE_TONE.items()}
""""oà" → "òa", "uý" → "úy" …: the old-style spelling of each new-style pair."""


def _fold_match(m: re.Match[str]) -> str:
    text, start, end = m.string, m.start(), m.end()
    if (start and text[start - 1] in "qQ") or text[end:end + 1].isalpha():  # isalpha: \p{L}
        return m.group()
    return _FOLDED_PAIR[m.group()]


def fold(text: str) -> str:
    """Matching view: fold new-style tone placement to old style, keeping the length.

    >>> fold("Khoá XVII, Uỷ ban, hoà bình, hoàn thành, quý")
    'Khóa XVII, Ủy ban, hòa bình, hoàn thành, quý'
    """
    return FOLD_PAIR.sub(_fold_match, text)


# --------------------------------------------------------------------------- header

NATIONAL_TITLE = regex.compile(r"""
    ^ (?i: c[ộo]ng \s* h[òo]a \s+ xã \s+ hội \s+ chủ \s+ nghĩa \s+ việt \s+ nam )
    """, V)
"""Quốc hiệu (tone styles folded, so "HOÀ" matches as "HÒA")."""

MOTTO = regex.compile(r"""
    ^ (?i: độc \s* lập \s* [-–—] \s* tự \s* do \s* [-–—] \s* hạnh \s* phúc )
    """, V)
"""Tiêu ngữ."""

RULE_LINE = regex.compile(r"^(?:[-_=–—~.*|\s]{2,}|\|)$")
"""A separator rule ("--------", "_____") or an empty flattened table cell."""

TRAILING_RULE = regex.compile(r"\s*(?:[-_=–—]{3,}|\|)\s*$")
"""A rule or cell separator glued to the end of a header line ("TỈNH AN GIANG--------")."""

CELL_SEPARATOR = regex.compile(r"\s*\|\s*")
"""Cell separator of header tables flattened by legal portals ("A | B |")."""

COUNCIL = regex.compile(r"""
    ^ (?: (?i: thường \s+ trực \s+ ) )?
    (?P<body> HỘI \s* ĐỒNG \s* NHÂN \s* DÂN | HĐND )          # in capitals, as headers print it
    (?: \s* (?P<unit> TỈNH | THÀNH \s* PHỐ | TP\. ? | HUYỆN | QUẬN | THỊ \s+ XÃ
                     | XÃ | PHƯỜNG | THỊ \s+ TRẤN | ĐẶC \s+ KHU )
        \s* (?P<name> [^\s,(].*? ) )?
    (?P<rest> \s* (?: [,.\-–] \s* )? (?i: khóa | kỳ \s+ họp ) .* )?
    \s* $""", V)
"""Issuing council, as printed in the header or on the council line
("HỘI ĐỒNG NHÂN DÂN TỈNH HẢI DƯƠNG", "HĐND TỈNH LÀO CAI"), possibly followed by the
session ("… QUẬN TÂN PHÚ KHÓA I, KỲ HỌP LẦN THỨ 7")."""

COUNCIL_IN_TEXT = regex.compile(r"""
    (?: (?i: hội \s+ đồng \s+ nhân \s+ dân ) | HĐND ) \s+
    (?P<unit> (?i: tỉnh | thành \s+ phố | huyện | quận | thị \s+ xã | xã | phường
                 | thị \s+ trấn | đặc \s+ khu ) )
    \s+ (?P<name> (?: \p{Lu}\p{Ll}* (?: \s* - \s* | \s+ ) ){0,3} \p{Lu}\p{Ll}* )
    """, V)
"""A council named in running text ("Hội đồng nhân dân tỉnh Hải Dương khóa XVII")."""

LOCALITY = regex.compile(r"""
    ^ (?P<unit> (?i: tỉnh | thành \s* phố | tp\. ? | huyện | quận | thị \s+ xã | xã | phường
                   | thị \s+ trấn | đặc \s+ khu ) )
    \s* (?P<name> \S.*? ) \s* $""", V)
"""The locality line under "HỘI ĐỒNG NHÂN DÂN" ("TỈNH HẢI DƯƠNG")."""

NUMBER = regex.compile(r"""
    ^ (?i: s[ốô] ) \s* [:.]? \s*                    # "Số:" (also "Số :", "Số:10/…")
    (?P<raw>
      (?P<seq> \d+ (?: \.\d+ )? [a-zđ]? )? \s*       # 15, 30c, 66.10; blank in drafts
      / \s* (?: (?P<year> \d{4} ) \s* / \s* )?       # year of normative documents
      (?P<sym> [A-ZĐÐ] [\p{L}0-9.&]*                  # NQ
         (?: \s* [-–] \s* [\p{Lu}0-9] [\p{L}0-9.&]* )* )  # -HĐND
    )
    \s* $""", V)
"""Số, ký hiệu: "Số: 15/NQ-HĐND", "Số: 09/2006/ NQ-HĐND"."""

DATE_LINE = regex.compile(r"""
    ^ (?P<place> [^,\d]{2,60}? ) \s* , \s*          # place, e.g. "Hải Dương"
    (?i: ngày ) \s* (?P<d> \d{1,2} )? \s*            # day (may be blank in drafts)
    (?i: tháng ) \s* (?P<m> \d{1,2} )? \s*           # month
    (?i: năm ) \s* (?P<y> \d{4} )                    # year
    \s* [.]? \s* $""", V)
"""Địa danh, ngày tháng năm: "Hải Dương, ngày 08 tháng 12 năm 2023"."""

DATE_PAREN = regex.compile(r"^\(\s*(?i:ngày)\s*\d{1,2}\s*(?i:tháng)\s*\d{1,2}\s*(?i:năm)\s*\d{4}\s*\)$")
"""A date in brackets under the council line ("(Ngày 22 tháng 3 năm 2006)")."""

DOCUMENT_TYPE = regex.compile(r"""
    ^ (?P<type>
        NGHỊ \s* QUYẾT | QUYẾT \s+ ĐỊNH | TỜ \s+ TRÌNH | BÁO \s+ CÁO | THÔNG \s+ BÁO
      | KẾ \s+ HOẠCH | CHỈ \s+ THỊ | CÔNG \s+ VĂN | QUY \s+ ĐỊNH | QUY \s+ CHẾ
      | THÔNG \s+ TƯ | NGHỊ \s+ ĐỊNH )
    (?P<rest> \s+ (?: CỦA | VỀ | V/v ) .* )?
    \s* $""", V)
"""Tên loại văn bản, printed in capitals on its own line ("NGHỊ QUYẾT",
"NGHỊ QUYẾT CỦA HĐND TỈNH LÀO CAI")."""

DOCUMENT_TYPES = {
    "NGHỊ QUYẾT": "resolution", "QUYẾT ĐỊNH": "decision", "TỜ TRÌNH": "submission",
    "BÁO CÁO": "report", "THÔNG BÁO": "notice", "KẾ HOẠCH": "plan", "CHỈ THỊ": "directive",
    "CÔNG VĂN": "letter", "QUY ĐỊNH": "regulation", "QUY CHẾ": "regulation",
    "THÔNG TƯ": "circular", "NGHỊ ĐỊNH": "decree",
}

TERM = regex.compile(r"""
    (?i: khóa ) \s* (?P<term> [IVXLC]+ ) (?! \p{L} )   # khóa XVII (Roman, upper case)
    """, V)
"""Khóa: the council's term."""

SESSION = regex.compile(r"""
    (?i: kỳ \s* họp ) \s*
    (?P<kind> (?i: chuyên \s+ đề | bất \s+ thường ) \s* )?      # thematic / extraordinary
    (?: (?i: lần ) \s* )? (?: (?i: thứ ) \s* )?
    (?P<num> \d+
      | (?P<words> (?i: (?: một | mốt | nhất | hai | ba | bốn | tư | năm | lăm | nhăm | sáu
                          | bảy | bẩy | tám | chín | mười | mươi | trăm | linh | lẻ )
                        (?: \s+ | (?= \P{L} ) | $ ) )+ ) )?
    """, V)
"""Kỳ họp: "kỳ họp thứ 19", "KỲ HỌP THỨ BẢY", "kỳ họp chuyên đề lần thứ 5"."""

SESSION_KIND = regex.compile(r"(?i:(?P<thematic>chuyên\s+đề)|(?P<extra>bất\s+thường))")
"""Kind of session stated anywhere on the council line ("(BẤT THƯỜNG)")."""

SESSION_LINE = regex.compile(r"""
    ^ (?: (?i: khóa ) \s* [IVXLC]+ | (?i: kỳ \s* họp ) | (?i: nhiệm \s+ kỳ ) ) """, V)
"""A line that carries term or session ("KHÓA XVII, KỲ HỌP THỨ 19", "Kỳ họp thứ 3")."""

# --------------------------------------------------------------------------- preamble

LEGAL_BASIS = regex.compile(r"^(?i:căn\s+cứ)(?!\p{L})")
"""Căn cứ: a legal basis (also "Căn cứ kết quả bầu cử …", which some councils print after
the Xét clause)."""

CONSIDERATION = regex.compile(r"""
    ^ (?: (?i: xét ) (?! \s+ nghiệm )
        | (?i: theo \s+ đề \s+ nghị )
        | (?i: sau \s+ khi \s+ (?: xem \s+ xét | nghe | thảo \s+ luận | xét ) )
        | (?i: trên \s+ cơ \s+ sở ) )
    (?! \p{L} )""", V)
"""Xét / Theo đề nghị / Sau khi xem xét …: a consideration."""

ENACTING_FORMULA = regex.compile(r"""
    ^ \** \s* (?P<text> QUYẾT \s* NGHỊ \s* (?P<colon> : )? ) \s* \** \s* $""", V)
"""QUYẾT NGHỊ: on its own line (also without colon, or "QUYẾT NGHỊ :")."""

ENACTING_SENTENCE = regex.compile(r"""
    ^ (?: (?i: hội \s+ đồng \s+ nhân \s+ dân ) | HĐND ) \b
    .{0,200}? \b (?i: ban \s+ hành ) \s+ (?i: nghị \s+ quyết ) \b""", V)
"""The 2025 sentence form: "Hội đồng nhân dân … ban hành Nghị quyết …"."""

CITATION_KIND = regex.compile(r"""
    (?P<kind>
        (?i: hiến \s+ pháp ) | (?i: bộ \s+ luật ) | Luật | (?i: pháp \s+ lệnh )
      | (?i: nghị \s+ định ) | (?i: nghị \s+ quyết \s+ liên \s+ tịch ) | (?i: nghị \s+ quyết )
      | (?i: thông \s+ tư \s+ liên \s+ tịch ) | (?i: thông \s+ tư ) | (?i: quyết \s+ định )
      | (?i: chỉ \s+ thị ) | (?i: công \s+ văn ) | (?i: văn \s+ bản )
      | (?i: báo \s+ cáo \s+ thẩm \s+ tra ) | (?i: báo \s+ cáo ) | (?i: tờ \s+ trình )
      | (?i: kết \s+ luận ) | (?i: thông \s+ báo ) | (?i: kế \s+ hoạch ) | (?i: đề \s+ án )
      | (?i: biên \s+ bản ) )
    (?! \p{L} )""", V)
"""Kind of a cited document, at the start of a citation."""

CITATION_BOUNDARY = regex.compile(r"""
    (?: ^ | ; \s* | , \s+ (?= \p{Lu} ) | \s và \s+ (?= (?:Tờ|Báo|Đề|Công) \s ) ) """, V)
"""Where a new citation may start inside a Căn cứ/Xét paragraph."""

DOCUMENT_REF = regex.compile(r"""
    (?<! [\p{L}\d/:] )
    (?P<number>
      \d+ [a-zA-ZđĐ]? (?: \.\d+ )?                   # 216, 30c, 64B, 66.10
      (?: / \d{4} )?                                  # /2015 (normative)
      / \s? \p{Lu} [\p{Lu}\d]* (?: [a-zđ] [\p{Lu}\d]* )?  # /BC, /TTg, /TTr, /QyĐ (not a date)
      (?: (?: \s? [-–./] \s? | \s (?= \. ) )           # -UBND, /BCTT-PC
          [\p{Lu}\d]+ (?: [a-zđ] [\p{Lu}\d]* )? )* )   # (never "TTgcủa": one lower-case letter)
    """, V)
"""A document number and symbol ("216/BC-UBND", "80/2015/QH13", "06/HĐND/BCTT-PC")."""

LONG_DATE = regex.compile(r"""
    (?i: ngày ) \s* (?P<d> \d{1,2} ) \s*
    (?: (?i: tháng ) \s* (?P<m> \d{1,2} ) \s* (?i: năm ) \s* (?P<y> \d{4} )
      | [/.\-] (?P<m2> \d{1,2} ) [/.\-] (?P<y2> \d{4} ) )""", V)
"""A date in running text: "ngày 19 tháng 6 năm 2015", "ngày 06/6/2003", "ngày 21.6.1994"."""

ISSUER_OF = regex.compile(r"""
    (?<! \p{L} ) (?i: của ) \s+
    (?P<issuer> (?: (?i: hội \s+ đồng \s+ nhân \s+ dân | ủy \s+ ban \s+ nhân \s+ dân
                    | ủy \s+ ban \s+ thường \s+ vụ \s+ quốc \s+ hội | thường \s+ trực
                    | ban | chính \s+ phủ | thủ \s+ tướng | bộ | quốc \s+ hội | chủ \s+ tịch
                    | hđnd | ubnd | sở | văn \s+ phòng | tòa | viện | kiểm \s+ toán ) )
                  [^;,]*? )
    (?= \s+ (?i: về | quy \s+ định | hướng \s+ dẫn | ban \s+ hành | sửa \s+ đổi | trình
               | đề \s+ nghị | tại | và \s+ ý \s+ kiến | phê ) \b | \s* [;,.] | \s* $ )""", V)
"""The issuer of a cited document ("của Ủy ban nhân dân tỉnh")."""

LAW_NAME_END = regex.compile(r"\s(?:(?i:ngày)\s*\d|(?i:số)\s*\d|(?i:năm)\s+\d{4})|[;,]\s*$|;")
"""Where the name of a cited law ends: its date, number or year ("… địa phương ngày 19 …")."""

NAME_AFTER = regex.compile(r"(?i:\s(?:về|quy\s+định|hướng\s+dẫn)\s)(?P<name>.+)$")
"""The subject of a cited document ("… về tình hình thực hiện …")."""

# --------------------------------------------------------------------------- body

PART = regex.compile(r"""
    ^ \** (?i: phần ) \s+ (?P<num> [IVXLC]+ | \d+ | (?i: thứ \s+ \p{L}+ ) )
    \s* [.:]? \s* \** \s* (?P<rest> .* ) $""", V)
"""Phần: "Phần I", "Phần thứ nhất"."""

CHAPTER = regex.compile(r"""
    ^ \** (?i: chương ) \s+ (?P<num> [IVXLC]+ | \d+ ) (?! \p{L} )
    \s* [.:]? \s* \** \s* (?P<rest> .* ) $""", V)
"""Chương: "Chương I", "CHƯƠNG II. QUY ĐỊNH CHUNG"."""

SECTION = regex.compile(r"""
    ^ \** (?i: mục ) \s+ (?P<num> \d+ [a-z]? | [IVXLC]+ ) (?! \p{L} )
    \s* [.:]? \s* \** \s* (?P<rest> .* ) $""", V)
"""Mục: "Mục 1"."""

SUBSECTION = regex.compile(r"""
    ^ \** (?i: tiểu \s+ mục ) \s+ (?P<num> \d+ ) \s* [.:]? \s* \** \s* (?P<rest> .* ) $""", V)
"""Tiểu mục."""

ARTICLE = regex.compile(r"""
    ^ \** \s* (?i: điều ) \s* (?P<num> \d+ [a-zđ]? )          # Điều 5, Điều 10a
    (?: \s* [.:] \s* \** \s* (?P<rest> .* )                   # "Điều 5. Tên" / "Điều 1:"
      | \s* \** \s+ (?P<rest> (?! (?: của | tại | được | này | và | quy | nêu | theo
                                   | trên | sau | đến | thì | có | là ) \b ) \p{Lu} .* )
      | \s* \** \s* )                                        # number alone, name below
    $""", V)
"""Điều: an article heading. A cross-reference ("Điều 5 của Luật này …") is not."""

DIVISION = regex.compile(r"""
    ^ (?P<num> [IVXL]+ ) \s* [.:] (?! \d ) \s* (?P<rest> .* ) $""", V)
"""Roman section of a body without Điều or inside an article ("I. KẾT QUẢ …")."""

CLAUSE = regex.compile(r"""
    ^ (?P<num> \d{1,3} [a-zđ]? ) \s* (?: \. (?! \d ) | \) ) \s* (?P<rest> \S .* ) $""", V)
"""Khoản: "1. …", "2a. …" (not "1.1." and not "2023.")."""

SUBCLAUSE = regex.compile(r"""
    ^ (?P<num> \d{1,2} (?: \. \d{1,2} )+ )            # 1.1, 3.17, 2.1.1 (not 184.123)
    (?: \. \s* | \s+ (?= \p{Lu} ) )                   # "1.1. " or "1.1 Tên"
    (?P<rest> .* ) $""", V)
"""Decimal item: "1.1.", "3.17."."""

POINT = regex.compile(r"""
    ^ (?P<num> [a-zđ] (?: \d{1,2} | \. \d{1,2} )? ) \s* \) \s* (?P<rest> .* ) $""", V)
"""Điểm: "a) …", "đ) …", inserted "a1) …"."""

ITEM = regex.compile(r"""
    ^ \( (?P<num> \d{1,3} ) \) \s* (?P<rest> .* ) $""", V)
"""Parenthesised item: "(1) …"."""

BULLET = regex.compile(r"""
    ^ (?P<sym> [-–—+•·*] ) (?: \s+ | (?= \p{Lu} ) ) (?P<rest> \S .* ) $""", V)
"""Dash or plus bullet: "- …", "+ …"."""

INDICATOR_LIST = regex.compile(r"(?i:chỉ\s+tiêu)")
"""A heading that introduces an indicator list ("Các chỉ tiêu chủ yếu của năm 2024")."""

TABLE_ROW = regex.compile(r"^\|(?P<cells>.*)\|\s*$")
"""A Markdown table row ("| a | b |")."""

CELL_SPLIT = regex.compile(r"(?<!\\)\|")
"""A cell boundary in a Markdown table row (an escaped "\\|" is text)."""

TABLE_RULE = regex.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
"""A Markdown table separator row."""

# --------------------------------------------------------------------------- indicators

VN_NUMBER = r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
"""A number in Vietnamese format: "." groups thousands, "," marks decimals."""

TARGET = regex.compile(r"""
    (?P<comparator>
        (?: (?i: tăng | giảm ) \s+ (?i: trên | dưới | khoảng | tối \s+ thiểu | ít \s+ nhất ) )
      | (?: (?i: đạt | còn ) \s+ (?i: trên | dưới | khoảng | tối \s+ thiểu | ít \s+ nhất ) )
      | (?: (?i: đạt | còn | tăng | giảm | tối \s+ thiểu | tối \s+ đa | ít \s+ nhất
             | không \s+ quá | không \s+ dưới ) )   # bare "trên 1 ha" is not a target
    ) \s+
    (?P<value> (?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)? ) \s*
    (?P<unit> % | (?: (?i: nghìn | ngàn | triệu | tỷ | tỉ ) \s+ )? (?i: đồng | USD )
             (?: / [\p{L}\d ]+? (?= [;,.]|$ ) )?
           | \p{L}[\p{L}\d]* (?: \s? / \s? \d* \s? \p{L}+ (?: \s \p{L}+ )? )? )?
    (?P<reference> \s+ (?i: so \s+ với ) \s+ [^;,.]+ )?
    """, V)
"""A target with a comparator: "tăng trên 9%", "đạt 205 triệu đồng", "còn 1,2%"."""

LEADING_PERCENT = regex.compile(r"""
    ^ (?P<value> (?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)? ) \s* (?P<unit> % ) """, V)
"""An indicator that starts with its value ("100% các cụm công nghiệp …")."""

LISTED_TARGET = regex.compile(r"""
    (?P<metric> \p{Lu} [\p{L}\s]{1,40}? ) \s+
    (?P<value> (?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)? ) \s* (?P<unit> % )""", V)
"""A listed target without comparator ("Mầm non 70,5%")."""

PER_UNIT_TARGET = regex.compile(r"""
    (?<! \p{L} ) (?P<value> (?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)? ) \s+
    (?P<unit> \p{L}+ (?: \s \p{L}+ )? \s? / \s? \d+ \s \p{L}+ (?: \s \p{L}+ )? )""", V)
"""A rate target ("9,8 bác sĩ/ 01 vạn dân")."""

# --------------------------------------------------------------------------- closing

PASSING = regex.compile(r"""
    (?i: nghị \s+ quyết ) \s+ (?: (?i: này ) \s+ )? (?: (?i: đã ) \s+ )? (?i: được ) \s+
    (?= .{0,160}? (?i: thông \s+ qua ) )     # "… được HĐND tỉnh …" / "… được kỳ họp thứ 3, HĐND …"
    """, V)
"""Start of the passing clause."""

PASSING_START = regex.compile(r"""
    ^ (?i: nghị \s+ quyết ) \s+ (?: (?i: này ) \s+ )? (?: (?i: đã ) \s+ )? (?i: được ) \s+
    (?: (?i: hội \s+ đồng \s+ nhân \s+ dân ) | HĐND | (?i: kỳ \s+ họp ) ) (?! \p{L} )""", V)
"""A line that opens the passing clause (its "thông qua" may be on the next line)."""

PASSED_ON = regex.compile(r"""
    (?i: thông \s+ qua ) (?: \s+ (?i: vào ) )? \s+ (?i: ngày ) \s* (?P<d> \d{1,2} ) \s*
    (?: (?i: tháng ) \s* (?P<m> \d{1,2} ) \s* (?i: năm ) \s* (?P<y> \d{4} )
      | [/.\-] (?P<m2> \d{1,2} ) [/.\-] (?P<y2> \d{4} ) )""", V)
"""The passing date inside the passing clause."""

PASSING_COUNCIL = regex.compile(r"""
    (?: (?i: hội \s+ đồng \s+ nhân \s+ dân ) | HĐND ) \s+
    (?P<council> .+? ) \s* ,? \s* (?= (?i: khóa ) \b | (?i: kỳ \s+ họp ) | (?i: thông \s+ qua ) )""", V)
"""The council as named in the passing clause ("tỉnh Hải Dương")."""

EFFECT = regex.compile(r"""
    (?i: có \s+ hiệu \s+ lực ) (?: \s+ (?i: thi \s+ hành ) )?
    (?: \s+ (?i: (?: kể \s+ )? từ \s+ ngày ) \s*
        (?: (?P<d> \d{1,2} ) \s* (?: (?i: tháng ) \s* (?P<m> \d{1,2} ) \s* (?i: năm ) \s* (?P<y> \d{4} )
                                 | [/.\-] (?P<m2> \d{1,2} ) [/.\-] (?P<y2> \d{4} ) )
          | (?P<on_passing> (?i: (?: Hội \s+ đồng \s+ nhân \s+ dân \s+ \p{L}+ \s+ )? thông \s+ qua ) )
          | (?P<on_signing> (?i: ký ) ) )
      | \s+ (?i: sau ) \s+ (?P<days> \d+ ) \s+ (?i: ngày ) \s+ (?i: kể \s+ từ \s+ ngày ) \s* (?i: thông \s+ qua )
    )""", V)
"""The effect phrase: "có hiệu lực từ ngày 01 tháng 01 năm 2024", "… kể từ ngày thông qua",
"… sau 10 ngày kể từ ngày thông qua"."""

RECIPIENTS_HEADING = regex.compile(r"""
    ^ [*_]* (?P<heading> (?i: nơi \s+ nhận ) \s* :? ) [*_]* \s* (?P<rest> .* ) $""", V)
"""Nơi nhận: (the list may follow on the same line in flattened copies)."""

RECIPIENT = regex.compile(r"""
    ^ (?P<bullet> [-–—+•] ) \s* (?P<text> .*? ) \s* (?P<end> [;.,] )? \s*
    (?P<purpose> \( [^()]{2,40} \) )? \s* [;.]? \s* $""", V)
"""A recipient entry: "- Thủ tướng Chính phủ;", "- Bộ …; (để báo cáo)". (Matching it from the
end with ``REVERSE`` is three times faster for ``match`` but makes ``search`` pathological: the
parser matches each entry once instead.)"""

FLAT_RECIPIENTS = regex.compile(r"\s+(?=[-–+•]\s)")
"""Where a recipients list flattened onto one line splits into entries."""

PURPOSE = regex.compile(r"^\((?P<purpose>(?i:để|đ/c|b/c|t/h)[^()]{0,38})\)\s*[;.]?$")
"""A purpose note on its own line: "(để báo cáo)", "(để b/c)"."""

ARCHIVE = regex.compile(r"^(?:[-–—+•]\s*)?(?i:lưu)(?:\s*[:.]|\s+(?=\p{Lu}))")
"""The archive entry: "- Lưu: VT.", "- Lưu VT."."""

SIGNATURE_AUTHORITY = regex.compile(r"""
    ^ (?P<prefix> TM | T/M | T\.M | KT | K/T | K\.T | TL | T/L | TUQ | Q ) \s* \.? \s+
    (?P<body> \p{Lu} .* ) $""", V)
"""Authority prefix: "TM. HỘI ĐỒNG NHÂN DÂN", "KT. CHỦ TỊCH", "T/M. …"."""

SIGNATURE_ROLE = regex.compile(r"""
    ^ (?P<role> (?i: (?: phó \s+ )? chủ \s+ tịch ) | (?: PHÓ \s+ )? CHỦ \s* TỊCH | (?: PHÓ \s+ )? TRƯỞNG \s+ BAN | ỦY \s+ VIÊN
             | CHÁNH \s+ VĂN \s+ PHÒNG ) \s* $""", V)
"""The signer's role, in capitals."""

SIGNED_MARKER = regex.compile(r"^[(\[]\s*(?i:đã\s+ký|daky|đã\s+kí)\s*[)\]]$")
"""(Đã ký), [daky]."""

PERSON_NAME = regex.compile(r"""
    ^ \** (?P<name> \p{Lu}\p{Ll}+ (?: \s+ \p{Lu}\p{Ll}* ){0,5} ) \** \s* $""", V)
"""A person's name in title case ("Lê Văn Hiệu")."""

END_MARK = regex.compile(r"\s*\./\.\s*$")
"""The end mark "./." after the last sentence."""

SIGNATURE_STAMP = regex.compile(r"^(?i:ký\s+bởi|thời\s+gian\s+ký|giờ\s+ký|cơ\s+quan\s*:|email\s*:)")
"""Digital-signature stamp lines from portal PDFs."""

# --------------------------------------------------------------------------- attachments

ATTACHMENT = regex.compile(r"""
    ^ \** \s* (?P<label>
        (?P<annex> (?: PHỤ \s+ LỤC | Phụ \s+ lục ) (?: \s+ (?i: số ) )? )
        (?: \s* (?P<num> [IVXLC]+ | \d+ (?: \.\d+ )* [A-Z]? | [A-Z] ) )? (?! \p{L} )
      | (?P<regulation> QUY \s+ (?: ĐỊNH | CHẾ ) ) \s* $ )
    \s* \** \s* [.:]? \s* (?P<rest> .* ) $""", V)
"""Phụ lục I / PHỤ LỤC / QUY ĐỊNH: the start of an annex or an attached regulation."""

ATTACHMENT_POINTER = regex.compile(r"""
    ^ [*_(]* \s* (?i: (?: ban \s+ hành \s+ )? kèm \s+ theo | đính \s+ kèm ) \b""", V)
"""(Kèm theo Nghị quyết số … ngày … của …)."""

# --------------------------------------------------------------------------- footnotes

FOOTNOTE_BODY = regex.compile(r"""
    ^ (?: \[ (?P<label> \d{1,2} ) \] | (?P<label> \d{1,2} ) (?! [.,)/\d] ) )
    \s* (?P<text> [\p{Lu}"“(] .* ) $""", V)
"""A footnote body line as text copies show it ("1 Mục tiêu đến năm 2025: …", "[1] …")."""

GLUED_MARKER = regex.compile(r"""
    (?= [\d\[] )                      # a cheap first test: every marker starts so
    (?: (?P<year> (?: 19 | 20 ) \d{2} ) (?P<label> \d{1,2} ) (?! \d )   # "20301": 2030 + 1
      | (?<= \p{L} ) (?P<label> \d{1,2} ) (?! [\d\p{L}/] )               # "tỉnh2": tỉnh + 2
      | \[ (?P<label> \d{1,2} ) \] )                                    # "[1]" in web copies
    (?= [\s.,;:)]* | $ )""", V)
"""A footnote marker glued to the word or number before it. Tone folding never changes what it
matches (digits, brackets, and letters stay letters), so it runs on text folded or not."""

BRACKET_MARKER = regex.compile(r"\[(?P<label>\d{1,2})\]")
"""A footnote reference as web copies print it ("phường[1]")."""

UNIT_BEFORE_EXPONENT = regex.compile(r"\d\s?(?:m|km|ha)$")
"""A number and an area unit ("390.669m" + "2"): the digit after it is an exponent."""

# --------------------------------------------------------------------------- misc

REFLOW_POINT = regex.compile(r"""
    (?<= \s ) (?= C[ỘO]NG \s+ H[ÒO]A \s+ XÃ                   # national title
              | Độc \s+ lập \s* [-–—]                          # motto
              | Số \s* : \s* \d                                # number
              | NGHỊ \s+ QUYẾT \s                              # document type
              | HỘI \s+ ĐỒNG \s+ NHÂN \s+ DÂN \s                   # council
              | \( Ngày \s                                     # session date
              | Căn \s+ cứ \s | Xét \s | Theo \s+ đề \s+ nghị      # preamble
              | QUYẾT \s+ NGHỊ | Điều \s+ \d+ \s* [.:]             # formula, articles
              | Nơi \s+ nhận | (?: TM | KT | T/M | K/T ) \. \s | CHỦ \s+ TỊCH \s )
    | (?<= VIỆT \s+ NAM ) \s+ (?= \p{Lu} )                    # after the national title
    | (?<= \s ) (?<! \b \p{Lu}\p{Ll}* \s )                      # place, date (whole name)
      (?= (?: \p{Lu}\p{Ll}* \s ){0,3} \p{Lu}\p{Ll}* \s* , \s* ngày \s+ \d )
    | (?<= NGHỊ \s+ QUYẾT ) \s+ (?= VỀ \s )                      # type, then its title
    """, V)
"""Where a whole document flattened onto one line is cut back into lines."""

SENTENCE_END = regex.compile(r"[.;:!?…]\s*[\"”)]?\s*$")
"""A line that ends a sentence (or a clause of an enumeration)."""

_SENTENCE_PUNCT = frozenset(".;:!?…")
_SENTENCE_CLOSER = frozenset("\"”)")


def ends_sentence(text: str) -> bool:
    """Does ``text`` end a sentence? :data:`SENTENCE_END` read from the end of the line.

    A search for an end-anchored pattern tries every position of the line; this looks at the
    last characters only (the parser asks it for nearly every line, several times).

    >>> ends_sentence("… năm 2024."), ends_sentence("Điều 1 (sửa đổi).)"), ends_sentence("và")
    (True, True, False)
    """
    tail = text.rstrip()
    if tail[-1:] in _SENTENCE_CLOSER:
        tail = tail[:-1].rstrip()
    return tail[-1:] in _SENTENCE_PUNCT

STARTS_LOWER = regex.compile(r"^[\p{Ll}\d(\"“%]")
"""A line that continues a sentence (starts with lower case, a digit or a bracket)."""

_LOWER_OPENERS = frozenset("(\"“%")


def starts_lower(text: str) -> bool:
    """:data:`STARTS_LOWER` as a test of the first character (asked for nearly every line)."""
    first = text[:1]
    return bool(first) and (first in _LOWER_OPENERS or first.isdecimal()
                            or unicodedata.category(first) == "Ll")

HYPHEN_END = regex.compile(r"(?<=\S)-$")
"""A line broken after a hyphen ("2023-" / "2030")."""


def hyphen_end(text: str) -> bool:
    """:data:`HYPHEN_END` read from the end of the line (an end-anchored search tries every
    position)."""
    return len(text) > 1 and text[-1] == "-" and not text[-2].isspace()

MARKDOWN_EMPHASIS = regex.compile(r"(?<=.)\*{1,3}|^\*{1,3}(?!\s)")
"""Markdown bold/italic markers in copies converted from web pages ("**Điều 1.**")."""

MARKDOWN_HEADING = regex.compile(r"^#{1,6}\s+")
"""Markdown heading marker."""

BACKSLASH_ESCAPE = regex.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|])")
"""Markdown escapes ("1\\." for "1.")."""

GLUED_DATE_WORD = regex.compile(r"(?i:(?<=ngày|tháng|năm)(?=\d))")
"""Glued words in portal copies: "ngày07/5/2009" → "ngày 07/5/2009" (matching view)."""

# --- legacy encodings (readers/legacy.py: TCVN3, VNI, Windows-1258, UTF-8 mojibake) ----

LEGACY_TOKEN = regex.compile(r"[^\s!-@\[-`{-~\u2010-\u2027\u2030-\u205e]+")
"""A word-like token for scoring a candidate decoding. Splits only on white space, ASCII
digits/punctuation and general punctuation (“ ” – …), so that the Latin-1 symbols a wrong
decoding leaves inside a word ("c¸c", "x·", "Vieät") stay in the token and spoil it."""

LEGACY_SYLLABLE = regex.compile(
    r"""
    (?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?   # initial consonant
    (?:iêu|yêu|oai|oay|oao|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu      # vowel nucleus (with glides)
      |ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi
      |ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|ươ|yê
      |[aăâeêioôơuưy])
    (?:ch|ng|nh|[cmnptk])?                                      # final (k: Đắk Lắk)
    """,
    V,
)
"""One Vietnamese syllable, lower case, NFC, tone marks removed. Use with ``fullmatch``."""

LEGACY_TONE_MARK = regex.compile(r"[\u0300\u0301\u0303\u0309\u0323]")
"""The five Vietnamese tone marks as combining characters (NFD)."""

LEGACY_JUNK = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
"""Control characters and U+FFFD: what binary data or a wrong decoding leaves behind."""

LEGACY_UTF8_MOJIBAKE = regex.compile(
    r"(?:[ÃÄÅÆ]|á[º»])"  # lead byte C3-C6, or E1 + BA/BB; then a continuation byte 80-BF:
    r"[\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    r"\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
"""A UTF-8 lead byte of a Vietnamese letter (C3–C6, E1 BA/BB) followed by a continuation
byte, as Windows-1252 (or Latin-1, for 0x80–0x9F) shows them: "Ã¡" for "á", "Ä‘" for "đ",
"Æ°á»" for "ườ"."""

LEGACY_UTF8_MOJIBAKE_LOSSY = regex.compile(r"á[º»]|Ä(?=\p{L})")
"""The same after the bytes Windows-1252 leaves undefined (81 8D 8F 90 9D) were dropped:
"Äiá»u" for "Điều" (C4 90 and E1 BB 81 lost their last byte)."""

LEGACY_MOJIBAKE_TOKEN = regex.compile(r"[^ \t\r\n\f\v]+")
"""A run of text between ASCII white space (NBSP is byte A0 of "à" = C3 A0, so it stays)."""

LEGACY_MOJIBAKE_NBSP_LOST = regex.compile(r"(?:[ÃÆ]|á[º»])$")
"""A token ending in a UTF-8 lead whose continuation byte A0 (NBSP) was turned into a space:
"vÃ " for "và" (C3 A0), "CÆ " for "CƠ" (C6 A0), "áº " for "Ạ" (E1 BA A0)."""

# --- PDF reader patterns (issue: PDF reader) -------------------------------------------

FONT_SUBSET_PREFIX = regex.compile(r"""
    ^ (?P<tag> [A-Z]{6} ) \+              # subset tag of an embedded font: "BAAAAA+"
    """, V)
"""Subset tag in front of an embedded font's name ("BAAAAA+LiberationSerif")."""

FONT_BOLD = regex.compile(r"""
    (?P<weight> (?i: semi | demi | extra | ultra )? (?i: bold | black | heavy )   # "-Bold", "SemiBold"
      | (?i: demi ) (?! \p{Ll} ) )                                               # "Futura-Demi"
    """, V)
"""A bold weight in a font name ("TimesNewRomanPS-BoldMT", "Arial,Bold", "LiberationSerif-BoldItalic")."""

FONT_ITALIC = regex.compile(r"""
    (?P<slant> (?i: italic | oblique | slanted | kursiv ) )   # "-Italic", "-BoldOblique"
    """, V)
"""An italic or oblique style in a font name."""

FONT_SYMBOL = regex.compile(r"""
    (?P<family> (?i: symbol | wingdings | webdings | dingbats ) )   # bullet fonts of Word lists
    """, V)
"""A symbol font whose private-use code points are list bullets, not lost Vietnamese letters."""

FONT_TCVN3 = regex.compile(r"""
    ^ (?: \. (?i: vn ) (?P<family> [A-Za-z\ ]+? )   # ".VnTime", ".VnCentury Schoolbook"
        | (?i: vn ) (?P<family> Time | Arial ) )    # the dot is sometimes dropped: "VnTime"
    (?P<upper> H )?                                 # ".VnTimeH": the upper-case heading font
    (?: [-,] .* )? $""", V)
"""A TCVN3 (ABC) font: its text extracts as TCVN3 bytes read as Windows-1252."""

FONT_VNI = regex.compile(r"""
    ^ (?i: vni ) [-_\s]                         # "VNI-Times", "VNI-Helve"
    """, V)
"""A VNI font: its text extracts as VNI bytes read as Windows-1252."""

UNMAPPED_GLYPH = regex.compile(r"""
    ^ (?: \x00                       # pdfminer: a glyph without a Unicode mapping
        | \( cid : (?P<cid> \d+ ) \)  # pdfminer: "(cid:123)" for an unmapped CID
      ) $""", V)
"""A character that a PDF engine could not map to Unicode (a font without Vietnamese glyphs)."""

PRIVATE_USE = regex.compile(r"""
    (?P<char> [\uE000-\uF8FF] )       # BMP private-use area (symbol fonts, broken ToUnicode maps)
    """, V)
"""A private-use code point: what an unmapped glyph often extracts as."""

PAGE_NUMBER = regex.compile(r"""
    ^ (?: [-–—] \s* )?                                 # "- 2 -"
    (?: (?i: trang | page ) \s* )?                      # "Trang 2", "Page 2"
    (?P<num> \d{1,4} )                                  # the number
    (?: \s* / \s* (?P<total> \d{1,4} ) )?               # "2/9"
    (?: \s* [-–—] )?
    $""", V)
"""A page number printed on its own line in the top or bottom margin."""

FOOTNOTE_LABEL = regex.compile(r"""
    ^ \s* (?P<label> \d{1,3} | \*{1,3} ) \s* $          # "1", "12", "*"
    """, V)
"""The whole text of a footnote marker (a superscript) or of a footnote label run."""

FOOTNOTE_LABEL_START = regex.compile(r"""
    ^ \s* (?P<label> \d{1,3} ) \s+ (?P<text> \S .* ) $  # "1 Mục tiêu …" drawn as one string
    """, V)
"""A footnote body line whose label is drawn in the same string as the text."""

UNIT_BEFORE_EXPONENT = regex.compile(r"""
    (?<! \p{L} ) (?P<unit> [kcdmh]? m ) \s* $           # "m", "km", "cm" right before "2"/"3"
    """, V)
"""A length unit before a raised digit: "m²" is an exponent, not a footnote marker."""

# --- HTML / DOCX reader patterns (issue: real-world inputs) ----------------------------

XML_DOCTYPE = regex.compile(r"""
    <!DOCTYPE \s+ (?P<name> [^\s\[>]+ )               # <!DOCTYPE root-name
    (?P<external> \s+ (?: SYSTEM | PUBLIC ) (?! [\w.-] ) )?   # external DTD identifier, if any
    (?P<subset> [^\[>]* \[ )?                         # an internal subset "[ … ]" follows
    """, VI)
"""A document type declaration (XML or HTML) with its external id and internal subset."""

XML_ENTITY_DECLARATION = regex.compile(r"""
    <!ENTITY \s                                       # <!ENTITY name … / <!ENTITY % name …
    """, VI)
"""An entity declaration: the ingredient of entity bombs and external-entity reads."""

HTML_DOCTYPE_SUBSET = regex.compile(r"""
    <!DOCTYPE (?P<head> [^\[>]* )                     # name and external identifier
    \[ (?P<subset> .*? ) \] \s*                       # internal subset: declarations
    >""", VI | regex.DOTALL)
"""An HTML DOCTYPE carrying an internal subset; HTML has no use for one (hostile pages)."""

HTML_CHARSET = regex.compile(r"""
    <meta \b [^>]*? \b
    (?: charset \s* = \s* ["']? \s*                   # <meta charset="utf-8">
      | content \s* = \s* ["'] [^"']*? charset \s* = \s* )   # http-equiv content="…; charset=…"
    (?P<charset> [A-Za-z0-9._:-]+ )                   # the encoding label
    """, VI)
"""The encoding a page declares in a ``<meta>`` element (searched in the first bytes)."""

HTML_WHITESPACE = regex.compile(r"[ \t\n\r\f]+")
"""HTML inter-element white space: collapses to one space (NBSP is not white space here)."""

HTML_CONTAINER_HINT = regex.compile(r"""
    ^ (?: content1 | divcontentdoc | toanvancontent | toan-?van (?: -container )?
        | fulltext | full-text | the-document-body | noidungtracuu | vbcontent
        | box-content-vb | block-content-law | vbpq-content | noi-?dung-?van-?ban
        | doc(?:ument)?-content | doc(?:ument)?-body | content-?doc | legal-?doc (?:ument)? )
    $""", VI)
"""A class or id token that legal portals give the element holding the document's own text
(thuvienphapluat "content1"/"divContentDoc", vbpl "toanvancontent"/"fulltext", luatvietnam
"the-document-body")."""

HTML_CHROME_HINT = regex.compile(r"""
    ^ (?: ads? | adv | advert\w* | banner | quang-?cao | qc | sponsor\w*
        | share | sharing | social | like-?box | related | lien-?quan | van-?ban-?lien-?quan
        | breadcrumbs? | menu | navbar | nav | sidebar | toolbar | tooltip | comments?
        | rating | print-?button | download | tags? | subscribe | login | cookie\w* )
    (?: [-_] [\w-]+ )? $""", VI)
"""A class or id token of site chrome inside or around the document (adverts, share bars,
related-document lists, luatvietnam's "Đang theo dõi" tooltips)."""

HTML_HIDDEN_STYLE = regex.compile(r"""
    (?: display \s* : \s* none | visibility \s* : \s* hidden )   # CSS that hides the element
    """, VI)
"""Inline CSS that hides an element (inactive portal tabs, hidden duplicates)."""

HTML_FONT_WEIGHT = regex.compile(r"""
    font-weight \s* : \s*
    (?: (?P<bold> bold | bolder | [6-9]00 )            # bold, bolder, 600–900
      | (?P<normal> normal | lighter | [1-5]00 ) )     # normal, lighter, 100–500
    (?! [\w-] )""", VI)
"""Inline CSS font weight (Word-exported pages set bold with ``<span style>``)."""

HTML_FONT_STYLE = regex.compile(r"""
    font-style \s* : \s*
    (?: (?P<italic> italic | oblique ) | (?P<normal> normal ) )   # italic or upright
    (?! [\w-] )""", VI)
"""Inline CSS font style."""

HTML_FONT_SIZE = regex.compile(r"""
    font-size \s* : \s* (?P<size> \d+ (?: \.\d+ )? ) \s* (?P<unit> pt | px )   # 13.0pt, 16px
    """, VI)
"""An inline CSS font size in points or pixels."""

METADATA_LABEL = regex.compile(r"""
    ^ (?: Số \s+ hiệu | Loại \s+ văn \s+ bản                      # number, type
        | Nơi \s+ ban \s+ hành | Cơ \s+ quan \s+ ban \s+ hành      # issuer
        | Người \s+ ký                                            # signer
        | Ngày \s+ ban \s+ hành | Ngày \s+ (?: hết \s+ )? hiệu \s+ lực   # dates
        | Ngày \s+ công \s+ báo | Số \s+ công \s+ báo               # official gazette
        | Tình \s+ trạng (?: \s+ hiệu \s+ lực )? | Lĩnh \s+ vực      # status, field
        | Ngày \s+ đăng | Ngày \s+ cập \s+ nhật                     # portal bookkeeping
        | Nguồn \s+ thu \s+ thập )
    \s* :? (?! \p{L} )                                          # the label ends here
    """, VI)
"""A label of a portal's metadata panel ("Số hiệu:", "Loại văn bản:", "Ngày ban hành:");
the document's own "Số: 15/NQ-HĐND" is not one."""

FOOTNOTE_REFERENCE = regex.compile(r"""
    ^ \s* [\[(]? \s*                                  # "[" or "(" if printed
    (?P<label> \d{1,3} | \*{1,3} | [ivx]{1,5} )        # 1, 12, *, ii
    \s* [\])]? \s* $                                  # "]" or ")"
    """, V)
"""The text of a footnote reference link or back-link ("[1]" in Word-exported pages)."""

FOOTNOTE_LINK_HINT = regex.compile(r"""
    (?: ftn | fn | foot | endnote | edn | note | chu-?thich | ghi-?chu )   # _ftn1, fn1, footnote-1
    """, VI)
"""An id, name, class or link target that marks a link as a footnote reference; a bare "5"
linking to "#dieu_5" without one is a cross-reference, not a note."""

# --- Akoma Ntoso writer, reader and validation (issue: Akoma Ntoso 3.0) ----------------

SLUG_SEPARATOR = regex.compile(r"[^a-z0-9]+")
"""Runs of characters an ASCII slug replaces by one "-" (applied after folding to ASCII)."""

EID_UNSAFE = regex.compile(r"[^\p{L}\p{N}.\-]")
"""Characters dropped from a number inside an eId: everything but letters (đ kept as it is),
digits, "." and "-" ("(1)" → "1", "3.5." → "3.5" after trimming, "Điều 5a" never reaches here)."""

FRBR_URI = regex.compile(r"""
    ^ /akn
    / (?P<country> [a-z]{2} (?: - [a-z0-9]+ )? )          # vn, vn-61, vn-hp
    / (?P<doctype> [a-zA-Z]+ )                            # act, statement, doc
    / (?P<subtype> [^/@!.]+ )                             # nghi-quyet
    (?: / (?P<actor> (?! \d{4} (?: -\d{2}-\d{2} )? / ) [^/@!.]+ ) )?   # hdnd-tinh-hai-duong
    / (?P<date> \d{4} (?: -\d{2}-\d{2} )? )               # 2023-12-08, or a year
    / (?P<number> [^/@!.]+ )                              # 12-2023-nq-hdnd
    (?: / (?P<language> [a-z]{3} ) @ (?P<version> [^/!.]* ) )?       # /vie@
    (?: / ! (?P<component> [^/.]+ ) )?                    # /!main, /!att_1
    (?: \. (?P<format> [a-z]+ ) )?                        # .akn
    $""", V)
"""An FRBR URI of this project's scheme (docs/akn.md): work, expression or manifestation,
with or without a component ("/!main")."""

SPAN_ATTR = regex.compile(r"""
    ^ (?P<line> \d+ ) (?: - (?P<end_line> \d+ ) )?        # 27 or 27-34
    (?: @ (?P<page> \d* ) (?: - (?P<end_page> \d+ ) )? )?  # @3 or @3-4
    $""", V)
"""The ``nq:span`` attribute of the AKN writer: "line[-end_line][@page[-end_page]]"."""

QUANTITY_TEXT = regex.compile(r"""
    ^ (?P<raw> \d [\d.,]* )                               # the value as printed: 16,8 / 184.123
    \s* (?P<unit> .*? ) \s* $                             # what follows it: %, triệu đồng
    """, V | regex.DOTALL)
"""How the AKN reader splits a ``<quantity>`` text into printed value and unit; the writer
stores both explicitly whenever this split would not give them back."""

XML_INVALID_CHAR = regex.compile(
    r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""A character XML 1.0 cannot carry at all (C0 controls, lone surrogates, U+FFFE/U+FFFF)."""


# --------------------------------------------------------------------------- batch

TEMP_OUTPUT = regex.compile(r"^\.(?P<target>.+)\.[A-Za-z0-9_]{8}\.tmp$")
"""A temporary file of an atomic write (``.x.json.k3j_a9zq.tmp``, target ``x.json``), left by
a killed run."""

MEMORY_SIZE = regex.compile(r"""
    ^ \s* (?P<num> \d+ (?: \.\d+ )? ) \s*      # 4, 1.5
    (?P<unit> [kmgt]? ) i? b? \s* $              # G, GB, GiB, k …
    """, VI)
"""A memory size on the command line ("4G", "512MiB")."""

URL_SCHEME = regex.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
"""A source given as a URL (``s3://…``, ``file://…``)."""

DRIVE_LETTER = regex.compile(r"^[A-Za-z]:")
"""A Windows drive prefix in a zip member name (an absolute name)."""

# --------------------------------------------------------------------------- gazetteer

ASCII_TOKEN = regex.compile(r"[a-z0-9]+")
"""A word of an ASCII-folded place name (the gazetteer's matching key)."""
