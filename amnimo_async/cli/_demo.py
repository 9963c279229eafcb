"""``amnimo demo``: a full inventory sweep of a local fake tenant, with no credentials needed.

The fake (``FakeAmnimo``) runs on loopback in this process with the API's documented token
bucket (5 requests/s, burst 20) and the client starts from the same bucket, so the sweep shows
what a real one costs: about 60 requests for ~27,000 items, ~10 s (``--scale`` resizes it).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import anyio
import typer
from rich.console import Console

from .._client import AsyncAmnimo
from .._file_cache import FileTokenCache
from ._output import RecordWriter, stdout_console

# Per subscription: cameras, media, devices; pages are 500 cameras, 1000 media, 100 devices.
DEMO_SUBSCRIPTIONS = (
    (4000, 7000, 800),
    (2400, 4000, 500),
    (1600, 3000, 240),
    (1000, 1999, 200),
    (60, 80, 10),
)


def demo_profile(scale: float) -> Any:
    from ..testing import DataProfile

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


def run_demo(
    output: Path,
    scale: float,
    console: Console,
    progress: bool,
    sweep: Callable[..., Any],
    summary_table: Callable[[Any, Sequence[str], str], Any],
) -> None:
    """Serve the fake, sweep it into ``output`` (JSONL) and print the summary."""
    from ..testing import FakeAmnimo

    fake = FakeAmnimo(seed=7, profile=demo_profile(scale), rate=5.0, burst=20)
    console.print(
        f"[bold]amnimo demo[/]: a fake tenant with {len(fake.subscription_ids)} subscriptions on loopback, "
        "rate-limited like the real API (5 requests/s, burst 20)"
    )
    with fake.serve() as server, tempfile.TemporaryDirectory(prefix="amnimo-demo-") as cache_dir:

        async def work() -> Any:
            # The demo's token lives in a throwaway cache: the fake's URL changes every run.
            async with AsyncAmnimo(
                server.client_id,
                server.secret_key,
                base_url=server.base_url,
                token_cache=FileTokenCache(cache_dir),
            ) as amnimo:
                with output.open("w", encoding="utf-8") as stream:
                    writer = RecordWriter("jsonl", stream)
                    inventory = await sweep(
                        lambda report: amnimo.inventory(server.account_id, on_progress=report),
                        writer,
                        console,
                        progress,
                    )
                return inventory, writer.count

        inventory, count = anyio.run(work)
        served = len(server.journal)
    stdout_console().print(
        summary_table(inventory.summary, ("cameras", "media", "devices"), "demo inventory")
    )
    typer.echo(f"the fake served {served} requests; wrote {count:,} records to {output.resolve()}")
