"""GET /partitions/{subscriptionId}/cameras/{cameraId}/history: cloud-recording spans in a window."""

from __future__ import annotations

from datetime import datetime

from ..._endpoint import Endpoint, json_parser
from ..._models import HistorySpan
from ..._operations import GET_HISTORY as OPERATION
from ..._request import Request
from .._params import build_request


def _get_kwargs(subscription_id: str, camera_id: str, *, start_time: datetime, end_time: datetime) -> Request:
    """The spans of cloud recording between ``start_time`` and ``end_time`` (aware datetimes)."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(tuple[HistorySpan, ...])
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
