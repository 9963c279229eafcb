"""``amnimo stream ...``: HLS live/playback sessions (start, keep alive, stop; or ``live``: all
three, until Ctrl-C)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Literal

import typer

from amnimo_async import AsyncAmnimo, LiveSession

from ._options import ShowFormat, ShowOption, time_option
from ._output import show
from ._runtime import call, command_errors, run

__all__ = ["app"]

app = typer.Typer(
    name="stream", help="HLS live/playback streams (live: kept alive until Ctrl-C).", no_args_is_help=True
)

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


@app.command("live")
def live(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    dt: Annotated[
        str, typer.Option("--dt", "--at", help="'live' or an ISO time to play back from.")
    ] = "live",
    keep_alive: Annotated[
        int,
        typer.Option(
            "--keep-alive", help="Seconds the server keeps the session without an update (10..3600)."
        ),
    ] = 60,
) -> None:
    """Start an HLS session, print its playback URL and keep it alive (an update every half
    --keep-alive) until Ctrl-C, then stop it. If the session ends by itself, say why and exit
    with its error's code."""
    start: Literal["live"] | datetime = "live" if dt == "live" else time_option(ctx, "dt", dt)
    sessions: list[LiveSession] = []

    async def action(amnimo: AsyncAmnimo) -> None:
        async with amnimo.streams.live(
            subscription_id, camera_id, dt=start, keep_alive_period=keep_alive
        ) as session:
            sessions.append(session)
            if session.url:
                typer.echo(session.url)
            else:
                typer.echo(f"HLS session {session.request_id} started, without a playback URL", err=True)
            typer.echo(
                f"keeping HLS session {session.request_id} alive (an update every {keep_alive / 2:g} s); "
                "Ctrl-C stops it",
                err=True,
            )
            await session.wait()  # until Ctrl-C cancels it, or the session ends by itself

    with command_errors(ctx):
        try:
            run(ctx, action)
        except KeyboardInterrupt:
            if not sessions or not sessions[0].stopped:
                raise  # interrupted before the start, or the stop did not go through: code 130
        typer.echo(f"stopped HLS session {sessions[0].request_id}", err=True)


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
