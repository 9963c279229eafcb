"""``media.export``: cut a clip (or take a snapshot), wait for it, download it; one call."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import datetime
from pathlib import Path

import attrs

from ._endpoint import ClientLike
from ._flow_errors import ExportError
from ._media_download import ProgressCallback, checked_destination, download_media
from ._media_wait import DEFAULT_TIMEOUT, wait_for_media
from ._models import Media
from ._polling import Clock, Sleep, positive_seconds
from .api.media import create_media


@attrs.frozen
class Export:
    """An exported media: ``media`` as it was once COMPLETED, and the ``path`` of its file."""

    media: Media
    path: Path


async def export_media(
    client: ClientLike,
    subscription_id: str,
    camera_id: str,
    *,
    category: str,
    start_time: datetime,
    end_time: datetime | None = None,
    name: str | None = None,
    to: str | os.PathLike[str],
    timeout: float | None = DEFAULT_TIMEOUT,
    on_progress: ProgressCallback | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> Export:
    """Create a media (``category`` "CLIP" from ``start_time`` to ``end_time``, or "SNAPSHOT"),
    wait until it is COMPLETED (at most ``timeout`` seconds, see ``media.wait``) and download it
    to ``to`` (a file, or a folder for ``<media id>.mp4``), reporting bytes to ``on_progress``.

    Every argument is checked before the media is created, and it is created once: the create
    call is never repeated. If waiting or downloading fails after that, :class:`ExportError`
    carries the created ``media`` (so that ``media.wait``/``media.download`` can finish the job)
    and the error that stopped it as its cause.
    """
    create_media.endpoint.build(
        subscription_id, camera_id, category=category, start_time=start_time, end_time=end_time, name=name
    )
    destination = checked_destination(to)
    timeout = positive_seconds("timeout", timeout, optional=True)
    created = await create_media.asyncio(
        client,
        subscription_id,
        camera_id,
        category=category,
        start_time=start_time,
        end_time=end_time,
        name=name,
    )
    # From here the media exists: a failure says which one (cancellation is no failure: not wrapped).
    try:
        media = await wait_for_media(
            client, subscription_id, created.id, timeout=timeout, clock=clock, sleep=sleep
        )
    except Exception as exc:
        raise ExportError(created, "wait", exc) from exc
    try:
        path = await download_media(client, subscription_id, media, destination, on_progress=on_progress)
    except Exception as exc:
        raise ExportError(media, "download", exc) from exc
    return Export(media, path)
