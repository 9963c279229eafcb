"""GET /partitions/{subscriptionId}/devices/externalDevices: edge devices and what is behind them."""

from __future__ import annotations

from ..._endpoint import Endpoint, json_parser
from ..._models import ExternalDevicePage
from ..._operations import LIST_EXTERNAL_DEVICES as OPERATION
from ..._request import Request
from .._params import build_request

# No maximum is documented; the server serves a larger size as this one (summary.pageSize tells).
LARGEST_PAGE_SIZE = OPERATION.limit("size", "clamped_to")


def _get_kwargs(subscription_id: str, *, page: int = 0, size: int = 10) -> Request:
    """Page ``page`` (from 0) of ``size`` edge devices (at least 1), each with its external devices;
    ``summary`` tells the page count and total."""
    return build_request(OPERATION, **locals())


_parse_response = json_parser(ExternalDevicePage)
endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed, asyncio, sync_detailed, sync = endpoint.functions
