"""The fake's churn: lists that change on their own, deterministically, with a log of every change."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable

import pytest

from amnimo_async import NotFoundError
from amnimo_async.testing import ChurnRates, ChurnStep, DataProfile, FakeAmnimo, ManualClock, World
from amnimo_async.testing.__main__ import _parser, build_fake

from .conftest import Connect, Serve, churn_of

PROFILE = DataProfile.explicit([{"cameras": 40, "media": 30, "devices": 12}, {"cameras": 5, "media": 5}])


def test_rates_follow_the_fakes_clock_exactly() -> None:
    clock = ManualClock()
    rates = ChurnRates(media_created=2, media_deleted=0.5, cameras_added=1, devices_deleted=0.25)
    fake = FakeAmnimo(seed=4, profile=PROFILE, clock=clock, churn=rates)
    sub = fake.subscription_ids[0]
    assert fake.world.camera_count(sub) == 40
    clock.advance(4)
    assert len(fake.world.ids(sub, "cameras")) == 44  # a read catches up with the clock
    log = fake.churn.changes(subscription_id=sub)
    counts = {kind: sum(1 for c in log if c.kind == kind) for kind in {c.kind for c in log}}
    assert counts == {"media_created": 8, "media_deleted": 2, "cameras_added": 4, "devices_deleted": 1}
    assert len(fake.churn.changes()) == 2 * 15  # both subscriptions
    assert fake.world.media_count(sub) == 30 + 8 - 2
    assert fake.world.device_count(sub) == 11
    clock.advance(0.4)
    fake.world.ids(sub, "cameras")
    assert len(fake.churn.changes()) == 30  # nothing more was due
    fake.churn.stop()
    clock.advance(100)
    fake.world.ids(sub, "cameras")
    assert len(fake.churn.changes()) == 30


FIRST_READS: dict[str, Callable[[World, str], object]] = {
    "camera_count": lambda world, sub: world.camera_count(sub),
    "camera": lambda world, sub: world.camera(sub, 44)["id"],
    "cameras": lambda world, sub: [camera["id"] for camera in world.cameras(sub)],
    "camera_id": lambda world, sub: world.camera_id(sub, 44),
    "device_count": lambda world, sub: world.device_count(sub),
    "devices": lambda world, sub: [device["id"] for device in world.devices(sub)],
    "media_count": lambda world, sub: world.media_count(sub),
    "media_at": lambda world, sub: world.media_at(sub, 0).id,
}


@pytest.mark.parametrize("read", FIRST_READS.values(), ids=FIRST_READS.keys())
def test_any_read_is_the_first_to_catch_up(read: Callable[[World, str], object]) -> None:
    # Whichever read comes first after the clock moved answers the world as it is by then.
    clock = ManualClock()
    rates = ChurnRates(media_created=1, cameras_added=1, devices_added=1)
    fake = FakeAmnimo(seed=4, profile=PROFILE, clock=clock, churn=rates)
    sub = fake.subscription_ids[0]
    clock.advance(5)
    first = read(fake.world, sub)
    assert len(fake.churn.changes(subscription_id=sub)) == 15
    fake.world.ids(sub, "cameras")  # caught up: a second read sees what the first one did
    assert read(fake.world, sub) == first


def test_a_change_is_not_interrupted_by_the_catch_up_its_own_reads_call() -> None:
    # A clock that moves a second on every read: the churn's reads of the world make more
    # changes due, and those must wait for the next read, not land inside the change that read.
    clock = functools.partial(ManualClock().advance, 1.0)
    rates = ChurnRates(media_deleted=0.2, cameras_deleted=0.2)
    profile = DataProfile.explicit([{"cameras": 10, "media": 50}])
    fake = FakeAmnimo(seed=1, profile=profile, clock=clock, churn=rates)
    sub = fake.subscription_ids[0]
    for _ in range(40):
        count = fake.world.media_count(sub)
    log = fake.churn.changes()
    kinds = Counter(change.kind for change in log)
    assert kinds["cameras_deleted"] == 10  # all of them, and then nothing more to delete
    assert count == 50 - kinds["media_deleted"]
    assert len({change.item_id for change in log}) == len(log)


def test_the_same_seed_and_steps_make_the_same_changes() -> None:
    def run(seed: int) -> list[tuple[str, str, int]]:
        fake = FakeAmnimo(seed=seed, profile=PROFILE, clock=ManualClock())
        sub = fake.subscription_ids[0]
        for kind in ("cameras_added", "media_created", "devices_added", "cameras_deleted", "media_deleted"):
            fake.churn.apply(sub, kind, 5)
        return [(c.kind, c.item_id, c.position) for c in fake.churn.changes()]

    assert run(9) == run(9)
    assert run(9) != run(10)


def test_cameras_and_devices_land_anywhere_media_at_the_head() -> None:
    clock = ManualClock()
    fake = FakeAmnimo(seed=2, profile=PROFILE, clock=clock)
    sub = fake.subscription_ids[0]
    clock.advance(10)
    added = fake.churn.apply(sub, "cameras_added", 20)
    cameras = fake.world.ids(sub, "cameras")
    assert len(cameras) == 60
    assert any(change.position < 20 for change in added)  # not only appended
    for change in added:
        assert change.item_id in cameras
    last = added[-1]
    assert cameras[last.position] == last.item_id
    created = fake.churn.apply(sub, "media_created", 3)
    newest = [media["id"] for media in fake.world.media(sub)[:3]]
    assert set(newest) == {change.item_id for change in created}
    assert all(change.position < 3 for change in created)
    fake.churn.apply(sub, "devices_added", 2, position=0)
    assert (
        fake.world.ids(sub, "devices")[:2]
        == [c.item_id for c in fake.churn.changes(kind="devices_added")][::-1]
    )


def test_nothing_to_delete_is_no_change() -> None:
    fake = FakeAmnimo(profile=DataProfile.explicit([{"cameras": 0, "media": 0, "devices": 0}]))
    sub = fake.subscription_ids[0]
    for kind in ("media_created", "media_deleted", "cameras_deleted", "devices_deleted"):
        assert fake.churn.apply(sub, kind, 3) == []
    assert fake.churn.changes() == []


async def test_served_lists_show_the_changes(serve: Serve, connect: Connect) -> None:
    server = serve(profile=PROFILE)
    sub = server.subscription_ids[0]
    churn = churn_of(server).churn
    (new_camera,) = churn.apply(sub, "cameras_added", position=3)
    (gone,) = churn.apply(sub, "cameras_deleted", position=0)
    (new_device,) = churn.apply(sub, "devices_added", position=11)
    amnimo = connect(server)
    page = await amnimo.cameras.list(sub, size=10)
    assert page.total == 40
    assert page.cameras[2].id == new_camera.item_id  # position 3, less the deleted first one
    assert (await amnimo.cameras.get(sub, new_camera.item_id)).id == new_camera.item_id
    with pytest.raises(NotFoundError):
        await amnimo.cameras.get(sub, gone.item_id)
    assert [c.id for c in await amnimo.cameras.get_many(sub, [gone.item_id], skip_missing=True)] == []
    devices = await amnimo.devices.list_external(sub, page=1, size=10)
    assert devices.summary.total == 13
    assert devices.data[1].id == new_device.item_id
    # The new device answers on its own route too, with what the world holds behind it.
    (held,) = [device for device in server.world.devices(sub) if device["id"] == new_device.item_id]
    external = await amnimo.devices.external(sub, new_device.item_id)
    assert external.summary.total == len(held["externalDevices"])
    assert [e.ip_address for e in external.data] == [e["ipAddress"] for e in held["externalDevices"]]


async def test_steps_fire_on_the_requests_they_name(serve: Serve, connect: Connect) -> None:
    server = serve(profile=PROFILE)
    sub, other = server.subscription_ids
    churn = churn_of(server).churn
    third = churn.add(ChurnStep(route="listCameras", nth=3, changes={"cameras_added": 2}))
    page_one = churn.add(ChurnStep(route="*", page=1, times=2, changes={"media_created": 1}))
    only_other = churn.add(ChurnStep(subscription_id=other, times=None, changes={"devices_added": 1}))
    amnimo = connect(server)
    totals = [(await amnimo.cameras.list(sub, size=5, page=n)).total for n in range(4)]
    assert totals == [40, 40, 42, 42]
    await amnimo.media.search(sub, page_number=1, page_size=5)
    await amnimo.devices.list_external(sub, page=1)
    await amnimo.devices.list_external(other, page=0)
    await amnimo.devices.list_external(other, page=0)
    assert (churn.fired(third), churn.fired(page_one), churn.fired(only_other)) == (1, 2, 2)
    assert len(churn.changes(kind="media_created", subscription_id=sub)) == 2
    assert len(churn.changes(kind="devices_added", subscription_id=other)) == 2
    assert churn.changes(kind="devices_added", subscription_id=sub) == []
    churn.clear_steps()
    await amnimo.cameras.list(sub, page=1)
    assert len(churn.changes()) == 6


def test_churn_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="media_created"):
        ChurnRates(media_created=-1)
    with pytest.raises(ValueError, match="route"):
        ChurnStep(route="getCamera")
    with pytest.raises(ValueError, match="changes"):
        ChurnStep(changes={"cameras_moved": 1})
    with pytest.raises(ValueError, match="nth"):
        ChurnStep(nth=0)
    fake = FakeAmnimo(profile=PROFILE)
    with pytest.raises(ValueError, match="kind"):
        fake.churn.apply(fake.subscription_ids[0], "cameras_moved")


def test_the_serve_command_takes_churn_rates() -> None:
    args = _parser().parse_args(["serve", "--port", "0", "--create-media", "2", "--add-cameras", "0.5"])
    fake = build_fake(args)
    assert fake.churn.rates == ChurnRates(media_created=2.0, cameras_added=0.5)
    assert build_fake(_parser().parse_args(["serve"])).churn.rates == ChurnRates()
