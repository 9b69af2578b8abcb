"""Property tests: parse never raises, loses nothing, and JSON round-trips."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nghiquyet
from nghiquyet.errors import ReaderError
from nghiquyet.lossless import lost_characters
from nghiquyet.model import Attachment, Footnote, Indicator, Paragraph, Provision, TextLine, Unparsed
from tests.conftest import SEED

SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

def _check_lossless(text: str) -> None:
    try:
        result = nghiquyet.parse(text)
    except ReaderError:
        return
    missing = lost_characters(text, result.document)
    assert not missing, f"text lost: {dict(missing)}"


@SETTINGS
@given(st.text(max_size=400))
def test_parse_never_raises_on_arbitrary_text(text: str) -> None:
    try:
        nghiquyet.parse(text)
    except ReaderError:
        pass


@SETTINGS
@given(st.lists(st.sampled_from(SEED_LINES), max_size=60), st.randoms(use_true_random=False))
def test_shuffled_corpus_lines_are_lossless(lines: list[str], rnd: random.Random) -> None:
    rnd.shuffle(lines)
    _check_lossless("\n".join(lines))


@SETTINGS
@given(st.integers(0, len(SEED_LINES)), st.integers(0, len(SEED_LINES)))
def test_cut_corpus_is_lossless(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    _check_lossless("\n".join(SEED_LINES[lo:hi]))


def test_seed_is_lossless() -> None:
    _check_lossless(SEED.read_text(encoding="utf-8"))


def test_lossless_check_can_fail() -> None:
    document = nghiquyet.parse(SEED.read_text(encoding="utf-8")).document
    assert not lost_characters(SEED.read_text(encoding="utf-8"), document)
    assert lost_characters(SEED.read_text(encoding="utf-8") + "\nXYZ", document) == {"X": 1, "Y": 1, "Z": 1}


@SETTINGS
@given(st.lists(st.sampled_from(SEED_LINES), min_size=1, max_size=80))
def test_json_round_trip_is_identical(lines: list[str]) -> None:
    try:
        document = nghiquyet.parse("\n".join(lines)).document
    except ReaderError:
        return
    text = nghiquyet.to_json(document)
    assert nghiquyet.to_json(nghiquyet.from_json(text)) == text


def test_unused_imports_are_model_classes() -> None:
    # keeps the import list honest: every class named above is part of the model
    for cls in (Attachment, Footnote, Indicator, Paragraph, Provision, TextLine, Unparsed):
        assert issubclass(cls, nghiquyet.Resolution.__mro__[1])


# Regressions found by `nghiquyet fuzz` (20,000 examples per property):


def test_regression_nfc_singleton_is_composed_and_kept() -> None:
    # U+F900 has a singleton canonical decomposition; the fast path once skipped NFC for it
    document = nghiquyet.parse("Điều 1. Chữ \uf900.").document
    assert "\u8c48" in nghiquyet.to_json(document)
    assert not lost_characters("Điều 1. Chữ \uf900.", document)


def test_regression_paragraph_after_indicator_is_kept() -> None:
    text = ("2. Các chỉ tiêu chủ yếu của năm 2024\n(1) Tổng sản phẩm tăng trên 9%;\n"
            "ầm với phát triển kinh tế; chú trọng bảo đảm an sinh")
    assert not lost_characters(text, nghiquyet.parse(text).document)


def test_regression_repeated_header_lines_are_kept() -> None:
    text = ("HỘI ĐỒNG NHÂN DÂN\nTỈNH LÀO CAI\nKHOÁ XVII, KỲ HỌP THỨ 19\nKHOÁ XVII, KỲ HỌP THỨ 19\n"
            "KHOÁ XVII, KỲ HỌP THỨ 19\nHỘI ĐỒNG NHÂN DÂN TỈNH LÀO CAI\nCăn cứ Luật A;")
    assert not lost_characters(text, nghiquyet.parse(text).document)


def test_regression_council_line_with_trailing_text_keeps_its_punctuation() -> None:
    text = "HỘI ĐỒNG NHÂN DÂN TỈNH HẢI DƯƠNG so với cuối năm 2023, tỷ lệ nợ xấu dưới 2%."
    assert not lost_characters(text, nghiquyet.parse(text).document)


# Markdown ("**", "|") takes the reader's other path and is left out.
_LINE_TEXT = st.lists(st.sampled_from(["a", "ệ", " ", "  ", "\t", "\u00a0", "\u0301", "\x07", "Ð",
                                        "oà", "A1."]), max_size=10).map("".join)


@settings(SETTINGS, max_examples=300)
@given(st.lists(_LINE_TEXT, min_size=1, max_size=12))
def test_reader_fast_path_equals_the_full_normaliser(raws: list[str]) -> None:
    """The text reader's shortcut for lines that need no repair gives what the full
    normaliser gives on every line (text, original, indentation, diagnostics)."""
    from nghiquyet.diagnostics import Diagnostics
    from nghiquyet.readers.text import text_to_source
    from nghiquyet.source import Span, normalise_line

    try:
        got = text_to_source("\n".join(raws))
    except ReaderError:  # blank or binary-looking: nothing to compare
        return
    want_diags = Diagnostics("<text>")
    want = []
    for number, raw in enumerate(raws, start=1):
        if not raw.strip():
            continue
        clean, original = normalise_line(raw, Span(number), want_diags)
        if clean:
            want.append((clean, Span(number), original, raw[:1] in (" ", "\t", "\u00a0")))
    assert [(ln.text, ln.span, ln.original, ln.indented) for ln in got.lines] == want
    assert [(d.code, d.span) for d in got.diagnostics] == [(d.code, d.span) for d in want_diags]


def test_span_is_frozen_and_hashable_with_its_fast_constructor() -> None:
    import dataclasses

    import pytest

    from nghiquyet.source import Span

    span = Span(3, end_line=5, page=2)
    assert (span.line, span.end_line, span.page, span.end_page) == (3, 5, 2, None)
    assert span == Span(3, 5, 2) and hash(span) == hash(Span(3, 5, 2)) and span != Span(3)
    assert dataclasses.replace(span, line=4) == Span(4, 5, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.line = 9  # type: ignore[misc]


def _footnotes_by_whole_text_scan(lines: list, folded: list[str]) -> tuple[list[int], list]:
    """The footnote finder as it was: one scan of the whole text for every glued marker,
    matches mapped to their lines. The reference the lazy, per-label search is checked against."""
    from nghiquyet import grammar
    from nghiquyet.parser.footnotes import _WINDOW, FoundNote, _marker_candidates, _starts_structure

    drop: list[int] = []
    notes: list[FoundNote] = []
    expected = 1
    marker_lines: dict[str, list[int]] = {}
    k, line_end = 0, len(folded[0]) if folded else 0
    for m in grammar.GLUED_MARKER.finditer("\n".join(folded)):
        while m.start() > line_end:
            k += 1
            line_end += 1 + len(folded[k])
        marker_lines.setdefault(m["label"], []).append(k)
    i, n = 0, len(lines)
    while i < n:
        body = grammar.FOOTNOTE_BODY.match(lines[i].text)
        if body is None or body["label"] != str(expected) or i == 0:
            i += 1
            continue
        label, prev = body["label"], lines[i - 1]
        blank = (lines[i].span.line > (prev.span.end_line or prev.span.line) + 1
                 or bool(lines[i].paragraph_start))
        bracket = lines[i].text.startswith("[")
        low = 0 if bracket else i - _WINDOW
        if not any(low <= k < i and _marker_candidates(folded[k], label)
                   for k in marker_lines.get(label, ())) or not (blank or bracket):
            i += 1
            continue
        j = i + 1
        while j < n and j - i < 6 and not lines[j].indented \
                and lines[j].span.line == (lines[j - 1].span.end_line or lines[j - 1].span.line) + 1 \
                and not lines[j].paragraph_start and not grammar.ends_sentence(lines[j - 1].text) \
                and grammar.starts_lower(lines[j].text) and not grammar.FOOTNOTE_BODY.match(lines[j].text) \
                and not _starts_structure(folded[j]):
            j += 1
        notes.append(FoundNote(label, lines[i:j], i - len(drop)))
        drop.extend(range(i, j))
        expected += 1
        i = j
    return drop, notes


_NOTE_LINE = st.lists(st.sampled_from(["1 Mục tiêu", "2 Theo", "[1] Xem", "[2] Xem", "tỉnh1", "tỉnh2",
                                       "20301", "m2", "km1", " 12", "a", " ", ".", "[1]", "xã12"]),
                      max_size=5).map("".join)


@settings(SETTINGS, max_examples=300)
@given(st.lists(_NOTE_LINE, min_size=1, max_size=14))
def test_footnote_finder_equals_the_whole_text_scan(raws: list[str]) -> None:
    from nghiquyet import grammar
    from nghiquyet.parser.footnotes import find_text_footnotes
    from nghiquyet.readers.text import text_to_source

    try:
        lines = list(text_to_source("\n".join(raws)).lines)
    except ReaderError:
        return
    folded = [grammar.fold(ln.text) for ln in lines]
    drop, notes = find_text_footnotes(lines, folded)
    want_drop, want_notes = _footnotes_by_whole_text_scan(lines, folded)
    assert drop == want_drop
    assert [(nt.label, nt.lines, nt.position) for nt in notes] == \
        [(nt.label, nt.lines, nt.position) for nt in want_notes]
