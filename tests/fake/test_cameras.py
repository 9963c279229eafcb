"""Cameras: paging edges, lookups by id, thumbnails, history, and 100,000 cameras."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from amnimo_async.testing import DataProfile, FakeAmnimo, ManualClock

from .conftest import TS, asgi_client


async def all_pages(http: httpx.AsyncClient, sub: str, size: int) -> list[dict[str, Any]]:
    cameras: list[dict[str, Any]] = []
    page = 0
    while True:
        body = (
            await http.get(
                f"/partitions/{sub}/cameras", params={"page": page, "size": size, "isUrl": "false"}
            )
        ).json()
        assert body["page"] == page
        assert body["size"] == size
        cameras += body["cameras"]
        if len(body["cameras"]) < size:
            assert len(cameras) == body["total"]
            return cameras
        page += 1


async def test_paging_edges(make_fake: Callable[..., FakeAmnimo]) -> None:
    fake = make_fake(profile=DataProfile.sizes())
    empty, one_page, page_and_one = fake.subscription_ids
    async with asgi_client(fake, fake.issue_token()) as http:
        body = (await http.get(f"/partitions/{empty}/cameras")).json()
        assert body == {"total": 0, "page": 0, "size": 500, "cameras": []}
        body = (await http.get(f"/partitions/{one_page}/cameras")).json()
        assert (body["total"], len(body["cameras"])) == (500, 500)
        body = (await http.get(f"/partitions/{one_page}/cameras", params={"page": 1})).json()
        assert (body["total"], body["cameras"]) == (500, [])
        body = (await http.get(f"/partitions/{page_and_one}/cameras")).json()
        assert (body["total"], len(body["cameras"])) == (501, 500)
        body = (await http.get(f"/partitions/{page_and_one}/cameras", params={"page": 1})).json()
        assert len(body["cameras"]) == 1
        assert body["cameras"][0]["id"] == fake.world.camera_id(page_and_one, 500)


async def test_pages_concatenate_to_every_camera_once_in_a_stable_order(
    make_fake: Callable[..., FakeAmnimo],
) -> None:
    fake = make_fake(profile=DataProfile.explicit([{"cameras": 2345, "media": 0}]))
    sub = fake.subscription_ids[0]
    async with asgi_client(fake, fake.issue_token()) as http:
        by_500 = await all_pages(http, sub, 500)
        by_250 = await all_pages(http, sub, 250)
    ids = [camera["id"] for camera in by_500]
    assert len(ids) == len(set(ids)) == 2345
    assert ids == [camera["id"] for camera in by_250]
    assert ids == [fake.world.camera_id(sub, index) for index in range(2345)]
    assert by_500[:3] == [fake.world.camera(sub, index) for index in range(3)]


async def test_cameras_by_id(api: httpx.AsyncClient, fake: FakeAmnimo, sub: str) -> None:
    wanted = [fake.world.camera_id(sub, 5), fake.world.camera_id(sub, 2)]
    stranger = fake.world.camera_id(fake.subscription_ids[1], 0)
    response = await api.get(
        f"/partitions/{sub}/cameras",
        params=[("cameraId", wanted[0]), ("cameraId", stranger), ("cameraId", wanted[1].upper())],
    )
    body = response.json()
    assert (body["total"], body["page"], body["size"]) == (2, 0, 3)
    assert [camera["id"] for camera in body["cameras"]] == wanted


async def test_camera_shape_urls_and_open_values(
    make_fake: Callable[..., FakeAmnimo],
) -> None:
    fake = make_fake(profile=DataProfile.explicit([{"cameras": 60, "media": 0}]))
    sub = fake.subscription_ids[0]
    async with asgi_client(fake, fake.issue_token()) as http:
        cameras = (await http.get(f"/partitions/{sub}/cameras")).json()["cameras"]
        for camera in cameras:
            assert {"id", "pid", "deviceVersion", "status", "recordingStatus", "displayName", "tags"} <= set(
                camera
            )
        assert {c["status"] for c in cameras} >= {"CONNECTED", "DISCONNECTED", "MAINTENANCE"}
        assert {c["recordingStatus"] for c in cameras} >= {"RECORDING", "NOT_RECORDING", "SUSPENDED"}
        assert any(not name.isascii() for name in (c["displayName"] for c in cameras))
        assert any(name.isascii() for name in (c["displayName"] for c in cameras))
        assert any(c.get("thumbnail", "absent") is None for c in cameras)
        assert any("thumbnail" not in c for c in cameras)
        with_thumbnail = [c for c in cameras if c.get("thumbnail")]
        assert all("url" in c["thumbnail"] for c in with_thumbnail)
        image = await http.get(with_thumbnail[0]["thumbnail"]["url"])
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/jpeg"
        assert image.content.startswith(b"\xff\xd8")
        plain = (await http.get(f"/partitions/{sub}/cameras", params={"isUrl": "false"})).json()
        assert all("url" not in (c.get("thumbnail") or {}) for c in plain["cameras"])
        single = await http.get(f"/partitions/{sub}/cameras/{cameras[0]['id']}", params={"isUrl": "false"})
        assert single.json() == plain["cameras"][0]


async def test_thumbnails(api: httpx.AsyncClient, clock: ManualClock, camera: str, sub: str) -> None:
    url = f"/partitions/{sub}/cameras/{camera}/thumbnails"
    latest = (await api.get(url)).json()
    assert latest["total"] == 1
    assert len(latest["thumbnails"]) == 1
    assert latest["thumbnails"][0]["code"] == "200" or latest["thumbnails"][0]["code"].isdigit()
    five = (await api.get(url, params={"limit": 5, "isUrl": "false"})).json()
    stamps = [thumb["ts"] for thumb in five["thumbnails"]]
    assert five["total"] == 5
    assert stamps == sorted(stamps, reverse=True)
    assert all("url" not in thumb for thumb in five["thumbnails"])
    ranged = (
        await api.get(url, params={"limit": 100, "startTime": TS, "endTime": "2026-02-20T11:00:00.000Z"})
    ).json()
    assert ranged["total"] == 12  # one every 5 minutes
    assert all(TS <= thumb["ts"] <= "2026-02-20T11:00:00.000Z" for thumb in ranged["thumbnails"])
    image = await api.get(ranged["thumbnails"][0]["url"])
    assert image.status_code == 200
    clock.advance(3601)
    assert (await api.get(ranged["thumbnails"][0]["url"])).status_code == 403


async def test_history_spans(api: httpx.AsyncClient, camera: str, sub: str) -> None:
    url = f"/partitions/{sub}/cameras/{camera}/history"
    params = {"startTime": "2026-02-01T00:00:00.000Z", "endTime": "2026-02-02T00:00:00.000Z"}
    spans = (await api.get(url, params=params)).json()
    assert spans == (await api.get(url, params=params)).json()
    assert spans
    assert all(set(span) == {"s", "d"} for span in spans)
    start_ms, end_ms = 1_769_904_000_000, 1_769_990_400_000
    for span in spans:
        assert isinstance(span["s"], int)
        assert isinstance(span["d"], int)
        assert span["d"] > 0
        assert span["s"] < end_ms
        assert span["s"] + span["d"] > start_ms
    future = {"startTime": "2027-01-01T00:00:00.000Z", "endTime": "2027-01-02T00:00:00.000Z"}
    assert (await api.get(url, params=future)).json() == []


async def test_100k_cameras_page_lazily(make_fake: Callable[..., FakeAmnimo]) -> None:
    fake = make_fake(profile=DataProfile.explicit([{"cameras": 100_000, "media": 0, "devices": 0}]))
    sub = fake.subscription_ids[0]
    async with asgi_client(fake, fake.issue_token()) as http:
        last = (await http.get(f"/partitions/{sub}/cameras", params={"page": 199})).json()
        assert last["total"] == 100_000
        assert len(last["cameras"]) == 500
        assert last["cameras"][-1]["id"] == fake.world.camera_id(sub, 99_999)
        beyond = (await http.get(f"/partitions/{sub}/cameras", params={"page": 200})).json()
        assert beyond["cameras"] == []
        one = await http.get(f"/partitions/{sub}/cameras/{last['cameras'][-1]['id']}")
        assert one.status_code == 200
        by_id = await http.get(
            f"/partitions/{sub}/cameras", params={"cameraId": fake.world.camera_id(sub, 77_777)}
        )
        assert by_id.json()["total"] == 1
