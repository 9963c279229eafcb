"""A worker process of the Redis tests (started by ``conftest.start_workers``; not a test module).

``python tests/redis/_worker.py hierarchy|sweep``: reads the fake's address and credentials and the
Redis URL from the environment, prints ``ready``, waits for a line on stdin (so that every worker
starts at once), then:

- ``hierarchy``: the cron script, with a :class:`RedisTokenCache` (one token call for the fleet);
- ``sweep``: ``inventory`` of the account with the token cache and the rate limiter shared
  through Redis (``redis_url=``), at the documented bucket;
- ``cron``: the cron script with nothing but ``AMNIMO_REDIS_URL`` set (``--sync``: with ``Amnimo``).

Its last line of output is a JSON report.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

from amnimo_async import Amnimo, AsyncAmnimo, InMemoryTokenCache
from amnimo_async.redis import RedisRateLimiter, RedisTokenCache


async def hierarchy(base_url: str, client_id: str, secret_key: str, redis_url: str) -> dict[str, Any]:
    cache = RedisTokenCache.from_url(redis_url, fallback=InMemoryTokenCache())
    try:
        async with AsyncAmnimo(
            client_id, secret_key, base_url=base_url, token_cache=cache, rate=None
        ) as amnimo:
            root = await amnimo.accounts.hierarchy(os.environ["AMNIMO_TEST_ACCOUNT"])
            return {"token_calls": amnimo.transport.stats.token_calls, "account": root.account_id}
    finally:
        await cache.aclose()


async def sweep(base_url: str, client_id: str, secret_key: str, redis_url: str) -> dict[str, Any]:
    async with AsyncAmnimo(client_id, secret_key, base_url=base_url, redis_url=redis_url) as amnimo:
        limiter = amnimo.transport.limiter
        assert isinstance(limiter, RedisRateLimiter)
        items = []
        inventory = amnimo.inventory(os.environ["AMNIMO_TEST_ACCOUNT"])
        async for record in inventory:
            items.append(
                [
                    record.subscription_id,
                    record.kind,
                    getattr(record.item, "id", None) or str(record.item),
                ]
            )
        stats = amnimo.transport.stats
        return {
            "items": items,
            "requests": stats.requests,
            "throttled": stats.throttled,
            "token_calls": stats.token_calls,
            "redis_up": limiter.link.up,
        }


async def cron(base_url: str, client_id: str, secret_key: str, redis_url: str) -> dict[str, Any]:
    os.environ["AMNIMO_REDIS_URL"] = redis_url  # the one knob, from the environment
    account = os.environ["AMNIMO_TEST_ACCOUNT"]
    if "--sync" in sys.argv:
        with Amnimo(client_id, secret_key, base_url=base_url) as blocking:
            root = blocking.accounts.hierarchy(account)
            return {"account": root.account_id, "token_calls": blocking.run(_token_calls)}
    async with AsyncAmnimo(client_id, secret_key, base_url=base_url) as amnimo:
        root = await amnimo.accounts.hierarchy(account)
        return {"account": root.account_id, "token_calls": await _token_calls(amnimo)}


async def _token_calls(amnimo: AsyncAmnimo) -> int:
    assert isinstance(amnimo.transport.tokens.cache, RedisTokenCache)
    return amnimo.transport.stats.token_calls


def main() -> None:
    task = {"hierarchy": hierarchy, "sweep": sweep, "cron": cron}[sys.argv[1]]
    credentials = (
        os.environ["AMNIMO_BASE_URL"],
        os.environ["AMNIMO_CLIENT_ID"],
        os.environ["AMNIMO_SECRET_KEY"],
    )
    print("ready", flush=True)
    sys.stdin.readline()
    report = asyncio.run(task(*credentials, os.environ["AMNIMO_TEST_REDIS_URL"]))
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
