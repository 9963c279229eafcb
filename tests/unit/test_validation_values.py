"""Numbers out of range, values of the wrong type, camera id lists, unknown choices and port
actions without their timer raise ValidationError before anything is sent.

Each rule is checked through the client namespaces on a fresh client: the error names the Python
argument and the allowed range, and the fake server saw nothing at all (not even a token call).
"""

from __future__ import annotations

from typing import Any

import pytest

from amnimo_async import AsyncAmnimo

from ._valid_arguments import EXPIRATION_OPS, IDS, SEARCHES, assert_refused
from .conftest import CAMERA, FakeAPI

# --- ranges ------------------------------------------------------------------------------------

RANGE_CASES = [
    *(
        pytest.param(op, {"expiration": v}, "expiration", "1 to 10080", id=f"{op}-expiration-{v}")
        for op in EXPIRATION_OPS
        for v in (0, 10081, -60)
    ),
    pytest.param("cameras.list", {"page": -1}, "page", "at least 0", id="list-page--1"),
    pytest.param("cameras.list", {"size": 0}, "size", "1 to 500", id="list-size-0"),
    pytest.param("cameras.list", {"size": 501}, "size", "1 to 500", id="list-size-501"),
    pytest.param("cameras.thumbnails", {"limit": 0}, "limit", "1 to 100", id="limit-0"),
    pytest.param("cameras.thumbnails", {"limit": 101}, "limit", "1 to 100", id="limit-101"),
    pytest.param("streams.start_hls", {"retry": 0}, "retry", "1 to 100", id="retry-0"),
    pytest.param("streams.start_hls", {"retry": 101}, "retry", "1 to 100", id="retry-101"),
    pytest.param(
        "streams.start_hls", {"keep_alive_period": 9}, "keep_alive_period", "10 to 3600", id="kap-9"
    ),
    pytest.param(
        "streams.start_hls", {"keep_alive_period": 3601}, "keep_alive_period", "10 to 3600", id="kap-3601"
    ),
    *(
        pytest.param(
            op, {**extra, "page_size": v}, "page_size", "1 to 1000", id=f"page_size-{v}-{len(extra)}"
        )
        for op, extra in SEARCHES
        for v in (0, 1001)
    ),
    *(
        pytest.param(
            op, {**extra, "page_number": -1}, "page_number", "at least 0", id=f"page_number-{len(extra)}"
        )
        for op, extra in SEARCHES
    ),
    pytest.param("devices.list_external", {"size": 0}, "size", "at least 1", id="external-size-0"),
    pytest.param("devices.list_external", {"page": -1}, "page", "at least 0", id="external-page--1"),
    pytest.param("devices.operate_port", {"action": -1}, "action", "at least 0", id="action--1"),
    pytest.param(  # the closed set of the spec (our decision): 3 is no action
        "devices.operate_port", {"action": 3}, "action", "0 (DISABLE), 1 (ENABLE) or 2 (RESET)", id="action-3"
    ),
    pytest.param(
        "devices.operate_port",
        {"action": 2, "reset_timer": 0},
        "reset_timer",
        "at least 1",
        id="reset_timer-0",
    ),
]


@pytest.mark.parametrize(("op", "changes", "argument", "fragment"), RANGE_CASES)
async def test_out_of_range(
    amnimo: AsyncAmnimo, api: FakeAPI, op: str, changes: dict[str, Any], argument: str, fragment: str
) -> None:
    await assert_refused(amnimo, api, op, changes, argument, fragment)


# --- types -------------------------------------------------------------------------------------

TYPE_CASES = [
    pytest.param("cameras.get", {"expiration": True}, "expiration", id="bool-expiration"),
    pytest.param("cameras.get", {"expiration": 60.0}, "expiration", id="float-expiration"),
    pytest.param("cameras.list", {"size": True}, "size", id="bool-size"),
    pytest.param("cameras.list", {"page": False}, "page", id="bool-page"),
    pytest.param("cameras.thumbnails", {"limit": True}, "limit", id="bool-limit"),
    pytest.param("streams.start_hls", {"retry": True}, "retry", id="bool-retry"),
    pytest.param("streams.start_hls", {"keep_alive_period": "60"}, "keep_alive_period", id="str-kap"),
    pytest.param("media.search", {"page_size": True}, "page_size", id="bool-page_size"),
    pytest.param("media.search", {"page_number": False}, "page_number", id="bool-page_number"),
    pytest.param("media.get", {"expiration": True}, "expiration", id="bool-media-expiration"),
    pytest.param("devices.list_external", {"size": True}, "size", id="bool-external-size"),
    pytest.param("devices.operate_port", {"action": True}, "action", id="bool-action"),
    pytest.param("devices.operate_port", {"action": "1"}, "action", id="str-action"),
    pytest.param("devices.operate_port", {"action": 2, "reset_timer": True}, "reset_timer", id="bool-timer"),
]


@pytest.mark.parametrize(("op", "changes", "argument"), TYPE_CASES)
async def test_non_integer_for_an_integer(
    amnimo: AsyncAmnimo, api: FakeAPI, op: str, changes: dict[str, Any], argument: str
) -> None:
    await assert_refused(amnimo, api, op, changes, argument, "integer")


@pytest.mark.parametrize("op", ["cameras.list", "cameras.get", "cameras.thumbnails", "cameras.get_many"])
@pytest.mark.parametrize("value", ["yes", 1, None])
async def test_is_url_must_be_a_bool(amnimo: AsyncAmnimo, api: FakeAPI, op: str, value: object) -> None:
    await assert_refused(amnimo, api, op, {"is_url": value}, "is_url", "True or False")


# --- camera ids --------------------------------------------------------------------------------

CAMERA_IDS_CASES = [
    pytest.param({"camera_ids": IDS}, "camera_ids", "1 to 10", id="eleven"),
    pytest.param({"camera_ids": []}, "camera_ids", "1 to 10", id="none"),
    pytest.param({"camera_ids": IDS[:2], "page": 1}, "camera_ids", "page", id="with-page"),
    pytest.param({"camera_ids": IDS[:2], "size": 10}, "camera_ids", "size", id="with-size"),
    pytest.param({"camera_ids": CAMERA}, "camera_ids", "list", id="bare-string"),
    pytest.param({"camera_ids": [CAMERA, "camera-2"]}, "camera_ids[1]", "uuid", id="bad-item"),
]


@pytest.mark.parametrize(("changes", "argument", "fragment"), CAMERA_IDS_CASES)
async def test_list_cameras_camera_ids(
    amnimo: AsyncAmnimo, api: FakeAPI, changes: dict[str, Any], argument: str, fragment: str
) -> None:
    await assert_refused(amnimo, api, "cameras.list", changes, argument, fragment)


@pytest.mark.parametrize(
    ("changes", "argument", "fragment"),
    [
        pytest.param({"camera_ids": CAMERA}, "camera_ids", "list", id="bare-string"),
        pytest.param({"camera_ids": None}, "camera_ids", "list", id="none"),
        pytest.param({"camera_ids": [*IDS, "camera-2"]}, "camera_ids[11]", "uuid", id="bad-item-late"),
    ],
)
async def test_get_many_camera_ids(
    amnimo: AsyncAmnimo, api: FakeAPI, changes: dict[str, Any], argument: str, fragment: str
) -> None:
    await assert_refused(amnimo, api, "cameras.get_many", changes, argument, fragment)


# --- choices and names -------------------------------------------------------------------------

CHOICE_CASES = [
    *(
        pytest.param(op, {**extra, "sort_dir": "up"}, "sort_dir", "asc, desc", id=f"sort-up-{len(extra)}")
        for op, extra in SEARCHES
    ),
    pytest.param("media.search", {"sort_dir": "DESC"}, "sort_dir", "asc, desc", id="sort-upper"),
    *(
        pytest.param(
            op, {**extra, "categories": ["VIDEO"]}, "categories[0]", "CLIP, SNAPSHOT", id=f"cat-{len(extra)}"
        )
        for op, extra in SEARCHES
    ),
    pytest.param(
        "media.search", {"categories": ["CLIP", "clip"]}, "categories[1]", "CLIP, SNAPSHOT", id="cat-lower"
    ),
    pytest.param("media.search", {"categories": "CLIP"}, "categories", "list", id="cat-bare-string"),
    pytest.param("media.create", {"category": "VIDEO"}, "category", "CLIP, SNAPSHOT", id="category-video"),
    pytest.param("media.create", {"category": None}, "category", "CLIP, SNAPSHOT", id="category-none"),
    pytest.param("media.create", {"name": ""}, "name", "1 to 64", id="create-name-empty"),
    pytest.param("media.create", {"name": "n" * 65}, "name", "1 to 64", id="create-name-65"),
    pytest.param("media.rename", {"name": ""}, "name", "1 to 64", id="rename-name-empty"),
    pytest.param("media.rename", {"name": "n" * 65}, "name", "1 to 64", id="rename-name-65"),
    pytest.param("media.rename", {"name": None}, "name", "string", id="rename-name-none"),
]


@pytest.mark.parametrize(("op", "changes", "argument", "fragment"), CHOICE_CASES)
async def test_choices_and_names(
    amnimo: AsyncAmnimo, api: FakeAPI, op: str, changes: dict[str, Any], argument: str, fragment: str
) -> None:
    await assert_refused(amnimo, api, op, changes, argument, fragment)


# --- port operation ----------------------------------------------------------------------------


async def test_reset_needs_a_timer(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    await assert_refused(amnimo, api, "devices.operate_port", {"action": 2}, "reset_timer", "required")


@pytest.mark.parametrize("action", [0, 1])
async def test_timer_only_with_reset(amnimo: AsyncAmnimo, api: FakeAPI, action: int) -> None:
    changes = {"action": action, "reset_timer": 30}
    await assert_refused(amnimo, api, "devices.operate_port", changes, "reset_timer", "only")
