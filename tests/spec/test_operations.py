"""The spec's operations: the 19 of the reference in their groups, idempotency, security, descriptions,
and the error, success and token bodies they answer with.

The expected constraints and sample answers come from the vendor's v1.7 reference, written here
independently of the spec.
"""

from __future__ import annotations

from ._document import SPEC, _deref, _operation, _operations

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
