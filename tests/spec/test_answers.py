"""The spec's answer schemas take the vendor's samples, stay open to new values and fields, and
refuse what misses a required field.

The expected constraints and sample answers come from the vendor's v1.7 reference, written here
independently of the spec.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema.exceptions import ValidationError

from ._document import (
    CAMERA_PAGE_SAMPLE,
    CAMERA_SAMPLE,
    ERROR_SAMPLE,
    EXTERNAL_DEVICE_PAGE_SAMPLE,
    HIERARCHY_SAMPLE,
    MEDIA_SAMPLE,
    PERIPHERAL_LIST_SAMPLE,
    SPEC,
    VENDOR_SAMPLES,
    _component,
    _deref,
    _is_valid,
    _operations,
    _resolve,
    _walk,
)

# ---------------------------------------------------------------------------------------------
# Answers


@pytest.mark.parametrize(("schema_name", "sample"), VENDOR_SAMPLES)
def test_vendor_sample_validates(schema_name: str, sample: Any) -> None:
    _component(schema_name).validate(sample)


def test_hierarchy_child_may_be_empty_but_not_arbitrary() -> None:
    assert _is_valid("Account", {"accountId": "x", "childAccounts": [{}]})
    assert not _is_valid("Account", {"accountId": "x", "childAccounts": [{"accountName": "a"}]})
    assert not _is_valid("Account", {"accountName": "no id"})


def test_answer_timestamps_with_and_without_milliseconds() -> None:
    for ts in ("2019-08-24T14:15:22Z", "2025-02-14T15:00:00.000Z"):
        assert _is_valid("Timestamp", ts)
    assert not _is_valid("Timestamp", "yesterday")


def test_unknown_enum_values_and_fields_validate() -> None:
    camera = {**CAMERA_SAMPLE, "status": "MAINTENANCE", "recordingStatus": "PAUSED", "extra": 1}
    camera["thumbnail"] = {"ts": "2019-08-24T14:15:22Z", "url": "https://x.test/t.jpg", "w": 1}
    _component("Camera").validate(camera)
    _component("Camera").validate({**CAMERA_SAMPLE, "thumbnail": None})
    _component("CameraPage").validate({**CAMERA_PAGE_SAMPLE, "cameras": [camera], "next": None})

    media = {**MEDIA_SAMPLE, "status": "MAINTENANCE", "type": "AUDIO", "source": "X", "new": {}}
    media["meta"] = {"user": {"id": "u", "name": "n"}, "other": []}
    _component("Media").validate(media)

    peripherals = copy.deepcopy(PERIPHERAL_LIST_SAMPLE)
    peripherals["data"][0].update(lnkStatus="MAINTENANCE", actStatus="MAINTENANCE", speed=100)
    peripherals["summary"]["extra"] = True
    _component("PeripheralList").validate(peripherals)

    page = copy.deepcopy(EXTERNAL_DEVICE_PAGE_SAMPLE)
    page["data"][0]["externalDevices"][0]["status"] = "MAINTENANCE"
    page["data"][0]["model"] = "x"
    _component("ExternalDevicePage").validate(page)

    _component("Error").validate([{**ERROR_SAMPLE[0], "code": 42}])
    _component("HlsSession").validate({"requestId": "r", "url": "https://x.test/a.m3u8", "x": 1})


@pytest.mark.parametrize(
    ("schema_name", "sample", "field"),
    [
        ("Camera", CAMERA_SAMPLE, "id"),
        ("CameraPage", CAMERA_PAGE_SAMPLE, "total"),
        ("CameraPage", CAMERA_PAGE_SAMPLE, "cameras"),
        ("Media", MEDIA_SAMPLE, "id"),
        ("ExternalDevicePage", EXTERNAL_DEVICE_PAGE_SAMPLE, "summary"),
        ("PeripheralList", PERIPHERAL_LIST_SAMPLE, "data"),
        ("Account", HIERARCHY_SAMPLE, "accountId"),
    ],
)
def test_missing_required_field_is_invalid(schema_name: str, sample: Any, field: str) -> None:
    broken = {k: v for k, v in sample.items() if k != field}
    with pytest.raises(ValidationError):
        _component(schema_name).validate(broken)


def test_missing_page_summary_field_is_invalid() -> None:
    page = copy.deepcopy(EXTERNAL_DEVICE_PAGE_SAMPLE)
    del page["summary"]["totalPages"]
    assert not _is_valid("ExternalDevicePage", page)


def test_url_and_thumbnail_are_optional() -> None:
    camera = {k: v for k, v in CAMERA_SAMPLE.items() if k != "thumbnail"}
    assert _is_valid("Camera", camera)
    assert _is_valid("HlsSession", {"requestId": "r"})
    assert "url" not in SPEC["components"]["schemas"]["Media"].get("required", [])


def _answer_schema_names() -> set[str]:
    """Component schemas reachable from the responses (not from request bodies)."""
    prefix = "#/components/schemas/"
    todo = [
        n["$ref"]
        for _, _, op in _operations()
        for response in op["responses"].values()
        for n in _walk(_deref(response))
        if isinstance(n, dict) and "$ref" in n
    ]
    seen: set[str] = set()
    while todo:
        ref = todo.pop()
        if not ref.startswith(prefix) or ref[len(prefix) :] in seen:
            continue
        seen.add(ref[len(prefix) :])
        todo.extend(n["$ref"] for n in _walk(_resolve(ref)) if isinstance(n, dict) and "$ref" in n)
    return seen


def test_answer_schemas_have_no_closed_enums_and_stay_open() -> None:
    names = _answer_schema_names()
    assert {"Camera", "Media", "Peripheral", "ExternalDevice", "Error", "Account"} <= names
    for name in names:
        for node in _walk(SPEC["components"]["schemas"][name]):
            if isinstance(node, dict):
                assert "enum" not in node, name
                assert node.get("additionalProperties", True) is not False, name


def test_known_values() -> None:
    schemas = SPEC["components"]["schemas"]
    camera = schemas["Camera"]["properties"]
    assert camera["status"]["x-known-values"] == ["CONNECTED", "DISCONNECTED"]
    assert camera["recordingStatus"]["x-known-values"] == ["RECORDING", "NOT_RECORDING"]
    media = schemas["Media"]["properties"]
    assert media["status"]["x-known-values"] == ["PROCESSING", "COMPLETED", "FAILED"]
    assert media["type"]["x-known-values"] == ["IMAGE", "VIDEO"]
    assert media["source"]["x-known-values"] == ["CLOUD", "EDGE"]
    assert media["category"]["x-known-values"] == ["CLIP", "SNAPSHOT"]
    port = schemas["Peripheral"]["properties"]
    assert port["lnkStatus"]["x-known-values"] == ["LINK_UP", "LINK_DOWN"]
    assert port["actStatus"]["x-known-values"] == ["ENABLED", "DISABLED", "ENABLING", "DISABLING"]
    external = schemas["ExternalDevice"]["properties"]
    assert external["status"]["x-known-values"] == ["CONNECTED", "DISCONNECTED"]
