"""Indicators: targets read from numbered indicator lists ("(1) … tăng trên 9%;").

Three shapes, tried in this order and never overlapping: a comparator before the value
("đạt 205 triệu đồng", "còn 1,2%"), a rate ("9,8 bác sĩ/ 01 vạn dân"), and a listed value after
a name ("Mầm non 70,5%"); an indicator that starts with its value ("100% các cụm …") is the
fallback. Values are decimal strings ("16,8" → "16.8").
"""

from __future__ import annotations

from nghiquyet import grammar
from nghiquyet.model import Target
from nghiquyet.parser.values import vn_decimal


def _metric_before(text: str, end: int) -> str | None:
    head = text[:end]
    for sep in (":", ";"):
        if sep in head:
            head = head.rsplit(sep, 1)[1]
    head = head.strip(" ,;")
    return head or None


def parse_targets(text: str) -> tuple[Target, ...]:
    """All targets in an indicator's text, in order."""
    folded = grammar.fold(text)
    taken: list[tuple[int, int]] = []
    targets: list[tuple[int, Target]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for m in grammar.TARGET.finditer(folded):
        if not free(m.start(), m.end()):
            continue
        unit = (m["unit"] or "").strip() or None
        value_end = m.end("unit") if m["unit"] else m.end("value")
        reference = m["reference"].strip() if m["reference"] else None
        metric = _metric_before(text, m.start()) if not targets else _metric_before(text, m.start())
        if targets and metric and len(metric) > 80:
            metric = None
        targets.append((m.start(), Target(
            text=text[m.start(): m.end()].strip(), start=m.start("value"), end=value_end,
            metric=metric, comparator=" ".join(m["comparator"].split()),
            value=vn_decimal(m["value"]), value_raw=m["value"],
            unit=text[m.start("unit"): m.end("unit")].strip() if unit else None,
            reference=text[m.start("reference"): m.end("reference")].strip() if reference else None)))
        taken.append((m.start(), m.end()))
    for pattern in (grammar.PER_UNIT_TARGET, grammar.LISTED_TARGET):
        for m in pattern.finditer(folded):
            if not free(m.start(), m.end()):
                continue
            metric = m["metric"].strip(" ,;") if "metric" in m.groupdict() and m["metric"] else None
            targets.append((m.start(), Target(
                text=text[m.start(): m.end()].strip(), start=m.start("value"), end=m.end("unit"),
                metric=metric, comparator=None, value=vn_decimal(m["value"]),
                value_raw=m["value"], unit=text[m.start("unit"): m.end("unit")].strip())))
            taken.append((m.start(), m.end()))
    if not targets:
        lead = grammar.LEADING_PERCENT.match(folded)
        if lead is not None:
            targets.append((0, Target(
                text=text[: lead.end()], start=lead.start("value"), end=lead.end("unit"),
                metric=text[lead.end():].strip(" ;.") or None, value=vn_decimal(lead["value"]),
                value_raw=lead["value"], unit=lead["unit"])))
    return tuple(t for _, t in sorted(targets, key=lambda pair: pair[0]))
