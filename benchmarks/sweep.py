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

import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any

from ._sweep_contenders import (
    BURST,
    COMPETING_RUNS,
    COMPETITOR_MODES,
    COMPETITOR_RATE,
    COMPETITOR_SDK_BURST,
    HEAD_START,
    LATENCIES,
    RATE,
    SEED,
    SUBSCRIPTIONS,
    Outcome,
    expected_items,
    ideal_seconds,
    minimal_requests,
    run_sdk,
    run_sequential,
    run_storm,
    run_with_competitor,
)
from ._sweep_memory import RSS_CAMERAS, RSS_TARGET_MB, memory, print_memory, run_rss
from ._util import COMMAND, environment, table, verdict

RATIO_TARGET = 1.05
THROTTLE_SHARE_TARGET = 0.02


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
        print(verdict(f"SDK time/ideal ≤ {RATIO_TARGET} at {at}", ratio <= RATIO_TARGET, f"{ratio:.3f}"))
        print(verdict(f"SDK requests = N at {at}", outcome.requests == n, f"{outcome.requests} vs {n}"))
        print(verdict(f"SDK 429s = 0 at {at}", outcome.throttled == 0, str(outcome.throttled)))
        print(verdict(f"SDK items = expected at {at}", outcome.items == expected, f"{outcome.items:,}"))
    for runs in shared:
        outcomes = [o for o, _ in runs]
        throttled = sum(o.throttled for o in outcomes)
        requests = sum(o.requests for o in outcomes)
        share = throttled / requests if requests else 1.0
        worst = max(o.throttled / o.requests if o.requests else 1.0 for o in outcomes)
        print(
            verdict(
                f"{outcomes[0].contender} at {outcomes[0].latency.label}: every item in every run,"
                f" 429s < {THROTTLE_SHARE_TARGET:.0%} of requests",
                all(o.items == expected for o in outcomes) and share < THROTTLE_SHARE_TARGET,
                f"{throttled}/{requests} = {share:.1%} over {len(outcomes)} runs (worst run {worst:.1%})",
            )
        )
    print(
        verdict(
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
