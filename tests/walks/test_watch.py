"""``media.watch``: each new media once, over many polls, through faults, in virtual time.

The watch waits with the client's ``transport.sleep``; here a :class:`Ticker` stands in for it:
it records each wait and, instead of waiting, runs the test's next action (move the fake's clock,
create media, arm a fault), so every poll happens in a known world and no test sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import pytest

from amnimo_async import Amnimo, AsyncAmnimo, Media, NotFoundError, ServerError, ValidationError
from amnimo_async.testing import FakeServer, Fault, ManualClock

from ..flows.conftest import guarded
from ..integration.conftest import at
from .conftest import SEARCH, Connect, Serve, churn_of, media_server

WATCHED = {"media": 30, "cameras": 3}
"""The subscription the watches poll: what it holds before a watch starts."""


class Ticker:
    """A watch's ``sleep``: records the wait, then runs the next action instead of waiting."""

    def __init__(self, actions: list[Callable[[], Any]]) -> None:
        self.actions = list(actions)
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.actions:
            self.actions.pop(0)()
        await asyncio.sleep(0)


async def take(watch: AsyncIterator[Media], count: int) -> list[Media]:
    """The first ``count`` media the watch hands out (fails instead of hanging)."""

    async def collect() -> list[Media]:
        found: list[Media] = []
        async for media in watch:
            found.append(media)
            if len(found) == count:
                break
        return found

    return await guarded(collect())


def watching(server: FakeServer, connect: Connect, ticker: Ticker, **options: Any) -> AsyncAmnimo:
    amnimo = connect(server, **options)
    amnimo.transport.sleep = ticker.sleep
    return amnimo


class Create:
    """An action: move the fake's clock by ``advance``, then create ``count`` media in the first
    subscription; :attr:`created` lists their ids."""

    def __init__(self, server: FakeServer, clock: ManualClock, count: int, *, advance: float = 1.0) -> None:
        self.server, self.clock, self.count, self.advance = server, clock, count, advance
        self.created: list[str] = []

    def __call__(self) -> list[str]:
        self.clock.advance(self.advance)
        changes = churn_of(self.server).churn.apply(
            self.server.subscription_ids[0], "media_created", self.count
        )
        self.created += [change.item_id for change in changes]
        return self.created


async def test_each_new_media_once_over_many_polls(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = media_server(serve, **WATCHED)
    sub = server.subscription_ids[0]
    first, second, third = Create(server, clock, 3), Create(server, clock, 2), Create(server, clock, 4)
    quiet = lambda: clock.advance(60)  # noqa: E731
    # After the first poll (where the list stands) 3 new, then two quiet polls, 2, quiet, 4.
    ticker = Ticker([first, quiet, quiet, second, quiet, third])
    amnimo = watching(server, connect, ticker)
    got = await take(amnimo.media.watch(sub, every=60), 9)

    expected = first.created + second.created + third.created
    assert sorted(m.id for m in got) == sorted(expected)
    times = [m.requested_date_time for m in got]
    assert times == sorted(times)  # type: ignore[type-var]  # oldest first
    assert {m.id for m in got[:3]} == set(first.created)
    polls = len(ticker.sleeps) + 1
    assert polls == 7
    assert server.journal.count(route=SEARCH) == polls  # one request a poll, quiet or not
    assert ticker.sleeps == [60.0] * 6


async def test_media_sharing_the_cursors_request_time_come_once(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    # The clock does not move: every new media has the same request time as the last one handed out.
    server = media_server(serve, **WATCHED)
    sub = server.subscription_ids[0]
    first, second, third = (Create(server, clock, n, advance=0) for n in (2, 3, 1))
    ticker = Ticker([first, second, lambda: None, third])
    amnimo = watching(server, connect, ticker)
    got = await take(amnimo.media.watch(sub, every=5), 6)
    assert {m.id for m in got[:2]} == set(first.created)
    assert {m.id for m in got[2:5]} == set(second.created)
    assert [m.id for m in got[5:]] == third.created
    assert len({m.requested_date_time for m in got}) == 1


async def test_since_hands_out_what_came_after_it_first(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = media_server(serve, **WATCHED)
    sub = server.subscription_ids[0]
    since = at(clock())
    early = Create(server, clock, 2)()
    later = Create(server, clock, 1)
    ticker = Ticker([later])
    amnimo = watching(server, connect, ticker)
    got = await take(amnimo.media.watch(sub, every=30, since=since), 3)
    assert [m.id for m in got[2:]] == later.created
    assert {m.id for m in got[:2]} == set(early)
    assert server.journal.count(route=SEARCH) == 2


@pytest.mark.parametrize(
    ("new", "faults", "options", "sleeps", "requests"),
    [
        # Polls 2 and 3 fail (a 503, then a dropped connection) with media waiting: none lost, none
        # twice; the waits are every, then every x 2, x 4 after the failures.
        pytest.param(
            3,
            [
                Fault(kind="status", status=503, route=SEARCH, schedule=[2]),
                Fault(kind="reset", route=SEARCH, schedule=[3]),
            ],
            {},
            [10.0, 20.0, 40.0],
            4,
            id="failed-polls-are-retried-at-later-polls-with-backoff",
        ),
        # Pages of 3: the poll after the baseline needs 3 pages; its second request fails.
        pytest.param(
            7,
            [Fault(kind="status", status=500, route=SEARCH, schedule=[3])],
            {"page_size": 3},
            [10.0, 20.0],
            1 + 2 + 3,  # baseline, the failed poll, the next one
            id="a-poll-failing-half-way-loses-nothing-and-repeats-nothing",
        ),
    ],
)
async def test_transient_faults_lose_no_media_and_repeat_none(
    serve: Serve,
    connect: Connect,
    clock: ManualClock,
    new: int,
    faults: list[Fault],
    options: dict[str, Any],
    sleeps: list[float],
    requests: int,
) -> None:
    server = media_server(serve, **WATCHED)
    sub = server.subscription_ids[0]
    created = Create(server, clock, new)
    for fault in faults:
        server.faults.add(fault)
    ticker = Ticker([created])
    amnimo = watching(server, connect, ticker, max_retries=0)
    got = await take(amnimo.media.watch(sub, every=10, **options), new)
    assert sorted(m.id for m in got) == sorted(created.created)
    assert ticker.sleeps == sleeps
    assert server.journal.count(route=SEARCH) == requests


async def test_a_fault_that_persists_is_raised_after_five_polls(serve: Serve, connect: Connect) -> None:
    server = media_server(serve, **WATCHED)
    sub = server.subscription_ids[0]
    server.faults.add(Fault(kind="status", status=503, route=SEARCH))
    ticker = Ticker([])
    amnimo = watching(server, connect, ticker, max_retries=0)
    with pytest.raises(ServerError):
        await take(amnimo.media.watch(sub, every=60), 1)
    assert ticker.sleeps == [120.0, 240.0, 480.0, 900.0]
    assert server.journal.count(route=SEARCH) == 5


async def test_an_error_that_is_not_transient_is_raised_at_once(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = media_server(serve, **WATCHED)
    sub = server.subscription_ids[0]
    camera = server.world.camera_id(sub, 0)
    gone = lambda: churn_of(server).churn.apply(sub, "cameras_deleted", position=0)  # noqa: E731
    ticker = Ticker([gone])
    amnimo = watching(server, connect, ticker, max_retries=0)
    with pytest.raises(NotFoundError):
        await take(amnimo.media.watch(sub, camera, every=60), 1)
    assert ticker.sleeps == [60.0]


async def test_arguments_are_checked_before_anything_is_sent(serve: Serve, connect: Connect) -> None:
    server = media_server(serve, **WATCHED)
    sub = server.subscription_ids[0]
    amnimo = connect(server)
    for options, argument in [
        ({"every": 0}, "every"),
        ({"every": -5.0}, "every"),
        ({"every": float("nan")}, "every"),
        ({"every": "60"}, "every"),
        ({"since": datetime(2026, 3, 1)}, "since"),
        ({"page_size": 0}, "page_size"),
        ({"categories": ["VIDEO"]}, "categories[0]"),
    ]:
        with pytest.raises(ValidationError) as info:
            amnimo.media.watch(sub, **options)
        assert info.value.argument == argument
    with pytest.raises(ValidationError):
        amnimo.media.watch("not-a-subscription")
    with pytest.raises(ValidationError):
        amnimo.media.watch(sub, "not-a-camera")
    assert server.journal.entries == []


def test_the_blocking_client_watches_with_a_plain_for(serve: Serve, clock: ManualClock) -> None:
    server = media_server(serve, **WATCHED)
    sub = server.subscription_ids[0]
    since = at(clock())
    early = Create(server, clock, 2)()
    later = Create(server, clock, 2)
    ticker = Ticker([later])

    async def virtual_time(client: AsyncAmnimo) -> None:
        client.transport.sleep = ticker.sleep

    with Amnimo(server.client_id, server.secret_key, base_url=server.base_url, rate=None) as amnimo:
        amnimo.run(virtual_time)
        with pytest.raises(ValidationError):
            amnimo.media.watch(sub, since=datetime(2026, 3, 1))
        got: list[str] = []
        for media in amnimo.media.watch(sub, every=15, since=since):
            got.append(media.id)
            if len(got) == 4:
                break
    assert set(got[:2]) == set(early)
    assert set(got[2:]) == set(later.created)
    assert ticker.sleeps[0] == 15.0  # (the portal may have asked for the next item already)
