"""Media: create -> PROCESSING -> COMPLETED by the clock, search paging/sort/categories,
presigned downloads, rename and delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from amnimo_async.testing import DataProfile, FakeAmnimo, ManualClock

from .conftest import TS, asgi_client, assert_error


async def search(
    http: httpx.AsyncClient, sub: str, camera: str | None = None, **body: Any
) -> list[dict[str, Any]]:
    path = f"/partitions/{sub}/cameras/{camera}/medias" if camera else f"/partitions/{sub}/medias"
    response = await http.post(path, json=body)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


async def search_all(
    http: httpx.AsyncClient, sub: str, size: int, camera: str | None = None, **body: Any
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    page = 0
    while True:
        batch = await search(http, sub, camera, pageNumber=page, pageSize=size, **body)
        found += batch
        if len(batch) < size:
            return found
        page += 1


async def test_create_then_completed_by_the_clock(
    api: httpx.AsyncClient, clock: ManualClock, fake: FakeAmnimo, sub: str, camera: str
) -> None:
    created = await api.post(
        f"/partitions/{sub}/cameras/{camera}/media",
        json={
            "category": "CLIP",
            "startTime": TS,
            "endTime": "2026-02-20T10:00:30.000Z",
            "name": "入口 clip",
        },
    )
    assert created.status_code == 200
    media = created.json()
    assert media["status"] == "PROCESSING"
    assert media["size"] == 0
    assert "url" not in media
    assert (media["cameraId"], media["category"], media["type"]) == (camera, "CLIP", "VIDEO")
    assert (media["startTime"], media["name"]) == (TS, "入口 clip")
    assert media["meta"] == {"user": {"id": fake.client_id}}
    url = f"/partitions/{sub}/medias/{media['id']}"
    clock.advance(1.9)
    assert (await api.get(url)).json()["status"] == "PROCESSING"
    clock.advance(0.1)
    done = (await api.get(url)).json()
    assert done["status"] == "COMPLETED"
    assert done["size"] > 0
    assert done["url"].startswith("http")
    newest = await search(api, sub, pageNumber=0, pageSize=1)
    assert newest[0]["id"] == media["id"]
    assert "url" not in newest[0]
    assert (await search(api, sub, camera, pageNumber=0, pageSize=1))[0]["id"] == media["id"]
    oldest_first = await search(api, sub, pageNumber=0, pageSize=1000, sortDir="asc")
    assert oldest_first[-1]["id"] == media["id"]


async def test_snapshot_defaults(make_fake: Callable[..., FakeAmnimo]) -> None:
    fake = make_fake(media_processing_delay=0)
    sub = fake.subscription_ids[0]
    camera = fake.world.camera_id(sub, 3)
    async with asgi_client(fake, fake.issue_token()) as http:
        media = (
            await http.post(
                f"/partitions/{sub}/cameras/{camera}/media", json={"category": "SNAPSHOT", "startTime": TS}
            )
        ).json()
    assert (media["type"], media["status"], media["endTime"]) == ("IMAGE", "COMPLETED", TS)
    assert media["name"]
    assert 1 <= len(media["name"]) <= 64


async def test_search_paging_sort_and_categories(make_fake: Callable[..., FakeAmnimo]) -> None:
    fake = make_fake(profile=DataProfile.sizes())
    _, one_page, page_and_one = fake.subscription_ids
    async with asgi_client(fake, fake.issue_token()) as http:
        assert len(await search(http, one_page, pageNumber=0, pageSize=1000)) == 1000
        assert await search(http, one_page, pageNumber=1, pageSize=1000) == []
        first = await search(http, page_and_one, pageNumber=0, pageSize=1000)
        second = await search(http, page_and_one, pageNumber=1, pageSize=1000)
        assert (len(first), len(second)) == (1000, 1)
        everything = first + second
        assert everything == fake.world.media(page_and_one)
        assert len({media["id"] for media in everything}) == 1001
        stamps = [media["requestedDateTime"] for media in everything]
        assert stamps == sorted(stamps, reverse=True)
        ascending = await search_all(http, page_and_one, 300, sortDir="asc")
        assert ascending == everything[::-1]
        snapshots = await search_all(http, page_and_one, 250, categories=["SNAPSHOT"])
        assert snapshots
        assert all(media["category"] == "SNAPSHOT" for media in snapshots)
        assert snapshots == [m for m in everything if m["category"] == "SNAPSHOT"]
        known = await search_all(http, page_and_one, 1000, categories=["CLIP", "SNAPSHOT"])
        categories = {media["category"] for media in everything}
        assert categories > {"CLIP", "SNAPSHOT"}  # an unknown category is in the data
        assert len(known) < len(everything)
        statuses = {media["status"] for media in everything}
        assert statuses >= {"COMPLETED", "PROCESSING", "FAILED"}
        assert len(statuses) > 3
        camera = fake.world.camera_id(page_and_one, 0)
        of_camera = await search_all(http, page_and_one, 100, camera=camera)
        assert of_camera == [m for m in everything if m["cameraId"] == camera]
        assert len(of_camera) > 100


async def test_download_is_exactly_size_bytes_until_it_expires(
    api: httpx.AsyncClient, clock: ManualClock, fake: FakeAmnimo, sub: str, camera: str
) -> None:
    media = (
        await api.post(
            f"/partitions/{sub}/cameras/{camera}/media", json={"category": "SNAPSHOT", "startTime": TS}
        )
    ).json()
    clock.advance(2)
    got = (await api.get(f"/partitions/{sub}/medias/{media['id']}", params={"expiration": 1})).json()
    assert 1000 < got["size"] < 1_000_000
    async with asgi_client(fake) as files:  # presigned URLs take no Authorization header (400 with one)
        download = await files.get(got["url"])
        assert download.status_code == 200
        assert int(download.headers["content-length"]) == got["size"] == len(download.content)
        assert download.headers["content-type"] == "image/jpeg"
        assert (await files.get(got["url"])).content == download.content
        tampered = got["url"][:-4] + ("0000" if not got["url"].endswith("0000") else "1111")
        assert_error(await files.get(tampered), 403)
        clock.advance(60)
        assert (await files.get(got["url"])).status_code == 200
        clock.advance(1)
        assert_error(await files.get(got["url"]), 403)


async def test_generated_completed_media_download(api: httpx.AsyncClient, fake: FakeAmnimo, sub: str) -> None:
    completed = next(m for m in fake.world.media(sub) if m["status"] == "COMPLETED")
    got = (await api.get(f"/partitions/{sub}/medias/{completed['id']}")).json()
    async with asgi_client(fake) as files, files.stream("GET", got["url"]) as response:
        total = 0
        chunks = 0
        async for chunk in response.aiter_raw():
            total += len(chunk)
            chunks += 1
    assert total == got["size"]
    assert chunks >= 1
    processing = next(m for m in fake.world.media(sub) if m["status"] != "COMPLETED")
    assert "url" not in (await api.get(f"/partitions/{sub}/medias/{processing['id']}")).json()


async def test_rename_and_delete(api: httpx.AsyncClient, fake: FakeAmnimo, sub: str) -> None:
    target = fake.world.media(sub)[3]
    url = f"/partitions/{sub}/medias/{target['id']}"
    renamed = await api.put(url, json={"data": {"name": "新しい名前"}})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "新しい名前"
    assert (await api.get(url)).json()["name"] == "新しい名前"
    assert (await search(api, sub, pageNumber=0, pageSize=10))[3]["name"] == "新しい名前"
    deleted = await api.delete(url)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_error(await api.get(url), 404)
    assert_error(await api.delete(url), 404)
    assert_error(await api.put(url, json={"data": {"name": "x"}}), 404)
    assert target["id"] not in {m["id"] for m in await search_all(api, sub, 1000)}
