"""Fixtures of the Redis tests: a real ``redis-server``, fakes on loopback, worker processes.

``redis_server`` starts the Debian ``redis-server`` on 127.0.0.1 on a free port with persistence
off, as a child process (not daemonized), waits until it answers PING, and stops it by its pid
(:class:`amnimo_async.testing._redis_server.RedisServer`). A test can kill it (``kill()``) and
start it again on the same port (``start()``). There is no skipping: without ``redis-server``
these tests fail, saying how to install it (CI's ``.ci/run`` does).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from amnimo_async import AsyncAmnimo
from amnimo_async.testing import FakeAmnimo, FakeServer
from amnimo_async.testing._redis_server import RedisServer, RedisServerMissing

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A fresh, empty ``redis-server`` for one test (never skipped: without one, a clear failure)."""
    directory = tmp_path / "redis"
    directory.mkdir()
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(RedisServer.started(directory))
        except RedisServerMissing as exc:
            pytest.fail(str(exc), pytrace=False)
        yield server


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


def client_of(server: FakeServer, **options: Any) -> AsyncAmnimo:
    """An ``AsyncAmnimo`` of the fake's first client ID."""
    return AsyncAmnimo(server.client_id, server.secret_key, base_url=server.base_url, **options)


# --- worker processes ---------------------------------------------------------------------------


def start_workers(
    count: int, task: str, server: FakeServer, redis_url: str, *extra: str, machines: Path | None = None
) -> list[subprocess.Popen[str]]:
    """``count`` processes of ``tests/redis/_worker.py TASK``, each waiting for a line on stdin.

    Credentials go through the environment (never the command line, where ``ps`` shows them).
    With ``machines``, each process has a cache directory of its own below it (as on machines of
    their own: no file cache is shared).
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
    workers = []
    for index in range(count):
        if machines is not None:
            env["XDG_CACHE_HOME"] = str(machines / f"machine-{index}")
        workers.append(
            subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=dict(env),
            )
        )
    return workers


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
