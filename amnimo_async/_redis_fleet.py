"""fleet_backends: the token cache and the rate limiter a fleet shares through Redis, in one call.

What ``AsyncAmnimo(..., redis_url=...)`` (or ``AMNIMO_REDIS_URL``) builds: one Redis link shared
by a :class:`RedisTokenCache` and a :class:`RedisRateLimiter` for one client ID, so that they
fall back together when Redis fails and come back together. By hand (``amnimo_async.redis``)::

    token_cache, limiter = fleet_backends(
        "redis://redis:6379/0", base_url=base_url, client_id=client_id,
        rate=5, burst=20, fallback_cache=FileTokenCache(),
    )
    ...
    await token_cache.aclose()  # closes the Redis client made for the URL (limiter.aclose() too)
"""

from __future__ import annotations

import redis.asyncio as aioredis

from ._ratelimit import DEFAULT_BURST, DEFAULT_RATE
from ._redis_link import DEFAULT_PREFIX, DEFAULT_PROBE_INTERVAL, RedisLink
from ._redis_rate_limiter import RedisRateLimiter
from ._redis_token_cache import RedisTokenCache
from ._tokens import TokenCache
from ._transport import token_cache_key

__all__ = ["fleet_backends"]


def fleet_backends(
    redis: str | aioredis.Redis,
    *,
    base_url: str,
    client_id: str,
    rate: float | None = DEFAULT_RATE,
    burst: int = DEFAULT_BURST,
    local_share: float | None = None,
    fallback_cache: TokenCache | None = None,
    prefix: str = DEFAULT_PREFIX,
    probe_interval: float = DEFAULT_PROBE_INTERVAL,
) -> tuple[RedisTokenCache, RedisRateLimiter]:
    """A token cache and a rate limiter for ``client_id`` sharing one Redis (a URL, or a client
    that stays the caller's). ``fallback_cache`` serves tokens while Redis is down;
    ``local_share`` is the limiter's fallback share of ``rate`` (default: 1 / the workers last
    seen in Redis)."""
    if isinstance(redis, str):
        link = RedisLink.from_url(redis, probe_interval=probe_interval)
    else:
        link = RedisLink(redis, probe_interval=probe_interval)
    cache = RedisTokenCache(link, fallback=fallback_cache, prefix=prefix)
    limiter = RedisRateLimiter(
        link,
        token_cache_key(base_url, client_id),
        rate=rate,
        burst=burst,
        local_share=local_share,
        prefix=prefix,
    )
    return cache, limiter
