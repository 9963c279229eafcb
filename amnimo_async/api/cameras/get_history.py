"""GET /partitions/{subscriptionId}/cameras/{cameraId}/history: cloud-recording spans in a window."""

from __future__ import annotations

from datetime import datetime

import httpx

from ..._arguments import time_range, timestamp
from ..._endpoint import Endpoint
from ..._models import HistorySpan
from ..._request import Operation, Request, parse_json
from .._params import camera

OPERATION = Operation(
    "getHistory", "GET", "/partitions/{subscriptionId}/cameras/{cameraId}/history", idempotent=True
)


def _get_kwargs(subscription_id: str, camera_id: str, *, start_time: datetime, end_time: datetime) -> Request:
    """The spans of cloud recording between ``start_time`` and ``end_time`` (aware datetimes)."""
    query = {
        "startTime": timestamp("start_time", start_time),
        "endTime": timestamp("end_time", end_time),
    }
    time_range("start_time", start_time, "end_time", end_time)
    return OPERATION.request(camera(subscription_id, camera_id), query=query)


def _parse_response(response: httpx.Response) -> tuple[HistorySpan, ...]:
    return parse_json(response, tuple[HistorySpan, ...])


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
