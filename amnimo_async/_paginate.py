"""Async paginators over the three lists: cameras, media and external devices.

``async for camera in paginator`` gives items in server order; ``paginator.pages()`` gives pages.
Where every page tells how many items there are (cameras: ``total``; devices: ``summary.total``),
the pages after the first are fetched concurrently, at most ``window`` ahead, and handed out in
order, so memory stays at a few pages whatever the total. Media searches have no total: they walk
page after page until a short one (``lookahead`` pages may be asked for ahead).

A walk hands each id out at most once, and hands out every item that exists for the whole walk
while items are only added (or, for cameras and devices, only deleted with pauses a re-read can
meet): see :mod:`._walks` for how and why, and what deletions allow.

Breaking out of the loop, or cancelling it, cancels the requests still in flight.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

import attrs

from ._arguments import timestamp
from ._endpoint import ClientLike, Endpoint
from ._errors import ValidationError
from ._models import Camera, CameraPage, DeviceExternalDevices, ExternalDevicePage, Media
from ._seen import SeenIds
from ._walks import FetchPage, MediaPage, Walk, counted, media_pages, page_count
from .api.cameras import list_cameras
from .api.devices import list_external_devices
from .api.media import search_camera_media, search_subscription_media
from .api.media.search_subscription_media import MAX_PAGE_SIZE as _MAX_MEDIA_PAGE_SIZE


class Identified(Protocol):
    """An item of a list: it has an ``id``."""

    @property
    def id(self) -> str: ...


ItemT = TypeVar("ItemT", bound=Identified)
PageT = TypeVar("PageT")

DEFAULT_WINDOW = 8
MEDIA_PAGE_SIZE = _MAX_MEDIA_PAGE_SIZE  # media searches have no total: the fewer pages the better


class Paginator(Generic[ItemT, PageT]):
    """An async iterator of items, with :meth:`pages` to walk whole pages instead.

    ``pages_fetched`` counts the pages answered so far (pages asked for again included). Each
    ``async for`` walks the list anew, and hands each id out at most once. ``items_of(page)``
    gives a page's items; ``page_count(first_page)`` how many pages the list has, as its first page
    tells (``None`` for lists that do not say: the media searches).
    """

    def __init__(
        self,
        fetch_page: FetchPage[PageT],
        walk: Walk[PageT],
        items_of: Callable[[PageT], Sequence[ItemT]],
        with_items: Callable[[PageT, tuple[ItemT, ...]], PageT],
        page_count: Callable[[PageT], int] | None = None,
    ) -> None:
        self._fetch_page = fetch_page
        self._walk = walk
        self.items_of = items_of
        self._with_items = with_items
        self.page_count = page_count
        self.pages_fetched = 0

    def pages(self) -> AsyncIterator[PageT]:
        """The pages, in order, each holding only the items this walk has not handed out before.

        So a page can be shorter than its size, or empty, when the list changed during the walk
        (an item pushed onto the next page by an insertion is in the first page only). And when a
        page boundary may have moved, the walk reads pages again: a page number can then come
        twice, the second time holding only the items that moved into it.
        """
        return self._fresh_pages()

    async def _fetch(self, number: int) -> PageT:
        page = await self._fetch_page(number)
        self.pages_fetched += 1
        return page

    async def _fresh_pages(self) -> AsyncGenerator[PageT, None]:
        seen = SeenIds()
        pages = self._walk(self._fetch)
        try:
            async for page in pages:
                items = self.items_of(page)
                fresh = tuple(item for item in items if seen.add(item.id))
                yield page if len(fresh) == len(items) else self._with_items(page, fresh)
        finally:
            await pages.aclose()

    async def _items(self) -> AsyncGenerator[ItemT, None]:
        pages = self._fresh_pages()
        try:
            async for page in pages:
                for item in self.items_of(page):
                    yield item
        finally:
            await pages.aclose()

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self._items()

    def __repr__(self) -> str:
        return f"<Paginator pages_fetched={self.pages_fetched}>"


def page_fetcher(
    endpoint: Endpoint[..., PageT], client: ClientLike, *args: Any, page_argument: str, **kwargs: Any
) -> FetchPage[PageT]:
    """Pages of ``endpoint`` called with ``args`` and ``kwargs``, the page number passed as
    ``page_argument``; every argument is validated now (by building page 0), before anything
    is sent, and that request is the one sent for page 0."""
    first = endpoint.build(*args, **kwargs, **{page_argument: 0})

    def fetch(number: int) -> Awaitable[PageT]:
        if number == 0:
            return endpoint.send(client, first)
        return endpoint.asyncio(client, *args, **kwargs, **{page_argument: number})

    return fetch


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
    concurrently, at most ``window`` ahead), each once. ``.pages()`` walks pages instead.

    Exact while cameras are only added during the walk, or only deleted with a pause a re-read can
    meet: every camera present throughout is handed out (each page's ``total`` shows a change;
    pages are read again where a page boundary may have moved). When cameras are both added and
    deleted meanwhile, or deleted faster than the re-reads, one just past a page boundary can be
    missed."""
    walk = counted(_camera_total, _camera_size, _window(window))
    fetch = page_fetcher(
        list_cameras.endpoint,
        client,
        subscription_id,
        is_url=is_url,
        expiration=expiration,
        size=size,
        page_argument="page",
    )
    return Paginator(fetch, walk, _cameras_of, _with_cameras, page_count(_camera_total, _camera_size))


def _camera_total(page: CameraPage) -> int:
    return page.total


def _camera_size(page: CameraPage) -> int:
    return page.size


def _cameras_of(page: CameraPage) -> tuple[Camera, ...]:
    return page.cameras


def _with_cameras(page: CameraPage, cameras: tuple[Camera, ...]) -> CameraPage:
    return attrs.evolve(page, cameras=cameras)


def iterate_external_devices(
    client: ClientLike,
    subscription_id: str,
    *,
    size: int = list_external_devices.LARGEST_PAGE_SIZE,
    window: int = DEFAULT_WINDOW,
) -> Paginator[DeviceExternalDevices, ExternalDevicePage]:
    """Every edge device with its external devices (pages after the first concurrently), each
    once; exact while devices are only added, or only deleted with pauses (as cameras)."""
    walk = counted(_device_total, _device_size, _window(window))
    fetch = page_fetcher(
        list_external_devices.endpoint, client, subscription_id, size=size, page_argument="page"
    )
    return Paginator(fetch, walk, _devices_of, _with_devices, page_count(_device_total, _device_size))


def _device_total(page: ExternalDevicePage) -> int:
    return page.summary.total


def _device_size(page: ExternalDevicePage) -> int:
    return page.summary.page_size


def _devices_of(page: ExternalDevicePage) -> tuple[DeviceExternalDevices, ...]:
    return page.data


def _with_devices(page: ExternalDevicePage, devices: tuple[DeviceExternalDevices, ...]) -> ExternalDevicePage:
    return attrs.evolve(page, data=devices)


def iterate_media(
    client: ClientLike,
    subscription_id: str,
    camera_id: str | None = None,
    *,
    categories: Iterable[str] | None = None,
    sort_dir: str = "desc",
    page_size: int = MEDIA_PAGE_SIZE,
    lookahead: int = 0,
    since: datetime | None = None,
) -> Paginator[Media, tuple[Media, ...]]:
    """Every media of the subscription (or of ``camera_id``), each once, page after page until a
    short one; with ``since``, newest first down to the first media requested at or before
    ``since`` (so a walk with nothing new costs one request).

    Exact while media are created during the walk: pages are asked for one after the other, and
    every media present throughout is handed out. ``lookahead`` pages asked for before knowing they
    exist overlap the latency, but a page asked for ahead can be answered before the one above it,
    so with media being created meanwhile one at that page boundary can be missed: use it on lists
    that do not change. A media deleted during the walk can make it miss the media just past the
    next page boundary: at most as many as were deleted."""
    if isinstance(lookahead, bool) or not isinstance(lookahead, int) or lookahead < 0:
        raise ValidationError("lookahead", f"must be an integer of at least 0, got {lookahead!r}")
    if since is not None:
        timestamp("since", since)
    paginator = media_paginator(
        client,
        subscription_id,
        camera_id,
        categories=categories,
        sort_dir=sort_dir,
        page_size=page_size,
        lookahead=lookahead,
        old=None if since is None else at_or_before(since),
    )
    if since is not None and sort_dir != "desc":  # the search has checked it is "asc" or "desc"
        raise ValidationError("sort_dir", f"must be 'desc' with since (newest first), got {sort_dir!r}")
    return paginator


def at_or_before(moment: datetime) -> Callable[[Media], bool]:
    """Whether a media was requested at or before ``moment`` (one with no request time is not)."""

    def old(media: Media) -> bool:
        return media.requested_date_time is not None and media.requested_date_time <= moment

    return old


def media_paginator(
    client: ClientLike,
    subscription_id: str,
    camera_id: str | None,
    *,
    categories: Iterable[str] | None,
    sort_dir: str,
    page_size: int,
    lookahead: int,
    old: Callable[[Media], bool] | None,
) -> Paginator[Media, MediaPage]:
    """The media search walk, ending at the first media ``old`` says is old (if given)."""
    endpoint: Endpoint[..., MediaPage] = (
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
    return Paginator(fetch, media_pages(page_size, lookahead, old), _media_of, _with_media)


def _media_of(page: MediaPage) -> MediaPage:
    return page


def _with_media(page: MediaPage, media: MediaPage) -> MediaPage:
    return media
