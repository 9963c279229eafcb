"""GET /partitions/{subscriptionId}/cameras/{cameraId}: one camera."""

from __future__ import annotations

import httpx

from ..._endpoint import Endpoint
from ..._models import Camera
from ..._request import Operation, Request, parse_json
from .._params import camera, presigned

OPERATION = Operation("getCamera", "GET", "/partitions/{subscriptionId}/cameras/{cameraId}", idempotent=True)


def _get_kwargs(
    subscription_id: str, camera_id: str, *, is_url: bool = True, expiration: int = 60
) -> Request:
    """One camera; ``is_url`` adds a presigned thumbnail URL valid ``expiration`` minutes (1..10080)."""
    return OPERATION.request(camera(subscription_id, camera_id), query=presigned(is_url, expiration))


def _parse_response(response: httpx.Response) -> Camera:
    return parse_json(response, Camera)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
