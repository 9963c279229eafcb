"""RedisRateLimiter on a real redis-server: the GCRA script's waits on a controlled time base, the
slow-down shared by every worker, expiring keys, and the fallback while Redis is away."""

from __future__ import annotations

import logging

import pytest
import redis.asyncio as aioredis

from amnimo_async._ratelimit import Limiter
from amnimo_async._redis_link import RedisLink
from amnimo_async._redis_rate_limiter import DEFAULT_LOCAL_SHARE, RedisRateLimiter

from .conftest import RedisServer

KEY = "https://api.amnimo.com/ex|client-id-12345"
T0 = 1_800_000_000.0
SLOT = 0.2  # seconds between requests at 5/s
BURST_NOW = 19  # the burst of 20 less one slot of headroom


class VirtualTime:
    """The limiters' clock (in place of Redis's TIME) and their sleep, which only moves it."""

    def __init__(self, now: float = T0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def time_base() -> VirtualTime:
    return VirtualTime()


def limiter_on(
    redis: aioredis.Redis | RedisLink, time_base: VirtualTime, **options: object
) -> RedisRateLimiter:
    """A worker's limiter (5/s, burst 20) on the virtual time base."""
    return RedisRateLimiter(redis, KEY, clock=time_base, sleep=time_base.sleep, **options)  # type: ignore[arg-type]


async def waits(limiter: RedisRateLimiter, count: int) -> list[float]:
    return [(await limiter.reserve()).wait for _ in range(count)]


async def test_is_a_limiter(redis_client: aioredis.Redis) -> None:
    assert isinstance(RedisRateLimiter(redis_client, KEY), Limiter)


async def test_the_burst_less_one_goes_at_once_then_one_per_slot(
    redis_client: aioredis.Redis, time_base: VirtualTime
) -> None:
    limiter = limiter_on(redis_client, time_base)
    assert await waits(limiter, BURST_NOW) == [0.0] * BURST_NOW
    assert await waits(limiter, 3) == pytest.approx([SLOT, 2 * SLOT, 3 * SLOT])
    reservation = await limiter.reserve()
    assert reservation.granted == pytest.approx(T0 + 4 * SLOT)


async def test_the_bucket_refills_at_the_rate(redis_client: aioredis.Redis, time_base: VirtualTime) -> None:
    limiter = limiter_on(redis_client, time_base)
    await waits(limiter, BURST_NOW)
    time_base.now += 1.0  # five slots back
    assert await waits(limiter, 6) == pytest.approx([0, 0, 0, 0, 0, SLOT])


async def test_workers_are_served_in_order_each_in_its_own_slot(
    redis_client: aioredis.Redis, time_base: VirtualTime
) -> None:
    workers = [limiter_on(redis_client, time_base) for _ in range(3)]
    granted = [(await workers[i % 3].reserve()).granted for i in range(BURST_NOW + 9)]
    # Whoever asks next is served next, one slot after the last, whichever worker it is.
    assert granted == pytest.approx([T0] * BURST_NOW + [T0 + k * SLOT for k in range(1, 10)])
    assert (await workers[0].reserve()).workers == 3


async def test_acquire_sleeps_exactly_the_wait_the_script_answers(
    redis_client: aioredis.Redis, time_base: VirtualTime
) -> None:
    limiter = limiter_on(redis_client, time_base)
    granted = [await limiter.acquire() for _ in range(BURST_NOW + 4)]
    assert granted == pytest.approx([T0] * BURST_NOW + [T0 + k * SLOT for k in range(1, 5)])
    assert time_base.slept == pytest.approx([SLOT] * 4)


async def test_a_429_seen_by_one_worker_slows_every_worker(
    redis_client: aioredis.Redis, time_base: VirtualTime
) -> None:
    first, second = limiter_on(redis_client, time_base), limiter_on(redis_client, time_base)
    await first.slow_down(0.5, granted_at=T0 - 0.1)
    state = {k.decode(): float(v) for k, v in (await redis_client.hgetall(first.state_key)).items()}
    assert state["fraction_at_cut"] == 0.5
    assert state["paused_until"] == (T0 + 0.5) * 1_000_000
    assert state["epoch"] == 1
    # The other worker: past the pause, from an emptied bucket, at half the rate. No burst.
    assert await waits(second, 3) == pytest.approx([0.5 + 2 * SLOT, 0.5 + 4 * SLOT, 0.5 + 6 * SLOT])
    assert (first.throttle_count, second.throttle_count) == (1, 0)


async def test_429s_to_requests_granted_before_the_cut_do_not_cut_again(
    redis_client: aioredis.Redis, time_base: VirtualTime
) -> None:
    limiter = limiter_on(redis_client, time_base, recovery_per_second=0.01)
    assert await limiter.throttle(0.5, granted_at=T0 - 1) == pytest.approx(0.5)
    time_base.now = T0 + 0.1
    assert await limiter.throttle(0.5, granted_at=T0 - 0.5) == pytest.approx(0.5, abs=0.01)  # same event
    assert await limiter.throttle(0.5, granted_at=T0 + 0.05) == pytest.approx(0.25, abs=0.01)  # a new one


async def test_the_rate_is_cut_to_the_floor_and_recovers_linearly(
    redis_client: aioredis.Redis, time_base: VirtualTime
) -> None:
    limiter = limiter_on(redis_client, time_base, min_fraction=0.2, recovery_per_second=0.01)
    for _ in range(5):
        fraction = await limiter.throttle(0.0)
    assert fraction == pytest.approx(0.2)
    time_base.now += 30.0  # 0.2 + 0.3: half the rate, so each request costs two slots
    spent = await waits(limiter, 12)
    assert spent[-1] - spent[-2] == pytest.approx(2 * SLOT)
    time_base.now += 100.0  # fully recovered
    spent = await waits(limiter, 25)
    assert spent[-1] - spent[-2] == pytest.approx(SLOT)


async def test_a_caller_waiting_when_a_429_comes_is_priced_again(
    redis_client: aioredis.Redis, time_base: VirtualTime
) -> None:
    # No recovery, so that the cut price is exactly two slots whenever it is asked.
    waiter = limiter_on(redis_client, time_base, recovery_per_second=0.0)
    other = limiter_on(redis_client, time_base, recovery_per_second=0.0)
    await waits(other, BURST_NOW)  # the bucket is empty
    sleep = time_base.sleep

    async def sleep_while_another_worker_is_refused(seconds: float) -> None:
        if not time_base.slept:
            await other.slow_down(0.5)  # at T0, while the waiter sleeps for its slot at T0 + 0.2
        await sleep(seconds)

    waiter._sleep = sleep_while_another_worker_is_refused
    granted = await waiter.acquire()
    # It wakes at T0 + 0.2, finds a new epoch and queues again: after the pause, one half-rate slot.
    assert time_base.slept == pytest.approx([SLOT, 0.7])
    assert granted == pytest.approx(T0 + 0.5 + 2 * SLOT)


async def test_a_worker_back_from_its_fallback_restarts_the_bucket_empty(
    redis_client: aioredis.Redis, time_base: VirtualTime
) -> None:
    limiter = limiter_on(redis_client, time_base)
    assert (await limiter.reserve(rejoin=True)).wait == pytest.approx(SLOT)


async def test_every_key_expires(redis_client: aioredis.Redis) -> None:
    limiter = RedisRateLimiter(redis_client, KEY)  # on Redis's own clock
    for _ in range(3):
        await limiter.acquire()
    keys = sorted([key.decode() async for key in redis_client.scan_iter()])
    assert keys == sorted([limiter.state_key, limiter.workers_key])
    assert "client-id" not in "".join(keys)
    # The state: kept for its queue (3 slots) and a minute; the workers: a minute.
    assert 0 < await redis_client.pttl(limiter.state_key) <= 60_000 + 1000
    assert 0 < await redis_client.pttl(limiter.workers_key) <= 60_000
    await limiter.slow_down(1.0)
    # Kept until the rate has recovered from the cut (0.5 at 0.01/s: 50 s) and a minute.
    assert 60_000 < await redis_client.pttl(limiter.state_key) <= 110_000 + 1000


async def test_the_fallback_share_follows_the_fleet_last_seen(
    redis_client: aioredis.Redis, time_base: VirtualTime
) -> None:
    workers = [limiter_on(redis_client, time_base) for _ in range(4)]
    for worker in workers:
        await worker.reserve()
    assert workers[-1].fallback_share() == pytest.approx(1 / 4)
    assert limiter_on(redis_client, time_base).fallback_share() == DEFAULT_LOCAL_SHARE  # never reached it
    assert limiter_on(redis_client, time_base, local_share=0.1).fallback_share() == 0.1


async def test_without_redis_it_limits_locally_and_returns_to_redis(
    redis_server: RedisServer, time_base: VirtualTime, caplog: pytest.LogCaptureFixture
) -> None:
    link = RedisLink.from_url(redis_server.url, probe_interval=0)  # try again on every call
    first, second = limiter_on(link, time_base), limiter_on(link, time_base)
    try:
        await second.reserve()
        await first.reserve()  # two workers seen
        redis_server.kill()
        with caplog.at_level(logging.WARNING, logger="amnimo_async"):
            granted = await first.acquire()  # the local fallback's first slot: no wait
            assert not link.up
            fallback = first._local
            assert fallback is not None
            assert fallback.rate == pytest.approx(2.5)  # half of 5/s: one of two workers
            assert fallback.burst == 1
            await first.slow_down(0.0, granted)  # the backstop, while Redis is away
            assert fallback.fraction == pytest.approx(0.5, abs=0.01)
            down = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
            assert len(down) == 1
            assert "50% of 5/s per process (1/2 workers seen)" in down[0]

            redis_server.start()  # back, empty
            granted = await first.acquire()
            assert link.up
            assert first._local is None
            assert any("answers again after" in r.getMessage() for r in caplog.records)
    finally:
        await link.aclose()
    # Back on Redis, the bucket restarted empty: the first slot one interval on, the next after it.
    assert granted == pytest.approx(T0 + SLOT)
    assert time_base.slept == pytest.approx([SLOT])


async def test_bad_settings_are_refused(redis_client: aioredis.Redis) -> None:
    with pytest.raises(ValueError, match="rate"):
        RedisRateLimiter(redis_client, KEY, rate=0)
    with pytest.raises(ValueError, match="burst"):
        RedisRateLimiter(redis_client, KEY, burst=0)
    with pytest.raises(ValueError, match="local_share"):
        RedisRateLimiter(redis_client, KEY, local_share=1.5)
