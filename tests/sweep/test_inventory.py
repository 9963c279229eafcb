"""Inventory sweeps: everything once, the minimum of requests, error records, progress."""

from __future__ import annotations

import asyncio
import collections
import math

import anyio
import httpx
import pytest

from amnimo_async import AsyncAmnimo, InMemoryTokenCache, NotFoundError, ValidationError
from amnimo_async._inventory import InventoryRecord, Progress, SweepError
from amnimo_async.testing import Fault

from ._fake import client_on, fake_with

SUBSCRIPTIONS = [
    {"cameras": 0, "media": 0, "devices": 0},
    {"cameras": 1, "media": 1, "devices": 1},
    {"cameras": 500, "media": 1000, "devices": 100},
    {"cameras": 501, "media": 1001, "devices": 101},
    {"cameras": 2345, "media": 120, "devices": 7},
]


def minimum_requests(subscriptions: list[dict[str, int]]) -> int:
    pages = 0
    for counts in subscriptions:
        pages += max(1, math.ceil(counts["cameras"] / 500))
        pages += counts["media"] // 1000 + 1
        pages += max(1, math.ceil(counts["devices"] / 100))
    return 1 + 1 + pages  # token, hierarchy, pages


async def test_sweep_yields_everything_once_with_the_minimum_of_requests() -> None:
    fake = fake_with(SUBSCRIPTIONS)
    events: list[Progress] = []
    async with client_on(fake) as amnimo:
        inventory = amnimo.inventory(fake.account_id, on_progress=events.append)
        records = [record async for record in inventory]
    summary = inventory.summary
    by_kind: dict[str, set[tuple[str, str]]] = {"cameras": set(), "media": set(), "devices": set()}
    for record in records:
        assert record.kind != "error"
        by_kind[record.kind].add((record.subscription_id, record.item.id))  # type: ignore[union-attr]
    assert len(records) == sum(len(ids) for ids in by_kind.values())  # nothing doubled
    for sub, counts in zip(fake.subscription_ids, SUBSCRIPTIONS, strict=True):
        for kind in ("cameras", "media", "devices"):
            assert sum(1 for s, _ in by_kind[kind] if s == sub) == counts[kind]
            assert summary.counts[sub][kind] == counts[kind]
    assert len(fake.journal.entries) == minimum_requests(SUBSCRIPTIONS)
    assert summary.requests == minimum_requests(SUBSCRIPTIONS)
    assert (summary.throttled, summary.retries, summary.token_calls) == (0, 0, 1)
    assert summary.errors == []
    # Progress adds up: monotonic, and at the end every page done was expected and was requested.
    dones = [event.pages_done for event in events]
    assert dones == sorted(dones)
    last = events[-1]
    assert last.pages_done == last.pages_expected == summary.requests - 1  # all but the token call
    assert last.items == len(records)
    assert last.subscriptions_done == last.subscriptions_total == len(SUBSCRIPTIONS)


async def test_include_chooses_the_lists() -> None:
    fake = fake_with(SUBSCRIPTIONS[:3])
    async with client_on(fake) as amnimo:
        records = [r async for r in amnimo.inventory(fake.account_id, include="cameras")]
    assert {r.kind for r in records} == {"cameras"}
    assert fake.journal.count(route="searchSubscriptionMedia") == 0
    assert fake.journal.count(route="listExternalDevices") == 0


async def test_a_failing_list_becomes_an_error_record_and_the_rest_continue() -> None:
    fake = fake_with(SUBSCRIPTIONS[1:4])
    fake.faults.add(Fault(kind="status", status=404, route="listCameras", schedule=[1]))
    async with client_on(fake) as amnimo:
        inventory = amnimo.inventory(fake.account_id)
        records = [r async for r in inventory]
    errors = [r for r in records if r.kind == "error"]
    assert len(errors) == 1
    error = errors[0].item
    assert isinstance(error, SweepError)
    assert (error.kind, error.page) == ("cameras", 0)
    assert isinstance(error.error, NotFoundError)
    assert error.subscription_id in str(error)
    failed = error.subscription_id
    cameras = {r.subscription_id for r in records if r.kind == "cameras"}
    assert failed not in cameras
    assert cameras == {
        s for s, c in zip(fake.subscription_ids, SUBSCRIPTIONS[1:4], strict=True) if c["cameras"]
    } - {failed}
    assert inventory.summary.errors == [error]
    media = sum(1 for r in records if r.kind == "media")
    assert media == sum(c["media"] for c in SUBSCRIPTIONS[1:4])
    # Every subscription's devices, the failed one's too, each once: the fake's own lists.
    devices = [
        (r.subscription_id, r.item.id)  # type: ignore[union-attr]
        for r in records
        if r.kind == "devices"
    ]
    assert sorted(devices) == sorted(
        (sub, device["id"]) for sub in fake.subscription_ids for device in fake.world.devices(sub)
    )
    assert len(devices) == sum(c["devices"] for c in SUBSCRIPTIONS[1:4])


async def test_cancelling_a_sweep_leaves_no_task_and_a_usable_client() -> None:
    fake = fake_with(SUBSCRIPTIONS)
    fake.faults.add(Fault(kind="latency", route="*", latency=0.02))
    async with client_on(fake) as amnimo:
        before = {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}
        got: list[InventoryRecord] = []

        async def sweep() -> None:
            async for record in amnimo.inventory(fake.account_id):
                got.append(record)

        def left_over() -> set[asyncio.Task[object]]:
            return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()} - before

        task = asyncio.ensure_future(sweep())
        try:
            with anyio.fail_after(30):  # hang guard
                while len(got) < 700 and not task.done():
                    await asyncio.sleep(0.005)
        finally:
            task.cancel()
        # A sweep that ended early re-raises its own error here, or does not raise at all: a failure.
        with pytest.raises(asyncio.CancelledError):
            await task
        with anyio.move_on_after(10):  # hang guard: the assertion below names any task left
            while left_over():
                await asyncio.sleep(0.005)
        assert left_over() == set()
        pages = await asyncio.gather(
            *(amnimo.cameras.list(fake.subscription_ids[4], size=1) for _ in range(50))
        )
        assert len(pages) == 50


async def test_bad_arguments_are_refused_before_anything_is_sent() -> None:
    fake = fake_with(SUBSCRIPTIONS[:1])
    async with client_on(fake) as amnimo:
        for kwargs, argument in [
            ({"include": "cameras,videos"}, "include"),
            ({"concurrency": 0}, "concurrency"),
        ]:
            with pytest.raises(ValidationError) as info:
                amnimo.inventory(fake.account_id, **kwargs)  # type: ignore[arg-type]
            assert info.value.argument == argument
        with pytest.raises(ValidationError):
            amnimo.inventory("123")
    assert fake.journal.entries == []


async def test_each_pass_over_an_inventory_is_a_sweep_of_its_own() -> None:
    fake = fake_with(SUBSCRIPTIONS[1:3])
    async with client_on(fake) as amnimo:
        inventory = amnimo.inventory(fake.account_id, include="cameras")
        first = [r async for r in inventory]
        second = [r async for r in inventory]
    expected = {
        sub: {"cameras": c["cameras"]}
        for sub, c in zip(fake.subscription_ids, SUBSCRIPTIONS[1:3], strict=True)
    }
    assert len(first) == len(second) == sum(c["cameras"] for c in SUBSCRIPTIONS[1:3])
    assert inventory.summary.counts == expected  # not doubled by the second pass
    assert inventory.summary.requests == 1 + 2  # hierarchy + one camera page each, this pass only


async def test_an_error_after_pages_read_again_names_the_page_that_failed() -> None:
    # Pages of 2 of 8 cameras; the first camera goes before page 1 is answered (total 7), so page 1
    # is asked again, then pages 0 and 1 are read again together and handed out (page 0 twice).
    # Page 2 follows; page 3 fails: the error names page 3, not the count of pages handed out (4).
    account, sub = "5b1b1bd3-0a3c-4f43-9a7e-2d3f1b6c9e01", "d079718b-ff63-45dd-947b-4950c023750f"
    cameras = [f"cam-{n}" for n in range(8)]
    asked: collections.Counter[int] = collections.Counter()

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            return httpx.Response(
                200, json={"access_token": "t" * 20, "token_type": "Bearer", "expires_in": 7200}
            )
        if request.url.path.endswith("/hierarchy"):
            return httpx.Response(200, json={"accountId": account, "subscriptionId": sub})
        page = int(request.url.params["page"])
        asked[page] += 1
        if page == 3:
            return httpx.Response(404, json={"message": "gone"})
        listed = cameras if asked == {0: 1} else cameras[1:]
        chunk = [{"id": camera} for camera in listed[2 * page : 2 * page + 2]]
        return httpx.Response(200, json={"total": len(listed), "page": page, "size": 2, "cameras": chunk})

    http = httpx.AsyncClient(transport=httpx.MockTransport(api))
    async with AsyncAmnimo(
        "client", "secret", base_url="https://api.test/ex", http_client=http, token_cache=InMemoryTokenCache()
    ) as amnimo:
        records = [r async for r in amnimo.inventory(account, include="cameras")]
    await http.aclose()
    assert [r.item.id for r in records if r.kind == "cameras"] == cameras[:7]
    assert asked == {0: 2, 1: 3, 2: 1, 3: 1}  # page 1 asked again alone, then with page 0
    (error,) = [r.item for r in records if r.kind == "error"]
    assert isinstance(error, SweepError)
    assert (error.kind, error.page) == ("cameras", 3)
    assert isinstance(error.error, NotFoundError)
