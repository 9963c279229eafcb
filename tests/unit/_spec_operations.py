"""The spec's operations and parameters as the endpoint-module tests read them, and the modules
under ``amnimo_async/api`` that implement each operation.

Arguments valid together per operation, the answer model of each success, the spec names whose
Python argument differs: written here; everything else is read from amnimo_async/openapi.yaml.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
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
)
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


def spec_pairs(predicate: Callable[[SpecParam], bool]) -> list[tuple[str, SpecParam]]:
    """(operation_id, SpecParam) for every spec parameter matching ``predicate`` that has a Python
    argument (those the SDK fills in itself are left out)."""
    return [
        (op_id, p)
        for op_id in OPERATIONS
        for p in spec_params(op_id)
        if (op_id, p.wire) not in FIXED_BY_SDK and predicate(p)
    ]


def params_where(predicate: Callable[[SpecParam], bool]) -> list[Any]:
    """pytest params (operation_id, SpecParam) for every spec parameter matching ``predicate``."""
    return [pytest.param(op_id, p, id=f"{op_id}-{p.wire}") for op_id, p in spec_pairs(predicate)]


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
