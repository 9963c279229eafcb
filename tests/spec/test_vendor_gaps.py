"""Decisions on what the vendor leaves open (see the spec's description): the wire timestamp's
calendar, extensions for what a pattern cannot say, named port actions, links between operations.
"""

from __future__ import annotations

import pytest

from ._document import SPEC, _deref, _is_valid, _operations, _param

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
