"""``amnimo devices ...``: external devices, peripherals (ports), port operations and resets."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer

from amnimo_async import AsyncAmnimo, PortAction

from ._options import Format, FormatOption, OutputOption, ShowFormat, ShowOption
from ._output import emit, jsonable, show
from ._runtime import call

__all__ = ["app"]

app = typer.Typer(
    name="devices",
    help="Edge devices: external devices, peripherals, ports (reset-port).",
    no_args_is_help=True,
)


class PortActionName(str, enum.Enum):
    disable = "disable"
    enable = "enable"
    reset = "reset"


@app.command("external")
def external(
    ctx: typer.Context,
    subscription_id: str,
    device_id: Annotated[str | None, typer.Argument(help="One device (else every device).")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """External devices seen by the edge devices of a subscription (or of one device)."""

    async def action(amnimo: AsyncAmnimo) -> list[dict[str, Any]]:
        if device_id is not None:
            found = await amnimo.devices.external(subscription_id, device_id)
            return [{"deviceId": device_id, **jsonable(ext)} for ext in found.data]
        rows: list[dict[str, Any]] = []
        async for device in amnimo.devices.iter_external(subscription_id):
            for ext in device.external_devices:
                rows.append({"deviceId": device.id, "deviceName": device.device_name, **jsonable(ext)})
        return rows

    emit(call(ctx, action), fmt.value, output=output)


@app.command("peripherals")
def peripherals(
    ctx: typer.Context, subscription_id: str, device_id: str, fmt: FormatOption = Format.table
) -> None:
    """Ports of a device."""
    emit(call(ctx, lambda amnimo: amnimo.devices.peripherals(subscription_id, device_id)).data, fmt.value)


@app.command("port")
def port(
    ctx: typer.Context,
    subscription_id: str,
    device_id: str,
    port_id: str,
    action: Annotated[PortActionName, typer.Option(help="What to do with the port.")],
    reset_timer: Annotated[int | None, typer.Option(help="Seconds (reset only).")] = None,
    fmt: ShowOption = ShowFormat.table,
) -> None:
    """Enable, disable or reset a port."""
    code = int(PortAction[action.value.upper()])
    result = call(
        ctx,
        lambda amnimo: amnimo.devices.operate_port(
            subscription_id, device_id, port_id, action=code, reset_timer=reset_timer
        ),
    )
    show(result, fmt.value, "port")


@app.command("reset-port")
def reset_port(
    ctx: typer.Context,
    subscription_id: str,
    device_id: str,
    port_id: str,
    seconds: Annotated[int, typer.Option(min=1, help="Seconds the port stays off.")] = 10,
    wait: Annotated[bool, typer.Option("--wait", help="Wait until the port is back (ENABLED).")] = False,
    wait_timeout: Annotated[
        float | None,
        typer.Option("--wait-timeout", min=1.0, help="Give up waiting after SECONDS [the timer + 120 s]."),
    ] = None,
    fmt: ShowOption = ShowFormat.table,
) -> None:
    """Power-cycle a port: off now, back after --seconds (the reset is sent once, never repeated).
    With --wait, show the port once it is ENABLED again."""
    port = call(
        ctx,
        lambda amnimo: amnimo.devices.reset_port(
            subscription_id, device_id, port_id, seconds=seconds, wait=wait, timeout=wait_timeout
        ),
    )
    if port is None:
        typer.echo(f"reset port {port_id} of device {device_id}: back in {seconds} s", err=True)
    else:
        show(port, fmt.value, "port")
