"""GET /partitions/{subscriptionId}/cameras/{cameraId}: one camera."""

from __future__ import annotations

from ..._endpoint import Endpoint, json_parser
from ..._models import Camera
from ..._operations import GET_CAMERA as OPERATION
from ..._request import Request
from .._params import build_request


def _get_kwargs(
    subscription_id: str, camera_id: str, *, is_url: bool = True, expiration: int = 60
) -> Request:
    """One camera; ``is_url`` adds a presigned thumbnail URL valid ``expiration`` minutes (1..10080)."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(Camera)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
