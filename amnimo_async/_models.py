"""The API's bodies as frozen attrs classes.

Python names are snake_case; the converter (``_converter.py``) maps them to the wire's camelCase.
Enum-like fields hold a member of the ``*Status``-style enum (generated into ``_enums.py`` from the
spec's ``x-known-values``) when the value is known and the raw string otherwise, so a value the
API adds tomorrow is kept, not an error. Fields the API adds are kept in ``extra``. Times are
aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

import attrs

# The enums are generated from the spec (_enums.py); they are found here, beside the models.
from ._enums import ActivationStatus as ActivationStatus
from ._enums import CameraStatus as CameraStatus
from ._enums import ExternalDeviceStatus as ExternalDeviceStatus
from ._enums import LinkStatus as LinkStatus
from ._enums import MediaCategory as MediaCategory
from ._enums import MediaSource as MediaSource
from ._enums import MediaStatus as MediaStatus
from ._enums import MediaType as MediaType
from ._enums import OpenEnum as OpenEnum
from ._enums import PortAction as PortAction
from ._enums import RecordingStatus as RecordingStatus
from ._enums import SortDirection as SortDirection

EMPTY: Mapping[str, Any] = MappingProxyType({})


def _extra() -> Any:
    """The ``extra`` field every model has: wire fields this SDK does not know, kept verbatim."""
    return attrs.field(default=EMPTY, kw_only=True, repr=False, eq=False, metadata={"extra": True})


def wire(name: str, **kwargs: Any) -> Any:
    """A field whose wire name is not the camelCase of its Python name."""
    return attrs.field(metadata={"wire": name}, **kwargs)


@attrs.frozen
class TokenGrant:
    """The answer of ``/oauth2/token``. The token itself never appears in ``repr``."""

    access_token: str = wire("access_token", repr=False)
    token_type: str = wire("token_type")
    expires_in: int | None = wire("expires_in", default=None)
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class Account:
    """A node of the account hierarchy; ``child_accounts`` skips the ``{}`` the API may send."""

    account_id: str
    account_name: str | None = None
    subscription_id: str | None = None
    subscription_name: str | None = None
    child_accounts: tuple[Account, ...] = ()
    extra: Mapping[str, Any] = _extra()

    def walk(self) -> Iterator[Account]:
        """This account and every account below it, depth first, in the API's order."""
        stack = [self]
        while stack:
            account = stack.pop()
            yield account
            stack.extend(reversed(account.child_accounts))

    def subscription_ids(self) -> list[str]:
        """Every subscription id in this tree, each once, in tree order."""
        seen: dict[str, None] = {}
        for account in self.walk():
            if account.subscription_id:
                seen.setdefault(account.subscription_id)
        return list(seen)


@attrs.frozen
class CameraThumbnail:
    """The latest thumbnail of a camera: when it was taken, and its presigned image ``url`` when asked
    for (``is_url``)."""

    ts: datetime
    url: str | None = None
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class Camera:
    """A camera of a subscription: connection and recording status, name, tags, latest thumbnail."""

    id: str
    pid: str | None = None
    device_version: str | None = None
    status: CameraStatus | str | None = None
    recording_status: RecordingStatus | str | None = None
    display_name: str | None = None
    tags: tuple[str, ...] = ()
    thumbnail: CameraThumbnail | None = None
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class CameraPage:
    """One page of ``listCameras``: ``total`` cameras in all, this is page ``page`` of ``size``."""

    total: int
    page: int
    size: int
    cameras: tuple[Camera, ...]
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class Thumbnail:
    """One thumbnail of ``listThumbnails``: when it was taken, its status ``code``, and its image ``url``
    when asked for."""

    ts: datetime
    code: str | None = None
    url: str | None = None
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class ThumbnailList:
    """The answer of ``listThumbnails``: ``total`` thumbnails, newest first."""

    total: int
    thumbnails: tuple[Thumbnail, ...]
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class HistorySpan:
    """A span of cloud recording: wire ``s`` (epoch ms) and ``d`` (duration, ms)."""

    start: datetime = wire("s")
    duration: timedelta = wire("d")
    extra: Mapping[str, Any] = _extra()

    @property
    def end(self) -> datetime:
        return self.start + self.duration


@attrs.frozen
class HlsSession:
    """An HLS upload started by ``startHls``; keep ``request_id`` to update or stop it."""

    request_id: str
    url: str | None = None
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class HlsResult:
    """The answer of ``updateHls`` and ``stopHls`` (``result`` is ``"OK"`` on success)."""

    result: str | None = None
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class MediaUser:
    """Who requested a media (``meta.user``)."""

    id: str | None = None
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class MediaMeta:
    """A media's metadata: the user who requested it."""

    user: MediaUser | None = None
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class Media:
    """A clip or snapshot; ``url`` is its presigned download URL once it is COMPLETED."""

    id: str
    camera_id: str | None = None
    pid: str | None = None
    type: MediaType | str | None = None
    source: MediaSource | str | None = None
    category: MediaCategory | str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    name: str | None = None
    status: MediaStatus | str | None = None
    requested_date_time: datetime | None = None
    size: int | None = None
    meta: MediaMeta | None = None
    url: str | None = None
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class ExternalDevice:
    """Equipment seen behind an edge device (a camera, a sensor) with its reachability."""

    ip_address: str | None = None
    external_device_name: str | None = None
    status: ExternalDeviceStatus | str | None = None
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class DeviceExternalDevices:
    """An edge device (wire ``dName``) and the external devices behind it."""

    id: str
    device_name: str | None = wire("dName", default=None)
    external_devices: tuple[ExternalDevice, ...] = ()
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class PageSummary:
    """Paging of ``listExternalDevices``: this page's number and size, the page count and the device count."""

    is_first_page: bool
    is_last_page: bool
    page_number: int
    page_size: int
    total_pages: int
    total: int
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class ExternalDevicePage:
    """One page of ``listExternalDevices``: edge devices with what is behind each, and the paging
    ``summary``."""

    data: tuple[DeviceExternalDevices, ...]
    summary: PageSummary
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class ListSummary:
    """The ``summary`` of an unpaged list: how many entries ``data`` holds."""

    total: int
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class ExternalDeviceList:
    """The external devices behind one edge device."""

    data: tuple[ExternalDevice, ...]
    summary: ListSummary
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class Peripheral:
    """A port of an edge device, e.g. ``POE0``."""

    id: str
    name: str | None = None
    type: str | None = None
    lnk_status: LinkStatus | str | None = None
    act_status: ActivationStatus | str | None = None
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class PeripheralList:
    """The ports of one edge device (``listPeripherals``)."""

    data: tuple[Peripheral, ...]
    summary: ListSummary
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class PortOperationResult:
    """The (empty) answer to a port operation; anything the API adds lands in ``extra``."""

    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class ErrorDetail:
    """One entry of the API's error body ``[{ts, status, message, details}]``."""

    ts: datetime | None = None
    status: str | None = None
    message: str | None = None
    details: tuple[Mapping[str, Any], ...] = ()
    extra: Mapping[str, Any] = _extra()
