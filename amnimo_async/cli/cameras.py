"""``amnimo cameras ...``: list, get, thumbnails, recording history."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from amnimo_async import AsyncAmnimo

from ._options import (
    CountOption,
    Format,
    FormatOption,
    OutputOption,
    PageOption,
    ShowFormat,
    ShowOption,
    optional_time,
    time_option,
)
from ._output import emit, show
from ._runtime import call

__all__ = ["app"]

app = typer.Typer(
    name="cameras", help="Cameras: list, get, thumbnails, recording history.", no_args_is_help=True
)

COLUMNS = ("id", "displayName", "status", "recordingStatus", "pid", "deviceVersion")


@app.command("list")
def list_cameras(
    ctx: typer.Context,
    subscription_id: str,
    all_pages: Annotated[bool, typer.Option("--all", help="Every camera (all pages).")] = False,
    page: PageOption = 0,
    size: CountOption = 500,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Cameras of SUBSCRIPTION_ID (one page, or --all)."""

    async def action(amnimo: AsyncAmnimo) -> list[Any]:
        if all_pages:
            return [camera async for camera in amnimo.cameras.iter(subscription_id, size=size)]
        return list((await amnimo.cameras.list(subscription_id, page=page, size=size)).cameras)

    emit(call(ctx, action), fmt.value, columns=COLUMNS, output=output)


@app.command("get")
def get_camera(
    ctx: typer.Context, subscription_id: str, camera_id: str, fmt: ShowOption = ShowFormat.table
) -> None:
    """One camera."""
    show(call(ctx, lambda amnimo: amnimo.cameras.get(subscription_id, camera_id)), fmt.value, "camera")


@app.command("thumbnails")
def thumbnails(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    start: Annotated[str | None, typer.Option(help="ISO time, 'now' or e.g. '-2h'.")] = None,
    end: Annotated[str | None, typer.Option(help="ISO time, 'now' or e.g. '-1h'.")] = None,
    limit: CountOption = 10,
    fmt: FormatOption = Format.table,
) -> None:
    """Thumbnails of a camera (presigned URLs)."""
    start_time, end_time = optional_time(ctx, "start", start), optional_time(ctx, "end", end)
    found = call(
        ctx,
        lambda amnimo: amnimo.cameras.thumbnails(
            subscription_id, camera_id, start_time=start_time, end_time=end_time, limit=limit
        ),
    )
    emit(found.thumbnails, fmt.value, columns=("ts", "code", "url"))


@app.command("history")
def history(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    start: Annotated[str, typer.Option(help="ISO time, 'now' or e.g. '-1d'.")] = "-1d",
    end: Annotated[str, typer.Option(help="ISO time, 'now' or e.g. '-1h'.")] = "now",
    fmt: FormatOption = Format.table,
) -> None:
    """Cloud-recording spans of a camera."""
    start_time, end_time = time_option(ctx, "start", start), time_option(ctx, "end", end)
    spans = call(
        ctx,
        lambda amnimo: amnimo.cameras.history(
            subscription_id, camera_id, start_time=start_time, end_time=end_time
        ),
    )
    rows = [{"start": span.start.isoformat(), "seconds": span.duration.total_seconds()} for span in spans]
    emit(rows, fmt.value, columns=("start", "seconds"))
