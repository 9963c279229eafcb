"""How the three lists are walked page by page (offset paging) while they may change.

**Counted lists** (cameras: ``total`` in every page; external devices: ``summary.total``). Page 0
comes first; the pages after it are fetched concurrently, at most ``window`` in flight, and
handed out in page order. Every page's total is compared with the total of the page handed out
just before it:

- not smaller: the page is handed out, and its total becomes the reference (a larger total
  extends the walk to the pages it needs);
- smaller: the page is asked for again, alone; if the answer is still smaller, the pages from
  where the page boundary can have moved back to (``ceil(drop / size)`` pages before) are read
  again together with it, until one state answers them all with one total
  (:data:`REREAD_ROUNDS` rounds at most).

*Why this never skips while items are only added* (anywhere in the order). With additions only,
the total grows with every change, so a total names a state of the list: equal totals are the same
state, a larger total a later one; and from a state to a later one an item's position can only
grow. Say every item not yet handed out that exists throughout the walk sits at position
``>= k*size`` in the state S of the last page handed out (true after page 0: it held positions
``0..size-1`` of its state). Page k is accepted only with a total ``>=`` S's, so from a state at
or after S, where those items still sit at ``>= k*size``; the page holds positions
``k*size..(k+1)*size-1``, so whichever are not in it sit at ``>= (k+1)*size``. A smaller total
means an answer computed before S (a page answered out of order): it is asked for again after S's
answer arrived, so the new answer is of S or later, and accepted. The walk ends when
``(k+1)*size >= total``: an item not handed out would sit past the end of the list. So every item
that exists throughout is handed out. Items inserted meanwhile may push an item already handed
out onto the next page: :class:`~amnimo_async._seen.SeenIds` drops the repeat.

*While items are only deleted* the total shrinks with every change, so it names states again, and
positions only shrink. A larger total is an earlier state, where positions were larger: harmless.
A smaller total means ``drop`` deletions since S: an item not handed out sits at
``>= k*size - drop``, so the pages from there to k are read again, as one state (one total),
before going on. So the walk is exact then too, as long as one round of re-reading meets the list
standing still (after :data:`REREAD_ROUNDS` rounds it goes on regardless at that boundary; each
deletion seen costs a page asked again and ``ceil(drop / size) + 1`` pages read together).
*When additions and deletions overlap*,
a deletion hidden by an addition leaves the totals equal and offset paging cannot see it: an item
just past a page boundary can then be missed (never handed out twice).

**Media searches** have no total. They walk page after page until a short page (or, for
``since``, until the first media the caller calls old), each page requested after the one before
it was answered, so positions can only have grown under additions: never a skip. ``lookahead``
asks for more pages before knowing they exist, to overlap latency; a page asked for ahead can be
answered before the page above it, so when media are created meanwhile, the media at that page
boundary can be missed. ``lookahead=0`` (the default) is exact under additions. A media deleted
while the walk is between two pages, if it sat before the boundary, moves every later one back
by one place: the media just past that boundary is missed. So a walk misses at most as many
media present throughout as were deleted while it ran (no total shows a deletion cheaply).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Generic, TypeVar

from ._models import Media
from ._tasks import cancel_all

PageT = TypeVar("PageT")

FetchPage = Callable[[int], Awaitable[PageT]]
"""Page number (from 0) to that page: what a walk asks for."""
Walk = Callable[[FetchPage[PageT]], AsyncGenerator[PageT, None]]
"""How a list is walked: given a page fetcher, its pages in the order they are to be used."""

REREAD_ROUNDS = 4
"""Rounds of re-reading at one page boundary before a counted walk goes on regardless (a list
whose total keeps changing faster than pages come back)."""


def counted(total_of: Callable[[PageT], int], size_of: Callable[[PageT], int], window: int) -> Walk[PageT]:
    """The walk of a list whose every page says how many items it has (see the module's text)."""

    async def walk(fetch: FetchPage[PageT]) -> AsyncGenerator[PageT, None]:
        first = await fetch(0)
        yield first
        size, total = size_of(first), total_of(first)
        if size < 1:
            return
        ahead: _Ahead[PageT] = _Ahead(fetch, window)
        number = 1
        try:
            while number * size < total:
                ahead.keep(number, _pages_for(total, size))
                page = await ahead.take(number)
                if total_of(page) >= total:
                    answers = [page]
                else:
                    answers = await _reread(fetch, number, size, total, total_of, window)
                for answer in answers:
                    yield answer
                total = total_of(answers[-1])
                number += 1
        finally:
            await ahead.close()

    return walk


def page_count(total_of: Callable[[PageT], int], size_of: Callable[[PageT], int]) -> Callable[[PageT], int]:
    """How many pages a counted list has, as one of its pages tells (what :func:`counted` walks)."""

    def count(page: PageT) -> int:
        return _pages_for(total_of(page), size_of(page))

    return count


def _pages_for(total: int, size: int) -> int:
    """Pages of ``size`` items that hold ``total`` items: ceil(total / size), at least 1."""
    return max(1, math.ceil(total / size)) if size >= 1 else 1


class _Ahead(Generic[PageT]):
    """Requests for the pages a walk is about to hand out, at most ``window`` in flight, taken in
    page order (the counted walk's pages ahead, a re-read's pages, a media search's lookahead)."""

    def __init__(self, fetch: FetchPage[PageT], window: int) -> None:
        self._fetch = fetch
        self._window = window
        self._pending: dict[int, asyncio.Future[PageT]] = {}

    def keep(self, number: int, end: int | None = None) -> None:
        """Requests in flight (or answered) for pages ``number`` up to ``end`` (excluded; no end
        when ``None``), at most ``window`` of them."""
        last = number + self._window if end is None else min(number + self._window, end)
        for following in range(number, last):
            if following not in self._pending:
                self._pending[following] = asyncio.ensure_future(self._fetch(following))

    async def take(self, number: int) -> PageT:
        """Page ``number``'s answer (its failure raised here)."""
        return await self._pending.pop(number)

    async def close(self) -> None:
        """Cancel what is still in flight (pages beyond a list that shrank, or a walk left early)."""
        await cancel_all(self._pending.values())
        self._pending.clear()


async def _reread(
    fetch: FetchPage[PageT],
    number: int,
    size: int,
    total: int,
    total_of: Callable[[PageT], int],
    window: int,
) -> list[PageT]:
    """Pages ``first..number`` read again until one state answers them all, ``first`` reaching back
    to where the boundary before page ``number`` can have moved; the last round's pages if the list
    keeps changing."""
    first = number
    answers: list[PageT] = []
    for _ in range(REREAD_ROUNDS):
        answers = await _read_together(fetch, first, number, window)
        totals = {total_of(page) for page in answers}
        lowest = min(totals)
        back = number if lowest >= total else max(0, number - math.ceil((total - lowest) / size))
        if len(totals) == 1 and first <= back:
            return answers
        first = min(first, back)
    return answers


async def _read_together(fetch: FetchPage[PageT], first: int, last: int, window: int) -> list[PageT]:
    """Pages ``first..last`` (``last`` included), at most ``window`` in flight, in page order; a
    failure is raised at its page's turn, and whatever is still in flight is cancelled."""
    ahead: _Ahead[PageT] = _Ahead(fetch, window)
    try:
        answers: list[PageT] = []
        for number in range(first, last + 1):
            ahead.keep(number, last + 1)
            answers.append(await ahead.take(number))
        return answers
    finally:
        await ahead.close()


MediaPage = tuple[Media, ...]


def media_pages(
    page_size: int, lookahead: int, old: Callable[[Media], bool] | None = None
) -> Walk[MediaPage]:
    """The walk of a media search: pages until one shorter than ``page_size``, with ``lookahead``
    more asked for before knowing they exist; with ``old``, it also ends at the first media ``old``
    says is old, that page cut before it."""

    async def walk(fetch: FetchPage[MediaPage]) -> AsyncGenerator[MediaPage, None]:
        ahead: _Ahead[MediaPage] = _Ahead(fetch, lookahead + 1)
        number = 0
        try:
            while True:
                ahead.keep(number)
                page = await ahead.take(number)
                cut = _first_old(page, old) if old is not None else len(page)
                yield page[:cut] if cut < len(page) else page
                if cut < len(page) or len(page) < page_size:
                    break
                number += 1
        finally:
            await ahead.close()

    return walk


def _first_old(page: MediaPage, old: Callable[[Media], bool]) -> int:
    """The index of the first media of ``page`` that ``old`` says is old (its length if none)."""
    return next((index for index, media in enumerate(page) if old(media)), len(page))
