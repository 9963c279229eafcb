"""``amnimo inventory``: every camera, media and external device under an account, streamed."""

from __future__ import annotations

from typing import Annotated

import typer

from amnimo_async import AsyncAmnimo

from ._options import Format, FormatOption, OutputOption, comma_list
from ._output import RecordWriter, open_output, stderr_console
from ._runtime import call, progress_bars
from ._sweep import summary_table, sweep

__all__ = ["inventory"]


def inventory(
    ctx: typer.Context,
    account_id: Annotated[str, typer.Argument(help="Root account of the sweep.")],
    include: Annotated[str, typer.Option(help="Comma-separated kinds.")] = "cameras,media,devices",
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Subscriptions swept at once.")] = 8,
) -> None:
    """Every camera, media and external device under ACCOUNT_ID (a summary goes to stderr)."""
    console, bars = progress_bars(ctx)
    title = f"inventory of {account_id}"

    async def action(amnimo: AsyncAmnimo) -> None:
        amnimo.inventory(account_id, include=include)  # validate before opening the output
        with open_output(output) as stream:
            writer = RecordWriter(fmt.value, stream)
            swept = await sweep(
                lambda report: amnimo.inventory(
                    account_id, include=include, concurrency=concurrency, on_progress=report
                ),
                writer,
                console,
                bars,
            )
            writer.finish(title=title)
        stderr_console().print(summary_table(swept.summary, comma_list(include), title))
        if output is not None:
            typer.echo(f"wrote {writer.count:,} records to {output}", err=True)
        for error in swept.summary.errors:
            typer.echo(f"amnimo: warning: {error}", err=True)

    call(ctx, action)
