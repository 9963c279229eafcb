"""Amnimo: the blocking client, an :class:`AsyncAmnimo` living in an event loop on its own thread.

The event loop runs in a background thread started by an anyio blocking portal (asyncio
backend: the rate limiter is asyncio-only), which also builds and closes the client in it. Every
blocking call hands a coroutine to that loop and waits for its answer, so all threads using one
:class:`Amnimo` share one connection pool, one rate limiter and one token. Callbacks the async
client makes (``inventory(on_progress=...)``, a token cache, httpx event hooks) run in that
thread too.

The blocking surface is *derived* from the async one when the client is built, never copied by
hand: every public attribute of every namespace of the :class:`AsyncAmnimo` (and its public
methods besides ``aclose``) gets a blocking twin with the same signature and docstring:

- a coroutine function becomes a blocking call;
- a plain function returning something async-iterable (a paginator) or an async context manager
  becomes one returning a :class:`BlockingProxy`: a plain iterable and/or context manager whose
  own methods follow these same rules and whose plain attributes pass through;
- anything else passes through.

Nothing below this module knows about threads: the endpoint modules' ``sync``/``sync_detailed``
functions only ask for a client with a ``run`` method (:class:`~amnimo_async._endpoint.SyncClientLike`),
which :class:`Amnimo` implements.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import functools
import inspect
import sys
import threading
import time
import warnings
import weakref
from collections.abc import AsyncIterable, Awaitable, Callable, Coroutine, Iterator
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import anyio
import anyio.from_thread
import httpx
from anyio.streams.memory import MemoryObjectReceiveStream

from ._client import AsyncAmnimo, Namespace
from ._ratelimit import DEFAULT_BURST, DEFAULT_RATE, Limiter
from ._retry import DEFAULT_MAX_RETRIES
from ._tokens import DEFAULT_REFRESH_MARGIN, TokenCache
from ._transport import DEFAULT_TIMEOUT

P = ParamSpec("P")
T = TypeVar("T")

POLL_INTERVAL = 0.05
"""Seconds a blocked caller waits at a time, so Ctrl-C (KeyboardInterrupt) gets through at once."""

CLOSE_TIMEOUT = 5.0
"""Seconds each step of closing may take (closing connections, stopping the loop thread)."""

ITEMS_AHEAD = 100
"""How many items an async iterator may run ahead of the ``for`` loop consuming it (they cross
threads in batches, which keeps the per-item cost of a sweep low)."""

ASYNC_ONLY = frozenset({"aclose", "transport"})
"""Public names of AsyncAmnimo with no blocking twin (``close()`` replaces ``aclose()``)."""

_live: weakref.WeakSet[_Portal] = weakref.WeakSet()
"""Clients not closed yet, closed at interpreter exit if still open."""

_wrapped_kinds: dict[type, bool] = {}
"""Whether results of a type get a BlockingProxy (async-iterable or async context manager)."""


class _Portal:
    """The event loop thread of one :class:`Amnimo`: an anyio blocking portal and the
    :class:`AsyncAmnimo` that lives in its loop.

    Everything that crosses threads goes through here. Nothing in the loop holds a reference
    back to it, so a client dropped without :meth:`close` is finalized at once (with a
    ``ResourceWarning``) and its thread stopped.
    """

    def __init__(self, factory: Callable[[], AsyncAmnimo]) -> None:
        self._closed = False
        self._stopped = False
        self._close_lock = threading.Lock()
        self._calls: set[concurrent.futures.Future[Any]] = set()
        self._feeds: set[_Feed] = set()
        self._stack = contextlib.ExitStack()
        self._portal = self._stack.enter_context(
            anyio.from_thread.start_blocking_portal("asyncio", name="amnimo-portal")
        )
        try:
            self.thread: threading.Thread = self._portal.call(threading.current_thread)
            self._thread_id = self.thread.ident
            self._loop: asyncio.AbstractEventLoop = self._portal.call(asyncio.get_running_loop)
            self.client: AsyncAmnimo = self._portal.call(factory)
        except BaseException:
            self._closed = self._stopped = True
            self._stack.close()
            raise
        self.description = repr(self.client).replace("AsyncAmnimo", "Amnimo", 1)
        _live.add(self)

    # --- calls ------------------------------------------------------------------------

    def call(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` run in the loop (awaited if it returns an awaitable), waited
        for here; KeyboardInterrupt while waiting cancels it."""
        self._check_caller()
        future = self._submit(fn, args, kwargs)
        self._calls.add(future)
        try:
            return self.wait(future)
        finally:
            self._calls.discard(future)

    def _submit(
        self, fn: Callable[..., Any], args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None
    ) -> concurrent.futures.Future[Any]:
        """Start ``fn(*args, **kwargs)`` as a task of the loop; its future (cancelling the future
        cancels the task).

        Straight into the portal's loop, one thread hop each way (``portal.call`` makes two: it
        waits for the task to be spawned, then for its result), the result handed over as soon
        as it exists, and never blocking, even when the loop is busy or gone.
        """
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        coroutine = _run_into(future, fn, args, kwargs or {})
        try:
            self._loop.call_soon_threadsafe(_spawn, self._loop, coroutine, future)
        except RuntimeError:  # the loop is closed
            coroutine.close()
            raise RuntimeError(f"{self.description} is closed") from None
        return future

    def wait(self, future: concurrent.futures.Future[T], timeout: float | None = None) -> T:
        """The result of ``future``, waited for in short steps so that a signal (Ctrl-C) is
        handled at once; a KeyboardInterrupt (or any exception) while waiting cancels it."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while True:
                try:
                    return future.result(POLL_INTERVAL)
                except concurrent.futures.TimeoutError:
                    if future.done():  # the call's own TimeoutError, or done just now
                        return future.result()
                    if self._stopped:  # the loop is gone: it never will be
                        raise concurrent.futures.CancelledError from None
                    if deadline is not None and time.monotonic() >= deadline:
                        raise
        except concurrent.futures.CancelledError:
            if self._closed:
                raise RuntimeError(f"{self.description} was closed while the call was in flight") from None
            raise
        except BaseException:
            future.cancel()  # a no-op once done; else cancels the task in the loop
            raise

    def view(self, value: Any) -> Any:
        """``value``, or a :class:`BlockingProxy` of it when it is async-iterable or an async
        context manager."""
        kind = type(value)
        wrap = _wrapped_kinds.get(kind)
        if wrap is None:
            wrap = _wrapped_kinds[kind] = hasattr(kind, "__aiter__") or hasattr(kind, "__aenter__")
        return BlockingProxy(self, value) if wrap else value

    def iterate(self, iterable: AsyncIterable[T]) -> Iterator[T]:
        """A plain iterator over ``iterable``.

        One task of the loop walks the async iterator from start to end (so cancel scopes and
        task groups inside it stay in one task) and hands items over in batches. Closing the
        iterator (``break`` drops it; or ``close()``, or an exception in the loop body) cancels
        that task and ``aclose()``-s the async iterator in the loop before returning.
        """
        feed = _Feed(iterable)
        try:
            self.call(feed.start)
        except BaseException:
            feed.discard()
            raise
        self._feeds.add(feed)
        try:
            while True:
                items, ended = self.call(_take, feed.receive, ITEMS_AHEAD)
                yield from items
                if ended:
                    self._wait_for(feed.finished)
                    if isinstance(feed.error, asyncio.CancelledError):  # close() stopped it
                        raise RuntimeError(f"{self.description} was closed while iterating")
                    if feed.error is not None:
                        raise feed.error
                    return
        finally:
            self._feeds.discard(feed)
            try:
                if not feed.finished.is_set() and not self._closed:
                    with contextlib.suppress(RuntimeError):  # closed meanwhile: close() stops it
                        self.call(feed.stop)
                self._wait_for(feed.finished)
            finally:
                feed.receive.close()  # the walk is over: nothing else touches the stream

    def wrap_async_context_manager(
        self, manager: contextlib.AbstractAsyncContextManager[T]
    ) -> contextlib.AbstractContextManager[T]:
        """A context manager entering and leaving ``manager`` in one task of the loop."""
        self._check_caller()
        return self._portal.wrap_async_context_manager(manager)

    def _wait_for(self, event: threading.Event, timeout: float | None = None) -> bool:
        """Wait (interruptibly) until ``event`` is set, ``timeout`` passed or the loop stopped."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not event.wait(POLL_INTERVAL):
            if self._stopped or (deadline is not None and time.monotonic() >= deadline):
                return event.is_set()
        return True

    def _check_caller(self) -> None:
        if self._closed:
            raise RuntimeError(f"{self.description} is closed")
        if threading.get_ident() == self._thread_id:
            raise RuntimeError(
                "a blocking Amnimo call was made from the client's own event loop thread (from code "
                "the async client runs: a callback, a token cache, an httpx hook...); it would wait "
                "for itself forever. In async code use the AsyncAmnimo methods with await"
            )

    # --- closing ----------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether the client no longer takes calls."""
        return self._closed

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Cancel calls in flight, close the connections, stop the loop and join its thread;
        each step within ``timeout`` seconds."""
        if threading.get_ident() == self._thread_id:
            raise RuntimeError("an Amnimo client cannot be closed from its own event loop thread")
        with self._close_lock:
            if self._stopped:
                return
            self._closed = True
            try:
                if self._feeds:
                    self._in_loop(timeout, _stop_all, list(self._feeds))
                for future in list(self._calls):
                    future.cancel()
                self._in_loop(timeout + 1.0, self._aclose_client, timeout)
            finally:
                self._stop(timeout)

    def _in_loop(self, timeout: float, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` in the loop for closing: at most ``timeout`` s, and not at all if
        the loop is gone."""
        try:
            future = self._submit(fn, args)
        except RuntimeError:
            return
        with contextlib.suppress(concurrent.futures.TimeoutError):
            self.wait(future, timeout)

    async def _aclose_client(self, within: float) -> None:
        with anyio.move_on_after(within, shield=True):
            await self.client.aclose()

    def _stop(self, timeout: float) -> None:
        self._in_loop(timeout, self._portal.stop, True)  # ends the portal's task: the loop stops
        self.thread.join(timeout)
        self._stopped = True
        _live.discard(self)
        if self.thread.is_alive():  # a task that ignores cancellation: leave the daemon thread be
            _stuck.append(self._stack)
            warnings.warn(
                f"the event loop thread of {self.description} did not stop within {timeout} s",
                RuntimeWarning,
                stacklevel=3,
            )
        else:
            self._stack.close()  # the thread has ended: returns at once

    def abandon(self, why: str) -> None:
        """Close a client its owner forgot to close, with a ResourceWarning; never blocks for long."""
        if self._stopped:
            return
        with contextlib.suppress(Exception):
            warnings.warn(
                f"unclosed {self.description} ({why}): use `with Amnimo(...) as amnimo:` or call close()",
                ResourceWarning,
                source=self,
                stacklevel=2,
            )
        if sys.is_finalizing():
            return  # the daemon thread ends with the interpreter; nothing may block now
        if threading.get_ident() == self._thread_id:  # cannot wait for ourselves: hand it over
            threading.Thread(target=self._close_quietly, name="amnimo-portal-closer", daemon=True).start()
            return
        self._close_quietly()

    def _close_quietly(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    def __del__(self) -> None:
        if not getattr(self, "_stopped", True):
            self.abandon("dropped without close()")


_stuck: list[contextlib.ExitStack] = []
"""Portals whose thread would not stop; kept so that nothing ever joins them (they are daemons)."""


@atexit.register
def _close_at_exit() -> None:
    """Stop the loop threads of clients still open at interpreter exit (before daemon threads
    are frozen), so their connections close and nothing hangs."""
    for portal in list(_live):
        portal.abandon("still open at interpreter exit")


class _Feed:
    """Walks one async iterable in one task of the loop, handing its items over to a thread.

    The task is a plain asyncio task of its own (not one of the portal's), cancelled with one
    plain ``Task.cancel()``: an anyio cancel scope's cancellation is re-delivered while the walk
    cleans up, and a paginator waiting for its cancelled page requests would cancel them a
    second time, in the middle of closing their connections.
    """

    def __init__(self, iterable: AsyncIterable[Any]) -> None:
        self._iterable = iterable
        self.send, self.receive = anyio.create_memory_object_stream[Any](ITEMS_AHEAD)
        self.finished = threading.Event()
        self.error: BaseException | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start walking (called in the loop)."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="amnimo-iterator")

    async def _run(self) -> None:
        try:
            async with self.send:
                iterator = aiter(self._iterable)
                try:
                    async for item in iterator:
                        await self.send.send(item)
                finally:
                    aclose = getattr(iterator, "aclose", None)
                    if aclose is not None:
                        with anyio.move_on_after(CLOSE_TIMEOUT, shield=True):
                            await aclose()
        except BaseException as exc:  # kept for the consuming thread
            self.error = exc
            if not isinstance(exc, Exception):
                raise
        finally:
            self.finished.set()

    def stop(self) -> None:
        """Cancel the walk (called in the loop)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def discard(self) -> None:
        """Close both ends of a feed that never ran."""
        self.send.close()
        self.receive.close()


def _stop_all(feeds: list[_Feed]) -> None:
    for feed in feeds:
        feed.stop()


async def _run_into(
    future: concurrent.futures.Future[Any],
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    """Run ``fn(*args, **kwargs)`` (awaited if it returns an awaitable) into ``future``."""
    try:
        result = fn(*args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
    except asyncio.CancelledError:
        future.cancel()  # by its caller, or the loop closing: the caller sees a cancelled call
        raise
    except BaseException as exc:
        if future.set_running_or_notify_cancel():
            future.set_exception(exc)
        if not isinstance(exc, Exception):
            raise
    else:
        if future.set_running_or_notify_cancel():
            future.set_result(result)


def _spawn(
    loop: asyncio.AbstractEventLoop,
    coroutine: Coroutine[Any, Any, None],
    future: concurrent.futures.Future[Any],
) -> None:
    """(In the loop.) Start the task of a submitted call, unless it was cancelled already."""
    if future.cancelled():
        coroutine.close()
        return
    task = loop.create_task(coroutine)
    future.add_done_callback(functools.partial(_cancel_task, loop, task))


def _cancel_task(
    loop: asyncio.AbstractEventLoop, task: asyncio.Task[None], future: concurrent.futures.Future[Any]
) -> None:
    """When a call's future is cancelled (by a caller's KeyboardInterrupt, or close()), cancel
    its task: once, as asyncio does, so cleanup shielded from anyio cancellation still runs."""
    if future.cancelled():
        with contextlib.suppress(RuntimeError):  # the loop is gone: so is the task
            loop.call_soon_threadsafe(task.cancel)


async def _take(receive: MemoryObjectReceiveStream[Any], limit: int) -> tuple[list[Any], bool]:
    """The next items (waits for one, takes up to ``limit`` ready ones) and whether the stream ended."""
    try:
        items = [await receive.receive()]
    except anyio.EndOfStream:
        return [], True
    while len(items) < limit:
        try:
            items.append(receive.receive_nowait())
        except anyio.WouldBlock:
            break
        except anyio.EndOfStream:
            return items, True
    return items, False


def _public_names(obj: object) -> list[str]:
    return [name for name in dir(obj) if not name.startswith("_")]


def _blocking(portal: _Portal, fn: Callable[..., Any], name: str, owner: str) -> Callable[..., Any]:
    """The blocking twin of ``fn``: run in the loop, result viewed through :meth:`_Portal.view`;
    same signature and docstring."""
    call, view = portal.call, portal.view

    def method(*args: Any, **kwargs: Any) -> Any:
        return view(call(fn, *args, **kwargs))

    with contextlib.suppress(TypeError, ValueError):  # a callable without a signature keeps (*args, **kw)
        method.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
    method.__doc__ = fn.__doc__
    method.__name__ = name
    method.__qualname__ = f"{owner}.{name}"
    return method


def _member(portal: _Portal, value: Any, name: str, owner: str) -> Any:
    """The blocking twin of a public attribute: functions are wrapped, anything else passes."""
    if callable(value) and not isinstance(value, type):
        return _blocking(portal, value, name, owner)
    return value


class SyncNamespace:
    """The blocking twin of an AsyncAmnimo namespace (``amnimo.cameras``, ``amnimo.media``...):
    the same methods with the same signatures and docs, each running the async one in the
    client's event loop and waiting for it."""

    def __init__(self, portal: _Portal, namespace: Namespace, name: str) -> None:
        self._name = name
        self.__doc__ = type(namespace).__doc__
        for member in _public_names(namespace):
            setattr(self, member, _member(portal, getattr(namespace, member), member, name))

    def __getattr__(self, name: str) -> Any:  # only reached for missing names
        raise AttributeError(f"Amnimo.{self.__dict__.get('_name', '?')} has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        return [name for name in self.__dict__ if not name.startswith("_")]

    def __repr__(self) -> str:
        return f"<SyncNamespace {self._name}: {', '.join(self.__dir__())}>"


class BlockingProxy:
    """A blocking view of an async object the async client returned (a paginator, an inventory
    sweep...): iterable if it is async-iterable, a context manager if it is an async context
    manager. Its coroutine methods block, its methods returning async iterators return
    iterables, and its plain attributes (``pages_fetched``, ``summary``...) read through live.

    ``for item in proxy:`` walks the async iterator in the client's loop; leaving the loop early
    (``break``, an exception) cancels what it still has in flight.
    """

    def __init__(self, portal: _Portal, target: Any) -> None:
        self._portal = portal
        self._target = target
        self._entered: contextlib.AbstractContextManager[Any] | None = None

    def __iter__(self) -> Iterator[Any]:
        if not hasattr(type(self._target), "__aiter__"):
            raise TypeError(f"{type(self._target).__name__} is not async-iterable")
        return self._portal.iterate(self._target)

    def __enter__(self) -> Any:
        if not hasattr(type(self._target), "__aenter__"):
            raise TypeError(f"{type(self._target).__name__} is not an async context manager")
        entered = self._portal.wrap_async_context_manager(self._target)
        value = entered.__enter__()
        self._entered = entered
        return self if value is self._target else self._portal.view(value)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        entered, self._entered = self._entered, None
        if entered is None:
            return None
        return entered.__exit__(exc_type, exc, tb)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self._target, name)
        if callable(value) and not isinstance(value, type):
            method = _blocking(self._portal, value, name, type(self._target).__name__)
            self.__dict__[name] = method  # methods are bound once; plain attributes stay live
            return method
        return value

    def __dir__(self) -> list[str]:
        return sorted({*_public_names(self._target), *self.__dict__} - {"_portal", "_target", "_entered"})

    def __repr__(self) -> str:
        return f"<BlockingProxy of {self._target!r}>"


class Amnimo:
    """The amnimo API client for blocking code: :class:`AsyncAmnimo`'s namespaces, methods and
    arguments, each call waiting for its answer.

    ::

        with Amnimo(client_id, secret_key) as amnimo:
            root = amnimo.accounts.hierarchy(account_id)
            for camera in amnimo.cameras.iter(subscription_id):
                ...

    It runs an :class:`AsyncAmnimo` in an event loop on a background thread; any number of
    threads may use one client at once, sharing its connections, rate limiter and token.
    Async iterators come back as plain iterables (leaving a ``for`` loop early cancels what is
    in flight) and async context managers as context managers. Ctrl-C during a call cancels
    the request and raises KeyboardInterrupt at once.

    Calling it from a thread that runs an event loop of its own (Jupyter, or an ``async def``)
    works, but blocks that loop for the duration of the call: in async code prefer
    :class:`AsyncAmnimo`. Callbacks the async client makes (``inventory(on_progress=...)``, a
    token cache, httpx event hooks) run in the client's loop thread; code running there must not
    call the blocking client: that raises RuntimeError instead of deadlocking.

    Close it (``with`` or :meth:`close`) to stop the thread and close the connections; one
    dropped while open is closed with a ``ResourceWarning``.

    It also runs the generated-style endpoint functions::

        page = list_cameras.sync(amnimo, subscription_id=sub)
    """

    # Set from AsyncAmnimo when the client is built; declared for type checkers (a test checks
    # these are exactly the async client's namespaces and methods).
    accounts: SyncNamespace
    cameras: SyncNamespace
    streams: SyncNamespace
    media: SyncNamespace
    devices: SyncNamespace
    inventory: Callable[..., BlockingProxy]

    def __init__(
        self,
        client_id: str | None = None,
        secret_key: str | None = None,
        *,
        base_url: str | None = None,
        rate: float | None = DEFAULT_RATE,
        burst: int = DEFAULT_BURST,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        token_cache: TokenCache | None = None,
        http_client: httpx.AsyncClient | None = None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        rate_limiter: Limiter | None = None,
    ) -> None:
        self._portal = _Portal(
            functools.partial(
                AsyncAmnimo,
                client_id,
                secret_key,
                base_url=base_url,
                rate=rate,
                burst=burst,
                max_retries=max_retries,
                timeout=timeout,
                token_cache=token_cache,
                http_client=http_client,
                refresh_margin=refresh_margin,
                rate_limiter=rate_limiter,
            )
        )
        client = self._portal.client
        for name in _public_names(client):
            if name in ASYNC_ONLY:
                continue
            value = getattr(client, name)
            if isinstance(value, Namespace):
                setattr(self, name, SyncNamespace(self._portal, value, name))
            else:
                setattr(self, name, _member(self._portal, value, name, "Amnimo"))

    def run(
        self,
        async_fn: Callable[Concatenate[AsyncAmnimo, P], Awaitable[T]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``await async_fn(async_client, *args, **kwargs)`` in the client's event loop; its result.

        This is how the endpoint modules' ``sync`` functions run (``list_cameras.sync(amnimo,
        ...)``), and a way to run any async code against the underlying :class:`AsyncAmnimo`.
        """
        return cast(T, self._portal.call(async_fn, self._portal.client, *args, **kwargs))

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._portal.closed

    def close(self) -> None:
        """Close the connections and stop the event loop thread; calls still in flight are
        cancelled (their callers get RuntimeError). Calling it again does nothing."""
        self._portal.close()

    def __enter__(self) -> Amnimo:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return self._portal.description if "_portal" in self.__dict__ else "<Amnimo (not started)>"
