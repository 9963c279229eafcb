"""Media walks (no total; newest first) while media are created and deleted, and ``since=``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from amnimo_async import ValidationError
from amnimo_async.testing import ChurnStep, DataProfile, FakeServer, ManualClock

from ..integration.conftest import at, wire_time
from .conftest import SEARCH, Connect, Serve, added_since, churn_of, deleted_since, media_server, repeated


def media_ids(server: FakeServer, sub: str, camera_id: str | None = None) -> list[str]:
    return [media["id"] for media in server.world.media(sub, camera_id=camera_id)]


@pytest.mark.parametrize("per_camera", [False, True])
async def test_media_created_before_every_answer_are_no_trouble(
    serve: Serve, connect: Connect, per_camera: bool
) -> None:
    # New media land at the head and push every page down: pages asked for one after the other
    # only ever repeat (dropped), never skip.
    server = media_server(serve)
    sub = server.subscription_ids[0]
    camera = server.world.camera_id(sub, 0) if per_camera else None
    before = media_ids(server, sub, camera)
    route = "searchCameraMedia" if per_camera else SEARCH
    churn = churn_of(server).churn
    churn.add(ChurnStep(route=route, times=None, changes={"media_created": 4}))
    mark = churn.mark()
    amnimo = connect(server)
    paginator = amnimo.media.iter(sub, camera, page_size=20)
    handed = [media.id async for media in paginator]

    created = added_since(server, mark, "media", sub)
    assert len(created) == 4 * paginator.pages_fetched
    assert repeated(handed) == []
    assert set(before) <= set(handed)
    assert set(handed) - set(before) <= created
    assert paginator.pages_fetched == server.journal.count(route=route)


async def test_pages_hold_only_media_not_handed_out_before(serve: Serve, connect: Connect) -> None:
    server = media_server(serve, media=50)
    sub = server.subscription_ids[0]
    churn_of(server).churn.add(ChurnStep(route=SEARCH, page=1, changes={"media_created": 3}))
    pages = [page async for page in connect(server).media.iter(sub, page_size=20).pages()]
    # Page 1 was answered after 3 media were created at the head: its first 3 came on page 0.
    assert [len(page) for page in pages] == [20, 17, 13]


async def test_lookahead_trades_exactness_for_latency(serve: Serve, connect: Connect) -> None:
    # Documented: with lookahead, page 2 can be answered before page 1; a media created in between
    # pushes page 1's last media (old position 39) onto page 2, whose answer came without it.
    server = media_server(serve, media=100)
    sub = server.subscription_ids[0]
    before = media_ids(server, sub)
    churn_of(server).churn.add(ChurnStep(route=SEARCH, page=1, after_page=2, changes={"media_created": 1}))
    amnimo = connect(server)
    ahead = [media.id async for media in amnimo.media.iter(sub, page_size=20, lookahead=1)]
    assert repeated(ahead) == []
    assert set(before) - set(ahead) == {before[39]}
    # The default walk asks for page 2 only once page 1 is answered: exact.
    churn_of(server).churn.add(ChurnStep(route=SEARCH, page=1, changes={"media_created": 1}))
    again = media_ids(server, sub)
    exact = [media.id async for media in amnimo.media.iter(sub, page_size=20)]
    assert repeated(exact) == []
    assert set(again) <= set(exact)


async def test_a_deletion_before_a_boundary_misses_the_media_just_past_it(
    serve: Serve, connect: Connect
) -> None:
    # Documented: a media deleted while the walk is between two pages can make it miss the media
    # just past that boundary (old position 20 moves to 19, page 0's range): one per deletion.
    server = media_server(serve, media=70)
    sub = server.subscription_ids[0]
    before = media_ids(server, sub)
    churn = churn_of(server).churn
    churn.add(ChurnStep(route=SEARCH, page=1, changes={"media_deleted": 1}, position=5))
    mark = churn.mark()
    handed = [media.id async for media in connect(server).media.iter(sub, page_size=20)]
    assert deleted_since(server, mark, "media", sub) == {before[5]}
    assert repeated(handed) == []
    assert set(before) - set(handed) == {before[20]}


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_deletions_miss_at_most_as_many_media_as_were_deleted(
    serve: Serve, connect: Connect, seed: int
) -> None:
    server = serve(seed=seed, profile=DataProfile.explicit([{"cameras": 3, "media": 300, "devices": 0}]))
    sub = server.subscription_ids[0]
    before = media_ids(server, sub)
    churn = churn_of(server).churn
    churn.add(ChurnStep(route=SEARCH, times=None, changes={"media_deleted": 2}))
    mark = churn.mark()
    handed = [media.id async for media in connect(server).media.iter(sub, page_size=25)]
    deleted = deleted_since(server, mark, "media", sub)
    assert len(deleted) >= 2 * 12  # two before each of the 12 answers at least (300 media, 25 a page)
    throughout = set(before) - deleted
    assert repeated(handed) == []
    assert set(handed) <= set(before)
    assert len(throughout - set(handed)) <= len(deleted)


# --- since --------------------------------------------------------------------------------------


async def test_since_with_nothing_new_costs_one_request(serve: Serve, connect: Connect) -> None:
    server = media_server(serve, media=2500)
    sub = server.subscription_ids[0]
    amnimo = connect(server)
    (newest,) = await amnimo.media.search(sub, page_size=1)
    assert newest.requested_date_time is not None
    found = [media async for media in amnimo.media.iter(sub, since=newest.requested_date_time)]
    assert found == []
    assert server.journal.count(route=SEARCH) == 1 + 1


@pytest.mark.parametrize(("new", "page_size", "requests"), [(5, 1000, 1), (10, 4, 3), (8, 4, 3), (7, 4, 2)])
async def test_since_returns_exactly_the_new_media(
    serve: Serve, connect: Connect, clock: ManualClock, new: int, page_size: int, requests: int
) -> None:
    server = media_server(serve, media=300)
    sub = server.subscription_ids[0]
    newest = server.world.media(sub)[0]
    since = wire_time(newest["requestedDateTime"])
    clock.advance(1)
    created = churn_of(server).churn.apply(sub, "media_created", new)
    amnimo = connect(server)
    found = [media async for media in amnimo.media.iter(sub, since=since, page_size=page_size)]
    assert {media.id for media in found} == {change.item_id for change in created}
    assert len(found) == new
    # A page of only new media cannot say the next has none: 8 new in pages of 4 need a third.
    assert server.journal.count(route=SEARCH) == requests


async def test_since_leaves_out_media_requested_at_that_very_time(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = media_server(serve, media=10)
    sub = server.subscription_ids[0]
    clock.advance(60)
    at_since = churn_of(server).churn.apply(sub, "media_created", 2)
    clock.advance(0.5)
    after = churn_of(server).churn.apply(sub, "media_created", 1)
    found = [m.id async for m in connect(server).media.iter(sub, since=at(clock() - 0.5))]
    assert found == [after[0].item_id]
    assert at_since[0].item_id not in found


async def test_since_per_camera_and_in_the_inventory(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve(profile=DataProfile.explicit([{"cameras": 2, "media": 40}, {"cameras": 3, "media": 1500}]))
    since = at(clock())
    clock.advance(5)
    churn = churn_of(server).churn
    created = {
        sub: {c.item_id for c in churn.apply(sub, "media_created", 6)} for sub in server.subscription_ids
    }
    amnimo = connect(server)
    sub = server.subscription_ids[1]
    camera = server.world.camera_id(sub, 1)
    of_camera = [m async for m in amnimo.media.iter(sub, camera, since=since)]
    assert {m.id for m in of_camera} == {
        m["id"] for m in server.world.media(sub, camera_id=camera)
    } & created[sub]
    assert all(m.camera_id == camera for m in of_camera)

    server.journal.clear()
    inventory = amnimo.inventory(server.account_id, include="media", since=since)
    records = [record async for record in inventory]
    assert {(r.subscription_id, r.item.id) for r in records} == {  # type: ignore[union-attr]
        (sub, media_id) for sub, ids in created.items() for media_id in ids
    }
    assert server.journal.count(route=SEARCH) == 2  # one page each, whatever the media before


async def test_since_is_checked_before_anything_is_sent(serve: Serve, connect: Connect) -> None:
    server = media_server(serve, media=3)
    sub = server.subscription_ids[0]
    amnimo = connect(server)
    naive = datetime(2026, 1, 1)
    for call, argument in [
        (lambda: amnimo.media.iter(sub, since=naive), "since"),
        (
            lambda: amnimo.media.iter(sub, since=naive.replace(tzinfo=timezone.utc), sort_dir="asc"),
            "sort_dir",
        ),
        (lambda: amnimo.media.iter(sub, since="2026-01-01"), "since"),  # type: ignore[arg-type]
        (lambda: amnimo.inventory(server.account_id, since=naive), "since"),
    ]:
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.argument == argument
    assert server.journal.entries == []
    # Generated media were requested before 2026-02-01T00:00Z, that is 09:00 in Tokyo.
    tokyo = datetime(2026, 2, 1, 9, tzinfo=timezone(timedelta(hours=9)))
    assert [m async for m in amnimo.media.iter(sub, since=tokyo)] == []
    assert len([m async for m in amnimo.media.iter(sub, since=tokyo - timedelta(hours=1))]) == 3
