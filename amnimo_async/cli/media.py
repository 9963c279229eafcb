"""``amnimo media ...``: search, watch, get, create, rename, delete, download, export."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from amnimo_async import AsyncAmnimo, Export

from ._download import transfer_bar
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
from ._output import emit, json_line, jsonable, show
from ._runtime import call, progress_bars

__all__ = ["app"]

app = typer.Typer(
    name="media",
    help="Clips and snapshots (export: create, wait and download in one go).",
    no_args_is_help=True,
)

COLUMNS = ("id", "cameraId", "category", "type", "status", "name", "startTime", "endTime", "size")

# create and export describe the media the same way (with their own defaults).
CategoryOption = Annotated[str, typer.Option(help="CLIP or SNAPSHOT.")]
StartOption = Annotated[str, typer.Option(help="ISO time, 'now' or e.g. '-10m'.")]
NameOption = Annotated[str | None, typer.Option(help="Name (1..64 characters).")]


@app.command("search")
def search(
    ctx: typer.Context,
    subscription_id: str,
    camera: Annotated[str | None, typer.Option("--camera", help="Only this camera's media.")] = None,
    category: Annotated[str | None, typer.Option(help="CLIP, SNAPSHOT or both comma-separated.")] = None,
    all_pages: Annotated[bool, typer.Option("--all", help="Every media (all pages).")] = False,
    page: PageOption = 0,
    size: CountOption = 1000,
    since: Annotated[
        str | None, typer.Option(help="Only media requested after this (ISO time or e.g. '-1h'); all pages.")
    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Media of a subscription or camera."""
    categories = comma_list(category) if category else None
    after = optional_time(ctx, "since", since)

    async def action(amnimo: AsyncAmnimo) -> list[Any]:
        if all_pages or after is not None:
            return [
                m
                async for m in amnimo.media.iter(
                    subscription_id, camera, categories=categories, page_size=size, since=after
                )
            ]
        return list(
            await amnimo.media.search(
                subscription_id, camera, categories=categories, page_number=page, page_size=size
            )
        )

    emit(call(ctx, action), fmt.value, columns=COLUMNS, output=output)


@app.command("watch")
def watch(
    ctx: typer.Context,
    subscription_id: str,
    camera: Annotated[str | None, typer.Option("--camera", help="Only this camera's media.")] = None,
    every: Annotated[float, typer.Option(help="Seconds between polls.")] = 60.0,
    since: Annotated[
        str | None, typer.Option(help="Also media requested after this (ISO time or e.g. '-1h') [from now].")
    ] = None,
) -> None:
    """Print each new media as a JSON line, as it appears, until interrupted (Ctrl-C)."""
    after = optional_time(ctx, "since", since)

    async def action(amnimo: AsyncAmnimo) -> None:
        async for media in amnimo.media.watch(subscription_id, camera, every=every, since=after):
            typer.echo(json_line(jsonable(media)), nl=False)

    call(ctx, action)


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
    category: CategoryOption = "SNAPSHOT",
    start: StartOption = "-1m",
    end: Annotated[str | None, typer.Option(help="End of a CLIP.")] = None,
    name: NameOption = None,
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
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File or folder [./MEDIA_ID.mp4/.jpg].")
    ] = None,
) -> None:
    """Download a COMPLETED media's file (streamed, resumed after a cut, with a progress bar on stderr)."""
    console, bars = progress_bars(ctx)

    async def action(amnimo: AsyncAmnimo) -> Path:
        with transfer_bar(console, bars, media_id) as on_progress:
            target = output if output is not None else Path(".")
            return await amnimo.media.download(subscription_id, media_id, target, on_progress=on_progress)

    path = call(ctx, action)
    typer.echo(f"saved {path}", err=True)


@app.command("export")
def export(
    ctx: typer.Context,
    subscription_id: str,
    camera_id: str,
    category: CategoryOption = "CLIP",
    start: StartOption = "-2m",
    end: Annotated[str | None, typer.Option(help="End of a CLIP [start + 1 minute].")] = None,
    name: NameOption = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File, or folder for MEDIA_ID.mp4/.jpg.")
    ] = Path("."),
    wait_timeout: Annotated[
        float, typer.Option("--wait-timeout", min=1.0, help="Seconds to wait for the media.")
    ] = 600.0,
    fmt: ShowOption = ShowFormat.table,
) -> None:
    """Cut a clip (or take a snapshot), wait until it is ready and download it, with a progress
    bar on stderr; shows the media id and the file. The media is created once: if the wait or the
    download fails, the error names it (finish with `media download`)."""
    start_time = time_option(ctx, "start", start)
    end_time = optional_time(ctx, "end", end)
    if end_time is None and category.upper() == "CLIP":
        end_time = start_time + timedelta(minutes=1)
    console, bars = progress_bars(ctx)

    async def action(amnimo: AsyncAmnimo) -> Export:
        waiting = f"waiting for the {category.lower()}"
        with transfer_bar(console, bars, output.name or "media", waiting=waiting) as on_progress:
            return await amnimo.media.export(
                subscription_id,
                camera_id,
                category=category,
                start_time=start_time,
                end_time=end_time,
                name=name,
                to=output,
                timeout=wait_timeout,
                on_progress=on_progress,
            )

    exported = call(ctx, action)
    media = exported.media
    show({"mediaId": media.id, "path": str(exported.path), "size": media.size}, fmt.value, "export")
