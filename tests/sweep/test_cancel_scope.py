"""Cancelling through an anyio cancel scope leaves no connection checked out of the pool."""

from __future__ import annotations

import anyio
import httpx

from amnimo_async import AsyncAmnimo
from amnimo_async.testing import Fault

from ._fake import fake_with


async def test_cancel_scope_around_a_paginator_returns_every_connection() -> None:
    fake = fake_with([{"cameras": 5000, "media": 0, "devices": 0}])
    fake.faults.add(Fault(kind="latency", route="listCameras", latency=0.2, schedule=list(range(2, 30))))
    sub = fake.subscription_ids[0]
    with fake.serve() as server:
        limits = httpx.Limits(max_connections=4)
        async with (
            httpx.AsyncClient(limits=limits, timeout=5.0) as http,
            AsyncAmnimo(
                server.client_id, server.secret_key, base_url=server.base_url, rate=None, http_client=http
            ) as amnimo,
        ):
            with anyio.move_on_after(0.1):
                async for _page in amnimo.cameras.iter(sub, window=4).pages():
                    pass
            # Four connections at most: had any been leaked, these calls would wait for a slot.
            with anyio.fail_after(5):
                for _ in range(8):
                    await amnimo.cameras.list(sub, size=1)
