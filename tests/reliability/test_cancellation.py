"""Cancellation (#7): a sweep, a paginator or a single call cancelled at any point leaves nothing
behind: no task, no pool slot, no limiter waiter, no token fetch, no request stuck at the fake,
and the same client goes on serving.

The trials run one fake on loopback with latency and slow bodies, and one long-lived client with
a 4-connection pool; each seeded trial picks a target and a way to cancel it, then the client
must serve 50 concurrent calls through that same pool, limiter and token. The other tests pin
down, one at a time, the points where a cancellation is most likely to break something.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import random
from collections.abc import AsyncIterable, Awaitable, Callable, Iterator
from typing import Any

import anyio
import attrs
import httpx
import pytest

from amnimo_async import AsyncAmnimo, RetryPolicy
from amnimo_async.testing import DataProfile, FakeServer, Fault, ManualClock

from ..integration.conftest import Connect, Serve, settled

SEED = 20260307
TRIALS = 100
POOL = 4
FOLLOW_UP = 50
PROFILE = DataProfile.explicit([{"cameras": 150, "media": 300, "devices": 60}] * 3)
STALE = 7000.0  # seconds: a token (7200 s) is refreshed 300 s before expiry, so this makes it stale
TRIAL_FAULTS = (
    Fault(kind="latency", latency=0.02, jitter=0.03),
    Fault(kind="slow_body", route="getCamera", probability=0.4, chunk_size=256, chunk_delay=0.01),
    Fault(kind="slow_body", route="listCameras", probability=0.2, chunk_size=4096, chunk_delay=0.01),
)


# --- the client's state ----------------------------------------------------------------------------


class Probe:
    """Reads (never changes) the private state of a client: its pool, limiter and token."""

    def __init__(self, amnimo: AsyncAmnimo, http: httpx.AsyncClient) -> None:
        self.limiter = amnimo.transport.limiter
        self.tokens = amnimo.transport.tokens
        self.pool: Any = http._transport._pool  # type: ignore[attr-defined]

    def waiting_for_rate(self) -> bool:
        """A caller holds the turn (held only while waiting for a slot) or is queued for it."""
        turn = self.limiter._turn
        return turn.locked() or any(not waiter.cancelled() for waiter in turn._waiters or ())

    def fetching_token(self) -> bool:
        return self.tokens._inflight is not None

    def waiting_for_pool(self) -> bool:
        return any(request.is_queued() for request in self.pool._requests)

    def on_the_wire(self) -> bool:
        return any(not request.is_queued() for request in self.pool._requests)

    def state(self) -> set[str]:
        checks = {
            "rate slot": self.waiting_for_rate,
            "token": self.fetching_token,
            "pool": self.waiting_for_pool,
            "on the wire": self.on_the_wire,
        }
        return {name for name, check in checks.items() if check()}

    def assert_pool_whole(self) -> None:
        """No request registered with the pool; every connection idle, so every slot free."""
        pool = self.pool
        assert pool._requests == [], f"requests left in the pool: {pool!r}"
        assert len(pool.connections) <= POOL
        assert all(connection.is_idle() for connection in pool.connections), pool.connections

    def assert_limiter_idle(self, *, throttled: int = 0) -> None:
        """Nobody holds or waits for a turn, the bucket has no waiter and a level within bounds."""
        turn = self.limiter._turn
        assert not turn.locked()
        assert not [waiter for waiter in (turn._waiters or ()) if not waiter.done()]
        bucket = self.limiter._bucket
        assert bucket is not None
        assert not [entry for entry in bucket._waiters if not entry[-1].done()]
        assert 0 <= bucket._level <= bucket.max_rate
        assert self.limiter.throttle_count == throttled
        if not throttled:
            assert self.limiter.fraction == 1.0

    def assert_consistent(self) -> None:
        self.assert_pool_whole()
        self.assert_limiter_idle()
        assert self.tokens._inflight is None


def other_tasks(baseline: set[asyncio.Task[Any]]) -> set[asyncio.Task[Any]]:
    return asyncio.all_tasks() - baseline - {asyncio.current_task()}  # type: ignore[operator]


async def spin() -> None:
    await asyncio.sleep(0)


async def until(
    condition: Callable[[], bool], task: asyncio.Future[Any] | None = None, step: Job = spin
) -> bool:
    """Take ``step`` (by default one turn of the loop) until ``condition`` holds (True) or
    ``task`` is over first (False)."""
    with anyio.fail_after(5):
        while not condition():
            if task is not None and task.done():
                return False
            await step()
    return True


async def drain(baseline: set[asyncio.Task[Any]], probe: Probe) -> None:
    """No task outlives the cancellation but the token fetch its callers abandoned.

    A few turns of the loop are allowed (the finaliser of an async generator left by ``break``
    runs as a task), far fewer than the fake's latency: a page fetch left uncancelled would wait
    for its answer and be caught here.
    """
    spared = {probe.tokens._inflight} - {None}
    for _ in range(100):
        if not other_tasks(baseline) - spared:
            break
        await asyncio.sleep(0)
    assert not other_tasks(baseline) - spared
    with anyio.fail_after(5):
        await asyncio.gather(*spared)  # type: ignore[arg-type]
    assert not other_tasks(baseline)


@contextlib.contextmanager
def loop_errors() -> Iterator[list[dict[str, Any]]]:
    """Collect what the loop reports (a task destroyed while pending, an unretrieved exception).

    The loop reports those when the task is collected, so the block ends with a collection."""
    loop = asyncio.get_running_loop()
    errors: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    try:
        yield errors
    finally:
        gc.collect()
        loop.set_exception_handler(previous)


# --- what the trials cancel ----------------------------------------------------------------------

Job = Callable[[], Awaitable[Any]]


@attrs.frozen
class Target:
    """A fresh job each ``start()``; for the iterables, ``stream()`` gives the async iterable."""

    start: Job
    stream: Callable[[], AsyncIterable[Any]] | None = None


async def consume(items: AsyncIterable[Any], stop_after: int | None = None) -> int:
    seen = 0
    async for _item in items:
        seen += 1
        if seen == stop_after:
            break
    return seen


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


def small_pool() -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL)
    return httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(5, pool=2))


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


# --- one point at a time: the pool ---------------------------------------------------------------


class Tripwire(httpx.AsyncHTTPTransport):
    """The default transport, cancelling the calling task once when httpcore reports ``event``."""

    def __init__(self, event: str, **options: Any) -> None:
        super().__init__(**options)
        self.event = event
        self.armed = False
        self.fired = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async def trace(name: str, info: dict[str, Any]) -> None:
            if self.armed and name == self.event:
                self.armed = False
                self.fired += 1
                task = asyncio.current_task()
                assert task is not None
                task.cancel()  # delivered at the next await, inside httpcore

        request.extensions["trace"] = trace
        return await super().handle_async_request(request)


@pytest.mark.parametrize(
    ("event", "keepalive"),
    [
        ("connection.connect_tcp.complete", 0),  # connected, not yet sending: a new connection
        ("http11.response_closed.started", 1),  # answer read, the connection going back to the pool
    ],
)
async def test_a_call_cancelled_inside_httpcore_gives_its_pool_slot_back(
    serve: Serve, connect: Connect, event: str, keepalive: int
) -> None:
    server = serve(profile=PROFILE)
    sub = server.subscription_ids[0]
    ids = [server.world.camera_id(sub, i) for i in range(10)]
    # One connection; without keep-alive each call opens its own.
    tripwire = Tripwire(event, limits=httpx.Limits(max_connections=1, max_keepalive_connections=keepalive))
    async with httpx.AsyncClient(transport=tripwire, timeout=httpx.Timeout(5, pool=0.5)) as http:
        amnimo = connect(server, http_client=http, max_retries=0)
        probe = Probe(amnimo, http)
        await amnimo.cameras.get(sub, ids[0])  # the token, and a first answer
        tripwire.armed = True
        call = asyncio.ensure_future(amnimo.cameras.get(sub, ids[1]))
        await asyncio.wait({call})
        assert call.cancelled()
        assert tripwire.fired == 1
        probe.assert_pool_whole()
        # The one slot serves the next calls (a lost slot would be a PoolTimeout here).
        cameras = await asyncio.gather(*(amnimo.cameras.get(sub, i) for i in ids))
        assert [camera.id for camera in cameras] == ids
        probe.assert_pool_whole()


async def test_a_call_cancelled_as_the_pool_hands_it_a_new_connection_gives_the_slot_back(
    serve: Serve, connect: Connect
) -> None:
    server = serve(profile=PROFILE)
    sub = server.subscription_ids[0]
    ids = [server.world.camera_id(sub, i) for i in range(10)]
    # One connection, closed after each answer: a queued call is handed a new one.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=0)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(5, pool=0.5)) as http:
        amnimo = connect(server, http_client=http, max_retries=0)
        probe = Probe(amnimo, http)
        await amnimo.cameras.get(sub, ids[0])  # the token
        server.faults.add(Fault(kind="latency", route="getCamera", latency=0.05, times=1))
        first = asyncio.ensure_future(amnimo.cameras.get(sub, ids[1]))
        await until(lambda: server.journal.in_flight == 1)
        queued = asyncio.ensure_future(amnimo.cameras.get(sub, ids[2]))
        await until(probe.waiting_for_pool)
        # The first answer frees the slot and the pool hands the queued call a connection not yet
        # opened; the call is cancelled before it runs again to open it (as a paginator's are).
        await until(
            lambda: any(
                r.connection is not None and r.connection.info() == "CONNECTING" for r in probe.pool._requests
            )
        )
        queued.cancel()
        await asyncio.wait({first, queued})
        assert queued.cancelled()
        assert first.result().id == ids[1]
        probe.assert_pool_whole()
        cameras = await asyncio.gather(*(amnimo.cameras.get(sub, i) for i in ids))
        assert [camera.id for camera in cameras] == ids
        probe.assert_pool_whole()


# --- one point at a time: the token ---------------------------------------------------------------


@pytest.mark.parametrize("waiting_for", ["rate slot", "server"])
@pytest.mark.parametrize("then", ["join the fetch", "use its token"])
@pytest.mark.parametrize("cancel", ["task.cancel", "cancel scope"])
async def test_callers_cancelled_while_the_token_is_fetched_leave_it_to_the_next_caller(
    serve: Serve, connect: Connect, clock: ManualClock, waiting_for: str, then: str, cancel: str
) -> None:
    server = serve(profile=PROFILE)
    sub = server.subscription_ids[0]
    ids = [server.world.camera_id(sub, i) for i in range(6)]
    server.faults.add(Fault(kind="latency", route="issueToken", latency=0.1))
    async with small_pool() as http:
        amnimo = connect(server, http_client=http, rate=20, burst=2)  # one request each 50 ms
        amnimo.transport.tokens.clock = clock
        probe = Probe(amnimo, http)
        await amnimo.cameras.get(sub, ids[0])  # the first token, and the slot spent
        clock.advance(STALE)

        async def callers() -> None:
            await asyncio.gather(*(amnimo.cameras.get(sub, i) for i in ids))

        if waiting_for == "rate slot":
            condition = lambda: probe.fetching_token() and probe.waiting_for_rate()  # noqa: E731
        else:
            condition = lambda: probe.fetching_token() and server.journal.in_flight == 1  # noqa: E731
        if cancel == "task.cancel":
            task = asyncio.ensure_future(callers())
            assert await until(condition, task)
            task.cancel()
            await asyncio.wait({task})
            assert task.cancelled()
        else:
            async with anyio.create_task_group() as group:
                group.start_soon(callers)
                assert await until(condition)
                group.cancel_scope.cancel()
        assert probe.fetching_token()  # the callers gave up, not the fetch
        if then == "use its token":
            await until(lambda: not probe.fetching_token())
        camera = await amnimo.cameras.get(sub, ids[1])
        assert camera.id == ids[1]
        await settled(server)  # a request of theirs still in the fake would not be journaled yet
        assert server.journal.token_calls == server.journal.tokens_issued == 2
        assert server.journal.count("getCamera") == 2  # the first call and this one: none of theirs
        probe.assert_consistent()


async def test_a_token_fetch_failing_with_nobody_waiting_is_tried_again_by_the_next_caller(
    serve: Serve, connect: Connect
) -> None:
    server = serve(profile=PROFILE)
    sub = server.subscription_ids[0]
    camera_id = server.world.camera_id(sub, 0)
    server.faults.add(
        Fault(kind="latency", route="issueToken", latency=0.05, times=1),
        Fault(kind="status", status=503, route="issueToken", times=1),
    )
    with loop_errors() as errors:
        async with small_pool() as http:
            amnimo = connect(server, http_client=http, max_retries=0, rate=None)
            tokens = amnimo.transport.tokens
            caller = asyncio.ensure_future(amnimo.cameras.get(sub, camera_id))
            await until(lambda: tokens._inflight is not None and server.journal.in_flight == 1)
            fetch = tokens._inflight
            caller.cancel()
            await asyncio.wait({caller})
            assert fetch is not None
            await asyncio.wait({fetch})
            del fetch  # only the SDK may retrieve its exception (the 503, with nobody to hear it)
            assert server.journal.count("issueToken", 503) == 1
            assert tokens._inflight is None
            camera = await amnimo.cameras.get(sub, camera_id)
    assert camera.id == camera_id
    assert server.journal.token_calls == 2
    assert server.journal.tokens_issued == 1
    assert errors == []  # the failed fetch's exception was retrieved, not reported by the loop


# --- one point at a time: the limiter -------------------------------------------------------------


@pytest.mark.parametrize("cancel", ["task.cancel", "wait_for", "cancel scope"])
async def test_cancelled_while_paused_by_a_429_the_limiter_keeps_the_pause_and_serves_on(
    serve: Serve, connect: Connect, cancel: str
) -> None:
    server = serve(profile=PROFILE, retry_after=1)
    sub = server.subscription_ids[0]
    ids = [server.world.camera_id(sub, i) for i in range(FOLLOW_UP)]
    async with small_pool() as http:
        amnimo = connect(server, http_client=http, rate=1000, burst=5)
        # Retry-After: 1 is cut to 0.3 s, for the pause and for the throttled call's retry.
        amnimo.transport.retry = RetryPolicy(max_retries=1, backoff_base=0.01, max_retry_after=0.3)
        probe = Probe(amnimo, http)
        limiter = amnimo.transport.limiter
        await amnimo.cameras.get(sub, ids[0])
        server.faults.add(Fault(kind="rate_limit", route="getCamera", schedule=[1]))
        throttled = asyncio.ensure_future(amnimo.cameras.get(sub, ids[1]))
        await until(lambda: limiter._paused_until > limiter.clock())
        pause = limiter._paused_until

        async def sweep() -> None:
            await consume(amnimo.cameras.iter(sub, size=10, window=8))

        if cancel == "task.cancel":
            task = asyncio.ensure_future(sweep())
            assert await until(limiter._turn.locked, task)  # its first page waits out the pause
            task.cancel()
            await asyncio.wait({task})
            assert task.cancelled()
        elif cancel == "wait_for":
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(sweep(), 0.05)
        else:
            async with anyio.create_task_group() as group:
                group.start_soon(sweep)
                assert await until(limiter._turn.locked)
                group.cancel_scope.cancel()
        assert limiter._paused_until == pause  # the cancelled waiters did not lift the pause
        probe.assert_limiter_idle(throttled=1)
        assert limiter.fraction < 1.0  # the cut stands too
        assert (await throttled).id == ids[1]  # retried once the pause was over
        await settled(server)
        assert server.journal.count("listCameras") == 0  # the cancelled sweep sent nothing
        answers = await asyncio.gather(*(amnimo.cameras.get(sub, i) for i in ids))
        assert [camera.id for camera in answers] == ids
        await settled(server)
        assert server.journal.rate_limited == 1
        probe.assert_pool_whole()
        probe.assert_limiter_idle(throttled=1)
