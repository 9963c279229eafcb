"""GET /partitions/{subscriptionId}/medias/{mediaId}: one media, with its download URL once done."""

from __future__ import annotations

import httpx

from ..._endpoint import Endpoint
from ..._models import Media
from ..._request import Operation, Request, parse_json
from .._params import expiration as check_expiration
from .._params import media_item

OPERATION = Operation("getMedia", "GET", "/partitions/{subscriptionId}/medias/{mediaId}", idempotent=True)


def _get_kwargs(subscription_id: str, media_id: str, *, expiration: int = 60) -> Request:
    """One media; when COMPLETED its ``url`` is a download link valid ``expiration`` minutes (1..10080)."""
    return OPERATION.request(
        media_item(subscription_id, media_id), query={"expiration": check_expiration(expiration)}
    )


def _parse_response(response: httpx.Response) -> Media:
    return parse_json(response, Media)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
