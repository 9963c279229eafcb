"""``devices.reset_port``: power-cycle a port with its timer, and optionally wait until it is back."""

from __future__ import annotations

from ._arguments import boolean, integer
from ._endpoint import ClientLike
from ._flow_errors import PortResetTimeoutError, status_text
from ._models import ActivationStatus, Peripheral, PortAction
from ._polling import Poller, positive_seconds
from .api.devices import list_peripherals, operate_port

WAIT_MARGIN = 120.0
"""Seconds a port may take to come back after its timer before ``wait=True`` gives up (a device
boots what the port feeds); ``timeout`` overrides the whole bound."""


async def reset_port(
    client: ClientLike,
    subscription_id: str,
    device_id: str,
    port_id: str,
    *,
    seconds: int = 10,
    wait: bool = False,
    timeout: float | None = None,
) -> Peripheral | None:
    """Power-cycle port ``port_id`` (e.g. "POE0") of an edge device: it goes off, and comes back
    after ``seconds`` (at least 1).

    The reset (``operatePort`` with action 2 and ``resetTimer``) is sent once: a port is never
    reset twice by a retry. Without ``wait`` it returns None once the reset is accepted. With
    ``wait=True`` the device's ports are polled from when the timer ends, backing off from 1 s
    to 10 s, until the port is ENABLED again, and that :class:`Peripheral` is returned; after
    ``timeout`` seconds (default: the timer plus two minutes) it raises
    :class:`PortResetTimeoutError` naming the port and its last status.
    :class:`ValidationError` for a bad argument, before anything is sent.

    ::

        port = await amnimo.devices.reset_port(sub, device_id, "POE0", seconds=10, wait=True)
    """
    seconds = integer("seconds", seconds, minimum=1)
    boolean("wait", wait)
    bound = positive_seconds("timeout", timeout, optional=True) or seconds + WAIT_MARGIN
    poll = list_peripherals.endpoint.build(subscription_id, device_id)  # checked before the reset
    await operate_port.asyncio(
        client, subscription_id, device_id, port_id, action=PortAction.RESET, reset_timer=seconds
    )
    if not wait:
        return None
    poller = Poller(bound, clock=client.transport.monotonic, sleep=client.transport.sleep)
    await poller.pause(seconds)  # before the timer ends the port is off: nothing to ask
    while True:
        ports = await list_peripherals.endpoint.send(client, poll)
        poller.polled()
        port = next((port for port in ports.data if port.id == port_id), None)
        if port is not None and port.act_status == ActivationStatus.ENABLED:
            return port
        if not await poller.pause():
            status = status_text(port.act_status) if port is not None else "absent"
            raise PortResetTimeoutError(
                device_id, port_id, status=status, waited=poller.elapsed, polls=poller.polls
            )
