"""The journal: one entry per request, counters, and the concurrency high-water mark."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from amnimo_async.testing import FakeAmnimo, Fault, ManualClock

from .conftest import asgi_client, fetch_token


async def test_entries_and_counters(make_fake: Callable[..., FakeAmnimo], clock: ManualClock) -> None:
    fake = make_fake(rate=5.0, burst=20)
    sub = fake.subscription_ids[0]
    async with asgi_client(fake) as http:
        token = (await fetch_token(http, fake.client_id, fake.secret_key)).json()["access_token"]
        await fetch_token(http, fake.client_id, "wrong")
        http.headers["Authorization"] = f"Bearer {token}"
        clock.advance(0.1)  # refills half a token: 19 of the 20 calls pass
        for _ in range(20):
            await http.get(f"/partitions/{sub}/cameras", params={"size": 1})
        await http.get("/nowhere")
    journal = fake.journal
    assert len(journal) == 23
    assert journal.token_calls == 2
    assert journal.tokens_issued == 1
    assert journal.count(route="listCameras") == 20
    assert journal.count(route="listCameras", status=200) == 19
    assert journal.rate_limited == journal.count(status=429) == 1
    assert journal.by_route()["listCameras"] == 20
    assert journal.by_route()[None] == 1
    assert journal.by_status() == {200: 20, 401: 1, 429: 1, 404: 1}
    first, failed, call = journal.entries[0], journal.entries[1], journal.entries[2]
    assert (first.route, first.method, first.path, first.status) == (
        "issueToken",
        "POST",
        "/ex/oauth2/token",
        200,
    )
    assert first.client_id == fake.client_id
    assert failed.client_id is None
    assert first.time == ManualClock.DEFAULT_START
    assert call.time == first.time + 0.1
    assert call.client_id == fake.client_id
    assert call.duration >= 0
    assert journal.count(client_id=fake.client_id, method="GET") == 21  # /nowhere too
    journal.clear()
    assert len(journal) == 0
    assert journal.rate_limited == 0
    assert journal.max_concurrency == 0


async def test_max_concurrency_is_the_high_water_mark(fake: FakeAmnimo) -> None:
    fake.faults.add(Fault(route="getHierarchy", kind="latency", latency=0.05))
    async with asgi_client(fake, fake.issue_token()) as http:
        path = f"/accounts/{fake.account_id}/hierarchy"
        await asyncio.gather(*(http.get(path) for _ in range(6)))
        await http.get(path)
    assert fake.journal.max_concurrency == 6
    assert fake.journal.in_flight == 0
