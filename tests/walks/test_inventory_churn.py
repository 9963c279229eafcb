"""Inventory sweeps while the tenant changes: every list of every subscription, each id once."""

from __future__ import annotations

import collections
import functools

import pytest

from amnimo_async.testing import ChurnRates, ChurnStep, DataProfile, FakeServer, ManualClock

from .conftest import Connect, Serve, added_since, churn_of, repeated

PROFILE = DataProfile.explicit(
    [
        {"cameras": 1200, "media": 2300, "devices": 230},
        {"cameras": 501, "media": 1001, "devices": 101},
        {"cameras": 3, "media": 10, "devices": 1},
    ]
)
KINDS = ("cameras", "media", "devices")


def snapshot(server: FakeServer) -> dict[tuple[str, str], list[str]]:
    world = server.world
    found: dict[tuple[str, str], list[str]] = {}
    for sub in server.subscription_ids:
        found[(sub, "cameras")] = world.ids(sub, "cameras")
        found[(sub, "devices")] = world.ids(sub, "devices")
        found[(sub, "media")] = [media["id"] for media in world.media(sub)]
    return found


async def sweep(server: FakeServer, connect: Connect) -> dict[tuple[str, str], list[str]]:
    records = [record async for record in connect(server).inventory(server.account_id)]
    assert [r for r in records if r.kind == "error"] == []
    handed: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for record in records:
        handed[(record.subscription_id, record.kind)].append(record.item.id)  # type: ignore[union-attr]
    return handed


@pytest.mark.parametrize("seed", [1, 2])
async def test_a_sweep_while_items_are_added_before_every_answer(
    serve: Serve, connect: Connect, seed: int
) -> None:
    server = serve(seed=seed, profile=PROFILE)
    churn = churn_of(server).churn
    before = snapshot(server)
    churn.add(ChurnStep(times=None, changes={"cameras_added": 4, "devices_added": 2, "media_created": 5}))
    mark = churn.mark()
    handed = await sweep(server, connect)
    for (sub, kind), ids in before.items():
        got = handed[(sub, kind)]
        assert added_since(server, mark, kind, sub), (sub, kind)  # the list did change
        assert repeated(got) == [], (sub, kind)
        assert set(ids) <= set(got), (sub, kind)
        assert set(got) <= set(ids) | added_since(server, mark, kind, sub), (sub, kind)


async def test_a_sweep_under_background_churn_at_a_rate(serve: Serve, connect: Connect) -> None:
    # Additions at a rate by a clock that moves 0.01 s each time the fake reads it: changes land
    # between answers wherever the sweep happens to be, reproducibly, with no real time involved.
    rates = ChurnRates(media_created=3.0, cameras_added=2.0, devices_added=1.0)
    ticking = functools.partial(ManualClock().advance, 0.01)
    server = serve(profile=PROFILE, clock=ticking, churn=rates)
    churn = churn_of(server).churn
    before = snapshot(server)
    mark = churn.mark()
    handed = await sweep(server, connect)
    assert len(churn.changes(since=mark)) > 30
    for (sub, kind), ids in before.items():
        got = handed[(sub, kind)]
        assert repeated(got) == [], (sub, kind)
        assert set(ids) <= set(got), (sub, kind)
