"""Sweeping a whole tenant under the documented rate limit: the SDK against what people write by hand.

Every contender runs against a fresh :class:`~amnimo_async.testing.FakeAmnimo` served by uvicorn
on loopback, metering each client ID with the documented bucket (5 requests/s, burst 20), with a
latency fault on every route (token call included), at two profiles: 50 ± 15 ms and 250 ± 75 ms
(the fault waits ``latency`` plus a uniform ``0..jitter``, so ``mean ± spread`` is
``latency = mean - spread, jitter = 2 * spread``). The fake's data: 10 subscriptions (see
:data:`SUBSCRIPTIONS`) that need, at the least, N requests: 1 token + 1 hierarchy + per
subscription ``ceil(cameras/500)`` (at least 1) + ``floor(media/1000) + 1`` +
``ceil(devices/100)`` (at least 1). With a full bucket of 20, no client can finish sooner than
``ideal = max(0, N - 20) / 5`` seconds.

Contenders:

1. **SDK sweep**: ``async for record in AsyncAmnimo(...).inventory(account)``, the client at its
   defaults (rate 5, burst 20). Targets: time/ideal ≤ 1.05, requests = N, no 429.
2. **SDK sweep + competing process**: the same, while a second *process*
   (``benchmarks/_hammer.py compete``) spends the same client ID's bucket with a token of its
   own: either plain httpx polling 10 cameras twice a second on a fixed schedule, ignoring 429s,
   or a lower-rate SDK client (rate 2, burst 5) polling back to back. It starts
   :data:`HEAD_START` s before the sweep and stops after it. Each pairing runs
   :data:`COMPETING_RUNS` times (a 429 that meets the other process is a matter of timing).
   Target: every item found in every run, the sweep's 429s under 2 % of its requests.
3. **Sequential httpx**: one ``httpx.Client`` walking the hierarchy page by page, sleeping 1 s
   and retrying on a 429 (what the vendor's curl samples lead people to write).
4. **gather storm**: ``asyncio.gather`` over every page at once (page counts known up front from
   the fake's data), no limiter, a 429 retried at once; stopped after :data:`STORM_CAP` requests.

And the memory of streaming 100,000 cameras of one subscription to a JSONL file: the fake runs
in its own process (``python -m amnimo_async.testing serve``, no rate limit), the sweep in
another (``benchmarks/_hammer.py stream``, ``rate=None``) that reports its own peak RSS.

Run: ``python -m benchmarks sweep`` (or ``nox -s bench``). About seven minutes, mostly waiting
on the rate limit, by design. ``python -m benchmarks.sweep memory`` runs the memory measurement
alone (half a minute).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx

from amnimo_async import AsyncAmnimo, InMemoryTokenCache
from amnimo_async._seen import SeenIds
from amnimo_async.testing import DataProfile, FakeAmnimo, FakeServer, Fault, SubscriptionSpec

from ._util import COMMAND, check, environment, table

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

RSS_CAMERAS = 100_000
RSS_TARGET_MB = 100.0
RATIO_TARGET = 1.05
THROTTLE_SHARE_TARGET = 0.02
REPO = Path(__file__).resolve().parent.parent
LAUNCHER = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"
"""Starts the measured sweep from a small process, so its ``ru_maxrss`` is its own."""


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


def run_sdk(latency: Latency) -> Outcome:
    outcome = Outcome("SDK sweep (`AsyncAmnimo` defaults)", latency)
    with new_fake(latency).serve() as server:
        asyncio.run(sdk_sweep(server, outcome))
        _server_counts(outcome, server)
    return outcome


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
    outcome = Outcome("sequential httpx loop (sleep 1 s on 429)", latency)
    with new_fake(latency).serve() as server:
        sequential_walk(server, outcome)
        _server_counts(outcome, server)
    return outcome


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
    outcome = Outcome("`asyncio.gather` storm (no limiter, retry 429 at once)", latency)
    with new_fake(latency).serve() as server:
        asyncio.run(gather_storm(server, outcome))
        _server_counts(outcome, server)
    return outcome


# --- memory: streaming 100,000 cameras to a file ---------------------------------------------


@contextlib.contextmanager
def fake_process(*args: str) -> Iterator[dict[str, str]]:
    """``python -m amnimo_async.testing serve ARGS`` in its own process; yields what it printed."""
    command = [sys.executable, "-m", "amnimo_async.testing", "serve", "--host", "127.0.0.1", "--port", "0"]
    process = subprocess.Popen([*command, *args], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert process.stdout is not None
        printed: dict[str, str] = {}
        while "subscriptions" not in printed:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"the fake exited early (code {process.wait()})")
            name, sep, value = line.partition(":")
            if sep and name in ("base URL", "client ID", "secret key", "account ID", "subscriptions"):
                printed[name] = value.strip()
        yield printed
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def run_rss() -> dict[str, Any]:
    """Peak RSS of a process streaming a 100,000-camera sweep to JSONL (fake in another process)."""
    fake_args = ["--seed", "1", "--subscriptions", "1", "--cameras", str(RSS_CAMERAS)]
    fake_args += ["--media", "0", "--devices", "0", "--no-rate-limit"]
    with fake_process(*fake_args) as fake, tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / "inventory.jsonl"
        env = _child_env(fake["base URL"], fake["client ID"], fake["secret key"])
        # Through a bare launcher: on Linux ``ru_maxrss`` carries over from the address space a
        # process is exec'ed from, and this process (fakes, 26,000 items) is far bigger.
        command = [sys.executable, "-c", LAUNCHER, sys.executable, "-m", "benchmarks._hammer", "stream"]
        command += ["--account-id", fake["account ID"], "--out", str(out)]
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=180)
        if done.returncode:
            raise RuntimeError(f"the streaming sweep failed: {done.stderr[-2000:]}")
        report = _last_json(done.stdout)
        with out.open("rb") as written:
            lines = sum(1 for _ in written)
        check(lines == report["written"], "the file holds one line per record written")
        report["file_mb"] = round(out.stat().st_size / (1024 * 1024), 1)
    return report


# --- the report ------------------------------------------------------------------------------


def _ratio(outcome: Outcome, ideal: float) -> str:
    return f"{outcome.wall / ideal:.3f}" if ideal else "–"


def _throttled(outcome: Outcome) -> str:
    if not outcome.requests:
        return "0"
    return f"{outcome.throttled:,} ({outcome.throttled / outcome.requests:.1%})"


def _row(outcome: Outcome, n: int, expected: int) -> list[str]:
    ideal = ideal_seconds(n)
    items = f"{outcome.items:,} / {expected:,}"
    return [
        outcome.contender,
        outcome.latency.label,
        f"{outcome.wall:.2f}",
        f"{ideal:.1f}",
        _ratio(outcome, ideal),
        f"{outcome.requests:,}",
        _throttled(outcome),
        items + ("" if outcome.items == expected else " ✗"),
    ]


def _each(values: Iterable[object]) -> str:
    return ", ".join(str(value) for value in values)


def _shared_row(runs: Sequence[tuple[Outcome, dict[str, Any]]], expected: int) -> list[str]:
    """One row for the runs of one competing pairing: each run's figures, then the total share."""
    outcomes = [o for o, _ in runs]
    throttled = sum(o.throttled for o in outcomes)
    requests = sum(o.requests for o in outcomes)
    complete = all(o.items == expected for o in outcomes)
    name = outcomes[0].contender.removeprefix("SDK sweep + other process ").strip("()")
    return [
        name,
        outcomes[0].latency.label,
        _each(f"{o.wall:.1f}" for o in outcomes),
        _each(o.requests for o in outcomes),
        _each(o.throttled for o in outcomes),
        f"{throttled} / {requests} = {throttled / requests:.1%}" if requests else "–",
        f"all {expected:,}, every run" if complete else "✗ " + _each(f"{o.items:,}" for o in outcomes),
    ]


def _competitor_line(report: dict[str, Any]) -> str:
    share = report["throttled"] / report["requests"] if report["requests"] else 0.0
    line = f"{report['requests']} requests in {report['seconds']:.1f} s"
    line += f", {report['throttled']} answered 429 ({share:.0%})"
    if "retries" in report:
        line += f", {report['retries']} retries"
    failed = report.get("other", 0) + report.get("gave_up", 0)  # a competitor that fails competes less
    return line + (f", {failed} failed otherwise" if failed else "")


def _verdict(label: str, ok: bool, detail: str) -> str:
    return f"- {'✓' if ok else '✗'} {label}: {detail}"


def seen_set_bytes(count: int = RSS_CAMERAS) -> tuple[int, int]:
    """What remembering ``count`` uuids costs a walk (:class:`SeenIds`, ``sys.getsizeof`` of its
    table and keys), against the same ids kept as text in a set."""
    rng = random.Random(SEED)
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count)]
    seen = SeenIds()
    for item in ids:
        seen.add(item)
    as_text = sys.getsizeof(set(ids)) + sum(sys.getsizeof(item) for item in ids)
    return seen.footprint(), as_text


def print_memory(rss: dict[str, Any]) -> None:
    """The memory section: the streaming sweep's peak RSS, and what its seen-sets hold."""
    print(f"### Memory: {RSS_CAMERAS:,} cameras of one subscription streamed to JSONL")
    print()
    print(
        "Fake in its own process (`python -m amnimo_async.testing serve --cameras 100000 --subscriptions 1"
        " --media 0 --devices 0 --no-rate-limit`), sweep in another (`AsyncAmnimo(rate=None).inventory`,"
        " one `json.dumps(unstructure(item))` line per record); peak RSS is the sweeping process's own"
        " `ru_maxrss` (started from a bare launcher, as Linux carries `ru_maxrss` over an exec), with"
        " Linux's `VmHWM` as a cross-check."
    )
    print()
    print(
        table(
            ["Sweep", "peak RSS MB", "VmHWM MB", "after imports MB", "items written", "requests", "wall s"],
            [
                [
                    "`inventory` → JSONL",
                    f"{rss['peak_rss_mb']:.1f}",
                    "–" if rss["vm_hwm_mb"] is None else f"{rss['vm_hwm_mb']:.1f}",
                    f"{rss['rss_after_imports_mb']:.1f}",
                    f"{rss['written']:,} ({rss['file_mb']:.0f} MB)",
                    f"{rss['requests']}",
                    f"{rss['seconds']:.1f}",
                ]
            ],
        )
    )
    print()
    held, as_text = seen_set_bytes()
    print(
        f"Of that, the walk's seen-set (each id handed out once) holds {held / 2**20:.1f} MiB for"
        f" {RSS_CAMERAS:,} ids, {held / RSS_CAMERAS:.0f} bytes an id (`sys.getsizeof` of the set and its"
        f" 128-bit integer keys; the same ids as text: {as_text / 2**20:.1f} MiB)."
    )
    print()


def memory() -> None:
    """Only the memory measurement: ``python -m benchmarks.sweep memory``."""
    rss = run_rss()
    print_memory(rss)
    ok = rss["peak_rss_mb"] < RSS_TARGET_MB and rss["written"] == RSS_CAMERAS
    print(_verdict(f"peak RSS < {RSS_TARGET_MB:g} MB", ok, f"{rss['peak_rss_mb']:.1f} MB"))


def main() -> None:
    """Run every contender on a fresh fake at both latencies; print the tables."""
    started = time.perf_counter()
    n = minimal_requests()
    expected = expected_items()
    ideal = ideal_seconds(n)
    solo: list[Outcome] = []
    shared: list[list[tuple[Outcome, dict[str, Any]]]] = []  # the runs of each pairing
    by_hand: list[Outcome] = []
    for latency in LATENCIES:
        solo.append(run_sdk(latency))
        for mode in COMPETITOR_MODES:
            shared.append([run_with_competitor(latency, mode) for _ in range(COMPETING_RUNS)])
        by_hand.append(run_sequential(latency))
        by_hand.append(run_storm(latency))
    rss = run_rss()
    elapsed = time.perf_counter() - started

    headers = [
        "Contender",
        "latency",
        "wall s",
        "ideal s",
        "time/ideal",
        "requests",
        "429s",
        "items / expected",
    ]
    print("## Sweeping a tenant under the rate limit (`benchmarks/sweep.py`)")
    print()
    print(f"{environment('amnimo-async', 'httpx', 'aiolimiter', 'uvicorn')}.")
    print(f"Command: {COMMAND}, or `python -m benchmarks sweep`; ran in {elapsed:.0f} s.")
    print()
    print(
        f"FakeAmnimo over loopback (uvicorn), bucket {RATE:g} requests/s, burst {BURST}, per client ID;"
        f" a latency fault on every route (uniform within mean ± spread). {len(SUBSCRIPTIONS)} subscriptions,"
        f" {expected:,} items; at the least N = {n} requests (1 token + 1 hierarchy + {n - 2} pages),"
        f" so ideal = (N − {BURST}) / {RATE:g} = {ideal:.1f} s. Each row: one run on a fresh fake,"
        f" seed {SEED}."
    )
    print()
    print(table(headers, [_row(o, n, expected) for o in [*solo, *by_hand]]))
    print()
    fair = max(0, n - BURST) / (RATE - COMPETITOR_RATE)
    print(
        f"**With another process on the same client ID** ({COMPETING_RUNS} runs of each pairing, each on"
        f" a fresh fake). The other process has a token of its own, starts {HEAD_START:g} s before the"
        f" sweep and stops after it, polling `GET .../cameras?page=0&size=10`: plain httpx on a fixed"
        f" {COMPETITOR_RATE:g}/s schedule ignoring 429s, or an SDK client (rate {COMPETITOR_RATE:g}, burst"
        f" {COMPETITOR_SDK_BURST}) back to back. With {COMPETITOR_RATE:g}/s of the bucket taken, the sweep"
        f" cannot beat (N − {BURST}) / {RATE - COMPETITOR_RATE:g} = {fair:.1f} s."
    )
    print()
    shared_headers = ["SDK sweep + other process", "latency", "wall s", "requests", "429s", "429s / requests"]
    print(table([*shared_headers, "items"], [_shared_row(runs, expected) for runs in shared]))
    print()
    print("What the other process saw (per run):")
    print()
    for runs in shared:
        seen = "; ".join(_competitor_line(report) for _, report in runs)
        print(f"- {runs[0][0].contender} at {runs[0][0].latency.label}: {seen}")
    runs_of_all = [o for runs in shared for o, _ in runs]
    notes = [(o, note) for o in [*solo, *runs_of_all, *by_hand] for note in o.notes]
    if notes:
        print()
        print("Notes:")
        print()
        for outcome, note in notes:
            print(f"- {outcome.contender} at {outcome.latency.label}: {note}")
    mismatched = [
        o for o in [*solo, *by_hand] if (o.server_requests, o.server_throttled) != (o.requests, o.throttled)
    ]
    for outcome in mismatched:
        print(
            f"- server journal disagrees for {outcome.contender} at {outcome.latency.label}:"
            f" {outcome.server_requests} requests, {outcome.server_throttled} 429s"
        )
    print()
    print_memory(rss)
    print("Targets:")
    print()
    for outcome in solo:
        at = outcome.latency.label
        ratio = outcome.wall / ideal
        print(_verdict(f"SDK time/ideal ≤ {RATIO_TARGET} at {at}", ratio <= RATIO_TARGET, f"{ratio:.3f}"))
        print(_verdict(f"SDK requests = N at {at}", outcome.requests == n, f"{outcome.requests} vs {n}"))
        print(_verdict(f"SDK 429s = 0 at {at}", outcome.throttled == 0, str(outcome.throttled)))
        print(_verdict(f"SDK items = expected at {at}", outcome.items == expected, f"{outcome.items:,}"))
    for runs in shared:
        outcomes = [o for o, _ in runs]
        throttled = sum(o.throttled for o in outcomes)
        requests = sum(o.requests for o in outcomes)
        share = throttled / requests if requests else 1.0
        worst = max(o.throttled / o.requests if o.requests else 1.0 for o in outcomes)
        print(
            _verdict(
                f"{outcomes[0].contender} at {outcomes[0].latency.label}: every item in every run,"
                f" 429s < {THROTTLE_SHARE_TARGET:.0%} of requests",
                all(o.items == expected for o in outcomes) and share < THROTTLE_SHARE_TARGET,
                f"{throttled}/{requests} = {share:.1%} over {len(outcomes)} runs (worst run {worst:.1%})",
            )
        )
    print(
        _verdict(
            f"peak RSS < {RSS_TARGET_MB:g} MB",
            rss["peak_rss_mb"] < RSS_TARGET_MB and rss["written"] == RSS_CAMERAS,
            f"{rss['peak_rss_mb']:.1f} MB, {rss['written']:,} items written",
        )
    )
    print()


if __name__ == "__main__":
    if sys.argv[1:] == ["memory"]:
        memory()
    else:
        main()
