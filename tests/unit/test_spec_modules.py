"""The OpenAPI description (amnimo_async/openapi.yaml) is the source of truth for the endpoint modules.

Everything below is read from the spec: which operations exist, their method, path, tag and
``x-idempotent``, their parameters and body fields with requiredness, defaults and bounds, and the
``required`` lists of the answer schemas. The modules under ``amnimo_async/api`` must agree.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import typing
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest
import yaml

import amnimo_async
import amnimo_async.api
from amnimo_async import (
    Account,
    Camera,
    CameraPage,
    ExternalDeviceList,
    ExternalDevicePage,
    HistorySpan,
    HlsResult,
    HlsSession,
    Media,
    PageSummary,
    Peripheral,
    PeripheralList,
    PortOperationResult,
    Thumbnail,
    ThumbnailList,
    TokenGrant,
    ValidationError,
)
from amnimo_async._converter import wire_name
from amnimo_async._endpoint import Endpoint
from amnimo_async._request import Operation, Request

from .conftest import ACCOUNT, CAMERA, DEVICE, MEDIA_ID, REQUEST_ID, SUB

SPEC_PATH = Path(amnimo_async.__file__).parent / "openapi.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
HTTP_METHODS = ("get", "put", "post", "delete", "patch")

UTC = timezone.utc
T0 = datetime(2025, 2, 2, 0, 0, tzinfo=UTC)
T1 = datetime(2025, 2, 2, 15, 30, 0, 250000, tzinfo=timezone(timedelta(hours=9)))  # 06:30:00.250Z
T1_WIRE = "2025-02-02T06:30:00.250Z"

# Arguments that are valid together, per operation (keyword names of the module's _get_kwargs).
VALID_ARGS: dict[str, dict[str, Any]] = {
    "issueToken": {},
    "getHierarchy": {"account_id": ACCOUNT},
    "listCameras": {"subscription_id": SUB},
    "getCamera": {"subscription_id": SUB, "camera_id": CAMERA},
    "listThumbnails": {"subscription_id": SUB, "camera_id": CAMERA},
    "getHistory": {"subscription_id": SUB, "camera_id": CAMERA, "start_time": T0, "end_time": T1},
    "startHls": {"subscription_id": SUB, "camera_id": CAMERA, "dt": "live"},
    "stopHls": {"subscription_id": SUB, "camera_id": CAMERA, "request_id": REQUEST_ID},
    "updateHls": {"subscription_id": SUB, "camera_id": CAMERA, "request_id": REQUEST_ID},
    "createMedia": {"subscription_id": SUB, "camera_id": CAMERA, "category": "CLIP", "start_time": T0},
    "searchCameraMedia": {"subscription_id": SUB, "camera_id": CAMERA},
    "searchSubscriptionMedia": {"subscription_id": SUB},
    "getMedia": {"subscription_id": SUB, "media_id": MEDIA_ID},
    "renameMedia": {"subscription_id": SUB, "media_id": MEDIA_ID, "name": "clip"},
    "deleteMedia": {"subscription_id": SUB, "media_id": MEDIA_ID},
    "listExternalDevices": {"subscription_id": SUB},
    "getDeviceExternalDevices": {"subscription_id": SUB, "device_id": DEVICE},
    "listPeripherals": {"subscription_id": SUB, "device_id": DEVICE},
    # resetTimer is only allowed with action 2 (reset), so the valid set resets.
    "operatePort": {
        "subscription_id": SUB,
        "device_id": DEVICE,
        "port_id": "POE0",
        "action": 2,
        "reset_timer": 30,
    },
}

# Spec names whose Python argument is not their snake_case.
PYTHON_NAMES = {
    ("listCameras", "cameraId"): "camera_ids",  # repeated query parameter -> a list argument
    ("renameMedia", "data.name"): "name",  # body {"data": {"name": ...}} -> one argument
}

# Spec fields the SDK fills in itself, so they have no Python argument.
FIXED_BY_SDK = {
    ("issueToken", "grant_type"): "client_credentials",  # a const in TokenRequest
}

# Required by the spec, yet the SDK supplies a documented default (the answer to "the first page,
# as large as allowed"); listed here so any other required-with-default argument fails the test.
SDK_DEFAULTS_FOR_REQUIRED = {
    ("searchCameraMedia", "page_number"): 0,
    ("searchCameraMedia", "page_size"): 1000,
    ("searchSubscriptionMedia", "page_number"): 0,
    ("searchSubscriptionMedia", "page_size"): 1000,
}

# The answer schema of each 200 and the type the module parses it into.
ANSWER_MODELS: dict[str, Any] = {
    "Token": TokenGrant,
    "Account": Account,
    "CameraPage": CameraPage,
    "Camera": Camera,
    "ThumbnailList": ThumbnailList,
    "HlsSession": HlsSession,
    "HlsResult": HlsResult,
    "Media": Media,
    "MediaList": tuple[Media, ...],
    "ExternalDevicePage": ExternalDevicePage,
    "DeviceExternalDeviceList": ExternalDeviceList,
    "PeripheralList": PeripheralList,
    "PortOperationResult": PortOperationResult,
    "array of HistorySpan": tuple[HistorySpan, ...],
}

MODEL_SCHEMAS = {
    "Camera": Camera,
    "CameraPage": CameraPage,
    "Media": Media,
    "Account": Account,
    "ThumbnailList": ThumbnailList,
    "Thumbnail": Thumbnail,
    "HistorySpan": HistorySpan,
    "HlsSession": HlsSession,
    "ExternalDevicePage": ExternalDevicePage,
    "PageSummary": PageSummary,
    "PeripheralList": PeripheralList,
    "Peripheral": Peripheral,
}


# --- reading the spec ----------------------------------------------------------------------------


def resolve(node: Any) -> Any:
    """Follow a local ``$ref`` (repeatedly); sibling keys of the ref are kept over the target's."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def success_answer(operation_id: str) -> tuple[int, dict[str, Any] | None]:
    """The documented success status of an operation and its JSON schema (None: no body)."""
    responses = OPERATIONS[operation_id].body["responses"]
    (status,) = [code for code in responses if code.startswith("2")]
    content = resolve(responses[status]).get("content")
    return int(status), None if content is None else content["application/json"]["schema"]


def answer_key(schema: dict[str, Any]) -> str:
    """The name of an answer schema as :data:`ANSWER_MODELS` keys it: ``"CameraPage"``, or
    ``"array of HistorySpan"``."""
    if "$ref" in schema:
        return str(schema["$ref"].rsplit("/", 1)[1])
    assert schema["type"] == "array"
    return "array of " + schema["items"]["$ref"].rsplit("/", 1)[1]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@attrs.frozen
class SpecOperation:
    operation_id: str
    method: str
    path: str
    body: dict[str, Any]


@attrs.frozen
class SpecParam:
    wire: str  # "cameraId", "data.name"
    location: str  # path, query, body, form
    required: bool
    schema: dict[str, Any]

    def python(self, operation_id: str) -> str:
        return PYTHON_NAMES.get((operation_id, self.wire), snake(self.wire.split(".")[-1]))


def spec_operations() -> dict[str, SpecOperation]:
    found: dict[str, SpecOperation] = {}
    for path, item in SPEC["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                body = item[method]
                assert body["operationId"] not in found, f"duplicate operationId {body['operationId']}"
                found[body["operationId"]] = SpecOperation(body["operationId"], method.upper(), path, body)
    return found


OPERATIONS = spec_operations()


def _body_params(schema: dict[str, Any], location: str, prefix: str, required: bool) -> Iterator[SpecParam]:
    schema = resolve(schema)
    for name, prop in schema.get("properties", {}).items():
        prop = resolve(prop)
        is_required = required and name in schema.get("required", [])
        if prop.get("type") == "object" and "properties" in prop:
            yield from _body_params(prop, location, f"{prefix}{name}.", is_required)
        else:
            yield SpecParam(f"{prefix}{name}", location, is_required, prop)


def spec_params(operation_id: str) -> list[SpecParam]:
    op = OPERATIONS[operation_id].body
    params = []
    for raw in op.get("parameters", []):
        param = resolve(raw)
        params.append(
            SpecParam(
                param["name"], param["in"], param.get("required", False), resolve(param.get("schema", {}))
            )
        )
    if "requestBody" in op:
        body = resolve(op["requestBody"])
        ((content_type, media),) = body["content"].items()
        location = "form" if content_type == "application/x-www-form-urlencoded" else "body"
        params += _body_params(media["schema"], location, "", body.get("required", False))
    return params


def discover_modules() -> dict[str, list[ModuleType]]:
    modules: dict[str, list[ModuleType]] = {}
    for info in pkgutil.walk_packages(amnimo_async.api.__path__, "amnimo_async.api."):
        module = importlib.import_module(info.name)
        operation = getattr(module, "OPERATION", None)
        if isinstance(operation, Operation):
            modules.setdefault(operation.operation_id, []).append(module)
    return modules


MODULES = discover_modules()


def module_of(operation_id: str) -> ModuleType:
    (module,) = MODULES[operation_id]
    return module


def endpoint_of(operation_id: str) -> Endpoint[Any, Any]:
    endpoint = module_of(operation_id).endpoint
    assert isinstance(endpoint, Endpoint)
    return endpoint


def python_args(operation_id: str) -> dict[str, inspect.Parameter]:
    return dict(endpoint_of(operation_id).signature.parameters)


def build(operation_id: str, **changes: Any) -> Request:
    return endpoint_of(operation_id).build(**{**VALID_ARGS[operation_id], **changes})


def params_where(predicate: Any) -> list[Any]:
    """pytest params (operation_id, SpecParam) for every spec parameter matching ``predicate``."""
    return [
        pytest.param(op_id, p, id=f"{op_id}-{p.wire}")
        for op_id in OPERATIONS
        for p in spec_params(op_id)
        if (op_id, p.wire) not in FIXED_BY_SDK and predicate(p)
    ]


def wire_values(request: Request, param: SpecParam) -> list[Any]:
    """What ``request`` carries for ``param``."""
    if param.location == "query":
        return [value for name, value in request.params if name == param.wire]
    if param.location == "body":
        node: Any = request.json
        for part in param.wire.split("."):
            if not isinstance(node, dict) or part not in node:
                return []
            node = node[part]
        return [node]
    raise AssertionError(param.location)


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


# --- bounds from the spec ------------------------------------------------------------------------


def _integer_bounds() -> list[Any]:
    cases = []
    for op_id in OPERATIONS:
        for p in spec_params(op_id):
            if p.schema.get("type") != "integer":
                continue
            for key, sign in (("minimum", -1), ("maximum", +1)):
                if key in p.schema:
                    bound = p.schema[key]
                    cases.append(pytest.param(op_id, p, bound, bound + sign, id=f"{op_id}-{p.wire}-{key}"))
    return cases


INTEGER_BOUNDS = _integer_bounds()


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


def _length_bounds() -> list[Any]:
    cases = []
    for op_id in OPERATIONS:
        for p in spec_params(op_id):
            if p.schema.get("type") != "string":
                continue
            if "minLength" in p.schema:
                n = p.schema["minLength"]
                cases.append(pytest.param(op_id, p, n, n - 1, id=f"{op_id}-{p.wire}-minLength"))
            if "maxLength" in p.schema:
                n = p.schema["maxLength"]
                cases.append(pytest.param(op_id, p, n, n + 1, id=f"{op_id}-{p.wire}-maxLength"))
    return cases


@pytest.mark.parametrize(("operation_id", "param", "inside", "outside"), _length_bounds())
def test_string_length_bounds(operation_id: str, param: SpecParam, inside: int, outside: int) -> None:
    python = param.python(operation_id)
    build(operation_id, **{python: "a" * inside})
    with pytest.raises(ValidationError) as info:
        build(operation_id, **{python: "a" * outside})
    assert info.value.argument == python


def _array_bounds() -> list[Any]:
    cases = []
    for op_id in OPERATIONS:
        for p in spec_params(op_id):
            if p.schema.get("type") == "array" and "maxItems" in p.schema:
                cases.append(pytest.param(op_id, p, id=f"{op_id}-{p.wire}"))
    return cases


@pytest.mark.parametrize(("operation_id", "param"), _array_bounds())
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


# --- answer models -------------------------------------------------------------------------------


@pytest.mark.parametrize(("schema_name", "model"), sorted(MODEL_SCHEMAS.items()))
def test_model_required_fields_follow_the_schema(schema_name: str, model: type) -> None:
    schema = SPEC["components"]["schemas"][schema_name]
    fields = [f for f in attrs.fields(model) if not f.metadata.get("extra")]
    required = {wire_name(f) for f in fields if f.default is attrs.NOTHING}
    assert required == set(schema.get("required", []))
    # and the model knows every documented field, and no undocumented one
    assert {wire_name(f) for f in fields} == set(schema["properties"])
