"""Worker processes of the fleet benchmark (``benchmarks/fleet.py`` starts them; not run by hand).

They read the fake's address and credentials from ``AMNIMO_BASE_URL``, ``AMNIMO_CLIENT_ID`` and
``AMNIMO_SECRET_KEY`` (never the command line, where ``ps`` would show the secret), the account
from ``AMNIMO_BENCH_ACCOUNT``, the Redis URL from ``AMNIMO_BENCH_REDIS_URL`` and a cache
directory from ``AMNIMO_BENCH_CACHE_DIR``. With ``--together`` they print ``ready`` and wait for a
line on stdin, so that all start at once. Their last line of output is a JSON report.

``python -m benchmarks._fleet_worker sweep --mode own|redis``
    ``inventory`` of the account: ``own``: the client's own limiter and an in-memory token (each
    process for itself); ``redis``: the token and the bucket shared through Redis
    (``fleet_backends``). Reports its start and end (wall clock), items, errors and stats.

``python -m benchmarks._fleet_worker cron --cache memory|file|redis [--sync]``
    The cron script: a client, the hierarchy, closed; ``--sync`` with ``Amnimo``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from typing import Any

from amnimo_async import Amnimo, AsyncAmnimo, FileTokenCache, InMemoryTokenCache, TokenCache
from amnimo_async._redis_fleet import fleet_backends
from amnimo_async._redis_token_cache import RedisTokenCache


def _credentials() -> tuple[str, str, str]:
    return os.environ["AMNIMO_BASE_URL"], os.environ["AMNIMO_CLIENT_ID"], os.environ["AMNIMO_SECRET_KEY"]


async def sweep(mode: str) -> dict[str, Any]:
    base_url, client_id, secret_key = _credentials()
    report: dict[str, Any] = {"started": time.time()}
    cache: TokenCache = InMemoryTokenCache()
    limiter = None
    if mode == "redis":
        cache, limiter = fleet_backends(
            os.environ["AMNIMO_BENCH_REDIS_URL"],
            base_url=base_url,
            client_id=client_id,
            fallback_cache=InMemoryTokenCache(),
        )
    async with AsyncAmnimo(client_id, secret_key, base_url=base_url, token_cache=cache) as amnimo:
        if limiter is not None:
            amnimo.transport.limiter = limiter  # until the client takes rate_limiter= / redis_url=
        inventory = amnimo.inventory(os.environ["AMNIMO_BENCH_ACCOUNT"])
        items = 0
        async for record in inventory:
            items += record.kind != "error"
        report["finished"] = time.time()
        stats = amnimo.transport.stats
        report.update(
            items=items,
            errors=len(inventory.summary.errors),
            requests=stats.requests,
            throttled=stats.throttled,
            token_calls=stats.token_calls,
        )
    if isinstance(cache, RedisTokenCache):
        await cache.aclose()
    return report


def _cron_cache(kind: str) -> TokenCache:
    if kind == "file":
        return FileTokenCache(os.environ["AMNIMO_BENCH_CACHE_DIR"])
    if kind == "redis":
        return RedisTokenCache.from_url(os.environ["AMNIMO_BENCH_REDIS_URL"], fallback=InMemoryTokenCache())
    return InMemoryTokenCache()


async def cron_async(kind: str) -> dict[str, Any]:
    base_url, client_id, secret_key = _credentials()
    cache = _cron_cache(kind)
    async with AsyncAmnimo(client_id, secret_key, base_url=base_url, token_cache=cache) as amnimo:
        await amnimo.accounts.hierarchy(os.environ["AMNIMO_BENCH_ACCOUNT"])
        calls = amnimo.transport.stats.token_calls
    if isinstance(cache, RedisTokenCache):
        await cache.aclose()
    return {"token_calls": calls}


def cron_sync(kind: str) -> dict[str, Any]:
    base_url, client_id, secret_key = _credentials()
    cache = _cron_cache(kind)
    with Amnimo(client_id, secret_key, base_url=base_url, token_cache=cache) as amnimo:
        amnimo.accounts.hierarchy(os.environ["AMNIMO_BENCH_ACCOUNT"])
        calls = amnimo.run(lambda client: _token_calls(client))
        if isinstance(cache, RedisTokenCache):
            amnimo.run(lambda _client: cache.aclose())  # in the client's loop, where it connected
    return {"token_calls": calls}


async def _token_calls(client: AsyncAmnimo) -> int:
    return client.transport.stats.token_calls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._fleet_worker")
    commands = parser.add_subparsers(dest="command", required=True)
    sweep_parser = commands.add_parser("sweep")
    sweep_parser.add_argument("--mode", choices=("own", "redis"), required=True)
    cron_parser = commands.add_parser("cron")
    cron_parser.add_argument("--cache", choices=("memory", "file", "redis"), required=True)
    cron_parser.add_argument("--sync", action="store_true")
    for each in (sweep_parser, cron_parser):
        each.add_argument("--together", action="store_true", help="print ready, wait for a line on stdin")
    args = parser.parse_args(argv)
    if args.together:
        print("ready", flush=True)
        sys.stdin.readline()
    if args.command == "sweep":
        report = asyncio.run(sweep(args.mode))
    elif args.sync:
        report = cron_sync(args.cache)
    else:
        report = asyncio.run(cron_async(args.cache))
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
