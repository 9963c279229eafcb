"""An async client with the kinds of methods the flow helpers add (a live session to enter, media
to watch), whose blocking twin the typing test generates by the rules that generate ``Amnimo``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

from amnimo_async import AsyncAmnimo, Media
from amnimo_async._client import MediaNamespace, Streams


class LiveSession:
    """An HLS session kept alive while the ``async with`` block runs."""

    def __init__(self, camera_id: str) -> None:
        self.camera_id = camera_id
        self.updates = 0

    async def __aenter__(self) -> LiveSession:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    async def update(self) -> int:
        """Keep it alive once more; how many times so far."""
        self.updates += 1
        return self.updates


class LiveStreams(Streams):
    """Streams, and live sessions."""

    def live(self, subscription_id: str, camera_id: str, *, keep_alive_period: int = 60) -> LiveSession:
        """A live session of ``camera_id``."""
        return LiveSession(camera_id)


class WatchedMedia(MediaNamespace):
    """Media, and watching for new ones."""

    async def watch(self, subscription_id: str, *, every: float = 60.0) -> AsyncIterator[Media]:
        """Each media of the subscription, once."""
        for media in await self.search(subscription_id):
            yield media


class FlowsAsyncAmnimo(AsyncAmnimo):
    """AsyncAmnimo with live sessions and watching."""

    streams: LiveStreams
    media: WatchedMedia

    def __init__(self, client_id: str | None = None, secret_key: str | None = None, **options: Any) -> None:
        super().__init__(client_id, secret_key, **options)
        self.streams = LiveStreams(self)
        self.media = WatchedMedia(self)
