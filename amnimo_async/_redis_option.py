"""The one knob for a fleet: ``redis_url=`` (or ``AMNIMO_REDIS_URL``) shares a client ID's token
and rate-limit bucket through Redis.

The API's limits belong to the client ID, not to the process (5 requests/s with a burst of 20,
1,000 token calls a month). ``AsyncAmnimo(..., redis_url="redis://host:6379/0")``, or an
existing ``redis.asyncio.Redis`` in its place, builds the ``[redis]`` extra's token cache and
rate limiter on one Redis link (:func:`amnimo_async.redis.fleet_backends`), tokens falling back
to the file cache while Redis is away. ``token_cache=`` or ``rate_limiter=`` passed explicitly
wins for its part. The URL is checked here, before any connection, and never shown (it may hold
a password); redis-py is imported only when the knob is used, so the core runs without it.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

from ._default_token_cache import REDIS_SCHEMES, fallback_token_cache
from ._errors import ConfigurationError, ValidationError
from ._ratelimit import Limiter
from ._tokens import TokenCache

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["ENVIRONMENT_VARIABLE", "SharedBackends", "chosen_redis", "shared_backends"]

ENVIRONMENT_VARIABLE = "AMNIMO_REDIS_URL"
FLEET_MODULE = "amnimo_async._redis_fleet"


def chosen_redis(redis_url: str | Redis | None) -> str | Redis | None:
    """What the client shares through: ``redis_url``, else ``AMNIMO_REDIS_URL`` (unset or empty:
    nothing). A URL must be ``redis://``, ``rediss://`` or ``unix://`` (:class:`ValidationError`
    naming ``redis_url`` otherwise, the value not repeated); an object must be a
    ``redis.asyncio.Redis`` (checked once redis-py is imported, in :func:`shared_backends`)."""
    source = "redis_url"
    if redis_url is None:
        redis_url = os.environ.get(ENVIRONMENT_VARIABLE, "").strip() or None
        source = f"redis_url (from {ENVIRONMENT_VARIABLE})"
    if isinstance(redis_url, str) and not redis_url.lower().startswith(REDIS_SCHEMES):
        # The value is not shown: a URL may hold a password.
        raise ValidationError(
            source,
            "must be a redis://, rediss:// or unix:// URL (or a redis.asyncio.Redis); "
            "the value given is not one (not shown: it may hold a password)",
        )
    return redis_url


class SharedBackends:
    """The token cache and the limiter a client shares through Redis, and what it must close."""

    def __init__(self, token_cache: TokenCache | None, rate_limiter: Limiter | None, owned: list[Any]):
        self.token_cache = token_cache
        self.rate_limiter = rate_limiter
        self.owned = owned
        """What the client built here and closes (``aclose()``) with itself."""


def shared_backends(
    redis: str | Redis,
    *,
    base_url: str,
    client_id: str,
    rate: float | None,
    burst: int,
    token_cache: TokenCache | None,
    rate_limiter: Limiter | None,
) -> SharedBackends:
    """The fleet's token cache and limiter through ``redis``, where the caller passed none of its
    own (``token_cache``/``rate_limiter``: kept as given). A Redis client passed in stays the
    caller's; one made for a URL is closed with the pieces."""
    if token_cache is not None and rate_limiter is not None:
        return SharedBackends(token_cache, rate_limiter, [])
    try:
        fleet = importlib.import_module(FLEET_MODULE)
    except ImportError:
        raise ConfigurationError(
            "redis_url (or AMNIMO_REDIS_URL) needs the [redis] extra: pip install 'amnimo-async[redis]'"
        ) from None
    if not isinstance(redis, (str, fleet.aioredis.Redis)):
        raise ValidationError(
            "redis_url",
            f"must be a redis:// URL or a redis.asyncio.Redis, got {type(redis).__name__}",
        )
    shared_cache, shared_limiter = fleet.fleet_backends(
        redis,
        base_url=base_url,
        client_id=client_id,
        rate=rate,
        burst=burst,
        fallback_cache=fallback_token_cache() if token_cache is None else None,
    )
    return SharedBackends(
        token_cache if token_cache is not None else shared_cache,
        rate_limiter if rate_limiter is not None else shared_limiter,
        [shared_cache, shared_limiter],  # one link: closing either closes it (once, if it made it)
    )
