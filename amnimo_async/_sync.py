"""The bridge under :class:`~amnimo_async.Amnimo` (the typed classes of ``_sync_client.py``): an
event loop in a background thread, and blocking calls into it.

An anyio blocking portal (asyncio backend: the rate limiter is asyncio-only) starts the loop in
its thread, builds the :class:`AsyncAmnimo` there and stops it. A blocking call starts a task in
that loop (one thread hop each way) and waits in short steps, so that Ctrl-C gets through at once
and cancels it. Nothing below this module knows about threads.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import sys
import threading
import warnings
import weakref
from collections.abc import AsyncIterable, Awaitable, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, Generic, NamedTuple, ParamSpec, TypeVar, cast

import anyio
import anyio.from_thread

from ._client import AsyncAmnimo

P = ParamSpec("P")
T = TypeVar("T")
TargetT = TypeVar("TargetT")
AsyncT = TypeVar("AsyncT", bound=AsyncAmnimo)
ClientT = TypeVar("ClientT", bound="BlockingClient[Any]")

POLL_INTERVAL = 0.05
"""Seconds a blocked caller waits at a time, so that Ctrl-C (KeyboardInterrupt) gets through."""

CLOSE_TIMEOUT = 5.0
"""Seconds each step of closing may take."""

ITEMS_AHEAD = 100
"""How far an async iterator may run ahead of the ``for`` loop consuming it; items cross threads
in batches of up to this many, which keeps the per-item cost of a sweep low."""

_live: weakref.WeakSet[Portal[Any]] = weakref.WeakSet()
"""Portals not closed yet: closed at interpreter exit if still open."""

_stuck: list[contextlib.ExitStack] = []
"""Portals whose thread would not stop, kept so that nothing ever joins it (a daemon thread)."""


class Portal(Generic[AsyncT]):
    """The event loop thread of one blocking client and the :class:`AsyncAmnimo` living in it.
    Nothing in the loop refers back to it, so a client dropped without ``close()`` is finalized
    at once (with a ``ResourceWarning``) and its thread stopped."""

    def __init__(self, factory: Callable[[], AsyncT]) -> None:
        self._closed = self._stopped = False
        self._close_lock = threading.Lock()
        self._calls: set[concurrent.futures.Future[Any]] = set()
        self._feeds: set[asyncio.Task[None]] = set()  # touched in the loop only
        self._stack = contextlib.ExitStack()
        self._portal = self._stack.enter_context(
            anyio.from_thread.start_blocking_portal("asyncio", name="amnimo-portal")
        )
        try:
            self._thread, self._loop = self._portal.call(
                lambda: (threading.current_thread(), asyncio.get_running_loop())
            )
            self.client: AsyncT = self._portal.call(factory)
        except BaseException:
            self._closed = self._stopped = True
            self._stack.close()
            raise
        self.description = repr(self.client).replace("AsyncAmnimo", "Amnimo", 1)
        _live.add(self)

    def run(self, async_fn: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``await async_fn(*args, **kwargs)`` in the loop; its result."""
        return cast(T, self._wait(self._submit(async_fn, args, kwargs, True)))

    def call(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` in the loop (where all of the async client's code runs)."""
        return cast(T, self._wait(self._submit(fn, args, kwargs, False)))

    def _submit(
        self, fn: Callable[..., Any], args: Any, kwargs: Any, awaits: bool
    ) -> concurrent.futures.Future[Any]:
        """Start ``fn(*args, **kwargs)`` in a task of the loop; its future."""
        self._check_caller()
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        coroutine = _run_into(future, fn, args, kwargs, awaits)
        try:
            self._loop.call_soon_threadsafe(self._loop.create_task, coroutine)
        except RuntimeError:  # the loop is closed
            coroutine.close()
            raise RuntimeError(f"{self.description} is closed") from None
        self._calls.add(future)
        return future

    def _wait(self, future: concurrent.futures.Future[T]) -> T:
        """The result of ``future``, waited for in short steps so that a signal (Ctrl-C) is
        handled at once; a KeyboardInterrupt (or any exception) while waiting cancels the call."""
        try:
            while True:
                try:
                    return future.result(POLL_INTERVAL)
                except concurrent.futures.TimeoutError:
                    if future.done():  # the call's own TimeoutError
                        return future.result()
                    if self._stopped:  # the loop is gone: it never will be done
                        raise concurrent.futures.CancelledError from None
        except concurrent.futures.CancelledError:
            if self._closed:
                raise RuntimeError(f"{self.description} was closed while the call was in flight") from None
            raise
        except BaseException:
            future.cancel()  # a no-op once done; else cancels its task in the loop
            raise
        finally:
            self._calls.discard(future)

    def iterate(self, iterable: AsyncIterable[T]) -> Iterator[T]:
        """A plain iterator over ``iterable``.

        One task of the loop walks the async iterator from start to end (so cancel scopes and
        task groups inside it stay in one task) and hands items over in batches. Leaving the
        ``for`` loop early (``break``, an exception in its body) cancels that task, which closes
        the async iterator, before the loop is left.
        """
        feed = self.call(_Feed, iterable, self._feeds)
        ended = False
        try:
            while not ended:
                for item in self.run(feed.take):
                    if isinstance(item, _End):
                        ended = True
                        if item.error is not None:
                            raise item.error
                        break
                    yield item
        finally:
            if not ended and not self._closed:  # (close() stops every feed)
                with contextlib.suppress(RuntimeError):  # closed meanwhile
                    self.run(feed.stop)

    def wrap_async_context_manager(
        self, manager: contextlib.AbstractAsyncContextManager[T]
    ) -> contextlib.AbstractContextManager[T]:
        """A context manager entering and leaving ``manager`` in one task of the loop."""
        self._check_caller()
        return self._portal.wrap_async_context_manager(manager)

    def _check_caller(self) -> None:
        if self._closed:
            raise RuntimeError(f"{self.description} is closed")
        if threading.get_ident() == self._thread.ident:
            raise RuntimeError(
                "a blocking Amnimo call was made from the client's own event loop thread (from code "
                "the async client runs: a callback, a token cache, an httpx hook...); it would wait "
                "for itself forever. In async code use the AsyncAmnimo methods with await"
            )

    def close(self) -> None:
        """Cancel the calls in flight, close the async iterators and the connections, stop the
        loop and join its thread; each step within :data:`CLOSE_TIMEOUT` seconds."""
        if threading.get_ident() == self._thread.ident:
            raise RuntimeError("an Amnimo client cannot be closed from its own event loop thread")
        with self._close_lock:
            if self._stopped:
                return
            self._closed = True
            try:
                for future in list(self._calls):
                    future.cancel()  # their callers get RuntimeError at once
                with contextlib.suppress(Exception):  # too slow, or failing: stop the loop anyway
                    asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(2 * CLOSE_TIMEOUT)
            finally:
                with contextlib.suppress(RuntimeError):  # the portal is gone already
                    self._portal.call(self._portal.stop, True)  # its loop cancels what is left, then ends
                self._thread.join(CLOSE_TIMEOUT)
                self._stopped = True
                _live.discard(self)
            if not self._thread.is_alive():
                self._stack.close()  # returns at once
                return
            _stuck.append(self._stack)  # a task ignores cancellation: leave the daemon thread be
            message = f"the event loop thread of {self.description} did not stop within {CLOSE_TIMEOUT} s"
            warnings.warn(message, RuntimeWarning, stacklevel=2)

    async def _shutdown(self) -> None:
        if feeds := list(self._feeds):
            for task in feeds:
                task.cancel()
            await asyncio.wait(feeds, timeout=CLOSE_TIMEOUT)
        with anyio.move_on_after(CLOSE_TIMEOUT, shield=True):
            await self.client.aclose()

    def abandon(self, why: str) -> None:
        """Close a client its owner forgot to close, with a ResourceWarning."""
        if self._stopped:
            return
        with contextlib.suppress(Exception):
            message = (
                f"unclosed {self.description} ({why}): use `with Amnimo(...) as amnimo:` or call close()"
            )
            warnings.warn(message, ResourceWarning, source=self, stacklevel=2)
        if sys.is_finalizing():
            return  # the daemon thread ends with the interpreter; nothing may block now
        if threading.get_ident() == self._thread.ident:  # cannot wait for ourselves: hand it over
            threading.Thread(target=self.close, name="amnimo-portal-closer", daemon=True).start()
        else:
            with contextlib.suppress(Exception):
                self.close()

    def __del__(self) -> None:
        if not getattr(self, "_stopped", True):
            self.abandon("dropped without close()")


@atexit.register
def _close_at_exit() -> None:
    """Stop the loop threads of clients still open at interpreter exit (before daemon threads
    are frozen), so their connections close and nothing hangs."""
    for portal in list(_live):
        portal.abandon("still open at interpreter exit")


async def _run_into(
    future: concurrent.futures.Future[Any], fn: Callable[..., Any], args: Any, kwargs: Any, awaits: bool
) -> None:
    """(A task of the loop.) ``fn(*args, **kwargs)``, awaited if ``awaits``, into ``future``, which
    gets the result as soon as it exists (``run_coroutine_threadsafe`` hands it over a loop
    iteration later: some 10 µs a call). Cancelling ``future`` cancels the task, once."""
    if future.cancelled():  # before it started
        return
    loop, task = asyncio.get_running_loop(), asyncio.current_task()

    def cancel(done: concurrent.futures.Future[Any]) -> None:
        if done.cancelled() and task is not None:  # Ctrl-C in the caller, or close()
            with contextlib.suppress(RuntimeError):  # the loop is gone, and the task with it
                loop.call_soon_threadsafe(task.cancel)

    future.add_done_callback(cancel)
    try:
        result = fn(*args, **kwargs)
        if awaits:
            result = await result
    except asyncio.CancelledError:
        future.cancel()  # the caller sees a cancelled call
        raise
    except BaseException as exc:
        if future.set_running_or_notify_cancel():
            future.set_exception(exc)
        if not isinstance(exc, Exception):
            raise
    else:
        if future.set_running_or_notify_cancel():
            future.set_result(result)


class _End(NamedTuple):
    """What a feed hands over last: the end of the async iterator, or its error."""

    error: Exception | None


class _Feed(Generic[T]):
    """Walks one async iterable in a plain asyncio task of the loop (built and used in the loop),
    cancelled with one ``Task.cancel()``: an anyio cancel scope would deliver its cancellation
    again while the walk cleans up (a paginator cancelling its page requests would cancel them
    a second time while they close their connections)."""

    def __init__(self, iterable: AsyncIterable[T], feeds: set[asyncio.Task[None]]) -> None:
        self._queue: asyncio.Queue[T | _End] = asyncio.Queue(ITEMS_AHEAD)
        self._task = asyncio.get_running_loop().create_task(self._walk(iterable), name="amnimo-iterator")
        feeds.add(self._task)
        self._task.add_done_callback(feeds.discard)

    async def _walk(self, iterable: AsyncIterable[T]) -> None:
        end = _End(None)
        try:
            iterator = aiter(iterable)
            try:
                async for item in iterator:
                    await self._queue.put(item)
            finally:
                aclose = getattr(iterator, "aclose", None)
                if aclose is not None:
                    with anyio.move_on_after(CLOSE_TIMEOUT, shield=True):
                        await aclose()
        except Exception as exc:  # handed over after the items before it
            end = _End(exc)
        await self._queue.put(end)

    async def take(self) -> list[T | _End]:
        """The next items: waits for one, then takes up to :data:`ITEMS_AHEAD` ready ones."""
        items = [await self._queue.get()]
        while len(items) < ITEMS_AHEAD and not self._queue.empty():
            items.append(self._queue.get_nowait())
        return items

    async def stop(self) -> None:
        """Cancel the walk and wait until the async iterator is closed."""
        self._task.cancel()
        await asyncio.wait([self._task], timeout=2 * CLOSE_TIMEOUT)


class BlockingProxy(Generic[TargetT]):
    """The blocking twin of an object of the async client. Its generated subclasses run the
    object's coroutine methods in the client's loop and wait, give its async iterators as plain
    iterators and its async context managers as context managers, and read its attributes."""

    _entered: contextlib.AbstractContextManager[Any] | None = None

    def __init__(self, portal: Portal[Any], target: TargetT) -> None:
        self._portal = portal
        self._target = target

    def _enter(self) -> Any:
        """Enter the target (an async context manager) in a task of the loop; what it gave."""
        manager = self._portal.wrap_async_context_manager(
            cast(contextlib.AbstractAsyncContextManager[Any], self._target)
        )
        value = manager.__enter__()
        self._entered = manager
        return value

    def _exit(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        """Leave the target, in the task that entered it."""
        entered, self._entered = self._entered, None
        return None if entered is None else entered.__exit__(exc_type, exc, tb)

    if not TYPE_CHECKING:  # type checkers reject these uses; at run time, say why too

        def __iter__(self):
            raise TypeError(f"{type(self._target).__name__} is not async-iterable")

        def __enter__(self):
            raise TypeError(f"{type(self._target).__name__} is not an async context manager")

        def __exit__(self, *exc_info):
            return None

    def __repr__(self) -> str:
        return f"<BlockingProxy of {self._target!r}>"


class BlockingClient(BlockingProxy[AsyncT]):
    """What the generated :class:`~amnimo_async.Amnimo` has besides its namespaces and methods:
    its lifecycle, and :meth:`run`."""

    def __init__(self, portal: Portal[AsyncT]) -> None:
        super().__init__(portal, portal.client)

    def run(
        self,
        async_fn: Callable[Concatenate[AsyncT, P], Awaitable[T]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``await async_fn(async_client, *args, **kwargs)`` in the client's event loop; its result.

        This is how the endpoint modules' ``sync`` functions run (``list_cameras.sync(amnimo,
        ...)``), and a way to run any async code against the underlying :class:`AsyncAmnimo`.
        """
        portal = self._portal
        return cast(T, portal._wait(portal._submit(async_fn, (portal.client, *args), kwargs, True)))

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._portal._closed

    def close(self) -> None:
        """Close the connections and stop the event loop thread; calls still in flight are
        cancelled (their callers get RuntimeError). Calling it again does nothing."""
        self._portal.close()

    def __enter__(self: ClientT) -> ClientT:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return self._portal.description
