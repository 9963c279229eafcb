"""Downloading a media's file from its presigned URL, streamed to disk with a progress bar."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from amnimo_async import AmnimoError, APIConnectionError, APITimeoutError, Media, status_error_class

_EXTENSIONS = {"video/mp4": ".mp4", "image/jpeg": ".jpg"}


class MediaNotReadyError(AmnimoError):
    """The media has no file yet (still PROCESSING, or failed)."""


async def download_file(media: Media, output: Path | None, console: Console, progress: bool) -> Path:
    """Stream ``media``'s file to ``output`` (default ``MEDIA_ID.mp4``/``.jpg``); returns the path.

    Written to a temporary file beside it and renamed when complete, so an interrupted download
    leaves no partial file under the final name. The presigned URL is never printed.
    """
    if not media.url:
        status = getattr(media.status, "value", media.status)
        raise MediaNotReadyError(f"media {media.id} has no file to download yet (status {status})")
    safe_url = media.url.split("?", 1)[0]
    async with httpx.AsyncClient(timeout=httpx.Timeout(30.0), follow_redirects=True) as http:
        try:
            async with http.stream("GET", media.url) as response:
                if response.status_code >= 400:
                    body = (await response.aread())[:300].decode("utf-8", "replace")
                    raise status_error_class(response.status_code)(
                        status_code=response.status_code, method="GET", url=safe_url, body=body
                    )
                content_type = response.headers.get("content-type", "").split(";")[0].strip()
                default_name = media.id + _EXTENSIONS.get(content_type, ".bin")
                path = output if output is not None else Path(default_name)
                if path.is_dir():
                    path = path / default_name
                total = int(response.headers.get("content-length") or 0) or None
                temporary = path.with_name(f".{path.name}.part")
                columns = (
                    TextColumn("[bold]{task.description}"),
                    BarColumn(),
                    DownloadColumn(),
                    TransferSpeedColumn(),
                )
                try:
                    with (
                        Progress(*columns, console=console, disable=not progress) as bar,
                        temporary.open("wb") as file,
                    ):
                        task = bar.add_task(path.name, total=total)
                        async for chunk in response.aiter_bytes():
                            file.write(chunk)
                            bar.advance(task, len(chunk))
                    os.replace(temporary, path)
                except BaseException:
                    with contextlib.suppress(OSError):
                        temporary.unlink()
                    raise
        except httpx.TimeoutException as exc:
            raise APITimeoutError(type(exc).__name__, method="GET", url=safe_url) from None
        except httpx.TransportError as exc:
            raise APIConnectionError(type(exc).__name__, method="GET", url=safe_url) from None
    return path
