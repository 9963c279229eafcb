"""Fleets on one client ID: worker processes each guarding only themselves, then sharing the token
and the bucket through Redis; and the cron script's token calls with each token cache.

The API's limits belong to the client ID: 5 requests/s with a burst of 20 for every process that
uses it, and 1,000 token calls a month.

1. **Worker fleets**: 3 and 6 OS processes (``benchmarks/_fleet_worker.py sweep``), released
   together, each sweeping the whole tenant (``amnimo.inventory``) on the same client ID, against
   one :class:`~amnimo_async.testing.FakeAmnimo` served on loopback at the documented bucket with
   a latency of 50 ± 15 ms on every route. First each with its own limiter and an in-memory token
   (what every process does on its own), then with ``redis_url=``: one token and one GCRA
   bucket in Redis. Reported from the fake's journal: requests, 429s, token calls; and the wall
   time (first worker's start to last worker's end) against the bound
   ``(useful requests - 20) / 5 s + one round trip``, useful meaning not refused.
   Targets with Redis: no 429, one token call, time ≤ 1.05 × the bound.
2. **The cost of one acquire**: the Redis limiter's (one script call on loopback) beside the local
   limiter's, with a bucket so large that nobody waits, interleaved rounds, medians.
3. **The cron script** (``async with AsyncAmnimo(id, secret) as a: await a.accounts.hierarchy(acc)``
   and the same with ``Amnimo``): five processes in a row and five at once, with the in-memory
   cache, the file cache and ``redis_url=``; token calls counted by the fake.

A real ``redis-server`` (the Debian package) is started on a free loopback port for the run.
Run: ``python -m benchmarks fleet`` (or ``nox -s bench``). About five minutes, mostly waiting on
the rate limit, by design.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
import redis.asyncio as aioredis

from amnimo_async import RateLimiter
from amnimo_async.redis import RedisRateLimiter
from amnimo_async.testing import DataProfile, FakeAmnimo, FakeServer, SubscriptionSpec
from amnimo_async.testing._redis_server import RedisServer

from ._sweep_contenders import REPO, Latency, _child_env, _last_json, minimal_requests
from ._util import COMMAND, environment, interleave_async, median, spread, table, verdict

SEED = 13
RATE = 5.0
BURST = 20
LATENCY = Latency(0.050, 0.015)
TENANT: tuple[SubscriptionSpec, ...] = (SubscriptionSpec(cameras=10, media=10, devices=800),) * 5
"""51 useful requests a sweep: the hierarchy and 5 x (1 + 1 + 8) pages (plus a token call)."""
WORKER_COUNTS = (3, 6)
CRON_RUNS = 5
RATIO_TARGET = 1.05


@dataclass
class FleetRun:
    """One fleet run, from the fake's journal and the workers' reports."""

    workers: int
    mode: str
    requests: int
    throttled: int
    token_calls: int
    wall: float
    items_complete: bool
    errors: int

    @property
    def useful(self) -> int:
        return self.requests - self.throttled

    @property
    def bound(self) -> float:
        return max(0, self.useful - BURST) / RATE + LATENCY.mean


def _fake() -> FakeAmnimo:
    fake = FakeAmnimo(seed=SEED, profile=DataProfile.explicit(TENANT), rate=RATE, burst=BURST)
    fake.faults.add(LATENCY.fault())
    return fake


def _env(server: FakeServer, redis_url: str, cache_dir: str) -> dict[str, str]:
    env = _child_env(server.base_url, server.client_id, server.secret_key)
    env.update(
        AMNIMO_BENCH_ACCOUNT=server.account_id,
        AMNIMO_BENCH_REDIS_URL=redis_url,
        AMNIMO_BENCH_CACHE_DIR=cache_dir,
    )
    return env


def _worker(args: Sequence[str], env: dict[str, str], *, together: bool) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "benchmarks._fleet_worker", *args, *(["--together"] if together else [])]
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def _together(processes: Sequence[subprocess.Popen[str]]) -> list[dict[str, Any]]:
    """Release processes waiting on stdin all at once; their reports."""
    try:
        for process in processes:
            assert process.stdout is not None
            line = process.stdout.readline().strip()
            if line != "ready":
                raise RuntimeError(f"a worker did not start: {line!r}")
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        return [_report(process) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def _report(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=600)
    if process.returncode:
        raise RuntimeError(f"a worker failed: {err[-2000:]}")
    return _last_json(out)


def _flush(redis_url: str) -> None:
    with redis.Redis.from_url(redis_url) as client:
        client.flushall()


def run_fleet(workers: int, mode: str, redis_url: str) -> FleetRun:
    _flush(redis_url)
    with _fake().serve() as server, tempfile.TemporaryDirectory() as cache_dir:
        env = _env(server, redis_url, cache_dir)
        reports = _together([_worker(["sweep", "--mode", mode], env, together=True) for _ in range(workers)])
        journal = server.journal
        expected = sum(spec.cameras + spec.media + spec.devices for spec in TENANT)
        return FleetRun(
            workers=workers,
            mode=mode,
            requests=len(journal),
            throttled=journal.count(status=429),
            token_calls=journal.token_calls,
            wall=max(r["finished"] for r in reports) - min(r["started"] for r in reports),
            items_complete=all(r["items"] == expected for r in reports),
            errors=sum(r["errors"] for r in reports),
        )


def run_cron(cache: str, *, sync: bool, together: bool, redis_url: str) -> int:
    """Token calls of five cron runs (in a row, or five processes at once) on a fresh fake."""
    _flush(redis_url)
    with _fake().serve() as server, tempfile.TemporaryDirectory() as cache_dir:
        env = _env(server, redis_url, cache_dir)
        args = ["cron", "--cache", cache, *(["--sync"] if sync else [])]
        if together:
            _together([_worker(args, env, together=True) for _ in range(CRON_RUNS)])
        else:
            for _ in range(CRON_RUNS):
                _report(_worker(args, env, together=False))
        return server.journal.token_calls


async def acquire_costs(redis_url: str) -> dict[str, list[float]]:
    """Nanoseconds per acquire, local and through Redis, with a bucket nobody waits for."""
    client = aioredis.Redis.from_url(redis_url)
    local = RateLimiter(1e9, 10**9)
    shared = RedisRateLimiter(client, "bench|acquire-cost", rate=1e9, burst=10**9)

    async def run_local(n: int) -> None:
        for _ in range(n):
            await local.acquire()

    async def run_shared(n: int) -> None:
        for _ in range(n):
            await shared.acquire()

    try:
        return await interleave_async(
            {"local `RateLimiter`": run_local, "`RedisRateLimiter` (loopback)": run_shared},
            n=500,
            rounds=7,
            warmup=100,
        )
    finally:
        await client.aclose()


def _fleet_row(run: FleetRun) -> list[str]:
    mode = (
        "own limiter + own token (each process alone)"
        if run.mode == "own"
        else "`redis_url=`: one token, one bucket"
    )
    share = f"{run.throttled} ({run.throttled / run.requests:.0%})" if run.requests else "0"
    return [
        f"{run.workers} workers, {mode}",
        f"{run.requests}",
        share,
        f"{run.token_calls}",
        f"{run.wall:.1f}",
        f"{run.bound:.1f}",
        f"{run.wall / run.bound:.2f}×",
        "all" if run.items_complete and not run.errors else f"✗ ({run.errors} errors)",
    ]


def main() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory, RedisServer.started(Path(directory)) as redis_server:
        url = redis_server.url
        fleets = [run_fleet(workers, mode, url) for workers in WORKER_COUNTS for mode in ("own", "redis")]
        costs = asyncio.run(acquire_costs(url))
        cron: dict[tuple[str, bool, bool], int] = {}
        for cache in ("memory", "file", "redis"):
            for sync in (False, True):
                for together in (False, True):
                    cron[cache, sync, together] = run_cron(cache, sync=sync, together=together, redis_url=url)
    elapsed = time.perf_counter() - started

    useful = minimal_requests(TENANT) - 1  # all but the token call
    print("## Fleets on one client ID (`benchmarks/fleet.py`)")
    print()
    print(f"{environment('amnimo-async', 'httpx', 'redis', 'uvicorn')}; redis-server on loopback.")
    print(f"Command: {COMMAND}, or `python -m benchmarks fleet`; ran in {elapsed:.0f} s.")
    print()
    print(
        f"Worker OS processes released together, each sweeping the whole tenant (`inventory`, {useful}"
        f" useful requests a sweep plus its token call) on the same client ID, against one FakeAmnimo on"
        f" loopback metering the ID at {RATE:g} requests/s, burst {BURST}, with {LATENCY.label} on every"
        f" route. Counts from the fake's journal; wall = first start to last finish; bound ="
        f" (useful requests − {BURST}) / {RATE:g} s + one round trip ({LATENCY.mean * 1000:.0f} ms)."
    )
    print()
    headers = ["Fleet", "requests", "429s", "token calls", "wall s", "bound s", "wall/bound", "items"]
    print(table(headers, [_fleet_row(run) for run in fleets]))
    print()
    local_ns, shared_ns = costs["local `RateLimiter`"], costs["`RedisRateLimiter` (loopback)"]
    print("One `acquire()` when nobody waits (medians of 7 interleaved rounds of 500, min–max of rounds):")
    print()
    print(
        table(
            ["Limiter", "µs per acquire", "rounds µs"],
            [
                ["local `RateLimiter`", f"{median(local_ns) / 1000:.1f}", spread(local_ns, 1000)],
                [
                    "`RedisRateLimiter` (one script call)",
                    f"{median(shared_ns) / 1000:.1f}",
                    spread(shared_ns, 1000),
                ],
            ],
        )
    )
    print()
    print(
        f"The cron script, {CRON_RUNS} processes in a row and {CRON_RUNS} at once (a fresh fake, cache"
        " directory and Redis for each cell); token calls made:"
    )
    print()
    caches = {
        "memory": "`InMemoryTokenCache` (the default before this issue)",
        "file": "`FileTokenCache` (the new default)",
        "redis": "`redis_url=` (`RedisTokenCache`)",
    }
    rows = []
    for cache, label in caches.items():
        rows.append(
            [
                label,
                *(str(cron[cache, sync, together]) for sync in (False, True) for together in (False, True)),
            ]
        )
    cron_headers = ["Token cache", "async, in a row", "async, at once", "sync, in a row", "sync, at once"]
    print(table(cron_headers, rows))
    print()
    print("Targets:")
    print()
    for run in fleets:
        if run.mode != "redis":
            continue
        label = f"{run.workers} workers with Redis"
        print(verdict(f"{label}: no 429", run.throttled == 0, str(run.throttled)))
        print(verdict(f"{label}: one token call", run.token_calls == 1, str(run.token_calls)))
        ratio = run.wall / run.bound
        print(verdict(f"{label}: wall ≤ {RATIO_TARGET} × bound", ratio <= RATIO_TARGET, f"{ratio:.3f}"))
    for cache in ("file", "redis"):
        calls = [cron[cache, sync, together] for sync in (False, True) for together in (False, True)]
        print(verdict(f"cron with {caches[cache]}: 1 token call per 5 runs", set(calls) == {1}, str(calls)))
    print()


if __name__ == "__main__":
    main()
