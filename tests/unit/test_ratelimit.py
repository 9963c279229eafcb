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
