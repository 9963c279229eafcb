"""Cancellation (#7): a sweep, a paginator or a single call cancelled at any point leaves nothing
behind: no task, no pool slot, no limiter waiter, no token fetch, no request stuck at the fake,
and the same client goes on serving.

Here, one at a time, the points where a cancellation is most likely to break something: inside
the pool, while the token is fetched, while the limiter is paused by a 429 (the seeded random
trials: test_cancellation_trials.py).
"""

from __future__ import annotations

import asyncio
from typing import Any

import anyio
import httpx
import pytest

from amnimo_async import RetryPolicy
from amnimo_async.testing import Fault, ManualClock

from ..integration.conftest import Connect, Serve, settled
from ._cancel_probe import (
    FOLLOW_UP,
    PROFILE,
    STALE,
    Job,
    Probe,
    consume,
    loop_errors,
    small_pool,
    spin,
    until,
)

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
    async with small_pool() as http:
        amnimo = connect(server, http_client=http, rate=20, burst=2)  # one request each 50 ms
        amnimo.transport.tokens.clock = clock
        probe = Probe(amnimo, http)
        await amnimo.cameras.get(sub, ids[0])  # the first token, and the slot spent
        # The second token call, long enough that it is still on its way when the callers give
        # up, however slow the machine.
        server.faults.add(Fault(kind="latency", route="issueToken", latency=1.0))
        clock.advance(STALE)

        async def callers() -> None:
            await asyncio.gather(*(amnimo.cameras.get(sub, i) for i in ids))

        step: Job = spin
        if waiting_for == "rate slot":
            condition = lambda: probe.fetching_token() and probe.waiting_for_rate()  # noqa: E731
            # This task takes slot after slot, so the token call queues for one whatever the
            # machine's speed (on a loaded machine the bucket had refilled before the fetch came).
            step = probe.limiter.acquire
        else:
            condition = lambda: probe.fetching_token() and server.journal.in_flight == 1  # noqa: E731
        if cancel == "task.cancel":
            task = asyncio.ensure_future(callers())
            assert await until(condition, task, step)
            task.cancel()
            await asyncio.wait({task})
            assert task.cancelled()
        else:
            async with anyio.create_task_group() as group:
                group.start_soon(callers)
                assert await until(condition, step=step)
                group.cancel_scope.cancel()
        assert probe.fetching_token()  # the callers gave up, not the fetch
        if then == "use its token":
            fetch = probe.tokens._inflight
            assert fetch is not None
            await asyncio.wait({fetch})
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
        # Retry-After: 1, honoured: the pause outlasts the cancellations below on a slow machine.
        amnimo.transport.retry = RetryPolicy(max_retries=1, backoff_base=0.01, max_retry_after=1.0)
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
