"""``media.download``: a media's file to disk through its presigned URL, whole or not at all.

The file lives on a storage host, not on the API: it is fetched with the client's connection
pool (``transport.http``, which carries no default credentials) but not through the transport,
so the request carries no ``Authorization`` header (a bearer token must never reach another
host, and a storage host refuses a presigned URL that comes with one) and does not spend the
API's rate budget. The bytes go to a hidden temporary file beside the target, renamed only
once the whole file is there and its size is ``Media.size``; on any failure it is removed.

A connection cut mid-body resumes with ``Range: bytes=<received>-`` (from scratch only if the
host answers 200, ignoring the range); an expired presigned URL (403) is replaced once by a
fresh one from ``getMedia``. Consecutive attempts that bring no byte are bounded by the client's
retry policy and backed off like API retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import IO

import httpx

from ._endpoint import ClientLike
from ._errors import AmnimoError, APIConnectionError, APITimeoutError, ValidationError, status_error_class
from ._flow_errors import DownloadSizeMismatchError, MediaFailedError, MediaNotReadyError, status_text
from ._logging import logger
from ._models import Media, MediaStatus
from ._pool import TAG, reclaim
from .api.media import get_media

ProgressCallback = Callable[[int, "int | None"], object]
"""Called as ``on_progress(done, total)`` with bytes received so far and the file's size (None
when neither the media nor the storage host says); ``done`` drops to 0 if the host restarts."""

WRITE_BUFFER = 1 << 20  # bytes gathered before a write, so the thread hop is paid per MiB
_EXTENSIONS = {"VIDEO": ".mp4", "IMAGE": ".jpg"}
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)
_UNSATISFIED_RANGE = re.compile(r"bytes\s+\*/(\d+)", re.IGNORECASE)


def checked_destination(to: object) -> Path:
    """``to`` as a path: an existing folder, or a file whose folder exists (checked before sending)."""
    if not isinstance(to, (str, os.PathLike)):
        raise ValidationError(
            "to", f"must be a file or folder path (str or os.PathLike), got {type(to).__name__}"
        )
    if not os.fsdecode(to):
        raise ValidationError("to", "must name a file or a folder, got an empty path")
    path = Path(os.fsdecode(to))
    if path.is_dir():
        return path
    if not path.parent.is_dir():
        raise ValidationError("to", f"the folder {str(path.parent)!r} does not exist")
    return path


def file_path(destination: Path, media: Media) -> Path:
    """The file to write: ``destination``, or ``<media id>.mp4``/``.jpg`` inside it when it is a folder."""
    if not destination.is_dir():
        return destination
    name = media.id + _EXTENSIONS.get(status_text(media.type), ".bin")
    if Path(name).name != name or name.startswith("."):
        raise ValidationError("to", f"is a folder, and media id {media.id!r} cannot name a file in it")
    return destination / name


def downloadable(media: Media) -> str:
    """The media's download URL, or the error saying why it has none."""
    if media.url:
        return media.url
    if media.status == MediaStatus.FAILED:
        raise MediaFailedError(media)
    raise MediaNotReadyError(media)


async def download_media(
    client: ClientLike,
    subscription_id: str,
    media: Media | str,
    to: str | os.PathLike[str],
    *,
    on_progress: ProgressCallback | None = None,
    expiration: int = 60,
) -> Path:
    """Download a media's file (``media``: a :class:`Media` or a media id) to ``to``, and return
    the file's :class:`~pathlib.Path`.

    ``to`` is a file path, or an existing folder (the file is then ``<media id>.mp4`` or
    ``.jpg``). A media without a download URL (an id, or a media from a search) is looked up
    first (``getMedia``, the URL valid ``expiration`` minutes).

    The file comes from the storage host through its presigned URL, with no ``Authorization``
    header (a bearer token never leaves the API) and outside the API's rate limit. It is written
    to a hidden temporary file beside the target and renamed only once whole; a connection cut
    mid-body resumes with a ``Range`` request, and an expired URL (403) is renewed once.
    ``on_progress(done, total)`` is called with the bytes received and the file's size.

    Raises :class:`MediaNotReadyError` while the media is PROCESSING (``media.wait`` first),
    :class:`MediaFailedError` when it FAILED, :class:`DownloadSizeMismatchError` when the file
    is not ``Media.size`` bytes; on any failure nothing is left under ``to`` or beside it, and an
    existing file there is untouched.

    ::

        path = await amnimo.media.download(sub, media, "clip.mp4", on_progress=print)
    """
    destination = checked_destination(to)
    media_id = media.id if isinstance(media, Media) else media
    request = get_media.endpoint.build(subscription_id, media_id, expiration=expiration)  # checked first
    if not isinstance(media, Media) or not media.url:
        media = await get_media.endpoint.send(client, request)
    downloadable(media)
    path = file_path(destination, media)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        with partial.open("xb") as file:
            fetch = _Fetch(client, subscription_id, media, expiration, file, on_progress)
            await fetch.run()
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return path


class _Fetch:
    """One download's state: where it stands, which URL it uses, how often it failed in a row."""

    def __init__(
        self,
        client: ClientLike,
        subscription_id: str,
        media: Media,
        expiration: int,
        file: IO[bytes],
        on_progress: ProgressCallback | None,
    ) -> None:
        self.client = client
        self.http = client.transport.http
        self.subscription_id = subscription_id
        self.media_id = media.id
        self.expiration = expiration
        self.url = downloadable(media)
        self.expected = media.size
        self.file = file
        self.on_progress = on_progress
        self.done = 0
        self.buffer = bytearray()
        self.failures = 0  # consecutive attempts that brought no byte
        self.fresh_url = False  # the URL in use came from a refresh: a 403 to it is final

    @property
    def safe_url(self) -> str:
        """The URL without its query: the signature stays out of logs and errors."""
        return self.url.split("?", 1)[0]

    async def run(self) -> None:
        while not await self._attempt():
            pass
        await self._flush()

    async def _attempt(self) -> bool:
        """One GET of what is missing; True once the file is whole."""
        headers = {"Accept-Encoding": "identity"}  # ranges count stored bytes, not compressed ones
        if self.done:
            headers["Range"] = f"bytes={self.done}-"
        request = self.http.build_request("GET", self.url, headers=headers)
        request.headers.pop("Authorization", None)  # even if the user's http client has one by default
        tag = object()
        request.extensions = {**request.extensions, TAG: tag}
        before = self.done
        try:
            response = await self.http.send(request, stream=True, auth=None, follow_redirects=True)
            try:
                return await self._receive(response)
            finally:
                await response.aclose()
        except httpx.TransportError as exc:
            await reclaim(self.http, tag)
            if self.expected is not None and self.done == self.expected:
                return True  # every byte arrived; only the end of the exchange was lost
            kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
            error = kind(type(exc).__name__, method="GET", url=self.safe_url)
            await self._failed(error, progressed=self.done > before, cause=exc)
            return False
        except BaseException:
            await reclaim(self.http, tag)  # a cancelled request can leave its pool slot taken
            raise

    async def _receive(self, response: httpx.Response) -> bool:
        status = response.status_code
        if status == 403 and not self.fresh_url:
            await self._refresh_url()
            return False
        if status == 416 and self.done:
            return self._nothing_left(response)
        if status == 429 or status >= 500:
            await self._failed(self._status_error(status), progressed=False)
            return False
        if status not in (200, 206):
            raise self._status_error(status)
        if status == 206:
            start, total = self._content_range(response)
            if start != self.done:  # not the range asked for: use nothing of it, ask for the whole file
                self._restart("the host answered another range")
                error = APIConnectionError("the host answered another range", method="GET", url=self.safe_url)
                await self._failed(error, progressed=False)
                return False
        else:
            length = response.headers.get("Content-Length", "")
            total = int(length) if length.isdigit() else None
            if self.done:
                self._restart("the host ignored the range")
        if self.expected is not None and total is not None and total != self.expected:
            raise DownloadSizeMismatchError(self.media_id, expected=self.expected, received=total)
        if self.expected is None:
            self.expected = total
        self.fresh_url = False  # this URL works: a later 403 means it expired, refresh again
        before = self.done
        async for chunk in response.aiter_bytes():
            self.buffer += chunk
            self.done += len(chunk)
            if self.expected is not None and self.done > self.expected:
                raise DownloadSizeMismatchError(self.media_id, expected=self.expected, received=self.done)
            if len(self.buffer) >= WRITE_BUFFER:
                await self._flush()
            self._report()
        if self.expected is not None and self.done < self.expected:  # an answer that ended early
            error = APIConnectionError("the body ended early", method="GET", url=self.safe_url)
            await self._failed(error, progressed=self.done > before)
            return False
        return True

    @staticmethod
    def _content_range(response: httpx.Response) -> tuple[int | None, int | None]:
        """Where a 206 body starts and the file's total size (None when not told)."""
        match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if match is None:
            return None, None
        return int(match.group(1)), None if match.group(3) == "*" else int(match.group(3))

    def _nothing_left(self, response: httpx.Response) -> bool:
        """A 416 to ``bytes=<done>-``: whole if the host's file is exactly what was received."""
        match = _UNSATISFIED_RANGE.match(response.headers.get("Content-Range", ""))
        total = int(match.group(1)) if match is not None else None
        if total is not None and total == self.done and self.expected in (None, total):
            return True
        expected = self.expected if self.expected is not None else total
        if expected is None:
            raise self._status_error(416)
        raise DownloadSizeMismatchError(self.media_id, expected=expected, received=self.done)

    def _restart(self, why: str) -> None:
        logger.info("media %s: %s; downloading %s from the start", self.media_id, why, self.safe_url)
        self.buffer.clear()
        self.file.seek(0)
        self.file.truncate()
        self.done = 0
        self._report()

    async def _refresh_url(self) -> None:
        logger.info("media %s: presigned URL refused (403); asking for a fresh one", self.media_id)
        media = await get_media.asyncio(
            self.client, self.subscription_id, self.media_id, expiration=self.expiration
        )
        self.url = downloadable(media)
        self.fresh_url = True

    async def _failed(
        self, error: AmnimoError, *, progressed: bool, cause: BaseException | None = None
    ) -> None:
        """Back off before the next attempt, or raise ``error`` once too many in a row brought nothing."""
        await self._flush()
        retry = self.client.transport.retry
        self.failures = 0 if progressed else self.failures + 1
        if self.failures > retry.max_retries:
            raise error from cause
        logger.info(
            "media %s: %s after %d bytes; resuming (%d in a row without progress)",
            self.media_id,
            error,
            self.done,
            self.failures,
        )
        await self.client.transport.sleep(retry.backoff(max(1, self.failures)))

    def _status_error(self, status: int) -> AmnimoError:
        return status_error_class(status)(status_code=status, method="GET", url=self.safe_url)

    async def _flush(self) -> None:
        if self.buffer:
            data, self.buffer = bytes(self.buffer), bytearray()
            await asyncio.to_thread(self.file.write, data)

    def _report(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.done, self.expected)
