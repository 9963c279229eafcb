"""Parameters many operations share: the path ids and the presigned-URL options."""

from __future__ import annotations

from .._arguments import boolean, integer, text, uuid_string
from .._errors import ValidationError

EXPIRATION_MINUTES = (1, 10_080)  # presigned URL lifetime: one minute to one week

# Ids the API types as plain strings (mediaId, portId, requestId) are short in practice (uuids,
# "POE0"); a much longer one would make a URL servers refuse (httpx itself stops at 64 KiB).
MAX_ID_LENGTH = 256


def free_id(name: str, value: object) -> str:
    """An id the API types as a plain string, sent in the URL."""
    checked = text(name, value)
    if len(checked) > MAX_ID_LENGTH:
        raise ValidationError(
            name,
            f"must be 1 to {MAX_ID_LENGTH} characters long (a longer id would not fit a URL), "
            f"got {len(checked)}",
        )
    return checked


def path_segment(name: str, value: object) -> str:
    """A plain-string id sent as one path segment; "." and ".." would name another resource."""
    segment = free_id(name, value)
    if segment in (".", ".."):
        raise ValidationError(
            name, f"cannot be {segment!r}: in a URL path it means this or the parent folder"
        )
    return segment


def partition(subscription_id: object) -> dict[str, str]:
    """The ``{subscriptionId}`` path parameter."""
    return {"subscriptionId": uuid_string("subscription_id", subscription_id)}


def camera(subscription_id: object, camera_id: object) -> dict[str, str]:
    return {**partition(subscription_id), "cameraId": uuid_string("camera_id", camera_id)}


def device(subscription_id: object, device_id: object) -> dict[str, str]:
    return {**partition(subscription_id), "deviceId": uuid_string("device_id", device_id)}


def media_item(subscription_id: object, media_id: object) -> dict[str, str]:
    # The vendor types mediaId as a plain string (its values look like uuids).
    return {**partition(subscription_id), "mediaId": path_segment("media_id", media_id)}


def expiration(value: object) -> int:
    return integer("expiration", value, minimum=EXPIRATION_MINUTES[0], maximum=EXPIRATION_MINUTES[1])


def presigned(is_url: object, expiration_minutes: object) -> dict[str, object]:
    """``isUrl`` and ``expiration``: whether to include presigned URLs, valid how many minutes."""
    return {"isUrl": boolean("is_url", is_url), "expiration": expiration(expiration_minutes)}
