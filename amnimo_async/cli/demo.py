"""``amnimo demo``: a full inventory sweep of a local fake tenant, with no credentials needed.

The fake (``FakeAmnimo``) runs on loopback in this process with the API's documented token
bucket (5 requests/s, burst 20) and the client starts from the same bucket, so the sweep shows
what a real one costs: about 60 requests for ~27,000 items, ~10 s (``--scale`` resizes it).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from amnimo_async import AsyncAmnimo, FileTokenCache, Inventory

from ._config import Settings
from ._output import RecordWriter, stdout_console
from ._runtime import command_errors, open_client, progress_bars, run_loop, state
from ._sweep import summary_table, sweep

if TYPE_CHECKING:
    from amnimo_async.testing import DataProfile

__all__ = ["demo"]

# Per subscription: cameras, media, devices; pages are 500 cameras, 1000 media, 100 devices.
DEMO_SUBSCRIPTIONS = (
    (4000, 7000, 800),
    (2400, 4000, 500),
    (1600, 3000, 240),
    (1000, 1999, 200),
    (60, 80, 10),
)


def demo(
    ctx: typer.Context,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="JSONL file of the records.", dir_okay=False)
    ] = Path("amnimo-demo-inventory.jsonl"),
    scale: Annotated[float, typer.Option(min=0.01, max=20.0, help="Multiply the demo data sizes.")] = 1.0,
) -> None:
    """Sweep a local fake tenant (thousands of items) at the documented 5 requests/s; no credentials."""
    console, bars = progress_bars(ctx)
    with command_errors(ctx):
        # The fake (and its web stack) is imported only when the demo runs.
        from amnimo_async.testing import FakeAmnimo

        fake = FakeAmnimo(seed=7, profile=demo_profile(scale), rate=5.0, burst=20)
        console.print(
            f"[bold]amnimo demo[/]: a fake tenant with {len(fake.subscription_ids)} subscriptions "
            "on loopback, rate-limited like the real API (5 requests/s, burst 20)"
        )
        with fake.serve() as server, tempfile.TemporaryDirectory(prefix="amnimo-demo-") as cache_dir:
            # The demo's token lives in a throwaway cache: the fake's URL changes every run.
            connect = Settings(server.client_id, server.secret_key, server.base_url, "demo")
            options, cache = state(ctx), FileTokenCache(cache_dir)
            inventory, count = run_loop(
                lambda: _sweep_into(
                    lambda: open_client(options, connect, cache), server.account_id, output, console, bars
                )
            )
            served = len(server.journal)
        stdout_console().print(
            summary_table(inventory.summary, ("cameras", "media", "devices"), "demo inventory")
        )
        typer.echo(f"the fake served {served} requests; wrote {count:,} records to {output.resolve()}")


async def _sweep_into(
    client: Callable[[], AsyncAmnimo], account_id: str, output: Path, console: Console, bars: bool
) -> tuple[Inventory, int]:
    """Sweep ``account_id`` into ``output`` (JSONL); the finished sweep and the records written."""
    async with client() as amnimo:
        with output.open("w", encoding="utf-8") as stream:
            writer = RecordWriter("jsonl", stream)
            inventory = await sweep(
                lambda report: amnimo.inventory(account_id, on_progress=report), writer, console, bars
            )
        return inventory, writer.count


def demo_profile(scale: float) -> DataProfile:
    """The demo tenant's sizes times ``scale`` (at least one camera per subscription)."""
    from amnimo_async.testing import DataProfile

    return DataProfile.explicit(
        [
            {
                "cameras": max(1, round(cameras * scale)),
                "media": round(media * scale),
                "devices": round(devices * scale),
            }
            for cameras, media, devices in DEMO_SUBSCRIPTIONS
        ]
    )
