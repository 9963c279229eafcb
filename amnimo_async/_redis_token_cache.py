"""RedisTokenCache: one token per client ID for a whole fleet, fetched once, sealed at rest in Redis.

The API allows 1,000 token calls a month per client ID, counted for every process and machine
that uses it. With this cache they share one token: a process that needs a new one takes a
fleet-wide lock (``SET NX PX``), re-checks the cache (the :class:`~amnimo_async._tokens.TokenManager`
does), fetches, and stores it; everyone else waiting on the lock then finds it there. So any
number of processes make one token call per token lifetime::

    cache = RedisTokenCache.from_url("redis://redis:6379/0", fallback=FileTokenCache())
    async with AsyncAmnimo(client_id, secret_key, token_cache=cache) as amnimo: ...

Redis keys, per ``base_url|client_id`` (only a digest of it shows):

* ``amnimo:{digest}:token``: the token sealed with keys derived from the client's secret (as the
  file cache seals it: :mod:`amnimo_async._token_seal`), expiring with the token;
* ``amnimo:{digest}:token-lock``: a random owner value while one process fetches, expiring after
  ``lock_ttl`` unless its live owner renews it; released only by its owner.

When Redis fails, tokens come from the ``fallback`` cache (the file cache, whose lock spans the
processes of one machine), which every stored token is also written to, so it is current when
Redis goes away. See :mod:`amnimo_async._redis_link` for how Redis is given up and taken back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import secrets
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import redis.asyncio as aioredis

from ._logging import logger
from ._redis_link import DEFAULT_PREFIX, DEFAULT_PROBE_INTERVAL, RedisLink, RedisUnavailableError, redis_key
from ._token_seal import derive_key, open_sealed, seal
from ._tokens import InMemoryTokenCache, Token, TokenCache

__all__ = ["DEFAULT_LOCK_TTL", "RedisTokenCache"]

DEFAULT_LOCK_TTL = 60.0
"""Seconds the fetch lock outlives a holder that died: longer than a token call at the default
timeouts (10 s to connect, 30 s to read); a live holder renews it every third of that."""
_FORMAT = 1
_POLL_INITIAL = 0.005
_POLL_MAX = 0.1

# Delete / extend the lock only while this holder still owns it: after an expiry another process
# may hold it, and its lock is not ours to drop.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


class RedisTokenCache:
    """A :class:`~amnimo_async.TokenCache` in Redis, shared by every process of a fleet.

    ``redis``: a ``redis.asyncio.Redis`` (stays yours to close) or a :class:`RedisLink` shared
    with a :class:`~amnimo_async._redis_rate_limiter.RedisRateLimiter`. ``fallback``: the cache
    used while Redis is down, and kept current meanwhile (default: in memory; pass a
    :class:`~amnimo_async.FileTokenCache` so that processes of one machine still share).
    ``secret_key`` seals tokens of every key; a client binds its own (:meth:`bind_secret`).
    ``lock_ttl``: see :data:`DEFAULT_LOCK_TTL`; ``lock_wait``: how long to wait for another
    holder before fetching anyway (default twice ``lock_ttl``: a hung holder cannot stall us).
    """

    def __init__(
        self,
        redis: aioredis.Redis | RedisLink,
        *,
        fallback: TokenCache | None = None,
        secret_key: str | None = None,
        prefix: str = DEFAULT_PREFIX,
        lock_ttl: float = DEFAULT_LOCK_TTL,
        lock_wait: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if lock_ttl <= 0:
            raise ValueError(f"lock_ttl must be a positive number of seconds, got {lock_ttl}")
        self.link = redis if isinstance(redis, RedisLink) else RedisLink(redis)
        self.fallback: TokenCache = fallback if fallback is not None else InMemoryTokenCache()
        self.prefix = prefix
        self.lock_ttl = lock_ttl
        self.lock_wait = 2 * lock_ttl if lock_wait is None else lock_wait
        self._clock = clock
        self._default_prk = derive_key(secret_key) if secret_key else None
        self._prks: dict[str, bytes] = {}
        self._local_locks: dict[str, asyncio.Lock] = {}
        self._warned: set[str] = set()
        self._in_use = False  # (for the link's warning: a cache nobody asks has no fallback to name)
        self._release = self.link.client.register_script(_RELEASE)
        self._renew = self.link.client.register_script(_RENEW)
        self.link.note_fallback(lambda: f"tokens are kept in {self.fallback!r}" if self._in_use else None)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        fallback: TokenCache | None = None,
        secret_key: str | None = None,
        prefix: str = DEFAULT_PREFIX,
        lock_ttl: float = DEFAULT_LOCK_TTL,
        probe_interval: float = DEFAULT_PROBE_INTERVAL,
    ) -> RedisTokenCache:
        """A cache on a new Redis client for ``url`` (closed by :meth:`aclose`)."""
        link = RedisLink.from_url(url, probe_interval=probe_interval)
        return cls(link, fallback=fallback, secret_key=secret_key, prefix=prefix, lock_ttl=lock_ttl)

    def bind_secret(self, key: str, secret_key: str) -> None:
        """Seal the tokens of ``key`` with keys derived from ``secret_key`` (the client calls
        this with its credentials); the fallback cache is bound too."""
        self._prks[key] = derive_key(secret_key)
        bind = getattr(self.fallback, "bind_secret", None)
        if callable(bind):
            bind(key, secret_key)

    def _prk(self, key: str) -> bytes | None:
        return self._prks.get(key, self._default_prk)

    def token_key(self, key: str) -> str:
        """The Redis key holding the sealed token of ``key``."""
        return redis_key(self.prefix, key, "token")

    def lock_key(self, key: str) -> str:
        """The Redis key locked while a token of ``key`` is fetched."""
        return redis_key(self.prefix, key, "token-lock")

    # --- the TokenCache protocol ----------------------------------------------------------

    async def load(self, key: str) -> Token | None:
        """The token of ``key`` from Redis; from the fallback when Redis has none or is down."""
        self._in_use = True
        try:
            raw = await self.link.run(lambda r: r.get(self.token_key(key)))
        except RedisUnavailableError:
            return await self.fallback.load(key)
        token = None if raw is None else self._open(key, raw)
        # A token the fallback kept while Redis was away (a restarted Redis is empty) saves a call.
        return token if token is not None else await self.fallback.load(key)

    async def store(self, key: str, token: Token) -> None:
        """Keep ``token`` sealed in Redis until it expires, and in the fallback cache."""
        prk = self._prk(key)
        ttl_ms = math.floor((token.expires_at - self._clock()) * 1000)
        if prk is None:
            self._warn_once(key, "no secret key to seal tokens with, so none is kept in Redis")
        elif ttl_ms > 0:
            value = json.dumps({"format": _FORMAT, "token": seal(prk, key, token)})
            with contextlib.suppress(RedisUnavailableError):
                await self.link.run(lambda r: r.set(self.token_key(key), value, px=ttl_ms))
        else:  # already expired: whatever Redis holds is older still
            with contextlib.suppress(RedisUnavailableError):
                await self.link.run(lambda r: r.delete(self.token_key(key)))
        try:
            await self.fallback.store(key, token)
        except OSError as exc:  # Redis has it, or the process does: a full disk is not fatal here
            self._warn_once(f"store {key}", f"the fallback cache could not keep it ({type(exc).__name__})")

    async def clear(self, key: str) -> None:
        """Forget the token of ``key`` in Redis and in the fallback."""
        with contextlib.suppress(RedisUnavailableError):
            await self.link.run(lambda r: r.delete(self.token_key(key)))
        await self.fallback.clear(key)

    @contextlib.asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        """Hold the fetch lock of ``key`` across the fleet (the fallback's lock while Redis is down)."""
        self._in_use = True
        local = self._local_locks.setdefault(key, asyncio.Lock())
        async with local:  # one task per process polls Redis; the others queue here
            try:
                owner = await self._take(key)
            except RedisUnavailableError:
                owner = None
            if owner is None:
                async with self.fallback.lock(key):
                    yield
                return
            keeper = asyncio.ensure_future(self._keep(key, owner)) if owner else None
            try:
                yield
            finally:
                if keeper is not None:
                    keeper.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await keeper
                if owner:
                    with contextlib.suppress(RedisUnavailableError):
                        await self.link.run(lambda r: self._release(keys=[self.lock_key(key)], args=[owner]))

    # --- the fleet-wide lock ----------------------------------------------------------------

    async def try_take(self, key: str, owner: str) -> bool:
        """One attempt at the lock of ``key`` for ``owner`` (``SET NX PX``)."""
        lock_ms = math.ceil(self.lock_ttl * 1000)
        taken = await self.link.run(lambda r: r.set(self.lock_key(key), owner, nx=True, px=lock_ms))
        return bool(taken)

    async def _take(self, key: str) -> str:
        """The owner value of the lock once taken, with short growing polls in between; ``""``
        when ``lock_wait`` passed (fetch without it: a duplicate token call beats a stall)."""
        owner = secrets.token_hex(16)
        deadline = time.monotonic() + self.lock_wait
        delay = _POLL_INITIAL
        while not await self.try_take(key, owner):
            if time.monotonic() >= deadline:
                logger.warning(
                    "the token lock in Redis was held by another process for over %.0f s; fetching anyway",
                    self.lock_wait,
                )
                return ""
            await asyncio.sleep(delay)
            delay = min(delay * 2, _POLL_MAX)
        return owner

    async def _keep(self, key: str, owner: str) -> None:
        """Renew the held lock every third of its TTL, so a slow token call keeps it."""
        lock_ms = math.ceil(self.lock_ttl * 1000)
        while True:
            await asyncio.sleep(self.lock_ttl / 3)
            try:
                kept = await self.link.run(
                    lambda r: self._renew(keys=[self.lock_key(key)], args=[owner, lock_ms])
                )
            except RedisUnavailableError:
                return
            if not kept:
                return

    # --- values ------------------------------------------------------------------------------

    def _open(self, key: str, raw: Any) -> Token | None:
        """The token of a Redis value, or None (with one warning) when it does not open."""
        prk = self._prk(key)
        if prk is None:
            return None
        token = None
        try:
            document = json.loads(raw)
            if isinstance(document, dict) and document.get("format") == _FORMAT:
                entry = document.get("token")
                token = open_sealed(prk, key, entry) if isinstance(entry, dict) else None
        except ValueError:  # not JSON, not UTF-8
            token = None
        if token is None:
            self._warn_once(key, "Redis holds a token this secret key does not open; ignoring it")
        return token

    def _warn_once(self, topic: str, message: str) -> None:
        if topic not in self._warned:
            self._warned.add(topic)
            logger.warning("Redis token cache at %s: %s", self.link.where, message)

    async def aclose(self) -> None:
        """Close the Redis client if this cache (or its link) made it."""
        await self.link.aclose()

    def __repr__(self) -> str:
        return f"<RedisTokenCache {self.link!r} fallback={self.fallback!r}>"
