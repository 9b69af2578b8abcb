"""Accuracy harness: compare parser output with expectation files of verified facts.

An expectation file (``tests/expectations/corpus-real/NNN.json``) names a document and the
facts a reader verified in it. Every key present is checked; a key left out is not. The
harness reports per-field accuracy and every mismatch; ``nghiquyet eval DIR`` prints them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nghiquyet.model import Resolution


def _norm(text: str | None) -> str | None:
    return " ".join(text.split()) if text is not None else None


def facts_of(doc: Resolution) -> dict[str, Any]:
    """The comparable facts of a parsed document, under the expectation files' keys."""
    h, p, c = doc.header, doc.preamble, doc.closing
    facts: dict[str, Any] = {}
    if h.number is not None:
        facts.update(number_raw=h.number.raw, number_sequence=h.number.sequence,
                     number_year=h.number.year, type_symbol=h.number.type_symbol,
                     issuer_symbol=h.number.issuer_symbol, normative=h.number.normative)
    else:
        facts.update(number_raw=None, normative=None)
    facts["date"] = h.date_line.date.isoformat() if h.date_line and h.date_line.date else None
    facts["place"] = h.date_line.place if h.date_line else None
    facts["council_level"] = h.council.level if h.council else None
    facts["council_locality"] = h.council.locality if h.council else None
    session = h.session
    passing = c.passing
    facts["term"] = session.term if session and session.term else (passing.term if passing else None)
    facts["session"] = session.number if session and session.number else (
        passing.session if passing else None)
    kind = session.kind if session else None
    if (kind in (None, "regular")) and passing and passing.session_kind:
        kind = passing.session_kind
    facts["session_kind"] = kind or ("regular" if facts["session"] else None)
    title = _norm(h.title.text) if h.title else None
    facts["title_prefix"] = title[:40] if title else None
    facts["title_length"] = len(title) if title else None
    facts["legal_bases_count"] = len(p.legal_bases)
    facts["legal_bases_numbers"] = [ct.number for b in p.legal_bases for ct in b.citations if ct.number]
    facts["considerations_count"] = len(p.considerations)
    facts["considerations_numbers"] = [ct.number for b in p.considerations for ct in b.citations
                                       if ct.number]
    formula = _norm(p.enacting_formula.text) if p.enacting_formula else None
    facts["enacting_formula"] = formula
    facts["enacting_formula_prefix"] = formula[:40] if formula else None
    facts["enacting_formula_length"] = len(formula) if formula else None
    articles = doc.articles()
    facts["article_numbers"] = [a.num for a in articles]
    facts["article_headings"] = [_norm(a.heading) for a in articles]
    facts["passing_date"] = passing.date.isoformat() if passing and passing.date else None
    effect = c.effect
    facts["effective_date"] = effect.date.isoformat() if effect and effect.date else None
    sig = c.signature
    facts["signer_authority"] = sig.authority_prefix if sig else None
    facts["signer_authority_body"] = sig.authority if sig else None
    facts["signer_role"] = sig.role if sig else None
    facts["signer_name"] = sig.name if sig else None
    entries = c.recipients.entries if c.recipients else ()
    facts["recipients_count"] = len(entries)
    facts["has_archive_entry"] = any(e.archive for e in entries)
    return facts


@dataclass(slots=True)
class Report:
    """Per-field tallies and the list of mismatches."""

    checked: dict[str, int] = field(default_factory=dict)
    correct: dict[str, int] = field(default_factory=dict)
    mismatches: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        total = sum(self.checked.values())
        return sum(self.correct.values()) / total if total else 1.0

    def format(self) -> str:
        lines = [f"{'field':<26} {'correct':>7} / {'checked':<7} accuracy"]
        for key in sorted(self.checked):
            n, ok = self.checked[key], self.correct.get(key, 0)
            lines.append(f"{key:<26} {ok:>7} / {n:<7} {100 * ok / n:6.1f} %")
        lines.append(f"{'ALL':<26} {sum(self.correct.values()):>7} / "
                     f"{sum(self.checked.values()):<7} {100 * self.accuracy:6.1f} %")
        for doc_id, key, expected, got in self.mismatches:
            lines.append(f"MISMATCH {doc_id} {key}: expected {expected!r}, got {got!r}")
        for doc_id, error in self.errors:
            lines.append(f"ERROR {doc_id}: {error}")
        return "\n".join(lines)


def compare(doc_id: str, expected: dict[str, Any], actual: dict[str, Any], report: Report) -> None:
    for key, want in expected.items():
        got = actual.get(key)
        report.checked[key] = report.checked.get(key, 0) + 1
        if key == "article_headings" and isinstance(want, list):
            want = [_norm(w) for w in want]
        if got == want:
            report.correct[key] = report.correct.get(key, 0) + 1
        else:
            report.mismatches.append((doc_id, key, want, got))


def evaluate(expectation_files: Iterable[Path], corpus_root: Path) -> Report:
    """Parse every document named by the expectation files and compare."""
    import nghiquyet

    report = Report()
    for path in sorted(expectation_files):
        spec = json.loads(path.read_text(encoding="utf-8"))
        doc_id = spec.get("id", path.stem)
        source = corpus_root / spec["path"]
        if not source.exists():
            report.errors.append((doc_id, f"missing {source}"))
            continue
        try:
            result = nghiquyet.parse_file(source)
        except Exception as exc:  # the harness reports, it does not stop
            report.errors.append((doc_id, f"{type(exc).__name__}: {exc}"))
            continue
        compare(doc_id, spec["facts"], facts_of(result.document), report)
    return report


def cmd_eval(args: argparse.Namespace) -> int:
    folder = Path(args.expected)
    report = evaluate(folder.glob("*.json"), Path(args.corpus))
    print(report.format())
    return 0 if not report.mismatches and not report.errors else 1


def add_commands(sub: Any) -> None:
    """Add ``nghiquyet eval`` to the CLI."""
    p = sub.add_parser("eval", help="compare parser output with expectation files")
    p.add_argument("expected", help="folder of expectation JSON files")
    p.add_argument("--corpus", default="../shared/corpus-real",
                   help="folder the expectation paths are relative to")
    p.set_defaults(func=cmd_eval)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(cmd_eval(argparse.Namespace(expected=sys.argv[1], corpus=sys.argv[2])))
