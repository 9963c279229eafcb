"""``amnimo cameras ...``: list, get, thumbnails, recording history and its gaps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

import typer

from amnimo_async import AsyncAmnimo, Gap

from ._options import (
    CountOption,
    Format,
    FormatOption,
    OutputOption,
    PageOption,
    ShowFormat,
    ShowOption,
    optional_time,
    time_window,
)
from ._output import emit, show
from ._runtime import call

__all__ = ["app"]

app = typer.Typer(
    name="cameras", help="Cameras: list, get, thumbnails, recording history and gaps.", no_args_is_help=True
)

COLUMNS = ("id", "displayName", "status", "recordingStatus", "pid", "deviceVersion")

# history and gaps look at the same window by default: the last day, up to now.
WindowStart = Annotated[str, typer.Option(help="ISO time, 'now' or e.g. '-1d'.")]
WindowEnd = Annotated[str, typer.Option(help="ISO time, 'now' or e.g. '-1h'.")]


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
    start: WindowStart = "-1d",
    end: WindowEnd = "now",
    fmt: FormatOption = Format.table,
) -> None:
    """Cloud-recording spans of a camera."""
    start_time, end_time = time_window(ctx, start, end)
    spans = call(
        ctx,
        lambda amnimo: amnimo.cameras.history(
            subscription_id, camera_id, start_time=start_time, end_time=end_time
        ),
    )
    rows = [{"start": span.start.isoformat(), "seconds": span.duration.total_seconds()} for span in spans]
    emit(rows, fmt.value, columns=("start", "seconds"))


RECORDED, PARTLY, MISSING = "█", "▒", "·"


@app.command("gaps")
def gaps(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    start: WindowStart = "-1d",
    end: WindowEnd = "now",
    width: Annotated[int, typer.Option(min=10, max=400, help="Characters of the timeline.")] = 60,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Stretches without cloud recording: a one-line timeline (█ recorded, ▒ partly, · missing),
    then the table of gaps."""
    start_time, end_time = time_window(ctx, start, end)
    found = call(
        ctx,
        lambda amnimo: amnimo.cameras.recording_gaps(
            subscription_id, camera_id, start_time=start_time, end_time=end_time
        ),
    )
    rows = [
        {"start": gap.start.isoformat(), "end": gap.end.isoformat(), "seconds": gap.duration.total_seconds()}
        for gap in found
    ]
    window = (end_time - start_time).total_seconds()
    if fmt is Format.table and output is None and window > 0:
        missing = sum(gap.duration.total_seconds() for gap in found)
        line = timeline(found, start_time, end_time, width)
        first, last = start_time.astimezone(timezone.utc), end_time.astimezone(timezone.utc)
        typer.echo(f"{first:%Y-%m-%d %H:%M} {line} {last:%Y-%m-%d %H:%M} UTC")
        share = missing / window
        counted = f"{len(found)} gap{'' if len(found) == 1 else 's'}"
        typer.echo(f"{counted}: {missing:,.0f} s of {window:,.0f} s without recording ({share:.1%})")
    emit(rows, fmt.value, columns=("start", "end", "seconds"), output=output)


def timeline(found: Sequence[Gap], start: datetime, end: datetime, width: int) -> str:
    """``width`` characters, each a ``width``-th of the window: recorded, partly or wholly missing."""
    cell = (end - start) / width
    line = []
    for index in range(width):
        left, right = start + cell * index, start + cell * (index + 1)
        missing = sum(
            (
                min(gap.end, right) - max(gap.start, left)
                for gap in found
                if gap.start < right and gap.end > left
            ),
            timedelta(0),
        )
        # (a microsecond's tolerance: the cells' edges are rounded)
        line.append(
            MISSING if missing >= cell - timedelta(microseconds=width) else PARTLY if missing else RECORDED
        )
    return "".join(line)
