"""GET .../cameras/{cameraId}/streams/hls/stop: stop an HLS session."""

from __future__ import annotations

import httpx

from ..._endpoint import Endpoint
from ..._models import HlsResult
from ..._request import Operation, Request, parse_json
from .._params import camera
from ._session import request_id_query

OPERATION = Operation(
    "stopHls",
    "GET",
    "/partitions/{subscriptionId}/cameras/{cameraId}/streams/hls/stop",
    idempotent=True,
)


def _get_kwargs(subscription_id: str, camera_id: str, request_id: str) -> Request:
    """End the HLS session ``request_id``: the edge device stops uploading."""
    return OPERATION.request(camera(subscription_id, camera_id), query=request_id_query(request_id))


def _parse_response(response: httpx.Response) -> HlsResult:
    return parse_json(response, HlsResult)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
