"""Value helpers: dates, Roman numerals, Vietnamese number words, decimal strings."""

from __future__ import annotations

import datetime as dt

import regex

from nghiquyet import grammar


def make_date(day: str | None, month: str | None, year: str | None) -> dt.date | None:
    """Build a date from printed parts; None when a part is blank or the date impossible."""
    if not (day and month and year):
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def date_from_match(m: regex.Match[str]) -> dt.date | None:
    """Date from a match with groups d, m, y (or m2, y2 for numeric dates)."""
    groups = m.groupdict()
    month = groups.get("m") or groups.get("m2")
    year = groups.get("y") or groups.get("y2")
    return make_date(groups.get("d"), month, year)


def roman_to_int(text: str) -> int | None:
    """Strict Roman numeral → int ("XVII" → 17); None when not a valid numeral."""
    text = text.upper().replace("L", "L")
    if not text or not grammar.ROMAN.match(text):
        return None
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, ch in enumerate(text):
        value = values[ch]
        if i + 1 < len(text) and values[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def words_to_int(text: str) -> int | None:
    """Vietnamese number words → int ("Mười chín" → 19, "hai mươi mốt" → 21, "Tư" → 4)."""
    words = text.lower().split()
    if not words:
        return None
    total = 0
    current = 0
    for word in words:
        value = grammar.NUMBER_WORDS.get(word)
        if value is None:
            return None
        if word == "mươi":
            current = (current or 1) * 10
        elif word == "mười":
            current += 10
        elif word == "trăm":
            total += (current or 1) * 100
            current = 0
        else:
            current += value
    return total + current or None


def vn_decimal(raw: str) -> str:
    """Vietnamese number → decimal string: "184.123" → "184123", "16,8" → "16.8"."""
    return raw.replace(".", "").replace(",", ".")


def title_case(text: str) -> str:
    """Title-case a Vietnamese name printed in capitals ("HẢI DƯƠNG" → "Hải Dương")."""
    return " ".join(w[:1].upper() + w[1:].lower() if w.isupper() or w.islower() else w
                    for w in text.split())
