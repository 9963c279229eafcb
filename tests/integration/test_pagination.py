"""Paging edges over real sockets: camera pages, external-device pages, media search pages, get_many."""

from __future__ import annotations

import math
import uuid

import pytest

from amnimo_async import Media, NotFoundError, ValidationError
from amnimo_async.testing import DataProfile, FakeServer

from .conftest import Connect, Serve, assert_camera

CAMERA_COUNTS = (0, 500, 501, 2345)


@pytest.fixture
def paging_server(serve: Serve) -> FakeServer:
    """One subscription per camera count, plus one for devices and one for media."""
    specs = [{"cameras": count, "media": 0, "devices": 0} for count in CAMERA_COUNTS]
    return serve(profile=DataProfile.explicit(specs))


@pytest.mark.parametrize(("index", "count"), list(enumerate(CAMERA_COUNTS)))
async def test_camera_pages_walked_by_hand(
    paging_server: FakeServer, connect: Connect, index: int, count: int
) -> None:
    server = paging_server
    amnimo = connect(server)
    sub = server.subscription_ids[index]
    seen: list[str] = []
    page_number = 0
    while True:
        page = await amnimo.cameras.list(sub, page=page_number, size=500)
        assert page.total == count
        assert (page.page, page.size) == (page_number, 500)
        assert len(page.cameras) == min(500, count - page_number * 500)
        seen.extend(camera.id for camera in page.cameras)
        page_number += 1
        if page_number * 500 >= page.total:
            break
    assert seen == [camera["id"] for camera in server.world.cameras(sub)]
    assert len(set(seen)) == count
    assert server.journal.count(route="listCameras", status=200) == max(1, math.ceil(count / 500))
    # a page past the end is empty, not an error
    beyond = await amnimo.cameras.list(sub, page=page_number + 1, size=500)
    assert beyond.cameras == ()
    assert beyond.total == count
    assert server.journal.token_calls == 1


async def test_small_camera_pages_and_the_paginator_agree(
    paging_server: FakeServer, connect: Connect
) -> None:
    server = paging_server
    amnimo = connect(server)
    sub = server.subscription_ids[3]  # 2345 cameras
    by_hand: list[str] = []
    for page_number in range(math.ceil(2345 / 137)):
        page = await amnimo.cameras.list(sub, page=page_number, size=137, is_url=False)
        by_hand.extend(camera.id for camera in page.cameras)
    assert len(page.cameras) == 2345 - 17 * 137  # the short last page
    iterated = [camera.id async for camera in amnimo.cameras.iter(sub)]
    assert by_hand == iterated == [camera["id"] for camera in server.world.cameras(sub)]
    assert server.journal.count(route="listCameras") == 18 + 5
    assert server.journal.token_calls == 1


@pytest.mark.parametrize(
    ("devices", "size"), [(0, 10), (7, 3), (100, 100), (101, 100), (250, 40), (120, 500)]
)
async def test_external_device_pages(serve: Serve, connect: Connect, devices: int, size: int) -> None:
    server = serve(profile=DataProfile.explicit([{"cameras": 0, "media": 0, "devices": devices}]))
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    honoured = min(size, 100)  # the server clamps sizes to 100
    seen: list[str] = []
    page_number = 0
    while True:
        page = await amnimo.devices.list_external(sub, page=page_number, size=size)
        summary = page.summary
        assert summary.page_number == page_number
        assert summary.page_size == honoured
        assert summary.total == devices
        assert summary.total_pages == math.ceil(devices / honoured)
        assert summary.is_first_page == (page_number == 0)
        seen.extend(device.id for device in page.data)
        if summary.is_last_page:
            break
        assert len(page.data) == honoured
        page_number += 1
    wire = server.world.devices(sub)
    assert seen == [device["id"] for device in wire]
    assert len(set(seen)) == devices
    assert server.journal.count(route="listExternalDevices") == max(1, math.ceil(devices / honoured))
    iterated = [device.id async for device in amnimo.devices.iter_external(sub)]
    assert iterated == seen


async def test_media_search_pages_end_with_a_short_one(serve: Serve, connect: Connect) -> None:
    server = serve(profile=DataProfile.explicit([{"cameras": 3, "media": 25, "devices": 0}]))
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    pages = [await amnimo.media.search(sub, page_number=n, page_size=10) for n in range(4)]
    assert [len(page) for page in pages] == [10, 10, 5, 0]
    newest_first = [media.id for page in pages for media in page]
    assert newest_first == [media["id"] for media in server.world.media(sub)]
    assert len(set(newest_first)) == 25
    times = [media.requested_date_time for page in pages for media in page]
    assert times == sorted(times, reverse=True)  # type: ignore[type-var]

    oldest_first = []
    for n in range(3):
        oldest_first += [
            m.id for m in await amnimo.media.search(sub, page_number=n, page_size=10, sort_dir="asc")
        ]
    assert oldest_first == newest_first[::-1]

    # an exact multiple: the full last page is followed by an empty one
    assert len(await amnimo.media.search(sub, page_number=4, page_size=5)) == 5
    assert await amnimo.media.search(sub, page_number=5, page_size=5) == ()

    # per camera, with a category filter
    camera = server.world.camera_id(sub, 0)
    clips = [m for m in server.world.media(sub, camera_id=camera) if m["category"] == "CLIP"]
    assert len(clips) > 3
    walked: list[Media] = []
    requests = 0
    while True:
        page = await amnimo.media.search(sub, camera, categories=["CLIP"], page_number=requests, page_size=4)
        requests += 1
        walked.extend(page)
        if len(page) < 4:
            break
    assert [m.id for m in walked] == [m["id"] for m in clips]
    assert requests == len(clips) // 4 + 1
    assert all(m.category == "CLIP" and m.camera_id == camera for m in walked)
    snapshots = await amnimo.media.search(sub, camera, categories=["SNAPSHOT"], page_size=1000)
    assert {m.id for m in snapshots}.isdisjoint(m.id for m in walked)
    assert all(m.category == "SNAPSHOT" for m in snapshots)
    assert server.journal.count(route="searchSubscriptionMedia") == 4 + 3 + 2
    assert server.journal.count(route="searchCameraMedia") == requests + 1
    assert server.journal.token_calls == 1


async def test_get_many_25_ids_in_three_requests(serve: Serve, connect: Connect) -> None:
    server = serve(profile=DataProfile.explicit([{"cameras": 60, "media": 0, "devices": 0}]))
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    indexes = [(7 * n + 3) % 60 for n in range(25)]  # 25 distinct cameras, out of order
    assert len(set(indexes)) == 25
    ids = [server.world.camera_id(sub, i) for i in indexes]
    cameras = await amnimo.cameras.get_many(sub, ids)
    assert [camera.id for camera in cameras] == ids
    for camera, index in zip(cameras, indexes, strict=True):
        assert_camera(camera, server.world.camera(sub, index))
    assert server.journal.count(route="listCameras", status=200) == 3
    assert server.journal.token_calls == 1
    assert len(server.journal) == 4

    # repeated ids are asked once; the order asked is kept
    again = await amnimo.cameras.get_many(sub, [ids[3], ids[3].upper(), ids[0]])
    assert [camera.id for camera in again] == [ids[3], ids[0]]
    assert server.journal.count(route="listCameras") == 4


async def test_get_many_names_the_missing_ids(serve: Serve, connect: Connect) -> None:
    server = serve(profile=DataProfile.explicit([{"cameras": 30, "media": 0, "devices": 0}]))
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    ids = [server.world.camera_id(sub, i) for i in range(12)]
    missing = str(uuid.UUID(int=12345))
    with pytest.raises(NotFoundError, match=missing):
        await amnimo.cameras.get_many(sub, [*ids, missing])
    found = await amnimo.cameras.get_many(sub, [*ids, missing], skip_missing=True)
    assert [camera.id for camera in found] == ids
    assert await amnimo.cameras.get_many(sub, []) == []
    assert server.journal.count(route="listCameras") == 4
    with pytest.raises(ValidationError):
        await amnimo.cameras.list(sub, size=501)
    assert server.journal.count(route="listCameras") == 4  # nothing sent
