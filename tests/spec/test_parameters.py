"""The spec's parameters: bounds, uuids, path templates, repeated and required query parameters,
``dt`` and the wire timestamp.

The expected constraints and sample answers come from the vendor's v1.7 reference, written here
independently of the spec.
"""

from __future__ import annotations

from typing import Any

import pytest

from ._document import _deref, _is_valid, _operations, _param, _param_schema

# ---------------------------------------------------------------------------------------------
# Parameters

PARAM_EXPECTATIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("listCameras", "isUrl", {"type": "boolean", "default": True}),
    (
        "listCameras",
        "expiration",
        {"type": "integer", "minimum": 1, "maximum": 10080, "default": 60},
    ),
    ("listCameras", "page", {"type": "integer", "minimum": 0, "default": 0}),
    ("listCameras", "size", {"type": "integer", "minimum": 1, "maximum": 500, "default": 500}),
    ("getCamera", "expiration", {"minimum": 1, "maximum": 10080, "default": 60}),
    ("listThumbnails", "limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 1}),
    ("listThumbnails", "isUrl", {"type": "boolean", "default": True}),
    ("listThumbnails", "expiration", {"minimum": 1, "maximum": 10080, "default": 60}),
    ("startHls", "retry", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
    (
        "startHls",
        "keepAlivePeriod",
        {"type": "integer", "minimum": 10, "maximum": 3600, "default": 10},
    ),
    ("getMedia", "expiration", {"minimum": 1, "maximum": 10080, "default": 60}),
    ("listExternalDevices", "page", {"type": "integer", "minimum": 0, "default": 0}),
    ("listExternalDevices", "size", {"type": "integer", "minimum": 1, "default": 10}),
]


@pytest.mark.parametrize(("operation_id", "name", "expected"), PARAM_EXPECTATIONS)
def test_parameter_constraints(operation_id: str, name: str, expected: dict[str, Any]) -> None:
    schema = _deref(_param(operation_id, name)["schema"])
    assert {k: schema.get(k) for k in expected} == expected


def test_uuid_path_parameters() -> None:
    uuid_params = {"accountId", "subscriptionId", "cameraId", "deviceId"}
    seen = set()
    for _, _, op in _operations():
        for p in op.get("parameters", []):
            p = _deref(p)
            if p["in"] == "path":
                assert p["required"] is True
                if p["name"] in uuid_params:
                    assert p["schema"] == {"type": "string", "format": "uuid"}, p["name"]
                    seen.add(p["name"])
                else:
                    assert p["schema"]["minLength"] == 1, p["name"]
    assert seen == uuid_params


def test_path_templates_match_path_parameters() -> None:
    for path, _, op in _operations():
        names = {_deref(p)["name"] for p in op.get("parameters", []) if _deref(p)["in"] == "path"}
        templated = {part[1:-1] for part in path.split("/") if part.startswith("{")}
        assert names == templated, op["operationId"]


def test_camera_id_query_parameter() -> None:
    p = _param("listCameras", "cameraId")
    assert p["in"] == "query"
    assert p.get("required", False) is False
    assert p["style"] == "form"
    assert p["explode"] is True
    assert p["x-exclusive-with"] == ["page", "size"]
    assert p["schema"]["type"] == "array"
    assert p["schema"]["maxItems"] == 10
    assert p["schema"]["items"] == {"type": "string", "format": "uuid"}
    assert "page" in p["description"]
    assert "size" in p["description"]


def test_required_query_parameters() -> None:
    assert _param("getHistory", "startTime")["required"] is True
    assert _param("getHistory", "endTime")["required"] is True
    assert _param("startHls", "dt")["required"] is True
    assert _param("stopHls", "requestId")["required"] is True
    assert _param("updateHls", "requestId")["required"] is True
    assert _param("listThumbnails", "startTime").get("required", False) is False


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("live", True),
        ("2025-02-02T15:00:00.000Z", True),
        ("2025-02-02T15:00:00Z", False),
        ("LIVE", False),
        ("now", False),
    ],
)
def test_start_hls_dt(value: str, ok: bool) -> None:
    assert _param_schema("startHls", "dt").is_valid(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2025-02-02T15:00:00.000Z", True),
        ("2025-02-02T15:00:00Z", False),
        ("2025-02-02T15:00:00.000+00:00", False),
        ("2025-02-02 15:00:00.000Z", False),
    ],
)
def test_wire_timestamp(value: str, ok: bool) -> None:
    assert _is_valid("WireTimestamp", value) is ok
