"""DELETE /partitions/{subscriptionId}/medias/{mediaId}: delete a media."""

from __future__ import annotations

from ..._endpoint import Endpoint
from ..._request import Operation, Request, parse_nothing
from .._params import media_item

OPERATION = Operation(
    "deleteMedia", "DELETE", "/partitions/{subscriptionId}/medias/{mediaId}", idempotent=True
)


def _get_kwargs(subscription_id: str, media_id: str) -> Request:
    """Delete the media. A 404 to a retry after an attempt whose outcome is unknown (no answer, a
    5xx, a garbled body) means that attempt deleted it: that counts as done, not as `NotFoundError`."""
    return OPERATION.request(media_item(subscription_id, media_id))


_parse_response = parse_nothing

endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
