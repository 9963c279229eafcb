"""One client-side token bucket for every call of a client, that slows down when throttled.

The server meters each client ID with a token bucket (5 requests/s, burst 20) shared by every
process using the ID. Starting from that documented bucket (less one slot of headroom), a single
client does not draw 429s. When it does (another process spends the same bucket), everyone here
pauses, this client's bucket restarts empty (the server's is), and the rate is cut
multiplicatively, then recovers linearly: the same AIMD idea as botocore's adaptive retry mode.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from aiolimiter import AsyncLimiter

DEFAULT_RATE = 5.0
DEFAULT_BURST = 20


@runtime_checkable
class Limiter(Protocol):
    """What the transport asks of a rate limiter: this module's :class:`RateLimiter`, one shared
    by a fleet through Redis, or a user's own.
    """

    async def acquire(self) -> float:
        """Wait until a request may be sent; return a stamp of when it was granted (on a clock
        of the limiter's choosing: it is only handed back to :meth:`slow_down`)."""
        ...

    async def slow_down(self, pause: float, granted_at: float | None = None) -> None:
        """The server answered 429 to the request granted at ``granted_at``: pause every caller
        ``pause`` seconds and lower the rate."""
        ...


class RateLimiter:
    """``await limiter.acquire()`` before each request; ``limiter.throttled(delay)`` on a 429.

    ``rate=None`` turns client-side limiting off (the server's 429s still slow it down).
    """

    def __init__(
        self,
        rate: float | None = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        *,
        headroom: int = 1,
        min_fraction: float = 0.2,
        recovery_per_second: float = 0.01,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate is not None and rate <= 0:
            raise ValueError(f"rate must be a positive number of requests per second or None, got {rate}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst}")
        self.rate = rate
        self.burst = burst
        # One slot of the burst is held back: the server's bucket starts full like ours, and a
        # request that reaches it sooner than its slot allows (network jitter, an open connection
        # overtaking a new one) would draw a 429 with no slack. It costs 1/rate once per sweep.
        capacity = max(1, burst - headroom)
        self._bucket = AsyncLimiter(capacity, capacity / rate) if rate is not None else None
        self._min_fraction = min_fraction
        self._recovery = recovery_per_second
        self.clock = clock
        self._fraction_at_throttle = 1.0
        self._throttled_at = float("-inf")
        self._paused_until = float("-inf")
        self.throttle_count = 0
        self._empty = False  # the server's bucket was found empty: ours must start empty too
        self._turn = asyncio.Lock()

    @property
    def fraction(self) -> float:
        """The share of the configured rate currently allowed (1.0 when not throttled)."""
        recovered = self._fraction_at_throttle + self._recovery * (self.clock() - self._throttled_at)
        return min(1.0, recovered)

    async def acquire(self) -> float:
        """Wait for this client's turn: past any pause, then a slot from the bucket.

        Callers are served in arrival order and priced when served, so a cut in the rate applies
        at once to everyone already queued. Returns the clock time the slot was granted.
        """
        async with self._turn:
            while True:
                while (wait := self._paused_until - self.clock()) > 0:
                    await asyncio.sleep(wait)
                if self._bucket is None:
                    break
                if self._empty:
                    # The server's bucket was empty at the 429, and whoever else spends it may
                    # have taken what refilled during the pause: no burst after one.
                    self._bucket = await _emptied(self._bucket)
                    self._empty = False
                throttles = self.throttle_count
                # A throttled client pays more than one slot per request: rate * fraction overall.
                await self._bucket.acquire(min(1.0 / self.fraction, self._bucket.max_rate))
                if self.throttle_count == throttles:
                    break
                # A 429 came while this caller waited: its slot was priced before the cut and
                # the server has none left. Wait out the pause and queue again at the new price.
        return self.clock()

    def throttled(self, pause: float, granted_at: float | None = None) -> None:
        """The server answered 429: pause everyone for ``pause`` seconds, cut the rate, and
        empty this client's bucket (the server's is empty), so that no burst follows the pause.

        A 429 to a request granted before the last cut belongs to the same congestion event: it
        extends the pause but does not cut again.
        """
        now = self.clock()
        self.throttle_count += 1
        self._empty = True
        self._paused_until = max(self._paused_until, now + pause)
        if granted_at is not None and granted_at <= self._throttled_at:
            return
        self._fraction_at_throttle = max(self._min_fraction, self.fraction * 0.5)
        self._throttled_at = now

    async def slow_down(self, pause: float, granted_at: float | None = None) -> None:
        """:meth:`throttled`, as the :class:`Limiter` protocol asks."""
        self.throttled(pause, granted_at)

    def __repr__(self) -> str:
        return f"<RateLimiter rate={self.rate} burst={self.burst} fraction={self.fraction:.2f}>"


async def _emptied(bucket: AsyncLimiter) -> AsyncLimiter:
    """A bucket like ``bucket`` with no slot left, refilling from now at the same rate."""
    fresh = AsyncLimiter(bucket.max_rate, bucket.time_period)
    await fresh.acquire(bucket.max_rate)  # returns at once: a new bucket has all of its room
    return fresh
