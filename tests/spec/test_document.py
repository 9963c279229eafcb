"""amnimo_async/openapi.yaml is valid OpenAPI 3.1: its server, its references, its schemas."""

from __future__ import annotations

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from ._document import SPEC, _resolve, _walk


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
