"""Validation stage: JSON or AKN output → ``list[Diagnostic]``; ``assert_valid_*`` raise.

* :func:`validate_json` checks a JSON document against the model's JSON Schema (generated from
  :class:`~nghiquyet.model.Resolution`, so never stale), then loads it into the model (NQ501).
* :func:`validate_akn` parses XML safely (NQ505 for DTDs and entities, NQ105 over the size
  limit, NQ506 when not well-formed), validates against the vendored strict OASIS Akoma Ntoso
  3.0 schema (NQ502; loaded once per process, offline, from the package), then runs the
  consistency checks the schema cannot express (NQ503): eIds unique, every ``#id`` in
  ``refersTo``/``href``/``source``/``as`` resolves, FRBR URIs agree across Work, Expression and
  Manifestation (and attachments belong to the main Work).
* :func:`validate_files` picks JSON or AKN by content, for ``nghiquyet validate FILE...``.

Every diagnostic carries the line of the problem where there is one.

>>> validate_json('{"schema_version": "1.0"}')[0].code
'NQ501'
"""

from __future__ import annotations

import bisect
import functools
import json
from collections.abc import Iterable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

from lxml import etree

from nghiquyet.diagnostics import Diagnostic, Severity, make
from nghiquyet.errors import (
    CorruptDocumentError, LimitExceededError, SchemaError, UnsafeInputError,
)
from nghiquyet.limits import DEFAULT_LIMITS
from nghiquyet.model import SCHEMA_VERSION
from nghiquyet.source import Span

__all__ = [
    "akn_schema", "assert_valid_akn", "assert_valid_json", "validate_akn", "validate_file",
    "validate_files", "validate_json",
]

_AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
_MAX_SCHEMA_ERRORS = 200
"""More schema errors than this are summarised in one last diagnostic."""
_REFERENCE_ATTRIBUTES = ("refersTo", "href", "source", "as", "placementBase")
"""Attributes whose ``#id`` values must name an element of the document."""


# --------------------------------------------------------------------------- JSON


@functools.cache
def _json_validator() -> Any:
    import jsonschema

    from nghiquyet.writers.json import json_schema

    schema = json_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema)


def _json_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """Line of every value in a (valid) JSON text, by path: ``("body", 0, "num")`` → 23."""
    breaks = [k for k, ch in enumerate(text) if ch == "\n"]
    decoder = json.JSONDecoder()
    lines: dict[tuple[str | int, ...], int] = {}

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def value(i: int, path: tuple[str | int, ...]) -> int:
        i = skip(i)
        lines[path] = bisect.bisect_left(breaks, i) + 1
        if text[i] == "{":
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key, i = decoder.raw_decode(text, skip(i))
                i = value(skip(i) + 1, (*path, key))
                i = skip(i)
                if text[i] == "}":
                    return i + 1
                i += 1
        if text[i] == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            k = 0
            while True:
                i = skip(value(i, (*path, k)))
                k += 1
                if text[i] == "]":
                    return i + 1
                i += 1
        return decoder.raw_decode(text, i)[1]

    value(0, ())
    return lines


def _line_of(lines: dict[tuple[str | int, ...], int], path: Iterable[Any]) -> Span | None:
    key = tuple(path)
    while key not in lines and key:
        key = key[:-1]
    return Span(lines[key]) if key in lines else None


def _explain(error: Any) -> list[tuple[tuple[Any, ...], str]]:
    """The errors inside a tagged union that concern the member its ``kind`` names.

    The model's unions and optional fields become ``oneOf``/``anyOf`` in the JSON Schema, which
    jsonschema reports as "not valid under any of the given schemas". Descend into the branch
    that fits the value (its ``kind``, or not-null), so the message names the real problem.
    """
    if not error.context:
        return [(tuple(error.absolute_path), error.message)]
    instance = error.instance
    kind = instance.get("kind") if isinstance(instance, dict) else None
    branches: dict[Any, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    # A branch "fits" when none of its errors is about the instance itself (a type
    # mismatch, e.g. "is not of type 'null'") or about its kind tag.
    chosen = next((subs for subs in branches.values()
                   if all(list(sub.relative_path)[:1] not in ([], ["kind"]) for sub in subs)),
                  None)
    if chosen is None:
        detail = f"unknown kind {kind!r}" if kind is not None else error.message
        return [(tuple(error.absolute_path), detail)]
    return [found for sub in chosen for found in _explain(sub)]


def _short(message: str, limit: int = 160) -> str:
    """jsonschema quotes whole instances in some messages; keep diagnostics one line."""
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _where(path: Iterable[Any]) -> str:
    return "/" + "/".join(str(p) for p in path)


def validate_json(data: bytes | str | dict[str, Any], *, source: str = "") -> list[Diagnostic]:
    """Check a JSON document (bytes, text or already loaded) against the model's JSON Schema.

    Returns NQ501 diagnostics (empty when valid), each with the line of the offending value
    when the input was text.
    """
    lines: dict[tuple[str | int, ...], int] = {}
    if isinstance(data, dict):
        raw: Any = data
    elif isinstance(data, (str, bytes, bytearray)):
        try:
            text = data.decode("utf-8-sig") if isinstance(data, (bytes, bytearray)) else data
            raw = json.loads(text)
        except UnicodeDecodeError as exc:
            return [make("NQ501", None, source=source, detail=f"not UTF-8: {exc}")]
        except json.JSONDecodeError as exc:
            return [make("NQ501", Span(exc.lineno), source=source,
                         detail=f"not JSON: {exc.msg} (column {exc.colno})")]
        lines = _json_lines(text)
    else:
        raise TypeError(f"validate_json() takes bytes, str or dict, not {type(data).__name__}")
    if not isinstance(raw, dict):
        return [make("NQ501", _line_of(lines, ()), source=source,
                     detail="a document must be a JSON object")]
    out: list[Diagnostic] = []
    version = str(raw.get("schema_version", ""))
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        out.append(make("NQ501", _line_of(lines, ("schema_version",)), source=source,
                        detail=f"unknown schema version {version!r} (this is {SCHEMA_VERSION})"))
    try:
        validator = _json_validator()
    except ImportError:  # jsonschema is optional: the model's own validation still runs
        validator = None
    if validator is not None:
        errors = sorted((found for e in validator.iter_errors(raw) for found in _explain(e)),
                        key=lambda pair: [str(p) for p in pair[0]])
        for path, message in errors[:_MAX_SCHEMA_ERRORS]:
            out.append(make("NQ501", _line_of(lines, path), source=source,
                            detail=f"{_where(path)}: {_short(message)}"))
        if len(errors) > _MAX_SCHEMA_ERRORS:
            out.append(make("NQ501", None, source=source,
                            detail=f"{len(errors) - _MAX_SCHEMA_ERRORS} more error(s)"))
    if not out:
        out.extend(_model_errors(raw, lines, source))
    return out


def _model_errors(raw: dict[str, Any], lines: dict[tuple[str | int, ...], int],
                  source: str) -> list[Diagnostic]:
    """What the JSON Schema cannot say (discriminated unions, frozen tuples) — via pydantic."""
    from pydantic import ValidationError

    from nghiquyet.model import Resolution

    try:
        Resolution.model_validate(raw)
    except ValidationError as exc:
        return [make("NQ501", _line_of(lines, [p for p in e["loc"] if isinstance(p, (str, int))]),
                     source=source, detail=f"{_where(e['loc'])}: {e['msg']}")
                for e in exc.errors()]
    return []


# --------------------------------------------------------------------------- AKN


class _PackageResolver(etree.Resolver):
    """Serves the XSD's ``xml.xsd`` import from the package: validation never goes online."""

    def resolve(self, url: str | None, pubid: str | None,  # type: ignore[override]
                context: Any) -> Any:
        name = (url or "").rsplit("/", 1)[-1]
        if name in ("xml.xsd", "akomantoso30.xsd"):
            data = files("nghiquyet").joinpath("schemas", "akn", name).read_bytes()
            return self.resolve_string(data, context, base_url=f"nghiquyet-akn/{name}")
        return None


@functools.cache
def akn_schema() -> etree.XMLSchema:
    """The strict OASIS Akoma Ntoso 3.0 schema, loaded once per process from the package."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_PackageResolver())
    data = files("nghiquyet").joinpath("schemas", "akn", "akomantoso30.xsd").read_bytes()
    document = etree.fromstring(data, parser, base_url="nghiquyet-akn/akomantoso30.xsd")
    return etree.XMLSchema(document)


def _parse_akn(data: bytes, source: str) -> tuple[etree._Element | None, list[Diagnostic]]:
    from nghiquyet.safexml import parse_xml

    try:
        root = parse_xml(data, max_bytes=DEFAULT_LIMITS.max_bytes, source=source)
    except UnsafeInputError as exc:
        return None, [make("NQ505", None, source=source, detail=exc.fields.get("detail", exc))]
    except LimitExceededError as exc:
        return None, [make("NQ105", None, source=source, detail=exc.fields.get("detail", exc))]
    except CorruptDocumentError as exc:
        cause = exc.__cause__
        line = getattr(cause, "lineno", None)
        message = getattr(cause, "msg", None) or str(exc)
        return None, [make("NQ506", Span(line) if line else None, source=source,
                           detail=message)]
    if root.getroottree().docinfo.doctype:  # type: ignore[attr-defined]
        return None, [make("NQ505", Span(1), source=source,
                           detail="a DOCTYPE (Akoma Ntoso documents never declare one)")]
    return root, []


def validate_akn(xml: bytes | str, *, source: str = "") -> list[Diagnostic]:
    """Check an Akoma Ntoso document: safe parse, strict XSD, then consistency checks.

    Returns NQ502/NQ503/NQ505/NQ506 (and NQ105) diagnostics; empty when valid.

    Example:
        >>> from nghiquyet import parse, to_akn  # doctest: +SKIP
        >>> doc = parse("NGHỊ QUYẾT\\nVề thử\\nĐiều 1. Thử.").document  # doctest: +SKIP
        >>> validate_akn(to_akn(doc))  # doctest: +SKIP
        []
    """
    if isinstance(xml, str):
        data = xml.encode("utf-8")
    elif isinstance(xml, (bytes, bytearray)):
        data = bytes(xml)
    else:
        raise TypeError(f"validate_akn() takes bytes or str, not {type(xml).__name__}")
    root, out = _parse_akn(data, source)
    if root is None:
        return out
    schema = akn_schema()
    if not schema.validate(root):
        errors: list[Any] = list(schema.error_log)  # type: ignore[call-overload]
        for error in errors[:_MAX_SCHEMA_ERRORS]:
            out.append(make("NQ502", Span(error.line) if error.line else None, source=source,
                            detail=error.message))
        if len(errors) > _MAX_SCHEMA_ERRORS:
            out.append(make("NQ502", None, source=source,
                            detail=f"{len(errors) - _MAX_SCHEMA_ERRORS} more error(s)"))
    out.extend(_consistency(root, source))
    return out


def _consistency(root: etree._Element, source: str) -> Iterator[Diagnostic]:
    """The checks the XSD cannot express (NQ503)."""

    def problem(element: etree._Element | None, detail: str) -> Diagnostic:
        line: int | None = getattr(element, "sourceline", None)
        return make("NQ503", Span(line) if line else None, source=source, detail=detail)

    ids: dict[str, etree._Element] = {}
    for element in root.iter():
        eid = element.get("eId") if isinstance(element.tag, str) else None
        if eid is None:
            continue
        if eid in ids:
            yield problem(element, f"duplicate eId {eid!r} (first on line {ids[eid].sourceline})")
        else:
            ids[eid] = element
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in _REFERENCE_ATTRIBUTES:
            for token in (element.get(attribute) or "").split():
                if token.startswith("#") and token[1:] not in ids:
                    yield problem(element, f"{attribute}={token!r} on "
                                           f"<{etree.QName(element).localname}> names no element")
    yield from _check_frbr(root, problem)


def _check_frbr(root: etree._Element, problem: Any) -> Iterator[Diagnostic]:
    from nghiquyet.writers.frbr import FrbrUri

    main_work: str | None = None
    for identification in root.iter(f"{{{_AKN}}}identification"):
        values: dict[str, tuple[etree._Element, str]] = {}
        for level in ("FRBRWork", "FRBRExpression", "FRBRManifestation"):
            for field in ("FRBRthis", "FRBRuri"):
                element = identification.find(f"{{{_AKN}}}{level}/{{{_AKN}}}{field}")
                if element is None:
                    yield problem(identification, f"{level}/{field} missing")
                    continue
                values[f"{level}/{field}"] = (element, element.get("value", ""))
        parsed: dict[str, FrbrUri] = {}
        for key, (element, value) in values.items():
            try:
                parsed[key] = FrbrUri.parse(value)
            except ValueError as exc:
                yield problem(element, str(exc))
        if len(values) < 6:
            continue
        work = values["FRBRWork/FRBRuri"][1]
        expression = values["FRBRExpression/FRBRuri"][1]
        rules = (
            ("FRBRWork/FRBRthis", work + "/!"),
            ("FRBRExpression/FRBRuri", work + "/"),
            ("FRBRExpression/FRBRthis", expression + "/!"),
            ("FRBRManifestation/FRBRuri", expression + "."),
            ("FRBRManifestation/FRBRthis", expression + "/!"),
        )
        for key, prefix in rules:
            element, value = values[key]
            if not value.startswith(prefix):
                yield problem(element, f"{key} {value!r} does not extend {prefix!r}")
        if "FRBRWork/FRBRuri" in parsed:
            uri = parsed["FRBRWork/FRBRuri"]
            country = identification.find(f"{{{_AKN}}}FRBRWork/{{{_AKN}}}FRBRcountry")
            if country is not None and country.get("value") != uri.country:
                yield problem(country, f"FRBRcountry {country.get('value')!r} is not the URI's "
                                       f"country {uri.country!r}")
        if "FRBRExpression/FRBRuri" in parsed:
            language = identification.find(f"{{{_AKN}}}FRBRExpression/{{{_AKN}}}FRBRlanguage")
            expected = parsed["FRBRExpression/FRBRuri"].language
            if language is not None and language.get("language") != expected:
                yield problem(language, f"FRBRlanguage {language.get('language')!r} is not the "
                                        f"URI's language {expected!r}")
        components = {p.component for k, p in parsed.items() if k.endswith("FRBRthis")}
        if len(components) > 1:
            yield problem(identification, f"FRBRthis values name different components "
                                          f"{sorted(components)}")
        if main_work is None:
            main_work = work
        elif work != main_work:
            yield problem(values["FRBRWork/FRBRuri"][0],
                          f"attachment Work {work!r} is not the document's Work {main_work!r}")


# --------------------------------------------------------------------------- raising forms


def _raise(diagnostics: list[Diagnostic], what: str) -> None:
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors:
        lines = "\n".join(d.format() for d in errors[:20])
        more = f"\n… {len(errors) - 20} more" if len(errors) > 20 else ""
        raise SchemaError(f"{what} is not valid ({len(errors)} error(s)):\n{lines}{more}",
                          code=errors[0].code)


def assert_valid_json(data: bytes | str | dict[str, Any], *, source: str = "") -> None:
    """Raise :class:`~nghiquyet.errors.SchemaError` unless :func:`validate_json` finds nothing."""
    _raise(validate_json(data, source=source), "JSON")


def assert_valid_akn(xml: bytes | str, *, source: str = "") -> None:
    """Raise :class:`~nghiquyet.errors.SchemaError` (code of the first problem) unless
    :func:`validate_akn` finds nothing [cobalt ``assert_validates``]."""
    _raise(validate_akn(xml, source=source), "AKN")


# --------------------------------------------------------------------------- files


def validate_file(path: str | Path, *,
                  max_bytes: int = DEFAULT_LIMITS.max_bytes) -> list[Diagnostic]:
    """Validate one output file, JSON or AKN, told apart by its first character."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return [make("NQ105", None, source=name, detail=f"{size} bytes > {max_bytes}")]
        data = path.read_bytes()
    except OSError as exc:
        return [make("NQ103", None, source=name, detail=exc.strerror or str(exc))]
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return validate_akn(data, source=name)
    if head.startswith((b"{", b"[")):
        return validate_json(data, source=name)
    return [make("NQ104", None, source=name, detail="neither JSON nor XML")]


def validate_files(paths: Iterable[str | Path]) -> list[Diagnostic]:
    """Validate output files (JSON or AKN, picked by content); all diagnostics, in order.

    For ``nghiquyet validate FILE...``: exit 1 when any diagnostic is an error.
    """
    out: list[Diagnostic] = []
    for path in paths:
        out.extend(validate_file(path))
    return out
