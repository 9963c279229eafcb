"""What the cancellation tests share: a probe reading a client's private state (pool, limiter,
token), waits for a condition or for the other tasks to settle, the event loop's errors, the fake's
data profile and a client with a 4-connection pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterable, Awaitable, Callable, Iterator
from typing import Any

import anyio
import httpx

from amnimo_async import AsyncAmnimo
from amnimo_async.testing import DataProfile

POOL = 4
FOLLOW_UP = 50
PROFILE = DataProfile.explicit([{"cameras": 150, "media": 300, "devices": 60}] * 3)
STALE = 7000.0  # seconds: a token (7200 s) is refreshed 300 s before expiry, so this makes it stale


Job = Callable[[], Awaitable[Any]]


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


async def consume(items: AsyncIterable[Any], stop_after: int | None = None) -> int:
    seen = 0
    async for _item in items:
        seen += 1
        if seen == stop_after:
            break
    return seen


def small_pool() -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL)
    return httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(5, pool=2))
