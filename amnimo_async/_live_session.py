"""``streams.live``: an HLS session kept alive while a block runs, and stopped exactly once.

The server ends an HLS upload ``keepAlivePeriod`` seconds after the last start or update. A
background task sends the update about half way through each period, so one lost or slow
update still leaves time for another; transient faults (no answer, 5xx, 429, a garbled body)
are retried until the period runs out. A refused update (404 once the server has dropped the
session) ends it at once. Either way ``session.ended`` is set, no update is sent after that,
and the reason is raised on leaving the block or from ``await session.wait()``.

Leaving the block, by its end, an exception or a cancellation, stops the session once: the stop
runs in its own task, so a second cancellation cannot interrupt it half-sent.

The waits use the client's time source (``transport.sleep`` and ``transport.monotonic``), which
tests replace with a virtual clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import Literal, TypeVar

from ._endpoint import ClientLike
from ._errors import TRANSIENT_ERRORS, APIStatusError, NotFoundError
from ._flow_errors import LiveSessionEndedError
from ._logging import logger
from ._models import HlsSession
from .api.streams import start_hls, stop_hls, update_hls

T = TypeVar("T")

TRANSIENT: tuple[type[Exception], ...] = (*TRANSIENT_ERRORS, asyncio.TimeoutError)
"""Faults after which another update may still get through (the transport has already retried)."""
MIN_RETRY_WINDOW = 1.0
"""Seconds of the period that must be left to try an update again."""
MIN_ANSWER_TIME = 10.0
"""Seconds an update may always take, even past the period by our clock: a process that wakes
late (a suspended laptop) still asks, and the server, whose clock decides, answers."""

_stopping: set[asyncio.Task[None]] = set()  # stops outliving a cancelled block: kept from the GC


def live(
    client: ClientLike,
    subscription_id: str,
    camera_id: str,
    *,
    dt: Literal["live"] | datetime = "live",
    keep_alive_period: int = 60,
    retry: int = 20,
) -> LiveSession:
    """An HLS session of the camera, kept alive while a block runs: ``async with`` it.

    ``dt`` is ``"live"`` or an aware datetime to play the recording back from.
    ``keep_alive_period`` (10..3600 s) is how long the server keeps the upload going without an
    update; ``retry`` (1..100) how often it tries to get the playback URL. Both are checked here,
    before anything is sent (:class:`ValidationError`).

    Entering the block starts the session (``startHls``); inside it ``session.url`` is the
    playback URL, ``session.request_id`` and ``session.expires_at`` describe it. A background
    task sends ``updateHls`` about half way through each period, retrying transient faults
    (no answer, 5xx, 429) while the period lasts. Leaving the block, normally, by an exception
    or by cancellation, stops the session (``stopHls``) exactly once.

    If the session ends anyway (the server refused an update, or none got through within a
    period), ``session.ended`` is set, no update is sent after that, and
    :class:`LiveSessionEndedError` is raised on leaving the block, or by ``await session.wait()``.

    ::

        async with amnimo.streams.live(sub, camera_id, keep_alive_period=60) as session:
            print(session.url)
            await session.wait()  # until the block is left from elsewhere, or the session ends

    With the blocking client: ``with amnimo.streams.live(sub, camera_id) as session:``; the
    keep-alive runs in the client's event loop thread while your thread does other things.
    """
    return LiveSession(
        client, subscription_id, camera_id, dt=dt, keep_alive_period=keep_alive_period, retry=retry
    )


class LiveSession:
    """An HLS session kept alive in the background while its block runs; made by
    ``amnimo.streams.live(...)`` and used as ``async with`` (``with`` in the blocking client).

    Inside the block: ``request_id``; ``url``, the playback URL; ``expires_at``, when the server
    ends the upload unless updated again (aware UTC, as of the last accepted update); ``hls``,
    the whole ``startHls`` answer; ``ended``, an :class:`asyncio.Event` set once the session is
    over; ``reason``, why it ended by itself (None while alive, or once stopped by leaving the
    block); after the block, ``stopped`` tells whether the stop went through. A session runs
    once: call ``streams.live`` again for another.
    """

    def __init__(
        self,
        client: ClientLike,
        subscription_id: str,
        camera_id: str,
        *,
        dt: Literal["live"] | datetime,
        keep_alive_period: int,
        retry: int,
    ) -> None:
        # Checked now, sent on entering the block.
        self._start = start_hls.endpoint.build(
            subscription_id, camera_id, dt=dt, retry=retry, keep_alive_period=keep_alive_period
        )
        self._client = client
        self._subscription_id = subscription_id
        self._camera_id = camera_id
        self.keep_alive_period = keep_alive_period
        self._clock = client.transport.monotonic
        self._sleep = client.transport.sleep
        self.ended = asyncio.Event()
        self.reason: BaseException | None = None
        self._hls: HlsSession | None = None
        self._confirmed_at = 0.0  # clock reading when the last start or update was sent
        self._dated = (0.0, datetime.now(timezone.utc))  # a clock reading and its wall time
        self._keeper: asyncio.Task[None] | None = None
        self._closing: asyncio.Task[None] | None = None
        self._gone = False  # the server no longer knows the session: there is nothing to stop
        self._stop_error: Exception | None = None

    # --- what the block sees ------------------------------------------------------------

    @property
    def hls(self) -> HlsSession:
        """The startHls answer (with any field this SDK does not know in ``extra``)."""
        if self._hls is None:
            raise RuntimeError("the session is not started: use it as `async with live(...) as session:`")
        return self._hls

    @property
    def request_id(self) -> str:
        """The session's id, as ``updateHls`` and ``stopHls`` take it."""
        return self.hls.request_id

    @property
    def url(self) -> str | None:
        """The playback URL (None if the server gave none)."""
        return self.hls.url

    @property
    def expires_at(self) -> datetime:
        """When the server ends the upload unless updated again (aware UTC)."""
        self.hls  # noqa: B018 - raises before the start
        reading, wall = self._dated
        return wall + timedelta(seconds=self._confirmed_at + self.keep_alive_period - reading)

    @property
    def stopped(self) -> bool:
        """Whether the session is over on the server's side as far as the client can tell: the
        block was left and the stop went through (or the server had already ended it). False
        while the block runs, and when the stop failed or was cut off (the server then ends the
        upload ``keep_alive_period`` seconds after the last update)."""
        closing = self._closing
        return closing is not None and closing.done() and not closing.cancelled() and self._stop_error is None

    async def wait(self) -> None:
        """Wait until the session is over: returns once it was stopped by leaving the block
        (from another task), raises :class:`LiveSessionEndedError` if it ended by itself."""
        await self.ended.wait()
        self._raise_if_ended()

    # --- the block ----------------------------------------------------------------------

    async def __aenter__(self) -> LiveSession:
        if self._hls is not None or self._closing is not None:
            raise RuntimeError("a LiveSession runs once: call live() again for another session")
        sent = self._clock()
        self._hls = await start_hls.endpoint.send(self._client, self._start)
        self._confirmed_at = sent
        self._dated = (sent, datetime.now(timezone.utc))
        self._keeper = asyncio.create_task(
            self._keep_alive(), name=f"amnimo HLS keep-alive {self.request_id}"
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._closing is None:
            self._closing = asyncio.create_task(self._close())
            _stopping.add(self._closing)
            self._closing.add_done_callback(_stopping.discard)
        await asyncio.shield(self._closing)  # cancelled again: the stop still completes
        if exc is not None:
            return  # the block's own exception goes first
        self._raise_if_ended()
        if self._stop_error is not None:
            raise self._stop_error

    def _raise_if_ended(self) -> None:
        if self.reason is not None:
            raise LiveSessionEndedError(self.request_id, self.reason) from self.reason

    # --- behind the block ---------------------------------------------------------------

    async def _keep_alive(self) -> None:
        while True:
            await self._sleep(max(0.0, self._confirmed_at + self.keep_alive_period / 2 - self._clock()))
            reason = await self._extend()
            if reason is not None:
                self.reason = reason
                self.ended.set()
                logger.warning("HLS session %s ended: %s", self.request_id, reason)
                return

    async def _extend(self) -> BaseException | None:
        """Update until one is accepted within the period; otherwise what stopped it."""
        deadline = self._confirmed_at + self.keep_alive_period
        failures = 0
        while True:
            sent = self._clock()
            try:
                update = update_hls.asyncio(
                    self._client, self._subscription_id, self._camera_id, self.request_id
                )
                await _within(update, max(deadline - sent, MIN_ANSWER_TIME))
            except TRANSIENT as exc:
                failures += 1
                pause = self._client.transport.retry.backoff(failures)
                remaining = deadline - self._clock()
                if remaining - pause < MIN_RETRY_WINDOW:
                    return exc
                logger.info("HLS session %s: update failed (%s), retrying", self.request_id, exc)
                await self._sleep(pause)
                continue
            except APIStatusError as exc:  # refused: 404 once the server has dropped the session
                self._gone = isinstance(exc, NotFoundError)
                return exc
            except Exception as exc:
                return exc
            self._confirmed_at = sent
            return None

    async def _close(self) -> None:
        """Stop the keep-alive, then the session (unless the server has already dropped it)."""
        keeper = self._keeper
        if keeper is not None and not keeper.done():
            keeper.cancel()
            await asyncio.wait({keeper})
        if not self._gone:
            self._gone = True
            try:
                await stop_hls.asyncio(self._client, self._subscription_id, self._camera_id, self.request_id)
            except NotFoundError:
                pass  # it ended on the server's side meanwhile: stopped all the same
            except Exception as exc:
                self._stop_error = exc
                logger.warning("HLS session %s: stop failed: %s", self.request_id, exc)
        self.ended.set()


async def _within(awaitable: Awaitable[T], seconds: float) -> T:
    """``awaitable``'s result, or :class:`asyncio.TimeoutError` after ``seconds`` (it is then
    cancelled). Unlike ``asyncio.wait_for`` on Python < 3.12, never swallows a cancellation."""
    task = asyncio.ensure_future(awaitable)
    try:
        done, _ = await asyncio.wait({task}, timeout=max(seconds, 0.0))
    finally:
        if not task.done():
            task.cancel()
    if not done:
        raise asyncio.TimeoutError(f"no answer within {seconds:.1f} s, the rest of the keep-alive period")
    return task.result()
