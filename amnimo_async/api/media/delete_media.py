"""DELETE /partitions/{subscriptionId}/medias/{mediaId}: delete a media."""

from __future__ import annotations

from ..._endpoint import Endpoint
from ..._operations import DELETE_MEDIA as OPERATION
from ..._request import Request, parse_nothing
from .._params import build_request


def _get_kwargs(subscription_id: str, media_id: str) -> Request:
    """Delete the media. A 404 to a retry after an attempt whose outcome is unknown (no answer, a
    5xx, a garbled body) means that attempt deleted it: that counts as done, not as `NotFoundError`."""
    return build_request(OPERATION, **locals())


_parse_response = parse_nothing
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
