"""RedisRateLimiter: one client ID's rate limit shared by every process of a fleet, through Redis.

The server meters a client ID, not a process: 5 requests/s with a burst of 20 for everything
that uses the ID. Each process guarding only itself (a local
:class:`~amnimo_async.RateLimiter`) lets three workers burst three times over. This limiter keeps
the bucket in Redis instead, as GCRA: one stored time (the theoretical arrival time, TAT) that
one Lua script (``_redis_gcra.lua``) moves atomically, on the Redis server's own clock.

Reservations, not deny-and-retry: each ``acquire`` asks the script once, the script records the
reservation and answers this caller's wait (in milliseconds), and the caller sleeps exactly that.
Callers are served in the order they reach Redis, and nobody polls. The bucket is the local
limiter's: ``burst - headroom`` slots refilling at ``rate``.

The slow-down is shared too: a 429 seen by any worker pauses every worker, restarts the shared
bucket empty when the pause ends, and cuts the rate (halved, to at least ``min_fraction``,
recovering by ``recovery_per_second``); a 429 to a request granted before the last cut belongs to
the same congestion event and only extends the pause. Each 429 starts a new epoch: a caller whose
wait spans one asks again after its wait (one more script call) and is priced anew.

When Redis fails, the limiter falls back to a local :class:`~amnimo_async.RateLimiter` at a share
of the rate: ``local_share``, or by default 1 / the number of workers that reserved through Redis
in the last minute (so the fleet together stays within the rate), or 1/2 if Redis was never
reached; with a burst of one, as the server's bucket may be spent. The 429 slow-down stays the
backstop. Back on Redis, the shared bucket restarts empty for the same reason.

Redis keys, per ``base_url|client_id`` (only a digest of it shows), each with an expiry:
``amnimo:{digest}:limiter`` (the state hash, kept while it differs from "full bucket, full rate")
and ``amnimo:{digest}:workers`` (who reserved in the last minute).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

import attrs
import redis.asyncio as aioredis

from ._ratelimit import DEFAULT_BURST, DEFAULT_RATE, RateLimiter
from ._redis_link import DEFAULT_PREFIX, RedisLink, RedisUnavailableError, redis_key

__all__ = ["DEFAULT_LOCAL_SHARE", "RedisRateLimiter", "Reservation"]

DEFAULT_LOCAL_SHARE = 0.5
"""The fallback's share of the rate when Redis was never reached (the fleet's size is unknown)."""
_GCRA = resources.files(__package__).joinpath("_redis_gcra.lua").read_text(encoding="utf-8")


@attrs.frozen
class Reservation:
    """What the script answered: wait ``wait`` seconds, then send (granted at ``granted``,
    Redis time, epoch seconds); ``granted`` is None when an earlier reservation was confirmed."""

    wait: float
    granted: float | None
    epoch: int
    workers: int


class RedisRateLimiter:
    """A :class:`~amnimo_async._ratelimit.Limiter` whose bucket and slow-down live in Redis.

    ``redis``: a ``redis.asyncio.Redis`` (stays yours to close) or a :class:`RedisLink`
    shared with a :class:`~amnimo_async._redis_token_cache.RedisTokenCache`. ``key`` names the
    client ID (``base_url|client_id``). ``rate``, ``burst``, ``headroom``, ``min_fraction`` and
    ``recovery_per_second`` mean what they mean for :class:`~amnimo_async.RateLimiter`.
    ``local_share``: the fallback's share of ``rate`` (see the module). ``clock`` replaces Redis's
    ``TIME`` (epoch seconds; for tests) and ``sleep`` the waiting.
    """

    def __init__(
        self,
        redis: aioredis.Redis | RedisLink,
        key: str,
        *,
        rate: float | None = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        headroom: int = 1,
        min_fraction: float = 0.2,
        recovery_per_second: float = 0.01,
        local_share: float | None = None,
        prefix: str = DEFAULT_PREFIX,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate is not None and rate <= 0:
            raise ValueError(f"rate must be a positive number of requests per second or None, got {rate}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst}")
        if local_share is not None and not 0 < local_share <= 1:
            raise ValueError(f"local_share must be in (0, 1], got {local_share}")
        self.link = redis if isinstance(redis, RedisLink) else RedisLink(redis)
        self.key = key
        self.rate = rate
        self.burst = burst
        self.capacity = max(1, burst - headroom)  # one slot held back, as the local limiter does
        self.min_fraction = min_fraction
        self.recovery_per_second = recovery_per_second
        self.local_share = local_share
        self.state_key = redis_key(prefix, key, "limiter")
        self.workers_key = redis_key(prefix, key, "workers")
        self.worker_id = secrets.token_hex(8)
        self.throttle_count = 0  # 429s this process reported
        self.workers_seen = 0  # workers that reserved through Redis in the last minute, last we asked
        self._interval_us = 0.0 if rate is None else 1_000_000 / rate
        self._clock = clock
        self._sleep = sleep
        self._script = self.link.client.register_script(_GCRA)
        self._local: RateLimiter | None = None
        self._rejoin = False
        self._in_use = False  # (for the link's warning: a limiter nobody asks has no fallback to name)
        self.link.note_fallback(self._describe_fallback)

    # --- the Limiter protocol -------------------------------------------------------------

    async def acquire(self) -> float:
        """Wait for this request's turn in the fleet's bucket; return when it was granted (Redis
        time). Falls back to the local limiter while Redis is down."""
        self._in_use = True
        try:
            return await self._acquire_shared()
        except RedisUnavailableError:
            self._rejoin = True
            return await self._fallback().acquire()

    async def slow_down(self, pause: float, granted_at: float | None = None) -> None:
        """A 429 to the request granted at ``granted_at``: pause and slow every worker."""
        self.throttle_count += 1
        try:
            await self.throttle(pause, granted_at)
        except RedisUnavailableError:
            self._fallback().throttled(pause, granted_at)
            return
        if self._local is not None:  # callers still in the fallback slow down too
            self._local.throttled(pause, granted_at)

    # --- the script -------------------------------------------------------------------------

    async def reserve(self, *, rejoin: bool = False, confirm: int | None = None) -> Reservation:
        """One reservation (or, with ``confirm``, the confirmation of one made in that epoch)."""
        reply = await self._call("reserve", self.worker_id, "1" if rejoin else "", _text(confirm))
        wait_ms, granted, epoch, workers = reply
        if int(workers):
            self.workers_seen = int(workers)
        return Reservation(
            wait=float(wait_ms) / 1000,
            granted=float(granted) if _text(granted) else None,
            epoch=int(epoch),
            workers=int(workers),
        )

    async def throttle(self, pause: float, granted_at: float | None = None) -> float:
        """Record a 429 in Redis (see the module); return the fleet's new fraction of the rate."""
        granted = "" if granted_at is None else f"{granted_at * 1_000_000:.0f}"
        fraction, _epoch = await self._call("throttle", f"{max(0.0, pause) * 1_000_000:.0f}", granted)
        return float(fraction)

    async def _call(self, operation: str, *arguments: str) -> Any:
        now = "" if self._clock is None else f"{self._clock() * 1_000_000:.0f}"
        args = [
            operation,
            now,
            repr(self._interval_us),
            str(self.capacity),
            repr(self.min_fraction),
            repr(self.recovery_per_second),
            *arguments,
        ]
        keys = [self.state_key, self.workers_key]
        return await self.link.run(lambda _client: self._script(keys=keys, args=args))

    async def _acquire_shared(self) -> float:
        reservation = await self.reserve(rejoin=self._rejoin)
        if self._rejoin:  # back on Redis: the next outage starts a fresh fallback
            self._rejoin = False
            self._local = None
        granted = reservation.granted
        while reservation.wait > 0:
            await self._sleep(reservation.wait)
            reservation = await self.reserve(confirm=reservation.epoch)
            if reservation.granted is None:
                break
            granted = reservation.granted  # a 429 came meanwhile: this is the new reservation
        if granted is None:  # pragma: no cover - a new reservation always has a time
            raise RuntimeError("the limiter script answered no time for a new reservation")
        return granted

    # --- the fallback -------------------------------------------------------------------------

    def fallback_share(self) -> float:
        """The share of ``rate`` this process takes while Redis is down."""
        if self.local_share is not None:
            return self.local_share
        return 1 / self.workers_seen if self.workers_seen else DEFAULT_LOCAL_SHARE

    def _fallback(self) -> RateLimiter:
        if self._local is None:
            rate = None if self.rate is None else self.rate * self.fallback_share()
            # A burst of one: the server's bucket may be spent by the fleet when Redis goes.
            # Wall-clock stamps, comparable with Redis's for the same-event rule.
            self._local = RateLimiter(
                rate,
                1,
                min_fraction=self.min_fraction,
                recovery_per_second=self.recovery_per_second,
                clock=time.time,
            )
        return self._local

    def _describe_fallback(self) -> str | None:
        if not self._in_use:
            return None
        if self.rate is None:
            return "the rate limit is local (pauses after 429s only)"
        if self.local_share is not None:
            why = "local_share"
        elif self.workers_seen:
            why = f"1/{self.workers_seen} workers seen"
        else:
            why = "fleet size unknown"
        share = self.fallback_share()
        return f"the rate limit is local, {share:.0%} of {self.rate:g}/s per process ({why})"

    async def aclose(self) -> None:
        """Close the Redis client if this limiter (or its link) made it."""
        await self.link.aclose()

    def __repr__(self) -> str:
        return f"<RedisRateLimiter rate={self.rate} burst={self.burst} {self.link!r}>"


def _text(value: object) -> str:
    """A reply or argument as text (replies are bytes unless the client decodes them)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("ascii")
    return str(value)
