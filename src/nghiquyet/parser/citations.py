"""Citations: the documents a legal basis or consideration cites.

A paragraph such as "Căn cứ Luật A ngày …; Luật B …;" or "Xét Báo cáo số 216/BC-UBND ngày …
của Ủy ban nhân dân tỉnh về …; Báo cáo thẩm tra …" is cut where a new citation may start (the
paragraph start, ";", ", " before a capital) and each segment that begins with a document kind
— or carries a document number — becomes a :class:`~nghiquyet.model.CitedDocument`.
"""

from __future__ import annotations

from nghiquyet import grammar
from nghiquyet.model import CitedDocument
from nghiquyet.parser.values import date_from_match

_LEADS = ("căn cứ", "xét", "theo đề nghị của", "theo đề nghị", "sau khi xem xét", "sau khi nghe",
          "sau khi thảo luận", "trên cơ sở", "thực hiện")


def _skip_lead(folded: str, start: int) -> int:
    lowered = folded[start:].lower()
    for lead in _LEADS:
        if lowered.startswith(lead):
            start += len(lead)
            break
    while start < len(folded) and folded[start] in " :,":
        start += 1
    return start


def parse_citations(text: str) -> tuple[CitedDocument, ...]:
    """Cited documents in a Căn cứ / Xét paragraph, in order."""
    folded = grammar.fold(text)
    bounds = [m.end() for m in grammar.CITATION_BOUNDARY.finditer(folded)]
    starts = sorted({_skip_lead(folded, b) for b in bounds if b < len(folded)})
    citations: list[CitedDocument] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(folded)
        segment = folded[start:end]
        kind_m = grammar.CITATION_KIND.match(segment)
        number_m = grammar.DOCUMENT_REF.search(segment)
        if kind_m is None and number_m is None:
            continue
        if kind_m is None and citations and number_m is not None:
            # "…; 88/2015/NĐ-CP …" continues the previous kind only when it starts the segment
            if number_m.start() > 6:
                continue
        seg_text = text[start:end].rstrip(" ;,.")
        date_m = grammar.LONG_DATE.search(segment)
        issuer_m = grammar.ISSUER_OF.search(segment)
        name_m = grammar.NAME_AFTER.search(segment.rstrip(" ;,."))
        number = None
        if number_m is not None:
            number = "".join(number_m["number"].replace("–", "-").split())
        kind = " ".join(text[start + kind_m.start("kind"): start + kind_m.end("kind")].split()) \
            if kind_m else None
        name = None
        if kind_m and kind in ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp"):
            rest = segment[kind_m.end():]
            stop = grammar.LAW_NAME_END.search(rest)
            cut = stop.start() if stop else len(rest.rstrip(" ;,."))
            name = text[start + kind_m.end(): start + kind_m.end() + cut].strip(" ,;.") or None
        elif name_m is not None:
            name = text[start + name_m.start("name"): start + name_m.end("name")].strip() or None
        issuer = None
        if issuer_m is not None:
            issuer = text[start + issuer_m.start("issuer"): start + issuer_m.end("issuer")].strip()
        citations.append(CitedDocument(
            text=seg_text, start=start, end=start + len(seg_text),
            document_kind=kind, number=number,
            date=date_from_match(date_m) if date_m else None,
            issuer=issuer or None, name=name))
        if number_m is not None:
            citations.extend(_further_numbers(text, folded, start, end, number_m.end()))
    return tuple(citations)


def _further_numbers(text: str, folded: str, start: int, end: int,
                     after: int) -> list[CitedDocument]:
    """Documents cited inside the same segment ("… số 64/2025/QH15 được sửa đổi, bổ sung bởi
    Luật số 87/2025/QH15"): one citation per further number, its kind the nearest before it."""
    segment = folded[start:end]
    kinds = [(m.start(), m) for m in grammar.CITATION_KIND.finditer(segment)]
    out: list[CitedDocument] = []
    for m in grammar.DOCUMENT_REF.finditer(segment, after):
        kind_m = next((k for pos, k in reversed(kinds) if pos < m.start()), None)
        first = kind_m.start() if kind_m is not None and kind_m.start() >= after else m.start()
        date_m = grammar.LONG_DATE.match(segment, m.end() + 1) if m.end() + 1 < len(segment) else None
        last = date_m.end() if date_m else m.end()
        out.append(CitedDocument(
            text=text[start + first: start + last], start=start + first, end=start + last,
            document_kind=" ".join(text[start + kind_m.start("kind"): start + kind_m.end("kind")].split())
            if kind_m is not None else None,
            number="".join(m["number"].replace("–", "-").split()),
            date=date_from_match(date_m) if date_m else None))
    return out
