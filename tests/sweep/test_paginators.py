"""Paginators: every item exactly once, in server order, with the fewest requests."""

from __future__ import annotations

import asyncio
import math

import pytest

from amnimo_async import ValidationError

from ._fake import client_on, fake_with

EDGES = [0, 1, 500, 501, 1000, 1001, 2345]


@pytest.mark.parametrize("count", EDGES)
async def test_cameras_every_one_once_in_server_order(count: int) -> None:
    fake = fake_with([{"cameras": count, "media": 0, "devices": 0}])
    sub = fake.subscription_ids[0]
    async with client_on(fake) as amnimo:
        seen = [camera.id async for camera in amnimo.cameras.iter(sub)]
    assert seen == [camera["id"] for camera in fake.world.cameras(sub)]
    assert len(set(seen)) == count
    assert fake.journal.count(route="listCameras") == max(1, math.ceil(count / 500))


@pytest.mark.parametrize("count", EDGES)
async def test_media_every_one_once_with_at_most_one_wasted_request(count: int) -> None:
    fake = fake_with([{"cameras": 1, "media": count, "devices": 0}])
    sub = fake.subscription_ids[0]
    async with client_on(fake) as amnimo:
        seen = [media.id async for media in amnimo.media.iter(sub)]
        exact = [media.id async for media in amnimo.media.iter(sub, lookahead=0)]
    assert len(seen) == len(set(seen)) == count
    assert exact == seen
    needed = count // 1000 + 1
    calls = fake.journal.count(route="searchSubscriptionMedia")
    assert needed * 2 <= calls <= needed * 2 + 1  # look-ahead 1 wastes at most one; look-ahead 0 none


async def test_media_of_one_camera_and_sort_order() -> None:
    fake = fake_with([{"cameras": 2, "media": 40, "devices": 0}])
    sub = fake.subscription_ids[0]
    camera = next(fake.world.cameras(sub))["id"]
    async with client_on(fake) as amnimo:
        newest_first = [m async for m in amnimo.media.iter(sub, camera, page_size=7)]
        oldest_first = [m async for m in amnimo.media.iter(sub, camera, page_size=7, sort_dir="asc")]
    assert len(newest_first) == sum(1 for _ in fake.world.media(sub, camera_id=camera)) > 7
    assert all(m.camera_id == camera for m in newest_first)
    assert [m.id for m in oldest_first] == [m.id for m in reversed(newest_first)]
    times = [m.requested_date_time for m in newest_first]
    assert times == sorted(times, reverse=True)  # type: ignore[type-var]


@pytest.mark.parametrize("groups", [0, 1, 100, 101, 250])
async def test_external_devices_every_group_once(groups: int) -> None:
    fake = fake_with([{"cameras": 0, "media": 0, "devices": groups}])
    sub = fake.subscription_ids[0]
    async with client_on(fake) as amnimo:
        seen = [group.id async for group in amnimo.devices.iter_external(sub)]
    assert len(seen) == len(set(seen)) == groups
    assert fake.journal.count(route="listExternalDevices") == max(1, math.ceil(groups / 100))


async def test_pages_walks_whole_pages() -> None:
    fake = fake_with([{"cameras": 1234, "media": 0, "devices": 0}])
    sub = fake.subscription_ids[0]
    async with client_on(fake) as amnimo:
        paginator = amnimo.cameras.iter(sub, size=300)
        sizes = [len(page.cameras) async for page in paginator.pages()]
    assert sizes == [300, 300, 300, 300, 34]
    assert paginator.pages_fetched == 5


async def test_bad_arguments_fail_at_the_call_before_anything_is_sent() -> None:
    fake = fake_with([{"cameras": 1, "media": 0, "devices": 0}])
    async with client_on(fake) as amnimo:
        with pytest.raises(ValidationError) as info:
            amnimo.cameras.iter("not-a-uuid")
        assert info.value.argument == "subscription_id"
        with pytest.raises(ValidationError):
            amnimo.cameras.iter(fake.subscription_ids[0], size=501)
        with pytest.raises(ValidationError):
            amnimo.media.iter(fake.subscription_ids[0], page_size=0)
        with pytest.raises(ValidationError):
            amnimo.devices.iter_external(fake.subscription_ids[0], window=0)
    assert fake.journal.entries == []


def _other_tasks() -> set[asyncio.Task[object]]:
    return {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}


async def test_breaking_out_cancels_requests_in_flight_and_leaks_nothing() -> None:
    fake = fake_with([{"cameras": 5000, "media": 0, "devices": 0}])
    sub = fake.subscription_ids[0]
    from amnimo_async.testing import Fault

    fake.faults.add(Fault(kind="latency", route="listCameras", latency=0.05))
    amnimo = client_on(fake)
    async with amnimo:
        before = _other_tasks()
        async for _camera in amnimo.cameras.iter(sub, window=8):
            break
        for _ in range(5):
            await asyncio.sleep(0)  # the async generator's finaliser runs
        await asyncio.sleep(0.01)
        assert _other_tasks() - before == set()
        started = fake.journal.count(route="listCameras")
        assert started < 10  # the other pages were cancelled, not all fetched
        # The pool still serves 50 calls (no slot leaked by the cancelled requests).
        results = await asyncio.gather(*(amnimo.cameras.list(sub, size=1) for _ in range(50)))
        assert len(results) == 50


async def test_cancelling_the_consumer_cancels_the_pages_in_flight() -> None:
    fake = fake_with([{"cameras": 5000, "media": 0, "devices": 0}])
    sub = fake.subscription_ids[0]
    from amnimo_async.testing import Fault

    fake.faults.add(Fault(kind="latency", route="listCameras", latency=0.05))
    async with client_on(fake) as amnimo:
        before = _other_tasks()
        seen: list[str] = []

        async def consume() -> None:
            async for camera in amnimo.cameras.iter(sub):
                seen.append(camera.id)

        task = asyncio.ensure_future(consume())
        while len(seen) < 600:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.01)
        assert _other_tasks() - before == set()
        assert len(await amnimo.cameras.get_many(sub, seen[:30])) == 30
