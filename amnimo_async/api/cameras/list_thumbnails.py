"""GET /partitions/{subscriptionId}/cameras/{cameraId}/thumbnails: a camera's thumbnails in a window."""

from __future__ import annotations

from datetime import datetime

from ..._endpoint import Endpoint, json_parser
from ..._models import ThumbnailList
from ..._operations import LIST_THUMBNAILS as OPERATION
from ..._request import Request
from .._params import build_request


def _get_kwargs(
    subscription_id: str,
    camera_id: str,
    *,
    start_time: datetime | None = None,
    end_time: datetime | None = None,
    limit: int = 1,
    is_url: bool = True,
    expiration: int = 60,
) -> Request:
    """Up to ``limit`` (1..100) thumbnails between ``start_time`` and ``end_time`` (aware datetimes);
    ``is_url`` adds presigned URLs valid ``expiration`` minutes (1..10080)."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(ThumbnailList)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
