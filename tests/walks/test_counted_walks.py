"""Camera and device walks (every page carries the total) while the lists change under them.

The guarantees tested (``amnimo_async._walks``): no id twice, ever; every item present throughout
handed out while items are only added (anywhere, pages answered in any order) or only deleted
with pauses a re-read can meet; with deletions before every answer, none twice and the walk ends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Literal, NamedTuple

import pytest

from amnimo_async import AsyncAmnimo
from amnimo_async.testing import ChurnStep, DataProfile, FakeServer

from .conftest import Connect, Serve, added_since, churn_of, deleted_since, repeated

Kind = Literal["cameras", "devices"]
ROUTES = {"cameras": "listCameras", "devices": "listExternalDevices"}


def walk(amnimo: AsyncAmnimo, kind: Kind, sub: str, *, size: int, window: int = 8) -> Any:
    """The paginator of ``kind`` (small pages, so that a few dozen items make many)."""
    if kind == "cameras":
        return amnimo.cameras.iter(sub, size=size, window=window, is_url=False)
    return amnimo.devices.iter_external(sub, size=size, window=window)


async def ids_of(items: AsyncIterator[Any]) -> list[str]:
    return [item.id async for item in items]


def page_items(kind: Kind, page: Any) -> tuple[Any, ...]:
    return page.cameras if kind == "cameras" else page.data  # type: ignore[no-any-return]


def page_number(kind: Kind, page: Any) -> int:
    return page.page if kind == "cameras" else page.summary.page_number  # type: ignore[no-any-return]


def one_subscription(serve: Serve, kind: Kind, count: int) -> FakeServer:
    counts = {"cameras": count, "media": 0, "devices": 0} if kind == "cameras" else {"cameras": 1, "media": 0}
    if kind == "devices":
        counts["devices"] = count
    return serve(profile=DataProfile.explicit([counts]))


class Churning(NamedTuple):
    server: FakeServer
    sub: str
    before: list[str]
    mark: int


def under_churn(serve: Serve, kind: Kind, count: int, *steps: ChurnStep) -> Churning:
    """One subscription of ``count`` items of ``kind`` (their ids ``before``) with ``steps`` armed,
    and the churn's ``mark`` from then on."""
    server = one_subscription(serve, kind, count)
    sub = server.subscription_ids[0]
    before = server.world.ids(sub, kind)
    churn = churn_of(server).churn
    churn.add(*steps)
    return Churning(server, sub, before, churn.mark())


@pytest.mark.parametrize("kind", ["cameras", "devices"])
async def test_an_insertion_between_two_pages_answered_out_of_order_is_caught(
    serve: Serve, connect: Connect, kind: Kind
) -> None:
    # Page 2 is answered first; then an item is inserted at the head; then page 1 is answered.
    # Old item 19 is then in neither answer (page 1 holds old 9..18, page 2 old 20..29): page 2's
    # total is the smaller, so page 2 is asked for again.
    step = ChurnStep(route=ROUTES[kind], page=1, after_page=2, changes={f"{kind}_added": 1}, position=0)
    server, sub, before, mark = under_churn(serve, kind, 30, step)
    amnimo = connect(server)
    paginator = walk(amnimo, kind, sub, size=10)
    pages = [page async for page in paginator.pages()]

    assert churn_of(server).churn.fired(step) == 1
    (inserted,) = added_since(server, mark, kind, sub)
    handed = [item.id for page in pages for item in page_items(kind, page)]
    assert repeated(handed) == []
    assert set(before) <= set(handed)  # old item 19 too
    assert inserted not in handed  # it came at the head after page 0 was read: never asked for
    # Pages 0, 1 (old 9 already handed out: 9 items), 2 (asked for again), 3 (the 31st item).
    assert [page_number(kind, page) for page in pages] == [0, 1, 2, 3]
    assert [len(page_items(kind, page)) for page in pages] == [10, 9, 10, 1]
    assert server.journal.count(route=ROUTES[kind]) == paginator.pages_fetched == 5  # 4 + 1 asked again


@pytest.mark.parametrize("kind", ["cameras", "devices"])
async def test_a_deletion_before_a_page_boundary_is_caught(
    serve: Serve, connect: Connect, kind: Kind
) -> None:
    # Page 2 answered first (30 items); item 0 deleted; page 1 answered with 29: old item 10 has
    # moved back onto page 0, so pages 0 and 1 are read again as one state before going on.
    step = ChurnStep(route=ROUTES[kind], page=1, after_page=2, changes={f"{kind}_deleted": 1}, position=0)
    server, sub, before, mark = under_churn(serve, kind, 30, step)
    amnimo = connect(server)
    paginator = walk(amnimo, kind, sub, size=10)
    pages = [page async for page in paginator.pages()]

    assert deleted_since(server, mark, kind, sub) == {before[0]}
    handed = [item.id for page in pages for item in page_items(kind, page)]
    assert repeated(handed) == []
    assert set(handed) == set(before)  # old 10 included (and old 0, handed out before it went)
    # 0; 1 asked again alone (still 29); then 0 and 1 together: 0 brings old 10 only; 2 as first
    # answered (an earlier state, 30: positions were larger then) brings old 21..29.
    assert [page_number(kind, page) for page in pages] == [0, 0, 1, 2]
    assert [len(page_items(kind, page)) for page in pages] == [10, 1, 10, 9]
    assert paginator.pages_fetched == 3 + 1 + 2


@pytest.mark.parametrize("kind", ["cameras", "devices"])
@pytest.mark.parametrize(("size", "window"), [(7, 8), (10, 2), (25, 4), (100, 8)])
async def test_items_added_anywhere_before_every_answer(
    serve: Serve, connect: Connect, kind: Kind, size: int, window: int
) -> None:
    # Three items inserted at random positions before every page is answered, pages fetched
    # concurrently: every item present throughout comes once; new ones at most once.
    step = ChurnStep(route=ROUTES[kind], times=None, changes={f"{kind}_added": 3})
    server, sub, before, mark = under_churn(serve, kind, 240, step)
    handed = await ids_of(walk(connect(server), kind, sub, size=size, window=window).__aiter__())

    added = added_since(server, mark, kind, sub)
    assert len(added) >= 3 * (240 // size)
    assert repeated(handed) == []
    assert set(before) <= set(handed) <= set(before) | added


@pytest.mark.parametrize("kind", ["cameras", "devices"])
@pytest.mark.parametrize("window", [1, 3, 8])
async def test_items_deleted_here_and_there_during_the_walk(
    serve: Serve, connect: Connect, kind: Kind, window: int
) -> None:
    # Deletions only, at random positions, before a few of the answers (whichever requests come
    # 2nd, 5th and 9th): every item present throughout comes, once.
    steps = [
        ChurnStep(route=ROUTES[kind], nth=nth, changes={f"{kind}_deleted": count})
        for nth, count in ((2, 4), (5, 1), (9, 12))
    ]
    server, sub, before, mark = under_churn(serve, kind, 150, *steps)
    handed = await ids_of(walk(connect(server), kind, sub, size=10, window=window).__aiter__())

    deleted = deleted_since(server, mark, kind, sub)
    assert len(deleted) == 17
    assert repeated(handed) == []
    assert set(before) - deleted <= set(handed) <= set(before)


@pytest.mark.parametrize("kind", ["cameras", "devices"])
async def test_additions_and_deletions_together_never_hand_an_id_out_twice(
    serve: Serve, connect: Connect, kind: Kind
) -> None:
    # Offset paging cannot see a deletion hidden by an addition: the guarantee left is no repeats.
    step = ChurnStep(route=ROUTES[kind], times=None, changes={f"{kind}_added": 2, f"{kind}_deleted": 2})
    server, sub, before, mark = under_churn(serve, kind, 200, step)
    handed = await ids_of(walk(connect(server), kind, sub, size=10, window=4).__aiter__())

    assert added_since(server, mark, kind, sub)
    assert deleted_since(server, mark, kind, sub)
    assert repeated(handed) == []
    assert set(handed) <= set(before) | added_since(server, mark, kind, sub)


@pytest.mark.parametrize("kind", ["cameras", "devices"])
@pytest.mark.parametrize("window", [1, 4])
async def test_deletions_before_every_answer_repeat_nothing_and_the_walk_ends(
    serve: Serve, connect: Connect, kind: Kind, window: int
) -> None:
    # The list never stands still for a re-read: the walk goes on at the boundary after its
    # rounds (so it ends), may miss an item there, and never hands one out twice.
    step = ChurnStep(route=ROUTES[kind], times=None, changes={f"{kind}_deleted": 1})
    server, sub, before, mark = under_churn(serve, kind, 150, step)
    handed = await ids_of(walk(connect(server), kind, sub, size=10, window=window).__aiter__())

    deleted = deleted_since(server, mark, kind, sub)
    assert len(deleted) >= 15  # one before each of at least 15 answers
    assert repeated(handed) == []
    assert set(handed) <= set(before)


async def test_a_walk_with_no_change_asks_for_each_page_once(serve: Serve, connect: Connect) -> None:
    server = serve(profile=DataProfile.explicit([{"cameras": 1234, "media": 0, "devices": 250}]))
    sub = server.subscription_ids[0]
    amnimo = connect(server)
    cameras = amnimo.cameras.iter(sub, size=100)
    devices = amnimo.devices.iter_external(sub, size=100)
    assert len(await ids_of(cameras.__aiter__())) == 1234
    assert len(await ids_of(devices.__aiter__())) == 250
    assert (cameras.pages_fetched, devices.pages_fetched) == (13, 3)
    assert server.journal.count(route="listCameras") == 13
    assert server.journal.count(route="listExternalDevices") == 3
