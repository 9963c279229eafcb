"""GET .../cameras/{cameraId}/streams/hls/stop: stop an HLS session."""

from __future__ import annotations

from ..._endpoint import Endpoint, json_parser
from ..._models import HlsResult
from ..._operations import STOP_HLS as OPERATION
from ..._request import Request
from .._params import build_request


def _get_kwargs(subscription_id: str, camera_id: str, request_id: str) -> Request:
    """End the HLS session ``request_id``: the edge device stops uploading."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(HlsResult)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
