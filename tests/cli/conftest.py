"""Fixtures for the ``amnimo`` command: a FakeAmnimo on loopback and a runner of the command
in a subprocess, with credentials in the environment and a private token cache directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import attrs
import pytest

from amnimo_async.testing import DataProfile, FakeAmnimo
from amnimo_async.testing._server import FakeServer

PROFILE = DataProfile.explicit(
    [
        {"cameras": 30, "media": 40, "devices": 5},
        {"cameras": 12, "media": 5, "devices": 2},
    ]
)


@attrs.frozen
class Result:
    code: int
    stdout: str
    stderr: str


def command(*args: str) -> list[str]:
    """The command line of ``amnimo ARGS`` (the installed entry point's module)."""
    return [sys.executable, "-m", "amnimo_async.cli", *args]


def environment(
    server: FakeServer | None, cache: Path, *, secret: str | None = None, extra: Mapping[str, str] = {}
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMNIMO_")}
    env.update(
        XDG_CACHE_HOME=str(cache),
        AMNIMO_CONFIG=str(cache / "no-such-config.toml"),
        PYTHONUNBUFFERED="1",
        COLUMNS="200",
    )
    if server is not None:
        env.update(
            AMNIMO_CLIENT_ID=server.client_id,
            AMNIMO_SECRET_KEY=secret if secret is not None else server.secret_key,
            AMNIMO_BASE_URL=server.base_url,
        )
    env.update(extra)
    return env


class Runner:
    def __init__(self, server: FakeServer, cache: Path) -> None:
        self.server = server
        self.cache = cache

    def __call__(
        self,
        *args: str,
        secret: str | None = None,
        env: Mapping[str, str] = {},
        credentials: bool = True,
        cwd: Path | None = None,
    ) -> Result:
        done = subprocess.run(
            command(*args),
            env=environment(self.server if credentials else None, self.cache, secret=secret, extra=env),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
            cwd=cwd,
        )
        return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeAmnimo(seed=3, profile=PROFILE, rate=None).serve() as running:
        yield running


@pytest.fixture
def run(server: FakeServer, tmp_path: Path) -> Runner:
    return Runner(server, tmp_path / "cache")


def run_many(argv: Sequence[Sequence[str]], env: Mapping[str, str]) -> list[subprocess.Popen[str]]:
    return [
        subprocess.Popen(list(args), env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for args in argv
    ]
