"""Every operation on the wire and back: the exact request sent, and the models parsed from answers.

Expected requests are written from the vendor's v1.7 reference (its sample curl commands and
bodies) and the wire contract; sample answers are the vendor's.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from amnimo_async import (
    Account,
    ActivationStatus,
    AsyncAmnimo,
    Camera,
    CameraPage,
    CameraStatus,
    DeviceExternalDevices,
    ExternalDevice,
    ExternalDeviceList,
    ExternalDevicePage,
    ExternalDeviceStatus,
    HistorySpan,
    HlsResult,
    HlsSession,
    LinkStatus,
    Media,
    MediaCategory,
    MediaSource,
    MediaStatus,
    MediaType,
    NotFoundError,
    PageSummary,
    Peripheral,
    PeripheralList,
    PermissionDeniedError,
    PortAction,
    PortOperationResult,
    RecordingStatus,
    Response,
    Thumbnail,
    ThumbnailList,
    TokenGrant,
)
from amnimo_async.api.accounts import get_hierarchy
from amnimo_async.api.auth import issue_token
from amnimo_async.api.cameras import get_history, list_cameras
from amnimo_async.api.devices import operate_port
from amnimo_async.api.media import delete_media, search_subscription_media

from .. import vendor_samples
from .conftest import (
    ACCOUNT,
    BASIC,
    BEARER,
    CAMERA,
    CHILD_ACCOUNT,
    CHILD_SUB,
    DEVICE,
    MEDIA_CAMERA,
    MEDIA_ID,
    PID,
    REQUEST_ID,
    SUB,
    TOKEN,
    Call,
    ClientFactory,
    FakeAPI,
    Responder,
)

UTC = timezone.utc
JST = timezone(timedelta(hours=9))
TS = datetime(2019, 8, 24, 14, 15, 22, tzinfo=UTC)  # the vendor's "2019-08-24T14:15:22Z"

CAMERAS_PATH = f"/ex/partitions/{SUB}/cameras"
CAMERA_PATH = f"/ex/partitions/{SUB}/cameras/{CAMERA}"
MEDIA_PATH = f"/ex/partitions/{SUB}/medias/{MEDIA_ID}"
DEVICE_PATH = f"/ex/partitions/{SUB}/devices/{DEVICE}"

# --- the vendor's sample answers --------------------------------------------------------------

HIERARCHY = vendor_samples.ACCOUNT
CAMERA_JSON = vendor_samples.CAMERA
CAMERA_PAGE = vendor_samples.CAMERA_PAGE
THUMBNAILS = vendor_samples.THUMBNAILS
HISTORY = [vendor_samples.HISTORY_SPAN]
MEDIA_JSON = vendor_samples.MEDIA
EXTERNAL_DEVICE_PAGE = vendor_samples.EXTERNAL_DEVICE_PAGE
DEVICE_EXTERNAL_DEVICES = vendor_samples.DEVICE_EXTERNAL_DEVICES
PERIPHERALS = vendor_samples.PERIPHERALS


def q(*pairs: tuple[str, str]) -> Counter[tuple[str, str]]:
    """An expected query string as a multiset of (name, value) pairs."""
    return Counter(pairs)


def assert_bearer(call: Call) -> None:
    assert call.headers["Authorization"] == BEARER


def assert_json_body(call: Call, expected: object) -> None:
    assert call.headers["Content-Type"] == "application/json"
    assert call.json == expected


def assert_no_body(call: Call) -> None:
    assert call.content == b""
    assert call.json is None


# --- the token ---------------------------------------------------------------------------------


async def test_the_token_call_is_a_basic_authenticated_form_post(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=CAMERA_JSON)
    await amnimo.cameras.get(SUB, CAMERA)
    token_call = api.calls[0]
    assert token_call.method == "POST"
    assert token_call.path == "/ex/oauth2/token"
    assert token_call.params == []
    assert token_call.headers["Authorization"] == BASIC
    assert token_call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert token_call.form == {"grant_type": "client_credentials"}
    assert_bearer(api.only_call())


async def test_the_token_is_reused_across_calls(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=CAMERA_JSON)
    for _ in range(3):
        await amnimo.cameras.get(SUB, CAMERA)
    assert len(api.token_calls) == 1
    assert len(api.api_calls) == 3
    assert all(call.headers["Authorization"] == BEARER for call in api.api_calls)


async def test_issue_token_module_returns_the_grant(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    grant = await issue_token.asyncio(amnimo)
    assert grant == TokenGrant(access_token=TOKEN, token_type="Bearer", expires_in=7200)
    assert [c.path for c in api.calls] == ["/ex/oauth2/token"]
    assert api.calls[0].headers["Authorization"] == BASIC


# --- accounts ----------------------------------------------------------------------------------


async def test_hierarchy(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=HIERARCHY)
    root = await amnimo.accounts.hierarchy(ACCOUNT)
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("GET", f"/ex/accounts/{ACCOUNT}/hierarchy", [])
    assert_bearer(call)
    assert_no_body(call)
    assert root.account_name == "テナント1"
    assert root.account_id == ACCOUNT
    assert root.subscription_name == "サブスクリプション1"
    assert root.subscription_id == SUB
    (child,) = root.child_accounts
    assert child == Account(
        account_id=CHILD_ACCOUNT,
        account_name="テナント2",
        subscription_id=CHILD_SUB,
        subscription_name="サブスクリプション2",
        child_accounts=(),  # its only child was {}
    )
    assert root.subscription_ids() == [SUB, CHILD_SUB]


async def test_hierarchy_subscription_ids_span_the_whole_tree(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    ids = [str(uuid.UUID(int=i)) for i in range(1, 10)]
    api.reply(
        json={
            "accountId": ids[0],
            "subscriptionId": "sub-a",
            "childAccounts": [
                {},
                {
                    "accountId": ids[1],
                    "subscriptionId": "sub-b",
                    "childAccounts": [
                        {"accountId": ids[2], "subscriptionId": "sub-c", "childAccounts": [{}, {}]},
                        {"accountId": ids[3]},  # no subscription
                    ],
                },
                {"accountId": ids[4], "subscriptionId": "sub-a"},  # repeated: listed once
                {"accountId": ids[5], "subscriptionId": "sub-d", "futureField": 1},
            ],
        }
    )
    root = await amnimo.accounts.hierarchy(ids[0])
    assert root.subscription_ids() == ["sub-a", "sub-b", "sub-c", "sub-d"]
    assert [a.account_id for a in root.child_accounts] == [ids[1], ids[4], ids[5]]
    assert root.child_accounts[1].account_name is None
    assert root.child_accounts[1].child_accounts == ()
    assert root.child_accounts[2].extra == {"futureField": 1}


async def test_hierarchy_through_the_generated_function(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=HIERARCHY)
    root = await get_hierarchy.asyncio(amnimo, account_id=ACCOUNT.upper())
    assert api.only_call().path == f"/ex/accounts/{ACCOUNT}/hierarchy"  # canonical lower case
    assert root.account_id == ACCOUNT


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


# --- get_many ----------------------------------------------------------------------------------


def camera_ids(n: int) -> list[str]:
    return [f"{i:08x}-0a88-45be-9cfc-{i:012x}" for i in range(1, n + 1)]


def answer_by_id(found: set[str] | None = None) -> Responder:
    """A responder for listCameras by id: every asked camera (or those in ``found``), reversed."""

    def responder(request: httpx.Request) -> httpx.Response:
        asked = request.url.params.get_list("cameraId")
        cameras = [{"id": i} for i in reversed(asked) if found is None or i in found]
        return httpx.Response(
            200, json={"total": len(cameras), "page": 0, "size": len(asked), "cameras": cameras}
        )

    return responder


async def test_get_many_sends_ten_ids_per_request_and_keeps_the_asked_order(
    amnimo: AsyncAmnimo, api: FakeAPI
) -> None:
    ids = camera_ids(25)
    api.respond_with(answer_by_id())
    cameras = await amnimo.cameras.get_many(SUB, ids)
    assert [c.id for c in cameras] == ids
    assert len(api.token_calls) == 1
    calls = api.api_calls
    assert len(calls) == 3
    sent: list[str] = []
    for call in calls:
        assert (call.method, call.path) == ("GET", CAMERAS_PATH)
        assert_bearer(call)
        names = Counter(name for name, _ in call.params)
        assert names["page"] == names["size"] == 0
        assert names["isUrl"] == names["expiration"] == 1
        assert ("isUrl", "true") in call.params
        assert ("expiration", "60") in call.params
        sent += [value for name, value in call.params if name == "cameraId"]
    assert sorted(Counter(name for name, _ in c.params)["cameraId"] for c in calls) == [5, 10, 10]
    assert sorted(sent) == sorted(ids)


async def test_get_many_dedupes_repeated_ids(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    ids = camera_ids(3)
    api.respond_with(answer_by_id())
    cameras = await amnimo.cameras.get_many(
        SUB, [ids[2], ids[0], ids[2].upper(), ids[1], ids[0]], is_url=False
    )
    assert [c.id for c in cameras] == [ids[2], ids[0], ids[1]]
    call = api.only_call()
    assert call.query == q(
        ("cameraId", ids[2]),
        ("cameraId", ids[0]),
        ("cameraId", ids[1]),
        ("isUrl", "false"),
        ("expiration", "60"),
    )


async def test_get_many_names_missing_cameras(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    ids = camera_ids(12)
    missing = {ids[3], ids[11]}
    api.respond_with(answer_by_id(set(ids) - missing))
    with pytest.raises(NotFoundError) as info:
        await amnimo.cameras.get_many(SUB, ids)
    assert info.value.status_code == 404
    assert ids[3] in str(info.value)
    assert ids[11] in str(info.value)
    assert all(i not in str(info.value) for i in set(ids) - missing)


async def test_get_many_error_body_lists_every_missing_camera(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    ids = camera_ids(25)
    api.respond_with(answer_by_id(set(ids[:5])))
    with pytest.raises(NotFoundError) as info:
        await amnimo.cameras.get_many(SUB, ids)
    assert all(i in info.value.body for i in ids[5:])
    assert all(i not in info.value.body for i in ids[:5])
    assert len(api.api_calls) == 3  # every chunk was asked before the error


async def test_get_many_skip_missing_returns_the_found_in_order(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    ids = camera_ids(12)
    api.respond_with(answer_by_id(set(ids) - {ids[3], ids[11]}))
    cameras = await amnimo.cameras.get_many(SUB, ids, skip_missing=True)
    assert [c.id for c in cameras] == [i for i in ids if i not in (ids[3], ids[11])]


@pytest.mark.parametrize(
    ("status", "reason", "error"),
    [(403, "FORBIDDEN", PermissionDeniedError), (404, "NOT FOUND", NotFoundError)],
)
async def test_get_many_raises_the_api_error_itself(
    make_client: ClientFactory, api: FakeAPI, status: int, reason: str, error: type[Exception]
) -> None:
    """A user catches ``NotFoundError`` from get_many like from any call, not an ExceptionGroup."""
    amnimo = make_client(max_retries=0)
    body = [
        {"ts": "2019-08-24T14:15:22Z", "status": reason, "message": "Unknown subscription", "details": [{}]}
    ]
    api.reply(status, json=body)
    with pytest.raises(error):
        await amnimo.cameras.get_many(SUB, camera_ids(3))


# --- streams -----------------------------------------------------------------------------------


async def test_start_hls_live(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={"requestId": REQUEST_ID, "url": "https://hls.test/live.m3u8"})
    session = await amnimo.streams.start_hls(SUB, CAMERA, dt="live", keep_alive_period=60)
    call = api.only_call()
    assert (call.method, call.path) == ("GET", f"{CAMERA_PATH}/streams/hls/start")
    assert call.query == q(("dt", "live"), ("retry", "20"), ("keepAlivePeriod", "60"))
    assert_bearer(call)
    assert_no_body(call)
    assert session == HlsSession(request_id=REQUEST_ID, url="https://hls.test/live.m3u8")


async def test_start_hls_from_a_past_time(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={"requestId": REQUEST_ID})
    session = await amnimo.streams.start_hls(
        SUB, CAMERA, dt=datetime(2025, 2, 3, 1, 2, 3, tzinfo=JST), retry=5
    )
    assert api.only_call().query == q(
        ("dt", "2025-02-02T16:02:03.000Z"), ("retry", "5"), ("keepAlivePeriod", "10")
    )
    assert session.request_id == REQUEST_ID
    assert session.url is None


@pytest.mark.parametrize("action", ["update_hls", "stop_hls"])
async def test_update_and_stop_hls(amnimo: AsyncAmnimo, api: FakeAPI, action: str) -> None:
    api.reply(json={"result": "OK"})
    result = await getattr(amnimo.streams, action)(SUB, CAMERA, REQUEST_ID)
    call = api.only_call()
    verb = action.removesuffix("_hls")
    assert (call.method, call.path) == ("GET", f"{CAMERA_PATH}/streams/hls/{verb}")
    assert call.query == q(("requestId", REQUEST_ID))
    assert_bearer(call)
    assert result == HlsResult(result="OK")


# --- media -------------------------------------------------------------------------------------


def assert_sample_media(media: Media) -> None:
    assert media.id == MEDIA_ID
    assert media.camera_id == MEDIA_CAMERA
    assert media.pid == PID
    assert media.type is MediaType.IMAGE
    assert media.source is MediaSource.CLOUD
    assert media.category is MediaCategory.CLIP
    assert media.start_time == TS
    assert media.end_time == TS
    assert media.name == "media-testName"
    assert media.status is MediaStatus.COMPLETED
    assert media.requested_date_time == TS
    assert media.requested_date_time.utcoffset() == timedelta(0)
    assert media.size == 2078322
    assert media.meta is not None
    assert media.meta.user is not None
    assert media.meta.user.id == "string"
    assert media.url is None


async def test_create_media_clip(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=MEDIA_JSON)
    media = await amnimo.media.create(
        SUB,
        CAMERA,
        category="CLIP",
        start_time=datetime(2025, 2, 2, 15, tzinfo=UTC),
        end_time=datetime(2025, 2, 2, 15, 30, tzinfo=UTC),
        name="media Name",
    )
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("POST", f"{CAMERA_PATH}/media", [])
    assert_bearer(call)
    assert_json_body(
        call,
        {
            "category": "CLIP",
            "startTime": "2025-02-02T15:00:00.000Z",
            "endTime": "2025-02-02T15:30:00.000Z",
            "name": "media Name",
        },
    )
    assert_sample_media(media)


async def test_create_media_snapshot_sends_only_what_was_given(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={"id": MEDIA_ID, "status": "PROCESSING", "category": "SNAPSHOT"})
    media = await amnimo.media.create(
        SUB, CAMERA, category="SNAPSHOT", start_time=datetime(2025, 2, 3, 0, 0, 0, 999999, tzinfo=JST)
    )
    assert_json_body(api.only_call(), {"category": "SNAPSHOT", "startTime": "2025-02-02T15:00:00.999Z"})
    assert media.status is MediaStatus.PROCESSING
    assert media.category is MediaCategory.SNAPSHOT
    assert media.start_time is None
    assert media.meta is None
    assert media.size is None


async def test_search_subscription_media_by_default(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=[MEDIA_JSON])
    found = await amnimo.media.search(SUB)
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("POST", f"/ex/partitions/{SUB}/medias", [])
    assert_bearer(call)
    assert_json_body(call, {"pageNumber": 0, "pageSize": 1000, "sortDir": "desc"})
    (media,) = found
    assert_sample_media(media)


async def test_search_camera_media_with_camera_id(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=[MEDIA_JSON, {**MEDIA_JSON, "id": "m-2", "status": "ARCHIVED"}])
    found = await amnimo.media.search(
        SUB, CAMERA, categories=["CLIP"], page_number=0, page_size=100, sort_dir="desc"
    )
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("POST", f"{CAMERA_PATH}/medias", [])
    assert_json_body(call, {"categories": ["CLIP"], "pageNumber": 0, "pageSize": 100, "sortDir": "desc"})
    assert [m.id for m in found] == [MEDIA_ID, "m-2"]
    assert found[1].status == "ARCHIVED"
    assert not isinstance(found[1].status, MediaStatus)


async def test_search_camera_media_by_keyword(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=[])
    found = await amnimo.media.search(
        SUB, camera_id=CAMERA, categories=["SNAPSHOT", "CLIP"], page_number=4, page_size=1, sort_dir="asc"
    )
    assert found == ()
    call = api.only_call()
    assert call.path == f"{CAMERA_PATH}/medias"
    assert call.json == {"categories": ["SNAPSHOT", "CLIP"], "pageNumber": 4, "pageSize": 1, "sortDir": "asc"}


async def test_search_subscription_media_generated_function(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=[MEDIA_JSON])
    response = await search_subscription_media.asyncio_detailed(
        amnimo, subscription_id=SUB, page_number=2, page_size=50, categories=[]
    )
    assert response.status_code == 200
    assert response.parsed[0].id == MEDIA_ID
    call = api.only_call()
    assert call.path == f"/ex/partitions/{SUB}/medias"
    assert call.json == {"categories": [], "pageNumber": 2, "pageSize": 50, "sortDir": "desc"}


async def test_get_media(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={**MEDIA_JSON, "url": "https://dl.test/clip.mp4", "retention": 30})
    media = await amnimo.media.get(SUB, MEDIA_ID, expiration=120)
    call = api.only_call()
    assert (call.method, call.path) == ("GET", MEDIA_PATH)
    assert call.query == q(("expiration", "120"))
    assert_bearer(call)
    assert_no_body(call)
    assert media.url == "https://dl.test/clip.mp4"
    assert media.extra == {"retention": 30}
    assert media.requested_date_time == TS


async def test_get_media_default_expiration_and_escaped_id(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={"id": "a/b c"})
    await amnimo.media.get(SUB, "a/b c")
    call = api.only_call()
    assert call.path == f"/ex/partitions/{SUB}/medias/a%2Fb%20c"  # the id stays one path segment
    assert call.query == q(("expiration", "60"))


async def test_rename_media(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={**MEDIA_JSON, "name": "update-media-name"})
    media = await amnimo.media.rename(SUB, MEDIA_ID, "update-media-name")
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("PUT", MEDIA_PATH, [])
    assert_bearer(call)
    assert_json_body(call, {"data": {"name": "update-media-name"}})
    assert media.name == "update-media-name"


async def test_delete_media(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(204)
    assert await amnimo.media.delete(SUB, MEDIA_ID) is None
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("DELETE", MEDIA_PATH, [])
    assert_bearer(call)
    assert_no_body(call)


async def test_delete_media_detailed(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(204)
    response = await delete_media.asyncio_detailed(amnimo, SUB, MEDIA_ID)
    assert (response.status_code, response.content, response.parsed) == (204, b"", None)
    assert api.only_call().method == "DELETE"


# --- devices -----------------------------------------------------------------------------------


async def test_list_external_devices(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=EXTERNAL_DEVICE_PAGE)
    page = await amnimo.devices.list_external(SUB)
    call = api.only_call()
    assert (call.method, call.path) == ("GET", f"/ex/partitions/{SUB}/devices/externalDevices")
    assert call.query == q(("page", "0"), ("size", "10"))
    assert_bearer(call)
    assert page == ExternalDevicePage(
        data=(
            DeviceExternalDevices(
                id=DEVICE,
                device_name="デバイス1",
                external_devices=(
                    ExternalDevice(
                        ip_address="192.168.0.1", external_device_name="外部機器1", status="CONNECTED"
                    ),
                ),
            ),
        ),
        summary=PageSummary(
            is_first_page=True, is_last_page=True, page_number=0, page_size=10, total_pages=1, total=1
        ),
    )
    assert page.data[0].external_devices[0].status is ExternalDeviceStatus.CONNECTED


async def test_list_external_devices_page(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    summary = {"isFirstPage": False, "isLastPage": False, "pageNumber": 3, "pageSize": 100}
    api.reply(json={"data": [], "summary": {**summary, "totalPages": 9, "total": 900}})
    page = await amnimo.devices.list_external(SUB, page=3, size=250)
    assert api.only_call().query == q(("page", "3"), ("size", "250"))
    assert page.summary.page_size == 100
    assert page.summary.is_first_page is False
    assert page.data == ()


async def test_device_external_devices(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(
        json={
            **DEVICE_EXTERNAL_DEVICES,
            "data": [*DEVICE_EXTERNAL_DEVICES["data"], {"status": "MAINTENANCE"}],
        }
    )
    result = await amnimo.devices.external(SUB, DEVICE)
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("GET", f"{DEVICE_PATH}/externalDevices", [])
    assert_bearer(call)
    assert isinstance(result, ExternalDeviceList)
    first, second = result.data
    assert first == ExternalDevice(
        ip_address="192.168.0.1", external_device_name="外部機器1", status="CONNECTED"
    )
    assert first.status is ExternalDeviceStatus.CONNECTED
    assert second.status == "MAINTENANCE"
    assert second.ip_address is None
    assert result.summary.total == 1


async def test_peripherals(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json=PERIPHERALS)
    result = await amnimo.devices.peripherals(SUB, DEVICE)
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("GET", f"{DEVICE_PATH}/peripherals", [])
    assert_bearer(call)
    assert isinstance(result, PeripheralList)
    (port,) = result.data
    assert port == Peripheral(
        id="POE0", name="POE Port 0", type="POE", lnk_status="LINK_UP", act_status="DISABLING"
    )
    assert port.lnk_status is LinkStatus.LINK_UP
    assert port.act_status is ActivationStatus.DISABLING
    assert result.summary.total == 1


async def test_peripherals_keep_unknown_states(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(
        json={
            "data": [{"id": "POE1", "lnkStatus": "FLAPPING", "actStatus": "MAINTENANCE"}],
            "summary": {"total": 1},
        }
    )
    (port,) = (await amnimo.devices.peripherals(SUB, DEVICE)).data
    assert (port.lnk_status, port.act_status) == ("FLAPPING", "MAINTENANCE")
    assert not isinstance(port.lnk_status, LinkStatus)
    assert port.name is None


async def test_operate_port_enable(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={})
    result = await amnimo.devices.operate_port(SUB, DEVICE, "POE0", action=1)
    call = api.only_call()
    assert (call.method, call.path, call.params) == ("POST", f"{DEVICE_PATH}/ports/POE0", [])
    assert_bearer(call)
    assert_json_body(call, {"action": 1})
    assert result == PortOperationResult()
    assert result.extra == {}


async def test_operate_port_reset_sends_the_timer(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={"accepted": True})
    result = await operate_port.asyncio(amnimo, SUB, DEVICE, "POE0", action=PortAction.RESET, reset_timer=30)
    assert_json_body(api.only_call(), {"action": 2, "resetTimer": 30})
    assert result.extra == {"accepted": True}


async def test_operate_port_disable(amnimo: AsyncAmnimo, api: FakeAPI) -> None:
    api.reply(json={})
    await amnimo.devices.operate_port(SUB, DEVICE, "POE1", action=PortAction.DISABLE)
    call = api.only_call()
    assert call.path == f"{DEVICE_PATH}/ports/POE1"
    assert call.json == {"action": 0}
