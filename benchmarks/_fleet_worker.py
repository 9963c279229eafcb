"""Worker processes of the fleet benchmark (``benchmarks/fleet.py`` starts them; not run by hand).

They read the fake's address and credentials from ``AMNIMO_BASE_URL``, ``AMNIMO_CLIENT_ID`` and
``AMNIMO_SECRET_KEY`` (never the command line, where ``ps`` would show the secret), the account
from ``AMNIMO_BENCH_ACCOUNT``, the Redis URL from ``AMNIMO_BENCH_REDIS_URL`` and a cache
directory from ``AMNIMO_BENCH_CACHE_DIR``. With ``--together`` they print ``ready`` and wait for a
line on stdin, so that all start at once. Their last line of output is a JSON report.

``python -m benchmarks._fleet_worker sweep --mode own|redis``
    ``inventory`` of the account: ``own``: the client's own limiter and an in-memory token (each
    process for itself); ``redis``: the token and the bucket shared through Redis (the client's
    ``redis_url=``, tokens in memory while Redis is away). Reports its start and end (wall clock),
    items, errors and stats.

``python -m benchmarks._fleet_worker cron --cache memory|file|redis [--sync]``
    The cron script: a client, the hierarchy, closed; ``--sync`` with ``Amnimo``; ``redis``: the
    client's ``redis_url=``.
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

# A client sharing through Redis keeps tokens in memory while Redis is away, as the benchmark counts
# (one token call per client without Redis); nothing lands in the user's cache directory.
os.environ["AMNIMO_TOKEN_CACHE"] = "memory"


def _credentials() -> tuple[str, str, str]:
    return os.environ["AMNIMO_BASE_URL"], os.environ["AMNIMO_CLIENT_ID"], os.environ["AMNIMO_SECRET_KEY"]


async def sweep(mode: str) -> dict[str, Any]:
    base_url, client_id, secret_key = _credentials()
    report: dict[str, Any] = {"started": time.time()}
    if mode == "redis":
        sharing: dict[str, Any] = {"redis_url": os.environ["AMNIMO_BENCH_REDIS_URL"]}
    else:
        sharing = {"token_cache": InMemoryTokenCache()}
    async with AsyncAmnimo(client_id, secret_key, base_url=base_url, **sharing) as amnimo:
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
    return report


def _cron_options(kind: str) -> dict[str, Any]:
    cache: TokenCache
    if kind == "redis":
        return {"redis_url": os.environ["AMNIMO_BENCH_REDIS_URL"]}
    cache = FileTokenCache(os.environ["AMNIMO_BENCH_CACHE_DIR"]) if kind == "file" else InMemoryTokenCache()
    return {"token_cache": cache}


async def cron_async(kind: str) -> dict[str, Any]:
    base_url, client_id, secret_key = _credentials()
    async with AsyncAmnimo(client_id, secret_key, base_url=base_url, **_cron_options(kind)) as amnimo:
        await amnimo.accounts.hierarchy(os.environ["AMNIMO_BENCH_ACCOUNT"])
        calls = amnimo.transport.stats.token_calls
    return {"token_calls": calls}


def cron_sync(kind: str) -> dict[str, Any]:
    base_url, client_id, secret_key = _credentials()
    with Amnimo(client_id, secret_key, base_url=base_url, **_cron_options(kind)) as amnimo:
        amnimo.accounts.hierarchy(os.environ["AMNIMO_BENCH_ACCOUNT"])
        calls = amnimo.run(_token_calls)
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
