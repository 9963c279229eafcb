"""Inventory sweeps through random faults of every kind, over loopback against the fake.

At 5 % the sweep must hand over every item exactly once and no error record. At 30 % it must
finish (every wait is bounded: the whole sweep runs under a hang guard), and its error records
must account exactly for what is missing: each names the subscription, the list and the page from
which that list's items are missing, and only a page whose attempts ran out of retries fails.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from amnimo_async import AsyncAmnimo
from amnimo_async._inventory import InventoryRecord, SweepError
from amnimo_async.testing import DataProfile, FakeServer, Fault

from ..integration.conftest import Connect, Serve

# 12 subscriptions of 3 camera pages, 3 media pages and 3 device pages: 108 pages, ~38,000 items.
SUBSCRIPTIONS = [{"cameras": 1001 + i, "media": 2001 + i, "devices": 201 + i} for i in range(12)]
PAGES = 1 + 9 * len(SUBSCRIPTIONS)
READ_TIMEOUT = 1.5
SWEEP_RATE = 40.0
PAGE_SIZES = {"cameras": 500, "media": 1000, "devices": 100}  # the largest pages the API allows
HANG_GUARD = 120.0

# Every fault kind of the fake, in the proportions a flaky network might mix them.
FAULT_KINDS: list[dict[str, Any]] = [
    {"kind": "status", "status": 500},
    {"kind": "status", "status": 502},
    {"kind": "status", "status": 503},
    {"kind": "status", "status": 504},
    {"kind": "rate_limit"},
    {"kind": "reset"},
    {"kind": "reset_mid_body"},
    {"kind": "truncate"},
    {"kind": "malformed"},
    {"kind": "slow_body", "chunk_delay": READ_TIMEOUT + 0.3},
]


def random_faults(rate: float) -> Iterator[Fault]:
    """Faults on every route (token calls included) adding up to about ``rate`` of all calls."""
    share = rate / len(FAULT_KINDS)
    for index, fault in enumerate(FAULT_KINDS):
        # The fake tries them in order and the first that fires wins: scale each so that
        # together they fire on about ``rate`` of the calls.
        yield Fault(route="*", probability=min(1.0, share / (1 - share * index)), **fault)


def serve_fake(serve: Serve, seed: int) -> FakeServer:
    return serve(seed=seed, profile=DataProfile.explicit(SUBSCRIPTIONS), clock=None)


def connect_paced(connect: Connect, server: FakeServer, max_retries: int) -> AsyncAmnimo:
    # Well above the API's 5/s (to keep the test short) but paced: unpaced, the whole sweep
    # queues in the fake at once and honest pages outwait the short read timeout.
    timeout = httpx.Timeout(READ_TIMEOUT, connect=5.0)
    return connect(server, rate=SWEEP_RATE, timeout=timeout, max_retries=max_retries)


async def sweep(amnimo: AsyncAmnimo, server: FakeServer) -> tuple[list[InventoryRecord], Any]:
    """Sweep, expiring every token once a quarter of the way through (a token expiring mid-sweep)."""
    inventory = amnimo.inventory(server.account_id)
    records: list[InventoryRecord] = []
    expired = False

    async def consume() -> None:
        nonlocal expired
        async for record in inventory:
            records.append(record)
            if not expired and amnimo.transport.stats.requests > PAGES // 4:
                server.fake.expire_all_tokens()
                expired = True

    await asyncio.wait_for(consume(), HANG_GUARD)
    assert expired
    return records, inventory.summary


def items_by_list(records: list[InventoryRecord]) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for record in records:
        if record.kind != "error":
            found[record.subscription_id, record.kind].append(record.item.id)  # type: ignore[union-attr]
    return found


def every_list(server: FakeServer, subscription_id: str) -> dict[str, list[list[str]]]:
    """Each list of a subscription as the fake holds it, cut into the pages the sweep asks for."""
    ids = {
        "cameras": [camera["id"] for camera in server.world.cameras(subscription_id)],
        "media": [media["id"] for media in server.world.media(subscription_id)],  # newest first
        "devices": [device["id"] for device in server.world.devices(subscription_id)],
    }
    return {
        kind: [found[start : start + PAGE_SIZES[kind]] for start in range(0, len(found), PAGE_SIZES[kind])]
        for kind, found in ids.items()
    }


def fired(server: FakeServer) -> int:
    return sum(server.faults.fired(fault) for fault in server.faults)


@pytest.mark.slow
async def test_five_percent_faults_lose_nothing_and_double_nothing(serve: Serve, connect: Connect) -> None:
    server = serve_fake(serve, seed=5)
    server.faults.add(*random_faults(0.05))
    amnimo = connect_paced(connect, server, max_retries=5)
    records, summary = await sweep(amnimo, server)
    refreshes = amnimo.transport.stats.refreshes
    assert fired(server) > 0
    assert summary.errors == []
    assert [r for r in records if r.kind == "error"] == []
    found = items_by_list(records)
    for sub, counts in zip(server.subscription_ids, SUBSCRIPTIONS, strict=True):
        for kind in ("cameras", "media", "devices"):
            ids = found[sub, kind]
            assert len(ids) == len(set(ids)) == counts[kind], (sub, kind)  # none lost, none doubled
    # Every fault was retried, or (a cut "token expired" answer) cost a token refresh instead.
    assert summary.retries + refreshes >= fired(server)
    assert summary.token_calls >= 2  # the first token and the one after the expiry


@pytest.mark.slow
async def test_thirty_percent_faults_finish_with_an_exact_account_of_what_failed(
    serve: Serve, connect: Connect
) -> None:
    max_retries = 1  # a small budget, so that some pages do run out of retries
    server = serve_fake(serve, seed=30)
    server.faults.add(*random_faults(0.30))
    amnimo = connect_paced(connect, server, max_retries=max_retries)
    records, summary = await sweep(amnimo, server)
    assert fired(server) > 0
    errors = [r.item for r in records if r.kind == "error"]
    assert errors, "with this budget some page should have run out of retries"
    assert summary.errors == errors

    found = items_by_list(records)
    for sub in server.subscription_ids:
        for kind, pages in every_list(server, sub).items():
            failed = [e for e in errors if isinstance(e, SweepError) and e.subscription_id == sub]
            failed = [e for e in failed if e.kind == kind]
            assert len(failed) <= 1, "a list fails at most once: it stops at that page"
            got = found[sub, kind]
            assert len(got) == len(set(got)), (sub, kind)  # nothing doubled
            if failed:
                # Everything before the failed page arrived; nothing from it on did.
                page = failed[0].page
                assert got == [i for p in pages[:page] for i in p], (sub, kind)
            else:
                assert got == [i for p in pages for i in p], (sub, kind)
    for error in errors:
        assert isinstance(error, SweepError)
        assert error.subscription_id in str(error)
        assert f"page {error.page}" in str(error)
        assert error.kind in str(error)
        # Only what exhausted its retries: every attempt the policy allows was made.
        assert error.error.attempts >= max_retries + 1
