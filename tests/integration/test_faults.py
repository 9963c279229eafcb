"""Injected faults over real sockets, beyond the one-fault cells of the fault matrix
(tests/reliability/test_fault_matrix.py): runs of faults, exhausted budgets, a refused
connection, latency, and a non-JSON answer labelled as HTML."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from amnimo_async import APIConnectionError, ResponseValidationError, ServerError
from amnimo_async.testing import Fault, ManualClock

from .conftest import Connect, Serve, assert_camera, create_clip, settled


async def test_an_html_answer_to_a_get_is_retried(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    server.faults.add(
        Fault(
            route="getCamera", kind="malformed", body=b"<html>oops</html>", content_type="text/html", times=1
        )
    )
    camera = await amnimo.cameras.get(sub, server.world.camera_id(sub, 2))
    assert_camera(camera, server.world.camera(sub, 2))
    await settled(server)
    assert [e.fault for e in server.journal.entries if e.route == "getCamera"] == ["malformed", None]
    assert amnimo.transport.stats.retries == 1


async def test_a_run_of_faults_within_the_retry_budget(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server, max_retries=4)
    sub = server.subscription_ids[0]
    server.faults.add(
        Fault(route="listCameras", kind="status", status=503, schedule=[1]),
        Fault(route="listCameras", kind="reset", schedule=[2]),
        Fault(route="listCameras", kind="truncate", schedule=[3]),
        Fault(route="listCameras", kind="rate_limit", schedule=[4]),
    )
    page = await amnimo.cameras.list(sub)
    assert [c.id for c in page.cameras] == [c["id"] for c in server.world.cameras(sub)]
    await settled(server)
    faults = [e.fault for e in server.journal.entries if e.route == "listCameras"]
    assert sorted(map(str, faults)) == ["None", "rate_limit", "reset", "status", "truncate"]
    assert amnimo.transport.stats.retries == 4


async def test_faults_beyond_the_retry_budget_surface_typed(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server, max_retries=2)
    sub = server.subscription_ids[0]
    server.faults.add(Fault(route="listCameras", kind="status", status=502, times=3))
    with pytest.raises(ServerError) as info:
        await amnimo.cameras.list(sub)
    assert info.value.status_code == 502
    assert server.journal.count(route="listCameras", status=502) == 3
    server.faults.add(Fault(route="getHierarchy", kind="reset", times=3))
    with pytest.raises(APIConnectionError):
        await amnimo.accounts.hierarchy(server.account_id)
    await settled(server)
    server.faults.add(Fault(route="getHierarchy", kind="malformed", times=3))
    with pytest.raises(ResponseValidationError) as malformed:
        await amnimo.accounts.hierarchy(server.account_id)
    assert malformed.value.operation == "getHierarchy"
    assert server.journal.count(route="getHierarchy") == 6


async def test_latency_is_only_waited_for(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server, timeout=httpx.Timeout(2.0))
    sub = server.subscription_ids[0]
    server.faults.add(Fault(route="listCameras", kind="latency", latency=0.1, jitter=0.05, times=2))
    pages = await asyncio.gather(amnimo.cameras.list(sub), amnimo.cameras.list(sub, page=1, size=10))
    await settled(server)
    assert pages[0].total == pages[1].total == 20
    assert [c.id for c in pages[1].cameras] == [server.world.camera_id(sub, i) for i in range(10, 20)]
    assert server.journal.count(route="listCameras", status=200) == 2
    assert amnimo.transport.stats.retries == 0


async def test_connection_refused_is_retried_even_for_create_media(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    first = serve()
    fake = first.fake
    amnimo = connect(first, max_retries=50)
    sub = first.subscription_ids[0]
    before = len(fake.world.media(sub))
    await amnimo.accounts.hierarchy(first.account_id)  # token held, connection pooled
    port = first.port
    first.stop()  # nothing listens on the port now: connections are refused
    call = asyncio.create_task(create_clip(amnimo, first, clock))

    async def refused_twice() -> None:
        while amnimo.transport.stats.retries < 2:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(refused_twice(), timeout=5)
    assert not call.done()
    with fake.serve(port=port):
        media = await asyncio.wait_for(call, timeout=5)
    assert fake.world.find_media(sub, media.id) is not None
    assert len(fake.world.media(sub)) == before + 1
    assert fake.journal.count(route="createMedia") == 1
    assert fake.journal.token_calls == 1
    assert amnimo.transport.stats.retries >= 2
