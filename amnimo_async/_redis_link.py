"""RedisLink: the Redis client a fleet's token cache and rate limiter share, and whether to use it now.

Redis is a convenience, never a single point of failure: when a command fails (Redis unreachable
at start, lost mid-sweep, out of memory...) the link is marked down, one warning says so, and
every caller uses its local fallback (the file token cache, a local rate limiter) without
touching Redis. While down, one caller at a time tries Redis again, at most once per
``probe_interval`` seconds; the first success marks it up (one more warning) and everything
shares through Redis again. Needs the ``redis`` extra (redis-py's ``redis.asyncio``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from ._logging import logger, redactor
from ._token_seal import key_digest

__all__ = ["DEFAULT_PREFIX", "DEFAULT_PROBE_INTERVAL", "RedisLink", "RedisUnavailableError", "redis_key"]

T = TypeVar("T")

DEFAULT_PREFIX = "amnimo"
"""The first part of every Redis key this package writes."""
DEFAULT_PROBE_INTERVAL = 5.0
"""Seconds between attempts to reach Redis again while it is down."""
DEFAULT_CONNECT_TIMEOUT = 2.0
DEFAULT_COMMAND_TIMEOUT = 2.0
# What counts as "Redis failed": anything redis-py raises, sockets, and a command timing out.
_FAILURES = (RedisError, OSError, asyncio.TimeoutError)


def redis_key(prefix: str, key: str, name: str) -> str:
    """The Redis key of ``name`` ("token", "limiter"...) for cache key ``key`` (``base_url|client_id``).

    The client ID shows only as a digest; the braces are a Redis Cluster hash tag, so every key of
    one client ID lives in one slot (the limiter's script touches two of them).
    """
    return f"{prefix}:{{{key_digest(key)}}}:{name}"


class RedisUnavailableError(Exception):
    """Redis is down, or failed just now: the caller uses its fallback."""


class RedisLink:
    """One ``redis.asyncio.Redis`` client and its health, shared by a token cache and a limiter.

    :meth:`run` performs one exchange with Redis, or raises :class:`RedisUnavailableError` at once
    while Redis is down and no probe is due. ``owns_client``: :meth:`aclose` closes the client
    (true for :meth:`from_url`; a client passed in stays the caller's).
    """

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        probe_interval: float = DEFAULT_PROBE_INTERVAL,
        owns_client: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if probe_interval < 0:
            raise ValueError(f"probe_interval must be >= 0 seconds, got {probe_interval}")
        self.client = client
        self.probe_interval = probe_interval
        self._owns_client = owns_client
        self._clock = clock
        self._down_since: float | None = None
        self._next_probe = 0.0
        self._probing = False
        self._closed = False
        self._fallback_notes: list[Callable[[], str | None]] = []
        self.failures = 0  # transitions to down, for status displays and tests
        password = client.connection_pool.connection_kwargs.get("password")
        if isinstance(password, str):
            redactor.register(password)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        probe_interval: float = DEFAULT_PROBE_INTERVAL,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        command_timeout: float = DEFAULT_COMMAND_TIMEOUT,
    ) -> RedisLink:
        """A link owning a new client for ``url`` (``redis://[:password@]host:port/db``,
        ``rediss://...``, ``unix://...``). Short timeouts and a single reconnect attempt, so a
        lost Redis is noticed within seconds and the fallbacks take over."""
        client = aioredis.Redis.from_url(
            url,
            socket_connect_timeout=connect_timeout,
            socket_timeout=command_timeout,
            retry=Retry(NoBackoff(), 1),
        )
        return cls(client, probe_interval=probe_interval, owns_client=True)

    @property
    def up(self) -> bool:
        """Whether callers share through Redis now (False while falling back)."""
        return self._down_since is None

    @property
    def where(self) -> str:
        """Where Redis is, for log lines: host, port and database, never credentials."""
        options = self.client.connection_pool.connection_kwargs
        if "path" in options:
            return f"unix:{options['path']}?db={options.get('db', 0)}"
        return f"{options.get('host', 'localhost')}:{options.get('port', 6379)}/{options.get('db', 0)}"

    def note_fallback(self, describe: Callable[[], str | None]) -> None:
        """Register a description of what a component does while Redis is down (for the warning);
        ``describe()`` answers None while the component is not in use (a client that was given
        its own token cache uses only the limiter of a fleet's pair)."""
        self._fallback_notes.append(describe)

    async def run(self, exchange: Callable[[aioredis.Redis], Awaitable[T]]) -> T:
        """``await exchange(client)``, or :class:`RedisUnavailableError` when Redis is down or fails."""
        probing = False
        if self._down_since is not None:
            if self._probing or self._clock() < self._next_probe:
                raise RedisUnavailableError(f"Redis at {self.where} is down")
            self._probing = probing = True
        try:
            result = await exchange(self.client)
        except _FAILURES as exc:
            self._failed(exc)
            raise RedisUnavailableError(f"Redis at {self.where} failed ({type(exc).__name__})") from exc
        finally:
            if probing:
                self._probing = False
        if self._down_since is not None:
            self._recovered(self._down_since)
        return result

    def _failed(self, exc: BaseException) -> None:
        now = self._clock()
        self._next_probe = now + self.probe_interval
        if self._down_since is not None:
            return  # a failed probe: still down, nothing new to say
        self._down_since = now
        self.failures += 1
        notes = "; ".join(note for describe in self._fallback_notes if (note := describe()))
        notes = notes or "local fallbacks are used"
        # Only the exception's type: its text may quote a command, and the URL may hold a password.
        logger.warning(
            "Redis at %s failed (%s): %s until it answers again (tried every %g s)",
            self.where,
            type(exc).__name__,
            notes,
            self.probe_interval,
        )

    def _recovered(self, down_since: float) -> None:
        down_for = self._clock() - down_since
        self._down_since = None
        logger.warning(
            "Redis at %s answers again after %.1f s: token and rate limit are shared through it again",
            self.where,
            down_for,
        )

    async def aclose(self) -> None:
        """Close the client if this link made it (once, however many components share it)."""
        if self._owns_client and not self._closed:
            self._closed = True
            await self.client.aclose()

    def __repr__(self) -> str:
        return f"<RedisLink {self.where} {'up' if self.up else 'down'}>"
