"""POST /partitions/{subscriptionId}/cameras/{cameraId}/media: cut a clip or take a snapshot.

Never retried once the request may have reached the server: a repeat would make a second media.
"""

from __future__ import annotations

from datetime import datetime

import httpx

from ..._arguments import choice, text, time_range, timestamp
from ..._endpoint import Endpoint
from ..._models import Media
from ..._request import Operation, Request, parse_json
from .._params import camera
from ._search import CATEGORIES

OPERATION = Operation(
    "createMedia", "POST", "/partitions/{subscriptionId}/cameras/{cameraId}/media", idempotent=False
)


def _get_kwargs(
    subscription_id: str,
    camera_id: str,
    *,
    category: str,
    start_time: datetime,
    end_time: datetime | None = None,
    name: str | None = None,
) -> Request:
    """Request a ``category`` "CLIP" (``start_time`` to ``end_time``) or "SNAPSHOT" (at
    ``start_time``), optionally named (1..64 characters). The media starts PROCESSING; poll
    ``get_media`` until it is COMPLETED."""
    body: dict[str, object] = {
        "category": choice("category", category, CATEGORIES),
        "startTime": timestamp("start_time", start_time),
    }
    if end_time is not None:
        body["endTime"] = timestamp("end_time", end_time)
        time_range("start_time", start_time, "end_time", end_time)
    if name is not None:
        body["name"] = text("name", name, max_length=64)
    return OPERATION.request(camera(subscription_id, camera_id), json=body)


def _parse_response(response: httpx.Response) -> Media:
    return parse_json(response, Media)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
