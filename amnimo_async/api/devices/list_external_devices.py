"""GET /partitions/{subscriptionId}/devices/externalDevices: edge devices and what is behind them."""

from __future__ import annotations

import httpx

from ..._arguments import integer
from ..._endpoint import Endpoint
from ..._models import ExternalDevicePage
from ..._request import Operation, Request, parse_json
from .._params import partition

OPERATION = Operation(
    "listExternalDevices",
    "GET",
    "/partitions/{subscriptionId}/devices/externalDevices",
    idempotent=True,
)

# The API documents no maximum; the largest size the server honours (summary.pageSize tells).
LARGEST_PAGE_SIZE = 100


def _get_kwargs(subscription_id: str, *, page: int = 0, size: int = 10) -> Request:
    """Page ``page`` (from 0) of ``size`` edge devices (at least 1), each with its external devices;
    ``summary`` tells the page count and total."""
    query = {"page": integer("page", page, minimum=0), "size": integer("size", size, minimum=1)}
    return OPERATION.request(partition(subscription_id), query=query)


def _parse_response(response: httpx.Response) -> ExternalDevicePage:
    return parse_json(response, ExternalDevicePage)


endpoint = Endpoint(OPERATION, _get_kwargs, _parse_response)
asyncio_detailed = endpoint.asyncio_detailed
asyncio = endpoint.asyncio
sync_detailed = endpoint.sync_detailed
sync = endpoint.sync
