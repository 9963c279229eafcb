"""``amnimo media ...``: search, get, create, rename, delete, download."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from amnimo_async import AsyncAmnimo

from ._download import download_file
from ._errors import ExitCode
from ._options import (
    CountOption,
    Format,
    FormatOption,
    OutputOption,
    PageOption,
    ShowFormat,
    ShowOption,
    comma_list,
    optional_time,
    time_option,
)
from ._output import emit, show
from ._runtime import call, progress_bars

__all__ = ["app"]

app = typer.Typer(name="media", help="Clips and snapshots.", no_args_is_help=True)

COLUMNS = ("id", "cameraId", "category", "type", "status", "name", "startTime", "endTime", "size")


@app.command("search")
def search(
    ctx: typer.Context,
    subscription_id: str,
    camera: Annotated[str | None, typer.Option("--camera", help="Only this camera's media.")] = None,
    category: Annotated[str | None, typer.Option(help="CLIP, SNAPSHOT or both comma-separated.")] = None,
    all_pages: Annotated[bool, typer.Option("--all", help="Every media (all pages).")] = False,
    page: PageOption = 0,
    size: CountOption = 1000,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Media of a subscription or camera."""
    categories = comma_list(category) if category else None

    async def action(amnimo: AsyncAmnimo) -> list[Any]:
        if all_pages:
            return [
                m
                async for m in amnimo.media.iter(
                    subscription_id, camera, categories=categories, page_size=size
                )
            ]
        return list(
            await amnimo.media.search(
                subscription_id, camera, categories=categories, page_number=page, page_size=size
            )
        )

    emit(call(ctx, action), fmt.value, columns=COLUMNS, output=output)


@app.command("get")
def get_media(
    ctx: typer.Context, subscription_id: str, media_id: str, fmt: ShowOption = ShowFormat.table
) -> None:
    """One media (with a presigned URL when it is COMPLETED)."""
    show(call(ctx, lambda amnimo: amnimo.media.get(subscription_id, media_id)), fmt.value, "media")


@app.command("create")
def create(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    category: Annotated[str, typer.Option(help="CLIP or SNAPSHOT.")] = "SNAPSHOT",
    start: Annotated[str, typer.Option(help="ISO time, 'now' or e.g. '-10m'.")] = "-1m",
    end: Annotated[str | None, typer.Option(help="End of a CLIP.")] = None,
    name: Annotated[str | None, typer.Option(help="Name (1..64 characters).")] = None,
    fmt: ShowOption = ShowFormat.table,
) -> None:
    """Cut a clip or take a snapshot (it starts PROCESSING)."""
    start_time, end_time = time_option(ctx, "start", start), optional_time(ctx, "end", end)
    media = call(
        ctx,
        lambda amnimo: amnimo.media.create(
            subscription_id, camera_id, category=category, start_time=start_time, end_time=end_time, name=name
        ),
    )
    show(media, fmt.value, "media")


@app.command("rename")
def rename(
    ctx: typer.Context, subscription_id: str, media_id: str, name: str, fmt: ShowOption = ShowFormat.table
) -> None:
    """Rename a media."""
    show(call(ctx, lambda amnimo: amnimo.media.rename(subscription_id, media_id, name)), fmt.value, "media")


@app.command("delete")
def delete(
    ctx: typer.Context,
    subscription_id: str,
    media_id: str,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Delete a media."""
    if not yes and not typer.confirm(f"delete media {media_id}?", err=True):
        raise typer.Exit(int(ExitCode.ERROR))
    call(ctx, lambda amnimo: amnimo.media.delete(subscription_id, media_id))
    typer.echo(f"deleted media {media_id}", err=True)


@app.command("download")
def download(
    ctx: typer.Context,
    subscription_id: str,
    media_id: str,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File [MEDIA_ID.mp4/.jpg].")] = None,
) -> None:
    """Download a COMPLETED media's file (streamed, with a progress bar on stderr)."""
    console, bars = progress_bars(ctx)

    async def action(amnimo: AsyncAmnimo) -> Path:
        media = await amnimo.media.get(subscription_id, media_id)
        return await download_file(media, output, console, bars)

    path = call(ctx, action)
    typer.echo(f"saved {path}", err=True)
