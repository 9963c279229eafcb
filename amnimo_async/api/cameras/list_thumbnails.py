"""GET /partitions/{subscriptionId}/cameras/{cameraId}/thumbnails: a camera's thumbnails in a window."""

from __future__ import annotations

from datetime import datetime

import httpx

from ..._arguments import integer, time_range, timestamp
from ..._endpoint import Endpoint
from ..._models import ThumbnailList
from ..._request import Operation, Request, parse_json
from .._params import camera, presigned

OPERATION = Operation(
    "listThumbnails",
    "GET",
    "/partitions/{subscriptionId}/cameras/{cameraId}/thumbnails",
    idempotent=True,
)


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
    start = None if start_time is None else timestamp("start_time", start_time)
    end = None if end_time is None else timestamp("end_time", end_time)
    if start_time is not None and end_time is not None:
        time_range("start_time", start_time, "end_time", end_time)
    query = {
        "startTime": start,
        "endTime": end,
        "limit": integer("limit", limit, minimum=1, maximum=100),
    }
    return OPERATION.request(
        camera(subscription_id, camera_id), query={**query, **presigned(is_url, expiration)}
    )


def _parse_response(response: httpx.Response) -> ThumbnailList:
    return parse_json(response, ThumbnailList)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
