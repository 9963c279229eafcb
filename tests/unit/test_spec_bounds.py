"""The bounds and enums of amnimo_async/openapi.yaml hold in the endpoint modules.

Integer ranges, string and array lengths, enums, uuids and timestamps are read from the spec's
parameter and body schemas: a value just inside is sent, one just outside is refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from amnimo_async import ValidationError

from ._spec_operations import SpecParam, build, params_where, resolve, spec_pairs, spec_params, wire_values

# --- bounds from the spec ------------------------------------------------------------------------


def _bounds(kind: str, low: str, high: str) -> list[Any]:
    """pytest params (operation_id, param, inside, outside) for each ``low``/``high`` bound the spec
    gives a parameter of type ``kind``."""
    return [
        pytest.param(op_id, p, p.schema[key], p.schema[key] + sign, id=f"{op_id}-{p.wire}-{key}")
        for op_id, p in spec_pairs(lambda p: p.schema.get("type") == kind)
        for key, sign in ((low, -1), (high, +1))
        if key in p.schema
    ]


INTEGER_BOUNDS = _bounds("integer", "minimum", "maximum")


def test_the_spec_has_the_integer_bounds_the_api_documents() -> None:
    """Guards the table above from silently shrinking."""
    assert len(INTEGER_BOUNDS) >= 20


@pytest.mark.parametrize(("operation_id", "param", "inside", "outside"), INTEGER_BOUNDS)
def test_integer_bounds(operation_id: str, param: SpecParam, inside: int, outside: int) -> None:
    python = param.python(operation_id)
    request = build(operation_id, **{python: inside})
    assert wire_values(request, param) == [str(inside) if param.location == "query" else inside]
    with pytest.raises(ValidationError) as info:
        build(operation_id, **{python: outside})
    assert info.value.argument == python
    assert str(outside) in str(info.value)


@pytest.mark.parametrize(
    ("operation_id", "param", "inside", "outside"), _bounds("string", "minLength", "maxLength")
)
def test_string_length_bounds(operation_id: str, param: SpecParam, inside: int, outside: int) -> None:
    python = param.python(operation_id)
    build(operation_id, **{python: "a" * inside})
    with pytest.raises(ValidationError) as info:
        build(operation_id, **{python: "a" * outside})
    assert info.value.argument == python


@pytest.mark.parametrize(
    ("operation_id", "param"),
    params_where(lambda p: p.schema.get("type") == "array" and "maxItems" in p.schema),
)
def test_array_length_bounds(operation_id: str, param: SpecParam) -> None:
    python = param.python(operation_id)
    ids = [f"{i:08x}-0a88-45be-9cfc-{i:012x}" for i in range(1, param.schema["maxItems"] + 2)]
    low, high = param.schema["minItems"], param.schema["maxItems"]
    assert len(wire_values(build(operation_id, **{python: ids[:low]}), param)) == low
    assert len(wire_values(build(operation_id, **{python: ids[:high]}), param)) == high
    for count in (low - 1, high + 1):
        with pytest.raises(ValidationError) as info:
            build(operation_id, **{python: ids[:count]})
        assert info.value.argument == python


def _companions(operation_id: str, wire: str, value: Any) -> dict[str, Any]:
    """Arguments left out because ``wire`` takes ``value``: those the spec's ``x-present-when``
    allows only with another value of it (resetTimer only with action 2)."""
    return {
        p.python(operation_id): None
        for p in spec_params(operation_id)
        if wire in p.schema.get("x-present-when", {}) and p.schema["x-present-when"][wire] != value
    }


@pytest.mark.parametrize(("operation_id", "param"), params_where(lambda p: "enum" in p.schema))
def test_enums_accept_every_listed_value_and_nothing_else(operation_id: str, param: SpecParam) -> None:
    python = param.python(operation_id)
    for value in param.schema["enum"]:
        changes = {python: value, **_companions(operation_id, param.wire, value)}
        assert wire_values(build(operation_id, **changes), param) == [value]
    listed = param.schema["enum"]
    near = (
        [max(listed) + 1, min(listed) - 1]
        if param.schema.get("type") == "integer"
        else [listed[0].swapcase()]
    )
    for value in ("NOT_LISTED", *near):
        with pytest.raises(ValidationError) as info:
            build(operation_id, **{python: value})
        assert info.value.argument == python


@pytest.mark.parametrize(
    ("operation_id", "param"),
    params_where(lambda p: p.schema.get("type") == "array" and "enum" in resolve(p.schema["items"])),
)
def test_enum_arrays_refuse_unlisted_items(operation_id: str, param: SpecParam) -> None:
    python = param.python(operation_id)
    listed = resolve(param.schema["items"])["enum"]
    assert wire_values(build(operation_id, **{python: listed}), param) == [listed]
    with pytest.raises(ValidationError) as info:
        build(operation_id, **{python: [*listed, "NOT_LISTED"]})
    assert info.value.argument.startswith(python)


@pytest.mark.parametrize(("operation_id", "param"), params_where(lambda p: p.schema.get("format") == "uuid"))
def test_uuid_parameters_refuse_non_uuids(operation_id: str, param: SpecParam) -> None:
    python = param.python(operation_id)
    with pytest.raises(ValidationError) as info:
        build(operation_id, **{python: "not-a-uuid"})
    assert info.value.argument == python


@pytest.mark.parametrize(
    ("operation_id", "param"), params_where(lambda p: "pattern" in p.schema or "oneOf" in p.schema)
)
def test_timestamp_parameters_refuse_naive_datetimes(operation_id: str, param: SpecParam) -> None:
    python = param.python(operation_id)
    with pytest.raises(ValidationError) as info:
        build(operation_id, **{python: datetime(2025, 2, 2, 15)})
    assert info.value.argument == python
