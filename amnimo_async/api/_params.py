"""Parameters many operations share: the path ids and the presigned-URL options."""

from __future__ import annotations

from .._arguments import boolean, integer, text, uuid_string

EXPIRATION_MINUTES = (1, 10_080)  # presigned URL lifetime: one minute to one week


def partition(subscription_id: object) -> dict[str, str]:
    """The ``{subscriptionId}`` path parameter."""
    return {"subscriptionId": uuid_string("subscription_id", subscription_id)}


def camera(subscription_id: object, camera_id: object) -> dict[str, str]:
    return {**partition(subscription_id), "cameraId": uuid_string("camera_id", camera_id)}


def device(subscription_id: object, device_id: object) -> dict[str, str]:
    return {**partition(subscription_id), "deviceId": uuid_string("device_id", device_id)}


def media_item(subscription_id: object, media_id: object) -> dict[str, str]:
    # The vendor types mediaId as a plain string (its values look like uuids).
    return {**partition(subscription_id), "mediaId": text("media_id", media_id)}


def expiration(value: object) -> int:
    return integer("expiration", value, minimum=EXPIRATION_MINUTES[0], maximum=EXPIRATION_MINUTES[1])


def presigned(is_url: object, expiration_minutes: object) -> dict[str, object]:
    """``isUrl`` and ``expiration``: whether to include presigned URLs, valid how many minutes."""
    return {"isUrl": boolean("is_url", is_url), "expiration": expiration(expiration_minutes)}
