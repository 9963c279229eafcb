"""Token expiry mid-run, and the typed errors of a real server (404, 403, 401)."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from amnimo_async import (
    AsyncAmnimo,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from amnimo_async.testing import Fault, ManualClock

from .conftest import Connect, Serve

UNKNOWN = str(uuid.UUID(int=0xABCDEF))


async def test_tokens_expired_by_the_server_between_calls_are_refreshed_once(
    serve: Serve, connect: Connect
) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    camera_id = server.world.camera_id(sub, 0)
    first = await amnimo.cameras.get(sub, camera_id)
    server.expire_all_tokens()
    # The server now answers 403 "Token expired" to the token the client holds.
    second = await amnimo.cameras.get(sub, camera_id)
    assert second == first
    third = await amnimo.cameras.list(sub)
    assert third.total == 20
    journal = server.journal
    assert journal.token_calls == 2
    assert journal.tokens_issued == 2
    assert journal.count(route="getCamera", status=403) == 1
    assert journal.count(route="getCamera", status=200) == 2
    assert journal.count(route="listCameras", status=200) == 1
    assert amnimo.transport.stats.refreshes == 1


async def test_token_lifetime_runs_out_on_a_shared_manual_clock(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve(token_lifetime=600)
    amnimo = connect(server)
    amnimo.transport.tokens.clock = clock
    sub = server.subscription_ids[0]
    before = [c.id for c in (await amnimo.cameras.list(sub)).cameras]
    clock.advance(300)
    await amnimo.cameras.list(sub)  # still the first token
    assert server.journal.token_calls == 1
    clock.advance(301)  # past the server's expiry
    # Many callers at once: a single refresh serves them all, none is lost.
    pages = await asyncio.gather(*(amnimo.cameras.list(sub, page=0, size=500) for _ in range(12)))
    assert all([c.id for c in page.cameras] == before for page in pages)
    journal = server.journal
    assert journal.token_calls == 2
    assert journal.count(status=403) == 0  # the client saw the expiry coming
    assert journal.count(route="listCameras", status=200) == 14


async def test_token_expiring_while_the_request_is_in_flight(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve(token_lifetime=600)
    amnimo = connect(server)
    amnimo.transport.tokens.clock = clock
    sub = server.subscription_ids[0]
    camera_id = server.world.camera_id(sub, 0)
    await amnimo.accounts.hierarchy(server.account_id)
    server.faults.add(Fault(route="getCamera", kind="latency", latency=0.2, times=1))
    call = asyncio.create_task(amnimo.cameras.get(sub, camera_id))
    while server.journal.in_flight == 0:  # the request reached the server and waits there
        await asyncio.sleep(0.005)
    clock.advance(601)
    camera = await call
    assert camera.id == camera_id
    journal = server.journal
    assert journal.token_calls == 2
    assert journal.count(route="getCamera", status=403) == 1
    assert journal.count(route="getCamera", status=200) == 1
    assert amnimo.transport.stats.refreshes == 1


async def test_unknown_ids_are_not_found(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    camera_id = server.world.camera_id(sub, 0)
    with pytest.raises(NotFoundError) as info:
        await amnimo.cameras.get(sub, UNKNOWN)
    assert info.value.status_code == 404
    assert info.value.message == "Camera not found"
    assert UNKNOWN in info.value.url
    with pytest.raises(NotFoundError):
        await amnimo.cameras.list(UNKNOWN)
    with pytest.raises(NotFoundError):
        await amnimo.media.get(sub, "no-such-media")
    with pytest.raises(NotFoundError):
        await amnimo.devices.peripherals(sub, UNKNOWN)
    with pytest.raises(NotFoundError):
        await amnimo.devices.operate_port(sub, server.world.device_id(sub, 0), "POE99", action=0)
    with pytest.raises(NotFoundError):
        await amnimo.streams.update_hls(sub, camera_id, "no-such-request")
    with pytest.raises(NotFoundError):
        await amnimo.accounts.hierarchy(UNKNOWN)
    assert server.journal.count(status=404) == 7
    assert len(server.journal) == 8  # one token call, each 404 once (no retries)
    assert amnimo.transport.stats.retries == 0


async def test_foreign_subscription_is_permission_denied_without_a_token_call(
    serve: Serve, connect: Connect
) -> None:
    server = serve()
    amnimo = connect(server)
    foreign = server.world.foreign_subscription_id
    await amnimo.cameras.list(server.subscription_ids[0])
    with pytest.raises(PermissionDeniedError) as info:
        await amnimo.cameras.list(foreign)
    assert info.value.status_code == 403
    assert info.value.message == "Forbidden"
    with pytest.raises(PermissionDeniedError):
        await amnimo.media.search(foreign)
    with pytest.raises(PermissionDeniedError):
        await amnimo.accounts.hierarchy(server.world.foreign_account_id)
    journal = server.journal
    assert journal.token_calls == 1
    assert journal.count(status=403) == 3
    assert amnimo.transport.stats.refreshes == 0
    assert amnimo.transport.stats.retries == 0


async def test_foreign_subscription_as_the_first_call_costs_one_token_call(
    serve: Serve, connect: Connect
) -> None:
    server = serve()
    amnimo = connect(server)
    with pytest.raises(PermissionDeniedError):
        await amnimo.devices.list_external(server.world.foreign_subscription_id)
    assert server.journal.token_calls == 1
    assert len(server.journal) == 2


@pytest.mark.parametrize("which", ["secret", "client_id"])
async def test_wrong_credentials_are_an_authentication_error(serve: Serve, which: str) -> None:
    server = serve()
    client_id = server.client_id if which == "secret" else "unknown-client"
    secret_key = "wrong-secret" if which == "secret" else server.secret_key
    async with AsyncAmnimo(client_id, secret_key, base_url=server.base_url, rate=None) as amnimo:
        with pytest.raises(AuthenticationError) as info:
            await amnimo.cameras.list(server.subscription_ids[0])
        assert info.value.status_code == 401
        assert "wrong-secret" not in str(info.value)
        assert server.secret_key not in str(info.value)
        assert "wrong-secret" not in repr(amnimo)
    journal = server.journal
    assert journal.token_calls == 1  # refused credentials are not retried
    assert journal.tokens_issued == 0
    assert journal.count(route="listCameras") == 0


async def test_invalid_arguments_send_nothing(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    camera_id = server.world.camera_id(sub, 0)
    with pytest.raises(ValidationError):
        await amnimo.cameras.get("not-a-uuid", camera_id)
    with pytest.raises(ValidationError):
        await amnimo.media.search(sub, page_size=1001)
    with pytest.raises(ValidationError):
        await amnimo.streams.start_hls(sub, camera_id, dt="yesterday")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        await amnimo.devices.operate_port(sub, server.world.device_id(sub, 0), "POE0", action=2)
    assert len(server.journal) == 0
