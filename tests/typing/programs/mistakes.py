"""Mistakes a type checker must reject in both clients alike: ``tests/typing`` checks that mypy
reports an error containing the text after ``# E:`` on each marked line, and none elsewhere."""

from __future__ import annotations

from datetime import datetime, timezone

from amnimo_async import Amnimo, AsyncAmnimo
from amnimo_async.api.cameras import list_cameras

START = datetime(2024, 1, 1, tzinfo=timezone.utc)


def blocking(amnimo: Amnimo, sub: str, cam: str) -> None:
    amnimo.cameras.get(sub, cam, expirationz=5)  # E: Unexpected keyword argument "expirationz"
    amnimo.cameras.list(sub, size="500")  # E: incompatible type "str"; expected "int"
    amnimo.media.search(sub, page_sise=10)  # E: Unexpected keyword argument "page_sise"
    amnimo.devices.operate_port(sub, "device", "POE0")  # E: Missing named argument "action"
    amnimo.inventory(sub, concurrency="8")  # E: incompatible type "str"; expected "int"
    _ = amnimo.cameras.get(sub, cam).nickname  # E: "Camera" has no attribute "nickname"
    for camera in amnimo.cameras.iter(sub):
        _ = camera.nickname  # E: "Camera" has no attribute "nickname"
    for page in amnimo.cameras.iter(sub).pages():
        _ = page.items  # E: "CameraPage" has no attribute "items"
    _ = amnimo.inventory(sub).summary.totals  # E: "InventorySummary" has no attribute "totals"
    amnimo.cameras.iter(sub).pages_fetched.upper()  # E: "int" has no attribute "upper"
    list_cameras.sync(amnimo, sub, sizes=5)  # E: Unexpected keyword argument "sizes"
    amnimo.cameras.gett(sub, cam)  # E: has no attribute "gett"

    # The flows.
    amnimo.streams.live(sub, cam, keep_alive=60)  # E: Unexpected keyword argument "keep_alive"
    with amnimo.streams.live(sub, cam) as session:
        _ = session.playback_url  # E: "SyncLiveSession" has no attribute "playback_url"
    amnimo.media.wait(sub, "media-id", timeout="600")  # E: incompatible type "str"
    amnimo.media.download(sub, "media-id")  # E: Missing positional argument "to"
    amnimo.media.export(sub, cam, category="CLIP", start_time=START)  # E: Missing named argument "to"
    exported = amnimo.media.export(sub, cam, category="CLIP", start_time=START, to=".")
    _ = exported.file  # E: "Export" has no attribute "file"
    amnimo.devices.reset_port(sub, "device", "POE0", seconds="10")  # E: type "str"; expected "int"
    amnimo.cameras.recording_gaps(sub, cam, start_time=START)  # E: Missing named argument "end_time"


async def awaited(amnimo: AsyncAmnimo, blocking: Amnimo, sub: str, cam: str) -> None:
    await amnimo.cameras.get(sub, cam, expirationz=5)  # E: Unexpected keyword argument "expirationz"
    await amnimo.cameras.list(sub, size="500")  # E: incompatible type "str"; expected "int"
    await amnimo.media.search(sub, page_sise=10)  # E: Unexpected keyword argument "page_sise"
    await amnimo.devices.operate_port(sub, "device", "POE0")  # E: Missing named argument "action"
    amnimo.inventory(sub, concurrency="8")  # E: incompatible type "str"; expected "int"
    _ = (await amnimo.cameras.get(sub, cam)).nickname  # E: "Camera" has no attribute "nickname"
    async for camera in amnimo.cameras.iter(sub):
        _ = camera.nickname  # E: "Camera" has no attribute "nickname"
    await list_cameras.asyncio(amnimo, sub, sizes=5)  # E: Unexpected keyword argument "sizes"
    await amnimo.cameras.gett(sub, cam)  # E: has no attribute "gett"

    # Mixing them up: awaiting a blocking call, the wrong kind of loop, the wrong client.
    await blocking.cameras.get(sub, cam)  # E: Incompatible types in "await"
    for _page in amnimo.cameras.iter(sub):  # E: has no attribute "__iter__"
        pass
    async for _item in blocking.cameras.iter(sub):  # E: has no attribute "__aiter__"
        pass
    list_cameras.sync(amnimo, sub)  # E: incompatible type "AsyncAmnimo"; expected "SyncClientLike"

    # The flows, and mixing them up.
    with amnimo.streams.live(sub, cam):  # E: has no attribute "__enter__"
        pass
    async with amnimo.streams.live(sub, cam, dt="yesterday"):  # E: incompatible type "Literal['yesterday']"
        pass
    _ = amnimo.media.wait(sub, "media-id").status  # E: has no attribute "status"
    await amnimo.media.download(sub, "media-id", to=3)  # E: incompatible type "int"
    await amnimo.media.export(sub, cam, start_time=START, to=".")  # E: Missing named argument "category"
    await amnimo.devices.reset_port(sub, "device", "POE0", wait=1.5)  # E: incompatible type "float"
    for gap in await amnimo.cameras.recording_gaps(sub, cam, start_time=START, end_time=START):
        _ = gap.length  # E: "Gap" has no attribute "length"
