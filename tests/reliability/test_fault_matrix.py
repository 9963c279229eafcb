"""The fault matrix: every fault kind × every kind of call, over loopback against the fake.

Each cell is one test and checks the promise the README's table ("What the SDK retries, and
when") makes for it: the call is retried to success, or it raises a typed error after exactly
one request when repeating it could do the work twice. Every cell also checks the server's state
(what was created, renamed, deleted or switched), so "succeeded" means the work was done once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import attrs
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

from ..integration.conftest import Connect, Serve, assert_camera, create_clip, settled

READ_TIMEOUT = 0.5
"""The client's timeout in every cell: a ``slow_body`` fault waits longer than this per chunk."""


@attrs.frozen
class Outcome:
    """What the server shows after the cell: how many requests of the route it answered."""

    requests: int
    state_changed: bool


@attrs.define
class Cell:
    """One kind of call, ready to be made against ``server``: ``call()`` makes it, ``check`` proves
    its result is right, ``changed()`` says whether the server's state shows the work done."""

    route: str
    call: Callable[[], Awaitable[Any]]
    check: Callable[[Any], None]
    changed: Callable[[], bool]


def _get(server: FakeServer, amnimo: AsyncAmnimo, clock: ManualClock) -> Cell:
    sub = server.subscription_ids[0]
    camera_id = server.world.camera_id(sub, 2)
    return Cell(
        "getCamera",
        lambda: amnimo.cameras.get(sub, camera_id),
        lambda camera: assert_camera(camera, server.world.camera(sub, 2)),
        lambda: False,
    )


def _search_subscription(server: FakeServer, amnimo: AsyncAmnimo, clock: ManualClock) -> Cell:
    sub = server.subscription_ids[0]
    expected = [m["id"] for m in server.world.media(sub)[:10]]

    def check(found: Any) -> None:
        assert [m.id for m in found] == expected

    return Cell(
        "searchSubscriptionMedia", lambda: amnimo.media.search(sub, page_size=10), check, lambda: False
    )


def _search_camera(server: FakeServer, amnimo: AsyncAmnimo, clock: ManualClock) -> Cell:
    sub = server.subscription_ids[0]
    camera_id = server.world.camera_id(sub, 0)
    expected = [m["id"] for m in server.world.media(sub, camera_id=camera_id)[:10]]

    def check(found: Any) -> None:
        assert expected
        assert [m.id for m in found] == expected

    return Cell(
        "searchCameraMedia", lambda: amnimo.media.search(sub, camera_id, page_size=10), check, lambda: False
    )


def _rename(server: FakeServer, amnimo: AsyncAmnimo, clock: ManualClock) -> Cell:
    sub = server.subscription_ids[0]
    media_id = server.world.media(sub)[0]["id"]

    def check(renamed: Any) -> None:
        assert renamed.id == media_id
        assert renamed.name == "renamed once or twice, same result"

    return Cell(
        "renameMedia",
        lambda: amnimo.media.rename(sub, media_id, "renamed once or twice, same result"),
        check,
        lambda: server.world.find_media(sub, media_id).name == "renamed once or twice, same result",
    )


def _delete(server: FakeServer, amnimo: AsyncAmnimo, clock: ManualClock) -> Cell:
    sub = server.subscription_ids[0]
    media_id = server.world.media(sub)[1]["id"]

    def check(result: Any) -> None:
        assert result is None

    return Cell(
        "deleteMedia",
        lambda: amnimo.media.delete(sub, media_id),
        check,
        lambda: server.world.find_media(sub, media_id) is None,
    )


def _create(server: FakeServer, amnimo: AsyncAmnimo, clock: ManualClock) -> Cell:
    sub = server.subscription_ids[0]
    before = len(server.world.media(sub))

    def check(media: Any) -> None:
        assert server.world.find_media(sub, media.id) is not None

    def changed() -> bool:
        after = len(server.world.media(sub))
        assert after <= before + 1, "a media created twice"
        return after == before + 1

    return Cell(
        "createMedia",
        lambda: create_clip(amnimo, server, clock),
        check,
        changed,
    )


def _operate_port(server: FakeServer, amnimo: AsyncAmnimo, clock: ManualClock) -> Cell:
    sub = server.subscription_ids[0]
    device_id = server.world.device_id(sub, 0)
    number, port = next(
        (n, p)
        for n, p in enumerate(server.world.peripherals(sub, 0))
        if p["actStatus"] in ("ENABLED", "DISABLED")
    )
    wanted = "DISABLED" if port["actStatus"] == "ENABLED" else "ENABLED"
    action = PortAction.DISABLE if wanted == "DISABLED" else PortAction.ENABLE

    def changed() -> bool:
        return server.world.peripherals(sub, 0)[number]["actStatus"] == wanted

    def check(result: Any) -> None:
        assert changed()

    return Cell(
        "operatePort",
        lambda: amnimo.devices.operate_port(sub, device_id, port["id"], action=action),
        check,
        changed,
    )


CALLS: dict[str, Callable[[FakeServer, AsyncAmnimo, ManualClock], Cell]] = {
    "GET": _get,
    "search subscription media": _search_subscription,
    "search camera media": _search_camera,
    "PUT": _rename,
    "DELETE": _delete,
    "media create": _create,
    "port operation": _operate_port,
}
NOT_REPEATED = {"media create", "port operation"}
WRITES = {"PUT", "DELETE", "media create", "port operation"}

# The faults that may hit a request after it reached the server. ``processed`` makes the fake do
# the work and then lose the answer: the harder case for "nothing done twice".
SERVER_FAULTS: dict[str, tuple[dict[str, Any], type[Exception]]] = {
    "500": ({"kind": "status", "status": 500, "processed": True}, ServerError),
    "502": ({"kind": "status", "status": 502}, ServerError),
    "503": ({"kind": "status", "status": 503}, ServerError),
    "504": ({"kind": "status", "status": 504, "processed": True}, ServerError),
    "reset before the server acted": ({"kind": "reset"}, APIConnectionError),
    "reset before the answer": ({"kind": "reset", "processed": True}, APIConnectionError),
    "reset mid-body": ({"kind": "reset_mid_body"}, APIConnectionError),
    "truncated 200": ({"kind": "truncate"}, ResponseValidationError),
    "non-JSON 200": ({"kind": "malformed", "processed": True}, ResponseValidationError),
    "body slower than the read timeout": (
        {"kind": "slow_body", "chunk_size": 1, "chunk_delay": READ_TIMEOUT + 0.3},
        APITimeoutError,
    ),
}
# Faults that reach the server only after it acted: the fake always does the work for these.
ALWAYS_PROCESSED = {"reset_mid_body", "truncate", "slow_body"}
# A DELETE's answer (204) has no body, so a fault that breaks the body leaves the answer whole.
BODY_FAULTS = {"reset_mid_body", "truncate", "malformed", "slow_body"}


async def _open(
    serve: Serve, connect: Connect, clock: ManualClock, call: str, **options: Any
) -> tuple[FakeServer, AsyncAmnimo, Cell]:
    server = serve()
    amnimo = connect(server, **options)
    await amnimo.accounts.hierarchy(server.account_id)  # the token is held; faults hit only the call
    return server, amnimo, CALLS[call](server, amnimo, clock)


def _outcome(server: FakeServer, cell: Cell) -> Outcome:
    return Outcome(server.journal.count(route=cell.route), cell.changed())


@pytest.mark.parametrize("fault_name", list(SERVER_FAULTS))
@pytest.mark.parametrize("call", list(CALLS))
async def test_server_and_network_faults(
    serve: Serve, connect: Connect, clock: ManualClock, call: str, fault_name: str
) -> None:
    fault, error = SERVER_FAULTS[fault_name]
    # The short read timeout only where a slow body is the fault: elsewhere an honest answer
    # slowed by a busy machine must not count as one.
    options = {"timeout": httpx.Timeout(READ_TIMEOUT, connect=5.0)} if fault["kind"] == "slow_body" else {}
    server, amnimo, cell = await _open(serve, connect, clock, call, **options)
    armed = server.faults.add(Fault(route=cell.route, times=1, **fault))
    reached = fault.get("processed", False) or fault["kind"] in ALWAYS_PROCESSED

    if call in NOT_REPEATED:
        with pytest.raises(error) as info:
            await cell.call()
        if isinstance(info.value, ServerError):
            assert info.value.status_code == fault["status"]
        await settled(server)
        assert _outcome(server, cell) == Outcome(requests=1, state_changed=reached)
        assert amnimo.transport.stats.retries == 0
    elif call == "DELETE" and fault["kind"] in BODY_FAULTS:
        cell.check(await cell.call())
        await settled(server)
        assert _outcome(server, cell) == Outcome(requests=1, state_changed=True)
        assert amnimo.transport.stats.retries == 0
    else:
        cell.check(await cell.call())
        await settled(server)
        # A PUT or DELETE the fake did before losing the answer is repeated harmlessly: the retried
        # DELETE's 404 means "already deleted" after an unanswered attempt.
        assert _outcome(server, cell) == Outcome(requests=2, state_changed=call in ("PUT", "DELETE"))
        assert amnimo.transport.stats.retries == 1
    assert server.faults.fired(armed) == 1
    assert server.journal.token_calls == 1


@pytest.mark.parametrize("call", list(CALLS))
async def test_429_storm(serve: Serve, connect: Connect, clock: ManualClock, call: str) -> None:
    """429 means the server refused before acting: every kind of call is retried through a storm."""
    server, amnimo, cell = await _open(serve, connect, clock, call)
    server.faults.add(Fault(route=cell.route, kind="rate_limit", times=4))
    cell.check(await cell.call())
    await settled(server)
    statuses = [e.status for e in server.journal.entries if e.route == cell.route]
    assert statuses[:4] == [429, 429, 429, 429]
    assert statuses[4:] == [204 if call == "DELETE" else 200]
    assert _outcome(server, cell).state_changed == (call in WRITES)
    stats = amnimo.transport.stats
    assert (stats.throttled, stats.retries) == (4, 4)


@pytest.mark.parametrize("call", list(CALLS))
async def test_token_expiring_before_the_call(
    serve: Serve, connect: Connect, clock: ManualClock, call: str
) -> None:
    """A 403 "token expired" is refused before acting: one token call, one retry, work done once,
    even though the client's own clock still thinks the token is fresh."""
    server, amnimo, cell = await _open(serve, connect, clock, call)
    server.fake.expire_all_tokens()
    cell.check(await cell.call())
    await settled(server)
    assert next(e.status for e in server.journal.entries if e.route == cell.route) == 403
    assert server.journal.count(route=cell.route) == 2
    assert _outcome(server, cell).state_changed == (call in WRITES)
    assert server.journal.token_calls == 2
    assert amnimo.transport.stats.refreshes == 1


@pytest.mark.parametrize("call", list(CALLS))
async def test_token_call_failing_transiently(
    serve: Serve, connect: Connect, clock: ManualClock, call: str
) -> None:
    """The token call fails twice (503, then a reset); it is retried, and the call made once."""
    server = serve()
    amnimo = connect(server)
    cell = CALLS[call](server, amnimo, clock)
    server.faults.add(
        Fault(route="issueToken", kind="status", status=503, schedule=[1]),
        Fault(route="issueToken", kind="reset", schedule=[2]),
    )
    cell.check(await cell.call())
    await settled(server)
    assert [e.status for e in server.journal.entries if e.route == "issueToken"] == [503, 0, 200]
    assert server.journal.tokens_issued == 1
    assert server.journal.count(route=cell.route) == 1
    assert _outcome(server, cell).state_changed == (call in WRITES)
