"""Async paginators over the three lists: cameras, media and external devices.

``async for camera in paginator`` gives items in server order; ``paginator.pages()`` gives pages.
Where the first page tells how many pages there are (cameras: ``total``; devices:
``summary.totalPages``), the rest are fetched concurrently, at most ``window`` ahead, and handed
out in order, so memory stays at a few pages whatever the total. Media searches have no total:
they walk until a short page, with ``lookahead`` pages requested before knowing they exist
(0 wastes nothing; 1 overlaps latency and wastes at most one request at the end).

Breaking out of the loop, or cancelling it, cancels the requests still in flight.
"""

from __future__ import annotations

import asyncio
import collections
import math
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sized
from typing import Any, Generic, TypeVar

from ._endpoint import ClientLike, Endpoint
from ._errors import ValidationError
from ._models import Camera, CameraPage, DeviceExternalDevices, ExternalDevicePage, Media
from ._tasks import cancel_all
from .api.cameras import list_cameras
from .api.devices import list_external_devices
from .api.media import search_camera_media, search_subscription_media
from .api.media.search_subscription_media import MAX_PAGE_SIZE as _MAX_MEDIA_PAGE_SIZE

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT")
SizedPageT = TypeVar("SizedPageT", bound=Sized)

FetchPage = Callable[[int], Awaitable[PageT]]
"""Page number (from 0) to that page: what a walk asks for."""
Walk = Callable[[FetchPage[PageT]], AsyncIterator[PageT]]
"""How a list is walked: given a page fetcher, its pages in order."""

DEFAULT_WINDOW = 8
MEDIA_PAGE_SIZE = _MAX_MEDIA_PAGE_SIZE  # media searches have no total: the fewer pages the better


class Paginator(Generic[ItemT, PageT]):
    """An async iterator of items, with :meth:`pages` to walk whole pages instead.

    ``pages_fetched`` counts the pages answered so far. Each ``async for`` walks the list anew.
    ``items_of(page)`` gives a page's items; ``page_count(first_page)`` how many pages the list has,
    as its first page tells (``None`` for lists that do not say: the media searches).
    """

    def __init__(
        self,
        fetch_page: FetchPage[PageT],
        walk: Walk[PageT],
        items_of: Callable[[PageT], Iterable[ItemT]],
        page_count: Callable[[PageT], int] | None = None,
    ) -> None:
        self._fetch_page = fetch_page
        self._walk = walk
        self.items_of = items_of
        self.page_count = page_count
        self.pages_fetched = 0

    def pages(self) -> AsyncIterator[PageT]:
        """The pages, in order."""
        return self._walk(self._fetch)

    async def _fetch(self, number: int) -> PageT:
        page = await self._fetch_page(number)
        self.pages_fetched += 1
        return page

    async def _items(self) -> AsyncIterator[ItemT]:
        pages = self.pages()
        try:
            async for page in pages:
                for item in self.items_of(page):
                    yield item
        finally:
            await pages.aclose()  # type: ignore[attr-defined]

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self._items()

    def __repr__(self) -> str:
        return f"<Paginator pages_fetched={self.pages_fetched}>"


def page_fetcher(
    endpoint: Endpoint[..., PageT], client: ClientLike, *args: Any, page_argument: str, **kwargs: Any
) -> FetchPage[PageT]:
    """Pages of ``endpoint`` called with ``args`` and ``kwargs``, the page number passed as
    ``page_argument``; every argument is validated now (by building page 0), before anything
    is sent."""
    endpoint.build(*args, **kwargs, **{page_argument: 0})

    def fetch(number: int) -> Awaitable[PageT]:
        return endpoint.asyncio(client, *args, **kwargs, **{page_argument: number})

    return fetch


def counted(page_count: Callable[[PageT], int], window: int) -> Walk[PageT]:
    """The walk of a list whose first page says how many pages there are: the rest come
    concurrently, at most ``window`` in flight."""

    async def walk(fetch: FetchPage[PageT]) -> AsyncIterator[PageT]:
        first = await fetch(0)
        yield first
        async for page in in_order(fetch, range(1, page_count(first)), window):
            yield page

    return walk


async def in_order(fetch: FetchPage[PageT], numbers: Iterable[int], window: int) -> AsyncIterator[PageT]:
    """Fetch pages ``numbers`` concurrently, at most ``window`` in flight, and yield them in order.

    A failure is raised when its page's turn comes; whatever is still in flight is cancelled.
    """
    todo: Iterator[int] = iter(numbers)
    pending: collections.deque[asyncio.Future[PageT]] = collections.deque()
    try:
        for number in todo:
            pending.append(asyncio.ensure_future(fetch(number)))
            if len(pending) >= window:
                break
        while pending:
            page = await pending[0]
            pending.popleft()
            following = next(todo, None)
            if following is not None:
                pending.append(asyncio.ensure_future(fetch(following)))
            yield page
    finally:
        await cancel_all(pending)


def until_short(page_size: int, lookahead: int) -> Walk[SizedPageT]:
    """The walk of a list with no total: pages until one shorter than ``page_size``, with
    ``lookahead`` more asked for before knowing they exist."""

    async def walk(fetch: FetchPage[SizedPageT]) -> AsyncIterator[SizedPageT]:
        pending: collections.deque[asyncio.Future[SizedPageT]] = collections.deque()
        following = 0
        try:
            while True:
                while len(pending) <= lookahead:
                    pending.append(asyncio.ensure_future(fetch(following)))
                    following += 1
                page = await pending.popleft()
                yield page
                if len(page) < page_size:
                    break
        finally:
            await cancel_all(pending)

    return walk


def _window(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError("window", f"must be an integer of at least 1, got {value!r}")
    return value


def iterate_cameras(
    client: ClientLike,
    subscription_id: str,
    *,
    is_url: bool = True,
    expiration: int = 60,
    size: int = list_cameras.MAX_PAGE_SIZE,
    window: int = DEFAULT_WINDOW,
) -> Paginator[Camera, CameraPage]:
    """Every camera of the subscription, in server order (pages after the first fetched
    concurrently, at most ``window`` ahead). ``.pages()`` walks pages instead."""
    walk = counted(_camera_page_count, _window(window))
    fetch = page_fetcher(
        list_cameras.endpoint,
        client,
        subscription_id,
        is_url=is_url,
        expiration=expiration,
        size=size,
        page_argument="page",
    )
    return Paginator(fetch, walk, lambda page: page.cameras, _camera_page_count)


def _camera_page_count(first: CameraPage) -> int:
    """ceil(total / size), at least 1."""
    return max(1, math.ceil(first.total / first.size)) if first.size else 1


def _device_page_count(first: ExternalDevicePage) -> int:
    return max(1, first.summary.total_pages)


def iterate_external_devices(
    client: ClientLike,
    subscription_id: str,
    *,
    size: int = list_external_devices.LARGEST_PAGE_SIZE,
    window: int = DEFAULT_WINDOW,
) -> Paginator[DeviceExternalDevices, ExternalDevicePage]:
    """Every edge device with its external devices (pages after the first concurrently)."""
    walk = counted(_device_page_count, _window(window))
    fetch = page_fetcher(
        list_external_devices.endpoint, client, subscription_id, size=size, page_argument="page"
    )
    return Paginator(fetch, walk, lambda page: page.data, _device_page_count)


def iterate_media(
    client: ClientLike,
    subscription_id: str,
    camera_id: str | None = None,
    *,
    categories: Iterable[str] | None = None,
    sort_dir: str = "desc",
    page_size: int = MEDIA_PAGE_SIZE,
    lookahead: int = 1,
) -> Paginator[Media, tuple[Media, ...]]:
    """Every media of the subscription (or of ``camera_id``), page after page until a short
    one; ``lookahead`` pages are asked for before knowing they exist (0 wastes no request)."""
    if isinstance(lookahead, bool) or not isinstance(lookahead, int) or lookahead < 0:
        raise ValidationError("lookahead", f"must be an integer of at least 0, got {lookahead!r}")
    endpoint: Endpoint[..., tuple[Media, ...]] = (
        search_subscription_media.endpoint if camera_id is None else search_camera_media.endpoint
    )
    ids = (subscription_id,) if camera_id is None else (subscription_id, camera_id)
    fetch = page_fetcher(
        endpoint,
        client,
        *ids,
        page_size=page_size,
        categories=None if categories is None else list(categories),
        sort_dir=sort_dir,
        page_argument="page_number",
    )
    walk: Walk[tuple[Media, ...]] = until_short(page_size, lookahead)
    return Paginator(fetch, walk, lambda page: page)
