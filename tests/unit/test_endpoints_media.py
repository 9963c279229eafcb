"""The media operations on the wire and back: create, search, get, rename and delete.

Expected requests are written from the vendor's v1.7 reference (its sample curl commands and
bodies) and the wire contract; sample answers are the vendor's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from amnimo_async import AsyncAmnimo, Media, MediaCategory, MediaSource, MediaStatus, MediaType
from amnimo_async.api.media import delete_media, search_subscription_media

from ._wire import (
    CAMERA_PATH,
    JST,
    MEDIA_JSON,
    MEDIA_PATH,
    TS,
    UTC,
    assert_bearer,
    assert_json_body,
    assert_no_body,
    q,
)
from .conftest import CAMERA, MEDIA_CAMERA, MEDIA_ID, PID, SUB, FakeAPI

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
