"""The redis-server the Redis tests run: really started, really stopped, and never skipped."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from amnimo_async.testing import _redis_server
from amnimo_async.testing._redis_server import RedisServer, RedisServerMissing, answers_ping


def test_without_redis_server_the_tests_fail_saying_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(RedisServerMissing, match="apt-get install redis-server"):
        _redis_server.redis_executable()


def test_a_server_is_stopped_by_its_pid_and_starts_again_on_its_port(tmp_path: Path) -> None:
    with RedisServer.started(tmp_path) as server:
        assert answers_ping(server.port)
        process = server.process
        assert process is not None
        server.kill()
        assert process.returncode is not None  # reaped
        assert not answers_ping(server.port)
        server.start()
        assert answers_ping(server.port)
    assert server.process is None
    assert not answers_ping(server.port)
