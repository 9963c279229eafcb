"""An inventory sweep written record by record, with a progress bar, and its summary table
(shared by ``amnimo inventory`` and ``amnimo demo``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from amnimo_async import Inventory, InventorySummary
from amnimo_async import Progress as SweepProgress

from ._output import RecordWriter

__all__ = ["summary_table", "sweep"]


async def sweep(
    sweep_of: Callable[[Callable[[SweepProgress], None]], Inventory],
    writer: RecordWriter,
    console: Console,
    enabled: bool,
) -> Inventory:
    """Start ``sweep_of(on_progress)`` and write each record as it comes; returns the finished
    sweep (its ``summary`` filled in)."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("pages · {task.fields[items]:,} items · {task.fields[subs]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=not enabled, transient=False) as bar:
        task: TaskID = bar.add_task("inventory", total=None, items=0, subs="")

        def on_progress(p: SweepProgress) -> None:
            bar.update(
                task,
                completed=p.pages_done,
                total=p.pages_expected,
                items=p.items,
                subs=f"{p.subscriptions_done}/{p.subscriptions_total} subscriptions",
            )

        inventory = sweep_of(on_progress)
        async for record in inventory:
            writer.write(record)
    return inventory


def summary_table(summary: InventorySummary, kinds: Sequence[str], title: str) -> Table:
    """Items per subscription and kind, the totals, and what the sweep cost (in the caption)."""
    table = Table(title=title)
    table.add_column("subscription")
    for kind in kinds:
        table.add_column(kind, justify="right")
    for subscription, counts in summary.counts.items():
        table.add_row(Text(subscription), *(f"{counts.get(kind, 0):,}" for kind in kinds))
    totals = summary.total
    table.add_section()
    table.add_row("total", *(f"{totals.get(kind, 0):,}" for kind in kinds), style="bold")
    table.caption = (
        f"{summary.requests:,} requests, {summary.throttled} throttled (429), {summary.retries} retries, "
        f"{summary.token_calls} token calls, {len(summary.errors)} errors, {summary.elapsed:.1f} s"
    )
    return table
