"""media.export: create once, wait, download; everything checked before the create is sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from amnimo_async import (
    Export,
    ExportError,
    MediaFailedError,
    MediaStatus,
    MediaTimeoutError,
    ValidationError,
)
from amnimo_async.testing import FakeServer, Fault, ManualClock

from ..integration.conftest import Connect, Serve, at, settled
from .conftest import VirtualTime, file_content, listing


def clip_window(clock: ManualClock) -> dict[str, datetime]:
    return {"start_time": at(clock() - 600), "end_time": at(clock() - 560)}


def camera_of(server: FakeServer) -> tuple[str, str]:
    sub = server.subscription_ids[0]
    return sub, server.world.camera_id(sub, 1)


async def export_clip(
    server: FakeServer, connect: Connect, clock: ManualClock, to: Path, **options: Any
) -> Export:
    """Export a 40-second clip of ten minutes ago to ``to``, in virtual time."""
    sub, camera = camera_of(server)
    amnimo = VirtualTime(clock).install(connect(server))
    return await amnimo.media.export(sub, camera, category="CLIP", to=to, **clip_window(clock), **options)


async def test_export_end_to_end_through_a_cut(
    serve: Serve, connect: Connect, clock: ManualClock, tmp_path: Path
) -> None:
    server = serve(media_processing_delay=30.0)
    amnimo = connect(server)
    sub, camera = camera_of(server)
    server.faults.add(Fault(route="downloadMedia", kind="reset_mid_body", keep=0.5, schedule=[1]))
    VirtualTime(clock).install(amnimo)
    window = clip_window(clock)
    progress: list[tuple[int, int | None]] = []

    export = await amnimo.media.export(
        sub,
        camera,
        category="CLIP",
        name="gate, 10 minutes ago",
        to=tmp_path / "gate.mp4",
        on_progress=lambda done, total: progress.append((done, total)),
        **window,
    )

    assert isinstance(export, Export)
    media, path = export.media, export.path
    assert media.status == MediaStatus.COMPLETED
    assert (media.camera_id, media.category, media.name) == (camera, "CLIP", "gate, 10 minutes ago")
    assert (media.start_time, media.end_time) == (window["start_time"], window["end_time"])
    assert path == tmp_path / "gate.mp4"
    assert path.read_bytes() == file_content(media)
    assert listing(tmp_path) == ["gate.mp4"]
    assert progress[-1] == (media.size, media.size)
    await settled(server)
    journal = server.journal
    assert journal.count(route="createMedia") == 1
    assert journal.count(route="getMedia") == 7  # 0, 1, 3, 7, 15, 25, 35 s
    assert [e.status for e in journal.entries if e.route == "downloadMedia"] == [200, 206]


async def test_a_snapshot_into_a_folder(
    serve: Serve, connect: Connect, clock: ManualClock, tmp_path: Path
) -> None:
    server = serve()
    amnimo = VirtualTime(clock).install(connect(server))
    sub, camera = camera_of(server)
    export = await amnimo.media.export(
        sub,
        camera,
        category="SNAPSHOT",
        start_time=at(clock() - 60),
        to=tmp_path,
    )
    assert export.path == tmp_path / f"{export.media.id}.jpg"
    assert export.path.read_bytes() == file_content(export.media)


@pytest.mark.parametrize(
    ("change", "argument"),
    [
        ({"category": "VIDEO"}, "category"),
        ({"name": ""}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"end_time": "yesterday"}, "end_time"),
        ({"start_time": datetime(2026, 3, 1)}, "start_time"),  # naive
        ({"end_time_before_start": True}, "end_time"),
        ({"camera_id": "gate"}, "camera_id"),
        ({"to": "missing-folder/clip.mp4"}, "to"),
        ({"to": None}, "to"),
        ({"timeout": 0}, "timeout"),
    ],
)
async def test_nothing_is_created_when_an_argument_is_wrong(
    serve: Serve, connect: Connect, clock: ManualClock, tmp_path: Path, change: dict[str, Any], argument: str
) -> None:
    server = serve()
    amnimo = connect(server)
    sub, camera = camera_of(server)
    arguments: dict[str, Any] = {
        "camera_id": camera,
        "category": "CLIP",
        "to": tmp_path / "clip.mp4",
        **clip_window(clock),
    }
    if change.pop("end_time_before_start", False):
        change["end_time"] = arguments["start_time"] - timedelta(seconds=1)
    if isinstance(change.get("to"), str):
        change["to"] = tmp_path / change["to"]
    arguments.update(change)

    with pytest.raises(ValidationError) as info:
        await amnimo.media.export(sub, **arguments)

    assert info.value.argument == argument
    assert len(server.journal) == 0
    assert listing(tmp_path) == []


async def test_a_failed_media_is_reported_with_the_created_media(
    serve: Serve, connect: Connect, clock: ManualClock, tmp_path: Path
) -> None:
    server = serve(media_processing_delay=5.0)
    server.world.fail_new_media = True

    with pytest.raises(ExportError) as info:
        await export_clip(server, connect, clock, tmp_path / "clip.mp4")

    error = info.value
    assert error.stage == "wait"
    assert isinstance(error.__cause__, MediaFailedError)
    assert server.world.find_media(server.subscription_ids[0], error.media.id) is not None
    assert error.media.id in str(error)
    assert server.journal.count(route="createMedia") == 1
    assert server.journal.count(route="downloadMedia") == 0
    assert listing(tmp_path) == []


async def test_a_timeout_leaves_the_media_to_wait_for_again(
    serve: Serve, connect: Connect, clock: ManualClock, tmp_path: Path
) -> None:
    server = serve(media_processing_delay=1000.0)

    with pytest.raises(ExportError) as info:
        await export_clip(server, connect, clock, tmp_path / "clip.mp4", timeout=60)

    assert isinstance(info.value.__cause__, MediaTimeoutError)
    assert info.value.__cause__.media_id == info.value.media.id
    assert server.journal.count(route="createMedia") == 1


async def test_a_failed_download_is_reported_with_the_media(
    serve: Serve, connect: Connect, clock: ManualClock, tmp_path: Path
) -> None:
    server = serve()
    server.faults.add(Fault(route="downloadMedia", kind="status", status=404))

    with pytest.raises(ExportError) as info:
        await export_clip(server, connect, clock, tmp_path / "clip.mp4")

    error = info.value
    assert error.stage == "download"
    assert error.media.status == MediaStatus.COMPLETED
    await settled(server)
    assert server.journal.count(route="createMedia") == 1
    assert server.journal.count(route="downloadMedia") == 1
    assert listing(tmp_path) == []
