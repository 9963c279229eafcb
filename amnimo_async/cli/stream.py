"""``amnimo stream ...``: HLS live/playback sessions (start, keep alive, stop)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import typer

from ._options import ShowFormat, ShowOption, time_option
from ._output import show
from ._runtime import call

__all__ = ["app"]

app = typer.Typer(name="stream", help="HLS live/playback streams.", no_args_is_help=True)


@app.command("start")
def start(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    at: Annotated[str, typer.Option("--at", help="'live' or an ISO time to play back from.")] = "live",
    keep_alive: Annotated[int, typer.Option(help="Seconds the session lives without update.")] = 60,
    fmt: ShowOption = ShowFormat.table,
) -> None:
    """Start an HLS session; prints its request id and playlist URL."""
    dt: Literal["live"] | datetime = "live" if at == "live" else time_option(ctx, "at", at)
    session = call(
        ctx,
        lambda amnimo: amnimo.streams.start_hls(
            subscription_id, camera_id, dt=dt, keep_alive_period=keep_alive
        ),
    )
    show(session, fmt.value, "hls session")


@app.command("update")
def update(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    request_id: str,
    fmt: ShowOption = ShowFormat.table,
) -> None:
    """Keep an HLS session alive."""
    show(
        call(ctx, lambda amnimo: amnimo.streams.update_hls(subscription_id, camera_id, request_id)), fmt.value
    )


@app.command("stop")
def stop(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    request_id: str,
    fmt: ShowOption = ShowFormat.table,
) -> None:
    """Stop an HLS session."""
    show(call(ctx, lambda amnimo: amnimo.streams.stop_hls(subscription_id, camera_id, request_id)), fmt.value)
