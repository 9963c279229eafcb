"""Models and the converter: wire JSON in and out, strict where the API is definite, open where not.

Through the client, a success answer whose body is not what the API documents raises
ResponseValidationError naming the operation, after the retries the call allows (none for the
non-idempotent createMedia and operatePort).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amnimo_async import (
    Account,
    ActivationStatus,
    AsyncAmnimo,
    Camera,
    CameraPage,
    CameraStatus,
    CameraThumbnail,
    ErrorDetail,
    ExternalDeviceList,
    ExternalDevicePage,
    HistorySpan,
    HlsResult,
    HlsSession,
    LinkStatus,
    Media,
    MediaCategory,
    MediaMeta,
    MediaStatus,
    MediaUser,
    PageSummary,
    Peripheral,
    PeripheralList,
    PortOperationResult,
    ResponseValidationError,
    Thumbnail,
    ThumbnailList,
    TokenGrant,
)
from amnimo_async._converter import structure, unstructure

from .. import vendor_samples
from .conftest import CAMERA, DEVICE, MEDIA_ID, SUB, ClientFactory, FakeAPI

UTC = timezone.utc
WIRE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
STRUCTURE_ERRORS = (cattrs.BaseValidationError, TypeError, ValueError)

# --- round trips: (model, the vendor's JSON, the same JSON as the SDK writes it back) ----------

ROUND_TRIPS: list[Any] = [
    pytest.param(
        Camera,
        vendor_samples.CAMERA,
        {
            "id": CAMERA,
            "pid": "058d15e1-c249-47bc-9c08-cb16c9e878c4",
            "deviceVersion": "2.1.0",
            "status": "CONNECTED",
            "recordingStatus": "string",
            "displayName": "A工場入り口",
            "tags": ["タグA"],
            "thumbnail": {"ts": "2019-08-24T14:15:22.000Z"},
        },
        id="camera",
    ),
    pytest.param(Camera, {"id": CAMERA, "tags": []}, {"id": CAMERA, "tags": []}, id="camera-empty-tags"),
    pytest.param(
        Camera,
        {"id": CAMERA, "thumbnail": None},
        {"id": CAMERA, "thumbnail": None},
        id="camera-null-thumbnail",
    ),
    pytest.param(
        Camera,
        {"id": CAMERA, "displayName": None, "cloudOnly": True},
        {"id": CAMERA, "displayName": None, "cloudOnly": True},
        id="camera-null-and-unknown",
    ),
    pytest.param(
        CameraPage,
        {"total": 1, "page": 0, "size": 500, "cameras": [{"id": CAMERA, "cloudOnly": True}]},
        {"total": 1, "page": 0, "size": 500, "cameras": [{"id": CAMERA, "cloudOnly": True}]},
        id="camera-page",
    ),
    pytest.param(
        Media,
        vendor_samples.MEDIA,
        {
            "id": MEDIA_ID,
            "cameraId": "cbc3283e-6217-4855-9934-148717cbeefe",
            "pid": "058d15e1-c249-47bc-9c08-cb16c9e878c4",
            "type": "IMAGE",
            "source": "CLOUD",
            "category": "CLIP",
            "startTime": "2019-08-24T14:15:22.000Z",
            "endTime": "2019-08-24T14:15:22.000Z",
            "name": "media-testName",
            "status": "COMPLETED",
            "requestedDateTime": "2019-08-24T14:15:22.000Z",
            "size": 2078322,
            "meta": {"user": {"id": "string"}},
        },
        id="media",
    ),
    pytest.param(
        Account,
        vendor_samples.ACCOUNT,
        {
            "accountName": "テナント1",
            "accountId": "3d07c219-0a88-45be-9cfc-91e9d095a1e9",
            "subscriptionName": "サブスクリプション1",
            "subscriptionId": SUB,
            "childAccounts": [
                {
                    "accountName": "テナント2",
                    "accountId": "0b0db400-304f-c31a-2b57-fb97e467a3e6",
                    "subscriptionName": "サブスクリプション2",
                    "subscriptionId": "3e871bad-977c-27c2-4cf1-ebe13bee0d66",
                    "childAccounts": [],  # the {} the API sent is not an account
                }
            ],
        },
        id="account",
    ),
    pytest.param(
        ThumbnailList,
        vendor_samples.THUMBNAILS,
        {"total": 1, "thumbnails": [{"ts": "2025-02-14T15:00:00.000Z", "code": "200"}]},
        id="thumbnails",
    ),
    pytest.param(HistorySpan, vendor_samples.HISTORY_SPAN, {"s": 1750807890000, "d": 123456}, id="history"),
    pytest.param(
        HlsSession,
        {"requestId": "e006cedc-247a-49e1-a18f-d59bef27dbcb", "url": "https://hls.test/a.m3u8"},
        {"requestId": "e006cedc-247a-49e1-a18f-d59bef27dbcb", "url": "https://hls.test/a.m3u8"},
        id="hls",
    ),
    pytest.param(HlsResult, {"result": "OK"}, {"result": "OK"}, id="hls-result"),
    pytest.param(
        ExternalDevicePage,
        vendor_samples.EXTERNAL_DEVICE_PAGE,
        vendor_samples.EXTERNAL_DEVICE_PAGE,
        id="external-device-page",
    ),
    pytest.param(
        ExternalDeviceList,
        {"data": [{"ipAddress": "192.168.0.1", "status": "MAINTENANCE"}], "summary": {"total": 1}},
        {"data": [{"ipAddress": "192.168.0.1", "status": "MAINTENANCE"}], "summary": {"total": 1}},
        id="device-external-devices",
    ),
    pytest.param(
        PeripheralList,
        vendor_samples.PERIPHERALS,
        {
            "data": [
                {
                    "id": "POE0",
                    "name": "POE Port 0",
                    "type": "POE",
                    "lnkStatus": "LINK_UP",
                    "actStatus": "DISABLING",
                }
            ],
            "summary": {"total": 1},
        },
        id="peripherals",
    ),
    pytest.param(PortOperationResult, {}, {}, id="port-operation"),
    pytest.param(
        TokenGrant,
        vendor_samples.TOKEN,
        {"access_token": "eyJra1example", "token_type": "Bearer", "expires_in": 7200},
        id="token",
    ),
]


@pytest.mark.parametrize(("model", "wire", "written"), ROUND_TRIPS)
def test_wire_round_trip(model: type, wire: Any, written: Any) -> None:
    value = structure(wire, model)
    assert isinstance(value, model)
    out = unstructure(value)
    assert out == written
    assert json.loads(json.dumps(out)) == written  # plain JSON types only
    assert structure(out, model) == value


def test_models_round_trip_from_python() -> None:
    media = Media(
        id=MEDIA_ID,
        category=MediaCategory.SNAPSHOT,
        status="ARCHIVED",
        start_time=datetime(2025, 2, 3, 0, 0, 0, 250000, tzinfo=timezone(timedelta(hours=9))),
        size=0,
        meta=MediaMeta(user=MediaUser(id="u-1")),
    )
    wire = unstructure(media)
    assert wire == {
        "id": MEDIA_ID,
        "category": "SNAPSHOT",
        "status": "ARCHIVED",
        "startTime": "2025-02-02T15:00:00.250Z",
        "size": 0,
        "meta": {"user": {"id": "u-1"}},
    }
    back = structure(wire, Media)
    assert back == media
    assert back.start_time is not None
    assert back.start_time.tzinfo == UTC


def test_a_model_built_in_python_leaves_out_what_is_none() -> None:
    media = Media(id="m-1", name=None, meta=MediaMeta(user=MediaUser()))
    assert unstructure(media) == {"id": "m-1", "meta": {"user": {}}}


def test_a_field_set_after_reading_is_written() -> None:
    camera = attrs.evolve(structure({"id": CAMERA}, Camera), tags=("new",), display_name="Gate")
    assert unstructure(camera) == {"id": CAMERA, "tags": ["new"], "displayName": "Gate"}


def test_unknown_fields_are_kept_and_written_back() -> None:
    wire = {"id": "POE9", "lnkStatus": "LINK_DOWN", "poeClass": 4, "budget": {"watts": 15.4}}
    port = structure(wire, Peripheral)
    assert port.lnk_status is LinkStatus.LINK_DOWN
    assert port.extra == {"poeClass": 4, "budget": {"watts": 15.4}}
    assert unstructure(port) == wire
    # extra is not part of equality: a field the API adds does not change what a value is.
    assert port == Peripheral(id="POE9", lnk_status=LinkStatus.LINK_DOWN)


@pytest.mark.parametrize(
    ("model", "field", "value", "expected"),
    [
        (Camera, "status", "CONNECTED", CameraStatus.CONNECTED),
        (Camera, "status", "DISCONNECTED", CameraStatus.DISCONNECTED),
        (Camera, "status", "MAINTENANCE", "MAINTENANCE"),
        (Camera, "status", "connected", "connected"),  # values are case-sensitive
        (Media, "status", "FAILED", MediaStatus.FAILED),
        (Media, "status", "QUEUED", "QUEUED"),
        (Peripheral, "actStatus", "ENABLING", ActivationStatus.ENABLING),
        (Peripheral, "actStatus", "OVERLOAD", "OVERLOAD"),
    ],
)
def test_open_enums(model: type, field: str, value: str, expected: object) -> None:
    required = {"id": "x"}
    parsed = structure({**required, field: value}, model)
    attribute = {"status": "status", "actStatus": "act_status"}[field]
    got = getattr(parsed, attribute)
    assert got == expected
    assert type(got) is type(expected)
    assert unstructure(parsed)[field] == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-08-24T14:15:22Z", datetime(2019, 8, 24, 14, 15, 22, tzinfo=UTC)),
        ("2025-02-14T15:00:00.000Z", datetime(2025, 2, 14, 15, tzinfo=UTC)),
        ("2025-02-14T15:00:00.5Z", datetime(2025, 2, 14, 15, 0, 0, 500000, tzinfo=UTC)),
        ("2025-02-15T00:00:00.000+09:00", datetime(2025, 2, 14, 15, tzinfo=UTC)),
        ("2025-02-14T10:00:00-05:00", datetime(2025, 2, 14, 15, tzinfo=UTC)),
    ],
)
def test_answer_timestamps_become_aware_utc(text: str, expected: datetime) -> None:
    thumb = structure({"ts": text}, Thumbnail)
    assert thumb.ts == expected
    assert thumb.ts.utcoffset() == timedelta(0)


def test_absent_optional_fields_are_none() -> None:
    assert structure({"id": MEDIA_ID}, Media) == Media(id=MEDIA_ID)
    media = structure({"id": MEDIA_ID}, Media)
    assert (media.camera_id, media.start_time, media.size, media.meta, media.url) == (
        None,
        None,
        None,
        None,
        None,
    )
    grant = structure({"access_token": "t", "token_type": "Bearer"}, TokenGrant)
    assert grant.expires_in is None
    assert structure({"accountId": "a"}, Account).child_accounts == ()
    assert structure({"ts": "2019-08-24T14:15:22Z"}, CameraThumbnail).url is None


def test_error_body_parses() -> None:
    (detail,) = structure(vendor_samples.ERROR, tuple[ErrorDetail, ...])
    assert detail == ErrorDetail(
        ts=datetime(2019, 8, 24, 14, 15, 22, tzinfo=UTC),
        status="BAD REQUEST",
        message="Validation Error",
        details=({},),
    )


# --- strictness ----------------------------------------------------------------------------------

PAGE = {"total": 1, "page": 0, "size": 500, "cameras": [{"id": CAMERA}]}
SUMMARY = vendor_samples.EXTERNAL_DEVICE_PAGE["summary"]

MALFORMED = [
    pytest.param(CameraPage, {**PAGE, "total": "1"}, id="int-as-string"),
    pytest.param(CameraPage, {**PAGE, "total": True}, id="int-as-bool"),
    pytest.param(CameraPage, {**PAGE, "total": 1.5}, id="int-as-float"),
    pytest.param(CameraPage, {**PAGE, "total": None}, id="int-as-null"),
    pytest.param(CameraPage, {k: v for k, v in PAGE.items() if k != "cameras"}, id="missing-cameras"),
    pytest.param(CameraPage, {**PAGE, "cameras": "abc"}, id="list-as-string"),
    pytest.param(CameraPage, {**PAGE, "cameras": {"id": CAMERA}}, id="list-as-object"),
    pytest.param(CameraPage, {**PAGE, "cameras": [{"pid": "x"}]}, id="camera-without-id"),
    pytest.param(Camera, {"pid": "x"}, id="missing-id"),
    pytest.param(Camera, {"id": 123}, id="id-as-int"),
    pytest.param(Camera, {"id": CAMERA, "tags": "tag"}, id="tags-as-string"),
    pytest.param(Camera, {"id": CAMERA, "tags": [1]}, id="tag-as-int"),
    pytest.param(Camera, {"id": CAMERA, "status": 1}, id="enum-as-int"),
    pytest.param(Camera, {"id": CAMERA, "thumbnail": {"ts": "yesterday"}}, id="bad-timestamp"),
    pytest.param(Camera, {"id": CAMERA, "thumbnail": {"ts": 1566656122000}}, id="timestamp-as-int"),
    pytest.param(Camera, {"id": CAMERA, "thumbnail": {}}, id="thumbnail-without-ts"),
    pytest.param(Camera, [{"id": CAMERA}], id="array-for-object"),
    pytest.param(Camera, None, id="null-for-object"),
    pytest.param(Media, {"id": MEDIA_ID, "size": "2078322"}, id="size-as-string"),
    pytest.param(Media, {"id": MEDIA_ID, "meta": "user"}, id="meta-as-string"),
    pytest.param(HistorySpan, {"s": "1750807890000", "d": 1}, id="epoch-as-string"),
    pytest.param(HistorySpan, {"s": 1750807890000}, id="missing-d"),
    pytest.param(HistorySpan, {"s": 1750807890000, "d": True}, id="d-as-bool"),
    pytest.param(PageSummary, {**SUMMARY, "isFirstPage": "true"}, id="bool-as-string"),
    pytest.param(PageSummary, {**SUMMARY, "isLastPage": 1}, id="bool-as-int"),
    pytest.param(Account, {"accountName": "x"}, id="account-without-id"),
    pytest.param(Account, {"accountId": "a", "childAccounts": [{"accountName": "x"}]}, id="child-without-id"),
    pytest.param(Account, {"accountId": "a", "childAccounts": "none"}, id="children-as-string"),
    pytest.param(HlsSession, {"url": "https://x"}, id="hls-without-request-id"),
    pytest.param(PeripheralList, {"data": [{"id": "POE0"}]}, id="missing-summary"),
    pytest.param(tuple[Media, ...], {"id": MEDIA_ID}, id="object-for-array"),
]


@pytest.mark.parametrize(("model", "data"), MALFORMED)
def test_malformed_wire_json_is_refused(model: Any, data: Any) -> None:
    with pytest.raises(STRUCTURE_ERRORS):
        structure(data, model)


# --- property checks -----------------------------------------------------------------------------

EPOCH_MS = st.integers(min_value=0, max_value=4_102_444_800_000)  # up to 2100
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
AWARE_MS = st.builds(
    lambda ms, tz: (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)).astimezone(tz),
    EPOCH_MS,
    OFFSETS,
)


@settings(max_examples=60, deadline=None)
@given(s=EPOCH_MS, d=st.integers(min_value=0, max_value=10**10))
def test_history_spans_round_trip(s: int, d: int) -> None:
    span = structure({"s": s, "d": d}, HistorySpan)
    assert span.duration == timedelta(milliseconds=d)
    assert span.start.utcoffset() == timedelta(0)
    assert (span.start - datetime(1970, 1, 1, tzinfo=UTC)) == timedelta(milliseconds=s)
    assert unstructure(span) == {"s": s, "d": d}


@settings(max_examples=60, deadline=None)
@given(ts=AWARE_MS)
def test_timestamps_round_trip_through_the_wire_format(ts: datetime) -> None:
    wire = unstructure(Thumbnail(ts=ts))
    assert WIRE_TIME.fullmatch(wire["ts"])
    back = structure(wire, Thumbnail).ts
    assert back == ts
    assert back.utcoffset() == timedelta(0)


# --- malformed answers through the client --------------------------------------------------------


async def test_wrong_type_raises_response_validation_error(make_client: ClientFactory, api: FakeAPI) -> None:
    amnimo = make_client(max_retries=0)
    body = b'{"total":"1","page":0,"size":500,"cameras":[]}'
    api.reply(content=body, headers={"Content-Type": "application/json"})
    with pytest.raises(ResponseValidationError) as info:
        await amnimo.cameras.list(SUB)
    error = info.value
    assert error.operation == "listCameras"
    assert error.status_code == 200
    assert error.snippet == body.decode()
    assert "listCameras" in str(error)
    assert '"total":"1"' in str(error)
    assert "total" in error.reason
    assert len(api.api_calls) == 1


async def test_missing_required_field_raises(make_client: ClientFactory, api: FakeAPI) -> None:
    amnimo = make_client(max_retries=0)
    api.reply(json={"pid": "058d15e1-c249-47bc-9c08-cb16c9e878c4", "status": "CONNECTED"})
    with pytest.raises(ResponseValidationError) as info:
        await amnimo.cameras.get(SUB, CAMERA)
    assert info.value.operation == "getCamera"
    assert "getCamera" in str(info.value)
    assert "058d15e1" in info.value.snippet
    assert "id" in info.value.reason
    assert len(api.api_calls) == 1


async def test_non_json_body_on_200_raises(make_client: ClientFactory, api: FakeAPI) -> None:
    amnimo = make_client(max_retries=0)
    api.reply(content=b"<html><body>Service Unavailable</body></html>", headers={"Content-Type": "text/html"})
    with pytest.raises(ResponseValidationError) as info:
        await amnimo.media.get(SUB, MEDIA_ID)
    assert info.value.operation == "getMedia"
    assert "getMedia" in str(info.value)
    assert info.value.snippet.startswith("<html><body>Service Unavailable")
    assert "JSON" in info.value.reason
    assert len(api.api_calls) == 1


async def test_the_snippet_is_short(make_client: ClientFactory, api: FakeAPI) -> None:
    amnimo = make_client(max_retries=0)
    api.reply(content=b"x" * 5000)
    with pytest.raises(ResponseValidationError) as info:
        await amnimo.devices.peripherals(SUB, DEVICE)
    assert 0 < len(info.value.snippet) <= 200
    assert len(str(info.value)) < 1000


async def test_non_idempotent_create_media_is_sent_once(
    amnimo: AsyncAmnimo, api: FakeAPI, sleeps: list[float]
) -> None:
    """The media may have been made: a repeat would make a second one, so no retry (default client)."""
    api.reply(content=b"not json")
    with pytest.raises(ResponseValidationError) as info:
        await amnimo.media.create(
            SUB, CAMERA, category="SNAPSHOT", start_time=datetime(2025, 2, 2, tzinfo=UTC)
        )
    assert info.value.operation == "createMedia"
    assert info.value.snippet == "not json"
    assert len(api.api_calls) == 1
    assert sleeps == []


async def test_non_idempotent_operate_port_is_sent_once(
    amnimo: AsyncAmnimo, api: FakeAPI, sleeps: list[float]
) -> None:
    api.reply(json=[])
    with pytest.raises(ResponseValidationError) as info:
        await amnimo.devices.operate_port(SUB, DEVICE, "POE0", action=0)
    assert info.value.operation == "operatePort"
    assert len(api.api_calls) == 1
    assert sleeps == []


async def test_idempotent_call_retries_a_malformed_answer_then_raises(
    make_client: ClientFactory, api: FakeAPI, sleeps: list[float]
) -> None:
    amnimo = make_client(max_retries=2)
    api.reply(json={"total": 1})
    with pytest.raises(ResponseValidationError) as info:
        await amnimo.cameras.thumbnails(SUB, CAMERA)
    assert info.value.operation == "listThumbnails"
    assert len(api.api_calls) == 3  # the first try and two retries
    assert len(sleeps) == 2
    assert len(api.token_calls) == 1


async def test_idempotent_call_recovers_from_one_malformed_answer(
    amnimo: AsyncAmnimo, api: FakeAPI, sleeps: list[float]
) -> None:
    api.reply(content=b"{truncated")
    api.reply(json={"requestId": "e006cedc-247a-49e1-a18f-d59bef27dbcb"})
    session = await amnimo.streams.start_hls(SUB, CAMERA, dt="live")
    assert session.request_id == "e006cedc-247a-49e1-a18f-d59bef27dbcb"
    assert len(api.api_calls) == 2
    assert len(sleeps) == 1
