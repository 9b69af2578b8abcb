"""Body stage: lines → units (one per paragraph or numbered item) → a tree of drafts.

Units come from an ordered rule table: the first rule whose pattern matches the first line
wins, and a line that matches no rule either continues the previous unit or starts a
paragraph (layout evidence decides). Drafts are mutable while the passes (footnotes,
indicators, numbering) run, and are frozen into the pydantic model at the end.

Nesting follows the numbering: a kind already open on the stack closes back to it (a
sibling); a new kind nests under the open unit, except that structural levels (Phần … Điều,
Roman divisions, khoản) and bullets close every unit that ranks below them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import regex

from nghiquyet import grammar
from nghiquyet.model import Target
from nghiquyet.parser.lines import Doc, join_lines
from nghiquyet.parser.values import roman_to_int

RANK = {"part": 1, "chapter": 2, "section": 3, "subsection": 4, "article": 5, "division": 6,
        "clause": 7, "subclause": 8, "point": 11, "item": 12, "bullet": 13}

# Ordered: headings of large units first; "Điều" before the numbered items; decimal items
# ("1.1.") before khoản ("1.") because CLAUSE refuses "1.1." only by look-ahead; points and
# parenthesised items before bullets. A line matching nothing is running text.
RULES: tuple[tuple[str, regex.Pattern[str]], ...] = (
    ("part", grammar.PART),
    ("chapter", grammar.CHAPTER),
    ("subsection", grammar.SUBSECTION),
    ("section", grammar.SECTION),
    ("article", grammar.ARTICLE),
    ("division", grammar.DIVISION),
    ("subclause", grammar.SUBCLAUSE),
    ("clause", grammar.CLAUSE),
    ("point", grammar.POINT),
    ("item", grammar.ITEM),
    ("bullet", grammar.BULLET),
)

_TITLE_KINDS = {"part", "chapter", "section", "subsection"}

_FIRST_CHARS = {
    "part": "Pp*", "chapter": "Cc*", "subsection": "Tt*", "section": "Mm*", "article": "Đđ*",
    "division": "IVXL", "subclause": "0123456789", "clause": "0123456789",
    "point": grammar.POINT_LETTERS, "item": "(", "bullet": "-–—+•·*",
}
"""The characters each rule's pattern can start with: a cheap filter before matching."""

_TABLE_FIRST = frozenset("|:-")
"""The characters a Markdown table row or rule can start with (lines are stripped)."""

_RULES_BY_CHAR: dict[str, tuple[tuple[str, regex.Pattern[str]], ...]] = {}
for _name, _pattern in RULES:
    for _ch in _FIRST_CHARS[_name]:
        _RULES_BY_CHAR[_ch] = (*_RULES_BY_CHAR.get(_ch, ()), (_name, _pattern))


@dataclass(slots=True)
class Unit:
    """A run of lines that forms one paragraph or numbered item."""

    rule: str
    match: regex.Match[str] | None
    lines: list[int]


@dataclass(slots=True)
class Draft:
    """A body node under construction."""

    kind: str
    first: int
    last: int
    num: str | None = None
    label: str = ""
    heading: str | None = None
    text: str | None = None
    markers: list[tuple[int, str, str]] = field(default_factory=list)
    children: list[Draft] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    header_rows: int = 0
    targets: tuple[Target, ...] = ()
    """Parsed targets, for indicators."""
    key: str = ""
    """Kind plus depth ("subclause:2"), for the nesting rule."""
    symbol: str = ""


def classify(doc: Doc, i: int) -> tuple[str, regex.Match[str] | None]:
    """The rule that line i starts, or ("text", None)."""
    text = doc.lines[i].text
    if text[:1] in _TABLE_FIRST and (grammar.TABLE_ROW.match(text) or grammar.TABLE_RULE.match(text)):
        return "table", None
    folded = doc.folded[i]
    for name, pattern in _RULES_BY_CHAR.get(folded[:1], ()):
        m = pattern.match(folded)
        if m is None:
            continue
        if name == "division" and roman_to_int(m["num"]) is None:
            continue
        if name == "article" and m["rest"] is None and not m.group(0).strip().endswith(m["num"]):
            continue
        return name, m
    return "text", None


def _continues(doc: Doc, i: int, rule: str, m: regex.Match[str] | None,
               last_num: dict[str, str]) -> bool:
    """Does line i continue the unit of line i-1 rather than start a new one?"""
    prev_text = doc.lines[i - 1].text
    open_end = not grammar.ends_sentence(prev_text)
    if doc.lines[i].zone != doc.lines[i - 1].zone:
        return False
    if rule == "table" or doc.lines[i - 1].text.startswith("|"):
        return False
    blank = doc.blank_before(i)
    if doc.style_break(i):
        return False
    starts_lower = grammar.starts_lower(doc.lines[i].text)
    if rule != "text":
        if not open_end or blank:
            return False
        if rule in ("clause", "subclause", "item") and m is not None:
            # a wrapped line that happens to begin with "5." continues unless it is the
            # next number of its kind or starts a new list
            num = m["num"]
            expected = _next_number(last_num.get(rule))
            return not (num == expected or num == "1" or num.endswith(".1"))
        if rule in ("point", "bullet", "division"):
            return False
        if rule == "article" and doc.wrapped and not doc.lines[i].bold \
                and not doc.lines[i - 1].text.isupper():
            return True  # "… tại khoản 3" / "Điều 1." is a wrapped cross-reference
        return doc.lines[i].text[:1].islower()
    if blank:
        return open_end and starts_lower
    if doc.wrapped:
        return True
    return open_end and starts_lower


def _next_number(num: str | None) -> str | None:
    if num is None:
        return None
    head, _, last = num.rpartition(".")
    if not last.isdigit():
        return None
    return f"{head}.{int(last) + 1}" if head else str(int(last) + 1)


def segment(doc: Doc, start: int, end: int) -> list[Unit]:
    """Cut lines ``[start, end)`` into units."""
    units: list[Unit] = []
    last_num: dict[str, str] = {}
    for i in range(start, end):
        rule, m = classify(doc, i)
        if units and i > start and _continues(doc, i, rule, m, last_num):
            units[-1].lines.append(i)
            continue
        if rule == "table" and units and units[-1].rule == "table":
            units[-1].lines.append(i)
            continue
        if rule in ("clause", "subclause", "item") and m is not None:
            last_num[rule] = m["num"]
        units.append(Unit(rule, m, [i]))
    return units


def _title_like(text: str, limit: int) -> bool:
    return bool(text) and len(text) <= limit and not grammar.ends_sentence(text)


def _rank(draft: Draft) -> int:
    return RANK.get(draft.kind, 20)


def _draft_from_unit(doc: Doc, unit: Unit) -> Draft:
    first, last = unit.lines[0], unit.lines[-1]
    if unit.rule == "table":
        return _table(doc, unit)
    if unit.rule == "text":
        joined = join_lines([doc.lines[i] for i in unit.lines])
        return Draft("paragraph", first, last, text=joined.text, markers=joined.markers)
    m = unit.match
    assert m is not None
    label_end = m.start("rest") if m["rest"] is not None else len(doc.folded[first])
    label = doc.lines[first].text[:label_end].strip()
    joined = join_lines([doc.lines[i] for i in unit.lines], strip_prefix=label_end)
    text = joined.text.strip()
    kind = unit.rule
    num = m["num"] if "num" in m.groupdict() and m["num"] else None
    draft = Draft(kind, first, last, num=_normal_num(kind, num), label=label,
                  markers=joined.markers, key=kind)
    if kind == "subclause" and num:
        draft.key = f"subclause:{num.count('.')}"
        draft.kind = "subclause"
    if kind == "bullet":
        draft.symbol = m["sym"]
        draft.key = f"bullet:{m['sym']}"
        draft.num = None
    if kind in _TITLE_KINDS or kind == "article":
        bold = all(doc.lines[i].bold for i in unit.lines)
        if _title_like(text, 400 if bold else 250):
            draft.heading = text or None
        else:
            draft.text = text or None
    elif kind in ("division", "clause") and _title_like(text, 160):
        draft.heading = text
    elif kind == "subclause" and _title_like(text, 100):
        draft.heading = text
    else:
        draft.text = text or None
    if draft.heading is not None:
        draft.markers = [(o, lb, raw) for o, lb, raw in draft.markers]
    return draft


def _normal_num(kind: str, num: str | None) -> str | None:
    if num is None:
        return None
    num = num.strip()
    if kind in ("part", "chapter", "division"):
        return num.upper() if roman_to_int(num.upper()) else num
    return num


def _table(doc: Doc, unit: Unit) -> Draft:
    rows: list[list[str]] = []
    header_rows = 0
    for i in unit.lines:
        text = doc.lines[i].text
        if grammar.TABLE_RULE.match(text):
            header_rows = len(rows)
            continue
        m = grammar.TABLE_ROW.match(text)
        cells = m["cells"] if m else text.strip("|")
        rows.append([c.strip().replace("\\|", "|") for c in grammar.CELL_SPLIT.split(cells)])
    return Draft("table", unit.lines[0], unit.lines[-1], rows=rows, header_rows=header_rows)


def build_tree(doc: Doc, units: list[Unit]) -> list[Draft]:
    """Nest units into drafts by their numbering."""
    root: list[Draft] = []
    stack: list[Draft] = []

    def attach(draft: Draft) -> None:
        (stack[-1].children if stack else root).append(draft)

    pending_heading: Draft | None = None
    for unit in units:
        draft = _draft_from_unit(doc, unit)
        if draft.kind in ("paragraph", "table"):
            if pending_heading is not None and draft.kind == "paragraph" and draft.text \
                    and _title_like(draft.text, 250) and not draft.markers:
                pending_heading.heading = draft.text
                pending_heading.last = draft.last
                pending_heading = None
                continue
            pending_heading = None
            while stack and stack[-1].kind == "bullet":
                stack.pop()
            attach(draft)
            continue
        pending_heading = draft if draft.kind in _TITLE_KINDS | {"article"} and \
            draft.heading is None and draft.text is None else None
        keys = [d.key for d in stack]
        if draft.key in keys:
            del stack[keys.index(draft.key):]
        elif draft.kind == "bullet" or _rank(draft) <= RANK["clause"]:
            while stack and _rank(stack[-1]) >= _rank(draft) and not (
                    draft.kind == "bullet" and stack[-1].kind == "bullet"):
                stack.pop()
        else:
            while stack and stack[-1].kind == "bullet":
                stack.pop()
        attach(draft)
        stack.append(draft)
    return root


def walk(drafts: list[Draft], path: tuple[Draft, ...] = ()) -> Iterator[tuple[Draft, tuple[Draft, ...]]]:
    """Depth-first (draft, ancestors) in document order.

    Iterative, with a stack of pending siblings: recursive generators pay one resumption per
    level for every node, and the passes walk the tree several times.
    """
    stack: list[tuple[Iterator[Draft], tuple[Draft, ...]]] = [(iter(drafts), path)]
    while stack:
        siblings, ancestors = stack[-1]
        draft = next(siblings, None)
        if draft is None:
            stack.pop()
            continue
        yield draft, ancestors
        if draft.children:
            stack.append((iter(draft.children), (*ancestors, draft)))


def check_numbering(drafts: list[Draft], report: Callable[..., object], doc: Doc) -> None:
    """Report jumps in article numbers and points out of Vietnamese order (NQ202, NQ203)."""
    articles = [d for d, _ in walk(drafts) if d.kind == "article"]
    prev: str | None = None
    for draft in articles:
        if prev is not None and draft.num and prev.isdigit() and draft.num.isdigit() \
                and int(draft.num) != int(prev) + 1:
            report("NQ202", doc.span(draft.first, draft.first), doc.lines[draft.first].text,
                   prev=prev, found=draft.num)
        prev = draft.num
    order = grammar.POINT_LETTERS
    for draft, _ in walk(drafts):
        points = [(c, c.num) for c in draft.children if c.kind == "point" and c.num]
        for (_, a), (b, b_num) in zip(points, points[1:], strict=False):
            la, lb = a[:1], b_num[:1]
            if la not in order or lb not in order or b_num == a + "1":  # "a1)" inserted after "a)"
                continue
            if order.index(lb) <= order.index(la):
                report("NQ203", doc.span(b.first, b.first), doc.lines[b.first].text,
                       prev=a, found=b_num)
