"""Checks of the OpenAPI 3.1 description in amnimo_async/openapi.yaml, the one operation table.

The expected constraints and sample answers come from the vendor's v1.7 reference, written here
independently of the spec; the generated table (``amnimo_async/_operations.py``) must be current
and say what the YAML says.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from amnimo_async._codegen import stale
from amnimo_async._codegen._read import SpecReader
from amnimo_async._codegen._render import operations_module
from amnimo_async._operations import OPERATIONS
from amnimo_async._spec import Parameter

from . import vendor_samples

SPEC_PATH = Path(__file__).resolve().parent.parent / "amnimo_async" / "openapi.yaml"
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


# ---------------------------------------------------------------------------------------------
# The document


def test_spec_is_valid_openapi_31() -> None:
    assert SPEC["openapi"] == "3.1.0"
    validate(SPEC)


def test_server() -> None:
    assert [s["url"] for s in SPEC["servers"]] == ["https://api.amnimo.com/ex"]


def test_every_ref_resolves() -> None:
    refs = [n["$ref"] for n in _walk(SPEC) if isinstance(n, dict) and "$ref" in n]
    assert refs
    for ref in refs:
        assert _resolve(ref) is not None, ref


@pytest.mark.parametrize("name", sorted(SPEC["components"]["schemas"]))
def test_component_schema_is_valid_json_schema(name: str) -> None:
    OAS31Validator.check_schema(SPEC["components"]["schemas"][name])


# ---------------------------------------------------------------------------------------------
# Operations


# The group of each path, by the vendor's chapters: tokens, tenants, cameras, video, media, devices.
GROUPS = [
    ("/oauth2/", "auth"),
    ("/accounts/", "accounts"),
    ("/streams/", "streams"),
    ("/media", "media"),
    ("/devices", "devices"),
    ("/cameras", "cameras"),
]


def test_the_19_operations_of_the_reference_each_in_its_group() -> None:
    ops = list(_operations())
    ids = [op["operationId"] for _, _, op in ops]
    assert len(ops) == 19
    assert len(set(ids)) == 19
    for path, _, op in ops:
        group = next(tag for prefix, tag in GROUPS if prefix in path)
        assert op["tags"] == [group], op["operationId"]


def test_x_idempotent() -> None:
    non_idempotent = set()
    for _, _, op in _operations():
        assert isinstance(op.get("x-idempotent"), bool), op["operationId"]
        if not op["x-idempotent"]:
            non_idempotent.add(op["operationId"])
    assert non_idempotent == {"createMedia", "operatePort"}


def test_security() -> None:
    schemes = SPEC["components"]["securitySchemes"]
    assert schemes["basicAuth"] == {**schemes["basicAuth"], "type": "http", "scheme": "basic"}
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert SPEC["security"] == [{"bearerAuth": []}]
    for _, _, op in _operations():
        if op["operationId"] == "issueToken":
            assert op["security"] == [{"basicAuth": []}]
        else:
            assert "security" not in op, op["operationId"]


def test_every_operation_is_described() -> None:
    for _, _, op in _operations():
        assert op.get("summary"), op["operationId"]
        assert op.get("description"), op["operationId"]
        for p in op.get("parameters", []):
            assert _deref(p).get("description"), (op["operationId"], p)


def test_error_responses_use_the_error_schema() -> None:
    for _, _, op in _operations():
        codes = set(op["responses"])
        if op["operationId"] == "issueToken":
            assert {"400", "401", "429", "5XX"} <= codes
        else:
            assert {"400", "401", "403", "404", "429", "5XX"} <= codes, op["operationId"]
        for code, response in op["responses"].items():
            if code.startswith(("4", "5")):
                schema = _deref(response)["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (op["operationId"], code)


def test_success_responses() -> None:
    delete = _operation("deleteMedia")["responses"]
    assert "204" in delete
    assert "content" not in delete["204"]
    for _, _, op in _operations():
        if op["operationId"] != "deleteMedia":
            assert "application/json" in op["responses"]["200"]["content"], op["operationId"]


def test_token_request_body() -> None:
    body = _operation("issueToken")["requestBody"]["content"]
    schema = _deref(body["application/x-www-form-urlencoded"]["schema"])
    assert schema["properties"]["grant_type"]["const"] == "client_credentials"
    assert schema["required"] == ["grant_type"]


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


# ---------------------------------------------------------------------------------------------
# Requests


@pytest.mark.parametrize(
    ("schema_name", "body"),
    [
        (
            "CreateMediaRequest",
            {"category": "CLIP", "startTime": "2025-02-02T15:00:00.000Z", "x": 1},
        ),
        ("CreateMediaRequest", {"category": "VIDEO", "startTime": "2025-02-02T15:00:00.000Z"}),
        ("CreateMediaRequest", {"category": "CLIP", "startTime": "2025-02-02T15:00:00Z"}),
        ("CreateMediaRequest", {"category": "CLIP"}),
        (
            "CreateMediaRequest",
            {"category": "CLIP", "startTime": "2025-02-02T15:00:00.000Z", "name": ""},
        ),
        (
            "CreateMediaRequest",
            {"category": "CLIP", "startTime": "2025-02-02T15:00:00.000Z", "name": "n" * 65},
        ),
        ("MediaSearchRequest", {"pageNumber": 0}),
        ("MediaSearchRequest", {"pageNumber": -1, "pageSize": 10}),
        ("MediaSearchRequest", {"pageNumber": 0, "pageSize": 1001}),
        ("MediaSearchRequest", {"pageNumber": 0, "pageSize": 10, "sortDir": "up"}),
        ("MediaSearchRequest", {"pageNumber": 0, "pageSize": 10, "categories": ["OTHER"]}),
        ("MediaSearchRequest", {"pageNumber": 0, "pageSize": 10, "page": 1}),
        ("RenameMediaRequest", {"data": {"name": "n", "x": 1}}),
        ("RenameMediaRequest", {"name": "n"}),
        ("RenameMediaRequest", {"data": {"name": "n" * 65}}),
        ("PortOperationRequest", {}),
        ("PortOperationRequest", {"action": 2}),
        ("PortOperationRequest", {"action": 2, "resetTimer": 0}),
        ("PortOperationRequest", {"action": 1, "resetTimer": 10}),
        ("PortOperationRequest", {"action": 1, "force": True}),
        ("TokenRequest", {"grant_type": "password"}),
    ],
)
def test_invalid_request_bodies(schema_name: str, body: dict[str, Any]) -> None:
    assert not _is_valid(schema_name, body)


def test_request_schemas_are_closed() -> None:
    schemas = SPEC["components"]["schemas"]
    for name in (
        "CreateMediaRequest",
        "MediaSearchRequest",
        "RenameMediaRequest",
        "PortOperationRequest",
    ):
        assert schemas[name]["additionalProperties"] is False, name
    assert schemas["RenameMediaRequest"]["properties"]["data"]["additionalProperties"] is False
    assert schemas["MediaSearchRequest"]["properties"]["sortDir"]["default"] == "desc"


# ---------------------------------------------------------------------------------------------
# Decisions on what the vendor leaves open (see the spec's description)


@pytest.mark.parametrize(
    "value",
    [
        "0000-00-00T00:00:00.000Z",  # the examples schemathesis found valid by the old pattern
        "1227-32-61T18:52:58.064Z",
        "2025-13-01T00:00:00.000Z",
        "2025-00-10T00:00:00.000Z",
        "2025-01-00T00:00:00.000Z",
        "2025-01-01T24:00:00.000Z",
        "2025-01-01T23:60:00.000Z",
        "2025-01-01T23:59:60.000Z",
    ],
)
def test_wire_timestamp_refuses_what_no_clock_shows(value: str) -> None:
    assert not _is_valid("WireTimestamp", value)


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "2024-02-29T12:00:00.000Z"]
)
def test_wire_timestamp_takes_the_whole_calendar(value: str) -> None:
    assert _is_valid("WireTimestamp", value)


def test_what_a_pattern_cannot_say_is_an_extension() -> None:
    # February 30 fits any reasonable pattern; x-calendar-date says the date must exist.
    assert _is_valid("WireTimestamp", "2025-02-30T00:00:00.000Z")
    assert SPEC["components"]["schemas"]["WireTimestamp"]["x-calendar-date"] is True
    for operation_id in ("listThumbnails", "getHistory"):
        assert _param(operation_id, "endTime")["x-not-before"] == "startTime"
    create = SPEC["components"]["schemas"]["CreateMediaRequest"]["properties"]
    assert create["endTime"]["x-not-before"] == "startTime"


def test_port_actions_are_a_closed_set_with_names() -> None:
    action = SPEC["components"]["schemas"]["PortOperationRequest"]["properties"]["action"]
    assert action["enum"] == [0, 1, 2]
    assert action["x-enum-varnames"] == ["DISABLE", "ENABLE", "RESET"]
    assert not _is_valid("PortOperationRequest", {"action": 3})
    timer = SPEC["components"]["schemas"]["PortOperationRequest"]["properties"]["resetTimer"]
    assert timer["x-present-when"] == {"action": 2}


def test_links_name_real_operations_and_their_parameters() -> None:
    by_id = {op["operationId"]: op for _, _, op in _operations()}
    links = {
        (op["operationId"], name): link
        for _, _, op in _operations()
        for name, link in op["responses"].get("200", {}).get("links", {}).items()
    }
    for (source, _), link in links.items():
        target = by_id[link["operationId"]]
        names = {_deref(p)["name"] for p in target.get("parameters", [])}
        assert set(link["parameters"]) <= names, (source, link)
        ids = {_deref(p)["name"] for p in target["parameters"] if _deref(p)["in"] == "path"}
        assert ids <= set(link["parameters"]), (source, link)  # a link fills every path id
    followed = {(source, link["operationId"]) for (source, _), link in links.items()}
    assert {("createMedia", t) for t in ("getMedia", "renameMedia", "deleteMedia")} <= followed
    assert {("startHls", "updateHls"), ("startHls", "stopHls")} <= followed
    assert links["startHls", "stopHls"]["parameters"]["requestId"] == "$response.body#/requestId"


# ---------------------------------------------------------------------------------------------
# The generated table


def test_the_generated_modules_are_current() -> None:
    assert stale() == [], "run: python -m amnimo_async._codegen"


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _check_field(table: Parameter, wire: dict[str, Any], schema: dict[str, Any], required: bool) -> None:
    """The table's parameter says what the spec's does (wire: the parameter or property node)."""
    assert table.required is required, table.name
    assert table.python == wire.get("x-python-name", _snake(table.name)), table.name
    assert table.exclusive_with == tuple(wire.get("x-exclusive-with", ())), table.name
    assert table.not_before == wire.get("x-not-before"), table.name
    assert table.present_when == (
        tuple(*wire["x-present-when"].items()) if "x-present-when" in wire else None
    )
    checked = table.schema
    assert checked.default == schema.get("default"), table.name
    assert checked.minimum == schema.get("minimum"), table.name
    assert checked.maximum == schema.get("maximum"), table.name
    assert checked.clamped_to == schema.get("x-clamped-to"), table.name
    if "enum" in schema:
        assert checked.choices == tuple(schema["enum"]), table.name
    if schema.get("type") == "array":
        assert (checked.min_items, checked.max_items) == (schema.get("minItems"), schema.get("maxItems"))
    if schema.get("type") == "object":
        needed = set(schema.get("required", []))
        assert [f.name for f in checked.fields] == list(schema["properties"]), table.name
        for field in checked.fields:
            node = schema["properties"][field.name]
            _check_field(field, node, _deref(node), field.name in needed)


@pytest.mark.parametrize("operation_id", sorted(op["operationId"] for _, _, op in _operations()))
def test_the_table_says_what_the_spec_says(operation_id: str) -> None:
    (path, method, op) = next(entry for entry in _operations() if entry[2]["operationId"] == operation_id)
    table = OPERATIONS[operation_id]
    assert (table.method, table.path, table.idempotent, table.tag) == (
        method.upper(),
        path,
        op["x-idempotent"],
        op["tags"][0],
    )
    assert table.auth == ("basic" if op.get("security") == [{"basicAuth": []}] else "bearer")
    wire_params = [_deref(p) for p in op.get("parameters", [])]
    located = [p for p in table.parameters if p.location in ("path", "query")]
    assert [(p.name, p.location) for p in located] == [(p["name"], p["in"]) for p in wire_params]
    for entry, wire in zip(located, wire_params, strict=True):
        _check_field(entry, wire, _deref(wire["schema"]), bool(wire.get("required")))
    fields = [p for p in table.parameters if p.location in ("body", "form")]
    if "requestBody" not in op:
        assert fields == []
        return
    ((content_type, media),) = op["requestBody"]["content"].items()
    assert table.body == ("form" if content_type == "application/x-www-form-urlencoded" else "json")
    body = _deref(media["schema"])
    assert [f.name for f in fields] == list(body["properties"])
    for field in fields:
        node = body["properties"][field.name]
        _check_field(field, node, _deref(node), field.name in body.get("required", []))


def test_the_generator_follows_an_edited_spec() -> None:
    """What the staleness check compares against moves with the YAML (it is not a fixed text)."""
    edited = copy.deepcopy(SPEC)
    edited["paths"]["/partitions/{subscriptionId}/cameras"]["get"]["parameters"][4]["schema"]["maximum"] = 250
    table = SpecReader(edited).read()
    (cameras,) = [op for op in table.operations if op.operation_id == "listCameras"]
    assert cameras.parameter("size").schema.maximum == 250
    assert "maximum=250" in operations_module(table)
    assert "maximum=250" not in operations_module(SpecReader(SPEC).read())
