"""Closing stage: passing clause, effect, signature block and recipients.

The closing is read line by line: signature and recipients are two columns that copies print
one after the other (in either order) or interleave, so each line is classified on its own.
Recipient entries may wrap; a purpose note such as "(để báo cáo)" covers the entries from the
previous note (or the list start) down to the entry it stands beside.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from nghiquyet import grammar
from nghiquyet.model import (
    Closing, Effect, PassingClause, Recipient, RecipientGroup, Recipients, Signature, TextLine,
)
from nghiquyet.parser.header import parse_session
from nghiquyet.parser.lines import Doc, join_lines
from nghiquyet.parser.values import date_from_match
from nghiquyet.source import Span, Zone


def parse_passing(text: str, span: Span, *, embedded: bool = False) -> PassingClause | None:
    """Read a passing clause ("Nghị quyết này được Hội đồng nhân dân … thông qua ngày …")."""
    folded = grammar.fold(text)
    m = grammar.PASSING.search(folded)
    if m is None:
        return None
    tail = folded[m.start():]
    session = parse_session(text, tail, span)
    date_m = grammar.PASSED_ON.search(tail)
    council_m = grammar.PASSING_COUNCIL.search(tail)
    council = None
    if council_m is not None:
        offset = m.start()
        council = text[offset + council_m.start("council"): offset + council_m.end("council")]
        council = council.strip(" ,") or None
    kind_m = grammar.SESSION_KIND.search(tail)
    return PassingClause(
        text=text, council=council,
        term=session.term if session else None,
        session=session.number if session else None,
        session_kind=("thematic" if kind_m["thematic"] else "extraordinary") if kind_m else None,
        date=date_from_match(date_m) if date_m else None,
        embedded=embedded, span=span)


def parse_effect(text: str, span: Span) -> Effect | None:
    """Read when the resolution takes effect, if the text says so."""
    m = grammar.EFFECT.search(grammar.fold(text))
    if m is None:
        return None
    phrase = text[m.start(): m.end()]
    if m["days"]:
        return Effect(text=phrase, rule="after-days", days=int(m["days"]), span=span)
    if m["on_passing"]:
        return Effect(text=phrase, rule="on-passing", span=span)
    if m["on_signing"]:
        return Effect(text=phrase, rule="on-signing", span=span)
    return Effect(text=phrase, rule="date", date=date_from_match(m), span=span)


def _name_follows(doc: Doc, i: int, end: int) -> bool:
    for j in range(i + 1, min(end, i + 5)):
        if grammar.PERSON_NAME.match(doc.lines[j].text) or grammar.SIGNED_MARKER.match(doc.lines[j].text):
            return True
    return False


_HEADING_FIRST = frozenset("Nn*_")
"""First characters of "Nơi nhận:" and of the passing clause ("Nghị quyết này …")."""
_AUTHORITY_FIRST = frozenset("TKQ")
"""First characters of the authority prefixes (TM., KT., TL., TUQ., Q.)."""
_ROLE_FIRST = frozenset("PpCcTỦ")
"""First characters of the signer's roles (PHÓ/CHỦ TỊCH, TRƯỞNG BAN, ỦY VIÊN, CHÁNH …)."""


def closing_starts(doc: Doc, i: int, end: int) -> bool:
    """Does line i start the closing (passing clause, signature or recipients)?

    Each pattern is tried only on lines that start with one of its first characters (the
    parser asks this of every body line)."""
    line = doc.lines[i]
    if line.zone in (Zone.SIGNATURE, Zone.RECIPIENTS):
        return True
    folded = doc.folded[i]
    if folded[:1] in _HEADING_FIRST:
        if grammar.RECIPIENTS_HEADING.match(folded):
            return True
        if grammar.PASSING_START.match(folded) and (i == 0 or doc.blank_before(i) or
                                                  grammar.ends_sentence(doc.lines[i - 1].text)):
            return True
    first = line.text[:1]
    if first in _AUTHORITY_FIRST and grammar.SIGNATURE_AUTHORITY.match(line.text) \
            and _name_follows(doc, i, end):
        return True
    return first in _ROLE_FIRST and bool(grammar.SIGNATURE_ROLE.match(line.text)) \
        and _name_follows(doc, i, end)


def parse_closing(doc: Doc, start: int, end: int) -> Closing:
    """Read the closing block of lines ``[start, end)``."""
    passing: PassingClause | None = None
    effect: Effect | None = None
    other: list[TextLine] = []
    entries: list[Recipient] = []
    groups: list[RecipientGroup] = []
    group_start = 0
    heading: tuple[str, Span] | None = None
    in_recipients = False
    sig = _SignatureDraft()
    sig_first: int | None = None
    sig_last: int | None = None
    i = start
    while i < end:
        line = doc.lines[i]
        text, folded = line.text, doc.folded[i]
        span = line.span
        if passing is None and grammar.PASSING_START.match(folded):
            j = i
            while j + 1 < end and not grammar.ends_sentence(doc.lines[j].text) \
                    and not closing_starts(doc, j + 1, end):
                j += 1
            joined = join_lines(doc.lines[i: j + 1]).text
            passing = parse_passing(joined, doc.span(i, j))
            effect = effect or parse_effect(joined, doc.span(i, j))
            if passing is None:  # a cut clause: keep its text, say it was not understood
                other.append(TextLine(text=joined, span=doc.span(i, j)))
                doc.diags.add("NQ201", doc.span(i, j), joined)
            i = j + 1
            continue
        heading_m = grammar.RECIPIENTS_HEADING.match(folded)
        if heading_m and heading is None:
            heading = (text[: heading_m.end("heading")].strip("*_ "), span)
            in_recipients = True
            rest = text[heading_m.start("rest"):].strip()
            if rest:
                for piece in grammar.FLAT_RECIPIENTS.split(rest):
                    if piece.strip():
                        _add_entry(entries, piece.strip(), span,
                                   grammar.RECIPIENT.match(piece.strip()))
            i += 1
            continue
        is_signature_line = (line.zone is Zone.SIGNATURE or grammar.SIGNATURE_AUTHORITY.match(text)
                             or grammar.SIGNATURE_ROLE.match(text)
                             or grammar.SIGNED_MARKER.match(text))
        if in_recipients and not is_signature_line and line.zone is not Zone.SIGNATURE:
            purpose_m = grammar.PURPOSE.match(text)
            if purpose_m and entries:
                groups.append(_group(entries, group_start, len(entries), text, purpose_m["purpose"]))
                group_start = len(entries)
                i += 1
                continue
            entry_m = grammar.RECIPIENT.match(text)
            if entry_m or grammar.ARCHIVE.match(folded) or not entries:
                purpose = _add_entry(entries, text, span, entry_m)
                if purpose is not None:
                    groups.append(_group(entries, group_start, len(entries), purpose,
                                         purpose.strip("() ;.")))
                    group_start = len(entries)
                i += 1
                continue
            if not grammar.PERSON_NAME.match(text) or not grammar.ends_sentence(entries[-1].raw):
                last = entries[-1]
                raw = f"{last.raw} {text}"
                entries[-1] = _entry(raw, last.span.through(span), grammar.RECIPIENT.match(raw))
                i += 1
                continue
        if is_signature_line or (sig_first is not None and _is_name(text)) \
                or grammar.SIGNATURE_STAMP.match(folded):
            if grammar.SIGNATURE_STAMP.match(folded):
                other.append(TextLine(text=text, span=span))
                i += 1
                continue
            in_recipients = False
            sig_first = i if sig_first is None else sig_first
            sig_last = i
            sig.lines.append(text)
            auth_m = grammar.SIGNATURE_AUTHORITY.match(text)
            role_m = grammar.SIGNATURE_ROLE.match(text)
            if auth_m and sig.prefix is None:
                dot = "." if text[auth_m.end("prefix"):].lstrip()[:1] == "." else ""
                sig.prefix = auth_m["prefix"] + dot
                sig.authority = auth_m["body"].strip()
            elif auth_m:
                sig.second_authority = sig.second_authority or auth_m["body"].strip()
            elif role_m:
                sig.role = " ".join(role_m["role"].split())
            elif grammar.SIGNED_MARKER.match(text):
                sig.signed = text
            elif _is_name(text):
                sig.name = f"{sig.name} {text}" if sig.name else text
            i += 1
            continue
        other.append(TextLine(text=text, span=span))
        if not grammar.RULE_LINE.match(text) and not grammar.END_MARK.fullmatch(text):
            doc.diags.add("NQ201", span, text)
        effect = effect or parse_effect(text, span)
        i += 1
    signature = None
    if sig_first is not None and sig_last is not None:
        # "KT. CHỦ TỊCH" with no role line under it: the body signed for is the role
        role = sig.role or sig.second_authority
        signature = Signature(
            authority_prefix=sig.prefix, authority=sig.authority, role=role,
            name=_strip_name(sig.name), signed_marker=sig.signed,
            lines=tuple(sig.lines), span=doc.span(sig_first, sig_last))
    recipients = None
    if heading is not None:
        end_span = entries[-1].span if entries else heading[1]
        recipients = Recipients(heading=heading[0], entries=tuple(entries), groups=tuple(groups),
                                span=heading[1].through(end_span))
    return Closing(passing=passing, effect=effect, signature=signature, recipients=recipients,
                   other=tuple(other))


@dataclass(slots=True)
class _SignatureDraft:
    """The signature block while its lines are read."""

    lines: list[str] = field(default_factory=list)
    prefix: str | None = None
    authority: str | None = None
    second_authority: str | None = None
    """The body of a second prefix line ("T/M. HĐND" then "K/T. CHỦ TỊCH")."""
    role: str | None = None
    name: str | None = None
    signed: str | None = None


def _is_name(text: str) -> bool:
    return bool(grammar.PERSON_NAME.match(text)) and len(text) < 60


def _strip_name(name: str | None) -> str | None:
    return name.strip("* ") or None if name else None


def _entry(raw: str, span: Span, m: regex.Match[str] | None) -> Recipient:
    text = raw
    if m is not None:
        text = m["text"]
    archive = bool(grammar.ARCHIVE.match(grammar.fold(raw)))
    return Recipient(text=text.strip(), raw=raw, archive=archive, span=span)


def _add_entry(entries: list[Recipient], raw: str, span: Span,
               m: regex.Match[str] | None) -> str | None:
    """Append an entry (``m``: its :data:`~nghiquyet.grammar.RECIPIENT` match, or None);
    return the purpose note printed beside it, if any."""
    entry = _entry(raw, span, m)
    purpose = m["purpose"] if m is not None and m["purpose"] else None
    entries.append(entry)
    return purpose


def _group(entries: list[Recipient], start: int, end: int, raw: str, purpose: str) -> RecipientGroup:
    covered = tuple(range(start, end))
    for k in covered:
        entries[k] = entries[k].model_copy(update={"purpose": purpose.strip()})
    return RecipientGroup(purpose=purpose.strip(), raw=raw.strip(), entries=covered)
