"""Helper processes of the sweep benchmark (``benchmarks/sweep.py`` starts them; not run by hand).

Both read the fake's address and credentials from ``AMNIMO_BASE_URL``, ``AMNIMO_CLIENT_ID`` and
``AMNIMO_SECRET_KEY`` (never from the command line, where ``ps`` would show the secret), and
print one JSON line with what they measured as their last line of output.

``python -m benchmarks._hammer compete --mode httpx|sdk --rate R --subscription SUB``
    A second process spending the same client ID's bucket while the sweep runs: it prints
    ``ready`` once it holds a token of its own, then polls the first 10 cameras of a
    subscription (``GET /partitions/{sub}/cameras?page=0&size=10``, a dashboard's poll) until a
    line arrives on its stdin. ``httpx``: plain ``httpx.AsyncClient``, one request every ``1/R``
    seconds on a fixed schedule (open loop: a slow or refused answer does not delay the next
    one), 429s counted and not retried. ``sdk``: an ``AsyncAmnimo(rate=R, burst=BURST)`` calling
    ``cameras.list`` back to back, so its own limiter paces it and it backs off when throttled.

``python -m benchmarks._hammer stream --account-id ACCOUNT --out FILE``
    ``AsyncAmnimo(rate=None)`` sweeps the account, writing one JSON line per record
    (``amnimo_async._converter.unstructure``) to ``FILE``; reports this process's peak RSS
    (``ru_maxrss``; and Linux's ``VmHWM`` as a cross-check), the peak right after imports, the
    records written and the wall time. Start it from a *small* process: on Linux a process
    inherits ``ru_maxrss`` from the address space it was exec'ed from (``sweep.py`` puts a
    bare Python launcher in between).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Sequence
from typing import IO, Any

import httpx

from amnimo_async import AsyncAmnimo, InMemoryTokenCache, RateLimitError
from amnimo_async._converter import unstructure

POLL_SIZE = 10


def _peak_rss_mb() -> float:
    """This process's peak resident set size in MiB (``ru_maxrss`` is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _vm_hwm_mb() -> float | None:
    """Linux's own count of this address space's peak RSS (``VmHWM``), a cross-check; None elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _environment() -> tuple[str, str, str]:
    return os.environ["AMNIMO_BASE_URL"], os.environ["AMNIMO_CLIENT_ID"], os.environ["AMNIMO_SECRET_KEY"]


async def _stop_requested() -> None:
    """Returns when the parent writes a line to (or closes) our stdin."""
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


async def compete_httpx(subscription_id: str, rate: float) -> dict[str, float]:
    """Plain httpx at a fixed ``rate``: its own token, then GETs on a schedule until told to stop."""
    base_url, client_id, secret_key = _environment()
    counts: dict[str, float] = {"requests": 0, "throttled": 0, "ok": 0, "other": 0}
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as http:
        grant = await http.post(
            "/oauth2/token", auth=(client_id, secret_key), data={"grant_type": "client_credentials"}
        )
        grant.raise_for_status()
        counts["token_calls"] = 1
        headers = {"Authorization": f"Bearer {grant.json()['access_token']}"}
        path = f"/partitions/{subscription_id}/cameras"
        params = {"isUrl": "true", "expiration": "60", "page": "0", "size": str(POLL_SIZE)}

        async def poll() -> None:
            counts["requests"] += 1
            try:
                response = await http.get(path, params=params, headers=headers)
            except httpx.HTTPError:
                counts["other"] += 1
                return
            if response.status_code == 429:
                counts["throttled"] += 1
            elif response.is_success:
                counts["ok"] += 1
            else:
                counts["other"] += 1

        print("ready", flush=True)
        stop = asyncio.ensure_future(_stop_requested())
        started = time.perf_counter()
        polls: set[asyncio.Task[None]] = set()
        sent = 0
        while not stop.done():
            due = started + sent / rate
            await asyncio.wait([stop], timeout=max(0.0, due - time.perf_counter()))
            if stop.done():
                break
            task = asyncio.ensure_future(poll())
            polls.add(task)
            task.add_done_callback(polls.discard)
            sent += 1
        if polls:
            await asyncio.wait(polls)
        counts["seconds"] = round(time.perf_counter() - started, 2)
    return counts


async def compete_sdk(subscription_id: str, rate: float, burst: int) -> dict[str, Any]:
    """A lower-rate SDK client on the same client ID: ``cameras.list`` back to back, paced by its limiter."""
    base_url, client_id, secret_key = _environment()
    cache = InMemoryTokenCache()  # a token of its own, as a process on another machine would have
    async with AsyncAmnimo(
        client_id, secret_key, base_url=base_url, rate=rate, burst=burst, token_cache=cache
    ) as amnimo:
        await amnimo.cameras.list(subscription_id, page=0, size=POLL_SIZE)  # its token, and one poll
        print("ready", flush=True)
        stop = asyncio.ensure_future(_stop_requested())
        started = time.perf_counter()
        failed = 0
        while not stop.done():
            poll = asyncio.ensure_future(amnimo.cameras.list(subscription_id, page=0, size=POLL_SIZE))
            await asyncio.wait([poll, stop], return_when=asyncio.FIRST_COMPLETED)
            if not poll.done():
                poll.cancel()
                await asyncio.gather(poll, return_exceptions=True)
            elif isinstance(poll.exception(), RateLimitError):
                failed += 1
        stats = amnimo.transport.stats
        return {
            "requests": stats.requests - stats.token_calls,
            "throttled": stats.throttled,
            "retries": stats.retries,
            "gave_up": failed,
            "token_calls": stats.token_calls,
            "seconds": round(time.perf_counter() - started, 2),
        }


async def stream(account_id: str, out: IO[str]) -> dict[str, Any]:
    """Sweep ``account_id`` with the limiter off, one JSON line per record into ``out``."""
    base_url, client_id, secret_key = _environment()
    written = errors = 0
    started = time.perf_counter()
    cache = InMemoryTokenCache()  # a token of its own: N counts its token call
    async with AsyncAmnimo(client_id, secret_key, base_url=base_url, rate=None, token_cache=cache) as amnimo:
        inventory = amnimo.inventory(account_id)
        async for record in inventory:
            if record.kind == "error":
                errors += 1
                continue
            line = {"subscriptionId": record.subscription_id, "kind": record.kind}
            line["item"] = unstructure(record.item)
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            written += 1
    return {
        "written": written,
        "errors": errors,
        "requests": inventory.summary.requests,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._hammer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    compete = commands.add_parser("compete", help="spend the same client ID's bucket until stdin says stop")
    compete.add_argument("--mode", choices=("httpx", "sdk"), default="httpx")
    compete.add_argument("--rate", type=float, default=2.0, help="requests per second [2]")
    compete.add_argument("--burst", type=int, default=5, help="the SDK competitor's burst [5]")
    compete.add_argument("--subscription", required=True, help="subscription whose cameras it polls")
    sweep = commands.add_parser("stream", help="sweep an account into a JSONL file; report peak RSS")
    sweep.add_argument("--account-id", required=True)
    sweep.add_argument("--out", required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    report: dict[str, Any]
    if args.command == "compete":
        if args.mode == "httpx":
            report = asyncio.run(compete_httpx(args.subscription, args.rate))
        else:
            report = asyncio.run(compete_sdk(args.subscription, args.rate, args.burst))
    else:
        baseline = _peak_rss_mb()
        with open(args.out, "w", encoding="utf-8") as out:
            report = asyncio.run(stream(args.account_id, out))
        hwm = _vm_hwm_mb()
        report.update(
            peak_rss_mb=round(_peak_rss_mb(), 1),
            rss_after_imports_mb=round(baseline, 1),
            vm_hwm_mb=None if hwm is None else round(hwm, 1),
        )
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
