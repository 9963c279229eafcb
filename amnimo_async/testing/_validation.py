"""Request validation from the operation table (``amnimo_async._operations``): query parameters,
path ids, form and JSON bodies, each error a 400 naming the parameter.

Strict mode (the default) is what the fake promises SDK authors: unknown parameters and body
fields, loose timestamps (anything but ``yyyy-mm-ddTHH:MM:SS.SSSZ`` naming a real date), loose
booleans (anything but ``true``/``false``) and malformed uuids are all rejected. Lenient mode
accepts them. In both, an integer body field may be written as an integral JSON number (``3.0``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

import attrs

from .._spec import Parameter, Schema
from ._errors import ApiError
from ._timestamps import WIRE_FORMAT, parse_timestamp

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_INTEGER = re.compile(r"^-?[0-9]+$")
_LOOSE_INTEGER = re.compile(r"^-?[0-9]+\.0*$")
MAX_DIGITS = 4000  # Python refuses to read longer integers (sys.get_int_max_str_digits)


def invalid(name: str, reason: str, where: str = "query", **extra: Any) -> ApiError:
    """A 400 whose message and details name the parameter ``name``."""
    detail: dict[str, Any] = {"field": name, "in": where, "reason": reason}
    detail.update(extra)
    return ApiError(400, f"Validation Error: {name} {reason}", [detail])


def is_uuid(text: str) -> bool:
    """Whether ``text`` is a canonical 8-4-4-4-12 uuid (any case)."""
    return bool(_UUID.match(text))


def _range(schema: Schema) -> tuple[str, dict[str, int]]:
    """The reason an integer is refused, and its bounds for the details."""
    bounds = {k: v for k, v in (("minimum", schema.minimum), ("maximum", schema.upper)) if v is not None}
    if "minimum" in bounds and "maximum" in bounds:
        return f"must be an integer between {bounds['minimum']} and {bounds['maximum']}", bounds
    if "minimum" in bounds:
        return f"must be an integer >= {bounds['minimum']}", bounds
    return "must be an integer", bounds


def _integer(name: str, number: int | None, raw: Any, schema: Schema, where: str) -> int:
    """``number`` (``raw`` read as an integer, None if it is not one) within the schema's range."""
    reason, bounds = _range(schema)
    low, high = schema.minimum, schema.upper
    if number is None or (low is not None and number < low) or (high is not None and number > high):
        raise invalid(name, reason, where, value=raw, **bounds)
    return number


def _timestamp(name: str, raw: Any, schema: Schema, strict: bool, where: str) -> Any:
    """Epoch seconds of a wire timestamp, or one of the schema's literal words (``live``)."""
    for word in schema.literals:
        if raw == word or (not strict and isinstance(raw, str) and raw.lower() == word):
            return word
    moment = parse_timestamp(raw, strict=strict) if isinstance(raw, str) else None
    if moment is None:
        words = "".join(f"'{word}' or " for word in schema.literals)
        raise invalid(name, f"must be {words}a UTC timestamp {WIRE_FORMAT}", where, value=raw)
    return raw if schema.literals else moment


# --- query parameters and path ids -----------------------------------------------------------


@attrs.frozen
class Query:
    """Parsed query parameters: ``values`` (defaults filled in) and the names actually ``given``."""

    values: Mapping[str, Any]
    given: frozenset[str]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def _query_value(name: str, schema: Schema, raw: str, strict: bool) -> Any:
    if schema.kind == "integer":
        text = raw if strict else raw.strip()
        number = None
        if len(text) <= MAX_DIGITS and (_INTEGER.match(text) or (not strict and _LOOSE_INTEGER.match(text))):
            number = int(text.split(".")[0])
        return _integer(name, number, raw, schema, "query")
    if schema.kind == "boolean":
        text = raw if strict else raw.strip().lower()
        if text in ("true", "false"):
            return text == "true"
        if not strict and text in ("1", "0", "yes", "no"):
            return text in ("1", "yes")
        raise invalid(name, "must be true or false", value=raw)
    if schema.kind == "timestamp":
        return _timestamp(name, raw, schema, strict, "query")
    if schema.kind == "uuid":
        if not is_uuid(raw):
            if strict:
                raise invalid(name, "must be a uuid", value=raw)
            return raw
        return raw.lower()
    if not raw:
        raise invalid(name, "must not be empty")
    return raw


def parse_query(items: Sequence[tuple[str, str]], params: Sequence[Parameter], *, strict: bool) -> Query:
    """Check the query string against ``params``; 400 on the first problem."""
    known = {param.name: param for param in params}
    raw: dict[str, list[str]] = {}
    for key, value in items:
        if key not in known:
            if strict:
                raise invalid(key, "is not a known parameter", allowed=sorted(known))
            continue
        raw.setdefault(key, []).append(value)
    values: dict[str, Any] = {}
    for param in params:
        given = raw.get(param.name)
        if not given:
            if param.required:
                raise invalid(param.name, "is required")
            if param.schema.default is not None:
                values[param.name] = param.schema.default
            continue
        schema = param.schema
        if schema.kind == "array" and schema.items is not None:
            if schema.max_items is not None and len(given) > schema.max_items:
                raise invalid(
                    param.name,
                    f"may be given at most {schema.max_items} times",
                    maxItems=schema.max_items,
                    count=len(given),
                )
            values[param.name] = [_query_value(param.name, schema.items, item, strict) for item in given]
        else:
            if len(given) > 1:
                raise invalid(param.name, "must be given once")
            values[param.name] = _query_value(param.name, schema, given[0], strict)
    query = Query(values=values, given=frozenset(raw))
    _check_together(params, query.values, query.given, "query")
    return query


def _check_together(
    params: Sequence[Parameter], values: Mapping[str, Any], given: frozenset[str] | set[str], where: str
) -> None:
    """The rules between parameters: ``x-exclusive-with``, ``x-not-before``, ``x-present-when``."""
    for param in params:
        name = param.name
        conflicts = sorted(given & set(param.exclusive_with)) if name in given else []
        if conflicts:
            others = " or ".join(param.exclusive_with)
            raise invalid(name, f"must be given alone, without {others}", where, conflicts=conflicts)
        start = param.not_before
        if start is not None and name in given and start in given and values[name] < values[start]:
            raise invalid(name, f"must not be before {start}", where)
        if param.present_when is not None:
            field, wanted = param.present_when
            label = _choice_label(next(p for p in params if p.name == field).schema, wanted)
            if values.get(field) == wanted and name not in given:
                raise invalid(name, f"is required when {field} is {label}", where)
            if values.get(field) != wanted and name in given:
                raise invalid(name, f"is only allowed when {field} is {label}", where)


def check_path(params: Sequence[Parameter], raw: Mapping[str, str], *, strict: bool) -> dict[str, str | None]:
    """The path ids, uuids in lower case; None (so: 404) for a malformed uuid in lenient mode."""
    ids: dict[str, str | None] = {}
    for param in params:
        value = raw[param.name]
        if param.schema.kind != "uuid":
            ids[param.name] = value
        elif is_uuid(value):
            ids[param.name] = value.lower()
        elif strict:
            raise invalid(param.name, "must be a uuid", "path", value=value)
        else:
            ids[param.name] = None
    return ids


# --- bodies ---------------------------------------------------------------------------------


def parse_json_body(raw: bytes, content_type: str | None, *, strict: bool) -> dict[str, Any]:
    """The JSON object of a request body; 400 if it is missing, not JSON, or not an object."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if strict and media_type != "application/json":
        raise invalid("Content-Type", "must be application/json", "header", value=content_type or "")
    if not raw.strip():
        raise invalid("body", "is required (a JSON object)", "body")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise invalid("body", "must be valid JSON", "body") from None
    if not isinstance(body, dict):
        raise invalid("body", "must be a JSON object", "body")
    return body


def parse_form_body(raw: bytes, content_type: str | None) -> dict[str, Any]:
    """A form body (``application/x-www-form-urlencoded``) as a mapping, a repeated field as a list."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        raise invalid(
            "Content-Type", "must be application/x-www-form-urlencoded", "header", value=content_type or ""
        )
    try:
        pairs = parse_qsl(raw.decode(), keep_blank_values=True, strict_parsing=bool(raw))
    except (ValueError, UnicodeDecodeError):
        raise invalid("body", "must be a form (application/x-www-form-urlencoded)", "body") from None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in fields.items()}


def _choice_label(schema: Schema, value: Any) -> str:
    """``2 (reset)`` for a named enum value, else the value."""
    if value in schema.choices and schema.choice_names:
        return f"{value} ({schema.choice_names[schema.choices.index(value)].lower()})"
    return str(value)


def _as_integer(value: Any) -> int | None:
    """An integer JSON value as an int (an integral number such as ``3.0`` too); None if not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _choice(path: str, value: Any, schema: Schema) -> Any:
    """One of the schema's choices (integers may be written ``2.0``)."""
    integers = all(isinstance(c, int) for c in schema.choices)
    found = _as_integer(value) if integers else value if isinstance(value, str) else None
    if found is not None and found in schema.choices:
        return found
    labels = [_choice_label(schema, c) for c in schema.choices]
    if schema.kind == "const":
        reason = f"must be {labels[0]}"
    elif integers:
        reason = "must be one of the integers " + ", ".join(labels[:-1]) + f" or {labels[-1]}"
    else:
        reason = f"must be one of {', '.join(labels)}"
    raise invalid(path, reason, "body", value=value, allowed=list(schema.choices))


def _field_value(field: Parameter, value: Any, path: str, strict: bool) -> Any:
    schema = field.schema
    if schema.kind == "integer":
        return _integer(path, _as_integer(value), value, schema, "body")
    if schema.kind == "string":
        if not isinstance(value, str):
            raise invalid(path, "must be a string", "body", value=value)
        low, high = schema.min_length or 0, schema.max_length
        if len(value) < low or (high is not None and len(value) > high):
            reason = f"must be {low} to {high} characters long" if high else f"must be at least {low} long"
            raise invalid(path, reason, "body", minLength=low, maxLength=high)
        return value
    if schema.kind in ("enum", "const"):
        return _choice(path, value, schema)
    if schema.kind == "timestamp":
        return _timestamp(path, value, schema, strict, "body")
    if schema.kind == "array" and schema.items is not None:
        if not isinstance(value, list):
            raise invalid(path, "must be an array", "body", value=value)
        return [_field_value(attrs.evolve(field, schema=schema.items), item, path, strict) for item in value]
    if not isinstance(value, dict):
        raise invalid(path, "must be a JSON object", "body")
    return check_body(value, schema.fields, strict=strict, prefix=f"{path}.")


def check_body(
    body: Mapping[str, Any], fields: Sequence[Parameter], *, strict: bool, prefix: str = ""
) -> dict[str, Any]:
    """Check a JSON object (or form) against ``fields``; answers the converted values of given fields."""
    known = {field.name: field for field in fields}
    if strict:
        for key in body:
            if key not in known:
                raise invalid(f"{prefix}{key}", "is not a known field", "body", allowed=sorted(known))
    values: dict[str, Any] = {}
    for field in fields:
        path = f"{prefix}{field.name}"
        if field.name not in body or (body[field.name] is None and not strict):
            if field.required:
                raise invalid(path, "is required", "body")
            continue
        values[field.name] = _field_value(field, body[field.name], path, strict)
    _check_together(fields, values, set(values), "body")
    return values
