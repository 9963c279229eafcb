"""``amnimo media watch`` and ``amnimo media search --since``, run in subprocesses against a fake on
loopback whose clock only moves when the test moves it."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from amnimo_async.testing import DataProfile, FakeAmnimo, FakeServer, ManualClock

from ..cli.conftest import Runner, command, environment
from .conftest import SEARCH

HANG_GUARD = 30.0


@pytest.fixture
def fake(clock: ManualClock) -> FakeAmnimo:
    return FakeAmnimo(
        seed=5, profile=DataProfile.explicit([{"cameras": 3, "media": 20}]), rate=None, clock=clock
    )


@pytest.fixture
def server(fake: FakeAmnimo) -> Iterator[FakeServer]:
    with fake.serve() as running:
        yield running


def lines_of(process: subprocess.Popen[str]) -> tuple[queue.Queue[str], threading.Thread]:
    """The lines the process prints, as they come, and the thread reading them (it ends when the
    process closes its output)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return lines, reader


def default_sigint() -> None:
    # A child started without job control inherits SIGINT ignored; Ctrl-C must reach it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_media_watch_prints_each_new_media_until_interrupted(
    fake: FakeAmnimo, server: FakeServer, clock: ManualClock, tmp_path: Path
) -> None:
    sub = server.subscription_ids[0]
    env = environment(server, tmp_path / "cache")
    process = subprocess.Popen(
        command("media", "watch", sub, "--every", "0.05"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        preexec_fn=default_sigint,
    )
    try:
        lines, reader = lines_of(process)
        deadline = time.monotonic() + HANG_GUARD
        while server.journal.count(route=SEARCH, status=200) < 1:  # where the list stands
            assert time.monotonic() < deadline, "the watch never polled"
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            time.sleep(0.01)
        clock.advance(1)
        first = fake.churn.apply(sub, "media_created", 2)
        printed = [json.loads(lines.get(timeout=HANG_GUARD)) for _ in range(2)]
        clock.advance(1)
        second = fake.churn.apply(sub, "media_created", 1)
        printed.append(json.loads(lines.get(timeout=HANG_GUARD)))
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=HANG_GUARD)
        reader.join(HANG_GUARD)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = process.stderr.read() if process.stderr else ""
    assert code == 130, stderr
    assert "interrupted" in stderr
    assert {line["id"] for line in printed[:2]} == {change.item_id for change in first}
    assert printed[2]["id"] == second[0].item_id
    assert all(line["requestedDateTime"].endswith("Z") and "cameraId" in line for line in printed)
    assert lines.empty()  # nothing else, each once


def test_media_search_since(fake: FakeAmnimo, server: FakeServer, clock: ManualClock, tmp_path: Path) -> None:
    sub = server.subscription_ids[0]
    since = clock()
    clock.advance(30)
    created = {change.item_id for change in fake.churn.apply(sub, "media_created", 3)}
    run = Runner(server, tmp_path / "cache")
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(since))
    done = run("media", "search", sub, "--since", iso, "--size", "2", "-f", "jsonl")
    assert done.code == 0, done.stderr
    assert {json.loads(line)["id"] for line in done.stdout.splitlines()} == created
    assert server.journal.count(route=SEARCH) == 2  # pages of 2: the second ends at an old one
    bad = run("media", "search", sub, "--since", "yesterday")
    assert bad.code == 2
    assert "since" in bad.stderr
    assert server.journal.count(route=SEARCH) == 2
