"""Property tests: parse never raises, loses nothing, and JSON round-trips."""

from __future__ import annotations

import collections
import random

from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel
from hypothesis import strategies as st

import nghiquyet
from nghiquyet.errors import ReaderError
from nghiquyet.model import (
    Attachment, CitedDocument, Effect, Footnote, FootnoteRef, Indicator, Paragraph,
    PassingClause, Provision, Recipient, Resolution, Table, Target, TextLine, Unparsed,
)
from tests.conftest import SEED

SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

# Layout characters that carry no text: cell separators, emphasis, whitespace.
_LAYOUT = set(" \t|*")


def _chars(text: str) -> collections.Counter[str]:
    return collections.Counter(c for c in text if c not in _LAYOUT and not c.isspace())


def printed_text(doc: Resolution) -> collections.Counter[str]:
    """Characters of every printed fragment in the model (derived values left out)."""
    out: collections.Counter[str] = collections.Counter()

    def visit(value: object) -> None:
        if isinstance(value, (CitedDocument, Target, Effect)):
            return  # quotes of text stored elsewhere
        if isinstance(value, PassingClause) and value.embedded:
            return
        if isinstance(value, FootnoteRef):
            out.update(_chars(value.marker))
            return
        if isinstance(value, Recipient):
            out.update(_chars(value.raw))
            return
        if isinstance(value, Table):
            for row in value.rows:
                for cell in row:
                    out.update(_chars(cell))
            return
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                if name in ("raw", "text", "label", "heading", "title", "pointer", "heading",
                            "lines", "signed_marker") and not isinstance(value, Recipient):
                    field = getattr(value, name)
                    if name == "lines" and not hasattr(value, "authority_prefix"):
                        continue
                    if isinstance(field, str):
                        out.update(_chars(field))
                    elif isinstance(field, tuple) and field and isinstance(field[0], str):
                        for item in field:
                            out.update(_chars(item))
                    continue
                visit(getattr(value, name))
        elif isinstance(value, tuple):
            for item in value:
                visit(item)

    header = doc.header
    for part in (header.national_title, header.motto, header.number, header.date_line,
                 header.document_type, header.title, header.session, *header.other):
        visit(part)
    if header.council is not None and header.council.evidence in ("header", "council-line", "title"):
        out.update(_chars(header.council.name))
    visit(doc.preamble)
    visit(doc.body)
    visit(doc.closing)
    visit(doc.attachments)
    for note in doc.footnotes:
        out.update(_chars(note.label))
        out.update(_chars(note.text))
    return out


def _check_lossless(text: str) -> None:
    try:
        result = nghiquyet.parse(text)
    except ReaderError:
        return
    source_lines = [ln for ln in text.splitlines() if ln.strip()]
    expected: collections.Counter[str] = collections.Counter()
    from nghiquyet.diagnostics import Diagnostics
    from nghiquyet.source import Span, normalise_line

    for k, line in enumerate(source_lines):
        expected.update(_chars(normalise_line(line, Span(k + 1), Diagnostics())[0]))
    got = printed_text(result.document)
    missing = expected - got
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
