"""``amnimo stream ...``: HLS live/playback sessions (start, keep alive, stop)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Literal

import typer

from amnimo_async import AsyncAmnimo

from ._options import ShowFormat, ShowOption, time_option
from ._output import show
from ._runtime import call

__all__ = ["app"]

app = typer.Typer(name="stream", help="HLS live/playback streams.", no_args_is_help=True)

SessionCall = Callable[[str, str, str], Awaitable[Any]]  # (subscription_id, camera_id, request_id)


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


def _session_command(name: str, summary: str, operation: Callable[[AsyncAmnimo], SessionCall]) -> None:
    """Register ``amnimo stream NAME SUBSCRIPTION_ID CAMERA_ID REQUEST_ID``: ``operation`` on a
    running session (the two such commands differ only by it)."""

    def command(
        ctx: typer.Context,
        subscription_id: str,
        camera_id: str,
        request_id: str,
        fmt: ShowOption = ShowFormat.table,
    ) -> None:
        show(call(ctx, lambda amnimo: operation(amnimo)(subscription_id, camera_id, request_id)), fmt.value)

    command.__doc__ = summary
    app.command(name)(command)


_session_command("update", "Keep an HLS session alive.", lambda amnimo: amnimo.streams.update_hls)
_session_command("stop", "Stop an HLS session.", lambda amnimo: amnimo.streams.stop_hls)
