"""The errors the flows raise (live sessions, media wait/download/export, port reset).

Each names what it is about (media id, request id, port) and the last state seen, so a log line
or a traceback tells what to retry. Like every error of the SDK they are :class:`AmnimoError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._errors import AmnimoError

if TYPE_CHECKING:
    from ._models import Media


def status_text(status: object) -> str:
    """A status as the API wrote it (an enum member as its value), or "unknown"."""
    if status is None:
        return "unknown"
    return str(getattr(status, "value", status))


class _MediaStateError(AmnimoError):
    """An error about one media: ``media`` is its last state, ``media_id`` its id and ``status``
    its status as the API wrote it."""

    def __init__(self, media: Media, message: str) -> None:
        self.media = media
        self.media_id = media.id
        self.status = status_text(media.status)
        super().__init__(message)


class MediaFailedError(_MediaStateError):
    """The media ended in a FAILED status: it will never have a file. ``media`` is its last state."""

    def __init__(self, media: Media) -> None:
        super().__init__(media, f"media {media.id} failed (status {status_text(media.status)})")


class MediaTimeoutError(_MediaStateError, TimeoutError):
    """The media was not COMPLETED within the time allowed. ``media`` is its last state; waiting
    again (``media.wait``) picks up where this left off, nothing is created twice."""

    def __init__(self, media: Media, *, waited: float, polls: int) -> None:
        self.waited = waited
        self.polls = polls
        super().__init__(
            media,
            f"media {media.id} still {status_text(media.status)} after {waited:.0f} s ({polls} polls); "
            "wait again or raise the timeout",
        )


class MediaNotReadyError(_MediaStateError):
    """The media has no file to download yet (still PROCESSING): wait for it first."""

    def __init__(self, media: Media) -> None:
        super().__init__(
            media, f"media {media.id} has no file yet (status {status_text(media.status)}); wait for it first"
        )


class DownloadSizeMismatchError(AmnimoError):
    """The file the storage host sent is not ``Media.size`` bytes long; nothing was kept."""

    def __init__(self, media_id: str, *, expected: int, received: int) -> None:
        self.media_id = media_id
        self.expected = expected
        self.received = received
        super().__init__(
            f"media {media_id}: the storage host sent {received} bytes where the media has {expected}; "
            "the partial file was removed"
        )


class ExportError(_MediaStateError):
    """The media was created (``media``) but waiting for it or downloading it failed.

    ``stage`` is ``"wait"`` or ``"download"``; ``__cause__`` is the error that stopped it. The
    media is not created again by a retry of the download: use ``media.download(sub, error.media.id,
    to)``, or ``media.wait`` first when the stage was ``"wait"``.
    """

    def __init__(self, media: Media, stage: str, cause: BaseException) -> None:
        self.stage = stage
        super().__init__(media, f"media {media.id} was created, but the {stage} failed: {cause}")


class LiveSessionEndedError(AmnimoError):
    """The HLS session ended while it was meant to be kept alive.

    ``reason`` is what ended it: the refused update (:class:`NotFoundError` once the server has
    dropped the session) or the last transient fault when no update got through within a
    keep-alive period.
    """

    def __init__(self, request_id: str, reason: BaseException) -> None:
        self.request_id = request_id
        self.reason = reason
        super().__init__(f"HLS session {request_id} ended: {reason}")


class PortResetTimeoutError(AmnimoError, TimeoutError):
    """The port did not come back (ENABLED) within the time allowed after its reset. ``status`` is
    its last activation status ("absent" when the device no longer listed it)."""

    def __init__(self, device_id: str, port_id: str, *, status: str, waited: float, polls: int) -> None:
        self.device_id = device_id
        self.port_id = port_id
        self.status = status
        self.waited = waited
        self.polls = polls
        super().__init__(
            f"port {port_id} of device {device_id} not back after {waited:.0f} s "
            f"(last activation status {self.status}, {polls} polls)"
        )
