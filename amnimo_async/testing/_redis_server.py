"""RedisServer: a real ``redis-server`` as a child process on loopback, for tests and benchmarks.

Fleet features share state through Redis across processes, which only a real server can show
(fakeredis cannot share across processes). This starts the installed ``redis-server`` (the
Debian package) on 127.0.0.1, persistence off, not daemonized, waits until it answers PING, and
stops it by its pid. It can be killed and started again on the same port (Redis lost mid-sweep)::

    with RedisServer.started(directory) as server:
        ... server.url ...      # redis://127.0.0.1:PORT/0
        server.kill()            # SIGKILL, as a crash
        server.start()           # the same port again, empty
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["RedisServer", "RedisServerMissing", "free_port", "redis_executable"]

_READY_TIMEOUT = 10.0
_START_ATTEMPTS = 3


class RedisServerMissing(RuntimeError):  # noqa: N818 - a missing program, not an error of a call
    """There is no ``redis-server`` to start."""


def redis_executable() -> str:
    """The path of ``redis-server`` (on PATH, or Debian's ``/usr/bin/redis-server``)."""
    found = shutil.which("redis-server")
    if found is None and os.access("/usr/bin/redis-server", os.X_OK):
        found = "/usr/bin/redis-server"
    if found is None:
        raise RedisServerMissing(
            "redis-server is not installed: install the Debian package "
            "(apt-get install redis-server; the project's .ci/run does it on CI)"
        )
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def answers_ping(port: int) -> bool:
    """Whether a Redis server on 127.0.0.1:``port`` answers PING (one raw RESP exchange)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One ``redis-server`` child process on a fixed loopback port."""

    def __init__(self, port: int, directory: str | os.PathLike[str], executable: str | None = None) -> None:
        self.port = port
        self.directory = Path(directory)
        self.executable = executable or redis_executable()
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    @contextlib.contextmanager
    def started(cls, directory: str | os.PathLike[str]) -> Iterator[RedisServer]:
        """A server on a free port (another one if that port is taken meanwhile), stopped after."""
        executable = redis_executable()
        problem = ""
        for _ in range(_START_ATTEMPTS):
            server = cls(free_port(), directory, executable)
            try:
                server.start()
            except RuntimeError as exc:
                problem = str(exc)
                continue
            try:
                yield server
            finally:
                server.stop()
            return
        raise RuntimeError(f"redis-server would not start on a free loopback port: {problem}")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it (again) on :attr:`port`; return once it answers PING."""
        command = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--daemonize", "no"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.process = process
        deadline = time.monotonic() + _READY_TIMEOUT
        while not answers_ping(self.port):
            if process.poll() is not None:
                error = process.stderr.read().decode(errors="replace") if process.stderr else ""
                self.stop()
                raise RuntimeError(f"redis-server exited with {process.returncode}: {error[-500:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not answer PING on port {self.port}")
            time.sleep(0.01)

    def kill(self) -> None:
        """SIGKILL it by its pid (a crash) and reap it."""
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

    def __repr__(self) -> str:
        state = "running" if self.process is not None else "stopped"
        return f"<RedisServer 127.0.0.1:{self.port} {state}>"
