"""Injected faults over real sockets: idempotent calls are retried to success, non-idempotent
ones (createMedia, operatePort) fail with a typed error after exactly one request, except for
failures that prove nothing reached the server (connection refused) and 429."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from amnimo_async import (
    APIConnectionError,
    APITimeoutError,
    AsyncAmnimo,
    PortAction,
    ResponseValidationError,
    ServerError,
)
from amnimo_async.testing import FakeServer, Fault, ManualClock

from .conftest import Connect, Serve, assert_camera, at, settled

RETRIED_ON_GET: list[tuple[str, dict[str, Any]]] = [
    ("status 500", {"kind": "status", "status": 500}),
    ("status 502", {"kind": "status", "status": 502}),
    ("status 503", {"kind": "status", "status": 503}),
    ("status 504", {"kind": "status", "status": 504}),
    ("rate_limit", {"kind": "rate_limit"}),
    ("reset", {"kind": "reset"}),
    ("reset_mid_body", {"kind": "reset_mid_body"}),
    ("truncate", {"kind": "truncate"}),
    ("malformed", {"kind": "malformed"}),
    ("malformed text/html", {"kind": "malformed", "body": b"<html>oops</html>", "content_type": "text/html"}),
]


@pytest.mark.parametrize(("name", "fault"), RETRIED_ON_GET, ids=[name for name, _ in RETRIED_ON_GET])
async def test_get_is_retried_to_success(
    serve: Serve, connect: Connect, name: str, fault: dict[str, Any]
) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    camera_id = server.world.camera_id(sub, 2)
    armed = server.faults.add(Fault(route="getCamera", times=1, **fault))
    camera = await amnimo.cameras.get(sub, camera_id)
    assert_camera(camera, server.world.camera(sub, 2))
    assert server.faults.fired(armed) == 1
    await settled(server)
    entries = [e for e in server.journal.entries if e.route == "getCamera"]
    assert len(entries) == 2  # the failed attempt and its retry
    assert entries[0].fault == fault["kind"]
    assert entries[1].fault is None
    assert entries[1].status == 200
    stats = amnimo.transport.stats
    assert stats.retries == 1
    assert stats.throttled == (1 if fault["kind"] == "rate_limit" else 0)
    assert server.journal.token_calls == 1


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


async def test_token_call_is_retried_through_faults(serve: Serve, connect: Connect) -> None:
    server = serve()
    server.faults.add(
        Fault(route="issueToken", kind="status", status=503, schedule=[1]),
        Fault(route="issueToken", kind="reset", schedule=[2]),
    )
    amnimo = connect(server)
    root = await amnimo.accounts.hierarchy(server.account_id)
    assert root.subscription_ids() == server.subscription_ids
    await settled(server)
    assert server.journal.token_calls == 3
    assert server.journal.tokens_issued == 1


async def test_slow_body_trips_the_read_timeout_and_is_retried(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server, timeout=httpx.Timeout(0.5))
    sub = server.subscription_ids[0]
    camera_id = server.world.camera_id(sub, 0)
    await amnimo.accounts.hierarchy(server.account_id)  # token first: only getCamera is slow
    server.faults.add(Fault(route="getCamera", kind="slow_body", chunk_delay=0.8, times=1))
    camera = await amnimo.cameras.get(sub, camera_id)
    assert camera.id == camera_id
    await settled(server)  # the fake journals the abandoned answer when it notices
    entries = [e for e in server.journal.entries if e.route == "getCamera"]
    assert sorted(str(e.fault) for e in entries) == ["None", "slow_body"]
    assert amnimo.transport.stats.retries == 1


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


async def test_idempotent_post_put_and_delete_are_retried(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    camera_id = server.world.camera_id(sub, 0)
    server.faults.add(
        Fault(route="searchSubscriptionMedia", kind="status", status=503, times=1),
        Fault(route="searchCameraMedia", kind="reset", times=1),
        Fault(route="renameMedia", kind="status", status=502, processed=True, times=1),
        Fault(route="deleteMedia", kind="status", status=500, times=1),
    )
    found = await amnimo.media.search(sub, page_size=10)
    assert [m.id for m in found] == [m["id"] for m in server.world.media(sub)[:10]]
    of_camera = await amnimo.media.search(sub, camera_id, page_size=10)
    assert [m.id for m in of_camera] == [m["id"] for m in server.world.media(sub, camera_id=camera_id)[:10]]
    renamed = await amnimo.media.rename(sub, found[0].id, "twice is fine")
    assert renamed.name == "twice is fine"
    await amnimo.media.delete(sub, found[1].id)
    assert server.world.find_media(sub, found[1].id) is None
    await settled(server)
    for route in ("searchSubscriptionMedia", "searchCameraMedia", "renameMedia", "deleteMedia"):
        assert server.journal.count(route=route) == 2, route
    assert amnimo.transport.stats.retries == 4


# --- non-idempotent operations ------------------------------------------------------------


async def _create_clip(amnimo: AsyncAmnimo, server: FakeServer, clock: ManualClock) -> Any:
    sub = server.subscription_ids[0]
    return await amnimo.media.create(
        sub,
        server.world.camera_id(sub, 0),
        category="CLIP",
        start_time=at(clock() - 600),
        end_time=at(clock() - 560),
    )


NOT_REPEATED: list[tuple[str, dict[str, Any], type[Exception]]] = [
    ("status 500", {"kind": "status", "status": 500}, ServerError),
    ("status 502", {"kind": "status", "status": 502}, ServerError),
    ("status 503", {"kind": "status", "status": 503}, ServerError),
    ("status 504", {"kind": "status", "status": 504}, ServerError),
    ("status 500 processed", {"kind": "status", "status": 500, "processed": True}, ServerError),
    ("reset", {"kind": "reset"}, APIConnectionError),
    ("reset processed", {"kind": "reset", "processed": True}, APIConnectionError),
    ("reset_mid_body", {"kind": "reset_mid_body"}, APIConnectionError),
    ("truncate", {"kind": "truncate"}, ResponseValidationError),
    ("malformed processed", {"kind": "malformed", "processed": True}, ResponseValidationError),
]


@pytest.mark.parametrize(("name", "fault", "error"), NOT_REPEATED, ids=[name for name, _, _ in NOT_REPEATED])
async def test_create_media_is_never_repeated(
    serve: Serve,
    connect: Connect,
    clock: ManualClock,
    name: str,
    fault: dict[str, Any],
    error: type[Exception],
) -> None:
    server = serve()
    amnimo = connect(server, max_retries=5)
    sub = server.subscription_ids[0]
    before = len(server.world.media(sub))
    await amnimo.accounts.hierarchy(server.account_id)
    server.faults.add(Fault(route="createMedia", times=1, **fault))
    with pytest.raises(error) as info:
        await _create_clip(amnimo, server, clock)
    if isinstance(info.value, ServerError):
        assert info.value.status_code == fault["status"]
    await settled(server)
    assert server.journal.count(route="createMedia") == 1
    assert amnimo.transport.stats.retries == 0
    reached = fault.get("processed", False) or fault["kind"] in ("reset_mid_body", "truncate")
    assert len(server.world.media(sub)) == before + (1 if reached else 0)  # never a duplicate


@pytest.mark.parametrize(("name", "fault", "error"), NOT_REPEATED, ids=[name for name, _, _ in NOT_REPEATED])
async def test_operate_port_is_never_repeated(
    serve: Serve, connect: Connect, name: str, fault: dict[str, Any], error: type[Exception]
) -> None:
    server = serve()
    amnimo = connect(server, max_retries=5)
    sub = server.subscription_ids[0]
    device_id = server.world.device_id(sub, 0)
    await amnimo.devices.peripherals(sub, device_id)
    server.faults.add(Fault(route="operatePort", times=1, **fault))
    with pytest.raises(error):
        await amnimo.devices.operate_port(sub, device_id, "POE0", action=PortAction.DISABLE)
    await settled(server)
    assert server.journal.count(route="operatePort") == 1
    assert amnimo.transport.stats.retries == 0
    reached = fault.get("processed", False) or fault["kind"] in ("reset_mid_body", "truncate")
    if reached:
        assert server.world.peripherals(sub, 0)[0]["actStatus"] == "DISABLED"


async def test_non_idempotent_slow_body_times_out_once(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server, timeout=httpx.Timeout(0.5))
    sub = server.subscription_ids[0]
    device_id = server.world.device_id(sub, 1)
    await amnimo.devices.peripherals(sub, device_id)
    # operatePort answers "{}": with 1-byte chunks the client waits for the first one
    server.faults.add(Fault(route="operatePort", kind="slow_body", chunk_size=1, chunk_delay=0.8, times=1))
    with pytest.raises(APITimeoutError):
        await amnimo.devices.operate_port(sub, device_id, "POE1", action=PortAction.ENABLE)
    await settled(server)
    assert server.journal.count(route="operatePort") == 1
    assert amnimo.transport.stats.retries == 0


async def test_429_on_non_idempotent_calls_is_retried(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    device_id = server.world.device_id(sub, 0)
    before = len(server.world.media(sub))
    server.faults.add(
        Fault(route="createMedia", kind="rate_limit", times=2),
        Fault(route="operatePort", kind="rate_limit", times=1),
    )
    media = await _create_clip(amnimo, server, clock)
    assert server.world.find_media(sub, media.id) is not None
    assert len(server.world.media(sub)) == before + 1
    assert [e.status for e in server.journal.entries if e.route == "createMedia"] == [429, 429, 200]
    await amnimo.devices.operate_port(sub, device_id, "POE2", action=PortAction.DISABLE)
    assert [e.status for e in server.journal.entries if e.route == "operatePort"] == [429, 200]
    assert server.world.peripherals(sub, 0)[2]["actStatus"] == "DISABLED"
    assert amnimo.transport.stats.throttled == 3


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
    call = asyncio.create_task(_create_clip(amnimo, first, clock))

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
