"""What the blocking client costs per call over the async one: the hop into its event loop thread.

``amnimo_sync.cameras.get(sub, cam)`` (``Amnimo``: the call is handed to the client's event loop
in a background thread, and the caller waits for the answer) against
``await amnimo.cameras.get(sub, cam)`` (``AsyncAmnimo``, awaited in the caller's own loop), both
sequential, both against an in-process ``httpx.MockTransport`` answering a constant small JSON
body (no sockets, no server), limiter off (``rate=None``). The difference per call is the sync
shim's overhead; the target is under 100 µs.

A third row, the bare thread hop (an empty coroutine sent to an idle event loop thread with
``asyncio.run_coroutine_threadsafe``, waited for), is the floor of any design that runs the
requests in another thread: the part of the overhead that is the machine's (two thread wake-ups
and GIL hand-overs per call), not the SDK's.

Run: ``python -m benchmarks sync_overhead`` (or ``nox -s bench``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Iterator, Mapping

import httpx

from amnimo_async import Amnimo, AsyncAmnimo, Camera

from ._util import (
    COMMAND,
    SyncRun,
    check,
    environment,
    interleave,
    median,
    paired_difference,
    paired_ratio,
    spread,
    table,
)
from .overhead import BASE_URL, CAMERA_ID, SUBSCRIPTION_ID, camera_body, mock_client

CALLS_PER_ROUND = 400
ROUNDS = 21
WARMUP = 200
TARGET_US = 100.0


async def _nothing() -> None:
    return None


def measure(*, n: int, rounds: int, warmup: int) -> tuple[dict[str, list[float]], int]:
    """ns/call of each contender (one sample per round) and the token calls the two clients made."""
    idle_loop = asyncio.new_event_loop()
    idle_thread = threading.Thread(target=idle_loop.run_forever, name="bench-idle-loop", daemon=True)
    idle_thread.start()
    loop = asyncio.new_event_loop()
    async_http = mock_client(camera_body())
    sync_http = mock_client(camera_body())

    async def open_async() -> AsyncAmnimo:  # built in the loop it will run in
        return AsyncAmnimo(
            "bench-client", "bench-secret-key", base_url=BASE_URL, http_client=async_http, rate=None
        )

    amnimo = loop.run_until_complete(open_async())
    amnimo_sync = Amnimo(
        "bench-client", "bench-secret-key", base_url=BASE_URL, http_client=sync_http, rate=None
    )
    try:
        for camera in (
            loop.run_until_complete(amnimo.cameras.get(SUBSCRIPTION_ID, CAMERA_ID)),
            amnimo_sync.cameras.get(SUBSCRIPTION_ID, CAMERA_ID),
        ):
            check(isinstance(camera, Camera) and camera.id == CAMERA_ID, "both clients return the camera")

        async def awaited(count: int) -> None:
            get = amnimo.cameras.get
            for _ in range(count):
                await get(SUBSCRIPTION_ID, CAMERA_ID)

        def run_async(count: int) -> None:
            loop.run_until_complete(awaited(count))

        def run_sync(count: int) -> None:
            get = amnimo_sync.cameras.get
            for _ in range(count):
                get(SUBSCRIPTION_ID, CAMERA_ID)

        def hop(count: int) -> None:
            for _ in range(count):
                asyncio.run_coroutine_threadsafe(_nothing(), idle_loop).result()

        contenders: Mapping[str, SyncRun] = {
            "`await amnimo.cameras.get(...)` (AsyncAmnimo, caller's loop)": run_async,
            "`amnimo_sync.cameras.get(...)` (Amnimo, loop thread)": run_sync,
            "bare thread hop (empty coroutine to an idle loop thread)": hop,
        }
        samples = interleave(contenders, n=n, rounds=rounds, warmup=warmup)
        token_calls = amnimo.transport.stats.token_calls + amnimo_sync.run(_token_calls)
    finally:
        amnimo_sync.run(_aclose, sync_http)
        amnimo_sync.close()
        loop.run_until_complete(amnimo.aclose())
        loop.run_until_complete(async_http.aclose())
        loop.close()
        idle_loop.call_soon_threadsafe(idle_loop.stop)
        idle_thread.join()
        idle_loop.close()
    return samples, token_calls


async def _token_calls(client: AsyncAmnimo) -> int:
    return client.transport.stats.token_calls


async def _aclose(client: AsyncAmnimo, http: httpx.AsyncClient) -> None:
    await http.aclose()


@contextlib.contextmanager
def _one_cpu() -> Iterator[bool]:
    """Pin this thread, and so every thread it starts, to one CPU (Linux); yields whether it did."""
    if not hasattr(os, "sched_setaffinity"):
        yield False
        return
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})
    try:
        yield True
    finally:
        os.sched_setaffinity(0, allowed)


def _rows(samples: Mapping[str, list[float]], placement: str) -> list[list[str]]:
    async_ns = next(iter(samples.values()))
    rows = []
    for index, (name, values) in enumerate(samples.items()):
        compared = index == 1
        rows.append(
            [
                f"{name}, {placement}",
                f"{median(values) / 1_000:.1f}",
                spread(values, 1_000),
                f"{paired_difference(values, async_ns) / 1_000:+.1f}" if compared else "—",
                f"{1e9 / median(values):,.0f}",
                f"{paired_ratio(values, async_ns):.2f}×" if compared else "—",
            ]
        )
    return rows


def main() -> None:
    """Measure the contenders as scheduled normally, then pinned to one CPU; print a table."""
    started = time.perf_counter()
    free, token_calls = measure(n=CALLS_PER_ROUND, rounds=ROUNDS, warmup=WARMUP)
    with _one_cpu() as pinned:
        one_cpu = measure(n=CALLS_PER_ROUND, rounds=ROUNDS, warmup=WARMUP)[0] if pinned else None
    elapsed = time.perf_counter() - started

    print("## Sync shim overhead (`benchmarks/sync_overhead.py`)")
    print()
    print(f"{environment('amnimo-async', 'httpx', 'anyio')}; {os.cpu_count()} CPUs.")
    print(f"Command: {COMMAND}, or `python -m benchmarks sync_overhead`; ran in {elapsed:.1f} s.")
    print()
    print(
        f"`cameras.get` against an in-process `httpx.MockTransport` (constant {len(camera_body())}-byte"
        f" JSON answer, no sockets), limiter off (`rate=None`); {ROUNDS} interleaved rounds of"
        f" {CALLS_PER_ROUND} sequential calls per contender after {WARMUP} warm-up calls; median of rounds"
        f" (difference and ratio: median of per-round pairs). Measured twice: threads free to run on"
        f" any CPU, then the whole process pinned to one CPU."
    )
    print()
    rows = _rows(free, "any CPU")
    if one_cpu is not None:
        rows += _rows(one_cpu, "one CPU")
    print(table(["Contender", "µs/call", "rounds min–max", "vs async (µs)", "calls/s", "ratio"], rows))
    print()
    for placement, samples in (("any CPU", free), ("one CPU", one_cpu)):
        if samples is None:
            continue
        async_ns, sync_ns, hop_ns = samples.values()
        overhead_us = paired_difference(sync_ns, async_ns) / 1_000
        verdict = "within" if overhead_us < TARGET_US else "over"
        print(
            f"- sync overhead, {placement}: {overhead_us:+.1f} µs/call ({verdict} the {TARGET_US:.0f} µs"
            f" target); the bare thread hop alone: {median(hop_ns) / 1_000:.1f} µs"
        )
    print(
        "- the overhead is the hop into the client's loop thread and back (a task started there, its"
        " future waited on): two thread wake-ups and GIL hand-overs per call, and the request running on"
        " a thread that was just woken (colder caches). Across CPUs each wake-up of an idle CPU costs"
        " more, which is what separates the two measurements"
    )
    print(f"- token calls made by the two clients of the first run: {token_calls} (one each, then reused)")
    print()


if __name__ == "__main__":
    main()
