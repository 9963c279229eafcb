"""FileRoutes: what the fake's URLs point at (presigned media and thumbnails, HLS playlists).

These live outside ``/ex`` on the same host: ``/_files/{mediaId}``, ``/_thumbs/{cameraId}/...``
and ``/_hls/{requestId}/index.m3u8``. They need no bearer token and are not rate limited;
presigned ones answer 403 once expired or when the signature is wrong.

Media files behave like a storage host's (``world.storage`` changes that): a single
``Range: bytes=...`` gets 206 and that part (416 past the end), and a download that comes with
an ``Authorization`` header is refused (400). Faults reach them by route name: a cut mid-body is
``Fault(route="downloadMedia", kind="reset_mid_body")``; a URL expires when the fake's clock
passes the ``expiration`` it was asked for (or with ``Fault(route="downloadMedia",
kind="status", status=403)``).
"""

from __future__ import annotations

import random
import re
from collections.abc import AsyncIterator, Iterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from ._data import file_chunks
from ._errors import ApiError
from ._ids import derived_int
from ._presign import UrlSigner
from ._state import World

_CONTENT_TYPES = {"IMAGE": "image/jpeg", "VIDEO": "video/mp4"}
_BYTE_RANGE = re.compile(r"bytes=(\d*)-(\d*)\Z")
_SEGMENT_SECONDS = 2
_TS_PACKET = 188


class FileRoutes:
    """Handlers of the fake's own file URLs."""

    def __init__(self, world: World, signer: UrlSigner) -> None:
        self.world = world
        self.signer = signer

    def routes(self) -> list[BaseRoute]:
        """The routes, named ``downloadMedia``, ``getThumbnailImage``, ``getHlsPlaylist``..."""
        return [
            Route("/_files/{mediaId}", self.download_media, methods=["GET"], name="downloadMedia"),
            Route(
                "/_thumbs/{cameraId}/{name}",
                self.thumbnail_image,
                methods=["GET"],
                name="getThumbnailImage",
            ),
            Route(
                "/_hls/{requestId}/index.m3u8",
                self.hls_playlist,
                methods=["GET"],
                name="getHlsPlaylist",
            ),
            Route("/_hls/{requestId}/{segment}", self.hls_segment, methods=["GET"], name="getHlsSegment"),
        ]

    def _check_signature(self, request: Request) -> None:
        verdict = self.signer.check(
            request.url.path, request.query_params.get("expires"), request.query_params.get("sig")
        )
        if verdict == "expired":
            raise ApiError(403, "Request has expired", [{"reason": "the presigned URL expired"}])
        if verdict == "bad":
            raise ApiError(403, "Forbidden", [{"reason": "signature does not match"}])

    async def download_media(self, request: Request) -> Response:
        """The file of a COMPLETED media: exactly ``size`` bytes (or the range asked), streamed."""
        if self.world.storage.refuse_authorization and "authorization" in request.headers:
            raise ApiError(
                400,
                "Only one auth mechanism allowed",
                [{"reason": "a presigned URL takes no Authorization header"}],
            )
        self._check_signature(request)
        media_id = request.path_params["mediaId"]
        record = self.world.media_by_id(media_id)
        if record is None or record.status != "COMPLETED":
            raise ApiError(404, "Not Found", [{"field": "mediaId", "value": media_id}])
        size = record.size
        headers = {"Content-Length": str(size)}
        status = 200
        first, last = 0, size - 1
        if self.world.storage.honour_ranges:
            headers["Accept-Ranges"] = "bytes"
            wanted = _byte_range(request.headers.get("range"), size)
            if wanted is not None and not wanted:
                return Response(status_code=416, headers={"Content-Range": f"bytes */{size}"})
            if wanted is not None:
                first, last = wanted.start, wanted.stop - 1
                status = 206
                headers["Content-Range"] = f"bytes {first}-{last}/{size}"
                headers["Content-Length"] = str(last - first + 1)

        async def content() -> AsyncIterator[bytes]:
            for chunk in _file_part(media_id, size, first, last):
                yield chunk

        return StreamingResponse(
            content(),
            status_code=status,
            media_type=_CONTENT_TYPES.get(record.type, "application/octet-stream"),
            headers=headers,
        )

    async def thumbnail_image(self, request: Request) -> Response:
        """A small deterministic JPEG-looking image for a thumbnail URL."""
        self._check_signature(request)
        seed = derived_int(request.url.path)
        filler = random.Random(seed).randbytes(1024 + seed % 2048)
        return Response(b"\xff\xd8\xff\xe0" + filler + b"\xff\xd9", media_type="image/jpeg")

    async def hls_playlist(self, request: Request) -> Response:
        """The m3u8 playlist of a live HLS session (404 once it has ended)."""
        request_id = request.path_params["requestId"]
        if self.world.hls_session(request_id) is None:
            raise ApiError(404, "Not Found", [{"field": "requestId", "value": request_id}])
        lines = [
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            f"#EXT-X-TARGETDURATION:{_SEGMENT_SECONDS}",
            "#EXT-X-MEDIA-SEQUENCE:0",
        ]
        for number in range(3):
            lines += [f"#EXTINF:{_SEGMENT_SECONDS}.000,", f"segment{number}.ts"]
        return Response("\n".join(lines) + "\n", media_type="application/vnd.apple.mpegurl")

    async def hls_segment(self, request: Request) -> Response:
        """A tiny MPEG-TS-looking segment of a live HLS session."""
        request_id = request.path_params["requestId"]
        if self.world.hls_session(request_id) is None:
            raise ApiError(404, "Not Found", [{"field": "requestId", "value": request_id}])
        packet = b"\x47" + bytes(_TS_PACKET - 1)
        return Response(packet * 8, media_type="video/mp2t")


def _byte_range(header: str | None, size: int) -> range | None:
    """The bytes a ``Range`` header asks of a ``size``-byte file: None for the whole file (no
    header, or one a host may ignore: several ranges, another unit, garbled), an empty range
    when it cannot be satisfied (it starts past the end)."""
    match = _BYTE_RANGE.match(header.strip().lower()) if header else None
    if match is None or match.groups() == ("", ""):
        return None
    start, end = match.groups()
    if not start:  # bytes=-N: the last N bytes
        length = int(end)
        return range(max(0, size - length), size) if length else range(0)
    first = int(start)
    if first >= size:
        return range(0)
    last = min(int(end), size - 1) if end else size - 1
    return None if last < first else range(first, last + 1)


def _file_part(file_id: str, size: int, first: int, last: int) -> Iterator[bytes]:
    """Bytes ``first``..``last`` (inclusive) of a file's deterministic content."""
    offset = 0
    for chunk in file_chunks(file_id, size):
        end = offset + len(chunk)
        if end > first and offset <= last:
            yield chunk[max(0, first - offset) : last + 1 - offset]
        offset = end
