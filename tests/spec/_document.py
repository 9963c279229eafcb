"""The OpenAPI description as the spec tests read it: the YAML, a schema registry, validators and
lookups of operations and parameters, and the vendor's sample bodies (v1.7) each schema must take.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from .. import vendor_samples

SPEC_PATH = Path(__file__).resolve().parents[2] / "amnimo_async" / "openapi.yaml"
SPEC_URI = "urn:amnimo-async:openapi"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}

# ---------------------------------------------------------------------------------------------
# Samples from the vendor's reference (v1.7): answers shared via vendor_samples, requests here.

CAMERA_SAMPLE: dict[str, Any] = vendor_samples.CAMERA
CAMERA_PAGE_SAMPLE: dict[str, Any] = vendor_samples.CAMERA_PAGE
MEDIA_SAMPLE: dict[str, Any] = vendor_samples.MEDIA
HIERARCHY_SAMPLE: dict[str, Any] = vendor_samples.ACCOUNT
EXTERNAL_DEVICE_PAGE_SAMPLE: dict[str, Any] = vendor_samples.EXTERNAL_DEVICE_PAGE
PERIPHERAL_LIST_SAMPLE: dict[str, Any] = vendor_samples.PERIPHERALS
ERROR_SAMPLE: list[dict[str, Any]] = vendor_samples.ERROR

VENDOR_SAMPLES: list[tuple[str, Any]] = [
    ("Token", vendor_samples.TOKEN),
    ("Account", HIERARCHY_SAMPLE),
    ("CameraPage", CAMERA_PAGE_SAMPLE),
    ("Camera", CAMERA_SAMPLE),
    ("ThumbnailList", vendor_samples.THUMBNAILS),
    ("HistorySpan", vendor_samples.HISTORY_SPAN),
    ("HlsSession", {"requestId": "e006cedc-247a-49e1-a18f-d59bef27dbcb"}),
    ("HlsResult", {"result": "string"}),
    ("Media", MEDIA_SAMPLE),
    ("MediaList", [MEDIA_SAMPLE]),
    ("ExternalDevicePage", EXTERNAL_DEVICE_PAGE_SAMPLE),
    ("DeviceExternalDeviceList", vendor_samples.DEVICE_EXTERNAL_DEVICES),
    ("PeripheralList", PERIPHERAL_LIST_SAMPLE),
    ("PortOperationResult", {}),
    ("Error", ERROR_SAMPLE),
    (
        "CreateMediaRequest",
        {
            "category": "CLIP",
            "startTime": "2025-02-02T15:00:00.000Z",
            "endTime": "2025-02-02T15:30:00.000Z",
            "name": "media Name",
        },
    ),
    (
        "MediaSearchRequest",
        {
            "categories": ["CLIP"],
            "pageNumber": 0,
            "pageSize": 100,
            "sortDir": "desc",
        },
    ),
    ("RenameMediaRequest", {"data": {"name": "update-media-name"}}),
    ("PortOperationRequest", {"action": 1}),
    ("PortOperationRequest", {"action": 2, "resetTimer": 10}),
]

# ---------------------------------------------------------------------------------------------
# Helpers


def _load_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    assert isinstance(spec, dict)
    return spec


SPEC = _load_spec()
REGISTRY: Registry[Any] = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(SPEC))


def _validator(schema: dict[str, Any]) -> OAS31Validator:
    return OAS31Validator(schema, registry=REGISTRY, format_checker=oas31_format_checker)


def _component(name: str) -> OAS31Validator:
    assert name in SPEC["components"]["schemas"], name
    return _validator({"$ref": f"{SPEC_URI}#/components/schemas/{name}"})


def _resolve(ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = SPEC
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _deref(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = _resolve(node["$ref"])
    return node


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield path, method, op


def _operation(operation_id: str) -> dict[str, Any]:
    for _, _, op in _operations():
        if op.get("operationId") == operation_id:
            return op
    raise KeyError(operation_id)


def _param(operation_id: str, name: str) -> dict[str, Any]:
    for p in _operation(operation_id).get("parameters", []):
        p = _deref(p)
        if p["name"] == name:
            return p
    raise KeyError(f"{operation_id}: {name}")


def _param_schema(operation_id: str, name: str) -> OAS31Validator:
    """A validator for the inline schema of a parameter, with refs resolved against the spec."""
    for path, method, op in _operations():
        if op.get("operationId") != operation_id:
            continue
        for index, p in enumerate(op.get("parameters", [])):
            if "$ref" not in p and p["name"] == name:
                escaped = path.replace("~", "~0").replace("/", "~1")
                pointer = f"/paths/{escaped}/{method}/parameters/{index}/schema"
                return _validator({"$ref": f"{SPEC_URI}#{pointer}"})
    raise KeyError(f"{operation_id}: {name}")


def _is_valid(schema_name: str, instance: Any) -> bool:
    return _component(schema_name).is_valid(instance)
