"""The progress bar of the commands that bring a media's file (``media download``, ``media
export``): fed by the SDK's ``on_progress(done, total)``, and showing how long it has waited while
the media is still processing. The transfer itself is the SDK's ``media.download``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

__all__ = ["TransferBar", "transfer_bar"]


class TransferBar:
    """``on_progress`` for a download: the bar follows the bytes received (from the first one on,
    the description turns from what it waited for to ``name``)."""

    def __init__(self, bar: Progress, task: TaskID, name: str) -> None:
        self._bar = bar
        self._task = task
        self._name = name

    def __call__(self, done: int, total: int | None) -> None:
        self._bar.update(self._task, completed=done, total=total, description=self._name)


@contextlib.contextmanager
def transfer_bar(
    console: Console, enabled: bool, name: str, *, waiting: str | None = None
) -> Iterator[TransferBar]:
    """A bar on ``console`` (drawn only when ``enabled``) for the file ``name``; it says
    ``waiting`` (e.g. "waiting for media ...") with the time elapsed until the first bytes come."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=not enabled) as bar:
        task = bar.add_task(waiting or name, total=None)
        yield TransferBar(bar, task, name)
