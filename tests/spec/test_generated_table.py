"""The generated table (``amnimo_async/_operations.py``) is current and says what the YAML says,
and the generator follows an edited spec.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from amnimo_async._codegen import stale
from amnimo_async._codegen._read import SpecReader
from amnimo_async._codegen._render import operations_module
from amnimo_async._operations import OPERATIONS
from amnimo_async._spec import Parameter

from ._document import SPEC, _deref, _operations

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
