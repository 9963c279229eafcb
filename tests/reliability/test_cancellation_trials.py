"""Cancellation (#7): a sweep, a paginator or a single call cancelled at any point leaves nothing
behind: no task, no pool slot, no limiter waiter, no token fetch, no request stuck at the fake,
and the same client goes on serving.

The trials run one fake on loopback with latency and slow bodies, and one long-lived client with
a 4-connection pool; each seeded trial picks a target and a way to cancel it, then the client
must serve 50 concurrent calls through that same pool, limiter and token.
"""

from __future__ import annotations

import asyncio
import collections
import random
from collections.abc import AsyncIterable, Callable
from typing import Any

import anyio
import attrs
import pytest

from amnimo_async import AsyncAmnimo
from amnimo_async.testing import FakeServer, Fault, ManualClock

from ..integration.conftest import Connect, Serve, settled
from ._cancel_probe import (
    FOLLOW_UP,
    PROFILE,
    STALE,
    Job,
    Probe,
    consume,
    drain,
    loop_errors,
    other_tasks,
    small_pool,
    spin,
    until,
)

SEED = 20260307
TRIALS = 100


TRIAL_FAULTS = (
    Fault(kind="latency", latency=0.02, jitter=0.03),
    Fault(kind="slow_body", route="getCamera", probability=0.4, chunk_size=256, chunk_delay=0.01),
    Fault(kind="slow_body", route="listCameras", probability=0.2, chunk_size=4096, chunk_delay=0.01),
)


# --- what the trials cancel ----------------------------------------------------------------------


@attrs.frozen
class Target:
    """A fresh job each ``start()``; for the iterables, ``stream()`` gives the async iterable."""

    start: Job
    stream: Callable[[], AsyncIterable[Any]] | None = None


ITERABLES = ("sweep", "cameras.iter", "media.iter", "devices.iter_external")
SINGLES = ("cameras.get", "cameras.list", "media.search", "cameras.get_many")
POINTS = ("delay", "arrivals", "items", "wait_for", "scope", "token-stale", "token-rejected", "rate", "pool")


def applicable(target: str, point: str) -> bool:
    """``items`` breaks out of a loop; ``rate`` and ``pool`` need more requests at once than slots."""
    if point == "items":
        return target in ITERABLES
    if point in ("rate", "pool"):
        return target in ITERABLES or target == "cameras.get_many"
    return True


def make_target(name: str, amnimo: AsyncAmnimo, server: FakeServer, rng: random.Random, busy: bool) -> Target:
    """``busy``: parameters that put more requests in flight at once than the pool and bucket hold."""
    sub = rng.choice(server.subscription_ids)
    windows = [8] if busy else [1, 2, 8]
    stream: Callable[[], AsyncIterable[Any]]
    if name == "sweep":
        concurrency = rng.choice([2, 8] if busy else [1, 2, 8])
        stream = lambda: amnimo.inventory(server.account_id, concurrency=concurrency)  # noqa: E731
    elif name == "cameras.iter":
        cameras = amnimo.cameras.iter(sub, size=rng.choice([10, 20]), window=rng.choice(windows))
        stream = cameras.pages if rng.random() < 0.3 else lambda: cameras
    elif name == "media.iter":
        camera = server.world.camera_id(sub, 0) if rng.random() < 0.3 else None
        lookahead = 6 if busy else rng.choice([0, 1, 6])
        stream = lambda: amnimo.media.iter(sub, camera, page_size=25, lookahead=lookahead)  # noqa: E731
    elif name == "devices.iter_external":
        devices = amnimo.devices.iter_external(sub, size=10, window=rng.choice(windows))
        stream = lambda: devices  # noqa: E731
    else:
        return Target(single(name, amnimo, server, sub, rng))
    return Target(lambda: consume(stream()), stream)


def single(name: str, amnimo: AsyncAmnimo, server: FakeServer, sub: str, rng: random.Random) -> Job:
    camera_id = server.world.camera_id(sub, rng.randrange(FOLLOW_UP, 150))  # not a follow-up one
    first = rng.randrange(90)
    if name == "cameras.get":
        return lambda: amnimo.cameras.get(sub, camera_id)
    if name == "cameras.list":
        return lambda: amnimo.cameras.list(sub, size=50, page=rng.randrange(3))
    if name == "media.search":
        return lambda: amnimo.media.search(sub, page_size=100, page_number=rng.randrange(3))
    ids = [server.world.camera_id(sub, i) for i in range(first, first + 60)]  # 6 requests at once
    return lambda: amnimo.cameras.get_many(sub, ids)


# --- the trials ----------------------------------------------------------------------------------


@attrs.define
class Tally:
    """Which states the trials cancelled in, and how many ran to the end before the cancel came."""

    states: collections.Counter[str] = attrs.Factory(collections.Counter)
    completed: int = 0


async def cancel_when(
    job: Job, condition: Callable[[], bool] | None, delay: float, probe: Probe, tally: Tally, step: Job = spin
) -> None:
    """Start ``job``; once ``condition`` holds and ``delay`` more seconds passed, cancel it.

    Until then this task takes ``step`` after ``step`` (by default a turn of the loop)."""
    task = asyncio.ensure_future(job())
    reached = await until(condition, task, step) if condition is not None else True
    if reached and delay:
        await asyncio.wait({task}, timeout=delay)
    if not task.done():
        tally.states.update(probe.state())
    task.cancel()
    await asyncio.wait({task})
    if not task.cancelled():
        task.result()  # over before the cancel came: it must have succeeded
        tally.completed += 1


async def run_trial(
    point: str,
    target: Target,
    rng: random.Random,
    server: FakeServer,
    clock: ManualClock,
    probe: Probe,
    tally: Tally,
) -> None:
    journal = server.journal
    if point == "items":
        assert target.stream is not None
        stop = rng.randint(1, 300)
        tally.completed += await consume(target.stream(), stop) < stop
    elif point == "wait_for":
        try:
            await asyncio.wait_for(target.start(), rng.uniform(0.0, 0.1))
            tally.completed += 1
        except asyncio.TimeoutError:
            pass
    elif point == "scope":
        with anyio.move_on_after(rng.uniform(0.0, 0.1)) as scope:
            await target.start()
        tally.completed += not scope.cancelled_caught
    elif point == "delay":
        await cancel_when(target.start, None, rng.uniform(0.0, 0.1), probe, tally)
    elif point == "arrivals":
        arrived = len(journal) + journal.in_flight
        seen = arrived + rng.randint(1, 8)
        await cancel_when(target.start, lambda: len(journal) + journal.in_flight >= seen, 0, probe, tally)
    elif point.startswith("token"):
        if point == "token-stale":
            clock.advance(STALE)  # stale by the client's clock: fetched before the next request
        else:
            server.expire_all_tokens()  # refused by the server: fetched after a 403
        # At once, or later: while the token call waits for a slot, is on the wire, or is done.
        delay = rng.choice([0.0, rng.uniform(0.0, 0.06)])
        await cancel_when(target.start, probe.fetching_token, delay, probe, tally)
    elif point == "rate":
        # This task competes for the limiter, taking slot after slot: it waits only while it
        # holds the turn (its bucket full) or is queued for it, so the job's first request
        # queues for its slot whatever the machine's speed. Left alone, the job would have to
        # send 5 requests faster than the bucket's 1 slot per ms: on 3.10 on a busy machine
        # they left ~0.7 ms apart, and in some runs no "rate" trial ever waited.
        await cancel_when(target.start, probe.waiting_for_rate, 0, probe, tally, step=probe.limiter.acquire)
    else:
        assert point == "pool"
        await cancel_when(target.start, probe.waiting_for_pool, 0, probe, tally)


@pytest.mark.slow
async def test_cancelled_at_random_points_the_client_keeps_serving(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve(profile=PROFILE)
    journal = server.journal
    rng = random.Random(SEED)
    with loop_errors() as errors:
        async with small_pool() as http:
            amnimo = connect(server, rate=1000, burst=5, http_client=http)
            amnimo.transport.tokens.clock = clock  # the fake's clock: "token-stale" trials move it
            stats = amnimo.transport.stats
            probe = Probe(amnimo, http)
            sub = server.subscription_ids[0]
            follow_ids = [server.world.camera_id(sub, i) for i in range(FOLLOW_UP)]
            follow_paths = {f"/ex/partitions/{sub}/cameras/{i}" for i in follow_ids}

            def follow_ups() -> collections.Counter[int]:
                """Answers to the follow-up calls, by status: trials never ask for these cameras.

                (A request a trial cancelled can reach the fake late, after it settled.)
                """
                entries = journal.entries
                return collections.Counter(e.status for e in entries if e.path in follow_paths)

            await amnimo.cameras.get(sub, follow_ids[0])  # the first token
            baseline = asyncio.all_tasks()

            # Every (target, point) pair at least once, the rest drawn; all in a seeded order.
            targets = ITERABLES + SINGLES
            plan = [(target, point) for target in targets for point in POINTS if applicable(target, point)]
            while len(plan) < TRIALS:
                target = rng.choice(targets)
                plan.append((target, rng.choice([p for p in POINTS if applicable(target, p)])))
            rng.shuffle(plan)

            tally = Tally()
            expiries = 0
            for name, point in plan:
                server.faults.add(*TRIAL_FAULTS)
                target = make_target(name, amnimo, server, rng, busy=point in ("rate", "pool"))
                await run_trial(point, target, rng, server, clock, probe, tally)
                expiries += point.startswith("token")
                await drain(baseline, probe)
                probe.assert_consistent()
                await settled(server)  # what the fake was still doing for the cancelled requests
                server.faults.clear()

                # The same 4 connections (2 s pool timeout), limiter and token serve 50 more calls.
                before, retries = follow_ups(), stats.retries
                with anyio.fail_after(10):
                    cameras = await asyncio.gather(*(amnimo.cameras.get(sub, i) for i in follow_ids))
                assert [camera.id for camera in cameras] == follow_ids
                await settled(server)
                grew = follow_ups() - before
                assert grew[200] == FOLLOW_UP
                assert stats.retries == retries
                # Nothing else but 403s to a token the trial expired (each then sent again).
                assert set(grew) <= {200, 403}
                assert not grew[403] or point == "token-rejected"
                # One token call per expiry, made in the trial or the follow-up, never a second.
                assert journal.token_calls == stats.token_calls == 1 + expiries
                assert journal.count("issueToken", 200) == 1 + expiries
                token = probe.tokens._token
                assert token is not None
                assert not probe.tokens.is_stale(token)
                assert not other_tasks(baseline)
                probe.assert_consistent()

    assert errors == []
    # The trials did cancel in every state they aim at, and mostly before the job was over.
    assert set(tally.states) == {"rate slot", "token", "pool", "on the wire"}
    assert tally.completed < len(plan) // 3
