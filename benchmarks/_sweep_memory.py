"""The sweep benchmark's memory measurement: the peak RSS of a process streaming 100,000 cameras
of one subscription to a JSONL file, the fake in a process of its own, and what the walk's
seen-set holds. ``python -m benchmarks.sweep memory`` runs it alone.
"""

from __future__ import annotations

import contextlib
import random
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from amnimo_async._seen import SeenIds

from ._sweep_contenders import REPO, SEED, _child_env, _last_json
from ._util import check, table, verdict

RSS_CAMERAS = 100_000
RSS_TARGET_MB = 100.0


LAUNCHER = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"
"""Starts the measured sweep from a small process, so its ``ru_maxrss`` is its own."""


# --- memory: streaming 100,000 cameras to a file ---------------------------------------------


@contextlib.contextmanager
def fake_process(*args: str) -> Iterator[dict[str, str]]:
    """``python -m amnimo_async.testing serve ARGS`` in its own process; yields what it printed."""
    command = [sys.executable, "-m", "amnimo_async.testing", "serve", "--host", "127.0.0.1", "--port", "0"]
    process = subprocess.Popen([*command, *args], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert process.stdout is not None
        printed: dict[str, str] = {}
        while "subscriptions" not in printed:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"the fake exited early (code {process.wait()})")
            name, sep, value = line.partition(":")
            if sep and name in ("base URL", "client ID", "secret key", "account ID", "subscriptions"):
                printed[name] = value.strip()
        yield printed
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def run_rss() -> dict[str, Any]:
    """Peak RSS of a process streaming a 100,000-camera sweep to JSONL (fake in another process)."""
    fake_args = ["--seed", "1", "--subscriptions", "1", "--cameras", str(RSS_CAMERAS)]
    fake_args += ["--media", "0", "--devices", "0", "--no-rate-limit"]
    with fake_process(*fake_args) as fake, tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / "inventory.jsonl"
        env = _child_env(fake["base URL"], fake["client ID"], fake["secret key"])
        # Through a bare launcher: on Linux ``ru_maxrss`` carries over from the address space a
        # process is exec'ed from, and this process (fakes, 26,000 items) is far bigger.
        command = [sys.executable, "-c", LAUNCHER, sys.executable, "-m", "benchmarks._hammer", "stream"]
        command += ["--account-id", fake["account ID"], "--out", str(out)]
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=180)
        if done.returncode:
            raise RuntimeError(f"the streaming sweep failed: {done.stderr[-2000:]}")
        report = _last_json(done.stdout)
        with out.open("rb") as written:
            lines = sum(1 for _ in written)
        check(lines == report["written"], "the file holds one line per record written")
        report["file_mb"] = round(out.stat().st_size / (1024 * 1024), 1)
    return report


def seen_set_bytes(count: int = RSS_CAMERAS) -> tuple[int, int]:
    """What remembering ``count`` uuids costs a walk (:class:`SeenIds`, ``sys.getsizeof`` of its
    table and keys), against the same ids kept as text in a set."""
    rng = random.Random(SEED)
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count)]
    seen = SeenIds()
    for item in ids:
        seen.add(item)
    as_text = sys.getsizeof(set(ids)) + sum(sys.getsizeof(item) for item in ids)
    return seen.footprint(), as_text


def print_memory(rss: dict[str, Any]) -> None:
    """The memory section: the streaming sweep's peak RSS, and what its seen-sets hold."""
    print(f"### Memory: {RSS_CAMERAS:,} cameras of one subscription streamed to JSONL")
    print()
    print(
        "Fake in its own process (`python -m amnimo_async.testing serve --cameras 100000 --subscriptions 1"
        " --media 0 --devices 0 --no-rate-limit`), sweep in another (`AsyncAmnimo(rate=None).inventory`,"
        " one `json.dumps(unstructure(item))` line per record); peak RSS is the sweeping process's own"
        " `ru_maxrss` (started from a bare launcher, as Linux carries `ru_maxrss` over an exec), with"
        " Linux's `VmHWM` as a cross-check."
    )
    print()
    print(
        table(
            ["Sweep", "peak RSS MB", "VmHWM MB", "after imports MB", "items written", "requests", "wall s"],
            [
                [
                    "`inventory` → JSONL",
                    f"{rss['peak_rss_mb']:.1f}",
                    "–" if rss["vm_hwm_mb"] is None else f"{rss['vm_hwm_mb']:.1f}",
                    f"{rss['rss_after_imports_mb']:.1f}",
                    f"{rss['written']:,} ({rss['file_mb']:.0f} MB)",
                    f"{rss['requests']}",
                    f"{rss['seconds']:.1f}",
                ]
            ],
        )
    )
    print()
    held, as_text = seen_set_bytes()
    print(
        f"Of that, the walk's seen-set (each id handed out once) holds {held / 2**20:.1f} MiB for"
        f" {RSS_CAMERAS:,} ids, {held / RSS_CAMERAS:.0f} bytes an id (`sys.getsizeof` of the set and its"
        f" 128-bit integer keys; the same ids as text: {as_text / 2**20:.1f} MiB)."
    )
    print()


def memory() -> None:
    """Only the memory measurement: ``python -m benchmarks.sweep memory``."""
    rss = run_rss()
    print_memory(rss)
    ok = rss["peak_rss_mb"] < RSS_TARGET_MB and rss["written"] == RSS_CAMERAS
    print(verdict(f"peak RSS < {RSS_TARGET_MB:g} MB", ok, f"{rss['peak_rss_mb']:.1f} MB"))
