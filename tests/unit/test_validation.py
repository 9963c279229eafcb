"""Arguments that break a documented constraint raise ValidationError before anything is sent.

Each rule is checked through the client namespaces on a fresh client: the error names the Python
argument and the allowed range, and the fake server saw nothing at all (not even a token call).
Values just inside each documented range are sent as given.
"""

from __future__ import annotations

import uuid
from collections.abc import Coroutine
from datetime import date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from amnimo_async import AsyncAmnimo, ValidationError
from amnimo_async.api.cameras import list_cameras
from amnimo_async.api.media import create_media

from .conftest import ACCOUNT, CAMERA, DEVICE, MEDIA_ID, REQUEST_ID, SUB, FakeAPI

UTC = timezone.utc
T0 = datetime(2025, 2, 2, 15, tzinfo=UTC)
T1 = datetime(2025, 2, 2, 15, 30, tzinfo=UTC)
NAIVE = datetime(2025, 2, 2, 15)
IDS = [f"{i:08x}-0a88-45be-9cfc-{i:012x}" for i in range(1, 12)]  # 11 distinct camera ids

# Every operation of the client, with arguments that are valid on their own.
OPS: dict[str, dict[str, Any]] = {
    "accounts.hierarchy": {"account_id": ACCOUNT},
    "cameras.list": {"subscription_id": SUB},
    "cameras.get": {"subscription_id": SUB, "camera_id": CAMERA},
    "cameras.thumbnails": {"subscription_id": SUB, "camera_id": CAMERA},
    "cameras.history": {"subscription_id": SUB, "camera_id": CAMERA, "start_time": T0, "end_time": T1},
    "cameras.get_many": {"subscription_id": SUB, "camera_ids": [CAMERA]},
    "streams.start_hls": {"subscription_id": SUB, "camera_id": CAMERA, "dt": "live"},
    "streams.update_hls": {"subscription_id": SUB, "camera_id": CAMERA, "request_id": REQUEST_ID},
    "streams.stop_hls": {"subscription_id": SUB, "camera_id": CAMERA, "request_id": REQUEST_ID},
    "media.create": {"subscription_id": SUB, "camera_id": CAMERA, "category": "CLIP", "start_time": T0},
    "media.search": {"subscription_id": SUB},
    "media.get": {"subscription_id": SUB, "media_id": MEDIA_ID},
    "media.rename": {"subscription_id": SUB, "media_id": MEDIA_ID, "name": "clip"},
    "media.delete": {"subscription_id": SUB, "media_id": MEDIA_ID},
    "devices.list_external": {"subscription_id": SUB},
    "devices.external": {"subscription_id": SUB, "device_id": DEVICE},
    "devices.peripherals": {"subscription_id": SUB, "device_id": DEVICE},
    "devices.operate_port": {"subscription_id": SUB, "device_id": DEVICE, "port_id": "POE0", "action": 1},
}

EMPTY_SUMMARY = {
    "isFirstPage": True,
    "isLastPage": True,
    "pageNumber": 0,
    "pageSize": 10,
    "totalPages": 0,
    "total": 0,
}
ANSWERS: dict[str, tuple[int, Any]] = {
    "accounts.hierarchy": (200, {"accountId": ACCOUNT}),
    "cameras.list": (200, {"total": 0, "page": 0, "size": 500, "cameras": []}),
    "cameras.get": (200, {"id": CAMERA}),
    "cameras.thumbnails": (200, {"total": 0, "thumbnails": []}),
    "cameras.history": (200, []),
    "streams.start_hls": (200, {"requestId": REQUEST_ID}),
    "streams.update_hls": (200, {"result": "OK"}),
    "streams.stop_hls": (200, {"result": "OK"}),
    "media.create": (200, {"id": MEDIA_ID}),
    "media.search": (200, []),
    "media.get": (200, {"id": MEDIA_ID}),
    "media.rename": (200, {"id": MEDIA_ID}),
    "media.delete": (204, None),
    "devices.list_external": (200, {"data": [], "summary": EMPTY_SUMMARY}),
    "devices.external": (200, {"data": [], "summary": {"total": 0}}),
    "devices.peripherals": (200, {"data": [], "summary": {"total": 0}}),
    "devices.operate_port": (200, {}),
}

CAMERA_OPS = [op for op, kwargs in OPS.items() if "camera_id" in kwargs]
DEVICE_OPS = [op for op, kwargs in OPS.items() if "device_id" in kwargs]
MEDIA_ID_OPS = [op for op, kwargs in OPS.items() if "media_id" in kwargs]
SUBSCRIPTION_OPS = [op for op, kwargs in OPS.items() if "subscription_id" in kwargs]
EXPIRATION_OPS = ["cameras.list", "cameras.get", "cameras.thumbnails", "cameras.get_many", "media.get"]
SEARCHES = [("media.search", {}), ("media.search", {"camera_id": CAMERA})]

BAD_UUIDS = [
    pytest.param("", id="empty"),
    pytest.param("not-a-uuid", id="words"),
    pytest.param("3d07c219-0a88-45be-9cfc-91e9d095a1e", id="short"),
    pytest.param("3d07c219-0a88-45be-9cfc-91e9d095a1e9a", id="long"),
    pytest.param("3d07c219-0a88-45be-9cfc-91e9d095a1eg", id="not-hex"),
    pytest.param("3d07c2190a8845be9cfc91e9d095a1e9", id="no-hyphens"),
    pytest.param("{3d07c219-0a88-45be-9cfc-91e9d095a1e9}", id="braces"),
    pytest.param("urn:uuid:3d07c219-0a88-45be-9cfc-91e9d095a1e9", id="urn"),
    pytest.param(None, id="none"),
    pytest.param(12345, id="int"),
]


def invoke(amnimo: AsyncAmnimo, op: str, **changes: Any) -> Coroutine[Any, Any, Any]:
    """Call ``amnimo.<namespace>.<method>`` with the op's valid arguments updated by ``changes``."""
    namespace, method = op.split(".")
    return getattr(getattr(amnimo, namespace), method)(**{**OPS[op], **changes})  # type: ignore[no-any-return]


async def assert_refused(
    amnimo: AsyncAmnimo, api: FakeAPI, op: str, changes: dict[str, Any], argument: str, fragment: str
) -> None:
    with pytest.raises(ValidationError) as info:
        await invoke(amnimo, op, **changes)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.argument == argument
    assert fragment in str(error)
    assert str(error).startswith(f"{argument}: ")
    assert api.calls == []  # nothing sent, not even a token call


# --- ids ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", BAD_UUIDS)
async def test_bad_account_id(amnimo: AsyncAmnimo, api: FakeAPI, value: object) -> None:
    await assert_refused(amnimo, api, "accounts.hierarchy", {"account_id": value}, "account_id", "uuid")


@pytest.mark.parametrize("value", BAD_UUIDS)
async def test_bad_subscription_id_forms(amnimo: AsyncAmnimo, api: FakeAPI, value: object) -> None:
    await assert_refused(amnimo, api, "cameras.list", {"subscription_id": value}, "subscription_id", "uuid")


@pytest.mark.parametrize("op", SUBSCRIPTION_OPS)
async def test_bad_subscription_id_on_every_operation(amnimo: AsyncAmnimo, api: FakeAPI, op: str) -> None:
    await assert_refused(amnimo, api, op, {"subscription_id": "d079718b"}, "subscription_id", "uuid")


@pytest.mark.parametrize("op", CAMERA_OPS)
async def test_bad_camera_id_on_every_camera_operation(amnimo: AsyncAmnimo, api: FakeAPI, op: str) -> None:
    await assert_refused(amnimo, api, op, {"camera_id": "camera-1"}, "camera_id", "uuid")


@pytest.mark.parametrize("value", BAD_UUIDS)
async def test_bad_camera_id_forms(amnimo: AsyncAmnimo, api: FakeAPI, value: object) -> None:
    await assert_refused(amnimo, api, "cameras.get", {"camera_id": value}, "camera_id", "uuid")


async def test_bad_camera_id_of_a_camera_media_search(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    await assert_refused(amnimo, api, "media.search", {"camera_id": "camera-1"}, "camera_id", "uuid")


@pytest.mark.parametrize("op", DEVICE_OPS)
@pytest.mark.parametrize("value", ["", "device-1", "3e871bad977c27c24cf1ebe13bee0d66", None])
async def test_bad_device_id(amnimo: AsyncAmnimo, api: FakeAPI, op: str, value: object) -> None:
    await assert_refused(amnimo, api, op, {"device_id": value}, "device_id", "uuid")


@pytest.mark.parametrize(
    ("op", "argument"),
    [
        ("accounts.hierarchy", "account_id"),
        ("cameras.list", "subscription_id"),
        ("cameras.get", "camera_id"),
        ("devices.peripherals", "device_id"),
    ],
)
async def test_uuid_with_misplaced_hyphens_is_refused(
    amnimo: AsyncAmnimo, api: FakeAPI, op: str, argument: str
) -> None:
    """36 characters and 32 hex digits, but not in 8-4-4-4-12 form: a typo, not an id."""
    misplaced = "3d07c2190-a88-45be-9cfc-91e9d095a1e9"
    await assert_refused(amnimo, api, op, {argument: misplaced}, argument, "uuid")


@pytest.mark.parametrize("op", MEDIA_ID_OPS)
async def test_empty_media_id(amnimo: AsyncAmnimo, api: FakeAPI, op: str) -> None:
    await assert_refused(amnimo, api, op, {"media_id": ""}, "media_id", "at least 1")


@pytest.mark.parametrize("op", MEDIA_ID_OPS)
async def test_media_id_must_be_a_string(amnimo: AsyncAmnimo, api: FakeAPI, op: str) -> None:
    await assert_refused(amnimo, api, op, {"media_id": None}, "media_id", "string")


async def test_empty_port_id(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    await assert_refused(amnimo, api, "devices.operate_port", {"port_id": ""}, "port_id", "at least 1")


@pytest.mark.parametrize("op", ["streams.update_hls", "streams.stop_hls"])
@pytest.mark.parametrize("value", ["", None])
async def test_empty_request_id(amnimo: AsyncAmnimo, api: FakeAPI, op: str, value: object) -> None:
    fragment = "at least 1" if value == "" else "string"
    await assert_refused(amnimo, api, op, {"request_id": value}, "request_id", fragment)


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


# --- times -------------------------------------------------------------------------------------

DATETIME_ARGUMENTS = [
    ("cameras.thumbnails", "start_time"),
    ("cameras.thumbnails", "end_time"),
    ("cameras.history", "start_time"),
    ("cameras.history", "end_time"),
    ("streams.start_hls", "dt"),
    ("media.create", "start_time"),
    ("media.create", "end_time"),
]


@pytest.mark.parametrize(("op", "argument"), DATETIME_ARGUMENTS)
async def test_naive_datetimes_are_refused(amnimo: AsyncAmnimo, api: FakeAPI, op: str, argument: str) -> None:
    await assert_refused(amnimo, api, op, {argument: NAIVE}, argument, "timezone-aware")


@pytest.mark.parametrize(("op", "argument"), [a for a in DATETIME_ARGUMENTS if a[1] != "dt"])
@pytest.mark.parametrize("value", ["2025-02-02T15:00:00.000Z", date(2025, 2, 2), 1738508400])
async def test_non_datetimes_are_refused(
    amnimo: AsyncAmnimo, api: FakeAPI, op: str, argument: str, value: object
) -> None:
    await assert_refused(amnimo, api, op, {argument: value}, argument, "timezone-aware")


@pytest.mark.parametrize("op", ["cameras.thumbnails", "cameras.history", "media.create"])
async def test_end_before_start(amnimo: AsyncAmnimo, api: FakeAPI, op: str) -> None:
    changes = {"start_time": T1, "end_time": T1 - timedelta(milliseconds=1)}
    await assert_refused(amnimo, api, op, changes, "end_time", "start_time")


async def test_end_before_start_across_zones(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    # 15:30 UTC is 00:30 the next day in Japan; 00:29 JST is a minute earlier.
    end = datetime(2025, 2, 3, 0, 29, tzinfo=timezone(timedelta(hours=9)))
    changes = {"start_time": T1, "end_time": end}
    await assert_refused(amnimo, api, "cameras.history", changes, "end_time", "start_time")


@pytest.mark.parametrize("value", ["yesterday", "LIVE", "", "2025-02-02T15:00:00.000Z", None, 0])
async def test_dt_must_be_live_or_an_aware_datetime(amnimo: AsyncAmnimo, api: FakeAPI, value: object) -> None:
    await assert_refused(amnimo, api, "streams.start_hls", {"dt": value}, "dt", "live")


# --- port operation ----------------------------------------------------------------------------


async def test_reset_needs_a_timer(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    await assert_refused(amnimo, api, "devices.operate_port", {"action": 2}, "reset_timer", "required")


@pytest.mark.parametrize("action", [0, 1])
async def test_timer_only_with_reset(amnimo: AsyncAmnimo, api: FakeAPI, action: int) -> None:
    changes = {"action": action, "reset_timer": 30}
    await assert_refused(amnimo, api, "devices.operate_port", changes, "reset_timer", "only")


# --- the generated-style functions validate the same way --------------------------------------


async def test_generated_function_validates_before_sending(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    with pytest.raises(ValidationError) as info:
        await list_cameras.asyncio(amnimo, subscription_id=SUB, size=0)
    assert info.value.argument == "size"
    with pytest.raises(ValidationError) as info:
        await create_media.asyncio_detailed(
            amnimo, subscription_id=SUB, camera_id=CAMERA, category="CLIP", start_time=NAIVE
        )
    assert info.value.argument == "start_time"
    assert api.calls == []


async def test_a_refused_call_does_not_spend_the_token(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=ANSWERS["cameras.get"][1])
    await amnimo.cameras.get(SUB, CAMERA)
    before = len(api.calls)
    with pytest.raises(ValidationError):
        await amnimo.cameras.get(SUB, CAMERA, expiration=0)
    assert len(api.calls) == before == 2


# --- values at the edges of each range are sent ------------------------------------------------

_64 = "名" * 64  # 64 characters (not bytes)

VALID_CASES = [
    *(
        pytest.param(op, {"expiration": v}, "query", ("expiration", str(v)), id=f"{op}-expiration-{v}")
        for op in ["cameras.list", "cameras.get", "cameras.thumbnails", "media.get"]
        for v in (1, 10080)
    ),
    pytest.param("cameras.list", {"size": 500}, "query", ("size", "500"), id="size-500"),
    pytest.param("cameras.list", {"size": 1}, "query", ("size", "1"), id="size-1"),
    pytest.param("cameras.list", {"page": 0}, "query", ("page", "0"), id="page-0"),
    pytest.param("cameras.list", {"camera_ids": IDS[:10]}, "query", ("cameraId", IDS[:10]), id="ten-ids"),
    pytest.param("cameras.list", {"camera_ids": IDS[:1]}, "query", ("cameraId", IDS[:1]), id="one-id"),
    pytest.param("cameras.thumbnails", {"limit": 1}, "query", ("limit", "1"), id="limit-1"),
    pytest.param("cameras.thumbnails", {"limit": 100}, "query", ("limit", "100"), id="limit-100"),
    pytest.param(
        "streams.start_hls", {"keep_alive_period": 10}, "query", ("keepAlivePeriod", "10"), id="kap-10"
    ),
    pytest.param(
        "streams.start_hls", {"keep_alive_period": 3600}, "query", ("keepAlivePeriod", "3600"), id="kap-3600"
    ),
    pytest.param("streams.start_hls", {"retry": 1}, "query", ("retry", "1"), id="retry-1"),
    pytest.param("streams.start_hls", {"retry": 100}, "query", ("retry", "100"), id="retry-100"),
    pytest.param("devices.list_external", {"size": 1}, "query", ("size", "1"), id="external-size-1"),
    pytest.param(
        "cameras.history",
        {"start_time": T0, "end_time": T0},
        "query",
        ("endTime", "2025-02-02T15:00:00.000Z"),
        id="history-empty-window",
    ),
    pytest.param("media.create", {"name": _64}, "json", {"name": _64}, id="create-name-64"),
    pytest.param("media.create", {"name": "n"}, "json", {"name": "n"}, id="create-name-1"),
    pytest.param("media.rename", {"name": _64}, "json", {"data": {"name": _64}}, id="rename-name-64"),
    pytest.param("media.rename", {"name": "n"}, "json", {"data": {"name": "n"}}, id="rename-name-1"),
    pytest.param("media.search", {"page_size": 1}, "json", {"pageSize": 1}, id="page_size-1"),
    pytest.param("media.search", {"page_size": 1000}, "json", {"pageSize": 1000}, id="page_size-1000"),
    pytest.param("media.search", {"page_number": 0}, "json", {"pageNumber": 0}, id="page_number-0"),
    pytest.param("media.search", {"sort_dir": "asc"}, "json", {"sortDir": "asc"}, id="sort-asc"),
    pytest.param(
        "media.search",
        {"categories": ["CLIP", "SNAPSHOT"]},
        "json",
        {"categories": ["CLIP", "SNAPSHOT"]},
        id="categories-both",
    ),
    pytest.param(
        "devices.operate_port",
        {"action": 2, "reset_timer": 1},
        "json",
        {"action": 2, "resetTimer": 1},
        id="reset_timer-1",
    ),
]


@pytest.mark.parametrize(("op", "changes", "where", "expected"), VALID_CASES)
async def test_edge_values_are_sent(
    amnimo: AsyncAmnimo, api: FakeAPI, op: str, changes: dict[str, Any], where: str, expected: Any
) -> None:
    status, body = ANSWERS[op]
    api.reply(status, json=body)
    await invoke(amnimo, op, **changes)
    call = api.only_call()
    if where == "query":
        name, value = expected
        values = value if isinstance(value, list) else [value]
        assert sorted(v for n, v in call.params if n == name) == sorted(values)
    else:
        assert call.json is not None
        assert {key: call.json.get(key) for key in expected} == expected


async def test_upper_case_and_uuid_objects_are_sent_in_canonical_form(
    amnimo: AsyncAmnimo, api: FakeAPI
) -> None:
    api.reply(json={"id": CAMERA})
    await amnimo.cameras.get(SUB.upper(), uuid.UUID(CAMERA))  # type: ignore[arg-type]
    assert api.only_call().path == f"/ex/partitions/{SUB}/cameras/{CAMERA}"


async def test_get_many_validates_every_chunk_before_sending_any(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.respond_with(lambda request: httpx.Response(500))
    ids = [*IDS, *IDS[:5], "camera-x"]  # the bad id would be in the second request
    with pytest.raises(ValidationError) as info:
        await amnimo.cameras.get_many(SUB, ids)
    assert info.value.argument.startswith("camera_ids")
    assert api.calls == []
