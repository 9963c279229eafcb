"""The spec's request bodies are closed: invalid bodies are refused.

The expected constraints and sample answers come from the vendor's v1.7 reference, written here
independently of the spec.
"""

from __future__ import annotations

from typing import Any

import pytest

from ._document import SPEC, _is_valid

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
