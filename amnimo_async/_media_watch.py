"""``media.watch``: each new media once, as it appears, at the cost of one request per quiet poll.

A poll walks the search newest first (``media.iter``'s walk, exact while media are created) and
stops at the first media requested before the watch's cursor. The cursor is the newest request
time handed out, with the ids handed out at that very time: media can share a request time, so the
walk goes on through media of the cursor's time and hands out those it has not. A poll's media are
handed out oldest first, and the cursor moves with each; a poll that fails half way hands out
nothing and moves nothing, so the next poll finds the same media again: none lost, none twice.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable
from datetime import datetime, timezone

from ._arguments import timestamp
from ._endpoint import ClientLike
from ._errors import TRANSIENT_ERRORS
from ._models import Media
from ._paginate import Paginator, media_paginator
from ._polling import positive_seconds
from ._seen import SeenIds
from ._walks import MediaPage

DEFAULT_EVERY = 60.0
WATCH_PAGE_SIZE = 100
"""Media per page of a poll: a poll finding fewer new media than this costs one request."""
FAILED_POLLS = 5
"""A transient error (connection, timeout, 5xx, 429, a garbled answer) that fails this many polls
in a row is raised; before that, the watch waits ``every * 2**n`` (at most :data:`MAX_BACKOFF`)
and polls again. Each poll's requests are already retried by the client's retry policy."""
MAX_BACKOFF = 900.0


def watch_media(
    client: ClientLike,
    subscription_id: str,
    camera_id: str | None = None,
    *,
    every: float = DEFAULT_EVERY,
    since: datetime | None = None,
    categories: Iterable[str] | None = None,
    page_size: int = WATCH_PAGE_SIZE,
) -> AsyncIterator[Media]:
    """Each new media of the subscription (or of ``camera_id``) once, as it appears, oldest first.

    Polls every ``every`` seconds (after each poll ends); a poll with nothing new costs one
    request. New means requested after ``since`` (an aware datetime), or, without it, after the
    newest media when the watch starts (the first poll then hands out nothing). A transient error
    (connection, timeout, 5xx, 429, garbled answer; each request already retried by the client)
    fails only that poll: the next comes after ``every`` x 2, then x 4, x 8... (at most 15
    minutes), and the error is raised only when 5 polls in a row fail. Other errors (403, 404...)
    are raised at once. Arguments are checked here, before anything is sent. Leave the loop (or
    cancel it) to stop watching: ``async for media in amnimo.media.watch(sub, every=30)``, or a
    plain ``for`` with the blocking client.

    A media the server dates before one already handed out (its clock stepped back) is not seen;
    nor, rarely, is one just past a page boundary of a poll while media are being deleted.
    """
    seconds = positive_seconds("every", every)
    assert seconds is not None  # not optional: None was refused
    if since is not None:
        timestamp("since", since)
    chosen = None if categories is None else list(categories)

    def paginator(old: Callable[[Media], bool] | None) -> Paginator[Media, MediaPage]:
        return media_paginator(
            client,
            subscription_id,
            camera_id,
            categories=chosen,
            sort_dir="desc",
            page_size=page_size,
            lookahead=0,
            old=old,
        )

    cursor = Cursor(since)
    # Built (and its arguments checked) now; each ``async for`` walks the search anew. Only a first
    # poll needs a walk of its own: its stopping rule holds the first media's time.
    later = paginator(cursor.older)

    async def poll(first: bool) -> list[Media]:
        return [media async for media in (paginator(_older_than_the_first()) if first else later)]

    return _watch(client, poll, cursor, seconds, first=since is None)


async def _watch(
    client: ClientLike,
    poll: Callable[[bool], Awaitable[list[Media]]],
    cursor: Cursor,
    every: float,
    *,
    first: bool,
) -> AsyncGenerator[Media, None]:
    """Poll for ever: hand out each poll's new media, oldest first; a ``first`` poll only sets the
    cursor to where the list stands."""
    failures = 0
    while True:
        try:
            found = await poll(first)
        except TRANSIENT_ERRORS:
            failures += 1
            if failures >= FAILED_POLLS:
                raise
            await client.transport.sleep(min(every * 2**failures, max(every, MAX_BACKOFF)))
            continue
        failures = 0
        # Walk order reversed, then sorted by time (stable): oldest first, ties as the server
        # would list them oldest first.
        for media in sorted(reversed([m for m in found if cursor.is_new(m)]), key=_oldest_first):
            cursor.passed(media)
            if not first:
                yield media
        first = False
        await client.transport.sleep(every)


def _older_than_the_first() -> Callable[[Media], bool]:
    """For a walk newest first: whether a media is older than the first dated one of the walk."""
    newest: list[datetime] = []

    def old(media: Media) -> bool:
        moment = media.requested_date_time
        if moment is None:
            return False
        if not newest:
            newest.append(moment)
        return moment < newest[0]

    return old


class Cursor:
    """Where a watch stands: the newest request time handed out and the ids handed out at it."""

    def __init__(self, since: datetime | None) -> None:
        self.time = since
        # None: every media of ``time`` is old (``since`` excludes its own instant).
        self.at_time: SeenIds | None = None if since is not None else SeenIds()
        self.undated = SeenIds()

    def older(self, media: Media) -> bool:
        """Whether a walk newest first can stop at ``media``: requested before the cursor."""
        moment = media.requested_date_time
        return self.time is not None and moment is not None and moment < self.time

    def is_new(self, media: Media) -> bool:
        """Whether ``media`` has not been handed out (nor is older than the cursor)."""
        moment = media.requested_date_time
        if moment is None:
            return media.id not in self.undated
        if self.time is None or moment > self.time:
            return True
        return moment == self.time and self.at_time is not None and media.id not in self.at_time

    def passed(self, media: Media) -> None:
        """``media`` was handed out (or, in a first poll without ``since``, was there already)."""
        moment = media.requested_date_time
        if moment is None:
            self.undated.add(media.id)
        elif self.time is None or moment > self.time:
            at_time = SeenIds()
            at_time.add(media.id)
            self.time, self.at_time = moment, at_time
        elif self.at_time is not None:
            self.at_time.add(media.id)


_UNDATED = datetime.max.replace(tzinfo=timezone.utc)


def _oldest_first(media: Media) -> datetime:
    """Sort key: request time, media without one last."""
    return media.requested_date_time or _UNDATED
