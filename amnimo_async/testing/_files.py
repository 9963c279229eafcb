"""FileRoutes: what the fake's URLs point at (presigned media and thumbnails, HLS playlists).

These live outside ``/ex`` on the same host: ``/_files/{mediaId}``, ``/_thumbs/{cameraId}/...``
and ``/_hls/{requestId}/index.m3u8``. They need no bearer token and are not rate limited;
presigned ones answer 403 once expired or when the signature is wrong.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from ._data import file_chunks
from ._errors import ApiError
from ._ids import derived_int
from ._presign import UrlSigner
from ._state import World

_CONTENT_TYPES = {"IMAGE": "image/jpeg", "VIDEO": "video/mp4"}
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
        """The file of a COMPLETED media: exactly ``size`` bytes, streamed, with Content-Length."""
        self._check_signature(request)
        media_id = request.path_params["mediaId"]
        record = self.world.media_by_id(media_id)
        if record is None or record.status != "COMPLETED":
            raise ApiError(404, "Not Found", [{"field": "mediaId", "value": media_id}])
        size = record.size

        async def content() -> AsyncIterator[bytes]:
            for chunk in file_chunks(media_id, size):
                yield chunk

        return StreamingResponse(
            content(),
            media_type=_CONTENT_TYPES.get(record.type, "application/octet-stream"),
            headers={"Content-Length": str(size)},
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
