"""The camera operations on the wire and back: list, get, thumbnails and history.

Expected requests are written from the vendor's v1.7 reference (its sample curl commands and
bodies) and the wire contract; sample answers are the vendor's.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from amnimo_async import (
    AsyncAmnimo,
    Camera,
    CameraPage,
    CameraStatus,
    HistorySpan,
    RecordingStatus,
    Response,
    Thumbnail,
    ThumbnailList,
)
from amnimo_async.api.cameras import get_history, list_cameras

from ._wire import (
    CAMERA_JSON,
    CAMERA_PAGE,
    CAMERA_PATH,
    CAMERAS_PATH,
    HISTORY,
    JST,
    THUMBNAILS,
    TS,
    UTC,
    assert_bearer,
    assert_no_body,
    q,
)
from .conftest import CAMERA, MEDIA_CAMERA, PID, SUB, FakeAPI

# --- cameras -----------------------------------------------------------------------------------


def assert_sample_camera(camera: Camera) -> None:
    assert camera.id == CAMERA
    assert camera.pid == PID
    assert camera.device_version == "2.1.0"
    assert camera.status is CameraStatus.CONNECTED
    assert camera.recording_status == "string"  # not a known value: kept as the raw string
    assert not isinstance(camera.recording_status, RecordingStatus)
    assert camera.display_name == "A工場入り口"
    assert camera.tags == ("タグA",)
    assert camera.thumbnail is not None
    assert camera.thumbnail.ts == TS
    assert camera.thumbnail.ts.utcoffset() == timedelta(0)
    assert camera.thumbnail.url is None


async def test_list_cameras_defaults(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=CAMERA_PAGE)
    page = await amnimo.cameras.list(SUB)
    call = api.only_call()
    assert (call.method, call.path) == ("GET", CAMERAS_PATH)
    assert call.query == q(("isUrl", "true"), ("expiration", "60"), ("page", "0"), ("size", "500"))
    assert_bearer(call)
    assert_no_body(call)
    assert isinstance(page, CameraPage)
    assert (page.total, page.page, page.size) == (1, 0, 500)
    (camera,) = page.cameras
    assert_sample_camera(camera)


async def test_list_cameras_page_and_options(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={"total": 800, "page": 3, "size": 250, "cameras": []})
    page = await amnimo.cameras.list(SUB, page=3, size=250, is_url=False, expiration=10080)
    call = api.only_call()
    assert call.query == q(("isUrl", "false"), ("expiration", "10080"), ("page", "3"), ("size", "250"))
    assert page == CameraPage(total=800, page=3, size=250, cameras=())


async def test_list_cameras_by_id_repeats_camera_id_alone(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    ids = [CAMERA, MEDIA_CAMERA, PID]
    api.reply(json={"total": 1, "page": 0, "size": 3, "cameras": [CAMERA_JSON]})
    page = await amnimo.cameras.list(SUB, camera_ids=ids)
    call = api.only_call()
    assert call.path == CAMERAS_PATH
    assert call.query == q(
        ("cameraId", CAMERA),
        ("cameraId", MEDIA_CAMERA),
        ("cameraId", PID),
        ("isUrl", "true"),
        ("expiration", "60"),
    )
    assert page.size == 3


async def test_list_cameras_through_generated_functions(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    body = json.dumps(CAMERA_PAGE).encode()
    api.reply(content=body, headers={"Content-Type": "application/json", "X-Trace": "abc"})
    page = await list_cameras.asyncio(amnimo, subscription_id=SUB, size=10)
    assert api.only_call().query == q(("isUrl", "true"), ("expiration", "60"), ("page", "0"), ("size", "10"))
    assert page.cameras[0].id == CAMERA

    detailed = await list_cameras.asyncio_detailed(amnimo, subscription_id=SUB)
    assert isinstance(detailed, Response)
    assert detailed.status_code == 200
    assert detailed.headers["X-Trace"] == "abc"
    assert detailed.content == body
    assert isinstance(detailed.parsed, CameraPage)
    assert_sample_camera(detailed.parsed.cameras[0])
    assert api.api_calls[1].query == q(
        ("isUrl", "true"), ("expiration", "60"), ("page", "0"), ("size", "500")
    )


async def test_get_camera(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(
        json={**CAMERA_JSON, "thumbnail": {"ts": "2019-08-24T14:15:22Z", "url": "https://img.test/t.jpg"}}
    )
    camera = await amnimo.cameras.get(SUB, CAMERA, expiration=5)
    call = api.only_call()
    assert (call.method, call.path) == ("GET", CAMERA_PATH)
    assert call.query == q(("isUrl", "true"), ("expiration", "5"))
    assert_bearer(call)
    assert camera.thumbnail is not None
    assert camera.thumbnail.url == "https://img.test/t.jpg"
    assert camera.display_name == "A工場入り口"


async def test_camera_with_only_an_id_has_empty_optional_fields(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={"id": CAMERA, "thumbnail": None})
    camera = await amnimo.cameras.get(SUB, CAMERA, is_url=False)
    assert api.only_call().query == q(("isUrl", "false"), ("expiration", "60"))
    assert camera == Camera(id=CAMERA)
    assert camera.pid is None
    assert camera.device_version is None
    assert camera.status is None
    assert camera.recording_status is None
    assert camera.display_name is None
    assert camera.tags == ()
    assert camera.thumbnail is None
    assert camera.extra == {}


async def test_camera_keeps_unknown_values_and_fields(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(
        json={
            **CAMERA_JSON,
            "status": "MAINTENANCE",
            "recordingStatus": "RECORDING",
            "firmware": {"channel": "beta"},
            "thumbnail": {"ts": "2019-08-24T14:15:22Z", "width": 640},
        }
    )
    camera = await amnimo.cameras.get(SUB, CAMERA)
    assert camera.status == "MAINTENANCE"
    assert not isinstance(camera.status, CameraStatus)
    assert camera.recording_status is RecordingStatus.RECORDING
    assert camera.extra == {"firmware": {"channel": "beta"}}
    assert camera.thumbnail is not None
    assert camera.thumbnail.extra == {"width": 640}


async def test_thumbnails(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=THUMBNAILS)
    result = await amnimo.cameras.thumbnails(
        SUB,
        CAMERA,
        start_time=datetime(2025, 2, 2, 15, tzinfo=UTC),
        end_time=datetime(2025, 2, 16, 15, tzinfo=UTC),
        limit=10,
    )
    call = api.only_call()
    assert (call.method, call.path) == ("GET", f"{CAMERA_PATH}/thumbnails")
    assert call.query == q(
        ("startTime", "2025-02-02T15:00:00.000Z"),
        ("endTime", "2025-02-16T15:00:00.000Z"),
        ("limit", "10"),
        ("isUrl", "true"),
        ("expiration", "60"),
    )
    assert_bearer(call)
    assert result == ThumbnailList(
        total=1, thumbnails=(Thumbnail(ts=datetime(2025, 2, 14, 15, tzinfo=UTC), code="200"),)
    )
    assert result.thumbnails[0].url is None


async def test_thumbnails_times_in_other_zones_go_out_as_utc_milliseconds(
    amnimo: AsyncAmnimo, api: FakeAPI
) -> None:
    api.reply(json={"total": 0, "thumbnails": []})
    await amnimo.cameras.thumbnails(
        SUB,
        CAMERA,
        start_time=datetime(2025, 2, 3, 0, 0, 0, 123456, tzinfo=JST),
        end_time=datetime(2025, 2, 2, 10, 30, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
    )
    assert api.only_call().query == q(
        ("startTime", "2025-02-02T15:00:00.123Z"),
        ("endTime", "2025-02-02T16:00:00.000Z"),
        ("limit", "1"),
        ("isUrl", "true"),
        ("expiration", "60"),
    )


async def test_thumbnails_without_a_window_send_no_times(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(
        json={"total": 1, "thumbnails": [{"ts": "2025-02-14T15:00:00Z", "code": "200", "url": "https://x"}]}
    )
    result = await amnimo.cameras.thumbnails(SUB, CAMERA, limit=100, is_url=True, expiration=1)
    assert api.only_call().query == q(("limit", "100"), ("isUrl", "true"), ("expiration", "1"))
    assert result.thumbnails[0].url == "https://x"


async def test_history(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=[*HISTORY, {"s": 1750807890123, "d": 1}])
    spans = await amnimo.cameras.history(
        SUB,
        CAMERA,
        start_time=datetime(2025, 2, 2, 15, tzinfo=UTC),
        end_time=datetime(2025, 2, 16, 16, tzinfo=UTC),
    )
    call = api.only_call()
    assert (call.method, call.path) == ("GET", f"{CAMERA_PATH}/history")
    assert call.query == q(("startTime", "2025-02-02T15:00:00.000Z"), ("endTime", "2025-02-16T16:00:00.000Z"))
    assert_bearer(call)
    # 1750807890000 ms after the epoch is 2025-06-24T23:31:30Z; d is milliseconds.
    first, second = spans
    assert first == HistorySpan(
        start=datetime(2025, 6, 24, 23, 31, 30, tzinfo=UTC), duration=timedelta(seconds=123, milliseconds=456)
    )
    assert first.start.utcoffset() == timedelta(0)
    assert first.end == datetime(2025, 6, 24, 23, 33, 33, 456000, tzinfo=UTC)
    assert second.start == datetime(2025, 6, 24, 23, 31, 30, 123000, tzinfo=UTC)
    assert second.duration == timedelta(milliseconds=1)


async def test_history_through_the_detailed_function(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=[])
    response = await get_history.asyncio_detailed(
        amnimo,
        subscription_id=SUB,
        camera_id=CAMERA,
        start_time=datetime(2025, 2, 3, tzinfo=JST),
        end_time=datetime(2025, 2, 3, tzinfo=JST),
    )
    assert response.status_code == 200
    assert response.parsed == ()
    assert response.content == b"[]"
    assert api.only_call().query == q(
        ("startTime", "2025-02-02T15:00:00.000Z"), ("endTime", "2025-02-02T15:00:00.000Z")
    )
