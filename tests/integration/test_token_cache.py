"""The obvious cron script costs one token call, however often and however many at once it runs.

``async with AsyncAmnimo(id, secret, base_url=...) as a: await a.accounts.hierarchy(acc)`` (and
the same with the blocking ``Amnimo``) is run as real, cold Python processes against one fake
served on loopback, sharing only the user cache directory (the test's own, from the root
conftest), or, with ``AMNIMO_TOKEN_CACHE`` naming a real ``redis-server``, only Redis; the fake's
journal counts the token calls.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from amnimo_async.testing import FakeAmnimo, FakeServer, Fault
from amnimo_async.testing._redis_server import RedisServer

RUNS = 5
PROCESS_TIMEOUT = 60.0

CRON_SCRIPT = """
import asyncio, os, sys, time
from pathlib import Path

from amnimo_async import Amnimo, AsyncAmnimo

flavour, barrier = sys.argv[1], sys.argv[2]
client_id, secret_key = os.environ["CRON_CLIENT_ID"], os.environ["CRON_SECRET_KEY"]
base_url, account = os.environ["CRON_BASE_URL"], os.environ["CRON_ACCOUNT"]
if barrier != "-":  # started together: wait until every process is up before the first call
    Path(barrier, f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + 30
    while not Path(barrier, "go").exists() and time.monotonic() < deadline:
        time.sleep(0.005)


async def run_async():
    async with AsyncAmnimo(client_id, secret_key, base_url=base_url) as a:
        return await a.accounts.hierarchy(account)


def run_sync():
    with Amnimo(client_id, secret_key, base_url=base_url) as a:
        return a.accounts.hierarchy(account)


root = asyncio.run(run_async()) if flavour == "async" else run_sync()
print(root.account_id)
"""


@pytest.fixture
def cron(tmp_path: Path) -> Path:
    script = tmp_path / "cron.py"
    script.write_text(CRON_SCRIPT)
    return script


def start(
    script: Path, server: FakeServer, flavour: str, barrier: Path | None, **environment: str
) -> subprocess.Popen[str]:
    env = {
        **os.environ,  # XDG_CACHE_HOME and HOME: the test's own (tests/conftest.py)
        **environment,
        "CRON_CLIENT_ID": server.client_id,
        "CRON_SECRET_KEY": server.secret_key,
        "CRON_BASE_URL": server.base_url,
        "CRON_ACCOUNT": server.account_id,
    }
    return subprocess.Popen(
        [sys.executable, str(script), flavour, str(barrier) if barrier is not None else "-"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], server: FakeServer) -> None:
    out, err = process.communicate(timeout=PROCESS_TIMEOUT)
    assert process.returncode == 0, err
    assert out.strip() == server.account_id
    assert err == ""  # no warning, no unclosed connection


@pytest.mark.slow
@pytest.mark.parametrize("flavour", ["async", "sync"])
def test_five_runs_in_a_row_cost_one_token_call(cron: Path, flavour: str) -> None:
    with FakeAmnimo(seed=3).serve() as server:
        for _ in range(RUNS):
            finish(start(cron, server, flavour, None), server)
        assert server.journal.count(route="getHierarchy") == RUNS
        assert server.journal.token_calls == 1


def run_together(
    cron: Path, barrier: Path, server: FakeServer, flavour: str, environments: list[dict[str, str]]
) -> None:
    """One cron process per environment, all released at once when every one is up."""
    barrier.mkdir()
    # A slow token call: the others reach the cache's lock while the first fetch is out.
    server.faults.add(Fault(kind="latency", route="issueToken", latency=0.5))
    processes = [start(cron, server, flavour, barrier, **environment) for environment in environments]
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while len(list(barrier.glob("ready-*"))) < len(processes) and time.monotonic() < deadline:
        assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
        time.sleep(0.01)
    (barrier / "go").touch()
    for process in processes:
        finish(process, server)


@pytest.mark.slow
@pytest.mark.parametrize("flavour", ["async", "sync"])
def test_five_cold_processes_started_together_cost_one_token_call(
    cron: Path, tmp_path: Path, flavour: str
) -> None:
    with FakeAmnimo(seed=3).serve() as server:
        run_together(cron, tmp_path / "barrier", server, flavour, [{}] * RUNS)
        assert server.journal.count(route="getHierarchy") == RUNS
        assert server.journal.token_calls == 1


@pytest.mark.slow
def test_a_redis_url_in_the_environment_shares_one_token_between_machines(cron: Path, tmp_path: Path) -> None:
    """Each process with a cache directory of its own, as on five machines: only Redis shares."""
    (tmp_path / "redis").mkdir()
    with RedisServer.started(tmp_path / "redis") as redis, FakeAmnimo(seed=3).serve() as server:
        machines = [
            {"AMNIMO_TOKEN_CACHE": redis.url, "XDG_CACHE_HOME": str(tmp_path / f"machine-{n}")}
            for n in range(RUNS)
        ]
        run_together(cron, tmp_path / "barrier", server, "async", machines)
        assert server.journal.count(route="getHierarchy") == RUNS
        assert server.journal.token_calls == 1
