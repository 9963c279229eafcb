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
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

import httpx

from ._endpoint import ClientLike, Endpoint
from ._errors import ValidationError
from ._models import Camera, CameraPage, DeviceExternalDevices, ExternalDevicePage, Media
from ._request import Request
from .api.cameras import list_cameras
from .api.devices import list_external_devices
from .api.media import search_camera_media, search_subscription_media

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT")

DEFAULT_WINDOW = 8


class Paginator(Generic[ItemT, PageT]):
    """An async iterator of items, with :meth:`pages` to walk whole pages instead.

    ``pages_fetched`` counts the pages answered so far. Each ``async for`` walks the list anew.
    ``items_of(page)`` gives a page's items; ``page_count(first_page)`` how many pages the list has,
    as its first page tells (``None`` for lists that do not say: the media searches).
    """

    def __init__(
        self,
        client: ClientLike,
        walk: Callable[[Paginator[ItemT, PageT]], AsyncIterator[PageT]],
        items_of: Callable[[PageT], Iterable[ItemT]],
        page_count: Callable[[PageT], int] | None = None,
    ) -> None:
        self._client = client
        self._walk = walk
        self.items_of = items_of
        self.page_count = page_count
        self.pages_fetched = 0

    def pages(self) -> AsyncIterator[PageT]:
        """The pages, in order."""
        return self._walk(self)

    async def _fetch(self, request: Request, parse: Callable[[httpx.Response], PageT]) -> PageT:
        """Send one page's request and count the answer (for this module's walkers)."""
        answer = await self._client.transport.send(request, parse)
        self.pages_fetched += 1
        return answer.parsed

    async def _items(self) -> AsyncIterator[ItemT]:
        pages = self._walk(self)
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


def counted(
    client: ClientLike,
    request: Callable[[int], Request],
    parse: Callable[[httpx.Response], PageT],
    items_of: Callable[[PageT], Iterable[ItemT]],
    page_count: Callable[[PageT], int],
    window: int,
) -> Paginator[ItemT, PageT]:
    """A list whose first page says how many pages there are: the rest come concurrently."""
    window = _window(window)
    first_request = request(0)  # validates every argument now, before anything is sent

    async def walk(paginator: Paginator[ItemT, PageT]) -> AsyncIterator[PageT]:
        def fetch(page: int) -> Awaitable[PageT]:
            return paginator._fetch(first_request if page == 0 else request(page), parse)

        first = await fetch(0)
        yield first
        async for page in in_order(fetch, range(1, page_count(first)), window):
            yield page

    return Paginator(client, walk, items_of, page_count)


async def in_order(
    fetch: Callable[[int], Awaitable[PageT]], numbers: Iterable[int], window: int
) -> AsyncIterator[PageT]:
    """Fetch pages ``numbers`` concurrently, at most ``window`` in flight, and yield them in order.

    A failure is raised when its page's turn comes; whatever is still in flight is cancelled.
    """
    todo: Iterator[int] = iter(numbers)
    pending: collections.deque[asyncio.Task[PageT]] = collections.deque()
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


async def cancel_all(tasks: Iterable[asyncio.Task[Any]]) -> None:
    """Cancel tasks and wait until they are gone (their errors are dropped: nobody wants them).

    The wait is shielded: an anyio cancel scope cancels its task again at every await, and an
    unshielded gather would pass that on, cancelling the tasks a second time while they close
    their connections and leaving those connections checked out of the pool. Shielded, a repeated
    cancellation ends only our wait; the tasks finish their own clean-up.
    """
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.shield(asyncio.gather(*tasks, return_exceptions=True))


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
    """Every camera of a subscription: page 0 tells ``total``, the rest come concurrently."""

    def request(page: int) -> Request:
        return list_cameras.endpoint.build(
            subscription_id, is_url=is_url, expiration=expiration, page=page, size=size
        )

    return counted(
        client, request, list_cameras.endpoint.parse, lambda page: page.cameras, _camera_page_count, window
    )


def _camera_page_count(first: CameraPage) -> int:
    """ceil(total / size), at least 1."""
    return max(1, math.ceil(first.total / first.size)) if first.size else 1


def iterate_external_devices(
    client: ClientLike,
    subscription_id: str,
    *,
    size: int = list_external_devices.LARGEST_PAGE_SIZE,
    window: int = DEFAULT_WINDOW,
) -> Paginator[DeviceExternalDevices, ExternalDevicePage]:
    """Every edge device with its external devices: ``summary.totalPages`` says how many pages."""

    def request(page: int) -> Request:
        return list_external_devices.endpoint.build(subscription_id, page=page, size=size)

    return counted(
        client,
        request,
        list_external_devices.endpoint.parse,
        lambda page: page.data,
        lambda first: max(1, first.summary.total_pages),
        window,
    )


def iterate_media(
    client: ClientLike,
    subscription_id: str,
    camera_id: str | None = None,
    *,
    categories: Iterable[str] | None = None,
    sort_dir: str = "desc",
    page_size: int = 1000,
    lookahead: int = 1,
) -> Paginator[Media, tuple[Media, ...]]:
    """Every media of a subscription (or of one camera): pages until a short one."""
    if isinstance(lookahead, bool) or not isinstance(lookahead, int) or lookahead < 0:
        raise ValidationError("lookahead", f"must be an integer of at least 0, got {lookahead!r}")
    endpoint: Endpoint[..., tuple[Media, ...]] = (
        search_subscription_media.endpoint if camera_id is None else search_camera_media.endpoint
    )
    ids = (subscription_id,) if camera_id is None else (subscription_id, camera_id)
    wanted = None if categories is None else list(categories)

    def request(page: int) -> Request:
        return endpoint.build(
            *ids, page_number=page, page_size=page_size, categories=wanted, sort_dir=sort_dir
        )

    request(0)  # validates every argument now, before anything is sent

    async def walk(paginator: Paginator[Media, tuple[Media, ...]]) -> AsyncIterator[tuple[Media, ...]]:
        pending: collections.deque[asyncio.Task[tuple[Media, ...]]] = collections.deque()
        following = 0
        try:
            while True:
                while len(pending) <= lookahead:
                    fetch = paginator._fetch(request(following), endpoint.parse)
                    pending.append(asyncio.ensure_future(fetch))
                    following += 1
                page = await pending.popleft()
                yield page
                if len(page) < page_size:
                    break
        finally:
            await cancel_all(pending)

    return Paginator(client, walk, lambda page: page)
