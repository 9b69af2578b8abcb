"""JSON writer and loader: the model as UTF-8 JSON (indent 2, trailing newline)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from nghiquyet.errors import SchemaError
from nghiquyet.model import SCHEMA_VERSION, Resolution


def to_json(document: Resolution) -> str:
    """Serialise a document: deterministic, non-ASCII kept, ``None`` fields left out.

    ``exclude_defaults`` is never used: it would drop the ``kind`` tags of union members.
    """
    return document.model_dump_json(indent=2, exclude_none=True) + "\n"


def from_json(data: str | bytes) -> Resolution:
    """Load a document written by :func:`to_json`.

    Raises:
        SchemaError: not JSON, an unknown schema major version, or not a valid document.
    """
    try:
        raw: Any = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SchemaError(f"not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise SchemaError("a document must be a JSON object")
    version = str(raw.get("schema_version", ""))
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise SchemaError(f"unknown schema version {version!r} (this is {SCHEMA_VERSION})")
    try:
        return Resolution.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(str(p) for p in first["loc"])
        raise SchemaError(f"invalid document at {where or '/'}: {first['msg']}"
                          f" ({exc.error_count()} error(s))") from None


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the serialised model."""
    schema = Resolution.model_json_schema(mode="serialization")
    _describe_fields(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://nghiquyet.invalid/schemas/nghiquyet.schema.json"
    return schema


def _describe_fields(schema: dict[str, Any]) -> None:
    """Give each property the docstring written under its field (see :class:`Node`)."""
    from nghiquyet import model, source

    docs = model.field_docstrings(model, source)
    classes = {**{name: cls for name, cls in vars(model).items() if isinstance(cls, type)},
               "Span": source.Span}
    for name, definition in [("Resolution", schema), *schema.get("$defs", {}).items()]:
        cls = classes.get(name)
        for field, prop in definition.get("properties", {}).items():
            for base in cls.__mro__ if cls is not None else ():
                doc = docs.get(base.__name__, {}).get(field)
                if doc is not None:
                    prop.setdefault("description", doc)
                    break


def json_schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
