"""media.download against storage hosts the fake does not play: scripted in process
(httpx.MockTransport) answers of other ranges, unsized bodies, 5xx, 404 and 416."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from amnimo_async import DownloadSizeMismatchError, Media, NotFoundError, RetryPolicy, ServerError

from ..unit.conftest import CAMERA, MEDIA_ID, SUB, client_on, token_grant
from .conftest import listing

STORAGE = "https://storage.test/bucket/clip.mp4"
CONTENT = bytes(range(256)) * 40  # 10,240 bytes
FAST = RetryPolicy(max_retries=2, backoff_base=0.001, backoff_cap=0.002)


def media(size: int | None = len(CONTENT)) -> Media:
    return Media(MEDIA_ID, camera_id=CAMERA, status="COMPLETED", size=size, url=f"{STORAGE}?sig=abc")


async def chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


Storage = Callable[[httpx.Request], httpx.Response]


async def fetch(storage: Storage, tmp_path: Path, item: Media) -> tuple[Path, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            return token_grant()
        seen.append(request)
        return storage(request)

    async with client_on(handler) as amnimo:
        amnimo.transport.retry = FAST
        path = await amnimo.media.download(SUB, item, tmp_path / "clip.mp4")
    return path, seen


async def test_an_answer_for_another_range_is_not_used(tmp_path: Path) -> None:
    answers = iter(
        [
            # A body that ends short of its length (MockTransport does not check lengths)...
            httpx.Response(
                200, headers={"Content-Length": str(len(CONTENT))}, content=chunks(CONTENT[:4000])
            ),
            # ...then the rest asked for, and a host answering another part: start again.
            httpx.Response(
                206, headers={"Content-Range": f"bytes 100-199/{len(CONTENT)}"}, content=CONTENT[100:200]
            ),
            httpx.Response(200, headers={"Content-Length": str(len(CONTENT))}, content=CONTENT),
        ]
    )

    def storage(request: httpx.Request) -> httpx.Response:
        return next(answers)

    path, seen = await fetch(storage, tmp_path, media())
    assert path.read_bytes() == CONTENT
    assert [r.headers.get("Range") for r in seen] == [None, "bytes=4000-", None]
    assert all("Authorization" not in r.headers for r in seen)
    assert all(r.headers["Accept-Encoding"] == "identity" for r in seen)


async def test_an_unsized_body_longer_than_the_media_is_refused(tmp_path: Path) -> None:
    def storage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks(CONTENT + b"extra"))  # chunked: no Content-Length

    with pytest.raises(DownloadSizeMismatchError) as info:
        await fetch(storage, tmp_path, media())
    assert info.value.expected == len(CONTENT)
    assert info.value.received > len(CONTENT)
    assert listing(tmp_path) == []


async def test_without_a_known_size_the_body_is_taken_whole(tmp_path: Path) -> None:
    def storage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks(CONTENT))

    path, seen = await fetch(storage, tmp_path, media(size=None))
    assert path.read_bytes() == CONTENT
    assert len(seen) == 1


async def test_server_errors_are_retried_then_raised(tmp_path: Path) -> None:
    answers = iter([httpx.Response(503), httpx.Response(200, content=CONTENT)])
    path, seen = await fetch(lambda request: next(answers), tmp_path, media())
    assert path.read_bytes() == CONTENT
    assert len(seen) == 2

    with pytest.raises(ServerError) as info:
        await fetch(lambda request: httpx.Response(502), tmp_path, media())
    assert info.value.url == STORAGE  # without its signature
    assert listing(tmp_path) == ["clip.mp4"]  # the first download's file only


async def test_a_missing_file_is_not_retried(tmp_path: Path) -> None:
    seen: list[int] = []

    def storage(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        return httpx.Response(404)

    with pytest.raises(NotFoundError):
        await fetch(storage, tmp_path, media())
    assert len(seen) == 1
    assert listing(tmp_path) == []


async def cut_after(data: bytes) -> AsyncIterator[bytes]:
    """``data``, then the connection drops before the body's end is seen."""
    async for chunk in chunks(data):
        yield chunk
    raise httpx.ReadError("connection reset by peer")


@pytest.mark.parametrize(("total", "whole"), [(len(CONTENT), True), (len(CONTENT) + 5, False)])
async def test_a_416_after_the_last_byte(tmp_path: Path, total: int, whole: bool) -> None:
    # Without a known size, a cut after the last byte leaves the client unsure; the host's 416
    # to the range after it says whether the file is whole.
    answers = iter(
        [
            httpx.Response(200, content=cut_after(CONTENT)),
            httpx.Response(416, headers={"Content-Range": f"bytes */{total}"}),
        ]
    )

    def storage(request: httpx.Request) -> httpx.Response:
        return next(answers)

    if whole:
        path, seen = await fetch(storage, tmp_path, media(size=None))
        assert path.read_bytes() == CONTENT
        assert [r.headers.get("Range") for r in seen] == [None, f"bytes={len(CONTENT)}-"]
    else:
        with pytest.raises(DownloadSizeMismatchError) as info:
            await fetch(storage, tmp_path, media(size=None))
        assert (info.value.expected, info.value.received) == (total, len(CONTENT))
        assert listing(tmp_path) == []


async def test_a_cut_after_the_last_byte_of_a_known_size_is_whole(tmp_path: Path) -> None:
    answers = iter([httpx.Response(200, content=cut_after(CONTENT))])
    path, seen = await fetch(lambda request: next(answers), tmp_path, media())
    assert path.read_bytes() == CONTENT
    assert len(seen) == 1
