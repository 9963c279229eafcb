"""PUT /partitions/{subscriptionId}/medias/{mediaId}: rename a media."""

from __future__ import annotations

from ..._endpoint import Endpoint, json_parser
from ..._models import Media
from ..._operations import RENAME_MEDIA as OPERATION
from ..._request import Request
from .._params import build_request


def _get_kwargs(subscription_id: str, media_id: str, name: str) -> Request:
    """Give the media a new ``name`` (1..64 characters); answers the updated media."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(Media)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
