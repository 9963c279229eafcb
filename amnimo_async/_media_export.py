"""``media.export``: cut a clip (or take a snapshot), wait for it, download it; one call."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import attrs

from ._endpoint import ClientLike
from ._flow_errors import ExportError
from ._media_download import ProgressCallback, checked_destination, download_media
from ._media_wait import DEFAULT_TIMEOUT, wait_for_media
from ._models import Media
from ._polling import positive_seconds
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
) -> Export:
    """Export a clip or a snapshot to a file in one call: create the media, wait until it is
    COMPLETED, download it. Returns :class:`Export` (``.media``, ``.path``).

    ``category`` "CLIP" (from ``start_time`` to ``end_time``) or "SNAPSHOT" (at ``start_time``),
    aware datetimes; ``name`` optional (1..64 characters). ``to`` is a file path, or an existing
    folder for ``<media id>.mp4``/``.jpg``. The wait polls as ``media.wait`` does, for at most
    ``timeout`` seconds (``None``: no limit); the download is ``media.download``'s (no API
    credentials sent to the storage host, resumed after a cut, the file renamed into place only
    when whole), reporting ``on_progress(done, total)`` in bytes.

    Every argument is checked before anything is sent (:class:`ValidationError`), and the media
    is created once: the create call is never repeated. If waiting or downloading fails after
    that, :class:`ExportError` carries the created ``media`` and the ``stage`` ("wait" or
    "download"), with the error that stopped it as its cause, so that ``media.wait`` /
    ``media.download`` can finish the job without creating another media.

    ::

        export = await amnimo.media.export(
            sub, camera_id, category="CLIP", start_time=t0, end_time=t1, to="gate.mp4"
        )
        print(export.path, export.media.id)
    """
    request = create_media.endpoint.build(
        subscription_id, camera_id, category=category, start_time=start_time, end_time=end_time, name=name
    )
    destination = checked_destination(to)
    timeout = positive_seconds("timeout", timeout, optional=True)
    created = await create_media.endpoint.send(client, request)
    # From here the media exists: a failure says which one (cancellation is no failure: not wrapped).
    try:
        media = await wait_for_media(client, subscription_id, created.id, timeout=timeout)
    except Exception as exc:
        raise ExportError(created, "wait", exc) from exc
    try:
        path = await download_media(client, subscription_id, media, destination, on_progress=on_progress)
    except Exception as exc:
        raise ExportError(media, "download", exc) from exc
    return Export(media, path)
