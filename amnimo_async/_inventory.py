"""Inventory sweeps: every camera, media and external device of a whole account hierarchy.

One hierarchy call, then for each subscription its camera pages, media pages and device pages,
concurrently across subscriptions, all drawing on the client's one rate limiter. A sweep with no
faults makes the minimum number of requests: ceil(cameras/500) camera pages (at least 1),
floor(media/1000)+1 media pages and ceil(devices/100) device pages (at least 1) per subscription.
Each list is walked as its paginator walks it (each id once; exact while items are only added):
a list that changes during the sweep can cost a page read again (see ``_walks``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime
from typing import Any, Literal, TypeAlias

import attrs

from ._arguments import timestamp
from ._endpoint import ClientLike
from ._errors import AmnimoError, ValidationError
from ._models import Account, Camera, CameraPage, DeviceExternalDevices, ExternalDevicePage, Media
from ._paginate import MEDIA_PAGE_SIZE, Paginator, iterate_cameras, iterate_external_devices, iterate_media
from ._tasks import all_or_first_failure, cancel_all
from .api.accounts import get_hierarchy

Kind = Literal["cameras", "media", "devices"]
KINDS: tuple[Kind, ...] = ("cameras", "media", "devices")
DEFAULT_CONCURRENCY = 8


@attrs.frozen
class SweepError:
    """What could not be listed: which subscription, which list, from which page, and why."""

    subscription_id: str
    kind: Kind
    page: int
    error: AmnimoError

    def __str__(self) -> str:
        return f"{self.kind} of subscription {self.subscription_id}, page {self.page}: {self.error}"


Item: TypeAlias = Camera | Media | DeviceExternalDevices | SweepError


@attrs.frozen
class InventoryRecord:
    """One thing found (``kind`` "cameras", "media" or "devices"), or an ``"error"`` record."""

    subscription_id: str
    kind: Kind | Literal["error"]
    item: Item


@attrs.frozen
class Progress:
    """Where a sweep stands: pages done of those known so far, items seen, subscriptions done."""

    pages_done: int
    pages_expected: int
    items: int
    subscriptions_done: int
    subscriptions_total: int


@attrs.define
class InventorySummary:
    """Counts per subscription and kind, and what it cost: requests, 429s, retries, time."""

    account_id: str
    counts: dict[str, dict[str, int]] = attrs.Factory(dict)
    errors: list[SweepError] = attrs.Factory(list)
    requests: int = 0
    throttled: int = 0
    retries: int = 0
    token_calls: int = 0
    elapsed: float = 0.0

    @property
    def total(self) -> dict[str, int]:
        """Items per kind over every subscription."""
        totals: dict[str, int] = dict.fromkeys(KINDS, 0)
        for kinds in self.counts.values():
            for kind, count in kinds.items():
                totals[kind] = totals.get(kind, 0) + count
        return totals


_DONE = object()


class Inventory:
    """``async for record in amnimo.inventory(account_id)``; then ``.summary``.

    Subscriptions are swept ``concurrency`` at a time; records queue in a bounded buffer, so a
    slow consumer slows the sweep rather than filling memory. A list that fails (403, 404,
    retries exhausted) becomes an ``"error"`` record and the rest continue. With ``since``, each
    media list stops at the first media requested at or before it (newest first).
    """

    def __init__(
        self,
        client: ClientLike,
        account_id: str,
        *,
        include: Iterable[Kind] | str = KINDS,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: Callable[[Progress], Any] | None = None,
        buffer: int = 2000,
        since: datetime | None = None,
    ) -> None:
        self._client = client
        if since is not None:
            timestamp("since", since)
        self._since = since
        get_hierarchy.endpoint.build(account_id)  # validates the id now, before anything is sent
        self.include: tuple[Kind, ...] = tuple(dict.fromkeys(_kinds(include)))
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValidationError("concurrency", f"must be an integer of at least 1, got {concurrency!r}")
        self._concurrency = concurrency
        self._on_progress = on_progress
        self._buffer = buffer
        self._account_id = account_id
        self._reset()

    def _reset(self) -> None:
        """Fresh counts: each ``async for`` is a sweep of its own."""
        self.summary = InventorySummary(self._account_id)
        self.hierarchy: Account | None = None
        self._pages_done = 0
        self._pages_expected = 0
        self._items = 0
        self._subscriptions_done = 0
        self._subscriptions_total = 0

    def __aiter__(self) -> AsyncIterator[InventoryRecord]:
        return self._sweep()

    async def _sweep(self) -> AsyncIterator[InventoryRecord]:
        self._reset()
        transport = self._client.transport
        before = attrs.evolve(transport.stats)
        started = time.perf_counter()
        queue: asyncio.Queue[Any] = asyncio.Queue(self._buffer)
        producer = asyncio.ensure_future(self._produce(queue))
        try:
            while (record := await queue.get()) is not _DONE:
                if isinstance(record, BaseException):
                    raise record
                yield record
        finally:
            await cancel_all([producer])
            stats = transport.stats
            self.summary.requests = stats.requests - before.requests
            self.summary.throttled = stats.throttled - before.throttled
            self.summary.retries = stats.retries - before.retries
            self.summary.token_calls = stats.token_calls - before.token_calls
            self.summary.elapsed = time.perf_counter() - started

    async def _produce(self, queue: asyncio.Queue[Any]) -> None:
        try:
            self._pages_expected = 1
            self.hierarchy = await get_hierarchy.asyncio(self._client, self._account_id)
            self._page_done()
            subscriptions = self.hierarchy.subscription_ids()
            self._subscriptions_total = len(subscriptions)
            self._pages_expected += len(subscriptions) * len(self.include)  # first pages, at least
            self._report()
            gate = asyncio.Semaphore(self._concurrency)
            await all_or_first_failure(self._subscription(sub, gate, queue) for sub in subscriptions)
            await queue.put(_DONE)
        except BaseException as exc:  # the consumer re-raises it (cancellation is the consumer's)
            if not isinstance(exc, asyncio.CancelledError):
                await queue.put(exc)
            raise

    async def _subscription(
        self, subscription_id: str, gate: asyncio.Semaphore, queue: asyncio.Queue[Any]
    ) -> None:
        async with gate:
            counts = self.summary.counts.setdefault(subscription_id, dict.fromkeys(self.include, 0))
            await all_or_first_failure(
                self._list(subscription_id, kind, counts, queue) for kind in self.include
            )
            self._subscriptions_done += 1
            self._report()

    async def _list(
        self, subscription_id: str, kind: Kind, counts: dict[str, int], queue: asyncio.Queue[Any]
    ) -> None:
        paginator = self._paginator(subscription_id, kind)
        pages = paginator.pages()
        handed_out = 0
        next_page = 0  # the page the list goes on from: where it failed, if it does
        try:
            async for page in pages:
                if handed_out == 0 and paginator.page_count is not None:
                    self._pages_expected += paginator.page_count(page) - 1
                if kind == "media" and len(page) >= MEDIA_PAGE_SIZE:
                    self._pages_expected += 1  # a full page: one more to know it was the last
                next_page = _page_number(page, handed_out) + 1
                handed_out += 1
                self._page_done()
                for item in paginator.items_of(page):
                    counts[kind] += 1
                    self._items += 1
                    await queue.put(InventoryRecord(subscription_id, kind, item))
                self._report()
        except AmnimoError as exc:
            error = SweepError(subscription_id, kind, next_page, exc)
            self.summary.errors.append(error)
            await queue.put(InventoryRecord(subscription_id, "error", error))
        finally:
            await pages.aclose()  # type: ignore[attr-defined]

    def _paginator(self, subscription_id: str, kind: Kind) -> Paginator[Any, Any]:
        if kind == "cameras":
            return iterate_cameras(self._client, subscription_id)
        if kind == "devices":
            return iterate_external_devices(self._client, subscription_id)
        return iterate_media(self._client, subscription_id, since=self._since)

    def _page_done(self) -> None:
        self._pages_done += 1

    def _report(self) -> None:
        if self._on_progress is not None:
            self._on_progress(
                Progress(
                    self._pages_done,
                    max(self._pages_expected, self._pages_done),
                    self._items,
                    self._subscriptions_done,
                    self._subscriptions_total,
                )
            )


def _page_number(page: object, handed_out: int) -> int:
    """A page's own number. Camera and device pages carry it (a re-read hands pages out again, so
    counting them would run ahead); media pages do not, and are handed out once each, in order."""
    if isinstance(page, CameraPage):
        return page.page
    if isinstance(page, ExternalDevicePage):
        return page.summary.page_number
    return handed_out


def _kinds(include: Iterable[Kind] | str) -> list[Kind]:
    names = include.split(",") if isinstance(include, str) else include
    kinds: list[str] = [name.strip() for name in names if name.strip()]
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown or not kinds:
        raise ValidationError("include", f"must name some of {', '.join(KINDS)}, got {kinds!r}")
    return kinds  # type: ignore[return-value]
