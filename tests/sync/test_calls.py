"""Blocking calls, generated-style ``sync`` functions, iterators and context managers."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, ClassVar

import anyio
import anyio.lowlevel
import pytest

from amnimo_async import (
    Amnimo,
    AsyncAmnimo,
    Camera,
    CameraPage,
    NotFoundError,
    Response,
    ValidationError,
)
from amnimo_async._client import Cameras
from amnimo_async._codegen import sync_surface
from amnimo_async._sync import BlockingProxy
from amnimo_async.api.cameras import get_camera, list_cameras
from amnimo_async.testing import DataProfile, FakeServer, Fault, SubscriptionSpec

MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def amnimo(fake_amnimo: FakeServer) -> Iterator[Amnimo]:
    with Amnimo(fake_amnimo.client_id, fake_amnimo.secret_key, base_url=fake_amnimo.base_url) as client:
        yield client


@pytest.fixture
def sub(fake_amnimo: FakeServer) -> str:
    return fake_amnimo.subscription_ids[0]


# --- plain calls ----------------------------------------------------------------------------


@pytest.mark.fake_amnimo(rate=None)
def test_calls_block_and_return_models(amnimo: Amnimo, sub: str, fake_amnimo: FakeServer) -> None:
    page = amnimo.cameras.list(sub, size=5)
    assert isinstance(page, CameraPage)
    assert page.size == 5
    camera = amnimo.cameras.get(sub, page.cameras[0].id)
    assert isinstance(camera, Camera)
    assert camera.id == page.cameras[0].id
    many = amnimo.cameras.get_many(sub, [c.id for c in page.cameras][::-1])
    assert [c.id for c in many] == [c.id for c in page.cameras][::-1]
    root = amnimo.accounts.hierarchy(fake_amnimo.account_id)
    assert sub in root.subscription_ids()
    assert fake_amnimo.journal.token_calls == 1


@pytest.mark.fake_amnimo(rate=None)
def test_errors_are_raised_in_the_calling_thread(amnimo: Amnimo, sub: str, fake_amnimo: FakeServer) -> None:
    with pytest.raises(NotFoundError):
        amnimo.cameras.get(sub, MISSING)
    sent = len(fake_amnimo.journal)
    with pytest.raises(ValidationError) as info:
        amnimo.cameras.list(sub, size=501)
    assert info.value.argument == "size"
    with pytest.raises(TypeError):
        amnimo.cameras.get(sub, MISSING, no_such_argument=1)
    assert len(fake_amnimo.journal) == sent  # nothing sent for bad arguments


@pytest.mark.fake_amnimo(rate=None)
def test_generated_style_sync_functions(amnimo: Amnimo, sub: str) -> None:
    page = list_cameras.sync(amnimo, subscription_id=sub, size=3)
    assert isinstance(page, CameraPage)
    assert len(page.cameras) == 3
    detailed = list_cameras.sync_detailed(amnimo, sub, page=1, size=3)
    assert isinstance(detailed, Response)
    assert detailed.status_code == 200
    assert detailed.parsed.page == 1
    assert get_camera.sync(amnimo, sub, page.cameras[0].id).id == page.cameras[0].id
    with pytest.raises(NotFoundError):
        get_camera.sync(amnimo, sub, MISSING)


@pytest.mark.fake_amnimo(rate=None)
def test_sync_functions_take_any_client_with_run(fake_amnimo: FakeServer, sub: str) -> None:
    # The protocol is all they need: here a runner with a fresh event loop per call.
    class RunsInAFreshLoop:
        def run(self, async_fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            async def main() -> Any:
                async with AsyncAmnimo(
                    fake_amnimo.client_id, fake_amnimo.secret_key, base_url=fake_amnimo.base_url
                ) as client:
                    return await async_fn(client, *args, **kwargs)

            return anyio.run(main)

    assert list_cameras.sync(RunsInAFreshLoop(), sub, size=2).size == 2


@pytest.mark.fake_amnimo(rate=None)
def test_run_awaits_any_coroutine_function_with_the_async_client(amnimo: Amnimo, sub: str) -> None:
    async def count(client: AsyncAmnimo, subscription_id: str, *, size: int) -> int:
        return len((await client.cameras.list(subscription_id, size=size)).cameras)

    assert amnimo.run(count, sub, size=4) == 4


def test_long_calls_and_the_calls_own_timeout_error(offline: Amnimo) -> None:
    async def slow(client: AsyncAmnimo, value: int) -> int:
        await anyio.sleep(0.2)  # longer than a waiting step
        return value

    async def times_out(client: AsyncAmnimo) -> None:
        raise TimeoutError("the call's own")

    assert offline.run(slow, 7) == 7
    with pytest.raises(TimeoutError, match="the call's own"):
        offline.run(times_out)


# --- iterators ------------------------------------------------------------------------------


@pytest.mark.fake_amnimo(
    rate=None,
    profile=DataProfile.explicit([SubscriptionSpec(cameras=1203, media=2100, devices=230)]),
)
def test_paginators_are_plain_iterables(amnimo: Amnimo, sub: str) -> None:
    cameras = amnimo.cameras.iter(sub, size=500)
    assert isinstance(cameras, BlockingProxy)
    ids = [camera.id for camera in cameras]
    assert len(ids) == len(set(ids)) == 1203
    assert cameras.pages_fetched == 3  # plain attributes read through
    sizes = [len(page.cameras) for page in cameras.pages()]  # methods returning async iterators
    assert sizes == [500, 500, 203]
    assert sum(1 for _ in amnimo.media.iter(sub)) == 2100
    assert sum(1 for _ in amnimo.devices.iter_external(sub)) == 230


@pytest.mark.fake_amnimo(rate=None, profile=DataProfile.uniform(2, cameras=3, media=4, devices=2))
def test_inventory_iterates_then_has_its_summary(amnimo: Amnimo, fake_amnimo: FakeServer) -> None:
    sweep = amnimo.inventory(fake_amnimo.account_id)
    records = list(sweep)
    kinds = {record.kind for record in records}
    assert kinds == {"cameras", "media", "devices"}
    assert sum(1 for record in records if record.kind == "cameras") == 6
    assert sweep.summary.total["cameras"] == 6
    assert sweep.summary.requests > 0  # set when the async sweep finished, before the loop ended


@pytest.mark.fake_amnimo(
    rate=None, profile=DataProfile.explicit([SubscriptionSpec(cameras=2000, media=0, devices=0)])
)
def test_break_cancels_the_pages_in_flight(amnimo: Amnimo, sub: str, fake_amnimo: FakeServer) -> None:
    amnimo.cameras.list(sub, size=1)  # the token first
    journal = fake_amnimo.journal
    fake_amnimo.faults.add(Fault(kind="latency", route="listCameras", latency=3.0, schedule=[2, 3, 4]))
    cameras = amnimo.cameras.iter(sub, size=500)
    for page in cameras.pages():
        assert len(page.cameras) == 500  # page 0 came at once; pages 1-3 now wait 3 s at the fake
        deadline = time.monotonic() + 2.0
        while journal.in_flight < 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert journal.in_flight == 3
        started = time.monotonic()
        break
    assert time.monotonic() - started < 1.0  # closing did not wait for the pages in flight...
    assert cameras.pages_fetched == 1
    deadline = time.monotonic() + 2.0
    while len(fake_amnimo.fake.connections) > 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(fake_amnimo.fake.connections) <= 1  # ...their connections were dropped
    assert journal.in_flight == 3  # while the fake still sleeps on them
    assert amnimo.cameras.list(sub, size=1).size == 1  # the client still works


class Recorder:
    """An async iterable that records where its code ran and whether it was cancelled and closed."""

    def __init__(self, items: int = 1000, fail_after: int | None = None) -> None:
        self.items = items
        self.fail_after = fail_after
        self.events: list[str] = []
        self.tasks: set[asyncio.Task[Any] | None] = set()
        self.note = "live"

    def __aiter__(self) -> AsyncIterator[int]:
        return self._walk()

    async def _walk(self) -> AsyncIterator[int]:
        self.events.append("start")
        try:
            async with anyio.create_task_group() as group:  # a task group across yields: one task only
                group.start_soon(self._request)
                for index in range(self.items):
                    self.tasks.add(asyncio.current_task())
                    if index == self.fail_after:
                        break
                    yield index
                    await anyio.lowlevel.checkpoint()
                group.cancel_scope.cancel()
            if self.fail_after is not None:
                raise LookupError(f"failed after {self.fail_after}")
        finally:
            self.events.append("closed")

    async def _request(self) -> None:
        try:
            await anyio.sleep(60)  # a request in flight
        except anyio.get_cancelled_exc_class():
            self.events.append("request cancelled")
            raise

    async def pages(self, size: int) -> list[int]:
        await anyio.lowlevel.checkpoint()
        return list(range(size))

    def windows(self, size: int) -> AsyncIterator[list[int]]:
        async def walk() -> AsyncIterator[list[int]]:
            for start in range(0, self.items, size):
                yield list(range(start, min(start + size, self.items)))

        return walk()


@pytest.fixture
def recorders(offline: Any) -> list[Recorder]:
    """The Recorders ``offline.cameras.record()`` made, in order."""
    made: list[Recorder] = offline.cameras._target.recorders
    return made


@pytest.fixture
def offline(recording_client: type[Any]) -> Iterator[Any]:
    """An Amnimo whose cameras also have ``record()`` (a Recorder) and ``session()`` (a Session)."""
    with recording_client("client-id", "secret-key", base_url="http://127.0.0.1:9/ex") as client:
        yield client


def test_break_closes_the_async_iterator_in_its_own_task(recorders: list[Recorder], offline: Amnimo) -> None:
    proxy = offline.cameras.record()
    taken = []
    for item in proxy:
        taken.append(item)
        if item == 3:
            break
    (recorder,) = recorders
    assert taken == [0, 1, 2, 3]
    # By the time the loop is left, the async generator was closed and its request cancelled.
    assert recorder.events == ["start", "request cancelled", "closed"]
    assert len(recorder.tasks) == 1  # every step ran in one task of the loop


def test_exhausting_and_closing_by_hand(recorders: list[Recorder], offline: Amnimo) -> None:
    assert list(offline.cameras.record(items=250)) == list(range(250))
    assert recorders[-1].events[-1] == "closed"
    iterator = iter(offline.cameras.record())
    assert next(iterator) == 0
    assert isinstance(iterator, Iterator)
    iterator.close()  # type: ignore[attr-defined]
    assert recorders[-1].events == ["start", "request cancelled", "closed"]


def test_an_error_inside_the_loop_body_closes_the_iterator(
    recorders: list[Recorder], offline: Amnimo
) -> None:
    def walk() -> None:
        for item in offline.cameras.record():
            if item == 5:
                raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        walk()
    assert recorders[-1].events[-1] == "closed"


def test_an_error_of_the_async_iterator_comes_after_its_items(
    recorders: list[Recorder], offline: Amnimo
) -> None:
    taken: list[int] = []
    with pytest.raises(LookupError, match="failed after 7"):
        taken.extend(offline.cameras.record(fail_after=7))
    assert taken == list(range(7))


def test_proxy_methods_and_attributes(recorders: list[Recorder], offline: Amnimo) -> None:
    proxy = offline.cameras.record(items=10)
    (recorder,) = recorders
    assert proxy.pages(3) == [0, 1, 2]  # a coroutine method blocks
    assert [len(w) for w in proxy.windows(4)] == [4, 4, 2]  # an async iterator comes back iterable
    assert proxy.note == "live"
    recorder.note = "changed"
    assert proxy.note == "changed"  # plain attributes read through, live
    assert "windows" in dir(proxy)
    assert repr(proxy).startswith("<BlockingProxy of <")
    with pytest.raises(AttributeError):
        _ = proxy.nothing_like_this


class Session:
    """An async context manager that must be left in the task that entered it."""

    def __init__(self) -> None:
        self.log: list[str] = []

    async def __aenter__(self) -> Session:
        self._scope = anyio.CancelScope()
        self._scope.__enter__()
        self.log.append("enter")
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._scope.__exit__(None, None, None)  # raises if in another task
        self.log.append("exit")

    async def ping(self) -> str:
        return "pong"


class RecordingCameras(Cameras):
    """The cameras namespace, and methods returning async objects to test their blocking twins
    (the objects made are kept in class attributes, which the blocking twin does not show)."""

    recorders: ClassVar[list[Recorder]]
    sessions: ClassVar[list[Session]]

    def __init__(self, client: AsyncAmnimo) -> None:
        super().__init__(client)
        self.recorders = []  # type: ignore[misc]
        self.sessions = []  # type: ignore[misc]

    def record(self, items: int = 1000, fail_after: int | None = None) -> Recorder:
        """A recorder."""
        self.recorders.append(Recorder(items, fail_after))
        return self.recorders[-1]

    async def session(self) -> Session:
        """A session."""
        self.sessions.append(Session())
        return self.sessions[-1]


class RecordingAsyncAmnimo(AsyncAmnimo):
    """AsyncAmnimo with RecordingCameras."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cameras = RecordingCameras(self)


@pytest.fixture(scope="module")
def recording_client() -> type[Any]:
    """The blocking twin of RecordingAsyncAmnimo, generated by the rules that generate Amnimo."""
    namespace: dict[str, Any] = {}
    exec(sync_surface.render(RecordingAsyncAmnimo, "RecordingAmnimo", "A test client."), namespace)
    made: type[Any] = namespace["RecordingAmnimo"]
    return made


def test_async_context_managers_become_context_managers(
    recorders: list[Recorder], offline: Any, recording_client: type[Any]
) -> None:
    with recording_client("client-id", "secret-key", base_url="http://127.0.0.1:9/ex") as amnimo:
        made: list[Session] = amnimo.cameras._target.sessions
        with amnimo.cameras.session() as entered:
            assert isinstance(entered, BlockingProxy)
            assert entered.ping() == "pong"
            assert made[0].log == ["enter"]
        assert made[0].log == ["enter", "exit"]
        with pytest.raises(TypeError, match="not async-iterable"):
            iter(amnimo.cameras.session())
    with pytest.raises(TypeError, match="not an async context manager"), contextlib.ExitStack() as stack:
        stack.enter_context(offline.cameras.record())
