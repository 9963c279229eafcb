"""Sharing one client ID's token and rate limit across a fleet through Redis (the ``[redis]`` extra).

``pip install 'amnimo-async[redis]'``. Most programs need only the client's one knob::

    async with AsyncAmnimo(client_id, secret_key, redis_url="redis://redis:6379/0") as amnimo: ...

(or ``AMNIMO_REDIS_URL``; ``Amnimo`` and the ``amnimo`` command take the same). This module has
the pieces it builds, for a program that wires them itself::

    from amnimo_async import AsyncAmnimo, FileTokenCache
    from amnimo_async.redis import fleet_backends

    token_cache, limiter = fleet_backends(
        "redis://redis:6379/0", base_url=base_url, client_id=client_id, fallback_cache=FileTokenCache()
    )
    async with AsyncAmnimo(client_id, secret_key, token_cache=token_cache, rate_limiter=limiter) as amnimo:
        ...
    await token_cache.aclose()  # the Redis client made for the URL (the limiter shares it)

:class:`RedisTokenCache` is a :class:`~amnimo_async.TokenCache` (one token call per token
lifetime for the whole fleet), :class:`RedisRateLimiter` a :class:`~amnimo_async.Limiter` (one
GCRA bucket on the Redis server's clock, one shared slow-down after a 429). Both fall back to
local state while Redis is down and go back to it when it returns. Importing this module needs
redis-py; ``import amnimo_async`` never does.
"""

from ._redis_fleet import fleet_backends as fleet_backends
from ._redis_rate_limiter import RedisRateLimiter as RedisRateLimiter
from ._redis_token_cache import RedisTokenCache as RedisTokenCache

__all__ = ["RedisRateLimiter", "RedisTokenCache", "fleet_backends"]
