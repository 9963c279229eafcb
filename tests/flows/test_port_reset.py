"""devices.reset_port: the reset action with its timer, and waiting (bounded, gently) for the port."""

from __future__ import annotations

import pytest

from amnimo_async import ActivationStatus, NotFoundError, PortResetTimeoutError, ValidationError
from amnimo_async.testing import FakeServer, ManualClock

from ..integration.conftest import Connect, Serve
from .conftest import on_virtual_time


def device_of(server: FakeServer) -> tuple[str, str]:
    sub = server.subscription_ids[2]
    return sub, server.world.device_id(sub, 1)


def port_status(server: FakeServer, port: str) -> str:
    sub = server.subscription_ids[2]
    return next(p["actStatus"] for p in server.world.peripherals(sub, 1) if p["id"] == port)


async def test_reset_without_waiting_sends_the_timer(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    amnimo = connect(server)
    sub, device = device_of(server)

    assert await amnimo.devices.reset_port(sub, device, "POE1", seconds=25) is None

    assert server.journal.count(route="operatePort", status=200) == 1
    assert server.journal.count(route="listPeripherals") == 0
    # Off for exactly the 25 seconds asked for, then back.
    assert port_status(server, "POE1") == "DISABLED"
    clock.advance(24)
    assert port_status(server, "POE1") == "DISABLED"
    clock.advance(1)
    assert port_status(server, "POE1") == "ENABLED"


async def test_waiting_polls_from_the_end_of_the_timer(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    server.world.port_boot_delay = 5.0  # ENABLING for 5 s after the timer
    amnimo, time = on_virtual_time(connect, server, clock)
    sub, device = device_of(server)

    port = await amnimo.devices.reset_port(sub, device, "POE2", seconds=10, wait=True)

    assert port is not None
    assert (port.id, port.act_status) == ("POE2", ActivationStatus.ENABLED)
    # Asked at 10 s (ENABLING), 11, 13 (still ENABLING) and 17 s (back since 15).
    assert time.sleeps == [10, 1, 2, 4]
    assert server.journal.count(route="listPeripherals") == 4
    assert server.journal.count(route="operatePort") == 1


async def test_a_port_that_is_back_at_the_end_of_its_timer_costs_one_poll(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    amnimo, time = on_virtual_time(connect, server, clock)
    sub, device = device_of(server)

    port = await amnimo.devices.reset_port(sub, device, "POE0", seconds=30, wait=True)

    assert port is not None
    assert port.act_status == ActivationStatus.ENABLED
    assert time.sleeps == [30]
    assert server.journal.count(route="listPeripherals") == 1


async def test_a_port_that_does_not_come_back_times_out(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    server.world.port_boot_delay = 1000.0
    amnimo, time = on_virtual_time(connect, server, clock)
    sub, device = device_of(server)

    with pytest.raises(PortResetTimeoutError) as info:
        await amnimo.devices.reset_port(sub, device, "POE3", seconds=10, wait=True, timeout=60)

    # Polled at 10, 11, 13, 17, 25, 35, 45, 55 and at the deadline, 60 s.
    assert time.sleeps == [10, 1, 2, 4, 8, 10, 10, 10, 5]
    assert server.journal.count(route="listPeripherals") == 9
    error = info.value
    assert (error.device_id, error.port_id, error.status, error.polls) == (device, "POE3", "ENABLING", 9)
    assert "POE3" in str(error)
    assert device in str(error)
    assert "ENABLING" in str(error)


async def test_default_bound_is_the_timer_plus_two_minutes(
    serve: Serve, connect: Connect, clock: ManualClock
) -> None:
    server = serve()
    server.world.port_boot_delay = 1000.0
    amnimo, time = on_virtual_time(connect, server, clock)
    sub, device = device_of(server)
    with pytest.raises(PortResetTimeoutError):
        await amnimo.devices.reset_port(sub, device, "POE3", seconds=10, wait=True)
    assert sum(time.sleeps) == 130


async def test_bad_arguments_and_unknown_ports(serve: Serve, connect: Connect) -> None:
    server = serve()
    amnimo = connect(server)
    sub, device = device_of(server)
    with pytest.raises(ValidationError, match="seconds"):
        await amnimo.devices.reset_port(sub, device, "POE0", seconds=0)
    with pytest.raises(ValidationError, match="seconds"):
        await amnimo.devices.reset_port(sub, device, "POE0", seconds=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="wait"):
        await amnimo.devices.reset_port(sub, device, "POE0", wait="yes")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="timeout"):
        await amnimo.devices.reset_port(sub, device, "POE0", wait=True, timeout=-5)
    with pytest.raises(ValidationError, match="device_id"):
        await amnimo.devices.reset_port(sub, "gateway-1", "POE0")
    assert len(server.journal) == 0
    with pytest.raises(NotFoundError):
        await amnimo.devices.reset_port(sub, device, "POE9", wait=True)
    assert server.journal.count(route="listPeripherals") == 0
