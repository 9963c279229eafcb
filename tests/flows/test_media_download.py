"""media.download: the presigned file streamed to disk without API credentials, resumed after a
cut, renewed when its URL expired, and renamed into place only when whole."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from amnimo_async import (
    APIConnectionError,
    AsyncAmnimo,
    DownloadSizeMismatchError,
    Media,
    MediaFailedError,
    MediaNotReadyError,
    MediaStatus,
    NotFoundError,
    PermissionDeniedError,
    RateLimiter,
    ValidationError,
)
from amnimo_async.testing import FakeServer, Fault, ManualClock

from ..integration.conftest import FAST_RETRY, Connect, Serve, create_clip, settled
from .conftest import CountingLimiter, completed_clip, file_content, listing

ROUTE = "downloadMedia"


class Progress:
    """An ``on_progress`` that records what it is told."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int | None]] = []

    def __call__(self, done: int, total: int | None) -> None:
        self.calls.append((done, total))

    @property
    def restarts(self) -> int:
        return sum(1 for (a, _), (b, _) in itertools.pairwise(self.calls) if b < a)


@attrs.frozen
class Clip:
    """A completed clip on a served fake, the client, and where the test downloads it to."""

    server: FakeServer
    amnimo: AsyncAmnimo
    media: Media
    folder: Path

    @property
    def sub(self) -> str:
        return self.server.subscription_ids[0]

    @property
    def target(self) -> Path:
        return self.folder / "clip.mp4"

    async def download(self, media: Media | str | None = None, **options: Any) -> Path:
        options.setdefault("to", self.target)
        return await self.amnimo.media.download(self.sub, media or self.media, **options)

    async def downloads(self) -> list[tuple[int, str | None]]:
        """(status, injected fault) of every request to the file route, once the fake is done."""
        await settled(self.server)
        return [(e.status, e.fault) for e in self.server.journal.entries if e.route == ROUTE]


@pytest.fixture
async def clip(serve: Serve, connect: Connect, clock: ManualClock, tmp_path: Path) -> Clip:
    server = serve()
    amnimo = connect(server, rate_limiter=CountingLimiter(RateLimiter(None)))
    return Clip(server, amnimo, await completed_clip(amnimo, server, clock), tmp_path)


def slots_taken(clip: Clip) -> int:
    """How many rate-limit slots the clip's client has asked for so far."""
    limiter = clip.amnimo.transport.limiter
    assert isinstance(limiter, CountingLimiter)
    return limiter.acquired


async def test_download_without_credentials_or_rate_budget(clip: Clip) -> None:
    before = slots_taken(clip)
    progress = Progress()

    path = await clip.download(on_progress=progress)

    assert path == clip.target
    assert path.read_bytes() == file_content(clip.media)
    assert listing(clip.folder) == ["clip.mp4"]
    assert slots_taken(clip) == before  # the API's rate limiter was not asked
    assert await clip.downloads() == [(200, None)]
    # The fake refuses (400) a download with an Authorization header, and names no client for one without.
    assert [e.client_id for e in clip.server.journal.entries if e.route == ROUTE] == [None]
    assert progress.calls[-1] == (clip.media.size, clip.media.size)
    assert progress.restarts == 0


async def test_a_default_authorization_header_of_the_http_client_is_not_sent(
    serve: Serve, clock: ManualClock, tmp_path: Path
) -> None:
    server = serve()
    async with (
        httpx.AsyncClient(headers={"Authorization": "Bearer leaked-if-sent"}) as http,
        AsyncAmnimo(
            server.client_id, server.secret_key, base_url=server.base_url, rate=None, http_client=http
        ) as amnimo,
    ):
        media = await completed_clip(amnimo, server, clock)
        path = await amnimo.media.download(server.subscription_ids[0], media, tmp_path / "clip.mp4")
    assert path.read_bytes() == file_content(media)
    await settled(server)
    assert server.journal.count(route=ROUTE, status=400) == 0
    assert server.journal.count(route=ROUTE, status=200) == 1


async def test_a_media_id_is_looked_up_first(clip: Clip) -> None:
    gets = clip.server.journal.count(route="getMedia")
    before = slots_taken(clip)

    path = await clip.download(clip.media.id, to=clip.folder)

    assert path == clip.folder / f"{clip.media.id}.mp4"  # a folder gets the file named after the media
    assert path.read_bytes() == file_content(clip.media)
    assert clip.server.journal.count(route="getMedia") == gets + 1
    assert slots_taken(clip) == before + 1  # that lookup only


async def test_a_cut_mid_body_resumes_with_a_range(clip: Clip) -> None:
    cut = clip.server.faults.add(Fault(route=ROUTE, kind="reset_mid_body", keep=0.4, schedule=[1]))
    progress = Progress()

    path = await clip.download(on_progress=progress)

    assert path.read_bytes() == file_content(clip.media)
    assert clip.server.faults.fired(cut) == 1
    # The first answer was cut; the second was a 206 for the rest (the bytes add up exactly).
    assert await clip.downloads() == [(200, "reset_mid_body"), (206, None)]
    assert progress.restarts == 0
    assert progress.calls[-1] == (clip.media.size, clip.media.size)
    assert listing(clip.folder) == ["clip.mp4"]


async def test_a_host_ignoring_ranges_restarts_from_scratch(clip: Clip) -> None:
    clip.server.world.storage.honour_ranges = False
    clip.server.faults.add(Fault(route=ROUTE, kind="reset_mid_body", keep=0.4, schedule=[1]))
    progress = Progress()

    path = await clip.download(on_progress=progress)

    assert path.read_bytes() == file_content(clip.media)
    assert await clip.downloads() == [(200, "reset_mid_body"), (200, None)]
    assert progress.restarts == 1
    assert (0, clip.media.size) in progress.calls


async def test_an_expired_url_is_renewed(clip: Clip, clock: ManualClock) -> None:
    media = await clip.amnimo.media.get(clip.sub, clip.media.id, expiration=1)
    clock.advance(61)  # the URL was valid one minute
    gets = clip.server.journal.count(route="getMedia")

    path = await clip.download(media)

    assert path.read_bytes() == file_content(media)
    assert await clip.downloads() == [(403, None), (200, None)]
    assert clip.server.journal.count(route="getMedia") == gets + 1


async def test_a_url_expiring_mid_download_is_renewed_and_resumed(clip: Clip, clock: ManualClock) -> None:
    media = await clip.amnimo.media.get(clip.sub, clip.media.id, expiration=1)
    clip.server.faults.add(Fault(route=ROUTE, kind="reset_mid_body", keep=0.5, schedule=[1]))
    progress = Progress()

    def expire_on_first_bytes(done: int, total: int | None) -> None:
        if not progress.calls:
            clock.advance(61)
        progress(done, total)

    path = await clip.download(media, on_progress=expire_on_first_bytes)

    assert path.read_bytes() == file_content(media)
    assert await clip.downloads() == [(200, "reset_mid_body"), (403, None), (206, None)]
    assert progress.restarts == 0


async def test_a_refused_fresh_url_is_an_error_and_leaves_nothing(clip: Clip) -> None:
    clip.server.faults.add(Fault(route=ROUTE, kind="status", status=403))
    gets = clip.server.journal.count(route="getMedia")

    with pytest.raises(PermissionDeniedError) as info:
        await clip.download()

    assert await clip.downloads() == [(403, "status")] * 2  # the old URL, then one fresh one
    assert clip.server.journal.count(route="getMedia") == gets + 1
    assert info.value.url.endswith(f"/_files/{clip.media.id}")  # no signature in the error
    assert "sig=" not in str(info.value)
    assert listing(clip.folder) == []


async def test_a_failing_download_leaves_the_old_file_alone(clip: Clip) -> None:
    clip.server.faults.add(
        Fault(route=ROUTE, kind="reset_mid_body", keep=0.3, schedule=[1]),
        Fault(route=ROUTE, kind="reset"),  # every later try: the connection drops before any byte
    )
    clip.target.write_bytes(b"yesterday's clip")

    with pytest.raises(APIConnectionError) as info:
        await clip.download()

    assert "sig=" not in str(info.value)
    assert clip.target.read_bytes() == b"yesterday's clip"
    assert listing(clip.folder) == ["clip.mp4"]
    # The first cut brought 30% of the file; each later try brought nothing, up to the retry limit.
    assert await clip.downloads() == [(200, "reset_mid_body")] + [(0, "reset")] * (FAST_RETRY.max_retries + 1)


async def test_a_cancelled_download_leaves_nothing(clip: Clip) -> None:
    def cancel_me(done: int, total: int | None) -> None:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()

    task = asyncio.create_task(clip.download(on_progress=cancel_me))
    with pytest.raises(asyncio.CancelledError):
        await task
    assert listing(clip.folder) == []
    # The client's connections are still good for the next call.
    assert (await clip.download()).read_bytes() == file_content(clip.media)


@pytest.mark.parametrize("off_by", [10, -10])
async def test_a_size_other_than_the_media_size_is_refused(clip: Clip, off_by: int) -> None:
    size = clip.media.size
    assert size is not None

    with pytest.raises(DownloadSizeMismatchError) as info:
        await clip.download(attrs.evolve(clip.media, size=size + off_by))

    assert (info.value.media_id, info.value.expected, info.value.received) == (
        clip.media.id,
        size + off_by,
        size,
    )
    assert listing(clip.folder) == []


async def test_media_without_a_file(
    serve: Serve, connect: Connect, clock: ManualClock, tmp_path: Path
) -> None:
    server = serve(media_processing_delay=30.0)
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    processing = await create_clip(amnimo, server, clock)
    with pytest.raises(MediaNotReadyError, match="PROCESSING"):
        await amnimo.media.download(sub, processing, tmp_path / "clip.mp4")
    failed = await create_clip(amnimo, server, clock)
    server.world.fail_media(sub, failed.id)
    with pytest.raises(MediaFailedError, match="FAILED"):
        await amnimo.media.download(sub, failed.id, tmp_path / "clip.mp4")
    assert server.journal.count(route=ROUTE) == 0
    assert server.journal.count(route="getMedia") == 2  # a media without a URL is looked up once
    assert listing(tmp_path) == []


async def test_bad_destinations_are_refused_before_anything_is_sent(clip: Clip) -> None:
    sent = len(clip.server.journal)
    with pytest.raises(ValidationError, match="does not exist"):
        await clip.download("some-media", to=clip.folder / "missing" / "clip.mp4")
    with pytest.raises(ValidationError, match="to"):
        await clip.download("some-media", to=42)
    with pytest.raises(ValidationError, match="empty"):
        await clip.download("some-media", to="")
    with pytest.raises(ValidationError, match="media_id"):
        await clip.download("..")
    assert len(clip.server.journal) == sent
    with pytest.raises(NotFoundError):
        await clip.download("no-such-media")
    assert listing(clip.folder) == []


async def test_completed_media_from_a_search_is_downloaded(clip: Clip) -> None:
    found = next(m for m in await clip.amnimo.media.search(clip.sub) if m.status == MediaStatus.COMPLETED)
    assert found.url is None  # searches carry no download links

    path = await clip.download(found)

    assert path.read_bytes() == file_content(found)
