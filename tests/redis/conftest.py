"""Fixtures of the Redis tests: a real ``redis-server``, fakes on loopback, worker processes.

``redis_server`` starts the Debian ``redis-server`` on 127.0.0.1 on a free port with persistence
off, as a child process (not daemonized), waits until it answers PING, and stops it by its pid.
A test can kill it (``kill()``) and start it again on the same port (``start()``). There is no
skipping: without ``redis-server`` these tests fail, saying how to install it (CI's ``.ci/run``
does).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from amnimo_async import AsyncAmnimo
from amnimo_async._ratelimit import Limiter
from amnimo_async.testing import FakeAmnimo, FakeServer

REPO = Path(__file__).resolve().parents[2]
_READY_TIMEOUT = 10.0


def redis_executable() -> str:
    """The ``redis-server`` binary, or a test failure that says how to get it."""
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )
    if found is None:
        pytest.fail(
            "redis-server is not installed: the Redis tests run a real one. Install the Debian "
            "package (apt-get install redis-server; .ci/run does it on CI).",
            pytrace=False,
        )
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def answers_ping(port: int) -> bool:
    """Whether a Redis server on ``port`` answers PING (a raw RESP exchange)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One ``redis-server`` child process on a fixed loopback port."""

    def __init__(self, executable: str, port: int, directory: Path) -> None:
        self.executable = executable
        self.port = port
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it (again) on :attr:`port`; return once it answers PING."""
        command = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + _READY_TIMEOUT
        while not answers_ping(self.port):
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise RuntimeError(f"redis-server exited with {self.process.returncode}: {error[-500:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not answer PING on port {self.port}")
            time.sleep(0.01)

    def kill(self) -> None:
        """SIGKILL it by its pid (Redis lost mid-sweep) and reap it."""
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        """SIGTERM it by its pid and reap it (SIGKILL if it lingers)."""
        self._signal(signal.SIGTERM)

    def _signal(self, number: int) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, number)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A fresh, empty ``redis-server`` for one test."""
    executable = redis_executable()
    directory = tmp_path / "redis"
    directory.mkdir()
    server = None
    for _ in range(3):  # a free port can be taken between looking and binding: try another
        candidate = RedisServer(executable, free_port(), directory)
        try:
            candidate.start()
        except RuntimeError:
            continue
        server = candidate
        break
    if server is None:
        pytest.fail("redis-server would not start on a free loopback port", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def redis_client(redis_server: RedisServer) -> AsyncIterator[aioredis.Redis]:
    """A plain redis-py client of ``redis_server``, to look at what the SDK stored."""
    client = aioredis.Redis.from_url(redis_server.url)
    try:
        yield client
    finally:
        await client.aclose()


Serve = Callable[..., FakeServer]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Factory: ``serve(**FakeAmnimo options)``, a fake on loopback, stopped after the test."""
    with contextlib.ExitStack() as stack:

        def start(**options: Any) -> FakeServer:
            options.setdefault("seed", 5)
            return stack.enter_context(FakeAmnimo(**options).serve())

        yield start


def use_limiter(amnimo: AsyncAmnimo, limiter: Limiter) -> AsyncAmnimo:
    """Give ``amnimo`` this rate limiter (the one place to change when the client takes
    ``rate_limiter=``)."""
    amnimo.transport.limiter = limiter
    return amnimo


def client_of(server: FakeServer, **options: Any) -> AsyncAmnimo:
    """An ``AsyncAmnimo`` of the fake's first client ID."""
    return AsyncAmnimo(server.client_id, server.secret_key, base_url=server.base_url, **options)


# --- worker processes ---------------------------------------------------------------------------


def start_workers(
    count: int, task: str, server: FakeServer, redis_url: str, *extra: str
) -> list[subprocess.Popen[str]]:
    """``count`` processes of ``tests/redis/_worker.py TASK``, each waiting for a line on stdin.

    Credentials go through the environment (never the command line, where ``ps`` shows them).
    """
    env = dict(os.environ)
    env.update(
        AMNIMO_BASE_URL=server.base_url,
        AMNIMO_CLIENT_ID=server.client_id,
        AMNIMO_SECRET_KEY=server.secret_key,
        AMNIMO_TEST_REDIS_URL=redis_url,
        AMNIMO_TEST_ACCOUNT=server.account_id,
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    command = [sys.executable, str(Path(__file__).with_name("_worker.py")), task, *extra]
    return [
        subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for _ in range(count)
    ]


def run_together(workers: Sequence[subprocess.Popen[str]], *, timeout: float = 120) -> list[dict[str, Any]]:
    """Wait until every worker is ready, release them at once, and collect their JSON reports."""
    try:
        for worker in workers:
            assert worker.stdout is not None
            line = worker.stdout.readline().strip()
            assert line == "ready", (
                f"a worker did not start: {line!r} {worker.stderr.read() if worker.stderr else ''}"
            )
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        reports = []
        for worker in workers:
            out, err = worker.communicate(timeout=timeout)
            assert worker.returncode == 0, f"a worker failed: {err[-3000:]}"
            reports.append(json.loads(out.strip().splitlines()[-1]))
        return reports
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
