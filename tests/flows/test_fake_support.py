"""What the fake offers the flows: ranged downloads, a file host that refuses credentials, media
that fail, and ports that take their time to come back (plain httpx in process, no SDK)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from amnimo_async.testing import FakeAmnimo, ManualClock
from amnimo_async.testing._data import file_chunks

from ..fake.conftest import TS, asgi_client, assert_error


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeAmnimo:
    return FakeAmnimo(clock=clock, rate=None, media_processing_delay=10.0)


@pytest.fixture
async def api(fake: FakeAmnimo) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(fake, fake.issue_token()) as http:
        yield http


@pytest.fixture
async def files(fake: FakeAmnimo) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no credentials, as a storage host expects."""
    async with asgi_client(fake) as http:
        yield http


async def completed(api: httpx.AsyncClient, fake: FakeAmnimo, clock: ManualClock) -> dict[str, Any]:
    sub = fake.subscription_ids[0]
    camera = fake.world.camera_id(sub, 0)
    created = (
        await api.post(
            f"/partitions/{sub}/cameras/{camera}/media", json={"category": "CLIP", "startTime": TS}
        )
    ).json()
    clock.advance(10)
    media: dict[str, Any] = (await api.get(f"/partitions/{sub}/medias/{created['id']}")).json()
    assert media["status"] == "COMPLETED"
    return media


def content(media: dict[str, Any]) -> bytes:
    return b"".join(file_chunks(media["id"], media["size"]))


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-", 0, None),
        ("bytes=1000-", 1000, None),
        ("bytes=70000-70099", 70000, 70099),  # across the generator's 64 KiB chunks
        ("bytes=-500", -500, None),
        ("bytes=100-99999999", 100, None),
    ],
)
async def test_a_range_gets_206_and_that_part(
    api: httpx.AsyncClient,
    files: httpx.AsyncClient,
    fake: FakeAmnimo,
    clock: ManualClock,
    header: str,
    first: int,
    last: int | None,
) -> None:
    media = await completed(api, fake, clock)
    whole = content(media)
    size = len(whole)
    expected = whole[first : None if last is None else last + 1]
    start = first if first >= 0 else size + first

    answer = await files.get(media["url"], headers={"Range": header})

    assert answer.status_code == 206
    assert answer.content == expected
    assert answer.headers["Content-Range"] == f"bytes {start}-{start + len(expected) - 1}/{size}"
    assert int(answer.headers["Content-Length"]) == len(expected)
    assert answer.headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize("header", ["bytes=0-10,20-30", "items=0-5", "bytes=9-2", "bytes=abc"])
async def test_ranges_a_host_may_ignore_get_the_whole_file(
    api: httpx.AsyncClient, files: httpx.AsyncClient, fake: FakeAmnimo, clock: ManualClock, header: str
) -> None:
    media = await completed(api, fake, clock)
    answer = await files.get(media["url"], headers={"Range": header})
    assert answer.status_code == 200
    assert answer.content == content(media)


async def test_a_range_past_the_end_is_416(
    api: httpx.AsyncClient, files: httpx.AsyncClient, fake: FakeAmnimo, clock: ManualClock
) -> None:
    media = await completed(api, fake, clock)
    answer = await files.get(media["url"], headers={"Range": f"bytes={media['size']}-"})
    assert answer.status_code == 416
    assert answer.headers["Content-Range"] == f"bytes */{media['size']}"
    assert fake.journal.count(route="downloadMedia", status=416) == 1


async def test_a_host_ignoring_ranges(
    api: httpx.AsyncClient, files: httpx.AsyncClient, fake: FakeAmnimo, clock: ManualClock
) -> None:
    fake.world.storage.honour_ranges = False
    media = await completed(api, fake, clock)
    answer = await files.get(media["url"], headers={"Range": "bytes=1000-"})
    assert answer.status_code == 200
    assert answer.content == content(media)
    assert "Accept-Ranges" not in answer.headers


async def test_a_download_with_credentials_is_refused(
    api: httpx.AsyncClient, fake: FakeAmnimo, clock: ManualClock
) -> None:
    media = await completed(api, fake, clock)
    assert_error(await api.get(media["url"]), 400, message="Only one auth mechanism allowed")
    fake.world.storage.refuse_authorization = False
    assert (await api.get(media["url"])).content == content(media)


async def test_media_made_to_fail(api: httpx.AsyncClient, fake: FakeAmnimo, clock: ManualClock) -> None:
    sub = fake.subscription_ids[0]
    camera = fake.world.camera_id(sub, 0)
    path = f"/partitions/{sub}/cameras/{camera}/media"
    created = (await api.post(path, json={"category": "CLIP", "startTime": TS})).json()
    assert created["status"] == "PROCESSING"
    record = fake.world.fail_media(sub, created["id"])
    assert record is not None
    failed = (await api.get(f"/partitions/{sub}/medias/{created['id']}")).json()
    assert (failed["status"], failed["size"], "url" in failed) == ("FAILED", 0, False)
    assert fake.world.fail_media(sub, "no-such-media") is None

    fake.world.fail_new_media = True
    doomed = (await api.post(path, json={"category": "SNAPSHOT", "startTime": TS})).json()
    assert (await api.get(f"/partitions/{sub}/medias/{doomed['id']}")).json()["status"] == "PROCESSING"
    clock.advance(10)  # the processing time: it ends FAILED, not COMPLETED
    assert (await api.get(f"/partitions/{sub}/medias/{doomed['id']}")).json()["status"] == "FAILED"


async def test_a_reset_port_boots_before_it_is_enabled(
    api: httpx.AsyncClient, fake: FakeAmnimo, clock: ManualClock
) -> None:
    fake.world.port_boot_delay = 5.0
    sub = fake.subscription_ids[1]
    device = fake.world.device_id(sub, 0)

    async def status() -> str:
        ports = (await api.get(f"/partitions/{sub}/devices/{device}/peripherals")).json()["data"]
        return str(next(port["actStatus"] for port in ports if port["id"] == "POE1"))

    answer = await api.post(
        f"/partitions/{sub}/devices/{device}/ports/POE1", json={"action": 2, "resetTimer": 20}
    )
    assert answer.status_code == 200
    seen = []
    for step in (0, 19, 1, 4, 1):
        clock.advance(step)
        seen.append(await status())
    assert seen == ["DISABLED", "DISABLED", "ENABLING", "ENABLING", "ENABLED"]
