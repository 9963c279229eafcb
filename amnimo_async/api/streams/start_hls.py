"""GET .../cameras/{cameraId}/streams/hls/start: start HLS upload of live or recorded video."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import httpx

from ..._arguments import integer, shown, timestamp
from ..._endpoint import Endpoint
from ..._errors import ValidationError
from ..._models import HlsSession
from ..._request import Operation, Request, parse_json
from .._params import camera

OPERATION = Operation(
    "startHls",
    "GET",
    "/partitions/{subscriptionId}/cameras/{cameraId}/streams/hls/start",
    idempotent=True,
)


def _get_kwargs(
    subscription_id: str,
    camera_id: str,
    *,
    dt: Literal["live"] | datetime,
    retry: int = 20,
    keep_alive_period: int = 10,
) -> Request:
    """Start an HLS session from ``dt``: ``"live"`` or an aware datetime in the recording. The edge
    device uploads until ``keep_alive_period`` seconds (10..3600) pass without an update or stop.
    ``retry`` (1..100) is how often the server retries getting the playback URL."""
    if isinstance(dt, datetime):
        start = timestamp("dt", dt)
    elif dt == "live":
        start = "live"
    else:
        raise ValidationError("dt", f'must be "live" or a timezone-aware datetime, got {shown(dt)}')
    query = {
        "dt": start,
        "retry": integer("retry", retry, minimum=1, maximum=100),
        "keepAlivePeriod": integer("keep_alive_period", keep_alive_period, minimum=10, maximum=3600),
    }
    return OPERATION.request(camera(subscription_id, camera_id), query=query)


def _parse_response(response: httpx.Response) -> HlsSession:
    return parse_json(response, HlsSession)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
