"""Footnotes: find footnote bodies in text copies and link every marker to its note.

In text extracted from PDFs a footnote body ("1 Mục tiêu đến năm 2025: …") sits between the
end of one page and the start of the next, cutting a sentence in two, and the marker is glued
to the word or number before it ("2023-20301." is "2023-2030" + marker 1; "của tỉnh2." is
"tỉnh" + marker 2). Bodies are recognised by their number (the next expected one), their
place (after a blank line, before a page start) and the evidence of a glued marker earlier on
the page; they leave the flow, and the marker is chosen by evidence and reported (NQ303).
Readers that locate markers exactly (PDF superscripts, Word footnotes) bypass the guessing.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import regex

from nghiquyet import grammar
from nghiquyet.parser.body import Draft, walk
from nghiquyet.parser.lines import Doc
from nghiquyet.source import Line

_WINDOW = 120
_NOTE_FIRST = frozenset("0123456789[")
"""What a footnote body line can start with (its label must be the ASCII number expected)."""
"""How many lines before a footnote body its marker may stand (about two pages)."""


@dataclass(slots=True)
class FoundNote:
    label: str
    lines: list[Line]
    position: int
    """Index in the flow before which the body stood (markers are searched before it)."""


def _marker_candidates(folded: str, label: str) -> list[regex.Match[str]]:
    out = []
    for m in grammar.GLUED_MARKER.finditer(folded):
        if m["label"] != label:
            continue
        start = m.start("label")
        # "390.669m2", "km2": a unit after a number, not a marker
        before = folded[max(0, start - 3): start]
        if grammar.UNIT_BEFORE_EXPONENT.search(before):
            continue
        out.append(m)
    return out


def find_text_footnotes(lines: list[Line], folded: list[str]) -> tuple[list[int], list[FoundNote]]:
    """Return (indices of footnote lines to drop, notes found) for a text copy."""
    drop: list[int] = []
    notes: list[FoundNote] = []
    expected = 1
    # Markers are looked for only once a body asks for them, and only on lines that contain
    # the label at all (a C substring test): scanning the whole text for every glued number
    # costs more than the rest of this function. Each (line, label) is scanned at most once.
    has_label: dict[str, list[int]] = {}
    marked: dict[tuple[int, str], bool] = {}

    def marker_between(low: int, high: int, label: str) -> bool:
        """Is there a glued marker ``label`` on a line in ``[low, high)``? (nearest first)"""
        if label not in has_label:
            has_label[label] = [k for k, text in enumerate(folded) if label in text]
        rows = has_label[label]
        for k in reversed(rows[bisect_left(rows, low):bisect_left(rows, high)]):
            if (k, label) not in marked:
                marked[k, label] = bool(_marker_candidates(folded[k], label))
            if marked[k, label]:
                return True
        return False

    i = 0
    n = len(lines)
    while i < n:
        text = lines[i].text
        body = grammar.FOOTNOTE_BODY.match(text) if text[:1] in _NOTE_FIRST else None
        if body is None or body["label"] != str(expected) or i == 0:
            i += 1
            continue
        label = body["label"]
        prev = lines[i - 1]
        blank = (lines[i].span.line > (prev.span.end_line or prev.span.line) + 1
                 or bool(lines[i].paragraph_start))
        bracket = lines[i].text.startswith("[")
        low = 0 if bracket else i - _WINDOW
        if not (blank or bracket) or not marker_between(low, i, label):
            i += 1
            continue
        j = i + 1
        # the body goes on while its last line is open and the next continues a sentence; a
        # page start (indented in PDF text copies) or a new paragraph ends it
        while j < n and j - i < 6 and not lines[j].indented \
                and lines[j].span.line == (lines[j - 1].span.end_line or lines[j - 1].span.line) + 1 \
                and not lines[j].paragraph_start \
                and not grammar.ends_sentence(lines[j - 1].text) \
                and grammar.starts_lower(lines[j].text) \
                and not grammar.FOOTNOTE_BODY.match(lines[j].text) \
                and not _starts_structure(folded[j]):
            j += 1
        notes.append(FoundNote(label, lines[i:j], i - len(drop)))
        drop.extend(range(i, j))
        expected += 1
        i = j
    return drop, notes


def _starts_structure(folded: str) -> bool:
    return bool(grammar.ARTICLE.match(folded) or grammar.SUBCLAUSE.match(folded)
                or grammar.CLAUSE.match(folded) or grammar.ITEM.match(folded))


def link_glued_markers(drafts: list[Draft], notes: list[FoundNote], doc: Doc) -> dict[str, tuple[Draft, tuple[Draft, ...]]]:
    """Cut each note's glued marker out of the text before it; return label → (draft, path)."""
    flat = list(walk(drafts))
    linked: dict[str, tuple[Draft, tuple[Draft, ...]]] = {}
    floor = -1
    for note in notes:
        # the marker is the last candidate before the note's body: search backwards
        best: tuple[int, Draft, tuple[Draft, ...], regex.Match[str]] | None = None
        for order in range(len(flat) - 1, max(floor, 0) - 1, -1):
            draft, path = flat[order]
            if draft.first >= note.position or not draft.text:
                continue
            # on the text as it is: the fold never changes what a marker match sees
            candidates = _marker_candidates(draft.text, note.label) \
                if note.label in draft.text else []
            if candidates:
                best = (order, draft, path, candidates[-1])
                break
        if best is None:
            continue
        order, draft, path, m = best
        floor = order
        assert draft.text is not None  # only drafts with text are candidates
        start, end = m.start("label"), m.end("label")
        raw = draft.text[start:end] if not m.group(0).startswith("[") else m.group(0)
        if m.group(0).startswith("["):
            start, end = m.start(), m.end()
        draft.text = draft.text[:start] + draft.text[end:]
        draft.markers = [(o - (end - start) if o > start else o, lb, r) for o, lb, r in draft.markers]
        draft.markers.append((start, note.label, raw))
        draft.markers.sort()
        if m["year"]:
            evidence = f"footnote {note.label} exists and {m['year']}{note.label} is no plausible year"
        else:
            evidence = f"footnote {note.label} exists"
        word = m["year"] or draft.text[max(0, start - 12): start].split(" ")[-1]
        doc.diags.add("NQ303", doc.span(draft.first, draft.last), draft.text[max(0, start - 30): start + 10],
                      label=note.label, word=word, evidence=evidence)
        linked[note.label] = (draft, path)
    return linked
