"""GET .../cameras/{cameraId}/streams/hls/start: start HLS upload of live or recorded video."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ..._endpoint import Endpoint, json_parser
from ..._models import HlsSession
from ..._operations import START_HLS as OPERATION
from ..._request import Request
from .._params import build_request


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
    return build_request(OPERATION, **locals())


_parse_response = json_parser(HlsSession)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
