"""PUT /partitions/{subscriptionId}/medias/{mediaId}: rename a media."""

from __future__ import annotations

import httpx

from ..._arguments import text
from ..._endpoint import Endpoint
from ..._models import Media
from ..._request import Operation, Request, parse_json
from .._params import media_item

OPERATION = Operation("renameMedia", "PUT", "/partitions/{subscriptionId}/medias/{mediaId}", idempotent=True)


def _get_kwargs(subscription_id: str, media_id: str, name: str) -> Request:
    """Give the media a new ``name`` (1..64 characters); answers the updated media."""
    body = {"data": {"name": text("name", name, max_length=64)}}
    return OPERATION.request(media_item(subscription_id, media_id), json=body)


def _parse_response(response: httpx.Response) -> Media:
    return parse_json(response, Media)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
