"""The sweep benchmark's tenant and its contenders (``benchmarks/sweep.py`` runs and reports them):
the fake's data and latency profiles, what a run measured (:class:`Outcome`), the SDK alone and
beside a competing process, a sequential httpx loop, and an ``asyncio.gather`` storm.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx

from amnimo_async import AsyncAmnimo, InMemoryTokenCache
from amnimo_async.testing import DataProfile, FakeAmnimo, FakeServer, Fault, SubscriptionSpec

SEED = 7
RATE = 5.0
BURST = 20
CAMERA_PAGE = 500
MEDIA_PAGE = 1000
DEVICE_PAGE = 100

SUBSCRIPTIONS: tuple[SubscriptionSpec, ...] = (
    SubscriptionSpec(cameras=3000, media=4200, devices=800),  # 6 + 5 + 8 pages
    SubscriptionSpec(cameras=1800, media=2200, devices=700),  # 4 + 3 + 7
    SubscriptionSpec(cameras=1200, media=1500, devices=500),  # 3 + 2 + 5
    SubscriptionSpec(cameras=900, media=1000, devices=250),  # 2 + 2 + 3
    SubscriptionSpec(cameras=1000, media=2000, devices=200),  # 2 + 3 + 2
    SubscriptionSpec(cameras=501, media=1001, devices=101),  # 2 + 2 + 2 (one past each page)
    SubscriptionSpec(cameras=700, media=999, devices=180),  # 2 + 1 + 2
    SubscriptionSpec(cameras=500, media=400, devices=100),  # 1 + 1 + 1 (exactly one page)
    SubscriptionSpec(cameras=300, media=0, devices=50),  # 1 + 1 + 1
    SubscriptionSpec(cameras=0, media=0, devices=0),  # 1 + 1 + 1 (empty)
)
"""The tenant: 10 subscriptions, 79 requests at the least (see :func:`minimal_requests`)."""

HEAD_START = 2.0
"""Seconds the competing process runs before the sweep starts (its own burst has settled)."""
COMPETITOR_RATE = 2.0
COMPETITOR_SDK_BURST = 5
COMPETING_RUNS = 3
"""Runs of each competing pairing (other process × latency)."""
COMPETITOR_MODES: tuple[Literal["httpx", "sdk"], ...] = ("httpx", "sdk")
STORM_CAP = 5000
"""The gather storm stops sending after this many requests (429s included)."""


REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Latency:
    """A latency profile, ``mean ± spread`` seconds, as the fake's uniform-extra latency fault."""

    mean: float
    spread: float

    @property
    def label(self) -> str:
        return f"{self.mean * 1000:.0f} ± {self.spread * 1000:.0f} ms"

    def fault(self) -> Fault:
        return Fault(kind="latency", route="*", latency=self.mean - self.spread, jitter=2 * self.spread)


LATENCIES = (Latency(0.050, 0.015), Latency(0.250, 0.075))


@dataclass
class Outcome:
    """What one contender did in one run."""

    contender: str
    latency: Latency
    wall: float = 0.0
    requests: int = 0
    throttled: int = 0
    items: int = 0
    server_requests: int = 0
    server_throttled: int = 0
    notes: list[str] = field(default_factory=list)


# --- the data --------------------------------------------------------------------------------


def pages(spec: SubscriptionSpec) -> dict[str, int]:
    """Requests each list of a subscription needs, at the least."""
    return {
        "cameras": max(1, math.ceil(spec.cameras / CAMERA_PAGE)),
        "media": spec.media // MEDIA_PAGE + 1,
        "devices": max(1, math.ceil(spec.devices / DEVICE_PAGE)),
    }


def minimal_requests(specs: Sequence[SubscriptionSpec] = SUBSCRIPTIONS) -> int:
    """N: one token call, one hierarchy call, and every page of every list."""
    return 2 + sum(sum(pages(spec).values()) for spec in specs)


def expected_items(specs: Sequence[SubscriptionSpec] = SUBSCRIPTIONS) -> int:
    return sum(spec.cameras + spec.media + spec.devices for spec in specs)


def ideal_seconds(requests: int) -> float:
    return max(0, requests - BURST) / RATE


def new_fake(latency: Latency) -> FakeAmnimo:
    """A fresh fake (fresh buckets, fresh journal) with the documented bucket and the latency fault."""
    fake = FakeAmnimo(seed=SEED, profile=DataProfile.explicit(SUBSCRIPTIONS), rate=RATE, burst=BURST)
    fake.faults.add(latency.fault())
    return fake


def _server_counts(outcome: Outcome, server: FakeServer) -> None:
    outcome.server_requests = server.journal.count(client_id=server.client_id)
    outcome.server_throttled = server.journal.count(status=429, client_id=server.client_id)


# --- contender 1 and 2: the SDK --------------------------------------------------------------


async def sdk_sweep(server: FakeServer, outcome: Outcome) -> None:
    """``AsyncAmnimo`` at its defaults sweeps the account; counts records, requests, 429s."""
    # A token of its own (N counts its token call), not the competing process's from the cache.
    cache = InMemoryTokenCache()
    async with AsyncAmnimo(
        server.client_id, server.secret_key, base_url=server.base_url, token_cache=cache
    ) as amnimo:
        started = time.perf_counter()
        inventory = amnimo.inventory(server.account_id)
        async for record in inventory:
            if record.kind != "error":
                outcome.items += 1
        outcome.wall = time.perf_counter() - started
    summary = inventory.summary
    outcome.requests = summary.requests
    outcome.throttled = summary.throttled
    if summary.errors:
        outcome.notes.append(f"{len(summary.errors)} lists failed: {summary.errors[0]}")
    if summary.retries != summary.throttled:
        outcome.notes.append(f"{summary.retries} retries for {summary.throttled} 429s")


def contend(title: str, latency: Latency, sweep: Callable[[FakeServer, Outcome], object]) -> Outcome:
    """One contender's ``sweep`` of a new fake, with what the fake counted."""
    outcome = Outcome(title, latency)
    with new_fake(latency).serve() as server:
        sweep(server, outcome)
        _server_counts(outcome, server)
    return outcome


def run_sdk(latency: Latency) -> Outcome:
    return contend(
        "SDK sweep (`AsyncAmnimo` defaults)", latency, lambda server, out: asyncio.run(sdk_sweep(server, out))
    )


def _child_env(base_url: str, client_id: str, secret_key: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(AMNIMO_BASE_URL=base_url, AMNIMO_CLIENT_ID=client_id, AMNIMO_SECRET_KEY=secret_key)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return env


def _last_json(text: str) -> dict[str, Any]:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            report: dict[str, Any] = json.loads(line)
            return report
    raise RuntimeError(f"no report from the helper process: {text[-500:]!r}")


def run_with_competitor(latency: Latency, mode: Literal["httpx", "sdk"]) -> tuple[Outcome, dict[str, Any]]:
    """The SDK sweep while another process spends the same client ID's bucket."""
    competitor = {
        "httpx": f"plain httpx, {COMPETITOR_RATE:g} GET/s",
        "sdk": f"SDK, rate {COMPETITOR_RATE:g}, burst {COMPETITOR_SDK_BURST}",
    }[mode]
    name = f"SDK sweep + other process ({competitor})"
    outcome = Outcome(name, latency)
    with new_fake(latency).serve() as server:
        command = [sys.executable, "-m", "benchmarks._hammer", "compete", "--mode", mode]
        command += ["--rate", f"{COMPETITOR_RATE:g}", "--burst", str(COMPETITOR_SDK_BURST)]
        command += ["--subscription", server.subscription_ids[0]]
        env = _child_env(server.base_url, server.client_id, server.secret_key)
        with subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO
        ) as process:
            assert process.stdin is not None
            assert process.stdout is not None
            try:
                ready = process.stdout.readline().strip()
                if ready != "ready":
                    raise RuntimeError(f"the competing process did not start: {ready!r}")
                time.sleep(HEAD_START)
                asyncio.run(sdk_sweep(server, outcome))
                process.stdin.write("stop\n")
                process.stdin.flush()
                output, _ = process.communicate(timeout=60)
            except BaseException:
                process.kill()
                raise
        report = _last_json(output)  # (the fake's journal mixes both processes' requests)
    return outcome, report


# --- contender 3: a sequential httpx loop ----------------------------------------------------


def _subscription_ids(tree: dict[str, Any]) -> list[str]:
    found: dict[str, None] = {}
    stack = [tree]
    while stack:
        account = stack.pop()
        if account.get("subscriptionId"):
            found.setdefault(account["subscriptionId"])
        stack.extend(reversed([child for child in account.get("childAccounts", []) if child]))
    return list(found)


def sequential_walk(server: FakeServer, outcome: Outcome) -> None:
    """Page by page, one request at a time; on a 429 sleep one second and send it again."""
    with httpx.Client(base_url=server.base_url, timeout=30.0) as http:

        def call(method: str, path: str, **options: Any) -> Any:
            while True:
                outcome.requests += 1
                response = http.request(method, path, **options)
                if response.status_code == 429:
                    outcome.throttled += 1
                    time.sleep(1.0)
                    continue
                response.raise_for_status()
                return response.json()

        started = time.perf_counter()
        grant = call(
            "POST",
            "/oauth2/token",
            auth=(server.client_id, server.secret_key),
            data={"grant_type": "client_credentials"},
        )
        http.headers["Authorization"] = f"Bearer {grant['access_token']}"
        for sub in _subscription_ids(call("GET", f"/accounts/{server.account_id}/hierarchy")):
            page = 0
            while True:
                query = {"isUrl": "true", "expiration": 60, "page": page, "size": CAMERA_PAGE}
                body = call("GET", f"/partitions/{sub}/cameras", params=query)
                outcome.items += len(body["cameras"])
                page += 1
                if page * CAMERA_PAGE >= body["total"]:
                    break
            page = 0
            while True:
                search = {"pageNumber": page, "pageSize": MEDIA_PAGE, "sortDir": "desc"}
                media = call("POST", f"/partitions/{sub}/medias", json=search)
                outcome.items += len(media)
                page += 1
                if len(media) < MEDIA_PAGE:
                    break
            page = 0
            while True:
                query = {"page": page, "size": DEVICE_PAGE}
                body = call("GET", f"/partitions/{sub}/devices/externalDevices", params=query)
                outcome.items += len(body["data"])
                page += 1
                if page >= body["summary"]["totalPages"]:
                    break
        outcome.wall = time.perf_counter() - started


def run_sequential(latency: Latency) -> Outcome:
    return contend("sequential httpx loop (sleep 1 s on 429)", latency, sequential_walk)


# --- contender 4: asyncio.gather over every page, no limiter ---------------------------------


async def gather_storm(server: FakeServer, outcome: Outcome) -> None:
    """Every page at once; a 429 is sent again at once; nothing more after STORM_CAP requests."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60.0, limits=limits) as http:

        async def call(method: str, path: str, **options: Any) -> Any:
            while outcome.requests < STORM_CAP:
                outcome.requests += 1
                try:
                    response = await http.request(method, path, **options)
                except httpx.TransportError:
                    continue  # the storm overwhelms the server's accept queue too: resend at once
                if response.status_code == 429:
                    outcome.throttled += 1
                    continue
                response.raise_for_status()
                return response.json()
            return None

        started = time.perf_counter()
        grant = await call(
            "POST",
            "/oauth2/token",
            auth=(server.client_id, server.secret_key),
            data={"grant_type": "client_credentials"},
        )
        if grant is None:
            outcome.wall = time.perf_counter() - started
            return
        http.headers["Authorization"] = f"Bearer {grant['access_token']}"
        calls = [call("GET", f"/accounts/{server.account_id}/hierarchy")]
        kinds: list[str] = ["hierarchy"]
        for sub, spec in zip(server.subscription_ids, SUBSCRIPTIONS, strict=True):
            counts = pages(spec)
            for page in range(counts["cameras"]):
                query = {"isUrl": "true", "expiration": 60, "page": page, "size": CAMERA_PAGE}
                calls.append(call("GET", f"/partitions/{sub}/cameras", params=query))
                kinds.append("cameras")
            for page in range(counts["media"]):
                search = {"pageNumber": page, "pageSize": MEDIA_PAGE, "sortDir": "desc"}
                calls.append(call("POST", f"/partitions/{sub}/medias", json=search))
                kinds.append("media")
            for page in range(counts["devices"]):
                query = {"page": page, "size": DEVICE_PAGE}
                calls.append(call("GET", f"/partitions/{sub}/devices/externalDevices", params=query))
                kinds.append("devices")
        answers = await asyncio.gather(*calls)
        outcome.wall = time.perf_counter() - started
        for kind, body in zip(kinds, answers, strict=True):
            if body is None or kind == "hierarchy":
                continue
            outcome.items += len(
                body["cameras"] if kind == "cameras" else body["data"] if kind == "devices" else body
            )
        unanswered = sum(body is None for body in answers)
        if unanswered:
            outcome.notes.append(
                f"stopped at the {STORM_CAP:,}-request cap with {unanswered} pages unanswered"
            )


def run_storm(latency: Latency) -> Outcome:
    return contend(
        "`asyncio.gather` storm (no limiter, retry 429 at once)",
        latency,
        lambda server, out: asyncio.run(gather_storm(server, out)),
    )
