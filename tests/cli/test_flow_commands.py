"""The flows from the shell: ``stream live`` (until Ctrl-C), ``media export``, ``media download``,
``devices reset-port`` and ``cameras gaps``, run in subprocesses against a fresh FakeAmnimo each."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from amnimo_async import AsyncAmnimo, InMemoryTokenCache
from amnimo_async.testing import FakeAmnimo, Fault
from amnimo_async.testing._server import FakeServer

from .conftest import PROFILE, Runner, environment
from .test_command import one_error_line

LIVE_TIMEOUT = 60.0
"""Seconds a child may take to end (never reached when the command works)."""

# The command, started with the default Ctrl-C handling: a child of a shell without job control
# (CI, nohup) inherits SIGINT ignored, and Python keeps it ignored.
WITH_CTRL_C = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from amnimo_async.cli import main; main(sys.argv[1:])"
)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeAmnimo(seed=3, profile=PROFILE, rate=None, media_processing_delay=0.5).serve() as running:
        yield running


@pytest.fixture
def run(server: FakeServer, tmp_path: Path) -> Runner:
    return Runner(server, tmp_path / "cache")


def start_live(server: FakeServer, cache: Path, *args: str) -> subprocess.Popen[str]:
    sub = server.subscription_ids[0]
    return subprocess.Popen(
        [sys.executable, "-c", WITH_CTRL_C, "stream", "live", sub, server.world.camera_id(sub, 1), *args],
        env=environment(server, cache),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def finish(child: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        return child.communicate(timeout=LIVE_TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


# --- stream live ------------------------------------------------------------------------------------


def test_stream_live_prints_the_url_and_stops_the_session_once_on_ctrl_c(
    server: FakeServer, tmp_path: Path
) -> None:
    child = start_live(server, tmp_path / "cache", "--keep-alive", "30")
    assert child.stdout is not None
    url = child.stdout.readline().strip()  # printed once the session runs
    [session] = server.world.hls_sessions()
    assert url.startswith("http://127.0.0.1:")
    assert session.keep_alive == 30

    child.send_signal(signal.SIGINT)
    out, err = finish(child)

    assert child.returncode == 0, err
    assert out == ""  # nothing after the URL
    assert f"keeping HLS session {session.request_id} alive (an update every 15 s)" in err
    assert f"stopped HLS session {session.request_id}" in err
    assert "Traceback" not in err
    assert server.world.hls_sessions() == []
    journal = server.journal
    assert journal.count(route="startHls") == 1
    assert journal.count(route="stopHls") == journal.count(route="stopHls", status=200) == 1


@pytest.mark.slow  # the first update is due half a keep-alive period (5 s) after the start
def test_stream_live_ends_with_an_error_when_the_session_ends_by_itself(
    server: FakeServer, tmp_path: Path
) -> None:
    child = start_live(server, tmp_path / "cache", "--keep-alive", "10")
    assert child.stdout is not None
    child.stdout.readline()
    [session] = server.world.hls_sessions()
    assert server.world.stop_hls(session.request_id, session.subscription_id, session.camera_id)

    _, err = finish(child)

    assert child.returncode == 5  # the refused update's code: not found
    [line] = [line for line in err.splitlines() if line.startswith("amnimo: error: ")]
    assert f"HLS session {session.request_id} ended" in line
    assert "Traceback" not in err
    assert server.journal.count(route="updateHls", status=404) == 1
    assert server.journal.count(route="stopHls") == 0  # nothing left to stop


def test_stream_live_refuses_a_bad_period_before_starting(run: Runner, server: FakeServer) -> None:
    sub = server.subscription_ids[0]
    result = run("stream", "live", sub, server.world.camera_id(sub, 1), "--keep-alive", "5")
    assert result.code == 2
    assert "keep_alive_period" in one_error_line(result.stderr)
    assert len(server.journal) == 0


# --- media export and download -----------------------------------------------------------------------


def clip_arguments(server: FakeServer) -> list[str]:
    sub = server.subscription_ids[0]
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=10)
    window = ["--start", start.isoformat(), "--end", (start + timedelta(seconds=40)).isoformat()]
    return [sub, server.world.camera_id(sub, 1), "--category", "CLIP", *window]


def test_media_export_shows_the_media_and_the_file(run: Runner, server: FakeServer, tmp_path: Path) -> None:
    target = tmp_path / "gate.mp4"
    result = run(
        "--progress",
        "media",
        "export",
        *clip_arguments(server),
        "--name",
        "gate",
        "-o",
        str(target),
        "-f",
        "json",
    )
    assert result.code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["path"] == str(target)
    assert shown["size"] == target.stat().st_size > 0
    record = server.world.find_media(server.subscription_ids[0], shown["mediaId"])
    assert record is not None
    assert record.name == "gate"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "gate.mp4"]  # nothing partial
    assert "gate.mp4" in result.stderr  # the progress bar, on stderr
    assert "sig=" not in result.stdout + result.stderr  # the presigned URL is never shown
    journal = server.journal
    assert journal.count(route="createMedia") == 1
    assert journal.count(route="downloadMedia") == journal.count(route="downloadMedia", status=200) == 1


def test_media_export_into_a_folder_as_a_table(run: Runner, server: FakeServer, tmp_path: Path) -> None:
    result = run("media", "export", *clip_arguments(server), "-o", str(tmp_path))
    assert result.code == 0, result.stderr
    [created] = [e for e in server.journal.entries if e.route == "createMedia"]
    files = [path for path in tmp_path.iterdir() if path.suffix == ".mp4"]
    assert len(files) == 1
    assert files[0].stem in result.stdout  # the media id names the file, and is shown
    assert str(files[0]) in result.stdout
    assert created.status == 200


@pytest.mark.parametrize(
    ("setup", "code", "says"),
    [
        ("failed media", 1, "the wait failed: media {media} failed (status FAILED)"),
        ("storage 404", 5, "the download failed"),
    ],
)
def test_media_export_failing_part_way_names_the_created_media(
    run: Runner, server: FakeServer, tmp_path: Path, setup: str, code: int, says: str
) -> None:
    if setup == "failed media":
        server.world.fail_new_media = True
    else:
        server.faults.add(Fault(route="downloadMedia", kind="status", status=404))
    result = run("media", "export", *clip_arguments(server), "-o", str(tmp_path / "clip.mp4"))
    assert result.code == code
    line = one_error_line(result.stderr)
    found = re.search(r"media (\S+) was created, but", line)
    assert found is not None, line
    media = found[1]
    assert server.world.find_media(server.subscription_ids[0], media) is not None
    assert says.format(media=media) in line
    assert server.journal.count(route="createMedia") == 1  # never created twice
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache"]


def test_media_export_refuses_bad_arguments_before_creating(
    run: Runner, server: FakeServer, tmp_path: Path
) -> None:
    result = run("media", "export", *clip_arguments(server), "--category", "VIDEO", "-o", str(tmp_path))
    assert result.code == 2
    assert "category" in one_error_line(result.stderr)
    missing = run(
        "media", "export", *clip_arguments(server), "-o", str(tmp_path / "no-such-folder" / "x.mp4")
    )
    assert missing.code == 2
    assert "to:" in one_error_line(missing.stderr)
    assert len(server.journal) == 0


def test_media_download_of_a_media_still_processing(tmp_path: Path) -> None:
    with FakeAmnimo(seed=3, profile=PROFILE, rate=None, media_processing_delay=3600).serve() as server:
        run = Runner(server, tmp_path / "cache")
        sub = server.subscription_ids[0]
        created = run("media", "create", sub, server.world.camera_id(sub, 1), "--start", "-1m", "-f", "json")
        media_id = json.loads(created.stdout)["id"]
        result = run("media", "download", sub, media_id, "-o", str(tmp_path))
        assert result.code == 1
        assert f"media {media_id} has no file yet (status PROCESSING)" in one_error_line(result.stderr)
        assert sorted(path.name for path in tmp_path.iterdir()) == ["cache"]
        assert server.journal.count(route="downloadMedia") == 0


def test_media_download_into_the_current_folder(run: Runner, server: FakeServer, tmp_path: Path) -> None:
    sub = server.subscription_ids[0]
    media = json.loads(run("media", "search", sub, "--format", "json").stdout)
    done = next(m for m in media if m.get("status") == "COMPLETED" and m.get("size"))
    name = done["id"] + {"VIDEO": ".mp4", "IMAGE": ".jpg"}[done["type"]]
    folder = tmp_path / "here"
    folder.mkdir()
    result = run("--progress", "media", "download", sub, done["id"], cwd=folder)
    assert result.code == 0, result.stderr
    assert [path.name for path in folder.iterdir()] == [name]
    assert (folder / name).stat().st_size == done["size"]
    assert f"saved {name}" in result.stderr


# --- devices reset-port, cameras gaps -----------------------------------------------------------------


def test_devices_reset_port(run: Runner, server: FakeServer) -> None:
    sub = server.subscription_ids[0]
    device = server.world.device_id(sub, 0)
    port = server.world.peripherals(sub, 0)[0]["id"]

    result = run("devices", "reset-port", sub, device, port, "--seconds", "30")
    assert result.code == 0, result.stderr
    assert f"reset port {port} of device {device}: back in 30 s" in result.stderr
    assert next(p["actStatus"] for p in server.world.peripherals(sub, 0) if p["id"] == port) == "DISABLED"

    waited = run("devices", "reset-port", sub, device, port, "--seconds", "1", "--wait", "-f", "json")
    assert waited.code == 0, waited.stderr
    shown = json.loads(waited.stdout)
    assert (shown["id"], shown["actStatus"]) == (port, "ENABLED")
    assert server.journal.count(route="operatePort", status=200) == 2
    assert server.journal.count(route="listPeripherals") >= 1

    bad = run("devices", "reset-port", sub, device, port, "--seconds", "0")
    assert bad.code == 2
    assert server.journal.count(route="operatePort") == 2


async def test_cameras_gaps_shows_the_timeline_and_the_gaps(run: Runner, server: FakeServer) -> None:
    sub = server.subscription_ids[0]
    camera = server.world.camera_id(sub, 4)
    end = datetime.now(timezone.utc).replace(microsecond=0)
    start = end - timedelta(hours=12)
    window = ["--start", start.isoformat(), "--end", end.isoformat()]

    table = run("cameras", "gaps", sub, camera, *window, "--width", "48")
    as_json = run("cameras", "gaps", sub, camera, *window, "-f", "json")

    assert table.code == as_json.code == 0, table.stderr + as_json.stderr
    async with AsyncAmnimo(
        server.client_id, server.secret_key, base_url=server.base_url, token_cache=InMemoryTokenCache()
    ) as amnimo:
        expected = await amnimo.cameras.recording_gaps(sub, camera, start_time=start, end_time=end)
    assert expected, "the test needs a camera with gaps in the window"
    assert json.loads(as_json.stdout) == [
        {"start": gap.start.isoformat(), "end": gap.end.isoformat(), "seconds": gap.duration.total_seconds()}
        for gap in expected
    ]
    timeline, summary, *rest = table.stdout.splitlines()
    cells = timeline.split(" ")[2]
    assert len(cells) == 48
    assert set(cells) <= {"█", "▒", "·"}
    assert "·" in cells or "▒" in cells
    assert summary.startswith(f"{len(expected)} gap{'' if len(expected) == 1 else 's'}: ")
    assert any(expected[0].start.isoformat() in line for line in rest)  # the table


def test_ctrl_c_during_any_command_is_one_line_and_code_130(server: FakeServer, tmp_path: Path) -> None:
    server.faults.add(Fault(route="getHierarchy", kind="latency", latency=30.0))
    child = subprocess.Popen(
        [sys.executable, "-c", WITH_CTRL_C, "hierarchy", server.account_id],
        env=environment(server, tmp_path / "cache"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    deadline = time.monotonic() + LIVE_TIMEOUT
    while server.journal.in_flight == 0:  # the request sits in the fake
        assert time.monotonic() < deadline, "the request never arrived"
        assert child.poll() is None, child.communicate()
        time.sleep(0.01)
    child.send_signal(signal.SIGINT)
    out, err = finish(child)
    assert child.returncode == 130
    assert out == ""
    assert one_error_line(err) == "amnimo: error: interrupted"
