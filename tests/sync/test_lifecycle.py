"""Closing: threads stopped, connections closed, idempotent; forgotten clients; Ctrl-C."""

from __future__ import annotations

import _thread
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from amnimo_async import Amnimo, AsyncAmnimo, ConfigurationError
from amnimo_async.testing import FakeAmnimo, FakeServer, Fault

ROOT = Path(__file__).resolve().parents[2]
OFFLINE = "http://127.0.0.1:9/ex"  # nothing listens; nothing is sent


def portal_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("amnimo-portal")]


@pytest.fixture
def no_new_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2.0
    while set(threading.enumerate()) - before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert set(threading.enumerate()) - before == set()


def test_close_stops_the_thread_and_is_idempotent(no_new_threads: None) -> None:
    before = set(threading.enumerate())
    amnimo = Amnimo("client-id", "secret-key", base_url=OFFLINE)
    (thread,) = set(threading.enumerate()) - before
    assert thread.name == "amnimo-portal"
    assert thread.daemon
    assert not amnimo.closed
    amnimo.close()
    assert amnimo.closed
    assert not thread.is_alive()
    amnimo.close()  # again: nothing happens
    with pytest.raises(RuntimeError, match="is closed"):
        amnimo.cameras.list("3d07c219-0a88-45be-9cfc-91e9d095a1e9")


def test_with_block_closes(no_new_threads: None) -> None:
    with Amnimo("client-id", "secret-key", base_url=OFFLINE) as amnimo:
        assert portal_threads()
    assert amnimo.closed


def test_failed_construction_leaves_no_thread(no_new_threads: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AMNIMO_CLIENT_ID", raising=False)
    monkeypatch.delenv("AMNIMO_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="AMNIMO_SECRET_KEY"):
        Amnimo("only-the-id")


@pytest.mark.fake_amnimo(rate=None)
def test_close_closes_the_connections(fake_amnimo: FakeServer, no_new_threads: None) -> None:
    amnimo = Amnimo(fake_amnimo.client_id, fake_amnimo.secret_key, base_url=fake_amnimo.base_url)
    amnimo.cameras.list(fake_amnimo.subscription_ids[0], size=1)
    assert len(fake_amnimo.fake.connections) == 1
    amnimo.close()
    deadline = time.monotonic() + 2.0
    while len(fake_amnimo.fake.connections) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(fake_amnimo.fake.connections) == 0


@pytest.mark.fake_amnimo(rate=None)
def test_close_cancels_calls_in_flight_in_other_threads(
    fake_amnimo: FakeServer, no_new_threads: None
) -> None:
    amnimo = Amnimo(fake_amnimo.client_id, fake_amnimo.secret_key, base_url=fake_amnimo.base_url)
    sub = fake_amnimo.subscription_ids[0]
    amnimo.cameras.list(sub, size=1)
    fake_amnimo.faults.add(Fault(kind="latency", route="listCameras", latency=5.0))
    errors: list[BaseException] = []

    def slow_call() -> None:
        try:
            amnimo.cameras.list(sub, size=1)
        except BaseException as exc:
            errors.append(exc)

    caller = threading.Thread(target=slow_call)
    caller.start()
    deadline = time.monotonic() + 2.0
    while fake_amnimo.journal.in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    started = time.monotonic()
    amnimo.close()
    caller.join(2.0)
    assert time.monotonic() - started < 2.0
    assert not caller.is_alive()
    (error,) = errors
    assert isinstance(error, RuntimeError)
    assert "closed while the call was in flight" in str(error)


def test_a_dropped_client_warns_and_stops_its_thread(no_new_threads: None) -> None:
    held = [Amnimo("client-id", "secret-key", base_url=OFFLINE)]
    (thread,) = portal_threads()
    with pytest.warns(ResourceWarning, match=r"unclosed <Amnimo .*'client-id'.*dropped without close"):
        held.clear()  # the last reference: finalized at once, no gc needed
    assert not thread.is_alive()


def test_a_namespace_keeps_its_client_open(no_new_threads: None) -> None:
    held = [Amnimo("client-id", "secret-key", base_url=OFFLINE).cameras]
    assert portal_threads()  # the client is gone, its namespace is not
    with pytest.warns(ResourceWarning):
        held.clear()
    assert not portal_threads()


def test_keyboard_interrupt_cancels_the_call_in_the_loop(no_new_threads: None, ctrl_c: None) -> None:
    cancelled = threading.Event()

    async def slow(client: AsyncAmnimo) -> None:
        try:
            await anyio.sleep(30)
        except anyio.get_cancelled_exc_class():
            cancelled.set()
            raise

    with Amnimo("client-id", "secret-key", base_url=OFFLINE) as amnimo:
        timer = threading.Timer(0.2, _thread.interrupt_main)  # Ctrl-C, as the main thread sees it
        timer.start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            amnimo.run(slow)
        assert time.monotonic() - started < 1.0
        assert cancelled.wait(1.0)  # the coroutine in the loop was cancelled, not abandoned
        timer.join()


# --- in a subprocess: interpreter exit and Ctrl-C ---------------------------------------------


def run_python(code: str, *args: str, timeout: float = 20.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "always::ResourceWarning", "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_a_client_dropped_without_close_lets_the_interpreter_exit() -> None:
    started = time.monotonic()
    result = run_python(
        """
        import threading
        from amnimo_async import Amnimo
        amnimo = Amnimo("client-id", "secret-key", base_url="http://127.0.0.1:9/ex")
        amnimo = None
        print("threads:", sorted(t.name for t in threading.enumerate()))
        """
    )
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 10.0
    assert "threads: ['MainThread']" in result.stdout
    assert "ResourceWarning: unclosed <Amnimo" in result.stderr
    assert "dropped without close()" in result.stderr


def test_a_client_still_open_at_exit_is_closed_then() -> None:
    started = time.monotonic()
    result = run_python(
        """
        from amnimo_async import Amnimo
        amnimo = Amnimo("client-id", "secret-key", base_url="http://127.0.0.1:9/ex")
        """
    )
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 10.0
    assert "ResourceWarning: unclosed <Amnimo" in result.stderr
    assert "still open at interpreter exit" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_ctrl_c_cancels_the_request_and_raises_keyboard_interrupt() -> None:
    fake = FakeAmnimo(rate=None)
    fake.faults.add(Fault(kind="latency", route="getCamera", latency=30.0))
    child_code = """
        import signal, sys, time
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
        from amnimo_async import Amnimo
        base_url, client_id, secret_key, sub = sys.argv[1:]
        amnimo = Amnimo(client_id, secret_key, base_url=base_url)
        camera_id = amnimo.cameras.list(sub, size=1).cameras[0].id
        print("calling", flush=True)
        started = time.monotonic()
        try:
            amnimo.cameras.get(sub, camera_id)  # the fake sits on it for 30 s
        except KeyboardInterrupt:
            print(f"interrupted after {time.monotonic() - started:.2f} s", flush=True)
            sys.stdin.readline()  # the parent looks at the fake's connections meanwhile
            amnimo.close()
            raise
        """
    with fake.serve() as server:
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                textwrap.dedent(child_code),
                server.base_url,
                server.client_id,
                server.secret_key,
                server.subscription_ids[0],
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            assert child.stdout is not None
            assert child.stdin is not None
            assert child.stdout.readline() == "calling\n"
            deadline = time.monotonic() + 10.0
            while fake.journal.in_flight == 0 and time.monotonic() < deadline:
                time.sleep(0.005)
            assert fake.journal.in_flight == 1  # the request sits in the fake
            assert len(fake.connections) == 1
            interrupted_at = time.monotonic()
            child.send_signal(signal.SIGINT)
            line = child.stdout.readline()
            assert line.startswith("interrupted after"), line
            assert time.monotonic() - interrupted_at < 1.0
            deadline = time.monotonic() + 2.0
            while len(fake.connections) and time.monotonic() < deadline:
                time.sleep(0.005)
            # The request was cancelled: its connection is gone while the child still runs
            # (and the fake still sleeps on it).
            assert len(fake.connections) == 0
            assert child.poll() is None
            assert fake.journal.in_flight == 1
            _, stderr = child.communicate("\n", timeout=10.0)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    assert child.returncode != 0
    assert "KeyboardInterrupt" in stderr
    assert time.monotonic() - interrupted_at < 5.0
