"""Request validation: query parameters, path ids and JSON bodies, each error a 400 naming it.

Strict mode (the default) is what the fake promises SDK authors: unknown parameters and body
fields, loose timestamps (anything but ``yyyy-mm-ddTHH:MM:SS.SSSZ``), loose booleans (anything
but ``true``/``false``) and malformed uuids are all rejected. Lenient mode accepts them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from ._errors import ApiError
from ._timestamps import WIRE_FORMAT, parse_timestamp

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_INTEGER = re.compile(r"^-?[0-9]+$")
INT32_MAX = 2**31 - 1

Kind = Literal["int", "bool", "timestamp", "uuid", "str", "dt"]


def invalid(name: str, reason: str, where: str = "query", **extra: Any) -> ApiError:
    """A 400 whose message and details name the parameter ``name``."""
    detail: dict[str, Any] = {"field": name, "in": where, "reason": reason}
    detail.update(extra)
    return ApiError(400, f"Validation Error: {name} {reason}", [detail])


def is_uuid(text: str) -> bool:
    """Whether ``text`` is a canonical 8-4-4-4-12 uuid (any case)."""
    return bool(_UUID.match(text))


def _range_reason(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"must be an integer between {minimum} and {maximum}"
    if minimum is not None:
        return f"must be an integer >= {minimum}"
    return "must be an integer"


def _range_extra(minimum: int | None, maximum: int | None) -> dict[str, int]:
    extra = {}
    if minimum is not None:
        extra["minimum"] = minimum
    if maximum is not None:
        extra["maximum"] = maximum
    return extra


@attrs.frozen
class Param:
    """A query parameter: its wire name, kind, range, default, and repetition rules."""

    name: str
    kind: Kind
    minimum: int | None = None
    maximum: int | None = None
    required: bool = False
    default: Any = None
    repeatable: bool = False
    max_items: int | None = None


@attrs.frozen
class Query:
    """Parsed query parameters: ``values`` (defaults filled in) and the names actually ``given``."""

    values: Mapping[str, Any]
    given: frozenset[str]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def _convert(param: Param, raw: str, strict: bool, where: str = "query") -> Any:
    name = param.name
    if param.kind == "int":
        if _INTEGER.match(raw.strip() if not strict else raw) and len(raw.strip()) <= 30:
            value = int(raw)
        elif not strict and re.match(r"^-?[0-9]+\.0*$", raw.strip()):
            value = int(float(raw))
        else:
            raise invalid(
                name,
                _range_reason(param.minimum, param.maximum),
                where,
                value=raw,
                **_range_extra(param.minimum, param.maximum),
            )
        if (param.minimum is not None and value < param.minimum) or (
            param.maximum is not None and value > param.maximum
        ):
            raise invalid(
                name,
                _range_reason(param.minimum, param.maximum),
                where,
                value=raw,
                **_range_extra(param.minimum, param.maximum),
            )
        return value
    if param.kind == "bool":
        text = raw if strict else raw.strip().lower()
        if text in ("true", "false"):
            return text == "true"
        if not strict and text in ("1", "0", "yes", "no"):
            return text in ("1", "yes")
        raise invalid(name, "must be true or false", where, value=raw)
    if param.kind == "timestamp":
        moment = parse_timestamp(raw, strict=strict)
        if moment is None:
            raise invalid(name, f"must be a UTC timestamp {WIRE_FORMAT}", where, value=raw)
        return moment
    if param.kind == "dt":
        if raw == "live" or (not strict and raw.lower() == "live"):
            return "live"
        if parse_timestamp(raw, strict=strict) is None:
            raise invalid(name, f"must be 'live' or a UTC timestamp {WIRE_FORMAT}", where, value=raw)
        return raw
    if param.kind == "uuid":
        if not is_uuid(raw):
            if strict:
                raise invalid(name, "must be a uuid", where, value=raw)
            return raw
        return raw.lower()
    if not raw:
        raise invalid(name, "must not be empty", where)
    return raw


def parse_query(items: Sequence[tuple[str, str]], params: Sequence[Param], *, strict: bool) -> Query:
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
            if param.default is not None:
                values[param.name] = param.default
            continue
        if param.repeatable:
            if param.max_items is not None and len(given) > param.max_items:
                raise invalid(
                    param.name,
                    f"may be given at most {param.max_items} times",
                    maxItems=param.max_items,
                    count=len(given),
                )
            values[param.name] = [_convert(param, item, strict) for item in given]
        else:
            if len(given) > 1:
                raise invalid(param.name, "must be given once")
            values[param.name] = _convert(param, given[0], strict)
    return Query(values=values, given=frozenset(raw))


def check_path_uuid(name: str, value: str, *, strict: bool) -> str | None:
    """A path id in lower case; None (so: 404) for a malformed one in lenient mode."""
    if is_uuid(value):
        return value.lower()
    if strict:
        raise invalid(name, "must be a uuid", "path", value=value)
    return None


# --- JSON bodies ----------------------------------------------------------------------------


def parse_json_body(raw: bytes, content_type: str | None, *, strict: bool) -> dict[str, Any]:
    """The JSON object of a request body; 400 if it is missing, not JSON, or not an object."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if strict and media_type != "application/json":
        raise invalid("Content-Type", "must be application/json", "header", value=content_type or "")
    if not raw.strip():
        raise invalid("body", "is required (a JSON object)", "body")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise invalid("body", "must be valid JSON", "body") from None
    if not isinstance(body, dict):
        raise invalid("body", "must be a JSON object", "body")
    return body


@attrs.frozen
class Field:
    """A JSON body field: wire name, kind, allowed values or range, and whether it is required."""

    name: str
    kind: Literal["int", "str", "enum", "timestamp", "enum_list", "object"]
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()


def _is_int(value: Any, strict: bool) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return not strict and isinstance(value, float) and value.is_integer()


def _field_value(field: Field, value: Any, path: str, strict: bool) -> Any:
    if field.kind == "int":
        if not _is_int(value, strict) or (
            (field.minimum is not None and value < field.minimum)
            or (field.maximum is not None and value > field.maximum)
        ):
            raise invalid(
                path,
                _range_reason(field.minimum, field.maximum),
                "body",
                value=value,
                **_range_extra(field.minimum, field.maximum),
            )
        return int(value)
    if field.kind == "str":
        if not isinstance(value, str):
            raise invalid(path, "must be a string", "body", value=value)
        low = field.minimum or 0
        if len(value) < low or (field.maximum is not None and len(value) > field.maximum):
            raise invalid(
                path,
                f"must be {low} to {field.maximum} characters long",
                "body",
                minLength=low,
                maxLength=field.maximum,
            )
        return value
    if field.kind == "enum":
        if value not in field.choices:
            raise invalid(
                path,
                f"must be one of {', '.join(field.choices)}",
                "body",
                value=value,
                allowed=list(field.choices),
            )
        return value
    if field.kind == "timestamp":
        moment = parse_timestamp(value, strict=strict) if isinstance(value, str) else None
        if moment is None:
            raise invalid(path, f"must be a UTC timestamp {WIRE_FORMAT}", "body", value=value)
        return moment
    if field.kind == "enum_list":
        if not isinstance(value, list):
            raise invalid(path, "must be an array", "body", value=value)
        for item in value:
            if item not in field.choices:
                raise invalid(
                    path,
                    f"items must be one of {', '.join(field.choices)}",
                    "body",
                    value=item,
                    allowed=list(field.choices),
                )
        return value
    if not isinstance(value, dict):
        raise invalid(path, "must be a JSON object", "body")
    return check_body(value, field.fields, strict=strict, prefix=f"{path}.")


def check_body(
    body: Mapping[str, Any], fields: Sequence[Field], *, strict: bool, prefix: str = ""
) -> dict[str, Any]:
    """Check a JSON object against ``fields``; answers the converted values of given fields."""
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
    return values
