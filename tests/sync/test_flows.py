"""The flows through the blocking client, against the fake over loopback: ``with
amnimo.streams.live(...) as session:`` keeps the session alive from the client's loop thread while
the caller's thread does other things, and stops it exactly once however the block is left; the
other flows block until done. Time is the fake's manual clock, moved by the client's sleeps."""

from __future__ import annotations

import _thread
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from amnimo_async import (
    ActivationStatus,
    Amnimo,
    AsyncAmnimo,
    Export,
    Gap,
    InMemoryTokenCache,
    LiveSessionEndedError,
    MediaStatus,
    NotFoundError,
    SyncLiveSession,
)
from amnimo_async.testing import FakeServer, ManualClock

from ..flows.conftest import HANG_GUARD, VirtualTime, assert_kept_alive_then_stopped, file_content, listing
from ..integration.conftest import Serve, at, clock, serve

__all__ = ["clock", "serve"]

PERIOD = 20


class LoopTime(VirtualTime):
    """:class:`VirtualTime` for a blocking client: the caller's thread waits for
    :attr:`parked_here` (the sleeps themselves run in the client's loop thread)."""

    def __init__(self, clock: ManualClock, *, budget: int | None = None) -> None:
        super().__init__(clock, budget=budget)
        self.parked_here = threading.Event()

    async def sleep(self, seconds: float) -> None:
        if self.budget is not None and len(self.sleeps) >= self.budget:
            self.parked_here.set()
        await super().sleep(seconds)


async def _install(client: AsyncAmnimo, time: VirtualTime) -> None:
    time.install(client)


@pytest.fixture
def server(serve: Serve) -> FakeServer:
    return serve(media_processing_delay=30.0)


@pytest.fixture
def amnimo(server: FakeServer) -> Iterator[Amnimo]:
    with Amnimo(
        server.client_id,
        server.secret_key,
        base_url=server.base_url,
        rate=None,
        token_cache=InMemoryTokenCache(),
    ) as client:
        yield client


def on_virtual_time(amnimo: Amnimo, clock: ManualClock, *, budget: int | None = None) -> LoopTime:
    time = LoopTime(clock, budget=budget)
    amnimo.run(_install, time)
    return time


def camera_of(server: FakeServer) -> tuple[str, str]:
    sub = server.subscription_ids[0]
    return sub, server.world.camera_id(sub, 2)


# --- streams.live ---------------------------------------------------------------------------------


def test_the_session_is_kept_alive_while_the_caller_does_other_things(
    amnimo: Amnimo, server: FakeServer, clock: ManualClock
) -> None:
    sub, camera = camera_of(server)
    time = on_virtual_time(amnimo, clock, budget=4)
    started = clock()

    with amnimo.streams.live(sub, camera, keep_alive_period=PERIOD) as session:
        assert isinstance(session, SyncLiveSession)
        assert session.url is not None
        # Meanwhile this thread makes calls of its own, on the same client.
        assert amnimo.cameras.get(sub, camera).id == camera
        assert time.parked_here.wait(HANG_GUARD)  # four half periods have passed in the loop thread
        assert clock() - started == 2 * PERIOD
        [alive] = server.world.hls_sessions()
        assert alive.request_id == session.request_id
        assert alive.expires_at == clock() + PERIOD  # the last update was just now
        assert not session.ended.is_set()
        assert session.reason is None

    assert session.ended.is_set()
    assert_kept_alive_then_stopped(server, updates=4)


def test_an_exception_in_the_block_stops_the_session_once(
    amnimo: Amnimo, server: FakeServer, clock: ManualClock
) -> None:
    sub, camera = camera_of(server)
    on_virtual_time(amnimo, clock, budget=0)

    with pytest.raises(KeyError, match="the player crashed"), amnimo.streams.live(sub, camera):
        raise KeyError("the player crashed")

    assert server.world.hls_sessions() == []
    assert server.journal.count(route="stopHls") == server.journal.count(route="stopHls", status=200) == 1
    assert server.journal.count(route="updateHls") == 0


def test_ctrl_c_in_the_block_stops_the_session_once(
    amnimo: Amnimo, server: FakeServer, clock: ManualClock, ctrl_c: None
) -> None:
    sub, camera = camera_of(server)
    on_virtual_time(amnimo, clock, budget=0)

    session = amnimo.streams.live(sub, camera)

    def watch() -> None:
        with session:
            threading.Thread(target=_thread.interrupt_main).start()  # Ctrl-C, as the main thread sees it
            session.wait()  # blocks until interrupted

    with pytest.raises(KeyboardInterrupt):
        watch()

    assert session.ended.is_set()
    assert session.reason is None
    assert server.world.hls_sessions() == []
    assert server.journal.count(route="stopHls") == server.journal.count(route="stopHls", status=200) == 1


def test_a_session_that_ends_by_itself_raises_in_the_callers_thread(
    amnimo: Amnimo, server: FakeServer, clock: ManualClock
) -> None:
    sub, camera = camera_of(server)
    on_virtual_time(amnimo, clock)

    session = amnimo.streams.live(sub, camera)

    def watch() -> None:
        with session:
            assert server.world.stop_hls(session.request_id, sub, camera)  # the server drops it
            session.wait()

    with pytest.raises(LiveSessionEndedError) as ended:
        watch()

    assert ended.value.request_id == session.request_id
    assert isinstance(ended.value.reason, NotFoundError)
    journal = server.journal
    # On virtual time the keep-alive loop may renew the session before this thread drops it (how
    # often depends on the threads' pace); after the drop, one update is refused and none follows.
    updates = [entry.status for entry in journal.entries if entry.route == "updateHls"]
    assert updates[-1] == 404
    assert updates[:-1] == [200] * (len(updates) - 1)
    assert journal.count(route="stopHls") == 0  # nothing to stop: the server had dropped it


# --- the other flows, blocking ----------------------------------------------------------------------


def test_export_blocks_until_the_file_is_there(
    amnimo: Amnimo, server: FakeServer, clock: ManualClock, tmp_path: Path
) -> None:
    sub, camera = camera_of(server)
    on_virtual_time(amnimo, clock)
    progress: list[tuple[int, int | None]] = []

    export = amnimo.media.export(
        sub,
        camera,
        category="CLIP",
        start_time=at(clock() - 600),
        end_time=at(clock() - 560),
        to=tmp_path / "clip.mp4",
        on_progress=lambda done, total: progress.append((done, total)),
    )

    assert isinstance(export, Export)
    assert export.media.status == MediaStatus.COMPLETED
    assert export.path == tmp_path / "clip.mp4"
    assert export.path.read_bytes() == file_content(export.media)
    assert listing(tmp_path) == ["clip.mp4"]
    assert progress[-1] == (export.media.size, export.media.size)
    journal = server.journal
    assert journal.count(route="createMedia") == 1
    assert journal.count(route="getMedia") == 7  # at 0, 1, 3, 7, 15, 25 and 35 s
    assert journal.count(route="downloadMedia") == journal.count(route="downloadMedia", status=200) == 1


def test_wait_and_download_block(
    amnimo: Amnimo, server: FakeServer, clock: ManualClock, tmp_path: Path
) -> None:
    sub, camera = camera_of(server)
    time = on_virtual_time(amnimo, clock)
    created = amnimo.media.create(sub, camera, category="SNAPSHOT", start_time=at(clock() - 60))

    media = amnimo.media.wait(sub, created.id)
    path = amnimo.media.download(sub, media, tmp_path)

    assert media.status == MediaStatus.COMPLETED
    assert time.sleeps == [1, 2, 4, 8, 10, 10]
    assert path == tmp_path / f"{media.id}.jpg"
    assert path.read_bytes() == file_content(media)
    assert server.journal.count(route="getMedia") == 7
    assert server.journal.count(route="downloadMedia") == 1


def test_reset_port_and_recording_gaps_block(amnimo: Amnimo, server: FakeServer, clock: ManualClock) -> None:
    time = on_virtual_time(amnimo, clock)
    sub = server.subscription_ids[2]
    device = server.world.device_id(sub, 1)

    port = amnimo.devices.reset_port(sub, device, "POE1", seconds=15, wait=True)

    assert port is not None
    assert (port.id, port.act_status) == ("POE1", ActivationStatus.ENABLED)
    assert time.sleeps == [15]  # asked once, when the timer ended
    assert server.journal.count(route="operatePort") == 1
    assert server.journal.count(route="listPeripherals") == 1

    sub = server.subscription_ids[0]
    camera = server.world.camera_id(sub, 4)  # one that recorded, with gaps, in the last 12 hours
    end = datetime.fromtimestamp(clock(), timezone.utc)
    start = datetime.fromtimestamp(clock() - 12 * 3600, timezone.utc)
    gaps = amnimo.cameras.recording_gaps(sub, camera, start_time=start, end_time=end)
    assert gaps
    assert all(isinstance(gap, Gap) and start <= gap.start < gap.end <= end for gap in gaps)
    assert gaps == amnimo.run(_gaps_awaited, sub, camera, start, end)  # the same as the async client's
    assert server.journal.count(route="getHistory") == 2


async def _gaps_awaited(
    client: AsyncAmnimo, sub: str, camera: str, start: datetime, end: datetime
) -> list[Gap]:
    return await client.cameras.recording_gaps(sub, camera, start_time=start, end_time=end)
