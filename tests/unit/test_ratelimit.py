"""The shared limiter: documented bucket by default, AIMD slow-down on 429."""

from __future__ import annotations

import asyncio

import pytest

from amnimo_async import AsyncAmnimo, RateLimiter


def test_client_defaults_to_the_documented_bucket() -> None:
    amnimo = AsyncAmnimo("id", "secret")
    assert (amnimo.transport.limiter.rate, amnimo.transport.limiter.burst) == (5.0, 20)


async def test_throttling_halves_the_rate_then_recovers_linearly() -> None:
    now = [100.0]
    limiter = RateLimiter(5.0, 20, recovery_per_second=0.01, clock=lambda: now[0])
    assert limiter.fraction == 1.0
    limiter.throttled(0.0)
    assert limiter.fraction == pytest.approx(0.5)
    limiter.throttled(0.0)
    assert limiter.fraction == pytest.approx(0.25)
    now[0] += 25.0
    assert limiter.fraction == pytest.approx(0.5)
    now[0] += 100.0
    assert limiter.fraction == 1.0


def test_rate_never_drops_below_the_floor() -> None:
    limiter = RateLimiter(5.0, 20, min_fraction=0.2, clock=lambda: 0.0)
    for _ in range(10):
        limiter.throttled(0.0)
    assert limiter.fraction == pytest.approx(0.2)


async def test_a_pause_holds_every_acquire_until_it_has_passed() -> None:
    limiter = RateLimiter(None, 20)  # no bucket: only the pause can hold a caller
    start = limiter.clock()
    limiter.throttled(0.05)
    granted = await asyncio.gather(limiter.acquire(), limiter.acquire())
    assert all(at >= start + 0.05 for at in granted)  # by the limiter's own monotonic clock
    assert limiter.throttle_count == 1


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="rate"):
        RateLimiter(0.0, 20)
    with pytest.raises(ValueError, match="burst"):
        RateLimiter(5.0, 0)


def test_429s_to_requests_sent_before_the_cut_do_not_cut_again() -> None:
    now = [10.0]
    limiter = RateLimiter(5.0, 20, clock=lambda: now[0])
    limiter.throttled(0.5, granted_at=9.0)
    assert limiter.fraction == pytest.approx(0.5)
    now[0] = 10.1
    limiter.throttled(0.5, granted_at=9.5)  # in flight when the first 429 came: same event
    assert limiter.fraction == pytest.approx(0.5, abs=0.01)
    assert limiter.throttle_count == 2
    limiter.throttled(0.5, granted_at=10.05)  # granted after the cut: a new event
    assert limiter.fraction == pytest.approx(0.25, abs=0.01)


async def test_a_caller_already_waiting_for_its_slot_honours_a_pause_that_starts_meanwhile() -> None:
    limiter = RateLimiter(20.0, 5)  # 4 slots, one every 50 ms
    for _ in range(4):
        await limiter.acquire()  # the bucket is now empty
    waiting = asyncio.ensure_future(limiter.acquire())  # queued for the next slot
    await asyncio.sleep(0.01)
    throttled_at = limiter.clock()
    limiter.throttled(0.2)
    granted = await waiting
    # Past the pause, then a slot at the cut price (2 slots at 20/s) from an emptied bucket.
    assert granted >= throttled_at + 0.2 + 0.1


async def test_no_burst_follows_a_429() -> None:
    limiter = RateLimiter(20.0, 5)  # 4 slots ready: a full bucket
    limiter.throttled(0.05)
    pause_end = limiter.clock() + 0.05
    granted = [await limiter.acquire() for _ in range(3)]
    # The server's bucket was empty at the 429: ours restarts empty after the pause, at half rate.
    for index, at in enumerate(granted, start=1):
        assert at >= pause_end + index * 0.1 - 0.005  # aiolimiter's loop clock vs ours: a hair
