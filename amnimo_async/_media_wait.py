"""``media.wait``: poll a new clip or snapshot until it is COMPLETED, gently and within a bound."""

from __future__ import annotations

from ._endpoint import ClientLike
from ._flow_errors import MediaFailedError, MediaTimeoutError
from ._models import Media, MediaStatus
from ._polling import Poller, positive_seconds
from .api.media import get_media

DEFAULT_TIMEOUT = 600.0


async def wait_for_media(
    client: ClientLike,
    subscription_id: str,
    media_id: str,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    expiration: int = 60,
) -> Media:
    """Wait until a new clip or snapshot is COMPLETED, and return it (its ``url`` a download
    link valid ``expiration`` minutes).

    Polls ``getMedia`` at once, then after 1, 2, 4, 8 and every 10 s, so that waiting spends
    little of the client's rate budget: a clip ready in 30 s costs 7 requests, one of ten
    minutes 64. A status this SDK does not know counts as still processing.

    Raises :class:`MediaFailedError` when the media FAILED, and :class:`MediaTimeoutError` (a
    ``TimeoutError``) when it is still processing after ``timeout`` seconds (``None``: no limit);
    both name the media and its last status, and waiting again picks up where it left off.
    :class:`NotFoundError` if there is no such media; :class:`ValidationError` for a bad
    argument, before anything is sent.

    ::

        media = await amnimo.media.create(sub, camera_id, category="CLIP", start_time=t0, end_time=t1)
        media = await amnimo.media.wait(sub, media.id, timeout=600)
    """
    timeout = positive_seconds("timeout", timeout, optional=True)
    request = get_media.endpoint.build(
        subscription_id, media_id, expiration=expiration
    )  # checked before any wait
    poller = Poller(timeout, clock=client.transport.monotonic, sleep=client.transport.sleep)
    while True:
        media = await get_media.endpoint.send(client, request)
        poller.polled()
        if media.status == MediaStatus.COMPLETED:
            return media
        if media.status == MediaStatus.FAILED:
            raise MediaFailedError(media)
        if not await poller.pause():
            raise MediaTimeoutError(media, waited=poller.elapsed, polls=poller.polls)
