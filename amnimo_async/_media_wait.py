"""``media.wait``: poll a new clip or snapshot until it is COMPLETED, gently and within a bound."""

from __future__ import annotations

import asyncio
import time

from ._endpoint import ClientLike
from ._flow_errors import MediaFailedError, MediaTimeoutError
from ._models import Media, MediaStatus
from ._polling import Clock, Poller, Sleep, positive_seconds
from .api.media import get_media

DEFAULT_TIMEOUT = 600.0


async def wait_for_media(
    client: ClientLike,
    subscription_id: str,
    media_id: str,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    expiration: int = 60,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
) -> Media:
    """The media once it is COMPLETED (with its download ``url``, valid ``expiration`` minutes).

    Polls ``getMedia`` at once, then after 1, 2, 4, 8 and every 10 s, so a clip that takes a
    minute costs about ten requests. Raises :class:`MediaFailedError` when the media FAILED and
    :class:`MediaTimeoutError` when it is still processing after ``timeout`` seconds (None: no
    limit); both name the media and its last status. A status this SDK does not know counts as
    still processing.
    """
    timeout = positive_seconds("timeout", timeout, optional=True)
    get_media.endpoint.build(subscription_id, media_id, expiration=expiration)  # checks before any wait
    poller = Poller(timeout, clock=clock, sleep=sleep)
    while True:
        media = await get_media.asyncio(client, subscription_id, media_id, expiration=expiration)
        poller.polled()
        if media.status == MediaStatus.COMPLETED:
            return media
        if media.status == MediaStatus.FAILED:
            raise MediaFailedError(media)
        if not await poller.pause():
            raise MediaTimeoutError(media, waited=poller.elapsed, polls=poller.polls)
