"""GET /partitions/{subscriptionId}/medias/{mediaId}: one media, with its download URL once done."""

from __future__ import annotations

from ..._endpoint import Endpoint, json_parser
from ..._models import Media
from ..._operations import GET_MEDIA as OPERATION
from ..._request import Request
from .._params import build_request


def _get_kwargs(subscription_id: str, media_id: str, *, expiration: int = 60) -> Request:
    """One media; when COMPLETED its ``url`` is a download link valid ``expiration`` minutes (1..10080)."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(Media)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
