"""The stateful flows the reference describes, with time moved by the fake's manual clock:
media (create, poll, download, search, rename, delete), HLS (start, update, stop, expiry) and
ports (disable, enable, reset with a timer)."""

from __future__ import annotations

import httpx
import pytest

from amnimo_async import ActivationStatus, MediaStatus, NotFoundError, PortAction
from amnimo_async.testing import ManualClock

from .conftest import Connect, Serve, assert_media, at


async def test_media_flow(serve: Serve, connect: Connect, clock: ManualClock) -> None:
    server = serve(media_processing_delay=30.0)
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    camera_id = server.world.camera_id(sub, 1)
    start = clock() - 3600

    created = await amnimo.media.create(
        sub, camera_id, category="CLIP", start_time=at(start), end_time=at(start + 45), name="gate clip"
    )
    assert created.status == MediaStatus.PROCESSING
    assert created.size == 0
    assert created.url is None
    assert (created.camera_id, created.category, created.name) == (camera_id, "CLIP", "gate clip")
    assert (created.start_time, created.end_time) == (at(start), at(start + 45))
    assert created.requested_date_time == at(clock())

    clock.advance(29)
    polled = await amnimo.media.get(sub, created.id)
    assert polled.status == MediaStatus.PROCESSING
    assert polled.url is None

    clock.advance(1)  # media_processing_delay has passed
    done = await amnimo.media.get(sub, created.id, expiration=5)
    assert done.status == MediaStatus.COMPLETED
    assert done.size is not None
    assert done.size > 0
    assert done.url is not None
    record = server.world.find_media(sub, created.id)
    assert record is not None
    assert_media(done, record.to_wire())

    async with httpx.AsyncClient() as http:  # the presigned URL needs no credentials
        download = await http.get(done.url)
        assert download.status_code == 200
        assert download.headers["content-type"] == "video/mp4"
        assert len(download.content) == done.size
        clock.advance(5 * 60 + 1)  # the URL was valid 5 minutes
        assert (await http.get(done.url)).status_code == 403

    newest = await amnimo.media.search(sub, categories=["CLIP"], sort_dir="desc", page_size=5)
    assert newest[0].id == created.id
    assert newest[0].status == MediaStatus.COMPLETED
    assert newest[0].url is None  # searches carry no download links
    snapshots = await amnimo.media.search(sub, categories=["SNAPSHOT"], page_size=1000)
    assert created.id not in {m.id for m in snapshots}
    oldest_first = await amnimo.media.search(sub, sort_dir="asc", page_size=1000)
    assert oldest_first[-1].id == created.id
    of_camera = await amnimo.media.search(sub, camera_id, categories=["CLIP", "SNAPSHOT"], page_size=3)
    assert of_camera[0].id == created.id

    renamed = await amnimo.media.rename(sub, created.id, "入口 clip ✓")
    assert renamed.name == "入口 clip ✓"
    assert (await amnimo.media.get(sub, created.id)).name == "入口 clip ✓"

    await amnimo.media.delete(sub, created.id)
    with pytest.raises(NotFoundError):
        await amnimo.media.get(sub, created.id)
    with pytest.raises(NotFoundError):
        await amnimo.media.delete(sub, created.id)
    with pytest.raises(NotFoundError):
        await amnimo.media.rename(sub, created.id, "gone")
    after = await amnimo.media.search(sub, page_size=1000)
    assert created.id not in {m.id for m in after}
    assert len(after) == 50

    journal = server.journal
    assert journal.token_calls == 1
    assert journal.count(route="createMedia") == 1
    assert journal.count(route="deleteMedia", status=204) == 1
    assert journal.count(route="downloadMedia") == 2


async def test_snapshot_downloads_as_an_image(serve: Serve, connect: Connect, clock: ManualClock) -> None:
    server = serve(media_processing_delay=2.0)
    amnimo = connect(server)
    sub = server.subscription_ids[1]
    snapshot = await amnimo.media.create(
        sub, server.world.camera_id(sub, 0), category="SNAPSHOT", start_time=at(clock() - 60)
    )
    assert snapshot.type == "IMAGE"
    assert snapshot.end_time == snapshot.start_time
    clock.advance(2)
    done = await amnimo.media.get(sub, snapshot.id)
    assert done.url is not None
    async with httpx.AsyncClient() as http:
        image = await http.get(done.url)
    assert image.headers["content-type"] == "image/jpeg"
    assert len(image.content) == done.size


async def test_hls_flow(serve: Serve, connect: Connect, clock: ManualClock) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[0]
    camera_id = server.world.camera_id(sub, 3)

    session = await amnimo.streams.start_hls(sub, camera_id, dt="live", keep_alive_period=60)
    assert session.request_id
    assert session.url is not None
    live = server.world.hls_sessions()
    assert [(s.request_id, s.camera_id, s.dt, s.keep_alive) for s in live] == [
        (session.request_id, camera_id, "live", 60)
    ]
    async with httpx.AsyncClient() as http:
        playlist = await http.get(session.url)
        assert playlist.status_code == 200
        assert playlist.text.startswith("#EXTM3U")

        clock.advance(50)
        assert (await amnimo.streams.update_hls(sub, camera_id, session.request_id)).result == "OK"
        clock.advance(50)  # 100 s after the start, but only 50 after the update
        assert (await amnimo.streams.update_hls(sub, camera_id, session.request_id)).result == "OK"
        assert (await amnimo.streams.stop_hls(sub, camera_id, session.request_id)).result == "OK"
        assert server.world.hls_sessions() == []
        assert (await http.get(session.url)).status_code == 404

    with pytest.raises(NotFoundError):
        await amnimo.streams.update_hls(sub, camera_id, session.request_id)
    with pytest.raises(NotFoundError):
        await amnimo.streams.stop_hls(sub, camera_id, session.request_id)

    # a session nobody keeps alive ends by the clock
    past = await amnimo.streams.start_hls(sub, camera_id, dt=at(clock() - 7200), keep_alive_period=10)
    assert server.world.hls_sessions()[0].dt.endswith("Z")
    clock.advance(10)
    with pytest.raises(NotFoundError) as info:
        await amnimo.streams.update_hls(sub, camera_id, past.request_id)
    assert info.value.message == "Request not found"

    # a request id belongs to its camera
    other = await amnimo.streams.start_hls(sub, camera_id, dt="live")
    with pytest.raises(NotFoundError):
        await amnimo.streams.update_hls(sub, server.world.camera_id(sub, 4), other.request_id)
    assert (await amnimo.streams.stop_hls(sub, camera_id, other.request_id)).result == "OK"

    journal = server.journal
    assert journal.token_calls == 1
    assert journal.count(route="startHls") == 3
    assert journal.count(route="updateHls", status=404) == 3
    assert journal.count(route="stopHls", status=404) == 1


async def test_port_flow(serve: Serve, connect: Connect, clock: ManualClock) -> None:
    server = serve()
    amnimo = connect(server)
    sub = server.subscription_ids[2]
    device_id = server.world.device_id(sub, 1)

    async def states() -> dict[str, object]:
        ports = await amnimo.devices.peripherals(sub, device_id)
        return {port.id: port.act_status for port in ports.data}

    before = await states()
    assert set(before) == {"POE0", "POE1", "POE2", "POE3"}

    await amnimo.devices.operate_port(sub, device_id, "POE0", action=PortAction.DISABLE)
    assert (await states())["POE0"] == ActivationStatus.DISABLED
    await amnimo.devices.operate_port(sub, device_id, "POE0", action=PortAction.ENABLE)
    assert (await states())["POE0"] == ActivationStatus.ENABLED

    await amnimo.devices.operate_port(sub, device_id, "POE2", action=PortAction.RESET, reset_timer=30)
    after_reset = await states()
    assert after_reset["POE2"] == ActivationStatus.DISABLED
    assert {k: v for k, v in after_reset.items() if k not in ("POE0", "POE2")} == {
        k: v for k, v in before.items() if k not in ("POE0", "POE2")
    }
    clock.advance(29)
    assert (await states())["POE2"] == ActivationStatus.DISABLED
    clock.advance(1)
    assert (await states())["POE2"] == ActivationStatus.ENABLED

    # another device's ports are untouched
    other = await amnimo.devices.peripherals(sub, server.world.device_id(sub, 0))
    assert [p.act_status for p in other.data] == [p["actStatus"] for p in server.world.peripherals(sub, 0)]

    journal = server.journal
    assert journal.token_calls == 1
    assert journal.count(route="operatePort", status=200) == 3
    assert journal.count(route="listPeripherals", status=200) == 7
