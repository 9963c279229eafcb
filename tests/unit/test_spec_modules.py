"""The OpenAPI description (amnimo_async/openapi.yaml) is the source of truth for the endpoint modules.

Read from the spec: which operations exist, their method, path, tag and ``x-idempotent``, their
parameters and body fields with requiredness and defaults, and the ``required`` lists of the
answer schemas. The modules under ``amnimo_async/api`` must agree (their bounds and enums:
test_spec_bounds.py).
"""

from __future__ import annotations

import inspect
import re
import typing
from typing import Any

import attrs
import pytest

from amnimo_async._converter import wire_name

from ._spec_operations import (
    ANSWER_MODELS,
    FIXED_BY_SDK,
    MODEL_SCHEMAS,
    MODULES,
    OPERATIONS,
    SDK_DEFAULTS_FOR_REQUIRED,
    SPEC,
    T1,
    T1_WIRE,
    VALID_ARGS,
    SpecParam,
    answer_key,
    build,
    endpoint_of,
    module_of,
    params_where,
    python_args,
    resolve,
    snake,
    spec_params,
    success_answer,
    wire_values,
)
from .conftest import CAMERA, SUB

# --- operations and modules ----------------------------------------------------------------------


def test_every_spec_operation_has_exactly_one_module_and_no_module_is_extra() -> None:
    assert set(MODULES) == set(OPERATIONS)
    assert {op: len(mods) for op, mods in MODULES.items() if len(mods) != 1} == {}
    assert len(OPERATIONS) == 19


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_module_matches_the_spec_operation(operation_id: str) -> None:
    spec = OPERATIONS[operation_id]
    module = module_of(operation_id)
    (tag,) = spec.body["tags"]
    assert module.__name__ == f"amnimo_async.api.{tag}.{snake(operation_id)}"
    operation = module.OPERATION
    assert operation.method == spec.method
    assert operation.path == spec.path
    assert operation.idempotent is spec.body["x-idempotent"]
    security = spec.body.get("security", SPEC["security"])
    assert operation.auth == ("basic" if security == [{"basicAuth": []}] else "bearer")
    # The uniform public surface of a generated-style module.
    assert module.endpoint.operation is operation
    assert module.endpoint.build is module._get_kwargs
    assert module.asyncio is module.endpoint.asyncio
    assert module.asyncio_detailed is module.endpoint.asyncio_detailed
    assert next(iter(inspect.signature(module.asyncio).parameters)) == "client"


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_build_fills_the_spec_path(operation_id: str) -> None:
    request = build(operation_id)
    path_values = {
        p.wire: VALID_ARGS[operation_id][p.python(operation_id)]
        for p in spec_params(operation_id)
        if p.location == "path"
    }
    expected = OPERATIONS[operation_id].path
    for name, value in path_values.items():
        expected = expected.replace("{" + name + "}", value)
    assert request.path == expected
    assert "{" not in request.path


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_answer_is_parsed_into_the_schema_model(operation_id: str) -> None:
    returns = typing.get_type_hints(endpoint_of(operation_id).parse)["return"]
    status, schema = success_answer(operation_id)
    if schema is None:
        assert status == 204
        assert returns is type(None)
        return
    assert status == 200
    assert returns == ANSWER_MODELS[answer_key(schema)]


# --- arguments -----------------------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_spec_parameters_and_python_arguments_correspond(operation_id: str) -> None:
    spec_names = {
        p.python(operation_id)
        for p in spec_params(operation_id)
        if (operation_id, p.wire) not in FIXED_BY_SDK
    }
    assert set(python_args(operation_id)) == spec_names


def test_fixed_fields_are_what_the_sdk_sends() -> None:
    for (operation_id, wire), value in FIXED_BY_SDK.items():
        (param,) = [p for p in spec_params(operation_id) if p.wire == wire]
        assert param.schema.get("const") == value
        request = build(operation_id)
        assert request.form == {wire: value}


@pytest.mark.parametrize(("operation_id", "param"), params_where(lambda p: True))
def test_requiredness_and_defaults_follow_the_spec(operation_id: str, param: SpecParam) -> None:
    python = param.python(operation_id)
    argument = python_args(operation_id)[python]
    if param.required:
        if (operation_id, python) in SDK_DEFAULTS_FOR_REQUIRED:
            assert argument.default == SDK_DEFAULTS_FOR_REQUIRED[operation_id, python]
        else:
            assert argument.default is inspect.Parameter.empty, f"{python} is required by the spec"
    else:
        assert argument.default is not inspect.Parameter.empty, f"{python} is optional in the spec"
        if "default" in param.schema:
            assert argument.default == param.schema["default"]
            assert type(argument.default) is type(param.schema["default"])
        else:
            assert argument.default is None


def test_sdk_defaults_for_required_parameters_are_in_range() -> None:
    for (operation_id, python), value in SDK_DEFAULTS_FOR_REQUIRED.items():
        (param,) = [p for p in spec_params(operation_id) if p.python(operation_id) == python]
        assert param.required
        assert param.schema.get("minimum", value) <= value <= param.schema.get("maximum", value)


def _sample(param: SpecParam) -> tuple[Any, Any]:
    """A valid Python value for ``param`` (not its default) and what should go on the wire."""
    schema = param.schema
    if schema.get("type") == "integer":
        known = schema.get("enum")
        value = max(known) if known else schema.get("maximum", schema.get("minimum", 0) + 7)
        return value, (str(value) if param.location == "query" else value)
    if schema.get("type") == "boolean":
        return False, "false"
    if "pattern" in schema:  # WireTimestamp
        return T1, T1_WIRE
    if "enum" in schema:
        return schema["enum"][0], schema["enum"][0]
    if "oneOf" in schema:  # dt: "live" or a timestamp
        return T1, T1_WIRE
    if schema.get("type") == "array":
        items = resolve(schema["items"])
        if items.get("format") == "uuid":
            return [CAMERA, SUB], [CAMERA, SUB]
        return list(reversed(items["enum"])), list(reversed(items["enum"]))
    assert schema.get("type") == "string", schema
    return "x" * schema.get("maxLength", 5), "x" * schema.get("maxLength", 5)


@pytest.mark.parametrize(("operation_id", "param"), params_where(lambda p: p.location in ("query", "body")))
def test_each_argument_goes_out_under_its_spec_name(operation_id: str, param: SpecParam) -> None:
    value, wire = _sample(param)
    python = param.python(operation_id)
    changes = {python: value}
    if python == "start_time" and "end_time" in python_args(operation_id):
        changes["end_time"] = T1
    request = build(operation_id, **changes)
    carried = wire_values(request, param)
    assert carried == (wire if isinstance(wire, list) and param.location == "query" else [wire])
    if "pattern" in param.schema:
        assert all(re.fullmatch(param.schema["pattern"], v) for v in carried)


# --- answer models -------------------------------------------------------------------------------


@pytest.mark.parametrize(("schema_name", "model"), sorted(MODEL_SCHEMAS.items()))
def test_model_required_fields_follow_the_schema(schema_name: str, model: type) -> None:
    schema = SPEC["components"]["schemas"][schema_name]
    fields = [f for f in attrs.fields(model) if not f.metadata.get("extra")]
    required = {wire_name(f) for f in fields if f.default is attrs.NOTHING}
    assert required == set(schema.get("required", []))
    # and the model knows every documented field, and no undocumented one
    assert {wire_name(f) for f in fields} == set(schema["properties"])
